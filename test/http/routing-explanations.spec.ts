/**
 * What GET /v1/contacts/{id}/explanation says after a transfer and after a re-offer to an agent who
 * turned a contact down (a routing audit found it stale or mislabelled), on both engines.
 */
import { bearer, type TestApp } from '../support/test-app.js';
import { addChatQueue, startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

describe('routing: explanations after transfers and re-offers', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let time: { offsetMs: number };
  const keys = new Map<string, [string, string]>();

  beforeAll(async () => {
    ({ t, w, tel, sup, time } = await startRoutingTestApp(3));
  });
  afterAll(() => t.close());
  afterEach(() => {
    time.offsetMs = 0;
  });

  const desk = async (agentId: string): Promise<[string, string]> => {
    if (!keys.has(agentId)) keys.set(agentId, bearer((await t.http.post(`/v1/agents/${agentId}/api-keys`).set(...bearer(t.adminKey)).send({ name: 'desk' }).expect(201)).body.key));
    return keys.get(agentId)!;
  };
  const setState = (agentId: string, state: string) => t.http.put(`/v1/agents/${agentId}/state`).set(...sup).send({ state }).expect(200);
  const only = async (...available: string[]) => {
    for (const id of w.agentIds) await setState(id, available.includes(id) ? 'available' : 'offline');
  };
  const offerOf = async (agentId: string, contactId: string) =>
    ((await t.http.get(`/v1/agents/${agentId}/offers`).set(...sup).expect(200)).body as { offerId: string; contactId: string; status: string }[]).find((o) => o.contactId === contactId && o.status === 'offered')!;
  const accept = async (agentId: string, contactId: string) =>
    t.http.post(`/v1/agents/${agentId}/offers/${(await offerOf(agentId, contactId)).offerId}/accept`).set(...(await desk(agentId))).expect(200);
  const complete = async (agentId: string, contactId: string) =>
    t.http.post(`/v1/agents/${agentId}/contacts/${contactId}/complete`).set(...(await desk(agentId))).send({ wrapUpSeconds: 0 }).expect(200);
  const chat = async (ref: string, queueId = w.chatQueueId) =>
    (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId, customerRef: ref, language: 'fi' }).expect(201)).body as { id: string; agentId: string | null; status: string };
  const explain = async (contactId: string) => (await t.http.get(`/v1/contacts/${contactId}/explanation`).set(...sup).expect(200)).body;

  it('after a transfer to an agent, explains the transfer, with the routing that brought it to the sender before it', async () => {
    const [y, y2] = w.agentIds;
    await only(y);
    const c = await chat('expl-transfer-agent');
    expect(c.agentId).toBe(y);
    await accept(y, c.id);
    await setState(y2, 'available');
    await t.http.post(`/v1/agents/${y}/contacts/${c.id}/transfer`).set(...(await desk(y))).send({ agentId: y2 }).expect(200);
    await accept(y2, c.id);
    const why = await explain(c.id);
    expect(why).toMatchObject({ status: 'connected', rule: 'transfer', transferredBy: y, eligibleAgentIds: [y2], skippedAgents: [], skippedContacts: [] });
    expect(why.summary).toBe(`contact ${c.id} transferred by agent ${y} → agent ${y2}`);
    expect(why.earlierDecisions).toEqual([{ decidedAt: expect.any(String), rule: 'only-eligible', summary: expect.stringContaining(`agent ${y}`) }]);
    await complete(y2, c.id);
  });

  it('after a transfer to a queue, explains the routing there, then the transfer, then the first routing; the sender is excluded as its sender', async () => {
    const [y, y2] = w.agentIds;
    await only(y);
    const second = await addChatQueue(t, w, 'chat-fi-expl', 'chat fi (explanations)');
    const c = await chat('expl-transfer-queue');
    await accept(y, c.id);
    await t.http.post(`/v1/agents/${y}/contacts/${c.id}/transfer`).set(...(await desk(y))).send({ queueId: second }).expect(200);
    // Nobody else is logged in: the contact waits, and y is named as the agent who sent it here.
    const waiting = await explain(c.id);
    expect(waiting).toMatchObject({ status: 'queued', rule: 'no-eligible-agent', transferredBy: y });
    expect(waiting.skippedAgents).toEqual([{ agentId: y, reason: 'excluded', detail: 'transferred this contact to the queue; it is not offered back to them' }]);
    expect(waiting.earlierDecisions.map((d: { rule: string }) => d.rule)).toEqual(['transfer', 'only-eligible']);
    expect(waiting.earlierDecisions[0].summary).toBe(`contact ${c.id} transferred by agent ${y} → queue ${second}`);
    // y2 comes free and takes it: the explanation is that offer, the transfer and the first routing before it.
    await setState(y2, 'available');
    await accept(y2, c.id);
    const taken = await explain(c.id);
    expect(taken).toMatchObject({ status: 'connected', rule: 'highest-priority', eligibleAgentIds: [y2], transferredBy: y });
    expect(taken.earlierDecisions.map((d: { rule: string }) => d.rule)).toEqual(['transfer', 'only-eligible']);
    await complete(y2, c.id);
  });

  it('a contact re-offered past its target to the agent who turned it down is explained as declined-before, without itself among the skipped', async () => {
    const [a] = w.agentIds;
    await only(a);
    const c = await chat('expl-declined');
    expect(c.agentId).toBe(a);
    await t.http.post(`/v1/agents/${a}/offers/${(await offerOf(a, c.id)).offerId}/reject`).set(...(await desk(a))).expect(204);
    // Past the chat target (60 s) and nobody else free: the agent, declaring itself available again, is offered it.
    time.offsetMs = 90_000;
    await setState(a, 'available');
    const why = await explain(c.id);
    expect(why).toMatchObject({ status: 'offered', rule: 'declined-before', eligibleAgentIds: [a], skippedContacts: [] });
    const reserved = why.timeline.filter((e: { type: string }) => e.type === 'reserved');
    expect(reserved.at(-1).detail).toMatchObject({ rule: 'declined-before' });
    await accept(a, c.id);
    await complete(a, c.id);
  });
});
