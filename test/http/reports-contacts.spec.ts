import { DataSource } from 'typeorm';
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { RefreshReportRollups } from '../../apps/api/src/reports/report-rollup.job.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { revertMigrationsAfter } from '../support/test-database.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

/**
 * Reports from timelines the routing engine writes, driven through the API on a mocked clock.
 * T = Monday 2026-11-23 10:00 Helsinki (08:00 UTC); everything arrives in the 10:00–10:15 interval.
 *
 * Phone (by hand):  call-1 +358401111111 arrives T+0,   answered T+12  (wait 12), ended T+112 (handle 100, wrap-up 30)
 *                   call-2 +358402222222 arrives T+5,   answered T+45  (wait 40), ended T+105 (handle 60)
 *                   call-3               arrives T+10,  abandoned T+13 (wait 3: a short abandon)
 *                   call-4               arrives T+20,  abandoned T+70 (wait 50)
 *                   call-5 +358401111111 arrives T+200, answered T+208 (wait 8),  ended T+308 (handle 100) — a repeat of call-1
 *   offered 5, answered 3, abandoned 2 (1 short), within 30 s: answered 2 (12, 8), abandoned 1 (3)
 *   SL = 2/3 = 0.6667, Asterisk SL2 = (2 + 1)/5 = 0.6, ASA = 60/3 = 20, longest wait 50, AHT 260/3 = 86.7, wrap-up 30.
 * Chat: customerRef +358402222222 (call-2's number) arrives T+400, taken T+415 (first response 15), completed T+475 — a repeat of call-2 on another channel.
 * Email: mail-1 arrives T+500, taken T+520, completed T+4100 (reply 3600 s; the always-open calendar makes business = wall time; deadline 8 h);
 *        mail-2 arrives T+510 and stays open (backlog): arrived 2, open 1, offered 1 in the email queue.
 * First-contact resolution of the phone queue: 3 answered, 2 followed by a repeat within 7 days (call-1 by call-5, call-2 by the chat) → 1 − 2/3.
 * The roll-ups run once after call-1…call-4 and once at the end, so both repeats are found after the
 * contact they repeat was counted.
 */
