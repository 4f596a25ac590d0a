import { DataSource } from 'typeorm';
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

/**
 * The wallboard (GET /v1/queues/{id}/stats) and the contacts report count a day's contacts the same
 * way: a contact answered is answered (libs/reports contact-facts: an `accepted` makes the outcome
 * `answered`), whatever status it ended in; only a contact never answered is abandoned.
 *
 * T = Monday 2026-11-23 10:00 Helsinki. call-1 is answered at T+10 and talked 40 s, but was recorded
 * `abandoned` (as a desk transfer of a call in progress left it before 409 contact.transfer_on_phone);
 * call-2 waits from T+20 and its caller hangs up at T+25.
 */
describe('reports: the wallboard agrees with the contacts report', () => {
  const T = Date.parse('2026-11-23T08:00:00Z');
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let offset = 0;

  const at = (s: number) => {
    offset = s;
  };
  const event = (name: string, callId: string, extra: Record<string, unknown> = {}) =>
    t.http.post('/v1/routing/events').set(...tel).send(eventBody(name, callId, { ts: new Date(T + offset * 1000).toISOString(), ...extra })).expect(200);

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, reportJobs: false });
    w = await buildRoutingWorld(t, 1);
    tel = bearer(await t.keyFor('telephony'));
    t.app.get(RoutingClock).now = () => new Date(T + offset * 1000);
    await t.http.put(`/v1/agents/${w.agentIds[0]}/state`).set(...bearer(await t.keyFor('supervisor'))).send({ state: 'available' }).expect(200);

    at(0);
    const d = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('call-1', { callerId: '+358401111111' })).expect(200)).body;
    expect(d.decision).toBe('agent');
    at(10);
    await event('answered', 'call-1', { decisionId: d.decisionId, agentId: d.agentId, leg: 'agent' });
    at(20);
    expect((await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('call-2', { callerId: '+358402222222' })).expect(200)).body.decision).toBe('queue');
    at(25);
    await event('abandoned', 'call-2', { hangupBy: 'caller' });
    at(50);
    await event('ended', 'call-1', { decisionId: d.decisionId, agentId: d.agentId, leg: 'agent', hangupBy: 'caller', durationSec: 40 });
    // The record an answered call got before desk transfers of calls were refused: ended `abandoned`.
    const db = t.app.get(DataSource);
    const [{ id }] = (await db.query(`SELECT id FROM contacts WHERE call_id = 'call-1'`)) as { id: string }[];
    await db.query(`UPDATE contacts SET status = 'abandoned', end_reason = 'abandoned' WHERE id = $1`, [id]);
    await db.query(`UPDATE contact_events SET type = 'abandoned' WHERE contact_id = $1 AND type = 'ended'`, [id]);
  });
  afterAll(() => t.close());

  it('counts an answered call that ended "abandoned" as answered on both, and the abandon before the answer as abandoned on both', async () => {
    const mgr = bearer(await t.keyFor('manager'));
    const report = (await t.http.get('/v1/reports/contacts').query({ from: '2026-11-23', to: '2026-11-23', period: 'day', queueId: w.phoneQueueId }).set(...mgr).expect(200)).body;
    const stats = (await t.http.get(`/v1/queues/${w.phoneQueueId}/stats`).set(...mgr).expect(200)).body;
    expect(report.rows[0]).toMatchObject({ offered: 2, answered: 1, abandoned: 1, answeredWithinThreshold: 1 });
    expect(stats).toMatchObject({ offeredToday: 2, answeredToday: 1, abandonedToday: 1, overdueToday: 0 });
    // Answered within target over answered, abandoned and overdue: 1 / 2.
    expect(stats.serviceLevelPercent).toBe(50);
  });
});
