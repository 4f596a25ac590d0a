/**
 * rowsOf reads the rows of a raw TypeORM query whatever its command: TypeORM answers UPDATE and
 * DELETE with `[rows, rowCount]` (on the PostgreSQL driver), every other command with the rows. Read
 * as rows, that pair lost the report roll-ups' late repeats (session 17).
 */
import type { DataSource } from 'typeorm';
import { rowsOf } from '../../libs/persistence/src/query-rows.js';
import { openTestDataSource } from '../support/test-database.js';

describe('rowsOf (raw TypeORM query results)', () => {
  let db: Awaited<ReturnType<typeof openTestDataSource>>;
  let ds: DataSource;

  beforeAll(async () => {
    db = await openTestDataSource();
    ds = db.dataSource;
  });

  afterAll(async () => {
    await db?.close();
  });

  it('gives the returned rows of INSERT, UPDATE, DELETE and SELECT alike', async () => {
    // One connection for the temp table: a transaction holds it.
    await ds.transaction(async (m) => {
      await m.query(`CREATE TEMP TABLE u (id int PRIMARY KEY, n int NOT NULL)`);
      expect(rowsOf(await m.query(`INSERT INTO u VALUES (1, 10), (2, 20) RETURNING id`))).toEqual([{ id: 1 }, { id: 2 }]);

      const updated = await m.query(`UPDATE u SET n = n + 1 WHERE id = 2 RETURNING id, n`);
      expect(updated).toEqual([[{ id: 2, n: 21 }], 1]); // what TypeORM answers: the pair
      expect(rowsOf(updated)).toEqual([{ id: 2, n: 21 }]);

      expect(rowsOf(await m.query(`UPDATE u SET n = 0 WHERE id = 99 RETURNING id`))).toEqual([]);
      expect(rowsOf(await m.query(`DELETE FROM u WHERE id = 1 RETURNING n`))).toEqual([{ n: 10 }]);
      expect(rowsOf(await m.query(`SELECT id, n FROM u ORDER BY id`))).toEqual([{ id: 2, n: 21 }]);
    });
  });
});
