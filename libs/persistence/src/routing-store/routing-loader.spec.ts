import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, dropTestDatabase } from '../../../../test/support/test-database.js';
import { closeDataSource, createDataSource, type DatabaseTarget } from '../data-source.js';
import type { CustomerRecord } from '../../../routing/src/core/types.js';
import { fetchCustomersByPhones, fetchCustomersByRefs } from './routing-loader.js';
import type { SqlSession } from './routing-writer.js';
import { pgClientSession, typeormSession } from './sql-session.js';

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/** A session that counts its statements. */
function counted(session: SqlSession): SqlSession & { statements: number } {
  const s = {
    statements: 0,
    query(sql: string, params?: unknown[]) {
      s.statements++;
      return session.query(sql, params);
    },
  };
  return s;
}

const byId = (a: CustomerRecord, b: CustomerRecord): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Customers of every kind: by phone, by reference, both, and one erased (no number, reference replaced). */
async function insertCustomers(q: Query): Promise<{ maija: CustomerRecord; matti: CustomerRecord; web: CustomerRecord; both: CustomerRecord; erased: CustomerRecord }> {
  const department = randomUUID();
  const agent = randomUUID();
  await q(`INSERT INTO departments (id, key, name, kind) VALUES ($1, 'loader-spec', 'Loader spec', 'customer-service')`, [department]);
  await q(`INSERT INTO agents (id, employee_number, display_name, department_id) VALUES ($1, 'L1', 'Liisa', $2)`, [agent, department]);
  const lastContactAt = new Date('2026-11-25T09:30:00.123Z');
  const row = (over: Partial<CustomerRecord>): CustomerRecord => ({ id: randomUUID(), phoneNumber: null, externalRef: null, lastAgentId: null, lastContactAt: null, ...over });
  const customers = {
    maija: row({ phoneNumber: '+358401234567', lastAgentId: agent, lastContactAt }),
    matti: row({ phoneNumber: '+358409876543' }),
    web: row({ externalRef: 'web-7f3a', lastAgentId: agent, lastContactAt }),
    // A reference that reads like a phone number: found only as a reference.
    both: row({ phoneNumber: '+358501111111', externalRef: '+358402222222' }),
    erased: row({ externalRef: `erased:${randomUUID()}` }),
  };
  for (const c of Object.values(customers)) {
    await q(`INSERT INTO customers (id, phone_number, external_ref, last_agent_id, last_contact_at) VALUES ($1, $2, $3, $4, $5)`, [
      c.id,
      c.phoneNumber,
      c.externalRef,
      c.lastAgentId,
      c.lastContactAt,
    ]);
  }
  return customers;
}

/** What both drivers must answer alike. */
async function expectBatchedLookups(plain: SqlSession, q: Query): Promise<void> {
  const { maija, matti, web, both, erased } = await insertCustomers(q);
  const session = counted(plain);

  // Many numbers, repeated and unknown ones among them: one statement, each customer once, field by field.
  const phones = await fetchCustomersByPhones(session, [maija.phoneNumber!, '+358400000000', matti.phoneNumber!, maija.phoneNumber!, both.phoneNumber!]);
  expect(session.statements).toBe(1);
  expect(phones).toEqual([maija, matti, both].sort(byId));
  expect(phones.find((c) => c.id === maija.id)!.lastContactAt).toBeInstanceOf(Date);

  const refs = await fetchCustomersByRefs(session, [web.externalRef!, both.externalRef!, 'web-unknown', web.externalRef!]);
  expect(session.statements).toBe(2);
  expect(refs).toEqual([web, both].sort(byId));

  // A number is not a reference, nor the other way round.
  expect(await fetchCustomersByRefs(session, [maija.phoneNumber!])).toEqual([]);
  expect(await fetchCustomersByPhones(session, [both.externalRef!, web.externalRef!])).toEqual([]);
  // An erased customer has no number, and its replaced reference is what the table holds now.
  expect(await fetchCustomersByRefs(session, [erased.externalRef!])).toEqual([erased]);
  expect(session.statements).toBe(5);

  // A single key is the same statement with a one-element array (the prepared statement is reused).
  expect(await fetchCustomersByPhones(session, [matti.phoneNumber!])).toEqual([matti]);
  expect(session.statements).toBe(6);

  // Nothing to look up: no statement at all.
  expect(await fetchCustomersByPhones(session, [])).toEqual([]);
  expect(await fetchCustomersByRefs(session, [])).toEqual([]);
  expect(session.statements).toBe(6);
}

describe('routing loader: batched customer lookups on PostgreSQL', () => {
  let dbName: string;
  let dbUrl: string;

  beforeAll(async () => {
    const db = await createTestDatabase();
    dbName = db.name;
    dbUrl = db.url;
  });

  afterAll(async () => {
    if (dbName) await dropTestDatabase(dbName);
  });

  it("on a dedicated connection (the owner's writer: prepared statements)", async () => {
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await expectBatchedLookups(pgClientSession(client), (sql, params) => client.query(sql, params));
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  });

  it("through TypeORM's pool (what the engine's lookups use)", async () => {
    const target: DatabaseTarget = { kind: 'postgres', url: dbUrl, poolSize: 2 };
    const ds = createDataSource(target);
    await ds.initialize();
    try {
      await expectBatchedLookups(typeormSession(ds), (sql, params) => ds.query(sql, params));
    } finally {
      await closeDataSource(ds, target);
    }
  });
});

describe('routing loader: batched customer lookups on the embedded PGlite database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vuoro-routing-loader-'));
  const target: DatabaseTarget = { kind: 'embedded', dataDir };

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers the same through TypeORM', async () => {
    const ds = createDataSource(target);
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
      await expectBatchedLookups(typeormSession(ds), (sql, params) => ds.query(sql, params));
    } finally {
      await closeDataSource(ds, target);
    }
  });
});
