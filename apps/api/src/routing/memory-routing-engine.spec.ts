/**
 * The in-memory engine's customer lookups: callers and references not in memory are read from the
 * table, and concurrent misses share one query instead of one each.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RoutingRepository } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { buildRoutingWorld, callBody, type RoutingWorld } from '../../../../test/routing/routing-world.js';
import { bearer, startTestApp, type TestApp } from '../../../../test/support/test-app.js';

describe('MemoryRoutingEngine: customers not in memory', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let db: DataSource;
  /** The keys of each customer lookup query, in order. */
  const lookups: string[][] = [];
  /** Holds the next lookup query this long, so that the concurrent requests surely find it in flight. */
  let holdNext = 0;

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, routingEngine: 'memory' });
    w = await buildRoutingWorld(t, 2, { capacity: { phone: 1, chat: 2, email: 2 } });
    tel = bearer(await t.keyFor('telephony'));
    const sup = bearer(await t.keyFor('supervisor'));
    for (const a of w.agentIds) await t.http.put(`/v1/agents/${a}/state`).set(...sup).send({ state: 'available' }).expect(200);
    db = t.app.get(DataSource);
    // The engine reads customers through the repository's prepared statements (RoutingRepository.direct).
    const direct = t.app.get(RoutingRepository, { strict: false }).direct;
    const query = direct.query.bind(direct);
    direct.query = (async (sql: string, params?: unknown[]) => {
      if (/FROM customers WHERE (phone_number|external_ref) = ANY/.test(sql)) {
        lookups.push([...(params![0] as string[])]);
        const hold = holdNext;
        holdNext = 0;
        if (hold) await new Promise((resolve) => setTimeout(resolve, hold));
      }
      return query(sql, params);
    }) as typeof direct.query;
  });
  afterAll(() => t.close());

  /** Customers the tables know and the engine has not loaded (inserted behind its back). */
  async function storedCustomers(column: 'phone_number' | 'external_ref', keys: string[]): Promise<Map<string, string>> {
    const ids = new Map(keys.map((k) => [k, randomUUID()]));
    for (const [k, id] of ids) await db.query(`INSERT INTO customers (id, ${column}) VALUES ($1, $2)`, [id, k]);
    return ids;
  }

  /**
   * Each key was looked up in one query at most (a miss joins the query that already fetches its
   * key; once it lands the customer is in memory), and some query fetched several keys at once.
   */
  function expectShared(keys: string[]): void {
    const all = lookups.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((k) => keys.includes(k))).toBe(true);
    expect(Math.max(...lookups.map((l) => l.length))).toBeGreaterThan(1);
  }

  it('concurrent calls from known callers share their lookups, and each contact gets its stored customer', async () => {
    const phones = Array.from({ length: 24 }, (_, i) => `+35840555${String(i).padStart(4, '0')}`);
    const known = await storedCustomers('phone_number', phones.slice(0, 20));
    lookups.length = 0;
    holdNext = 300;
    // Two calls from each number, all at once.
    const calls = phones.flatMap((p, i) => [`batch-${i}-a`, `batch-${i}-b`].map((callId) => ({ callId, p })));
    const answers = await Promise.all(calls.map(({ callId, p }) => t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId, { callerId: p }))));
    for (const a of answers) expect(a.status).toBe(200);
    // One query per call before (48): now each number at most once, several per query.
    expectShared(phones);

    const rows = (await db.query(`SELECT call_id AS "callId", customer_id AS "customerId" FROM contacts WHERE call_id LIKE 'batch-%'`)) as { callId: string; customerId: string }[];
    const customerOf = new Map(rows.map((r) => [r.callId, r.customerId]));
    phones.forEach((p, i) => {
      const a = customerOf.get(`batch-${i}-a`);
      // Both calls of a number are one customer: the stored one, or a new one for an unknown number.
      expect(customerOf.get(`batch-${i}-b`)).toBe(a);
      if (known.has(p)) expect(a).toBe(known.get(p));
      else expect([...known.values()]).not.toContain(a);
    });
    // Once in memory, a number is not looked up again.
    lookups.length = 0;
    await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('batch-again', { callerId: phones[0] })).expect(200);
    expect(lookups).toEqual([]);
  });

  it('concurrent chats from known references share their lookups too', async () => {
    const refs = Array.from({ length: 10 }, (_, i) => `web-batch-${i}`);
    const known = await storedCustomers('external_ref', refs);
    lookups.length = 0;
    holdNext = 300;
    const created = await Promise.all(
      refs.map((customerRef) => t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef, language: 'fi' })),
    );
    for (const c of created) expect(c.status).toBe(201);
    expectShared(refs);
    const rows = (await db.query(`SELECT customer_ref AS ref, customer_id AS "customerId" FROM contacts WHERE customer_ref LIKE 'web-batch-%'`)) as { ref: string; customerId: string }[];
    expect(rows).toHaveLength(10);
    for (const r of rows) expect(r.customerId).toBe(known.get(r.ref));
  });
});
