import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { DeliverSurveyInvitations, SampleEndedContacts } from '../../apps/api/src/feedback/feedback.use-cases.js';
import { FeedbackRepository } from '../../libs/persistence/src/repositories/feedback.repository.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildFeedbackWorld, type FeedbackWorld } from './feedback-world.js';

const SECRET = 'webhook-secret-0123456789abcdef-0123';

/** A stand-in SMS/e-mail gateway: records what it is sent and answers the statuses it is told to. */
function fakeGateway() {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 202;
      res.end();
    });
  });
  return { server, received, statuses };
}

describe('feedback: sampling ended contacts, invitations through the outbox, answers by token', () => {
  let t: TestApp;
  let w: FeedbackWorld;
  let db: DataSource;
  let sample: SampleEndedContacts;
  let deliver: DeliverSurveyInvitations;
  const gw = fakeGateway();
  let sup: [string, string];
  let man: [string, string];
  const T0 = new Date('2026-11-02T08:00:00Z');

  beforeAll(async () => {
    await new Promise<void>((r) => gw.server.listen(0, '127.0.0.1', r));
    const { port } = gw.server.address() as AddressInfo;
    t = await startTestApp({ routingJobs: false, feedbackJobs: false, surveyWebhook: { url: `http://127.0.0.1:${port}/invitations`, secret: SECRET }, surveyLinkBaseUrl: 'https://feedback.example.test/s/' });
    w = await buildFeedbackWorld(t, T0, 42);
    db = t.app.get(DataSource);
    sample = t.app.get(SampleEndedContacts);
    deliver = t.app.get(DeliverSurveyInvitations);
    sup = bearer(await t.keyFor('supervisor'));
    man = bearer(await t.keyFor('manager'));
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => gw.server.close(r));
  });

  it('validates the settings, naming field and rule, and keeps a rate per channel and per queue', async () => {
    const bad = await t.http.put('/v1/feedback/settings').set(...sup).send({ rates: { phone: 1.5 }, cooldownDays: -1 }).expect(422);
    expect(bad.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'rates.phone', rule: 'max' }), expect.objectContaining({ field: 'cooldownDays', rule: 'min' })]));
    const unknownQueue = await t.http.put('/v1/feedback/settings').set(...sup).send({ queueRates: [{ queueId: '00000000-0000-4000-8000-000000000000', rate: 0.5 }] }).expect(422);
    expect(unknownQueue.body.errors).toEqual([expect.objectContaining({ field: 'queueRates[0].queueId', rule: 'exists' })]);
    const ok = await t.http
      .put('/v1/feedback/settings')
      .set(...sup)
      .send({ rates: { phone: 1, chat: 1, email: 1 }, cooldownDays: 30, responseHours: 72, queueRates: [{ queueId: w.emailQueueId, rate: 0 }] })
      .expect(200);
    expect(ok.body).toMatchObject({ rates: { phone: 1, chat: 1, email: 1 }, cooldownDays: 30, responseHours: 72, queueRates: [{ queueId: w.emailQueueId, rate: 0 }] });
    await t.http.put('/v1/feedback/settings').set(...man).send({ cooldownDays: 1 }).expect(403);
  });

  it('invites the customers of ended contacts routed by the engine: per-queue rate, one survey per customer within the cooldown', async () => {
    const c1 = await w.call('fb-call-1', '+358401110001');
    const c2 = await w.call('fb-call-2', '+358401110002');
    const again = await w.call('fb-call-3', '+358401110001'); // the same caller again, same day
    const chat = await w.message('chat', 'web-cust-1');
    const mail = await w.message('email', 'mail-cust-1', 'Invoice question');
    // captured by the trigger in routing's own transactions
    const captured = (await db.query(`SELECT contact_id FROM survey_candidates`)).map((r: { contact_id: string }) => r.contact_id).sort();
    expect(captured).toEqual([c1, c2, again, chat, mail].sort());

    const r = await sample.execute(w.now());
    expect(r).toEqual({ ran: true, considered: 5, invited: 3 });
    const surveys = await db.query(`SELECT contact_id, channel, agent_id, queue_id FROM surveys ORDER BY channel, contact_id`);
    const invited = surveys.map((s: { contact_id: string }) => s.contact_id);
    expect(invited).toContain(c2);
    expect(invited).toContain(chat);
    expect(invited.filter((id: string) => id === c1 || id === again)).toHaveLength(1); // one of the caller's two calls
    expect(invited).not.toContain(mail); // e-mail queue rate 0
    expect(surveys.every((s: { agent_id: string | null }) => w.agentIds.includes(s.agent_id!))).toBe(true);
    expect(await db.query(`SELECT count(*)::int AS n FROM survey_candidates`)).toEqual([{ n: 0 }]);
    // outbox rows committed with the surveys; tokens stored only as hashes on the survey
    const outbox = await db.query(`SELECT i.status, i.medium, length(i.token) AS token_length, s.token_hash FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id ORDER BY i.medium`);
    expect(outbox.map((o: { status: string; medium: string; token_length: number }) => [o.status, o.medium, o.token_length])).toEqual([
      ['pending', 'email', 43],
      ['pending', 'sms', 43],
      ['pending', 'sms', 43],
    ]);
    expect(outbox.every((o: { token_hash: string }) => /^[0-9a-f]{64}$/.test(o.token_hash))).toBe(true);

  });

  it('delivers through the webhook with an HMAC signature and an idempotency key, retries with backoff, never sends twice', async () => {
    gw.statuses.push(503); // the first post fails
    const first = await deliver.execute(w.now());
    expect(first).toMatchObject({ sent: 2, retried: 1, closed: 0 });
    expect(gw.received).toHaveLength(3);
    for (const r of gw.received) {
      const [, ts, sig] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(r.headers['x-vuoro-signature'] as string)!;
      expect(sig).toBe(createHmac('sha256', SECRET).update(`${ts}.${r.body}`).digest('hex'));
      const body = JSON.parse(r.body);
      expect(r.headers['idempotency-key']).toBe(body.idempotencyKey);
      expect(body.surveyUrl).toMatch(/^https:\/\/feedback\.example\.test\/s\/[A-Za-z0-9_-]{43}$/);
      expect(body.recipient).toEqual(body.medium === 'sms' ? { phoneNumber: expect.stringMatching(/^\+35840111000\d$/) } : { customerRef: 'web-cust-1' });
    }
    const failedKey = gw.received[0].headers['idempotency-key'];
    const pending = await db.query(`SELECT status, attempts, next_attempt_at, last_error FROM survey_invitations WHERE idempotency_key = $1`, [failedKey]);
    expect(pending).toEqual([{ status: 'pending', attempts: 1, next_attempt_at: new Date(w.now().getTime() + 30_000), last_error: 'HTTP 503' }]);

    // not due yet: nothing is sent
    expect(await deliver.execute(new Date(w.now().getTime() + 10_000))).toMatchObject({ sent: 0, retried: 0 });
    expect(gw.received).toHaveLength(3);
    w.setNow(new Date(w.now().getTime() + 31_000));
    expect(await deliver.execute(w.now())).toMatchObject({ sent: 1 });
    expect(gw.received).toHaveLength(4);
    expect(gw.received[3].headers['idempotency-key']).toBe(failedKey);
    expect(gw.received[3].body).toBe(gw.received[0].body); // same invitation, same link
    expect(JSON.parse(gw.received[3].body).surveyUrl).toBe(JSON.parse(gw.received[0].body).surveyUrl);

    // every invitation sent exactly once; tokens forgotten once sent
    expect(await deliver.execute(new Date(w.now().getTime() + 3_600_000))).toMatchObject({ sent: 0 });
    expect(new Set(gw.received.map((r) => r.headers['idempotency-key'])).size).toBe(3);
    expect(await db.query(`SELECT status, count(*)::int AS n, count(token)::int AS tokens FROM survey_invitations GROUP BY status`)).toEqual([{ status: 'sent', n: 3, tokens: 0 }]);
    const list = await t.http.get('/v1/feedback/invitations?status=sent').set(...sup).expect(200);
    expect(list.body.total).toBe(3);
    // A page past the end still says how many there are.
    expect((await t.http.get('/v1/feedback/invitations?status=sent&offset=10').set(...sup).expect(200)).body).toMatchObject({ items: [], total: 3 });
    expect(JSON.stringify(list.body)).not.toMatch(/\+358|web-cust|surveyUrl|token/);
  });

  it('claims each due invitation once across concurrent deliverers (SKIP LOCKED)', async () => {
    await w.call('fb-call-6', '+358401110006');
    await w.call('fb-call-7', '+358401110007');
    expect((await sample.execute(w.now())).invited).toBe(2);
    const before = gw.received.length;
    const results = await Promise.all([deliver.execute(w.now()), deliver.execute(w.now()), deliver.execute(w.now())]);
    expect(results.reduce((s, r) => s + r.sent, 0)).toBe(2);
    expect(gw.received.length - before).toBe(2);
  });

  it('answers a survey once through its token: 422 naming the field, 201, then 409; 404 unknown, 410 expired', async () => {
    const urls = gw.received.map((r) => JSON.parse(r.body).surveyUrl as string);
    const tokens = [...new Set(urls.map((u) => u.split('/').pop()!))];
    const [a, b] = tokens;
    const open = await t.http.get(`/v1/surveys/${a}`).expect(200);
    expect(open.body.questions.map((q: { key: string }) => q.key)).toEqual(['npsScore', 'resolvedFirstContact', 'comment']);
    const bad = await t.http.post(`/v1/surveys/${a}/response`).send({ npsScore: 11, resolvedFirstContact: 'yes' }).expect(422);
    expect(bad.body.code).toBe('validation.failed');
    expect(bad.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'npsScore', rule: 'max' }), expect.objectContaining({ field: 'resolvedFirstContact', rule: 'isBoolean' })]));
    const ok = await t.http.post(`/v1/surveys/${a}/response`).send({ npsScore: 10, resolvedFirstContact: true, comment: 'Asia hoitui heti, kiitos!' }).expect(201);
    expect(ok.body).toEqual({ status: 'answered', answeredAt: w.now().toISOString() });
    expect((await t.http.post(`/v1/surveys/${a}/response`).send({ npsScore: 0, resolvedFirstContact: false }).expect(409)).body.code).toBe('survey.already_answered');
    expect((await t.http.get(`/v1/surveys/${'x'.repeat(43)}`).expect(404)).body.code).toBe('survey.not_found');
    expect((await t.http.post('/v1/surveys/short/response').send({ npsScore: 5, resolvedFirstContact: true }).expect(404)).body.code).toBe('survey.not_found');
    const [row] = await db.query(`SELECT nps_score, resolved_first_contact FROM surveys WHERE responded_at IS NOT NULL`);
    expect(row).toEqual({ nps_score: 10, resolved_first_contact: true });
    // 72 hours later b has closed
    const saved = w.now();
    w.setNow(new Date(saved.getTime() + 73 * 3_600_000));
    expect((await t.http.post(`/v1/surveys/${b}/response`).send({ npsScore: 5, resolvedFirstContact: true }).expect(410)).body.code).toBe('survey.expired');
    expect((await t.http.get(`/v1/surveys/${b}`).expect(410)).body.code).toBe('survey.expired');
    w.setNow(saved);
  });

  it('reports NPS with its interval and the surveyed FCR by channel, as JSON and CSV (manager)', async () => {
    const answered = await db.query(`SELECT channel, nps_score, resolved_first_contact FROM surveys WHERE responded_at IS NOT NULL`);
    expect(answered).toHaveLength(1);
    const res = await t.http.get('/v1/feedback/reports?from=2026-11-01&to=2026-11-30&period=week&groupBy=channel').set(...man).expect(200);
    const row = res.body.rows.find((r: { group: string; responses: number }) => r.group === answered[0].channel && r.responses > 0);
    expect(row).toMatchObject({ period: '2026-11-02', responses: 1, promoters: 1, nps: 100, npsCi95Low: 100, npsCi95High: 100, fcrAnswers: 1, fcrYes: 1, fcrRate: 1 });
    expect(row.fcrCi95Low).toBeCloseTo(0.2065, 3); // Wilson, 1 of 1
    expect(res.body.rows.reduce((s: number, r: { invited: number }) => s + r.invited, 0)).toBe(5);
    const csv = await t.http.get('/v1/feedback/reports?from=2026-11-01&to=2026-11-30&period=month&format=csv').set(...man).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('period,group,groupLabel,invited,responses,responseRate,promoters,passives,detractors,nps,npsCi95Low,npsCi95High,npsStandardError,fcrAnswers,fcrYes,fcrRate,fcrCi95Low,fcrCi95High,dataFcrHandled,dataFcrRepeated,dataFcrRate,dataFcrWindowComplete');
    expect(csv.text).toContain('2026-11-01,,,5,1,0.2,1,0,0,100,100,100,0,1,1,1,0.2065,1,');
    // as the /v1/reports/* reports: Accept: text/csv asks for CSV too, format=json overrides it
    const accepted = await t.http.get('/v1/feedback/reports?from=2026-11-01&to=2026-11-30&period=month').set(...man).set('Accept', 'text/csv').expect(200);
    expect(accepted.headers['content-type']).toMatch(/text\/csv/);
    expect(accepted.text).toBe(csv.text);
    const json = await t.http.get('/v1/feedback/reports?from=2026-11-01&to=2026-11-30&period=month&format=json').set(...man).set('Accept', 'text/csv').expect(200);
    expect(json.headers['content-type']).toMatch(/application\/json/);
    expect((await t.http.get('/v1/feedback/reports?from=2026-12-01&to=2026-11-30').set(...man).expect(422)).body.errors[0]).toMatchObject({ field: 'to', rule: 'afterFrom' });
    await t.http.get('/v1/feedback/reports?from=2026-11-01&to=2026-11-30').set(...bearer(await t.keyFor('telephony'))).expect(403);
  });

  it('asks the same caller again only after the 30-day cooldown', async () => {
    // within 30 days the same caller is not asked again; after 30 days they are
    w.setNow(new Date(w.now().getTime() + 10 * 86_400_000));
    await w.call('fb-call-4', '+358401110001');
    expect(await sample.execute(w.now())).toEqual({ ran: true, considered: 1, invited: 0 });
    w.setNow(new Date(w.now().getTime() + 25 * 86_400_000));
    const later = await w.call('fb-call-5', '+358401110001');
    expect(await sample.execute(w.now())).toEqual({ ran: true, considered: 1, invited: 1 });
    expect((await db.query(`SELECT count(*)::int AS n FROM surveys WHERE contact_id = $1`, [later]))[0].n).toBe(1);
  });

  it('does not message a customer again who answered while the failed delivery waited for its retry', async () => {
    await deliver.execute(w.now()); // whatever earlier tests left due goes out first
    await w.call('fb-call-8', '+358401110008');
    expect((await sample.execute(w.now())).invited).toBe(1);
    gw.statuses.push(503); // the gateway says it failed, but the message went out after all
    expect(await deliver.execute(w.now())).toMatchObject({ sent: 0, retried: 1 });
    const failed = gw.received[gw.received.length - 1];
    const token = (JSON.parse(failed.body).surveyUrl as string).split('/').pop()!;
    await t.http.post(`/v1/surveys/${token}/response`).send({ npsScore: 9, resolvedFirstContact: true }).expect(201);
    const [inv] = await db.query(`SELECT status, token FROM survey_invitations WHERE idempotency_key = $1`, [failed.headers['idempotency-key']]);
    expect(inv).toEqual({ status: 'cancelled', token: null });
    const before = gw.received.length;
    expect(await deliver.execute(new Date(w.now().getTime() + 3_600_000))).toMatchObject({ sent: 0, retried: 0 });
    expect(gw.received.length).toBe(before);
  });

  it('takes the candidates oldest first, a batch at a time, and each once across concurrent batches', async () => {
    await sample.execute(w.now()); // whatever earlier tests left
    const repo = t.app.get(FeedbackRepository);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await w.call(`fb-order-${i}`, `+35840222000${i}`));
    // ended in the reverse order of their creation, one minute apart
    for (const [i, id] of ids.entries()) await db.query(`UPDATE survey_candidates SET ended_at = $2 WHERE contact_id = $1`, [id, new Date(w.now().getTime() - i * 60_000)]);
    const oldestFirst = [...ids].reverse();
    const take = async (limit: number) => {
      let seen: string[] = [];
      await repo.sampleBatch(limit, (candidates) => ((seen = candidates.map((c) => c.contactId)), []));
      return seen;
    };
    expect(await take(2)).toEqual(oldestFirst.slice(0, 2));
    expect(await take(2)).toEqual(oldestFirst.slice(2, 4));
    const [a, b] = await Promise.all([take(2), take(2)]);
    expect([...a, ...b].sort()).toEqual(oldestFirst.slice(4).sort());
    expect(await db.query(`SELECT count(*)::int AS n FROM survey_candidates`)).toEqual([{ n: 0 }]);
  });
});
