import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

/**
 * The engine keeps the agents' static data (department, SIP URI, skills) in-process between
 * decisions: a change through the agents API must reach the very next decision. An audit found
 * (on both engines) that a change of capacities or of `active` did not reach the live agent: its
 * presence kept the capacities of its last login, so an agent whose chat capacity was lowered
 * from 3 to 1 while holding 2 chats was offered a third, and a deactivated agent could log in.
 */
describe('routing: agent changes reach the next decision', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let admin: [string, string];

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false });
    w = await buildRoutingWorld(t, 2, { suffix: 'chg' });
    tel = bearer(await t.keyFor('telephony'));
    admin = bearer(t.adminKey);
    for (const id of w.agentIds) await t.http.put(`/v1/agents/${id}/state`).set(...admin).send({ state: 'available' }).expect(200);
  });
  afterAll(() => t.close());

  const replaceAgent = async (id: string, change: Record<string, unknown>) => {
    const a = (await t.http.get(`/v1/agents/${id}`).set(...admin).expect(200)).body;
    const body = { employeeNumber: a.employeeNumber, displayName: a.displayName, departmentId: a.departmentId, phoneUri: a.phoneUri, capacity: a.capacity, skills: a.skills, active: a.active, ...change };
    await t.http.put(`/v1/agents/${id}`).set(...admin).send(body).expect(200);
  };
  const keys = new Map<string, [string, string]>();
  const desk = async (agentId: string): Promise<[string, string]> => {
    if (!keys.has(agentId)) keys.set(agentId, bearer((await t.http.post(`/v1/agents/${agentId}/api-keys`).set(...admin).send({ name: 'desk' }).expect(201)).body.key));
    return keys.get(agentId)!;
  };
  const presence = async (agentId: string) =>
    (await t.http.get(`/v1/agents/${agentId}/state`).set(...admin).expect(200)).body as { state: string; capacity: Record<string, number>; load: Record<string, number> };
  const offers = async (agentId: string) => (await t.http.get(`/v1/agents/${agentId}/offers`).set(...admin).expect(200)).body as { offerId: string; contactId: string; status: string }[];
  const chat = async (queueId: string, ref: string) =>
    (await t.http.post('/v1/contacts').set(...admin).send({ channel: 'chat', queueId, customerRef: ref, language: 'fi' }).expect(201)).body as { id: string; status: string; agentId: string | null };
  const contact = async (id: string) => (await t.http.get(`/v1/contacts/${id}`).set(...admin).expect(200)).body as { status: string; agentId: string | null };
  const accept = async (agentId: string, contactId: string) => {
    const offer = (await offers(agentId)).find((o) => o.contactId === contactId && o.status === 'offered')!;
    await t.http.post(`/v1/agents/${agentId}/offers/${offer.offerId}/accept`).set(...(await desk(agentId))).expect(200);
  };
  const complete = async (agentId: string, contactId: string) =>
    t.http.post(`/v1/agents/${agentId}/contacts/${contactId}/complete`).set(...(await desk(agentId))).send({ wrapUpSeconds: 0 }).expect(200);

  it('a new SIP URI and new skills apply to the next call', async () => {
    const [a, b] = w.agentIds;
    // A first decision reads (and keeps) both agents' static data.
    const first = await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('chg-1')).expect(200);
    expect(first.body.decision).toBe('agent');
    await t.http.post('/v1/routing/events').set(...tel).send(eventBody('abandoned', 'chg-1')).expect(200);

    await replaceAgent(a, { phoneUri: 'sip:moved-a@pbx.example.com' });
    await replaceAgent(b, { skills: [{ skill: 'lang:sv', proficiency: 5 }] });

    const second = await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('chg-2')).expect(200);
    expect(second.body).toMatchObject({ decision: 'agent', agentId: a, target: 'sip:moved-a@pbx.example.com' });
    const why = (await t.http.get('/v1/contacts/chg-2/explanation').set(...admin).expect(200)).body;
    expect(why.skippedAgents).toContainEqual(expect.objectContaining({ agentId: b }));
  });

  it('a lowered capacity applies to the live agent at once: it keeps what it holds and is offered nothing new until it is under the new capacity', async () => {
    const cw = await buildRoutingWorld(t, 1, { suffix: '-cap1', capacity: { phone: 1, chat: 3, email: 3 } });
    const [agent] = cw.agentIds;
    await t.http.put(`/v1/agents/${agent}/state`).set(...admin).send({ state: 'available' }).expect(200);
    const held = [await chat(cw.chatQueueId, 'cap-1'), await chat(cw.chatQueueId, 'cap-2')];
    expect(held.map((c) => c.agentId)).toEqual([agent, agent]);

    await replaceAgent(agent, { capacity: { phone: 1, chat: 1, email: 3 } });
    // The capacity in force: the new one, but never below the two chats it holds (they stay its).
    expect(await presence(agent)).toMatchObject({ capacity: { chat: 2 }, load: { chat: 2 } });
    const third = await chat(cw.chatQueueId, 'cap-3');
    expect(third).toMatchObject({ status: 'queued', agentId: null });
    expect((await offers(agent)).map((o) => o.contactId).sort()).toEqual(held.map((c) => c.id).sort());

    // One finished: one chat held against a capacity of one, still nothing new.
    await accept(agent, held[0].id);
    await complete(agent, held[0].id);
    expect(await presence(agent)).toMatchObject({ capacity: { chat: 1 }, load: { chat: 1 } });
    expect(await contact(third.id)).toMatchObject({ status: 'queued', agentId: null });

    // Under it: the waiting chat is offered.
    await accept(agent, held[1].id);
    await complete(agent, held[1].id);
    expect(await contact(third.id)).toMatchObject({ status: 'offered', agentId: agent });
    expect(await presence(agent)).toMatchObject({ capacity: { chat: 1 }, load: { chat: 1 } });

    // A raised capacity applies at once too: a chat waiting for room is offered without any other change.
    const fourth = await chat(cw.chatQueueId, 'cap-4');
    expect(fourth).toMatchObject({ status: 'queued', agentId: null });
    await replaceAgent(agent, { capacity: { phone: 1, chat: 2, email: 3 } });
    expect(await contact(fourth.id)).toMatchObject({ status: 'offered', agentId: agent });
    expect(await presence(agent)).toMatchObject({ capacity: { chat: 2 }, load: { chat: 2 } });
  });

  it('a deactivated agent keeps its contacts, gets no new ones, may not log in again, and shows its new capacity', async () => {
    const dw = await buildRoutingWorld(t, 1, { suffix: '-off2', capacity: { phone: 1, chat: 3, email: 3 } });
    const [agent] = dw.agentIds;
    await t.http.put(`/v1/agents/${agent}/state`).set(...admin).send({ state: 'available' }).expect(200);
    const held = await chat(dw.chatQueueId, 'off-1');
    expect(held.agentId).toBe(agent);
    await accept(agent, held.id);

    await replaceAgent(agent, { active: false, capacity: { phone: 1, chat: 2, email: 3 } });
    expect(await presence(agent)).toMatchObject({ state: 'busy', capacity: { chat: 2 }, load: { chat: 1 } });
    for (const body of [{ state: 'available' }, { state: 'break', reason: 'lunch' }]) {
      const refused = await t.http.put(`/v1/agents/${agent}/state`).set(...admin).send(body).expect(409);
      expect(refused.body).toMatchObject({ code: 'agent.inactive', detail: expect.stringMatching(/deactivated/) });
    }
    const waiting = await chat(dw.chatQueueId, 'off-2');
    expect(waiting).toMatchObject({ status: 'queued', agentId: null });
    // Its contact finished, it is offered nothing: the waiting chat stays queued.
    await complete(agent, held.id);
    expect(await contact(waiting.id)).toMatchObject({ status: 'queued', agentId: null });
    expect(await offers(agent)).toEqual([]);
    expect((await t.http.put(`/v1/agents/${agent}/state`).set(...admin).send({ state: 'offline' }).expect(200)).body).toMatchObject({ state: 'offline' });

    // Active again, it logs in and takes the waiting chat.
    await replaceAgent(agent, { active: true });
    await t.http.put(`/v1/agents/${agent}/state`).set(...admin).send({ state: 'available' }).expect(200);
    expect(await contact(waiting.id)).toMatchObject({ status: 'offered', agentId: agent });
  });
});