describe('reports: contact figures from routing timelines', () => {
  const T = Date.parse('2026-11-23T08:00:00Z');
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let mgr: [string, string];
  let engine: RoutingEngine;
  let offset = 0;
  const keys = new Map<string, string>();
  const agentOf = new Map<string, string>();

  const at = (s: number) => {
    offset = s;
  };
  const decide = (callId: string, callerId: string) => t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId, { callerId }));
  const event = (name: string, callId: string) => t.http.post('/v1/routing/events').set(...tel).send(eventBody(name, callId)).expect(200);
  const report = (path: string, query: Record<string, string | number>) => t.http.get(`/v1/reports/${path}`).query(query).set(...mgr);

  /** The agent holding an offer of the contact, and the offer id. */
  async function offerOf(contactId: string): Promise<{ agentId: string; offerId: string }> {
    for (const a of w.agentIds) {
      const list = (await t.http.get(`/v1/agents/${a}/offers`).set(...bearer(keys.get(a)!)).expect(200)).body as { contactId: string; offerId: string; status: string }[];
      const o = list.find((x) => x.contactId === contactId && x.status === 'offered');
      if (o) return { agentId: a, offerId: o.offerId };
    }
    throw new Error(`no offer for ${contactId}`);
  }

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, reportJobs: false });
    w = await buildRoutingWorld(t, 2);
    tel = bearer(await t.keyFor('telephony'));
    mgr = bearer(await t.keyFor('manager'));
    engine = t.app.get(RoutingEngine);
    t.app.get(RoutingClock).now = () => new Date(T + offset * 1000);
    // Event ids cross 99,999 → 100,000 while the job reads in batches of 7 (many batches, the watermark past a digit boundary).
    await t.app.get(DataSource).query(`SELECT setval('contact_events_id_seq', 99990)`);
    t.app.get(RefreshReportRollups).batchSize = 7;
    for (const a of w.agentIds) {
      keys.set(a, (await t.http.post(`/v1/agents/${a}/api-keys`).set(...bearer(t.adminKey)).send({ name: `desk ${a}` }).expect(201)).body.key);
      await t.http.put(`/v1/agents/${a}/state`).set(...bearer(keys.get(a)!)).send({ state: 'available' }).expect(200);
    }

    at(0);
    agentOf.set('call-1', (await decide('call-1', '+358401111111').expect(200)).body.agentId);
    at(5);
    agentOf.set('call-2', (await decide('call-2', '+358402222222').expect(200)).body.agentId);
    at(10);
    expect((await decide('call-3', '+358403333333').expect(200)).body.decision).toBe('queue');
    at(12);
    await event('answered', 'call-1');
    at(13);
    await event('abandoned', 'call-3');
    at(20);
    expect((await decide('call-4', '+358404444444').expect(200)).body.decision).toBe('queue');
    at(45);
    await event('answered', 'call-2');
    at(70);
    await event('abandoned', 'call-4');
    at(105);
    await event('ended', 'call-2');
    at(112);
    await event('ended', 'call-1');
    at(150);
    await engine.tick();
    // A scheduled run before the repeats arrive: call-1 and call-2 are counted now, and their repeats
    // (call-5, the chat) find them counted in a later run — the late-repeat path of the roll-ups.
    expect((await t.app.get(RefreshReportRollups).execute(Number.POSITIVE_INFINITY, { batchSize: 7, yieldBetween: true })).facts).toBe(4);
    at(200);
    const c5 = (await decide('call-5', '+358401111111').expect(200)).body;
    expect(c5.decision).toBe('agent');
    at(208);
    await event('answered', 'call-5');
    at(308);
    await event('ended', 'call-5');
    at(350);
    await engine.tick();

    at(400);
    const chat = (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: '+358402222222', language: 'fi' }).expect(201)).body;
    at(415);
    const chatOffer = await offerOf(chat.id);
    await t.http.post(`/v1/agents/${chatOffer.agentId}/offers/${chatOffer.offerId}/accept`).set(...bearer(keys.get(chatOffer.agentId)!)).expect(200);
    at(475);
    await t.http.post(`/v1/agents/${chatOffer.agentId}/contacts/${chat.id}/complete`).set(...bearer(keys.get(chatOffer.agentId)!)).send({ wrapUpSeconds: 0 }).expect(200);

    at(500);
    const mail1 = (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'email', queueId: w.emailQueueId, customerRef: 'mail-1', language: 'fi', subject: 'Invoice 123' }).expect(201)).body;
    at(510);
    await t.http.post('/v1/contacts').set(...tel).send({ channel: 'email', queueId: w.emailQueueId, customerRef: 'mail-2', language: 'fi', subject: 'Payment plan' }).expect(201);
    at(520);
    const mailOffer = await offerOf(mail1.id);
    await t.http.post(`/v1/agents/${mailOffer.agentId}/offers/${mailOffer.offerId}/accept`).set(...bearer(keys.get(mailOffer.agentId)!)).expect(200);
    at(4100);
    await t.http.post(`/v1/agents/${mailOffer.agentId}/contacts/${mail1.id}/complete`).set(...bearer(keys.get(mailOffer.agentId)!)).send({ wrapUpSeconds: 0 }).expect(200);
    // The roll-ups are built the way the scheduled job builds them (batches that yield to the event
    // loop); every figure below was worked out by hand, and a report's own catch-up finds nothing left.
    const scheduled = await t.app.get(RefreshReportRollups).execute(Number.POSITIVE_INFINITY, { batchSize: 7, yieldBetween: true });
    expect(scheduled.facts).toBe(3); // call-5, the chat and mail-1 (mail-2 is still open)
  });
  afterAll(() => t.close());

  it('gives the phone queue\'s 10:00 interval the figures worked out by hand, both service-level definitions included', async () => {
    const res = await report('contacts', { from: '2026-11-23', to: '2026-11-23', period: 'interval', queueId: w.phoneQueueId, thresholdSeconds: 30, shortAbandonSeconds: 5 }).expect(200);
    expect(res.body).toMatchObject({ period: 'interval', groupBy: 'queue', timeZone: 'Europe/Helsinki', thresholdSeconds: 30 });
    expect(res.body.rows).toHaveLength(1);
    expect(res.body.rows[0]).toEqual({
      periodStart: '2026-11-23T08:00:00.000Z', period: '2026-11-23T10:00+02:00', groupBy: 'queue', group: w.phoneQueueId, groupLabel: 'phone-fi', thresholdSeconds: 30,
      arrived: 5, open: 0, offered: 5, answered: 3, abandoned: 2, shortAbandoned: 1, failed: 0, switched: 0, endedByMaxDuration: 0, endedBySupervisor: 0, answeredWithinThreshold: 2, abandonedWithinThreshold: 1,
      serviceLevel: 0.6667, serviceLevelAsterisk: 0.6, exact: true, averageSpeedOfAnswerSeconds: 20,
      // Percentiles from the histogram, interpolated inside the bucket: median rank 1.5 of (8, 12, 40) lies in (10, 15] → 12.5 (true 12);
      // p90 rank 2.7 lies in (35, 40] → 38.5.
      medianWaitSeconds: 12.5, p90WaitSeconds: 38.5,
      longestWaitSeconds: 50, averageHandleSeconds: 86.7, averageWrapUpSeconds: 30, occupancy: null, transfers: 0, callbacks: 0,
    });
  });

  it('moves the service level with the threshold: 10 s → 1/3 answered, SL2 (1 + 1)/5', async () => {
    const res = await report('contacts', { from: '2026-11-23', to: '2026-11-23', period: 'day', queueId: w.phoneQueueId, thresholdSeconds: 10 }).expect(200);
    expect(res.body.rows[0]).toMatchObject({ period: '2026-11-23', serviceLevel: 0.3333, serviceLevelAsterisk: 0.4, exact: true });
  });

  it('groups by channel and by agent for a day, a week, a month and a quarter', async () => {
    for (const period of ['day', 'week', 'month', 'quarter']) {
      const res = await report('contacts', { from: '2026-11-23', to: '2026-11-23', period, groupBy: 'channel' }).expect(200);
      const by = Object.fromEntries(res.body.rows.map((r: { group: string; arrived: number; open: number; offered: number; answered: number }) => [r.group, [r.arrived, r.open, r.offered, r.answered]]));
      // mail-2 arrived and is still open: in `arrived` and `open`, not in `offered`.
      expect({ period, by }).toEqual({ period, by: { phone: [5, 0, 5, 3], chat: [1, 0, 1, 1], email: [2, 1, 1, 1] } });
    }
    const agents = await report('contacts', { from: '2026-11-23', to: '2026-11-23', period: 'day', groupBy: 'agent', channel: 'phone' }).expect(200);
    const answered = Object.fromEntries(agents.body.rows.map((r: { group: string; answered: number }) => [r.group, r.answered]));
    const first = agentOf.get('call-1')!;
    const second = agentOf.get('call-2')!;
    // call-5 comes back to call-1's agent (the customer's previous agent).
    expect(answered).toEqual({ [first]: 2, [second]: 1 });
    const row = agents.body.rows.find((r: { group: string }) => r.group === second);
    // labelled by the agent's name and employee number, not the id (an audit read UUIDs)
    expect(agents.body.rows.map((r: { groupLabel: string }) => r.groupLabel).every((l: string) => /^Agent \d+ \(R\d+\)$/.test(l))).toBe(true);
    expect(row).toMatchObject({ arrived: null, open: null, offered: 1, averageSpeedOfAnswerSeconds: 40, averageHandleSeconds: 60 });
  });

  it('reports the chat first response and the email reply in business time with the backlog', async () => {
    const chat = await report('chat-first-response', { from: '2026-11-23', to: '2026-11-23', period: 'day', thresholdSeconds: 15 }).expect(200);
    expect(chat.body.rows).toEqual([expect.objectContaining({ groupLabel: 'chat-fi', answered: 1, averageFirstResponseSeconds: 15, withinThreshold: 1, withinThresholdShare: 1, exact: true })]);
    const mail = await report('email-replies', { from: '2026-11-23', to: '2026-11-23', period: 'day' }).expect(200);
    expect(mail.body.rows).toEqual([expect.objectContaining({ groupLabel: 'email-fi', replied: 1, averageReplyBusinessSeconds: 3600, medianReplyBusinessSeconds: 3600 /* the one reply: exact from the row's sum, not the middle of its bucket (3000, 3600] */, repliedWithinDeadline: 1, withinDeadlineShare: 1 })]);
    const backlog = await t.http.get('/v1/reports/email-backlog').set(...mgr).expect(200);
    expect(backlog.body.queues).toEqual([expect.objectContaining({ queueId: w.emailQueueId, open: 1, pastDeadline: 0 })]);
    expect(backlog.body.queues[0].bands[0]).toEqual({ band: '0-1d', count: 1, pastDeadline: 0 });
  });

  it('counts repeat contacts of the same customer on any channel within 7 days: first-contact resolution from data', async () => {
    const res = await report('first-contact-resolution', { from: '2026-11-23', to: '2026-11-23', period: 'day', groupBy: 'channel' }).expect(200);
    const by = Object.fromEntries(res.body.rows.map((r: { group: string }) => [r.group, r]));
    expect(by.phone).toMatchObject({ handled: 3, repeated: 2, firstContactResolution: 0.3333, repeatContacts: 1, windowComplete: false });
    expect(by.chat).toMatchObject({ handled: 1, repeated: 0, firstContactResolution: 1, repeatContacts: 1 });
    expect(res.body.repeatWindowDays).toBe(7);
  });

  it('answers CSV for Accept: text/csv and ?format=csv, with no phone number, name or subject in it', async () => {
    const viaAccept = await t.http.get('/v1/reports/contacts').query({ from: '2026-11-23', to: '2026-11-23', groupBy: 'queue' }).set(...mgr).set('Accept', 'text/csv').expect(200);
    expect(viaAccept.headers['content-type']).toMatch(/^text\/csv/);
    const lines = viaAccept.text.trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 8)).toEqual(['periodStart', 'period', 'groupBy', 'group', 'groupLabel', 'offered', 'answered', 'abandoned']);
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.includes('phone-fi'))).toContain(',5,3,2,1,0,');
    const viaQuery = await report('first-contact-resolution', { from: '2026-11-23', to: '2026-11-23', format: 'csv' }).expect(200);
    expect(viaQuery.headers['content-type']).toMatch(/^text\/csv/);
    const everything = [viaAccept.text, viaQuery.text, JSON.stringify((await report('contacts', { from: '2026-11-23', to: '2026-11-23', groupBy: 'agent' })).body)].join('\n');
    expect(everything).not.toMatch(/\+3584|Matti|Meikäläinen|Invoice|mail-1/);
  });

  it('refuses a bad range or grouping with 422 naming the field', async () => {
    const back = await report('contacts', { from: '2026-11-23', to: '2026-11-01' }).expect(422);
    expect(back.body.errors).toContainEqual(expect.objectContaining({ field: 'to', rule: 'afterFrom' }));
    const long = await report('contacts', { from: '2026-01-01', to: '2026-03-01', period: 'interval' }).expect(422);
    expect(long.body.errors).toContainEqual(expect.objectContaining({ field: 'to', rule: 'maxRange' }));
    const bad = await report('contacts', { from: '2026-11-23', to: '2026-11-23', groupBy: 'caller' }).expect(422);
    expect(bad.body.errors).toContainEqual(expect.objectContaining({ field: 'groupBy' }));
  });

  it('names the range\'s problems in the same 422 as the other fields\'', async () => {
    const rules = (body: { errors: { field: string; rule: string }[] }) => body.errors.map((e) => `${e.field}:${e.rule}`).sort();
    const both = await report('contacts', { from: '2026-11-23', to: '2026-11-01', groupBy: 'caller' }).expect(422);
    expect(rules(both.body)).toEqual(['groupBy:isIn', 'to:afterFrom']);
    const long = await report('contacts', { from: '2026-01-01', to: '2026-03-01', period: 'interval', thresholdSeconds: -1 }).expect(422);
    expect(rules(long.body)).toEqual(['thresholdSeconds:min', 'to:maxRange']);
    expect(long.body.errors).toContainEqual(expect.objectContaining({ field: 'to', message: 'at most 31 days of 15-minute intervals' }));
    // With a bad period, the rule of every period still holds: at most three years.
    const years = await report('first-contact-resolution', { from: '2020-01-01', to: '2026-01-01', period: 'fortnight' }).expect(422);
    expect(rules(years.body)).toEqual(['period:isIn', 'to:maxRange']);
    const chat = await report('chat-first-response', { from: '2026-11-23', to: '2026-11-22', thresholdSeconds: 'soon' }).expect(422);
    expect(rules(chat.body)).toEqual(['thresholdSeconds:decimalInteger', 'to:afterFrom']);
    // A date that is not one is its own problem: the range is not judged on it.
    const notADate = await report('email-replies', { from: '2026-02-30', to: '2026-01-01', format: 'xml' }).expect(422);
    expect(rules(notADate.body)).toEqual(['format:isIn', 'from:localDate']);
  });

  it('rebuilds every figure from the timelines once the derived tables are emptied, and says complete: false until then', async () => {
    const db = t.app.get(DataSource);
    // Everything the job derives from the timelines: emptying it is how figures are recounted (README, Reports).
    const derived = ['report_contact_facts', 'report_queue_rollups', 'report_agent_rollups', 'report_email_backlog', 'report_feeds'];
    const day = { from: '2026-11-23', to: '2026-11-23', period: 'day' };
    const reads: [string, Record<string, string | number>][] = [
      ['contacts', { ...day, period: 'interval', queueId: w.phoneQueueId, thresholdSeconds: 30, shortAbandonSeconds: 5 }],
      ['contacts', { ...day, groupBy: 'agent' }],
      ['contacts', { ...day, period: 'month', groupBy: 'channel' }],
      ['first-contact-resolution', { ...day, groupBy: 'channel' }],
      ['chat-first-response', { ...day, thresholdSeconds: 15 }],
      ['email-replies', day],
    ];
    const all = async () => {
      const out = [];
      for (const [path, query] of reads) out.push((await report(path, query).expect(200)).body);
      out.push((await t.http.get('/v1/reports/email-backlog').set(...mgr).expect(200)).body);
      return out.map(({ asOf, ...rest }) => {
        expect(asOf).toEqual(expect.any(String));
        return rest;
      });
    };
    const before = await all();
    for (const b of before) expect(b.complete).toBe(true);
    expect(before.slice(0, 6).every((b) => b.rows.length > 0)).toBe(true);

    await db.query(`TRUNCATE ${derived.join(', ')}`);
    const refresh = t.app.get(RefreshReportRollups);
    refresh.batchSize = 1; // a report's catch-up reads at most 20 batches: 20 of the timeline's events
    try {
      const partial = (await report('contacts', { ...day, groupBy: 'channel' }).expect(200)).body;
      expect(partial.complete).toBe(false);
      await db.query(`TRUNCATE ${derived.join(', ')}`);
      const backlog = (await t.http.get('/v1/reports/email-backlog').set(...mgr).expect(200)).body;
      expect(backlog.complete).toBe(false);
    } finally {
      refresh.batchSize = 7;
    }
    expect(await all()).toEqual(before);
  });

  it('counts arrivals from the stored rows and the timelines in its migration exactly as the job counts them', async () => {
    const db = t.app.get(DataSource);
    // Another open email, just after midnight in Helsinki (22:05 UTC): the 24th's day, and the week and month of the 23rd's.
    at(14 * 3600 + 300);
    await t.http.post('/v1/contacts').set(...tel).send({ channel: 'email', queueId: w.emailQueueId, customerRef: 'mail-3', language: 'fi', subject: 'Late' }).expect(201);
    await t.app.get(RefreshReportRollups).execute();
    const rows = () => db.query(`SELECT grain, period_start AS start, queue_id AS queue, arrived, offered, switched FROM report_queue_rollups ORDER BY grain, period_start, queue_id`);
    const counted = await rows();
    const email = (counted as { grain: string; queue: string; start: Date; arrived: number; offered: number }[]).filter((r) => r.queue === w.emailQueueId);
    expect(email.map((r) => [r.grain, r.start.toISOString(), r.arrived, r.offered])).toEqual([
      ['day', '2026-11-22T22:00:00.000Z', 2, 1],
      ['day', '2026-11-23T22:00:00.000Z', 1, 0],
      ['interval', '2026-11-23T08:00:00.000Z', 2, 1],
      ['interval', '2026-11-23T22:00:00.000Z', 1, 0],
      ['month', '2026-10-31T22:00:00.000Z', 3, 1],
      ['quarter', '2026-09-30T21:00:00.000Z', 3, 1],
      ['week', '2026-11-22T22:00:00.000Z', 3, 1],
    ]);

    // Back to the schema before arrivals were counted, and forward again: the migration's backfill
    // (counted contacts, and open ones whose arrival the job had read) gives every row the same count.
    // The migrations after it first (none of them touches the roll-ups' arrivals), then it.
    await revertMigrationsAfter(db, 'ReportArrivals1795650000000');
    await db.undoLastMigration({ transaction: 'each' });
    expect(await db.query(`SELECT count(*)::int AS n FROM report_queue_rollups WHERE queue_id = $1 AND grain = 'interval'`, [w.emailQueueId])).toEqual([{ n: 1 }]);
    await db.runMigrations({ transaction: 'each' });
    expect(await rows()).toEqual(counted);
    const report24 = (await report('contacts', { from: '2026-11-24', to: '2026-11-24', queueId: w.emailQueueId }).expect(200)).body.rows;
    expect(report24).toEqual([expect.objectContaining({ arrived: 1, open: 1, offered: 0, answered: 0 })]);
  });

  it('keeps every figure when the raw contacts and customers are gone (roll-ups hold no personal data and no foreign keys to it)', async () => {
    const before = (await report('contacts', { from: '2026-11-23', to: '2026-11-23', period: 'day', groupBy: 'channel' }).expect(200)).body.rows;
    const fcrBefore = (await report('first-contact-resolution', { from: '2026-11-23', to: '2026-11-23', period: 'day' }).expect(200)).body.rows;
    const db = t.app.get(DataSource);
    await db.query(`DELETE FROM reservations`);
    await db.query(`DELETE FROM contacts`);
    await db.query(`DELETE FROM customers`);
    expect((await t.app.get(RefreshReportRollups).execute()).facts).toBe(0);
    expect((await report('contacts', { from: '2026-11-23', to: '2026-11-23', period: 'day', groupBy: 'channel' }).expect(200)).body.rows).toEqual(before);
    expect((await report('first-contact-resolution', { from: '2026-11-23', to: '2026-11-23', period: 'day' }).expect(200)).body.rows).toEqual(fcrBefore);
  });
});
