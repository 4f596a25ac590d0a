import { bearer } from '../support/test-app.js';
import { callBody, eventBody, startRoutingTestApp, type RoutingTestApp } from '../routing/routing-world.js';

/**
 * For phone calls the telephony system, which sees the line, says when a call is answered and when
 * it ends; the agent desk does not override it. A callback — its caller hung up, the agent calls
 * back — stays the desk's to accept and complete.
 */
describe('routing: the agent desk and phone calls', () => {
  let r: RoutingTestApp;
  const keys = new Map<string, [string, string]>();
  const desk = (agentId: string) => keys.get(agentId)!;
  const decide = async (callId: string, callerId: string) => (await r.t.http.post('/v1/routing/decisions').set(...r.tel).send(callBody(callId, { callerId })).expect(200)).body;
  const event = async (name: string, callId: string, extra: Record<string, unknown> = {}) =>
    (await r.t.http.post('/v1/routing/events').set(...r.tel).send(eventBody(name, callId, extra)).expect(200)).body as { applied: boolean; detail: string };
  const contact = async (callId: string) => (await r.t.http.get(`/v1/contacts/${callId}`).set(...r.sup).expect(200)).body;
  const agentState = async (agentId: string) => (await r.t.http.get(`/v1/agents/${agentId}/state`).set(...r.sup).expect(200)).body.state as string;

  beforeAll(async () => {
    r = await startRoutingTestApp(2);
    for (const a of r.w.agentIds) keys.set(a, bearer((await r.t.http.post(`/v1/agents/${a}/api-keys`).set(...bearer(r.t.adminKey)).send({ name: 'desk' }).expect(201)).body.key));
  });
  afterAll(() => r.t.close());

  it('refuses a desk accept of a ringing call (409): the call stays ringing, and a later rejected sends the caller to the next agent', async () => {
    const d = await decide('desk-1', '+358401111111');
    expect(d.decision).toBe('agent');
    const res = await r.t.http.post(`/v1/agents/${d.agentId}/offers/${d.decisionId}/accept`).set(...desk(d.agentId)).expect(409);
    expect(res.body).toMatchObject({
      status: 409,
      code: 'offer.answer_on_phone',
      detail: `offer ${d.decisionId} is a phone call: it is accepted by answering it on the phone (the telephony system reports the answer)`,
    });
    expect(await contact('desk-1')).toMatchObject({ status: 'offered', answeredAt: null });
    expect(await agentState(d.agentId)).toBe('reserved');
    expect(await event('rejected', 'desk-1', { decisionId: d.decisionId, agentId: d.agentId, leg: 'agent', sipCode: 486 })).toEqual({ applied: true, detail: 'agent not-responding, contact re-routed' });
    const next = (await r.t.http.get('/v1/routing/decisions/desk-1').set(...r.tel).expect(200)).body;
    expect(next).toMatchObject({ decision: 'agent', agentId: r.w.agentIds.find((a) => a !== d.agentId) });
    expect((await contact('desk-1')).timeline.map((e: { type: string }) => e.type)).toEqual(['queued', 'reserved', 'offered', 'rejected', 'requeued', 'reserved', 'offered']);
    await r.t.http.put(`/v1/agents/${d.agentId}/state`).set(...desk(d.agentId)).send({ state: 'available' }).expect(200);
  });

  it('refuses a desk complete of a call in progress (409): the agent gets no next call until the telephony reports the end', async () => {
    const live = (await r.t.http.get('/v1/routing/decisions/desk-1').set(...r.tel).expect(200)).body;
    const agent = live.agentId as string;
    expect(await event('answered', 'desk-1', { decisionId: live.decisionId, agentId: agent, leg: 'agent' })).toEqual({ applied: true, detail: 'agent busy' });
    const c = await contact('desk-1');
    const res = await r.t.http.post(`/v1/agents/${agent}/contacts/${c.id}/complete`).set(...desk(agent)).send({ wrapUpSeconds: 0 }).expect(409);
    expect(res.body).toMatchObject({ status: 409, code: 'contact.call_in_progress', detail: `contact ${c.id} is a phone call in progress: it ends when the telephony system reports the call ended` });
    expect(await agentState(agent)).toBe('busy');
    // The other agent takes the next call; the third waits for the agent still on the line.
    const other = await decide('desk-2', '+358402222222');
    expect(other).toMatchObject({ decision: 'agent' });
    expect(other.agentId).not.toBe(agent);
    expect((await decide('desk-3', '+358403333333')).decision).toBe('queue');
    expect(await event('ended', 'desk-1', { decisionId: live.decisionId, agentId: agent, leg: 'agent', hangupBy: 'caller', durationSec: 40 })).toEqual({ applied: true, detail: 'agent in wrap-up' });
    expect(await contact('desk-1')).toMatchObject({ status: 'ended' });
    expect(await agentState(agent)).toBe('wrap-up');
    // The call is over: complete has nothing in hand (as before); the agent ends its wrap-up by declaring itself available.
    expect((await r.t.http.post(`/v1/agents/${agent}/contacts/${c.id}/complete`).set(...desk(agent)).send({ wrapUpSeconds: 0 }).expect(409)).body.code).toBe('contact.not_in_hand');
    await r.t.http.put(`/v1/agents/${agent}/state`).set(...desk(agent)).send({ state: 'available' }).expect(200);
    expect((await r.t.http.get('/v1/routing/decisions/desk-3').set(...r.tel).expect(200)).body).toMatchObject({ decision: 'agent', agentId: agent });
    await event('abandoned', 'desk-3', { hangupBy: 'caller' });
    await event('abandoned', 'desk-2', { hangupBy: 'caller' });
  });

  it('lets the desk accept and complete a callback: its caller hung up and the agent calls back', async () => {
    const [a, b] = r.w.agentIds;
    for (const id of [a, b]) await r.t.http.put(`/v1/agents/${id}/state`).set(...desk(id)).send({ state: 'break', reason: 'coffee' }).expect(200);
    expect((await decide('desk-cb', '+358404444444')).decision).toBe('queue');
    await r.t.http.post('/v1/routing/callbacks').set(...r.tel).send({ callId: 'desk-cb' }).expect(200);
    await r.t.http.put(`/v1/agents/${a}/state`).set(...desk(a)).send({ state: 'available' }).expect(200);
    const offer = (await r.t.http.get(`/v1/agents/${a}/offers`).set(...desk(a)).expect(200)).body.find((o: { status: string }) => o.status === 'offered');
    const c = await contact('desk-cb');
    expect(c).toMatchObject({ kind: 'callback', status: 'offered' });
    expect(offer).toMatchObject({ contactId: c.id });
    expect((await r.t.http.post(`/v1/agents/${a}/offers/${offer.offerId}/accept`).set(...desk(a)).expect(200)).body).toMatchObject({ status: 'connected' });
    expect((await r.t.http.post(`/v1/agents/${a}/contacts/${c.id}/complete`).set(...desk(a)).send({ wrapUpSeconds: 0 }).expect(200)).body).toMatchObject({ status: 'ended' });
    expect(await agentState(a)).toBe('available');
  });

  it('refuses a desk transfer of a call in progress (409): the PBX transfers calls; the call stays with its agent and ends answered', async () => {
    const [a, b] = r.w.agentIds;
    await r.t.http.put(`/v1/agents/${b}/state`).set(...desk(b)).send({ state: 'available' }).expect(200);
    const d = await decide('desk-tr', '+358405555555');
    expect(d.decision).toBe('agent');
    const other = d.agentId === a ? b : a;
    await event('answered', 'desk-tr', { decisionId: d.decisionId, agentId: d.agentId, leg: 'agent' });
    const c = await contact('desk-tr');
    for (const target of [{ agentId: other }, { queueId: r.w.phoneQueueId }]) {
      const res = await r.t.http.post(`/v1/agents/${d.agentId}/contacts/${c.id}/transfer`).set(...desk(d.agentId)).send(target).expect(409);
      expect(res.body).toMatchObject({
        status: 409,
        code: 'contact.transfer_on_phone',
        detail: `contact ${c.id} is a phone call: it is transferred on the phone (the telephony system transfers calls), not from the desk`,
      });
    }
    expect(await contact('desk-tr')).toMatchObject({ status: 'connected', agentId: d.agentId });
    expect(await agentState(d.agentId)).toBe('busy');
    expect(await agentState(other)).toBe('available');
    expect((await r.t.http.get(`/v1/agents/${other}/offers`).set(...desk(other)).expect(200)).body).toEqual([]);
    expect(await event('ended', 'desk-tr', { decisionId: d.decisionId, agentId: d.agentId, leg: 'agent', hangupBy: 'caller', durationSec: 40 })).toEqual({ applied: true, detail: 'agent in wrap-up' });
    const ended = await contact('desk-tr');
    expect(ended).toMatchObject({ status: 'ended' });
    expect(ended.answeredAt).not.toBeNull();
    expect(ended.timeline.map((e: { type: string }) => e.type)).toEqual(['queued', 'reserved', 'offered', 'accepted', 'answered', 'ended']);
    await r.t.http.put(`/v1/agents/${d.agentId}/state`).set(...desk(d.agentId)).send({ state: 'available' }).expect(200);
  });

  it('lets the desk transfer a callback to another agent, who accepts it', async () => {
    const [a, b] = r.w.agentIds;
    for (const id of [a, b]) await r.t.http.put(`/v1/agents/${id}/state`).set(...desk(id)).send({ state: 'break', reason: 'coffee' }).expect(200);
    expect((await decide('desk-cb-tr', '+358406666666')).decision).toBe('queue');
    await r.t.http.post('/v1/routing/callbacks').set(...r.tel).send({ callId: 'desk-cb-tr' }).expect(200);
    await r.t.http.put(`/v1/agents/${a}/state`).set(...desk(a)).send({ state: 'available' }).expect(200);
    const offer = (await r.t.http.get(`/v1/agents/${a}/offers`).set(...desk(a)).expect(200)).body.find((o: { status: string }) => o.status === 'offered');
    await r.t.http.post(`/v1/agents/${a}/offers/${offer.offerId}/accept`).set(...desk(a)).expect(200);
    await r.t.http.put(`/v1/agents/${b}/state`).set(...desk(b)).send({ state: 'available' }).expect(200);
    const moved = await r.t.http.post(`/v1/agents/${a}/contacts/${offer.contactId}/transfer`).set(...desk(a)).send({ agentId: b }).expect(200);
    expect(moved.body).toMatchObject({ status: 'offered', agentId: b });
    const toB = (await r.t.http.get(`/v1/agents/${b}/offers`).set(...desk(b)).expect(200)).body.find((o: { contactId: string }) => o.contactId === offer.contactId);
    expect((await r.t.http.post(`/v1/agents/${b}/offers/${toB.offerId}/accept`).set(...desk(b)).expect(200)).body).toMatchObject({ status: 'connected', agentId: b });
    expect((await r.t.http.post(`/v1/agents/${b}/contacts/${offer.contactId}/complete`).set(...desk(b)).send({ wrapUpSeconds: 0 }).expect(200)).body).toMatchObject({ status: 'ended' });
  });

  it('shows the number to call on a callback offer and contact, not on an inbound call, and none once the customer is erased', async () => {
    const [a, b] = r.w.agentIds;
    const offered = async (agentId: string) => (await r.t.http.get(`/v1/agents/${agentId}/offers`).set(...desk(agentId)).expect(200)).body.find((o: { status: string }) => o.status === 'offered');
    for (const id of [a, b]) await r.t.http.put(`/v1/agents/${id}/state`).set(...desk(id)).send({ state: 'break', reason: 'coffee' }).expect(200);
    expect((await decide('desk-cb-num', '+358407777777')).decision).toBe('queue');
    await r.t.http.post('/v1/routing/callbacks').set(...r.tel).send({ callId: 'desk-cb-num' }).expect(200);
    await r.t.http.put(`/v1/agents/${a}/state`).set(...desk(a)).send({ state: 'available' }).expect(200);
    const offer = await offered(a);
    expect(offer).toMatchObject({ kind: 'callback', customerRef: null, callbackNumber: '+358407777777' });
    expect(await contact('desk-cb-num')).toMatchObject({ kind: 'callback', callbackNumber: '+358407777777' });
    // An inbound call rings at the agent's phone: its offer and contact carry no number.
    await r.t.http.put(`/v1/agents/${b}/state`).set(...desk(b)).send({ state: 'available' }).expect(200);
    expect(await decide('desk-in-num', '+358408888888')).toMatchObject({ decision: 'agent', agentId: b });
    expect(await offered(b)).toMatchObject({ kind: 'inbound', callbackNumber: null });
    expect(await contact('desk-in-num')).toMatchObject({ kind: 'inbound', callbackNumber: null });
    await event('abandoned', 'desk-in-num', { hangupBy: 'caller' });
    // Erased on request: there is no number to show any more.
    const [{ customerId }] = (await r.db.query(`SELECT customer_id AS "customerId" FROM contacts WHERE call_id = 'desk-cb-num'`)) as { customerId: string }[];
    await r.t.http.post(`/v1/customers/${customerId}/erasure`).set(...bearer(r.t.adminKey)).expect(200);
    expect(await offered(a)).toMatchObject({ offerId: offer.offerId, callbackNumber: null });
    expect(await contact('desk-cb-num')).toMatchObject({ kind: 'callback', callbackNumber: null });
    await r.t.http.post(`/v1/agents/${a}/offers/${offer.offerId}/accept`).set(...desk(a)).expect(200);
    await r.t.http.post(`/v1/agents/${a}/contacts/${offer.contactId}/complete`).set(...desk(a)).send({ wrapUpSeconds: 0 }).expect(200);
  });
});
