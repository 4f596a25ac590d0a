/**
 * An agent's work through the agent desk, as a routing audit found it wanting (on both engines):
 * a ringing agent who re-declared available was shown as talking; deleting an agent with an offer
 * stranded the contact; a transfer to a queue was offered straight back to the transferring agent
 * and the queues' statistics counted it twice wrongly; a transfer to an agent who never logged in
 * and a repeated complete answered 404; an agent key could not read its own contact.
 */
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import type { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { bearer, type TestApp } from '../support/test-app.js';
import { addChatQueue, callBody, eventBody, startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

describe('routing: an agent’s work', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let time: { offsetMs: number };
  let engine: RoutingEngine;
  const keys = new Map<string, [string, string]>();

  beforeAll(async () => {
    ({ t, w, tel, sup, time, engine } = await startRoutingTestApp(3));
  });
  afterAll(() => t.close());

  const desk = async (agentId: string): Promise<[string, string]> => {
    if (!keys.has(agentId)) keys.set(agentId, bearer((await t.http.post(`/v1/agents/${agentId}/api-keys`).set(...bearer(t.adminKey)).send({ name: 'desk' }).expect(201)).body.key));
    return keys.get(agentId)!;
  };
  const presence = async (agentId: string) => (await t.http.get(`/v1/agents/${agentId}/state`).set(...sup).expect(200)).body as { state: string; stateSince: string };
  const setState = async (agentId: string, state: string, reason?: string) =>
    (await t.http.put(`/v1/agents/${agentId}/state`).set(...sup).send({ state, ...(reason ? { reason } : {}) }).expect(200)).body as { state: string; stateSince: string };
  const offers = async (agentId: string) => (await t.http.get(`/v1/agents/${agentId}/offers`).set(...sup).expect(200)).body as { offerId: string; contactId: string; status: string }[];
  const chat = async (ref: string, queueId = w.chatQueueId) =>
    (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId, customerRef: ref, language: 'fi' }).expect(201)).body as { id: string; agentId: string | null; status: string };
  const accept = async (agentId: string, contactId: string) => {
    const offer = (await offers(agentId)).find((o) => o.contactId === contactId && o.status === 'offered')!;
    await t.http.post(`/v1/agents/${agentId}/offers/${offer.offerId}/accept`).set(...(await desk(agentId))).expect(200);
  };
  const complete = async (agentId: string, contactId: string) =>
    t.http.post(`/v1/agents/${agentId}/contacts/${contactId}/complete`).set(...(await desk(agentId))).send({ wrapUpSeconds: 0 }).expect(200);
  /** Accepts the agent's offer of the contact and completes it without wrap-up. */
  const handle = async (agentId: string, contactId: string) => {
    await accept(agentId, contactId);
    await complete(agentId, contactId);
  };
  const stats = async (queueId: string) => (await t.http.get(`/v1/queues/${queueId}/stats`).set(...sup).expect(200)).body as Record<string, unknown>;
  /** Only these agents available (the others offline), so the test knows who gets what. */
  const only = async (...available: string[]) => {
    for (const id of w.agentIds) await setState(id, available.includes(id) ? 'available' : 'offline');
  };

  it('a ringing agent who declares available again stays reserved; answered makes it busy', async () => {
    await only(w.agentIds[0]);
    const a = w.agentIds[0];
    const call = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('work-ring-1')).expect(200)).body;
    expect(call).toMatchObject({ decision: 'agent', agentId: a });
    const ringing = await presence(a);
    expect(ringing.state).toBe('reserved');
    expect(await setState(a, 'available')).toMatchObject({ state: 'reserved', stateSince: ringing.stateSince });
    await t.http.post('/v1/routing/events').set(...tel).send(eventBody('answered', 'work-ring-1', { decisionId: call.decisionId, agentId: a })).expect(200);
    expect((await presence(a)).state).toBe('busy');
    expect(await setState(a, 'available')).toMatchObject({ state: 'busy' });
    await t.http.post('/v1/routing/events').set(...tel).send(eventBody('ended', 'work-ring-1', { decisionId: call.decisionId, hangupBy: 'caller' })).expect(200);
    expect((await presence(a)).state).toBe('wrap-up');
  });

  it('an agent whose last accepted chat ends while another is only offered is reserved, not busy', async () => {
    const a = w.agentIds[1];
    await only(a);
    const first = await chat('work-held-1');
    expect(first.agentId).toBe(a);
    await accept(a, first.id);
    const second = await chat('work-held-2');
    expect(second.agentId).toBe(a);
    expect((await presence(a)).state).toBe('busy');
    await t.http.post(`/v1/agents/${a}/contacts/${first.id}/complete`).set(...(await desk(a))).send({}).expect(200);
    expect((await presence(a)).state).toBe('reserved');
    await handle(a, second.id);
    expect((await presence(a)).state).toBe('available');
  });

  it('a caller who hangs up after being answered ends the call, reported as ended or as abandoned', async () => {
    const a = w.agentIds[0];
    for (const [callId, hangup] of [['work-hangup-ended', 'ended'], ['work-hangup-abandoned', 'abandoned']] as const) {
      await only(a);
      const call = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId)).expect(200)).body;
      expect(call).toMatchObject({ decision: 'agent', agentId: a });
      await t.http.post('/v1/routing/events').set(...tel).send(eventBody('answered', callId, { decisionId: call.decisionId, agentId: a })).expect(200);
      expect((await presence(a)).state).toBe('busy');
      const ended = await t.http.post('/v1/routing/events').set(...tel).send(eventBody(hangup, callId, { decisionId: call.decisionId, hangupBy: 'caller' })).expect(200);
      expect(ended.body).toEqual({ applied: true, detail: 'agent in wrap-up' });
      expect((await presence(a)).state).not.toBe('busy');
      const contact = (await t.http.get(`/v1/contacts/${callId}`).set(...sup).expect(200)).body;
      expect(contact.status).toBe('ended');
      expect(contact.timeline.map((e: { type: string }) => e.type).slice(-2)).toEqual(['answered', 'ended']);
    }
  });

  it('a call the only agent failed to take is offered to it again once past its target, when it is back', async () => {
    const a = w.agentIds[0];
    await only(a);
    const call = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('work-declined')).expect(200)).body;
    expect(call).toMatchObject({ decision: 'agent', agentId: a });
    const failed = await t.http.post('/v1/routing/events').set(...tel).send(eventBody('agent_failed', 'work-declined', { decisionId: call.decisionId, agentId: a, sipCode: 480 })).expect(200);
    expect(failed.body).toEqual({ applied: true, detail: 'agent not-responding, contact re-routed' });
    await setState(a, 'available');
    const poll = async () => (await t.http.get('/v1/routing/decisions/work-declined?waitSeconds=0').set(...tel).expect(200)).body;
    // within its 30 s target the agent who failed it is not tried again
    expect(await poll()).toMatchObject({ decision: 'queue', position: 1 });
    try {
      time.offsetMs = 40_000;
      await engine.tick();
      expect(await poll()).toMatchObject({ decision: 'agent', agentId: a });
      expect((await presence(a)).state).toBe('reserved');
      const again = (await poll()).decisionId as string;
      await t.http.post('/v1/routing/events').set(...tel).send(eventBody('answered', 'work-declined', { decisionId: again, agentId: a })).expect(200);
      await t.http.post('/v1/routing/events').set(...tel).send(eventBody('ended', 'work-declined', { decisionId: again })).expect(200);
    } finally {
      time.offsetMs = 0;
    }
  });

  it('a repeated complete is a conflict; transfers name a missing agent 404, a logged-out one 409, the holder itself 422', async () => {
    const a = w.agentIds[0];
    await only(a);
    const c = await chat('work-complete-1');
    expect(c.agentId).toBe(a);
    await accept(a, c.id);
    const key = await desk(a);

    const never = (
      await t.http
        .post('/v1/agents')
        .set(...bearer(t.adminKey))
        .send({ employeeNumber: 'RW-NEVER', displayName: 'Never logged in', departmentId: w.departmentId, phoneUri: 'sip:never@pbx.example.com', capacity: { phone: 1, chat: 2, email: 3 }, skills: [{ skill: 'lang:fi', proficiency: 5 }] })
        .expect(201)
    ).body.id as string;
    expect((await t.http.get(`/v1/agents/${never}/state`).set(...sup).expect(200)).body).toEqual({
      agentId: never, state: 'offline', breakReason: null, capacity: { phone: 0, chat: 0, email: 0 }, load: { phone: 0, chat: 0, email: 0 }, stateSince: null, wrapUpUntil: null,
      pendingState: null, pendingReason: null,
    });
    const transfer = (body: Record<string, unknown>) => t.http.post(`/v1/agents/${a}/contacts/${c.id}/transfer`).set(...key).send(body);
    expect((await transfer({ agentId: never }).expect(409)).body).toMatchObject({ code: 'agent.unavailable' });
    expect((await transfer({ agentId: '00000000-0000-4000-8000-000000000000' }).expect(404)).body).toMatchObject({ code: 'agent.not_found' });
    expect((await transfer({ agentId: a }).expect(422)).body.errors).toEqual([expect.objectContaining({ field: 'agentId', rule: 'notSelf' })]);

    await t.http.post(`/v1/agents/${a}/contacts/${c.id}/complete`).set(...key).send({ wrapUpSeconds: 0 }).expect(200);
    const again = await t.http.post(`/v1/agents/${a}/contacts/${c.id}/complete`).set(...key).send({ wrapUpSeconds: 0 }).expect(409);
    expect(again.body).toMatchObject({ code: 'contact.not_in_hand' });
  });

  it('a transfer to a queue is not offered back to its agent; both queues count it once, answered where it was answered', async () => {
    const [a, b] = w.agentIds;
    await only(a);
    const second = await addChatQueue(t, w, 'chat-fi-second', 'chat fi (second line)');
    const before = await stats(w.chatQueueId);

    const c = await chat('work-transfer-1');
    expect(c.agentId).toBe(a);
    await accept(a, c.id);
    const moved = (await t.http.post(`/v1/agents/${a}/contacts/${c.id}/transfer`).set(...(await desk(a))).send({ queueId: second }).expect(200)).body;
    // a is free again and could serve the second queue, but it sent the contact away: it waits.
    expect(moved).toMatchObject({ status: 'queued', agentId: null });
    expect((await offers(a)).filter((o) => o.contactId === c.id)).toEqual([]);
    expect((await presence(a)).state).toBe('available');

    const old = await stats(w.chatQueueId);
    expect(old).toMatchObject({ offeredToday: (before.offeredToday as number) + 1, answeredToday: (before.answeredToday as number) + 1 });
    expect(await stats(second)).toMatchObject({ waiting: 1, offeredToday: 1, answeredToday: 0, serviceLevelPercent: null });

    await setState(b, 'available');
    expect((await offers(b)).map((o) => o.contactId)).toEqual([c.id]);
    await accept(b, c.id);
    expect(await stats(second)).toMatchObject({ waiting: 0, offeredToday: 1, answeredToday: 1, serviceLevelPercent: 100 });
    expect(await stats(w.chatQueueId)).toMatchObject({ offeredToday: old.offeredToday, answeredToday: old.answeredToday });
    await complete(b, c.id);
  });

  it('an agent with an open offer is not deleted (409); once it is free it is', async () => {
    const c = w.agentIds[2];
    await only(c);
    const offered = await chat('work-delete-1');
    expect(offered.agentId).toBe(c);
    const refused = await t.http.delete(`/v1/agents/${c}`).set(...sup).expect(409);
    expect(refused.body).toMatchObject({ code: 'agent.has_contacts' });
    expect((await offers(c)).map((o) => [o.contactId, o.status])).toEqual([[offered.id, 'offered']]);

    await t.http.post(`/v1/agents/${c}/offers/${(await offers(c))[0].offerId}/reject`).set(...(await desk(c))).expect(204);
    await t.http.delete(`/v1/agents/${c}`).set(...sup).expect(204);
    await t.http.get(`/v1/agents/${c}`).set(...sup).expect(404);
    // The contact waits in its queue for the next agent, not stranded with a deleted one.
    const contact = (await t.http.get(`/v1/contacts/${offered.id}`).set(...sup).expect(200)).body;
    expect(contact).toMatchObject({ status: 'queued', agentId: null });
    w.agentIds.pop();
    const [a] = w.agentIds;
    await only(a);
    await handle(a, offered.id);
  });

  it('an agent-side pick is explained: the agent that took it, and the more urgent contacts it could not take', async () => {
    const [a, b] = w.agentIds;
    await only(a);
    const older = await chat('work-pick-1');
    expect(older.agentId).toBe(a);
    await t.http.post(`/v1/agents/${a}/offers/${(await offers(a))[0].offerId}/reject`).set(...(await desk(a))).expect(204);
    const newer = await chat('work-pick-2');
    expect(newer.status).toBe('queued');
    await setState(a, 'available');
    const why = (await t.http.get(`/v1/contacts/${newer.id}/explanation`).set(...sup).expect(200)).body;
    expect(why).toMatchObject({ status: 'offered', rule: 'highest-priority', eligibleAgentIds: [a], skippedContacts: [{ contactId: older.id, reason: 'excluded', detail: expect.any(String) }] });
    // The older chat waits for another agent.
    await setState(b, 'available');
    expect((await offers(b)).map((o) => o.contactId)).toEqual([older.id]);
    for (const [agentId, contactId] of [[a, newer.id], [b, older.id]]) {
      await handle(agentId, contactId);
    }
  });

  it("a contact waiting past its deadline counts as missed in today's service level at once", async () => {
    const [a] = w.agentIds;
    await only();
    const clock = t.app.get(RoutingClock);
    const realNow = clock.now;
    // The contact arrives and is looked at 10 minutes later on the same local day of the queue's
    // calendar (Helsinki): close to midnight, the whole test runs just after it instead.
    const day = (ms: number) => new Date(ms).toLocaleDateString('en-CA', { timeZone: 'Europe/Helsinki' });
    const shift = day(Date.now()) === day(Date.now() + 15 * 60_000) ? 0 : 20 * 60_000;
    clock.now = () => new Date(Date.now() + shift);
    try {
      const before = await stats(w.chatQueueId);
      const waiting = await chat('work-overdue-1');
      expect(waiting.status).toBe('queued');
      expect(await stats(w.chatQueueId)).toMatchObject({ waiting: 1, overdueToday: 0, serviceLevelPercent: before.serviceLevelPercent });
      clock.now = () => new Date(Date.now() + shift + 10 * 60_000);
      const late = await stats(w.chatQueueId);
      expect(late).toMatchObject({ waiting: 1, overdueToday: 1 });
      const judged = (late.answeredToday as number) + (late.abandonedToday as number) + 1;
      expect(late.serviceLevelPercent).toBeCloseTo((100 * ((before.serviceLevelPercent as number) / 100) * (judged - 1)) / judged, 0);
      clock.now = () => new Date(Date.now() + shift);
      await only(a);
      await handle(a, waiting.id);
    } finally {
      clock.now = realNow;
    }
  });

  it('an agent key reads the contacts its agent was offered or handled, and no others', async () => {
    const [a, b] = w.agentIds;
    await only(a);
    const mine = await chat('work-read-1');
    expect(mine.agentId).toBe(a);
    for (const path of [`/v1/contacts/${mine.id}`, `/v1/contacts/${mine.id}/explanation`]) {
      await t.http.get(path).set(...(await desk(a))).expect(200);
      const other = await t.http.get(path).set(...(await desk(b))).expect(403);
      expect(other.body).toMatchObject({ code: 'auth.not_own_contact' });
    }
    await handle(a, mine.id);
  });

  it('a wrap-up asked for while another chat is in hand is not applied, and the record says so', async () => {
    const [a] = w.agentIds;
    await only(a);
    const first = await chat('work-wrap-1');
    const second = await chat('work-wrap-2');
    expect([first.agentId, second.agentId]).toEqual([a, a]);
    await accept(a, first.id);
    await accept(a, second.id);
    const key = await desk(a);
    await t.http.post(`/v1/agents/${a}/contacts/${first.id}/complete`).set(...key).send({ wrapUpSeconds: 30 }).expect(200);
    // Still working the second chat: no wrap-up, and the timeline (which the reports count) records none.
    expect(await presence(a)).toMatchObject({ state: 'busy', wrapUpUntil: null });
    const closed = (await t.http.get(`/v1/contacts/${first.id}`).set(...sup).expect(200)).body.timeline.find((e: { type: string }) => e.type === 'completed');
    expect(closed.detail).toEqual({ wrapUpSeconds: 0, requestedWrapUpSeconds: 30, wrapUpNotApplied: 'agent has 1 other contact(s) in hand' });
    // The last chat in hand gets its wrap-up.
    await t.http.post(`/v1/agents/${a}/contacts/${second.id}/complete`).set(...key).send({ wrapUpSeconds: 30 }).expect(200);
    expect(await presence(a)).toMatchObject({ state: 'wrap-up', wrapUpUntil: expect.any(String) });
    const last = (await t.http.get(`/v1/contacts/${second.id}`).set(...sup).expect(200)).body.timeline.find((e: { type: string }) => e.type === 'completed');
    expect(last.detail).toEqual({ wrapUpSeconds: 30 });
    await setState(a, 'available');
  });
});
