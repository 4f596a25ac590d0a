import { DataSource } from 'typeorm';
import { addDays } from '../../libs/calendar/src/local-date.js';
import { localDateOf, localToEpoch } from '../../libs/calendar/src/time-zone.js';
import { ForecastingRepository } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

/**
 * Two kinds of contact the reports used to count wrongly, on either routing engine (the jest project
 * `routing-memory` runs this again with ROUTING_ENGINE=memory):
 * - a caller who switched to chat while waiting is not a lost customer: the call counts as
 *   `switched` (not offered, failed or abandoned), the chat is offered and answered in its own queue,
 *   and it is not a repeat contact of the call it continues;
 * - a call whose `ended` was lost and that the routing sweep ended after the queue's 4-hour maximum
 *   counts as answered and `endedByMaxDuration`, with none of its hours in the handle time — neither
 *   in the reports nor in the handle-time history forecasting learns from.
 *
 * T = 10:00 Helsinki the day after tomorrow (the routing sweep of the database engine looks for overdue
 * contacts by their time-ordered ids, which carry the real time: the routing clock must not lag it).
 * Agent A is available, agent B logged out.
 *   lost-1 (+358405550009): → A at T+0, answered T+5; its ended never comes; the sweep ends it at T+4 h 10 min.
 *   sw-1   (+358405550001): queued at T+10 (nobody free); at T+20 the customer continues in chat
 *          (customerRef +358405550001, the same customer) with switchedFrom sw-1: the call ends switched,
 *          the chat keeps the call's arrival (T+10).
 *   B logs in at T+30, is offered the chat, takes it at T+35 (a wait of 25 s from the call's arrival),
 *          completes it at T+95.
 *   ok-1   (+358405550002): → B at T+100, answered T+105 (wait 5), ended T+205 (handle 100).
 * Phone queue, day: offered 2 (lost-1, ok-1), answered 2, abandoned 0, failed 0, switched 1,
 *   endedByMaxDuration 1, average handle 100 s. Chat queue: offered 1, answered 1, no repeat contact.
 */
