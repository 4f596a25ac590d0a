import { DataSource } from 'typeorm';
import { DeliverSurveyInvitations, SampleEndedContacts } from '../../apps/api/src/feedback/feedback.use-cases.js';
import { ApplyPersonalDataRetention } from '../../apps/api/src/privacy/privacy.use-cases.js';
import { hashSurveyToken } from '../../apps/api/src/feedback/survey-token.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildFeedbackWorld, type FeedbackWorld } from './feedback-world.js';

describe('privacy: erasure on request and retention keep the figures, remove the personal data', () => {
  let t: TestApp;
  let w: FeedbackWorld;
  let db: DataSource;
  let man: [string, string];
  const logs: string[] = [];
  const T0 = new Date('2026-10-05T07:00:00Z');

  const report = async () =>
    (await t.http.get('/v1/feedback/reports?from=2026-10-01&to=2026-12-31&period=quarter&groupBy=channel').set(...man).expect(200)).body;

  /** Answers every open survey through the public endpoint, reading the token the outbox holds before delivery. */
  async function answerAll(scores: [number, boolean, string][]): Promise<void> {
    const open = await db.query(`SELECT i.token FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id WHERE i.status = 'pending' AND s.responded_at IS NULL ORDER BY i.created_at, i.id`);
    for (const [i, { token }] of open.entries()) {
      const [npsScore, resolvedFirstContact, comment] = scores[i % scores.length];
      await t.http.post(`/v1/surveys/${token}/response`).send({ npsScore, resolvedFirstContact, comment }).expect(201);
    }
  }

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, feedbackJobs: false, personalDataRetentionDays: 30 });
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logs.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    w = await buildFeedbackWorld(t, T0, 7);
    db = t.app.get(DataSource);
    man = bearer(await t.keyFor('manager'));
    await t.http.put('/v1/feedback/settings').set(...bearer(await t.keyFor('supervisor'))).send({ rates: { phone: 1, chat: 1, email: 1 }, cooldownDays: 0 }).expect(200);
  });
  afterAll(() => t.close());

  it('erases one customer (admin only) without changing NPS, FCR or counts, and audits it without personal data', async () => {
    await w.message('chat', 'web-anna-77', 'Maksusuunnitelma, Anna Virtanen');
    await w.message('email', 'mail-anna-77', 'Lasku 123');
    await w.message('chat', 'web-other-1');
    await w.message('chat', 'web-anna-77', 'Again about the plan');
    await t.app.get(SampleEndedContacts).execute(w.now());
    await answerAll([
      [10, true, 'Anna Virtanen, puh. 040 123 4567: erinomaista'],
      [3, false, 'Jäi kesken'],
      [8, true, 'ok'],
    ]);
    const before = await report();
    // Anna's two chats in one batch: she is asked once
    expect(before.totals.reduce((s: number, r: { responses: number }) => s + r.responses, 0)).toBe(3);

    await t.http.post('/v1/customers/web-anna-77/erasure').set(...man).expect(403);
    const erased = await t.http.post('/v1/customers/web-anna-77/erasure').set(...bearer(t.adminKey)).expect(200);
    expect(erased.body).toMatchObject({ customerId: expect.any(String), contacts: 2, surveys: 1, customers: 1 });

    expect(await report()).toEqual(before);
    const left = await db.query(`SELECT customer_ref, subject, caller_name FROM contacts WHERE customer_id = $1`, [erased.body.customerId]);
    expect(left).toEqual([
      { customer_ref: null, subject: null, caller_name: null },
      { customer_ref: null, subject: null, caller_name: null },
    ]);
    const surveys = await db.query(`SELECT nps_score, comment, personal_data_erased_at FROM surveys WHERE customer_id = $1`, [erased.body.customerId]);
    expect(surveys).toEqual([{ nps_score: expect.any(Number), comment: null, personal_data_erased_at: w.now() }]);
    const [customer] = await db.query(`SELECT phone_number, external_ref FROM customers WHERE id = $1`, [erased.body.customerId]);
    expect(customer).toEqual({ phone_number: null, external_ref: `erased:${erased.body.customerId}` });
    // the other customer's data is untouched
    expect(await db.query(`SELECT count(*)::int AS n FROM contacts WHERE customer_ref = 'web-other-1'`)).toEqual([{ n: 1 }]);
    // audited, counts only
    const [audit] = await db.query(`SELECT actor, action, entity_type, entity_id, detail FROM audit_log WHERE action = 'customer.personal-data-erased'`);
    expect(audit).toMatchObject({ actor: expect.stringMatching(/^api-key:/), entity_type: 'customer', entity_id: erased.body.customerId, detail: { contacts: 2, surveys: 1, invitationsCancelled: 0, customers: 1 } }); // her answer already cancelled the invitation that was still open (no gateway in this app); the next test erases one with an open invitation
    expect(JSON.stringify(audit)).not.toMatch(/anna|Virtanen|040 123/i);
    // the reference no longer finds anyone
    expect((await t.http.post('/v1/customers/web-anna-77/erasure').set(...bearer(t.adminKey)).expect(404)).body.code).toBe('customer.not_found');
    // nor does the placeholder: a gateway or the CRM handing it in gets 422, and nothing joins her old history
    const tel = bearer(await t.keyFor('telephony'));
    const placeholder = `erased:${erased.body.customerId}`;
    const refused = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: placeholder, language: 'fi' }).expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'customerRef', rule: 'customerRef' })]);
    const linked = await t.http.put(`/v1/customers/${encodeURIComponent(placeholder)}/phone-number`).set(...tel).send({ phoneNumber: '+358401112233' }).expect(422);
    expect(linked.body.errors).toEqual([expect.objectContaining({ field: 'customerRef', rule: 'customerRef' })]);
    expect(await db.query(`SELECT count(*)::int AS n FROM contacts WHERE customer_id = $1`, [erased.body.customerId])).toEqual([{ n: 2 }]);
    expect(await db.query(`SELECT phone_number FROM customers WHERE id = $1`, [erased.body.customerId])).toEqual([{ phone_number: null }]);
  });

  it('cancels invitations not yet sent to an erased customer', async () => {
    await w.message('chat', 'web-bertta-5');
    await t.app.get(SampleEndedContacts).execute(w.now());
    const erased = await t.http.post('/v1/customers/web-bertta-5/erasure').set(...bearer(t.adminKey)).expect(200);
    expect(erased.body.invitationsCancelled).toBe(1);
    expect(await db.query(`SELECT i.status, i.token FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id WHERE s.customer_id = $1`, [erased.body.customerId])).toEqual([
      { status: 'cancelled', token: null },
    ]);
    expect((await t.app.get(DeliverSurveyInvitations).execute(w.now())).sent).toBe(0);
  });

  it('removes raw personal data after the retention period, keeps the figures, and audits the run', async () => {
    await w.message('chat', 'web-cecilia-9', 'Cecilia asks about invoice 55');
    await t.app.get(SampleEndedContacts).execute(w.now());
    const [{ token }] = await db.query(`SELECT i.token FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id WHERE i.status = 'pending' AND s.responded_at IS NULL`);
    await t.http.post(`/v1/surveys/${token}/response`).send({ npsScore: 9, resolvedFirstContact: true, comment: 'Cecilia: thanks' }).expect(201);
    expect((await db.query(`SELECT count(*)::int AS n FROM surveys WHERE token_hash = $1`, [hashSurveyToken(token)]))[0].n).toBe(1);
    const before = await report();

    const [{ identified }] = await db.query(`SELECT count(*)::int AS identified FROM customers WHERE phone_number IS NOT NULL OR external_ref NOT LIKE 'erased:%'`);
    expect(identified).toBeGreaterThanOrEqual(3);
    const retention = t.app.get(ApplyPersonalDataRetention);
    expect(await retention.execute(new Date(w.now().getTime() + 29 * 86_400_000))).toMatchObject({ ran: true, contacts: 0, surveys: 0, customers: 0 });
    const r = await retention.execute(new Date(w.now().getTime() + 31 * 86_400_000));
    expect(r).toMatchObject({ ran: true, customers: identified });
    expect((r as { contacts: number }).contacts).toBeGreaterThanOrEqual(3);
    expect(await db.query(`SELECT count(*)::int AS n FROM contacts WHERE customer_ref IS NOT NULL OR subject IS NOT NULL OR caller_name IS NOT NULL`)).toEqual([{ n: 0 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM surveys WHERE comment IS NOT NULL`)).toEqual([{ n: 0 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM customers WHERE phone_number IS NOT NULL OR external_ref NOT LIKE 'erased:%'`)).toEqual([{ n: 0 }]);
    expect(await report()).toEqual(before);
    const audits = await db.query(`SELECT actor, detail FROM audit_log WHERE action = 'personal-data.retention' ORDER BY id`);
    expect(audits).toHaveLength(2);
    expect(audits[1]).toMatchObject({ actor: 'system:retention', detail: { retentionDays: 30, customers: identified } });
  });

  it('keeps names, numbers, references and comments out of reports, the audit sample and the logs', async () => {
    const csv = (await t.http.get('/v1/feedback/reports?from=2026-10-01&to=2026-12-31&period=month&groupBy=agent&format=csv').set(...man).expect(200)).text;
    const audit = await t.http.get('/v1/feedback/audit-sample?quarter=2026-Q4&size=3&seed=11').set(...man).expect(200);
    expect(audit.headers['content-type']).toMatch(/text\/csv/);
    expect(audit.headers['x-sample-frame-size']).toBe('4');
    expect(audit.text.trim().split('\r\n')).toHaveLength(4);
    expect((await t.http.get('/v1/feedback/audit-sample?quarter=2026-Q4&size=3&seed=11').set(...man).expect(200)).text).toBe(audit.text);
    for (const text of [csv, audit.text, logs.join('')]) {
      expect(text).not.toMatch(/Anna|Virtanen|Cecilia|Bertta|web-anna|web-cecilia|mail-anna|040 123|Maksusuunnitelma|thanks|erinomaista/);
    }
  });
});
