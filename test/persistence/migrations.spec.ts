import { DataSource } from 'typeorm';
import { openTestDataSource } from '../support/test-database.js';

describe('migrations', () => {
  let ds: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ dataSource: ds, close } = await openTestDataSource());
  });
  afterAll(() => close());

  it('leave no difference between the entities and the schema (migration:generate finds nothing)', async () => {
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('revert completely and apply again', async () => {
    const count = (await ds.query('SELECT count(*)::int AS n FROM schema_migrations'))[0].n as number;
    for (let i = 0; i < count; i++) await ds.undoLastMigration({ transaction: 'each' });
    // TypeORM's own tables stay: the migration log, and typeorm_metadata (generated columns' expressions), which its runner makes itself.
    const tables = await ds.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT IN ('schema_migrations', 'typeorm_metadata')`,
    );
    expect(await ds.query('SELECT * FROM typeorm_metadata')).toEqual([]);
    expect(tables).toEqual([]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(count);
    expect(await ds.showMigrations()).toBe(false);
  });
});
