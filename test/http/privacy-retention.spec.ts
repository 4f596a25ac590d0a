import { DataSource } from 'typeorm';
import { ApplyPersonalDataRetention } from '../../apps/api/src/privacy/privacy.use-cases.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { callBody, eventBody } from '../routing/routing-world.js';
import { buildFeedbackWorld, type FeedbackWorld } from './feedback-world.js';

const DAY = 86_400_000;

/**
 * The daily retention run removes the number and reference of customers who have not been in
 * touch for PERSONAL_DATA_RETENTION_DAYS. "In touch" is any contact: a call nobody answered (the
 * caller hung up while it rang) or an email still waiting for its reply is as recent as one an agent
 * served, though only an answer sets the customer's last agent and last_contact_at.
 */
describe('privacy: the retention run keeps customers with recent contacts, answered or not', () => {
  let t: TestApp;
  let w: FeedbackWorld;
  let db: DataSource;
  const T0 = new Date('2027-01-04T08:00:00Z');
  const customerOf = async (column: 'phone_number' | 'external_ref', value: string) =>
    ((await db.query(`SELECT id FROM customers WHERE ${column} = $1`, [value])) as { id: string }[])[0]?.id;
  const identifiers = async (id: string) => (await db.query(`SELECT phone_number, external_ref FROM customers WHERE id = $1`, [id]))[0];

  let unanswered: string; // called a year ago (answered) and yesterday (nobody answered)
  let waiting: string; // emailed a year ago (replied) and yesterday (still open)
  let gone: string; // nothing since a year ago

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, feedbackJobs: false, personalDataRetentionDays: 365 });
    w = await buildFeedbackWorld(t, T0, 3);
    db = t.app.get(DataSource);
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

    const r = await t.app.get(ApplyPersonalDataRetention).execute(new Date(T0.getTime() + 401 * DAY));
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
});
