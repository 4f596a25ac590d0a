import { DataSource } from 'typeorm';
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { RefreshReportRollups } from '../../apps/api/src/reports/report-rollup.job.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { addChatQueue, buildRoutingWorld, type RoutingWorld } from '../routing/routing-world.js';

/**
 * What a report query names, and how a bad one is answered (the jest project `routing-memory` runs
 * this again with ROUTING_ENGINE=memory):
 * - a `queueId`, `departmentId` or `agentId` that names nothing is a 422 rule `exists` on every
 *   report that takes it, not 200 with empty rows (a manager who pasted a wrong id is told so);
 * - a queue and an agent since deleted keep their history in the roll-ups, and it stays readable;
 * - they are looked up once the query's fields and range are right (reports-contacts.spec.ts: those
 *   come in one 422).
 *
 * T = Monday 2026-11-23 10:00 Helsinki. A chat queue `chat-old` gets one chat at T+0, which agent A
 * takes at T+10 and completes at T+70; the roll-ups count it. Then retention removes the contact, the
 * queue is deleted (it has no contacts any more), and so is agent A.
 */
describe('reports: the queue, department and agent a query names', () => {
  const T = Date.parse('2026-11-23T08:00:00Z');
  const DAY = { from: '2026-11-23', to: '2026-11-23', period: 'day' };
  const NOBODY = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
  let t: TestApp;
  let w: RoutingWorld;
  let mgr: [string, string];
  let offset = 0;
  let oldQueue = '';
  let agentA = '';

  const report = (path: string, query: Record<string, string | number>) => t.http.get(`/v1/reports/${path}`).query(query).set(...mgr);
  const rules = (body: { errors: { field: string; rule: string }[] }) => body.errors.map((e) => `${e.field}:${e.rule}`).sort();

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, reportJobs: false });
    w = await buildRoutingWorld(t, 1);
    mgr = bearer(await t.keyFor('manager'));
    const sup = bearer(await t.keyFor('supervisor'));
    const tel = bearer(await t.keyFor('telephony'));
    t.app.get(RoutingClock).now = () => new Date(T + offset * 1000);
    [agentA] = w.agentIds;
    const desk = bearer((await t.http.post(`/v1/agents/${agentA}/api-keys`).set(...bearer(t.adminKey)).send({ name: 'desk A' }).expect(201)).body.key);
    await t.http.put(`/v1/agents/${agentA}/state`).set(...desk).send({ state: 'available' }).expect(200);
    oldQueue = await addChatQueue(t, w, 'chat-old', 'Chat, old');

    const chat = (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: oldQueue, customerRef: 'old-1', language: 'fi' }).expect(201)).body;
    offset = 10;
    const [offer] = (await t.http.get(`/v1/agents/${agentA}/offers`).set(...desk).expect(200)).body as { contactId: string; offerId: string }[];
    expect(offer.contactId).toBe(chat.id);
    await t.http.post(`/v1/agents/${agentA}/offers/${offer.offerId}/accept`).set(...desk).expect(200);
    offset = 70;
    await t.http.post(`/v1/agents/${agentA}/contacts/${chat.id}/complete`).set(...desk).send({ wrapUpSeconds: 0 }).expect(200);
    expect((await t.app.get(RefreshReportRollups).execute()).facts).toBe(1);

    // Retention removes the contact (the roll-ups keep its figures): the queue and the agent can go.
    const db = t.app.get(DataSource);
    await db.query(`DELETE FROM reservations WHERE contact_id = $1`, [chat.id]);
    await db.query(`DELETE FROM contacts WHERE id = $1`, [chat.id]);
    await t.http.put(`/v1/agents/${agentA}/state`).set(...desk).send({ state: 'offline' }).expect(200);
    await t.http.delete(`/v1/queues/${oldQueue}`).set(...sup).expect(204);
    await t.http.delete(`/v1/agents/${agentA}`).set(...sup).expect(204);
  });
  afterAll(() => t.close());

  it('refuses a queueId, departmentId or agentId that names nothing with one 422 naming each, on every report', async () => {
    for (const path of ['contacts', 'email-replies', 'chat-first-response', 'first-contact-resolution']) {
      const res = await report(path, { ...DAY, queueId: NOBODY, departmentId: NOBODY, agentId: NOBODY }).expect(422);
      expect({ path, code: res.body.code, rules: rules(res.body) }).toEqual({ path, code: 'validation.failed', rules: ['agentId:exists', 'departmentId:exists', 'queueId:exists'] });
      expect(res.body.errors).toContainEqual(expect.objectContaining({ field: 'queueId', message: `queue ${NOBODY} does not exist` }));
      for (const field of ['queueId', 'departmentId', 'agentId']) {
        const one = await report(path, { ...DAY, [field]: NOBODY }).expect(422);
        expect({ path, rules: rules(one.body) }).toEqual({ path, rules: [`${field}:exists`] });
      }
    }
    const backlog = await t.http.get('/v1/reports/email-backlog').query({ queueId: NOBODY }).set(...mgr).expect(422);
    expect(rules(backlog.body)).toEqual(['queueId:exists']);
    // The ids that exist answer as before (this queue had no contacts: no rows).
    expect((await report('contacts', { ...DAY, queueId: w.phoneQueueId, departmentId: w.departmentId }).expect(200)).body.rows).toEqual([]);
    expect((await t.http.get('/v1/reports/email-backlog').query({ queueId: w.emailQueueId }).set(...mgr).expect(200)).body.queues).toHaveLength(1);
  });

  it('refuses a queueId of another channel than the report is of (rule channel), a deleted queue excepted', async () => {
    for (const [path, queueId] of [['email-replies', w.phoneQueueId], ['chat-first-response', w.emailQueueId]] as const) {
      const res = await report(path, { ...DAY, queueId }).expect(422);
      expect({ path, rules: rules(res.body) }).toEqual({ path, rules: ['queueId:channel'] });
    }
    const backlog = await t.http.get('/v1/reports/email-backlog').query({ queueId: w.chatQueueId }).set(...mgr).expect(422);
    expect(backlog.body.errors).toEqual([expect.objectContaining({ field: 'queueId', rule: 'channel', message: 'queue chat-fi is a chat queue; this report is of email' })]);
    // The contacts report is of every channel, unless the query says one.
    expect((await report('contacts', { ...DAY, queueId: w.phoneQueueId, channel: 'chat' }).expect(422)).body.errors).toEqual([expect.objectContaining({ field: 'queueId', rule: 'channel' })]);
    await report('contacts', { ...DAY, queueId: w.phoneQueueId, channel: 'phone' }).expect(200);
    await report('chat-first-response', { ...DAY, queueId: w.chatQueueId }).expect(200);
    // A queue since deleted has no channel to compare: its history is read.
    await report('chat-first-response', { ...DAY, queueId: oldQueue }).expect(200);
  });

  it('reads the history of a queue since deleted under its id, and of an agent since deleted', async () => {
    const byQueue = (await report('contacts', { ...DAY, queueId: oldQueue }).expect(200)).body.rows;
    expect(byQueue).toEqual([expect.objectContaining({ group: oldQueue, groupLabel: oldQueue, arrived: 1, offered: 1, answered: 1, averageHandleSeconds: 60 })]);
    // In the report of every queue too, as a deleted agent's rows are in the report of every agent.
    const all = (await report('contacts', DAY).expect(200)).body.rows;
    expect(all.map((r: { group: string }) => r.group)).toEqual([oldQueue]);
    const resolution = (await report('first-contact-resolution', { ...DAY, queueId: oldQueue }).expect(200)).body.rows;
    expect(resolution).toEqual([expect.objectContaining({ group: oldQueue, handled: 1, repeated: 0 })]);
    const agentRows = (await report('contacts', { ...DAY, groupBy: 'agent', agentId: agentA }).expect(200)).body.rows;
    expect(agentRows).toEqual([expect.objectContaining({ group: agentA, groupLabel: agentA, answered: 1, averageHandleSeconds: 60 })]);
    const agentByQueue = (await report('contacts', { ...DAY, agentId: agentA, queueId: oldQueue }).expect(200)).body.rows;
    expect(agentByQueue).toEqual([expect.objectContaining({ group: oldQueue, answered: 1 })]);
    // Its channel and department are no longer known: a grouping or filter by them cannot place it.
    expect((await report('contacts', { ...DAY, groupBy: 'channel' }).expect(200)).body.rows).toEqual([]);
    expect((await report('chat-first-response', { ...DAY, queueId: oldQueue }).expect(200)).body.rows).toEqual([]);
    // A deleted queue had no open emails.
    expect((await t.http.get('/v1/reports/email-backlog').query({ queueId: oldQueue }).set(...mgr).expect(200)).body.queues).toEqual([]);
  });

  it('tells of an unknown id once the query\'s fields and range are right (the ids are looked up in the database)', async () => {
    const first = await report('contacts', { from: '2026-11-23', to: '2026-11-01', groupBy: 'caller', queueId: NOBODY }).expect(422);
    expect(rules(first.body)).toEqual(['groupBy:isIn', 'to:afterFrom']);
    const then = await report('contacts', { ...DAY, queueId: NOBODY }).expect(422);
    expect(rules(then.body)).toEqual(['queueId:exists']);
  });
});
