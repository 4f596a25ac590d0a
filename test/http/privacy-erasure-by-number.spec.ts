import { DataSource } from 'typeorm';
import { SampleEndedContacts } from '../../apps/api/src/feedback/feedback.use-cases.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildFeedbackWorld, type FeedbackWorld } from './feedback-world.js';

/**
 * A caller who asks to be forgotten is known to the data protection officer by the number they call
 * from: they have no gateway reference, and their customer id is shown by no endpoint. The number
 * finds them (in the body, out of the request line).
 */
describe('privacy: erasure of a caller named by the number they call from', () => {
  let t: TestApp;
  let w: FeedbackWorld;
  let db: DataSource;
  let admin: [string, string];
  const logs: string[] = [];
  const NUMBER = '+358401119999';

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, feedbackJobs: false });
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logs.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    w = await buildFeedbackWorld(t, new Date('2026-10-05T07:00:00Z'), 3);
    db = t.app.get(DataSource);
    admin = bearer(t.adminKey);
    await t.http.put('/v1/feedback/settings').set(...bearer(await t.keyFor('supervisor'))).send({ rates: { phone: 1, chat: 1, email: 1 }, cooldownDays: 0 }).expect(200);
  });
  afterAll(() => t.close());

  it('names the one identifier it needs, for admins only', async () => {
    await t.http.post('/v1/customers/erasure').set(...bearer(await t.keyFor('manager'))).send({ phoneNumber: NUMBER }).expect(403);
    const none = await t.http.post('/v1/customers/erasure').set(...admin).send({}).expect(422);
    expect(none.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([
      ['phoneNumber', 'exactlyOne'],
      ['customerRef', 'exactlyOne'],
      ['customerId', 'exactlyOne'],
    ]);
    const two = await t.http.post('/v1/customers/erasure').set(...admin).send({ phoneNumber: NUMBER, customerRef: 'web-1' }).expect(422);
    expect(two.body.errors.map((e: { rule: string }) => e.rule)).toEqual(['exactlyOne', 'exactlyOne']);
    const notANumber = await t.http.post('/v1/customers/erasure').set(...admin).send({ phoneNumber: 'anonymous' }).expect(422);
    expect(notANumber.body.errors).toEqual([expect.objectContaining({ field: 'phoneNumber', rule: 'phoneNumber' })]);
    const unknown = await t.http.post('/v1/customers/erasure').set(...admin).send({ phoneNumber: '+358400000000' }).expect(404);
    expect(unknown.body.code).toBe('customer.not_found');
    expect(JSON.stringify(unknown.body)).not.toContain('358400000000');
  });

  it("erases a caller's number, name and survey comment by the number, keeps the figures and the other callers", async () => {
    const mine = await w.call('erase-by-number-1', NUMBER, 'Kalle Kysyjä');
    await w.call('erase-by-number-2', '+358401118888', 'Olli Other');
    await t.app.get(SampleEndedContacts).execute(w.now());
    const open = await db.query(`SELECT i.token FROM survey_invitations i WHERE i.status = 'pending' ORDER BY i.created_at, i.id`);
    expect(open).toHaveLength(2);
    for (const { token } of open) await t.http.post(`/v1/surveys/${token}/response`).send({ npsScore: 9, resolvedFirstContact: true, comment: 'Kalle here, call me' }).expect(201);
    const report = async () => (await t.http.get('/v1/feedback/reports?from=2026-10-01&to=2026-12-31&period=quarter&groupBy=channel').set(...admin).expect(200)).body;
    const before = await report();
    // the reference-or-id path cannot find a caller by number: this is what the body is for
    expect((await t.http.post(`/v1/customers/${encodeURIComponent(NUMBER)}/erasure`).set(...admin).expect(404)).body.code).toBe('customer.not_found');

    const erased = await t.http.post('/v1/customers/erasure').set(...admin).send({ phoneNumber: NUMBER }).expect(200);
    expect(erased.body).toMatchObject({ customerId: expect.any(String), contacts: 1, surveys: 1, customers: 1 });
    expect(await db.query(`SELECT caller_name FROM contacts WHERE id = $1`, [mine])).toEqual([{ caller_name: null }]);
    expect(await db.query(`SELECT phone_number, external_ref FROM customers WHERE id = $1`, [erased.body.customerId])).toEqual([
      { phone_number: null, external_ref: `erased:${erased.body.customerId}` },
    ]);
    expect(await db.query(`SELECT comment FROM surveys WHERE customer_id = $1`, [erased.body.customerId])).toEqual([{ comment: null }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM customers WHERE phone_number = '+358401118888'`)).toEqual([{ n: 1 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM contacts WHERE caller_name = 'Olli Other'`)).toEqual([{ n: 1 }]);
    expect(await report()).toEqual(before);
    // the number no longer finds anyone, and is in no answer or log line
    const again = await t.http.post('/v1/customers/erasure').set(...admin).send({ phoneNumber: NUMBER }).expect(404);
    expect(JSON.stringify(again.body)).not.toContain('358401119999');
    expect(logs.join('')).not.toMatch(/358401119999|Kalle/);
    // the erasure's audit entry can be read back by the customer id: who, when, counts only
    const audit = (await t.http.get(`/v1/audit-log?entityType=customer&entityId=${erased.body.customerId}`).set(...admin).expect(200)).body;
    expect(audit).toEqual([
      expect.objectContaining({ action: 'customer.personal-data-erased', entityType: 'customer', entityId: erased.body.customerId, actor: expect.stringMatching(/^api-key:/), detail: { contacts: 1, surveys: 1, invitationsCancelled: 0, customers: 1, idempotencyKeys: 0 } }),
    ]);
    // the id still finds the erased customer; erasing again removes nothing more
    expect((await t.http.post('/v1/customers/erasure').set(...admin).send({ customerId: erased.body.customerId }).expect(200)).body).toMatchObject({ contacts: 0, surveys: 0, customers: 0 });
  });

  it('keeps the score but not the comment of a survey answered after its customer was erased', async () => {
    await w.call('erase-by-number-3', '+358401117777', 'Liisa Late');
    await t.app.get(SampleEndedContacts).execute(w.now());
    const [{ token, survey_id: surveyId }] = await db.query(`SELECT i.token, i.survey_id FROM survey_invitations i WHERE i.status = 'pending'`);
    await t.http.post('/v1/customers/erasure').set(...admin).send({ phoneNumber: '+358401117777' }).expect(200);
    // the link the customer already holds still takes an answer
    await t.http.post(`/v1/surveys/${token}/response`).send({ npsScore: 4, resolvedFirstContact: false, comment: 'Liisa again, my number is 0401117777' }).expect(201);
    expect(await db.query(`SELECT nps_score, resolved_first_contact, comment FROM surveys WHERE id = $1`, [surveyId])).toEqual([{ nps_score: 4, resolved_first_contact: false, comment: null }]);
  });
});
