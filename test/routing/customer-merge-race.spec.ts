/**
 * The database engine reads a caller's customer before it inserts the call's contact: a link that
 * merges that customer into a chat or email customer in between (another instance, another
 * request) makes the insert fail on contacts_customer_fk. The call must still be routed, with the
 * customer it joined — not answered 500. (The in-memory engine has no such window: one owner plans
 * and orders every change.)
 */
import { DataSource, type QueryRunner } from 'typeorm';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, type RoutingWorld } from './routing-world.js';

const NUMBER = '+358405550301';

describe('routing (database engine): a call racing the merge of its caller', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false });
    w = await buildRoutingWorld(t, 2);
    tel = bearer(await t.keyFor('telephony'));
    const sup = bearer(await t.keyFor('supervisor'));
    for (const id of w.agentIds) await t.http.put(`/v1/agents/${id}/state`).set(...sup).send({ state: 'available' }).expect(200);
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  /** Waits until some other session waits for a row lock (the decision's insert, held up by the merge). */
  async function someoneWaitsForALock(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
      if (n > 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('no session waited for a lock');
  }

  it.each([
    ['with nobody free (the transactional path)', false],
    ['with an agent free (the one-statement path)', true],
  ])('%s: the call is routed with the customer its caller was merged into', async (_name, agentFree) => {
    const n = agentFree ? 1 : 2;
    const number = `${NUMBER}${n}`;
    const [{ id: caller }] = await db.query(`INSERT INTO customers (id, phone_number) VALUES (gen_random_uuid(), $1) RETURNING id`, [number]);
    const [{ id: reference }] = await db.query(`INSERT INTO customers (id, external_ref) VALUES (gen_random_uuid(), $1) RETURNING id`, [`mail-race-${n}`]);
    const away = agentFree ? [] : w.agentIds;
    for (const id of away) await t.http.put(`/v1/agents/${id}/state`).set(...bearer(t.adminKey)).send({ state: 'break', reason: 'meeting' }).expect(200);

    // The merge, as a link does it, left open: the caller's row is deleted but not yet committed.
    const merge: QueryRunner = db.createQueryRunner();
    await merge.connect();
    await merge.startTransaction();
    await merge.query(`UPDATE contacts SET customer_id = $1 WHERE customer_id = $2`, [reference, caller]);
    await merge.query(`DELETE FROM customers WHERE id = $1`, [caller]);
    await merge.query(`UPDATE customers SET phone_number = $2 WHERE id = $1`, [reference, number]);

    const decided = t.http.post('/v1/routing/decisions').set(...tel).send(callBody(`race-${n}`, { callerId: number })).then((r) => r);
    await someoneWaitsForALock();
    await merge.commitTransaction();
    await merge.release();

    const res = await decided;
    expect(res.status).toBe(200);
    expect(res.body.decision).toBe(agentFree ? 'agent' : 'queue');
    expect(await db.query(`SELECT customer_id AS id FROM contacts WHERE call_id = $1`, [`race-${n}`])).toEqual([{ id: reference }]);
    for (const id of away) await t.http.put(`/v1/agents/${id}/state`).set(...bearer(t.adminKey)).send({ state: 'available' }).expect(200);
  });
});
