import { DataSource } from 'typeorm';
import { ApplyPersonalDataRetention } from '../../apps/api/src/privacy/privacy.use-cases.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { callBody, eventBody } from '../routing/routing-world.js';
import { buildFeedbackWorld, type FeedbackWorld } from './feedback-world.js';

const DAY = 86_400_000;
const localDate = (d: Date) => d.toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });

/**
 * The daily retention run removes the number and reference of customers who have not been in
 * touch for PERSONAL_DATA_RETENTION_DAYS. "In touch" is any contact: a call nobody answered (the
 * caller hung up while it rang) or an email still waiting for its reply is as recent as one an agent
 * served, though only an answer sets the customer's last agent and last_contact_at. The runs read
 * back from GET /v1/audit-log/retention-runs.
 */
describe('privacy: the retention run keeps customers with recent contacts, answered or not, and its audit lines read back', () => {
  let t: TestApp;
  let w: FeedbackWorld;
  let db: DataSource;
  let man: [string, string];
  const T0 = new Date('2027-01-04T08:00:00Z');
  const customerOf = async (column: 'phone_number' | 'external_ref', value: string) =>
    ((await db.query(`SELECT id FROM customers WHERE ${column} = $1`, [value])) as { id: string }[])[0]?.id;
  const identifiers = async (id: string) => (await db.query(`SELECT phone_number, external_ref FROM customers WHERE id = $1`, [id]))[0];

  let unanswered: string; // called a year ago (answered) and yesterday (nobody answered)
  let waiting: string; // emailed a year ago (replied) and yesterday (still open)
  let gone: string; // nothing since a year ago
  let firstRun: Date;

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, feedbackJobs: false, personalDataRetentionDays: 365 });
    w = await buildFeedbackWorld(t, T0, 3);
    db = t.app.get(DataSource);
    man = bearer(await t.keyFor('manager'));
    await w.call('ret-old-1', '+358401230001', 'Ritva Reinikainen');
    await w.call('ret-old-2', '+358401230002', 'Paavo Pesonen');
    await w.message('email', 'mail-ret-3', 'Lasku 77');
    unanswered = (await customerOf('phone_number', '+358401230001'))!;
    gone = (await customerOf('phone_number', '+358401230002'))!;
    waiting = (await customerOf('external_ref', 'mail-ret-3'))!;

    // 400 days later: the first caller calls again and hangs up while it rings; the email customer writes again
    w.setNow(new Date(T0.getTime() + 400 * DAY));
    const tel = bearer(await t.keyFor('telephony'));
    const ringing = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('ret-new-1', { callerId: '+358401230001' })).expect(200)).body;
    expect(ringing.decision).toBe('agent');
    await t.http.post('/v1/routing/events').set(...tel).send({ ...eventBody('abandoned', 'ret-new-1'), ts: w.now().toISOString() }).expect(200);
    const email = (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'email', queueId: w.emailQueueId, customerRef: 'mail-ret-3', language: 'fi' }).expect(201)).body;
    expect(['queued', 'offered']).toContain(email.status);
  });
  afterAll(() => t.close());

  it('does not erase a customer whose recent contacts were all unanswered, nor one whose email is still open', async () => {
    // only an answer sets last_contact_at: both still look a year old by it
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM customers WHERE id = ANY($1::uuid[]) AND last_contact_at < $2`, [[unanswered, waiting, gone], new Date(T0.getTime() + DAY)]);
    expect(n).toBe(3);
    expect((await db.query(`SELECT status, answered_at FROM contacts WHERE call_id = 'ret-new-1'`))[0]).toEqual({ status: 'abandoned', answered_at: null });

    firstRun = new Date(T0.getTime() + 401 * DAY);
    const r = await t.app.get(ApplyPersonalDataRetention).execute(firstRun);
    expect(r).toMatchObject({ ran: true, customers: 1 });
    expect(await identifiers(unanswered)).toEqual({ phone_number: '+358401230001', external_ref: null });
    expect(await identifiers(waiting)).toEqual({ phone_number: null, external_ref: 'mail-ret-3' });
    expect(await identifiers(gone)).toEqual({ phone_number: null, external_ref: `erased:${gone}` });
    // the year-old contacts themselves lose their names and subjects all the same
    expect(await db.query(`SELECT count(*)::int AS n FROM contacts WHERE (caller_name IS NOT NULL OR subject IS NOT NULL) AND arrived_at < $1`, [new Date(T0.getTime() + DAY)])).toEqual([{ n: 0 }]);
  });

  it('erases the caller once the unanswered call is older than the retention period; an email still open keeps its customer', async () => {
    const r = await t.app.get(ApplyPersonalDataRetention).execute(new Date(T0.getTime() + (400 + 366) * DAY));
    expect(r).toMatchObject({ ran: true, customers: 1 });
    expect(await identifiers(unanswered)).toEqual({ phone_number: null, external_ref: `erased:${unanswered}` });
    expect(await identifiers(waiting)).toEqual({ phone_number: null, external_ref: 'mail-ret-3' });
  });

  it('reads the runs back from the audit log by the local dates they ran on, a page at a time, counts only', async () => {
    const all = (await t.http.get('/v1/audit-log/retention-runs').set(...man).expect(200)).body;
    expect(all).toMatchObject({ total: 2, limit: 200, offset: 0 });
    expect(all.items[0]).toEqual({
      id: expect.any(String),
      at: firstRun.toISOString(),
      actor: 'system:retention',
      action: 'personal-data.retention',
      entityType: 'retention-run',
      entityId: firstRun.toISOString(),
      detail: { retentionDays: 365, cutoff: new Date(firstRun.getTime() - 365 * DAY).toISOString(), contacts: expect.any(Number), surveys: 0, invitationsCancelled: 0, customers: 1, idempotencyKeys: 0 },
    });
    expect(all.items[1].detail).toMatchObject({ retentionDays: 365, customers: 1 });
    expect(JSON.stringify(all)).not.toMatch(/358401230|mail-ret|Reinikainen|Pesonen|Lasku/);

    // the day of the first run, inclusive at both ends
    const day = localDate(firstRun);
    const one = (await t.http.get('/v1/audit-log/retention-runs').query({ from: day, to: day }).set(...man).expect(200)).body;
    expect(one.total).toBe(1);
    expect(one.items.map((i: { at: string }) => i.at)).toEqual([firstRun.toISOString()]);
    const after = (await t.http.get('/v1/audit-log/retention-runs').query({ from: localDate(new Date(firstRun.getTime() + DAY)), to: '2999-12-31' }).set(...man).expect(200)).body;
    expect(after.total).toBe(1);
    expect(after.items[0].id).toBe(all.items[1].id);
    // paging: the second page of one, with the total
    const page = (await t.http.get('/v1/audit-log/retention-runs').query({ limit: 1, offset: 1 }).set(...bearer(await t.keyFor('supervisor'))).expect(200)).body;
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0].id).toBe(all.items[1].id);
    expect((await t.http.get('/v1/audit-log/retention-runs').query({ offset: 5 }).set(...man).expect(200)).body).toMatchObject({ items: [], total: 2 });

    const bad = async (q: Record<string, string>) => (await t.http.get('/v1/audit-log/retention-runs').query(q).set(...man).expect(422)).body.errors;
    expect(await bad({ from: day })).toEqual([expect.objectContaining({ field: 'to', rule: 'bothOrNeither' })]);
    expect(await bad({ from: '2028-03-01', to: '2028-02-01' })).toEqual([expect.objectContaining({ field: 'to', rule: 'afterFrom' })]);
    expect(await bad({ from: '2028-02-30', to: '2028-03-01' })).toEqual([expect.objectContaining({ field: 'from', rule: 'localDate' })]);
    await t.http.get('/v1/audit-log/retention-runs').set(...bearer(await t.keyFor('telephony'))).expect(403);
  });
});
