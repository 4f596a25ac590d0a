/**
 * One customer across channels (issue 3: "the customer's previous agent on any channel"): a chat or
 * email handed in with the customer's number, or the CRM's PUT /v1/customers/{customerRef}/phone-number,
 * makes the reference and the number one customer, so a call prefers the agent of yesterday's email
 * and an email the agent of yesterday's call. Runs on both routing engines (jest project
 * routing-memory runs it again with ROUTING_ENGINE=memory).
 */
import { DataSource } from 'typeorm';
import { ApplyPersonalDataRetention } from '../../apps/api/src/privacy/privacy.use-cases.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from './routing-world.js';

const NUMBERS = ['+358405550101', '+358405550102', '+358405550103', '+358405550104', '+358405550105', '+358405550106'] as const;
const REFS = ['mail-cx-1', 'web-cx-2', 'mail-cx-3', 'mail-cx-5', 'crm-cx-6'] as const;

describe('routing: one customer across channels', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let admin: [string, string];
  let db: DataSource;
  const logs: string[] = [];
  let restoreStdout: () => void;
  let calls = 0;

  beforeAll(async () => {
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logs.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    restoreStdout = () => (process.stdout.write = write);
    // Log level `log`: the lines a production instance writes are read back at the end.
    t = await startTestApp({ routingJobs: false, logLevel: 'log' });
    w = await buildRoutingWorld(t, 3, { capacity: { phone: 1, chat: 2, email: 2 } });
    tel = bearer(await t.keyFor('telephony'));
    sup = bearer(await t.keyFor('supervisor'));
    admin = bearer(t.adminKey);
    db = t.app.get(DataSource);
    await t.http.put(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...sup).send({ wrapUpSeconds: 0, meanHandleSeconds: 180 }).expect(200);
    for (const id of w.agentIds) await t.http.put(`/v1/agents/${id}/state`).set(...sup).send({ state: 'available' }).expect(200);
  });
  afterAll(async () => {
    restoreStdout();
    await t.close();
  });

  const contact = (channel: 'chat' | 'email', customerRef: string, phoneNumber?: string) =>
    t.http.post('/v1/contacts').set(...tel).send({ channel, queueId: channel === 'chat' ? w.chatQueueId : w.emailQueueId, customerRef, language: 'fi', ...(phoneNumber !== undefined ? { phoneNumber } : {}) });
  const link = (customerRef: string, phoneNumber: unknown) => t.http.put(`/v1/customers/${customerRef}/phone-number`).set(...tel).send({ phoneNumber });
  const explanation = async (idOrCallId: string) => (await t.http.get(`/v1/contacts/${idOrCallId}/explanation`).set(...sup).expect(200)).body;

  /** The agent accepts the chat or email offered to it and completes it at once (no wrap-up). */
  async function serve(contactId: string): Promise<string> {
    const c = (await t.http.get(`/v1/contacts/${contactId}`).set(...sup).expect(200)).body;
    expect(c.status).toBe('offered');
    const offer = (await t.http.get(`/v1/agents/${c.agentId}/offers`).set(...admin).expect(200)).body.find((o: { contactId: string }) => o.contactId === contactId);
    await t.http.post(`/v1/agents/${c.agentId}/offers/${offer.offerId}/accept`).set(...admin).expect(200);
    await t.http.post(`/v1/agents/${c.agentId}/contacts/${contactId}/complete`).set(...admin).send({ wrapUpSeconds: 0 }).expect(200);
    return c.agentId;
  }

  /** A call from `callerId`, answered by the agent it is offered to and ended (the phone queue has no wrap-up): its call id and agent. */
  async function call(callerId: string): Promise<{ callId: string; agentId: string }> {
    const callId = `cx-call-${++calls}`;
    const d = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId, { callerId })).expect(200)).body;
    expect(d.decision).toBe('agent');
    await t.http.post('/v1/routing/events').set(...tel).send(eventBody('answered', callId, { decisionId: d.decisionId })).expect(200);
    await t.http.post('/v1/routing/events').set(...tel).send(eventBody('ended', callId, { decisionId: d.decisionId })).expect(200);
    return { callId, agentId: d.agentId };
  }

  const customersOf = (ref: string, phone: string) =>
    db.query(`SELECT id, external_ref AS ref, phone_number AS phone, last_agent_id AS "lastAgentId" FROM customers WHERE external_ref = $1 OR phone_number = $2 ORDER BY id`, [ref, phone]);

  it("an email handed in with the customer's number: a call from that number prefers the agent who handled the email", async () => {
    const mail = (await contact('email', REFS[0], NUMBERS[0]).expect(201)).body;
    const emailAgent = await serve(mail.id);
    // The other two agents have been idle longer; the caller's previous agent wins all the same.
    const { callId, agentId } = await call(NUMBERS[0]);
    expect(agentId).toBe(emailAgent);
    const why = await explanation(callId);
    expect(why.rule).toBe('previous-agent');
    expect(why.previousAgent).toMatchObject({ agentId: emailAgent, applied: true });
    expect(await customersOf(REFS[0], NUMBERS[0])).toEqual([{ id: expect.any(String), ref: REFS[0], phone: NUMBERS[0], lastAgentId: emailAgent }]);
  });

  it("and the other way round: a caller who then chats with the number is offered the call's agent", async () => {
    const { agentId: callAgent } = await call(NUMBERS[1]);
    const chat = (await contact('chat', REFS[1], NUMBERS[1]).expect(201)).body;
    expect(chat.agentId).toBe(callAgent);
    expect((await explanation(chat.id)).previousAgent).toMatchObject({ agentId: callAgent, applied: true });
    // The caller's customer took the reference: one row, the call's and the chat's.
    const [customer] = await customersOf(REFS[1], NUMBERS[1]);
    expect(await customersOf(REFS[1], NUMBERS[1])).toEqual([{ id: customer.id, ref: REFS[1], phone: NUMBERS[1], lastAgentId: callAgent }]);
    expect(await db.query(`SELECT DISTINCT customer_id AS id FROM contacts WHERE id = $1 OR call_id = $2`, [chat.id, `cx-call-${calls}`])).toEqual([{ id: customer.id }]);
    await serve(chat.id);
  });

  it('the CRM merges two existing customers: the caller\'s contacts move to the reference\'s customer, the more recent agent is preferred, the other row goes', async () => {
    const mail = (await contact('email', REFS[2]).expect(201)).body;
    const emailAgent = await serve(mail.id);
    const { callId, agentId: callAgent } = await call(NUMBERS[2]);
    expect(callAgent).not.toBe(emailAgent);
    const before = await customersOf(REFS[2], NUMBERS[2]);
    expect(before).toHaveLength(2);
    const reference = before.find((c: { ref: string | null }) => c.ref === REFS[2]);

    const linked = await link(REFS[2], NUMBERS[2]).expect(200);
    expect(linked.body).toEqual({ customerId: reference.id, outcome: 'merged' });
    expect(await customersOf(REFS[2], NUMBERS[2])).toEqual([{ id: reference.id, ref: REFS[2], phone: NUMBERS[2], lastAgentId: callAgent }]);
    expect(await db.query(`SELECT DISTINCT customer_id AS id FROM contacts WHERE id = $1 OR call_id = $2`, [mail.id, callId])).toEqual([{ id: reference.id }]);
    // Idempotent.
    expect((await link(REFS[2], NUMBERS[2]).expect(200)).body).toEqual({ customerId: reference.id, outcome: 'unchanged' });

    // The next email of the reference prefers the agent of the (more recent) call.
    const again = (await contact('email', REFS[2]).expect(201)).body;
    expect(again.agentId).toBe(callAgent);
    expect((await explanation(again.id)).rule).toBe('previous-agent');
    await serve(again.id);
  });

  it('refuses a number that could never match a caller with a 422 naming the field and the rule, without repeating it', async () => {
    // Spaces and dashes are only a spelling (routing-phone-numbers.spec.ts); letters, a misplaced + or too few or many digits are no number.
    for (const phoneNumber of ['040 123 456x', 'anonymous', '', '+358+40555', '12', '1'.repeat(21), 'sip:+358405550199@pbx.example.com', 358405550199]) {
      const res = await contact('chat', 'web-cx-bad', phoneNumber as string).expect(422);
      expect(res.body).toMatchObject({ code: 'validation.failed', errors: [{ field: 'phoneNumber', rule: 'phoneNumber' }] });
      if (phoneNumber !== '') expect(JSON.stringify(res.body)).not.toContain(String(phoneNumber));
      const put = await link('web-cx-bad', phoneNumber).expect(422);
      expect(put.body.errors).toEqual([expect.objectContaining({ field: 'phoneNumber', rule: 'phoneNumber' })]);
    }
    expect((await t.http.put('/v1/customers/web-cx-bad/phone-number').set(...tel).send({}).expect(422)).body.errors).toEqual([expect.objectContaining({ field: 'phoneNumber', rule: 'required' })]);
    expect((await link('x'.repeat(201), NUMBERS[5]).expect(422)).body.errors).toEqual([expect.objectContaining({ field: 'customerRef', rule: 'length' })]);
    // Nothing was stored for the refused requests.
    expect(await db.query(`SELECT count(*)::int AS n FROM customers WHERE external_ref = 'web-cx-bad'`)).toEqual([{ n: 0 }]);
    await t.http.put(`/v1/customers/${REFS[4]}/phone-number`).set(...bearer(await t.keyFor('agent'))).send({ phoneNumber: NUMBERS[5] }).expect(403);
  });

  it('requests linking the same pair at once make one customer, with no error: existing customers merged once, a new pair created once', async () => {
    const mail = (await contact('email', REFS[3]).expect(201)).body;
    await serve(mail.id);
    const { callId } = await call(NUMBERS[4]);
    const answers = await Promise.all([
      ...[0, 1, 2, 3, 4].map(() => link(REFS[3], NUMBERS[4])),
      ...[0, 1, 2].map(() => contact('email', REFS[3], NUMBERS[4])),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 201, 201, 201]);
    const [one, ...none] = await customersOf(REFS[3], NUMBERS[4]);
    expect(none).toEqual([]);
    expect(one).toMatchObject({ ref: REFS[3], phone: NUMBERS[4] });
    expect(answers.slice(0, 5).map((r) => r.body.customerId)).toEqual(Array(5).fill(one.id));
    expect(answers.slice(0, 5).filter((r) => r.body.outcome === 'merged').length).toBeLessThanOrEqual(1);
    const emails = answers.slice(5).map((r) => r.body.id);
    expect(await db.query(`SELECT DISTINCT customer_id AS id FROM contacts WHERE id = ANY($1::uuid[]) OR call_id = $2`, [[mail.id, ...emails], callId])).toEqual([{ id: one.id }]);
    for (const id of emails) {
      const c = (await t.http.get(`/v1/contacts/${id}`).set(...sup).expect(200)).body;
      if (c.status === 'offered') await serve(id);
    }

    const fresh = await Promise.all([0, 1, 2, 3, 4, 5].map(() => link(REFS[4], NUMBERS[5])));
    expect(fresh.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(fresh.map((r) => r.body.outcome).sort()).toEqual(['created', 'unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(await customersOf(REFS[4], NUMBERS[5])).toEqual([{ id: fresh[0].body.customerId, ref: REFS[4], phone: NUMBERS[5], lastAgentId: null }]);
  });

  it('erasing a linked customer erases the number too (a call from it starts a new customer with no previous agent), retention forgets linked customers, and no number or reference is ever logged', async () => {
    const [before] = await customersOf(REFS[0], NUMBERS[0]);
    const erased = await t.http.post(`/v1/customers/${REFS[0]}/erasure`).set(...admin).expect(200);
    expect(erased.body).toMatchObject({ customerId: before.id, customers: 1 });
    expect(await db.query(`SELECT phone_number AS phone, external_ref AS ref FROM customers WHERE id = $1`, [before.id])).toEqual([{ phone: null, ref: `erased:${before.id}` }]);
    const { callId } = await call(NUMBERS[0]);
    const why = await explanation(callId);
    expect(why.previousAgent).toBeNull();
    const [after] = await db.query(`SELECT customer_id AS id FROM contacts WHERE call_id = $1`, [callId]);
    expect(after.id).not.toBe(before.id);

    // The retention job forgets linked customers as any other, the one the CRM made without a contact included.
    const retention = await t.app.get(ApplyPersonalDataRetention).execute(new Date(Date.now() + 366 * 86_400_000));
    expect(retention).toMatchObject({ ran: true });
    expect(await db.query(`SELECT count(*)::int AS n FROM customers WHERE phone_number = ANY($1::text[]) OR external_ref = ANY($2::text[])`, [[...NUMBERS], [...REFS]])).toEqual([{ n: 0 }]);
    const { callId: afterRetention } = await call(NUMBERS[2]);
    expect((await explanation(afterRetention)).previousAgent).toBeNull();

    const text = logs.join('');
    expect(text).toContain('customer phone number linked');
    for (const secret of [...NUMBERS, ...REFS, 'Matti']) expect({ secret, logged: text.includes(secret) }).toEqual({ secret, logged: false });
  });
});
