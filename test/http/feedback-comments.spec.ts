import { DataSource } from 'typeorm';
import { SampleEndedContacts } from '../../apps/api/src/feedback/feedback.use-cases.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildFeedbackWorld, type FeedbackWorld } from './feedback-world.js';

interface Comment {
  surveyId: string;
  channel: string;
  queueId: string | null;
  queueLabel: string | null;
  agentId: string | null;
  agentLabel: string | null;
  npsScore: number;
  npsClass: string;
  resolvedFirstContact: boolean;
  comment: string;
  contactEndedAt: string;
}

/**
 * The manager reads what customers wrote with their answers (GET /v1/feedback/comments): by the
 * local dates their contacts ended, filtered and paged, as JSON or CSV — with no customer named: no
 * customer field, the numbers, addresses, names and references in the text masked; an erased
 * customer's comments gone.
 */
describe('feedback: survey comments read back by the manager, without naming the customer', () => {
  let t: TestApp;
  let w: FeedbackWorld;
  let db: DataSource;
  let man: [string, string];
  const T0 = new Date('2026-11-03T08:00:00Z'); // Tuesday 10:00 in Helsinki
  const range = { from: '2026-11-03', to: '2026-11-03' };
  const list = async (q: Record<string, string | number> = {}) => (await t.http.get('/v1/feedback/comments').query({ ...range, ...q }).set(...man).expect(200)).body as { items: Comment[]; total: number; limit: number; offset: number };

  /** Answers the survey of `contactId` through the public endpoint with the token the outbox holds. */
  const answer = async (contactId: string, npsScore: number, resolvedFirstContact: boolean, comment?: string) => {
    const [{ token }] = await db.query(`SELECT i.token FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id WHERE s.contact_id = $1`, [contactId]);
    await t.http.post(`/v1/surveys/${token}/response`).send({ npsScore, resolvedFirstContact, ...(comment === undefined ? {} : { comment }) }).expect(201);
  };

  let anna: string;
  let bertta: string;
  let formula: string;
  let quiet: string;
  let cecilia: string;
  let late: string;

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, feedbackJobs: false });
    w = await buildFeedbackWorld(t, T0, 13);
    db = t.app.get(DataSource);
    man = bearer(await t.keyFor('manager'));
    await t.http.put('/v1/feedback/settings').set(...bearer(await t.keyFor('supervisor'))).send({ rates: { phone: 1, chat: 1, email: 1 }, cooldownDays: 0 }).expect(200);
    anna = await w.call('cm-1', '+358401440001', 'Anna Virtanen');
    bertta = await w.message('chat', 'web-bertta-5', 'Maksusuunnitelma');
    formula = await w.call('cm-2', '+358401440002', 'Olli Ojala');
    quiet = await w.call('cm-3', '+358401440003', 'Pekka Puro');
    cecilia = await w.message('email', 'mail-cecilia-9', 'Lasku 55');
    late = await w.message('chat', 'web-daniel-2');
    await t.app.get(SampleEndedContacts).execute(w.now());
    await answer(anna, 10, true, 'Anna Virtanen tässä, puh. 040 123 4567: erinomaista palvelua');
    await answer(bertta, 3, false, 'Jonotin pitkään. Viite web-bertta-5, vastatkaa bertta.b@example.fi');
    await answer(formula, 8, true, '=HYPERLINK("http://evil.example","kiitos")');
    await answer(quiet, 9, true);
    await answer(cecilia, 5, false, 'Cecilia ei saanut vastausta');
  });
  afterAll(() => t.close());

  it('lists the comments of the day with the survey, queue, agent and answer, the customer masked out of the text', async () => {
    const page = await list();
    expect(page).toMatchObject({ total: 4, limit: 200, offset: 0 });
    const byContact = new Map<string, Comment>();
    for (const c of page.items) byContact.set((await db.query(`SELECT contact_id FROM surveys WHERE id = $1`, [c.surveyId]))[0].contact_id, c);
    expect(byContact.get(anna)).toMatchObject({
      channel: 'phone', queueLabel: 'phone-fi', agentLabel: expect.stringMatching(/^Agent \d{3} \(R\d{3}\)$/), npsScore: 10, npsClass: 'promoter', resolvedFirstContact: true,
      comment: '[name] tässä, puh. [phone]: erinomaista palvelua',
    });
    expect(byContact.get(bertta)).toMatchObject({ channel: 'chat', queueLabel: 'chat-fi', npsClass: 'detractor', comment: 'Jonotin pitkään. Viite [reference], vastatkaa [email]' });
    expect(byContact.get(formula)!.comment).toBe('=HYPERLINK("http://evil.example","kiitos")');
    // a name Vuoro was never given (an e-mail customer's) cannot be told from other words: it stays
    expect(byContact.get(cecilia)!.comment).toBe('Cecilia ei saanut vastausta');
    expect(byContact.has(quiet)).toBe(false); // answered without a comment
    expect(page.items.map((c) => c.contactEndedAt)).toEqual([...page.items.map((c) => c.contactEndedAt)].sort());
    for (const c of page.items) expect(Object.keys(c).sort()).toEqual(['agentId', 'agentLabel', 'channel', 'comment', 'contactEndedAt', 'language', 'npsClass', 'npsScore', 'queueId', 'queueLabel', 'resolvedFirstContact', 'respondedAt', 'surveyId']);
    expect(JSON.stringify(page)).not.toMatch(/Virtanen|Anna|040 123|web-bertta|bertta\.b|\+35840144|Ojala|Puro|Maksusuunnitelma|Lasku 55/);
  });

  it('filters by channel, queue, agent and NPS class, pages with the total, and takes to as the last date, inclusive', async () => {
    expect((await list({ channel: 'chat' })).items.map((c) => c.channel)).toEqual(['chat']);
    expect((await list({ queueId: w.phoneQueueId })).items.map((c) => c.queueLabel)).toEqual(['phone-fi', 'phone-fi']);
    expect((await list({ npsClass: 'detractor' })).items.map((c) => c.npsScore).sort()).toEqual([3, 5]);
    const all = await list();
    const agent = all.items[0].agentId!;
    expect((await list({ agentId: agent })).items.every((c) => c.agentId === agent)).toBe(true);
    expect((await list({ agentId: agent })).total).toBe(all.items.filter((c) => c.agentId === agent).length);
    const second = await list({ limit: 2, offset: 2 });
    expect(second).toMatchObject({ total: 4, limit: 2, offset: 2 });
    expect(second.items.map((c) => c.surveyId)).toEqual(all.items.slice(2, 4).map((c) => c.surveyId));
    expect((await list({ from: '2026-11-02', to: '2026-11-02' })).total).toBe(0);
    expect((await list({ from: '2026-11-01', to: '2026-11-30' })).total).toBe(4);
    const bad = async (q: Record<string, string>) => (await t.http.get('/v1/feedback/comments').query(q).set(...man).expect(422)).body.errors;
    expect(await bad({ from: '2026-11-04', to: '2026-11-03' })).toEqual([expect.objectContaining({ field: 'to', rule: 'afterFrom' })]);
    expect(await bad({ from: '2020-01-01', to: '2026-11-03' })).toEqual([expect.objectContaining({ field: 'to', rule: 'maxRange' })]);
    expect(await bad({ from: '2026-11-03' })).toEqual([expect.objectContaining({ field: 'to', rule: 'required' })]);
    expect(await bad({ ...range, npsClass: 'happy' })).toEqual([expect.objectContaining({ field: 'npsClass', rule: 'isIn' })]);
    await t.http.get('/v1/feedback/comments').query(range).set(...bearer(await t.keyFor('supervisor'))).expect(403);
  });

  it('gives the same page as CSV, formulas neutralised, the total in X-Total-Count', async () => {
    const csv = await t.http.get('/v1/feedback/comments').query({ ...range, format: 'csv', limit: 3 }).set(...man).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['x-total-count']).toBe('4');
    const [header, ...lines] = csv.text.trim().split('\r\n');
    expect(header).toBe('surveyId,channel,queueId,queueLabel,agentId,agentLabel,language,contactEndedAt,respondedAt,npsScore,npsClass,resolvedFirstContact,comment');
    expect(lines).toHaveLength(3);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://evil.example"",""kiitos"")"`);
    expect(csv.text).not.toMatch(/,=HYPERLINK/);
    const accepted = await t.http.get('/v1/feedback/comments').query({ ...range, limit: 3 }).set(...man).set('Accept', 'text/csv').expect(200);
    expect(accepted.text).toBe(csv.text);
    expect(csv.text).not.toMatch(/Virtanen|040 123|web-bertta|bertta\.b|\+35840144/);
  });

  it("drops an erased customer's comments, and a comment sent after the erasure never appears", async () => {
    const [{ token }] = await db.query(`SELECT i.token FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id WHERE s.contact_id = $1`, [late]);
    await t.http.post('/v1/customers/web-bertta-5/erasure').set(...bearer(t.adminKey)).expect(200);
    await t.http.post('/v1/customers/web-daniel-2/erasure').set(...bearer(t.adminKey)).expect(200);
    // Daniel still holds his link: the answer's scores count, its comment is not kept
    await t.http.post(`/v1/surveys/${token}/response`).send({ npsScore: 2, resolvedFirstContact: false, comment: 'Daniel Dahl, 050 765 4321' }).expect(201);
    const page = await list();
    expect(page.total).toBe(3);
    expect(page.items.some((c) => c.channel === 'chat')).toBe(false);
    expect(JSON.stringify(page)).not.toMatch(/Jonotin|Daniel|050 765/);
  });
});
