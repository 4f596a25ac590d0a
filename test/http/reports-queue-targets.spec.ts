import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { RefreshReportRollups } from '../../apps/api/src/reports/report-rollup.job.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

/**
 * Without `thresholdSeconds` a report measures each queue's contacts against the queue's own target,
 * not one threshold for all (it was 30 s in the contacts report, 60 s in the chat report), and each
 * row says which threshold it used. The roll-ups keep a histogram per queue, so a row of several
 * queues (a channel, a department, an agent) measures each contact against its own queue's target.
 *
 * T = Monday 2026-11-23 10:00 Helsinki, one agent. Targets: phone 30 s (the default), chat 40 s (set
 * here), email one business day (business time: not applicable to the wall-clock waits of this report).
 *   call c1 rings at T+0, answered T+25 (wait 25: within 30);  call c2 at T+40, answered T+80 (wait 40: not within 30)
 *   chat h1 at T+100, taken T+135 (wait 35: within 40);        chat h2 at T+110, taken T+155 (wait 45: not within 40)
 *   email m1 at T+210, taken T+220, replied T+300.
 * Phone: SL 1/2 at 30 s. Chat: 1/2 at 40 s (at the old default of 30 s: 0/2; chat report at 60 s: 2/2).
 * Department: (1 + 1) / 4 = 0.5 (the email not counted); at 30 s for all: 1/4 and, with the email taken
 * after 10 s, 2/5.
 */
