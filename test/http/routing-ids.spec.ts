/**
 * Rows the routing engines create get time-ordered ids (UUIDv7: the first 48 bits are the time in
 * milliseconds), so that their keys grow at the right-hand edge of their indexes
 * (libs/core/src/ids.ts). Runs on both engines (the routing-memory project runs it again).
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { TestApp } from '../support/test-app.js';
import { callBody, startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

/** The id's time in ms when it is a version-7 UUID, else null. */
function v7Time(id: string): number | null {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return null;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

describe('routing: ids of new rows', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let db: DataSource;

  beforeAll(async () => {
    ({ t, w, tel, db } = await startRoutingTestApp(2));
  });
  afterAll(() => t.close());

  const expectMadeBetween = (ids: string[], from: number, to: number) => {
    for (const id of ids) {
      const at = v7Time(id);
      expect({ id, v7: at !== null }).toEqual({ id, v7: true });
      expect(at!).toBeGreaterThanOrEqual(from);
      expect(at!).toBeLessThanOrEqual(to);
    }
  };

  it('a call from a new number: contact, decision, reservation and customer ids are time-ordered', async () => {
    const from = Date.now();
    const decision = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('ids-1', { callerId: '+358409990001' })).expect(200)).body;
    const to = Date.now();
    expect(decision.decision).toBe('agent');
    const [contact] = await db.query(`SELECT id, decision_id, customer_id FROM contacts WHERE call_id = 'ids-1'`);
    const reservations = (await db.query(`SELECT id FROM reservations WHERE contact_id = $1`, [contact.id])) as { id: string }[];
    expect(reservations).toHaveLength(1);
    expect(contact.decision_id).toBe(decision.decisionId);
    expectMadeBetween([contact.id, contact.decision_id, contact.customer_id, reservations[0].id], from, to);
  });

  it('a chat from a new customer reference: contact and customer ids are time-ordered', async () => {
    const from = Date.now();
    const chat = (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: 'ids-web-1', language: 'fi' }).expect(201)).body;
    const to = Date.now();
    const [contact] = await db.query(`SELECT id, customer_id FROM contacts WHERE id = $1`, [chat.id]);
    expectMadeBetween([contact.id, contact.customer_id], from, to);
  });

  it('a known customer keeps the id it has (made before the ids were time-ordered)', async () => {
    const known = randomUUID();
    await db.query(`INSERT INTO customers (id, phone_number) VALUES ($1, '+358409990002')`, [known]);
    await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('ids-2', { callerId: '+358409990002' })).expect(200);
    const [contact] = await db.query(`SELECT customer_id FROM contacts WHERE call_id = 'ids-2'`);
    expect(contact.customer_id).toBe(known);
    expect(await db.query(`SELECT count(*)::int AS n FROM customers WHERE phone_number = '+358409990002'`)).toEqual([{ n: 1 }]);
  });
});