describe('reports: switched contacts and contacts ended by the maximum duration', () => {
  const DATE = addDays(localDateOf(Date.now(), 'Europe/Helsinki'), 2);
  const T = localToEpoch(DATE, 10 * 60, 'Europe/Helsinki');
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let mgr: [string, string];
  let offset = 0;
  const keys = new Map<string, string>();

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
    t.app.get(RoutingClock).now = () => new Date(T + offset * 1000);
    for (const a of w.agentIds) keys.set(a, (await t.http.post(`/v1/agents/${a}/api-keys`).set(...bearer(t.adminKey)).send({ name: `desk ${a}` }).expect(201)).body.key);
    const [A, B] = w.agentIds;
    const desk = (a: string) => bearer(keys.get(a)!);
    await t.http.put(`/v1/agents/${A}/state`).set(...desk(A)).send({ state: 'available' }).expect(200);

    at(0);
    expect(await decide('lost-1', '+358405550009')).toMatchObject({ decision: 'agent', agentId: A });
    at(5);
    await event('answered', 'lost-1');
    at(10);
    expect(await decide('sw-1', '+358405550001')).toMatchObject({ decision: 'queue' });
    at(20);
    const chat = (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: '+358405550001', language: 'fi', switchedFrom: 'sw-1' }).expect(201)).body;
    at(30);
    await t.http.put(`/v1/agents/${B}/state`).set(...desk(B)).send({ state: 'available' }).expect(200);
    const offers = (await t.http.get(`/v1/agents/${B}/offers`).set(...desk(B)).expect(200)).body as { contactId: string; offerId: string }[];
    const offer = offers.find((o) => o.contactId === chat.id)!;
    at(35);
    await t.http.post(`/v1/agents/${B}/offers/${offer.offerId}/accept`).set(...desk(B)).expect(200);
    at(95);
    await t.http.post(`/v1/agents/${B}/contacts/${chat.id}/complete`).set(...desk(B)).send({ wrapUpSeconds: 0 }).expect(200);
    at(100);
    expect(await decide('ok-1', '+358405550002')).toMatchObject({ decision: 'agent', agentId: B });
    at(105);
    await event('answered', 'ok-1');
    at(205);
    await event('ended', 'ok-1');
    at(4 * 3600 + 600);
    expect(await t.app.get(RoutingEngine).tick()).toMatchObject({ overdue: 1 });
    const lost = (await t.http.get('/v1/contacts/lost-1').set(...mgr).expect(200)).body;
    expect(lost).toMatchObject({ status: 'ended', endReason: 'max-duration' });
  });
  afterAll(() => t.close());

  it('counts the call that switched to chat as switched, not as offered and failed, and the chat as offered and answered in its own queue', async () => {
    const res = await report('contacts', { ...day, thresholdSeconds: 30 });
    const by = Object.fromEntries(res.body.rows.map((r: { groupLabel: string }) => [r.groupLabel, r]));
    expect(by['phone-fi']).toMatchObject({ offered: 2, answered: 2, abandoned: 0, failed: 0, switched: 1, serviceLevel: 1, serviceLevelAsterisk: 1 });
    expect(by['chat-fi']).toMatchObject({ offered: 1, answered: 1, abandoned: 0, failed: 0, switched: 0, averageSpeedOfAnswerSeconds: 25 });
    const channels = await report('contacts', { ...day, groupBy: 'channel', thresholdSeconds: 30 });
    const phone = channels.body.rows.find((r: { group: string }) => r.group === 'phone');
    expect(phone).toMatchObject({ offered: 2, switched: 1, failed: 0 });
  });

  it('does not take the chat for a repeat of the call it continues (first-contact resolution)', async () => {
    const res = await report('first-contact-resolution', { ...day, groupBy: 'channel' });
    const by = Object.fromEntries(res.body.rows.map((r: { group: string }) => [r.group, r]));
    expect(by.chat).toMatchObject({ handled: 1, repeated: 0, repeatContacts: 0 });
    expect(by.phone).toMatchObject({ handled: 2, repeated: 0, repeatContacts: 0 });
  });

  it('leaves the hours of the call ended by the maximum duration out of the handle time, and counts it apart', async () => {
    const res = await report('contacts', { ...day, queueId: w.phoneQueueId, thresholdSeconds: 30 });
    expect(res.body.rows[0]).toMatchObject({ answered: 2, endedByMaxDuration: 1, averageHandleSeconds: 100 });
    const agents = await report('contacts', { ...day, groupBy: 'agent', channel: 'phone', thresholdSeconds: 30 });
    const byAgent = Object.fromEntries(agents.body.rows.map((r: { group: string }) => [r.group, r]));
    expect(byAgent[w.agentIds[0]]).toMatchObject({ answered: 1, endedByMaxDuration: 1, averageHandleSeconds: null });
    expect(byAgent[w.agentIds[1]]).toMatchObject({ answered: 1, endedByMaxDuration: 0, averageHandleSeconds: 100 });
    const csv = await t.http.get('/v1/reports/contacts').query({ ...day, queueId: w.phoneQueueId, format: 'csv' }).set(...mgr).expect(200);
    const [header, line] = csv.text.trim().split('\r\n');
    const row = Object.fromEntries(header.split(',').map((h, i) => [h, line.split(',')[i]]));
    expect(row).toMatchObject({ switched: '1', endedByMaxDuration: '1', averageHandleSeconds: '100' });
  });

  it('leaves it out of the handle-time history that forecasting and staffing learn from, and counts the switched call once, in the queue that served it', async () => {
    await t.app.get(ForecastingRepository).syncRoutedHistory(new Date(T + offset * 1000));
    const history = async (queueId: string) =>
      (await t.app.get(DataSource).query(
        `SELECT offered, answered, abandoned, aht_seconds::float8 AS aht FROM interval_statistics WHERE queue_id = $1 AND source = 'routing' ORDER BY interval_start`,
        [queueId],
      )) as { offered: number; answered: number; abandoned: number; aht: number }[];
    // ok-1's 100 s of talk and the queue's default wrap-up; lost-1's four hours are not in it. sw-1 is
    // demand the chat queue served: offered there (from the call's arrival), not in the phone queue too.
    const [{ wrapUpSeconds }] = [(await t.http.get(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...mgr).expect(200)).body];
    expect(await history(w.phoneQueueId)).toEqual([{ offered: 2, answered: 2, abandoned: 0, aht: 100 + wrapUpSeconds }]);
    expect(await history(w.chatQueueId)).toEqual([{ offered: 1, answered: 1, abandoned: 0, aht: 60 }]);
  });

  it('shows the switch on the wallboard as it does in the report: not offered, not abandoned', async () => {
    const stats = (await t.http.get(`/v1/queues/${w.phoneQueueId}/stats`).set(...mgr).expect(200)).body;
    expect(stats).toMatchObject({ offeredToday: 2, switchedToday: 1, answeredToday: 2, abandonedToday: 0, overdueToday: 0 });
  });
});