describe('reports: each queue measured against its own service target', () => {
  const T = Date.parse('2026-11-23T08:00:00Z');
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let mgr: [string, string];
  let desk: [string, string];
  let offset = 0;
  const day = { from: '2026-11-23', to: '2026-11-23', period: 'day' };

  const at = (s: number) => {
    offset = s;
  };
  const report = (path: string, query: Record<string, string | number>) => t.http.get(`/v1/reports/${path}`).query(query).set(...mgr).expect(200);
  const byLabel = (rows: { groupLabel: string }[]) => Object.fromEntries(rows.map((r) => [r.groupLabel, r])) as Record<string, Record<string, unknown>>;

  const handIn = async (channel: string, queueId: string, ref: string) =>
    (await t.http.post('/v1/contacts').set(...tel).send({ channel, queueId, customerRef: ref, language: 'fi' }).expect(201)).body.id as string;
  const accept = async (contactId: string) => {
    const offers = (await t.http.get(`/v1/agents/${w.agentIds[0]}/offers`).set(...desk).expect(200)).body as { contactId: string; offerId: string }[];
    await t.http.post(`/v1/agents/${w.agentIds[0]}/offers/${offers.find((o) => o.contactId === contactId)!.offerId}/accept`).set(...desk).expect(200);
  };
  const complete = (contactId: string) => t.http.post(`/v1/agents/${w.agentIds[0]}/contacts/${contactId}/complete`).set(...desk).send({ wrapUpSeconds: 0 }).expect(200);

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, reportJobs: false });
    w = await buildRoutingWorld(t, 1);
    tel = bearer(await t.keyFor('telephony'));
    mgr = bearer(await t.keyFor('manager'));
    const admin = bearer(t.adminKey);
    const chatQueue = (await t.http.get(`/v1/queues/${w.chatQueueId}`).set(...admin).expect(200)).body;
    const { id: _id, createdAt: _c, updatedAt: _u, ...definition } = chatQueue;
    await t.http.put(`/v1/queues/${w.chatQueueId}`).set(...admin).send({ ...definition, target: { percent: 80, seconds: 40, basis: 'elapsed' } }).expect(200);
    // No wrap-up after a call: the one agent takes the next contact at once.
    await t.http.put(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...admin).send({ wrapUpSeconds: 0, meanHandleSeconds: 300 }).expect(200);
    // Offers that stay out long enough to be taken when the scenario takes them.
    for (const q of [w.chatQueueId, w.emailQueueId]) await t.http.put(`/v1/queues/${q}/routing-settings`).set(...admin).send({ wrapUpSeconds: 0, meanHandleSeconds: 300, offerTimeoutSeconds: 120 }).expect(200);
    t.app.get(RoutingClock).now = () => new Date(T + offset * 1000);
    const [A] = w.agentIds;
    desk = bearer((await t.http.post(`/v1/agents/${A}/api-keys`).set(...admin).send({ name: 'desk' }).expect(201)).body.key);
    await t.http.put(`/v1/agents/${A}/state`).set(...desk).send({ state: 'available' }).expect(200);
    const event = (name: string, callId: string) => t.http.post('/v1/routing/events').set(...tel).send(eventBody(name, callId, { ts: new Date(T + offset * 1000).toISOString() })).expect(200);
    const call = async (callId: string, answerAt: number, endAt: number) => {
      expect((await t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId)).expect(200)).body).toMatchObject({ decision: 'agent', agentId: A });
      at(answerAt);
      await event('answered', callId);
      at(endAt);
      await event('ended', callId);
    };

    at(0);
    await call('c1', 25, 30);
    at(40);
    await call('c2', 80, 90);
    at(100);
    const h1 = await handIn('chat', w.chatQueueId, 'web-1');
    at(110);
    const h2 = await handIn('chat', w.chatQueueId, 'web-2');
    at(135);
    await accept(h1);
    at(155);
    await accept(h2);
    at(200);
    await complete(h1);
    await complete(h2);
    at(210);
    const m1 = await handIn('email', w.emailQueueId, 'mail-1');
    at(220);
    await accept(m1);
    at(300);
    await complete(m1);
    at(400);
    expect((await t.app.get(RefreshReportRollups).execute()).facts).toBe(5);
  });
  afterAll(() => t.close());

  it("measures each queue's row against its own target and says so; an email queue's business-time target is not applied to wall-clock waits", async () => {
    const res = await report('contacts', day);
    expect(res.body.thresholdSeconds).toBeNull();
    const by = byLabel(res.body.rows);
    expect(by['phone-fi']).toMatchObject({ thresholdSeconds: 30, answered: 2, answeredWithinThreshold: 1, serviceLevel: 0.5, serviceLevelAsterisk: 0.5, exact: true });
    expect(by['chat-fi']).toMatchObject({ thresholdSeconds: 40, answered: 2, answeredWithinThreshold: 1, serviceLevel: 0.5 });
    expect(by['email-fi']).toMatchObject({ thresholdSeconds: null, answered: 1, answeredWithinThreshold: null, abandonedWithinThreshold: null, serviceLevel: null, serviceLevelAsterisk: null });
    // The email queue's service level is its replies by their (business-time) deadline.
    const replies = await report('email-replies', day);
    expect(replies.body.rows).toEqual([expect.objectContaining({ groupLabel: 'email-fi', replied: 1, withinDeadlineShare: 1 })]);
  });

  it('measures each contact of a department, channel or agent row against its own queue\'s target', async () => {
    const dept = (await report('contacts', { ...day, groupBy: 'department' })).body.rows;
    expect(dept).toEqual([expect.objectContaining({ groupLabel: 'cs', thresholdSeconds: null, answered: 5, answeredWithinThreshold: 2, serviceLevel: 0.5, exact: true })]);
    const agent = (await report('contacts', { ...day, groupBy: 'agent' })).body.rows;
    expect(agent).toEqual([expect.objectContaining({ group: w.agentIds[0], thresholdSeconds: null, answered: 5, answeredWithinThreshold: 2, serviceLevel: 0.5 })]);
    const chat = byLabel((await report('contacts', { ...day, groupBy: 'channel' })).body.rows).chat;
    expect(chat).toMatchObject({ thresholdSeconds: 40, serviceLevel: 0.5 });
  });

  it('uses the chat queue\'s own target in the chat first-response report too', async () => {
    const res = await report('chat-first-response', day);
    expect(res.body.thresholdSeconds).toBeNull();
    expect(res.body.rows).toEqual([expect.objectContaining({ groupLabel: 'chat-fi', thresholdSeconds: 40, answered: 2, withinThreshold: 1, withinThresholdShare: 0.5 })]);
    const asked = await report('chat-first-response', { ...day, thresholdSeconds: 60 });
    expect(asked.body).toMatchObject({ thresholdSeconds: 60, rows: [expect.objectContaining({ thresholdSeconds: 60, withinThreshold: 2, withinThresholdShare: 1 })] });
  });

  it('applies a requested threshold to every queue, email included, as before', async () => {
    const res = await report('contacts', { ...day, thresholdSeconds: 30 });
    expect(res.body.thresholdSeconds).toBe(30);
    const by = byLabel(res.body.rows);
    expect(by['phone-fi']).toMatchObject({ thresholdSeconds: 30, serviceLevel: 0.5 });
    expect(by['chat-fi']).toMatchObject({ thresholdSeconds: 30, serviceLevel: 0 });
    expect(by['email-fi']).toMatchObject({ thresholdSeconds: 30, serviceLevel: 1 });
    const dept = (await report('contacts', { ...day, groupBy: 'department', thresholdSeconds: 30 })).body.rows;
    expect(dept).toEqual([expect.objectContaining({ thresholdSeconds: 30, answeredWithinThreshold: 2, serviceLevel: 0.4 })]);
    const csv = await t.http.get('/v1/reports/contacts').query({ ...day, format: 'csv' }).set(...mgr).expect(200);
    const [header, ...lines] = csv.text.trim().split('\r\n');
    const col = header.split(',').indexOf('thresholdSeconds');
    expect(lines.map((l) => l.split(',')[col]).sort()).toEqual(['', '30', '40']);
  });

  // Last: it adds emails and moves the clock on.
  it("gives the wallboard's email service level by the reply by the deadline, not by an agent taking the email", async () => {
    const HOUR = 3600;
    at(500);
    const late = await handIn('email', w.emailQueueId, 'mail-2');
    at(510);
    await accept(late); // taken at once …
    at(600);
    const unreplied = await handIn('email', w.emailQueueId, 'mail-3');
    at(610);
    await accept(unreplied); // … taken at once, and never replied
    at(500 + 8 * HOUR + 100);
    await complete(late); // … replied 100 s after its deadline (8 business hours of an always-open calendar)
    at(9 * HOUR);
    const stats = (await t.http.get(`/v1/queues/${w.emailQueueId}/stats`).set(...mgr).expect(200)).body;
    // m1 replied in time, mail-2 replied late, mail-3 in hand past its deadline: 1 of 3. (Taken by an agent in time: all three.)
    expect(stats).toMatchObject({ channel: 'email', offeredToday: 3, answeredToday: 3, repliedToday: 2, overdueToday: 1, serviceLevelPercent: 33.3 });
    const phone = (await t.http.get(`/v1/queues/${w.phoneQueueId}/stats`).set(...mgr).expect(200)).body;
    expect(phone).toMatchObject({ answeredToday: 2, repliedToday: null, serviceLevelPercent: 50 });
  });
});
