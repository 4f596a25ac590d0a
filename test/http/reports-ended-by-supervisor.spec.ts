import { addDays } from '../../libs/calendar/src/local-date.js';
import { localDateOf, localToEpoch } from '../../libs/calendar/src/time-zone.js';
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

/**
 * Contacts a supervisor ended by hand (POST /v1/contacts/{id}/end: their end never came) in the
 * reports, on either routing engine (the jest project `routing-memory` runs this again with
 * ROUTING_ENGINE=memory). As a contact the routing sweep ends after the maximum duration, one ended
 * in an agent's hands counts as answered and `endedBySupervisor`, with none of its hours in the
 * handle or wrap-up time; one ended while waiting counts as failed and `endedBySupervisor`.
 *
 * T = 10:00 Helsinki the day after tomorrow. Two agents are available: A takes the first call, B the second.
 *   stuck-1   (+358405550011): → A at T+0, answered T+5; its ended never comes; a supervisor ends it at T+2 h.
 *   ok-1      (+358405550012): → B at T+10, answered T+15, ended T+115 (handle 100, the queue's wrap-up).
 *   waiting-1 (+358405550013): queued at T+20 (both agents busy); a supervisor ends it at T+60.
 * Phone queue, day: offered 3, answered 2, failed 1, endedBySupervisor 2, average handle 100 s.
 * Agent rows: A answered 1, endedBySupervisor 1, no handle time; B answered 1, endedBySupervisor 0, handle 100 s.
 */
describe('reports: contacts a supervisor ended by hand', () => {
  const DATE = addDays(localDateOf(Date.now(), 'Europe/Helsinki'), 2);
  const T = localToEpoch(DATE, 10 * 60, 'Europe/Helsinki');
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let mgr: [string, string];
  let sup: [string, string];
  let offset = 0;
  let wrapUpSeconds = 0;
  /** A took stuck-1 (whichever agent the routing chose), B the other. */
  let A = '';
  let B = '';

  const at = (s: number) => {
    offset = s;
  };
  const decide = async (callId: string, callerId: string) => (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId, { callerId })).expect(200)).body;
  const event = (name: string, callId: string) => t.http.post('/v1/routing/events').set(...tel).send(eventBody(name, callId, { ts: new Date(T + offset * 1000).toISOString() })).expect(200);
  const report = (path: string, query: Record<string, string | number>) => t.http.get(`/v1/reports/${path}`).query(query).set(...mgr).expect(200);
  const day = { from: DATE, to: DATE, period: 'day' };

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, reportJobs: false });
    w = await buildRoutingWorld(t, 2);
    tel = bearer(await t.keyFor('telephony'));
    mgr = bearer(await t.keyFor('manager'));
    sup = bearer(await t.keyFor('supervisor'));
    t.app.get(RoutingClock).now = () => new Date(T + offset * 1000);
    for (const a of w.agentIds) {
      const key = (await t.http.post(`/v1/agents/${a}/api-keys`).set(...bearer(t.adminKey)).send({ name: `desk ${a}` }).expect(201)).body.key;
      await t.http.put(`/v1/agents/${a}/state`).set(...bearer(key)).send({ state: 'available' }).expect(200);
    }
    wrapUpSeconds = (await t.http.get(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...mgr).expect(200)).body.wrapUpSeconds;

    at(0);
    const stuck = await decide('stuck-1', '+358405550011');
    expect(stuck.decision).toBe('agent');
    A = stuck.agentId;
    B = w.agentIds.find((a) => a !== A)!;
    at(5);
    await event('answered', 'stuck-1');
    at(10);
    expect(await decide('ok-1', '+358405550012')).toMatchObject({ decision: 'agent', agentId: B });
    at(15);
    await event('answered', 'ok-1');
    at(20);
    expect(await decide('waiting-1', '+358405550013')).toMatchObject({ decision: 'queue' });
    at(60);
    expect((await t.http.post('/v1/contacts/waiting-1/end').set(...sup).expect(200)).body).toMatchObject({ status: 'ended', endReason: 'ended-by-supervisor', answeredAt: null });
    at(115);
    await event('ended', 'ok-1');
    at(2 * 3600);
    expect((await t.http.post('/v1/contacts/stuck-1/end').set(...sup).expect(200)).body).toMatchObject({ status: 'ended', endReason: 'ended-by-supervisor' });
  });
  afterAll(() => t.close());

  it('leaves the hours of the call a supervisor ended in an agent\'s hands out of the handle and wrap-up time, and counts it apart', async () => {
    const res = await report('contacts', { ...day, queueId: w.phoneQueueId, thresholdSeconds: 30 });
    expect(res.body.rows).toHaveLength(1);
    expect(res.body.rows[0]).toMatchObject({
      offered: 3, answered: 2, abandoned: 0, failed: 1, endedBySupervisor: 2, endedByMaxDuration: 0,
      averageHandleSeconds: 100, averageWrapUpSeconds: wrapUpSeconds, arrived: 3, open: 0,
    });
  });

  it('counts it on the row of the agent who held it, whose handle time it leaves alone', async () => {
    const agents = await report('contacts', { ...day, groupBy: 'agent', channel: 'phone', thresholdSeconds: 30 });
    const byAgent = Object.fromEntries(agents.body.rows.map((r: { group: string }) => [r.group, r]));
    expect(byAgent[A]).toMatchObject({ answered: 1, endedBySupervisor: 1, averageHandleSeconds: null, averageWrapUpSeconds: null });
    expect(byAgent[B]).toMatchObject({ answered: 1, endedBySupervisor: 0, averageHandleSeconds: 100 });
    const channels = await report('contacts', { ...day, groupBy: 'channel' });
    expect(channels.body.rows.find((r: { group: string }) => r.group === 'phone')).toMatchObject({ endedBySupervisor: 2, averageHandleSeconds: 100 });
  });

  it('gives the count in the CSV as its last column', async () => {
    const csv = await t.http.get('/v1/reports/contacts').query({ ...day, queueId: w.phoneQueueId, format: 'csv' }).set(...mgr).expect(200);
    const [header, line] = csv.text.trim().split('\r\n');
    expect(header.split(',').at(-1)).toBe('endedBySupervisor');
    const row = Object.fromEntries(header.split(',').map((h, i) => [h, line.split(',')[i]]));
    expect(row).toMatchObject({ failed: '1', endedBySupervisor: '2', endedByMaxDuration: '0', averageHandleSeconds: '100' });
  });
});
