/**
 * One customer whatever the spelling of their number: the SIP trunk presents `+358401234567`, the
 * IVR takes `0401234567` keyed in by a caller whose number is withheld, the CRM and the data
 * protection officer type `040 123 4567`. Every number a request stores or looks a customer up by
 * is brought to one form first (libs/core normalisePhoneNumber; national numbers in Finland, the
 * default PHONE_DEFAULT_COUNTRY_CODE), so the previous-agent preference, repeat contacts and erasure
 * by number see one customer. On both routing engines (the jest project `routing-memory` runs this
 * again with ROUTING_ENGINE=memory).
 */
import { callBody, eventBody, startRoutingTestApp, type RoutingTestApp } from '../routing/routing-world.js';
import { bearer } from '../support/test-app.js';

describe('routing: one customer whatever the spelling of their number', () => {
  let r: RoutingTestApp;
  let first: string;
  let other: string;

  beforeAll(async () => {
    r = await startRoutingTestApp(2);
    // No wrap-up; the previous agent preferred for a wait far longer than the test takes.
    await r.t.http.put(`/v1/queues/${r.w.phoneQueueId}/routing-settings`).set(...r.sup).send({ wrapUpSeconds: 0, meanHandleSeconds: 300, previousAgentPreferenceSeconds: 3600 }).expect(200);
  });
  afterAll(() => r.t.close());

  const decide = async (callId: string, callerId: string) => (await r.t.http.post('/v1/routing/decisions').set(...r.tel).send(callBody(callId, { callerId })).expect(200)).body;
  const event = (name: string, callId: string, extra: Record<string, unknown> = {}) => r.t.http.post('/v1/routing/events').set(...r.tel).send(eventBody(name, callId, extra)).expect(200);
  const state = (agentId: string, body: Record<string, unknown>) => r.t.http.put(`/v1/agents/${agentId}/state`).set(...r.sup).send(body).expect(200);
  const contact = async (idOrCallId: string) => (await r.t.http.get(`/v1/contacts/${idOrCallId}`).set(...r.sup).expect(200)).body;
  const customerOf = async (callId: string): Promise<string | null> => (await r.db.query(`SELECT customer_id AS id FROM contacts WHERE call_id = $1`, [callId]))[0].id;
  const customersWith = async (...numbers: string[]) =>
    (await r.db.query(`SELECT id, phone_number AS phone FROM customers WHERE phone_number = ANY($1::text[]) ORDER BY id`, [numbers])) as { id: string; phone: string }[];
  /** A call from `callerId` answered by the agent it was offered to and ended; that agent. */
  const servedCall = async (callId: string, callerId: string): Promise<string> => {
    const d = await decide(callId, callerId);
    expect(d.decision).toBe('agent');
    await event('answered', callId, { decisionId: d.decisionId, agentId: d.agentId });
    await event('ended', callId, { decisionId: d.decisionId, agentId: d.agentId, leg: 'agent', hangupBy: 'caller', durationSec: 30 });
    return d.agentId;
  };

  it('takes a callback keyed in as 0401234567 after a call from +358401234567 for that caller: one customer, its previous agent preferred', async () => {
    first = await servedCall('pn-sip-1', '+358401234567');
    other = r.w.agentIds.find((a) => a !== first)!;
    // The same person calls again with the number withheld; nobody is free, so the IVR offers a callback and asks for the number.
    for (const a of r.w.agentIds) await state(a, { state: 'break', reason: 'meeting' });
    expect(await decide('pn-withheld-1', 'anonymous')).toMatchObject({ decision: 'queue' });
    await r.t.http.post('/v1/routing/callbacks').set(...r.tel).send({ callId: 'pn-withheld-1', callbackNumber: '0401234567' }).expect(200);

    expect(await customersWith('0401234567', '+358401234567')).toEqual([{ id: await customerOf('pn-sip-1'), phone: '+358401234567' }]);
    expect(await customerOf('pn-withheld-1')).toBe(await customerOf('pn-sip-1'));
    const [{ previousAgentId }] = await r.db.query(`SELECT previous_agent_id AS "previousAgentId" FROM contacts WHERE call_id = 'pn-withheld-1'`);
    expect(previousAgentId).toBe(first);
    expect(await contact('pn-withheld-1')).toMatchObject({ kind: 'callback', status: 'queued', callbackNumber: '+358401234567' });

    // The agent who served the first call comes back: the callback is theirs, their preference applied.
    await state(first, { state: 'available' });
    expect(await contact('pn-withheld-1')).toMatchObject({ status: 'offered', agentId: first });
    const offer = (await r.t.http.get(`/v1/agents/${first}/offers`).set(...r.sup).expect(200)).body.find((o: { kind: string }) => o.kind === 'callback');
    expect(offer).toMatchObject({ callbackNumber: '+358401234567' });
    await r.t.http.post(`/v1/agents/${first}/offers/${offer.offerId}/accept`).set(...bearer(r.t.adminKey)).expect(200);
    await r.t.http.post(`/v1/agents/${first}/contacts/${offer.contactId}/complete`).set(...bearer(r.t.adminKey)).send({ wrapUpSeconds: 0 }).expect(200);
  });

  it('finds the same customer for a callerId in national form, with spaces or with 00, and prefers its previous agent over an agent idle for longer', async () => {
    // The other agent is idle longest: without the preference it would get each call.
    await state(other, { state: 'available' });
    await state(first, { state: 'break', reason: 'coffee' });
    await state(first, { state: 'available' });
    for (const [i, callerId] of ['0401234567', '040 123 4567', '00358401234567', '+358 (0)40 123 4567'].entries()) {
      const d = await decide(`pn-spelt-${i}`, callerId);
      expect([callerId, d.agentId]).toEqual([callerId, first]);
      const why = (await r.t.http.get(`/v1/contacts/pn-spelt-${i}/explanation`).set(...r.sup).expect(200)).body;
      expect(why).toMatchObject({ rule: 'previous-agent', previousAgent: { agentId: first, applied: true } });
      expect(await customerOf(`pn-spelt-${i}`)).toBe(await customerOf('pn-sip-1'));
      await event('abandoned', `pn-spelt-${i}`, { hangupBy: 'caller' });
    }
    expect(await customersWith('0401234567', '040 123 4567', '00358401234567', '+358401234567')).toHaveLength(1);
  });

  it('links the CRM\'s and a gateway\'s number in any spelling to the customer of the calls from it', async () => {
    await servedCall('pn-sip-2', '+358407654321');
    const caller = await customerOf('pn-sip-2');
    const linked = await r.t.http.put('/v1/customers/web-pn-1/phone-number').set(...r.tel).send({ phoneNumber: '+358 (0)40 765 4321' }).expect(200);
    expect(linked.body).toEqual({ customerId: caller, outcome: 'linked' });
    const chat = await r.t.http.post('/v1/contacts').set(...r.tel).send({ channel: 'chat', queueId: r.w.chatQueueId, customerRef: 'web-pn-2', language: 'fi', phoneNumber: '040-765 43 21' }).expect(201);
    // Another reference, the same number: the number moves to it (two references are never merged), still one row holds it.
    expect(await customersWith('+358407654321', '0407654321', '040-765 43 21')).toEqual([{ id: (await r.db.query(`SELECT customer_id AS id FROM contacts WHERE id = $1`, [chat.body.id]))[0].id, phone: '+358407654321' }]);
  });

  it('erases the customer of +358401234567 named by 040 123 4567; a later call from the number is a new customer', async () => {
    const customerId = await customerOf('pn-sip-1');
    const erased = await r.t.http.post('/v1/customers/erasure').set(...bearer(r.t.adminKey)).send({ phoneNumber: '040 123 4567' }).expect(200);
    expect(erased.body).toMatchObject({ customerId, customers: 1 });
    expect(await r.db.query(`SELECT phone_number AS phone FROM customers WHERE id = $1`, [customerId])).toEqual([{ phone: null }]);
    expect(JSON.stringify(erased.body)).not.toMatch(/401234567/);
    await r.t.http.post('/v1/customers/erasure').set(...bearer(r.t.adminKey)).send({ phoneNumber: '00358401234567' }).expect(404);
    const d = await decide('pn-after-erasure', '0401234567');
    expect(await customerOf('pn-after-erasure')).not.toBe(customerId);
    if (d.decision === 'agent') await event('abandoned', 'pn-after-erasure', { hangupBy: 'caller' });
  });
});
