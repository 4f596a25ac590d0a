/**
 * Call draining through the API, on both routing engines (the jest project routing-memory runs it
 * again with ROUTING_ENGINE=memory). A call never shares an agent with a chat, so while every agent
 * who could take a waiting call held a chat and new chats kept arriving, those agents kept getting
 * the chats and the call waited for ever. Once the call has waited past its queue's blending
 * threshold (phone: 10 s by default), an agent who could take it gets no new chat; an agent who
 * could not (here one without phone capacity) still does; when an eligible agent's chats have
 * ended, the call is offered to it.
 */
import { bearer } from '../support/test-app.js';
import { callBody, eventBody, startRoutingTestApp, type RoutingTestApp } from './routing-world.js';

describe('routing: a waiting call is not starved by new chats (call draining)', () => {
  let r: RoutingTestApp;
  let chatOnly: string;
  const keys = new Map<string, [string, string]>();

  beforeAll(async () => {
    r = await startRoutingTestApp(2);
    // Logs in later: an agent who takes chats but no calls.
    chatOnly = (
      await r.t.http
        .post('/v1/agents')
        .set(...bearer(r.t.adminKey))
        .send({ employeeNumber: 'D001', displayName: 'Chat only', departmentId: r.w.departmentId, capacity: { phone: 0, chat: 2, email: 0 }, skills: [{ skill: 'lang:fi', proficiency: 5 }] })
        .expect(201)
    ).body.id;
  });
  afterAll(() => r.t.close());

  const desk = async (agentId: string): Promise<[string, string]> => {
    if (!keys.has(agentId)) keys.set(agentId, bearer((await r.t.http.post(`/v1/agents/${agentId}/api-keys`).set(...bearer(r.t.adminKey)).send({ name: 'desk' }).expect(201)).body.key));
    return keys.get(agentId)!;
  };
  const chat = async (ref: string) =>
    (await r.t.http.post('/v1/contacts').set(...r.tel).send({ channel: 'chat', queueId: r.w.chatQueueId, customerRef: ref, language: 'fi' }).expect(201)).body as {
      id: string;
      agentId: string | null;
      status: string;
    };
  const accept = async (agentId: string, contactId: string) => {
    const offers = (await r.t.http.get(`/v1/agents/${agentId}/offers`).set(...r.sup).expect(200)).body as { offerId: string; contactId: string; status: string }[];
    const offer = offers.find((o) => o.contactId === contactId && o.status === 'offered')!;
    await r.t.http.post(`/v1/agents/${agentId}/offers/${offer.offerId}/accept`).set(...(await desk(agentId))).expect(200);
  };
  const complete = async (agentId: string, contactId: string) =>
    r.t.http.post(`/v1/agents/${agentId}/contacts/${contactId}/complete`).set(...(await desk(agentId))).send({ wrapUpSeconds: 0 }).expect(200);
  const contact = async (id: string) => (await r.t.http.get(`/v1/contacts/${id}`).set(...r.sup).expect(200)).body as { id: string; status: string; agentId: string | null };
  const explanation = async (id: string) => (await r.t.http.get(`/v1/contacts/${id}/explanation`).set(...r.sup).expect(200)).body;

  it('holds new chats back from the agents who could take the late call, not from the others, and offers the call to the first whose chats end', async () => {
    const [a1, a2] = r.w.agentIds;
    // Each agent takes a chat.
    const first = await chat('drain-1');
    const second = await chat('drain-2');
    expect(new Set([first.agentId, second.agentId])).toEqual(new Set([a1, a2]));
    await accept(first.agentId!, first.id);
    await accept(second.agentId!, second.id);

    // Both agents hold a chat: the call waits.
    const decision = (await r.t.http.post('/v1/routing/decisions').set(...r.tel).send(callBody('drain-call')).expect(200)).body;
    expect(decision).toMatchObject({ decision: 'queue', position: 1 });
    const call = await contact('drain-call');

    // 5 s into the call's wait (threshold 10 s) a new chat is routed as before: to the agent with a chat of two.
    r.time.offsetMs = 5_000;
    const early = await chat('drain-3');
    expect(early.status).toBe('offered');
    const full = early.agentId!;
    const other = full === a1 ? a2 : a1;
    const otherChat = other === first.agentId ? first : second;
    await accept(full, early.id);

    // 15 s: the call is past its threshold. A new chat goes to neither: one agent is full, the other is kept free for the call.
    r.time.offsetMs = 15_000;
    const held = await chat('drain-4');
    expect(held).toMatchObject({ status: 'queued', agentId: null });
    const why = await explanation(held.id);
    expect(why).toMatchObject({ rule: 'no-eligible-agent', skippedByReason: { 'call-draining': 1, 'no-capacity': 1 } });
    expect(why.skippedAgents).toContainEqual({
      agentId: other,
      reason: 'call-draining',
      detail: expect.stringMatching(new RegExp(`^kept free for phone contact ${call.id} waiting 1[5-9] s \\(1 chat in hand to finish first\\)$`)),
    });

    // An agent who could not take the call logs in: it is offered the waiting chat, and gets the next new one too.
    await r.t.http.put(`/v1/agents/${chatOnly}/state`).set(...r.sup).send({ state: 'available' }).expect(200);
    expect(await contact(held.id)).toMatchObject({ status: 'offered', agentId: chatOnly });
    await accept(chatOnly, held.id);
    const next = await chat('drain-5');
    expect(next).toMatchObject({ status: 'offered', agentId: chatOnly });
    await accept(chatOnly, next.id);
    // Now every agent is full or drained: the next chat waits.
    const waiting = await chat('drain-6');
    expect(waiting.status).toBe('queued');

    // The full agent finishes one of its two chats: it could take the call once the other ends, so it gets no new chat.
    r.time.offsetMs = 20_000;
    await complete(full, early.id);
    expect(await contact(waiting.id)).toMatchObject({ status: 'queued', agentId: null });

    // The drained agent finishes its only chat: the call is offered to it.
    r.time.offsetMs = 25_000;
    await complete(other, otherChat.id);
    expect(await contact(call.id)).toMatchObject({ status: 'offered', agentId: other });
    expect(await explanation(call.id)).toMatchObject({ rule: 'highest-priority', eligibleAgentIds: [other] });
    const polled = (await r.t.http.get('/v1/routing/decisions/drain-call?waitSeconds=0').set(...r.tel).expect(200)).body;
    expect(polled).toMatchObject({ decision: 'agent', agentId: other });
    await r.t.http.post('/v1/routing/events').set(...r.tel).send(eventBody('answered', 'drain-call', { agentId: other })).expect(200);

    // The call is placed: nothing holds the other agent back any more, and the sweep offers it the waiting chat.
    await r.engine.sweep();
    expect(await contact(waiting.id)).toMatchObject({ status: 'offered', agentId: full });
  });
});
