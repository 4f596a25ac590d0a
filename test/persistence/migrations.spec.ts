import { DataSource } from 'typeorm';
import { closeDataSource, createDataSource } from '../../libs/persistence/src/data-source.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';

describe('migrations', () => {
  let db: { name: string; url: string };
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource({ kind: 'postgres', url: db.url });
    await ds.initialize();
  });
  afterAll(async () => {
    await closeDataSource(ds, { kind: 'postgres', url: db.url });
    await dropTestDatabase(db.name);
  });

  it('leave no difference between the entities and the schema (migration:generate finds nothing)', async () => {
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('revert completely and apply again', async () => {
    const count = (await ds.query('SELECT count(*)::int AS n FROM schema_migrations'))[0].n as number;
    for (let i = 0; i < count; i++) await ds.undoLastMigration({ transaction: 'each' });
    const tables = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`);
    expect(tables).toEqual([]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(count);
    expect(await ds.showMigrations()).toBe(false);
  });
});
