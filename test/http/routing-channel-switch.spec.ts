/**
 * "A callback or a channel switch keeps its place in line" (issue 3), on either engine (the jest
 * project `routing-memory` runs this again with ROUTING_ENGINE=memory): POST /v1/contacts with
 * `switchedFrom` (a waiting contact's id, or a call's SIP Call-ID) queues the new contact with the
 * original's arrival, so it is served before contacts that arrived after the original, and ends the
 * original switched, both timelines naming the other; a waiting call's long poll then tells the PBX.
 */
import { eventBody, callBody, startRoutingTestApp, type RoutingTestApp } from '../routing/routing-world.js';

describe('routing: a customer who switches channel keeps their place', () => {
  let r: RoutingTestApp;

  beforeAll(async () => {
    r = await startRoutingTestApp(1);
    await r.t.http.put(`/v1/agents/${r.w.agentIds[0]}/state`).set(...r.sup).send({ state: 'break', reason: 'meeting' }).expect(200);
  });
  afterAll(() => r.t.close());

  const handIn = (body: Record<string, unknown>) => r.t.http.post('/v1/contacts').set(...r.tel).send({ language: 'fi', ...body });
  const contact = async (idOrCallId: string) => (await r.t.http.get(`/v1/contacts/${idOrCallId}`).set(...r.sup).expect(200)).body;

  it('serves a caller who continued in chat before the chats that arrived after the call', async () => {
    const decision = (await r.t.http.post('/v1/routing/decisions').set(...r.tel).send(callBody('call-switch-1')).expect(200)).body;
    expect(decision.decision).toBe('queue');
    const call = await contact('call-switch-1');
    r.time.offsetMs += 10_000;
    const later1 = (await handIn({ channel: 'chat', queueId: r.w.chatQueueId, customerRef: 'web-later-1' }).expect(201)).body;
    r.time.offsetMs += 10_000;
    const later2 = (await handIn({ channel: 'chat', queueId: r.w.chatQueueId, customerRef: 'web-later-2' }).expect(201)).body;
    r.time.offsetMs += 10_000;

    const switched = (await handIn({ channel: 'chat', queueId: r.w.chatQueueId, customerRef: 'web-caller-1', switchedFrom: 'call-switch-1' }).expect(201)).body;
    expect(switched).toMatchObject({ status: 'queued', arrivedAt: call.arrivedAt, agentId: null });
    expect(new Date(switched.deadline).getTime()).toBe(new Date(call.arrivedAt).getTime() + 60_000);

    // Both timelines name the other; the call has ended, and its long poll tells the PBX so.
    const original = await contact('call-switch-1');
    expect(original).toMatchObject({ status: 'ended', endedAt: expect.any(String) });
    expect(original.timeline.at(-1)).toMatchObject({ type: 'ended', agentId: null, detail: { reason: 'switched', switchedTo: switched.id, toChannel: 'chat' } });
    expect((await contact(switched.id)).timeline[0]).toMatchObject({ type: 'queued', detail: { queueId: r.w.chatQueueId, switchedFrom: call.id, fromChannel: 'phone', keepsArrivedAt: call.arrivedAt } });
    const poll = (await r.t.http.get('/v1/routing/decisions/call-switch-1').query({ waitSeconds: 0 }).set(...r.tel).expect(200)).body;
    expect(poll).toMatchObject({ decision: 'reject', sipCode: 487 });
    // The PBX's hang-up of the released call changes nothing.
    expect((await r.t.http.post('/v1/routing/events').set(...r.tel).send(eventBody('abandoned', 'call-switch-1')).expect(200)).body.applied).toBe(false);

    // The agent comes back with room for two chats: the switched one first, then the earlier of the two later chats.
    await r.t.http.put(`/v1/agents/${r.w.agentIds[0]}/state`).set(...r.sup).send({ state: 'available' }).expect(200);
    const offers = (await r.t.http.get(`/v1/agents/${r.w.agentIds[0]}/offers`).set(...r.sup).expect(200)).body as { contactId: string }[];
    expect(offers.map((o) => o.contactId)).toEqual([switched.id, later1.id]);
    expect((await contact(later2.id)).status).toBe('queued');
  });

  it('turns a waiting chat into an email that keeps the chat\'s arrival; the chat ends switched', async () => {
    const chat = await contact(await waitingChat());
    const mail = (await handIn({ channel: 'email', queueId: r.w.emailQueueId, customerRef: 'mail-later-2', switchedFrom: chat.id }).expect(201)).body;
    expect(mail).toMatchObject({ channel: 'email', arrivedAt: chat.arrivedAt });
    const ended = await contact(chat.id);
    expect(ended).toMatchObject({ status: 'ended' });
    expect(ended.timeline.at(-1)).toMatchObject({ type: 'ended', detail: { reason: 'switched', switchedTo: mail.id, toChannel: 'email' } });
  });

  it('withdraws the offer of a chat offered to an agent when it switches, releasing the agent', async () => {
    const offers = async () => (await r.t.http.get(`/v1/agents/${r.w.agentIds[0]}/offers`).set(...r.sup).expect(200)).body as { contactId: string; offerId: string }[];
    const [{ id: offeredChat }] = await r.db.query(`SELECT id FROM contacts WHERE customer_ref = 'web-later-1'`);
    const offerId = (await offers()).find((o) => o.contactId === offeredChat)!.offerId;
    const mail = (await handIn({ channel: 'email', queueId: r.w.emailQueueId, customerRef: 'mail-later-1', switchedFrom: offeredChat }).expect(201)).body;
    expect((await offers()).map((o) => o.contactId)).not.toContain(offeredChat);
    const ended = await contact(offeredChat);
    expect(ended).toMatchObject({ status: 'ended' });
    expect(ended.timeline.at(-1)).toMatchObject({ type: 'ended', agentId: r.w.agentIds[0], offerId, detail: { reason: 'switched', switchedTo: mail.id } });
    const state = (await r.t.http.get(`/v1/agents/${r.w.agentIds[0]}/state`).set(...r.sup).expect(200)).body;
    expect(state.load.chat).toBe(1);
  });

  it('names the field when the original is unknown or no longer waiting, and writes nothing', async () => {
    const unknown = await handIn({ channel: 'chat', queueId: r.w.chatQueueId, customerRef: 'web-x-1', switchedFrom: 'no-such-call' }).expect(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'switchedFrom', rule: 'exists' })]);
    const finished = await handIn({ channel: 'chat', queueId: r.w.chatQueueId, customerRef: 'web-x-1', switchedFrom: 'call-switch-1' }).expect(409);
    expect(finished.body).toMatchObject({ code: 'contact.not_waiting', errors: [expect.objectContaining({ field: 'switchedFrom', rule: 'waiting' })] });
    const [{ n }] = await r.db.query(`SELECT count(*)::int AS n FROM contacts WHERE customer_ref = 'web-x-1'`);
    expect(n).toBe(0);
    const malformed = await handIn({ channel: 'chat', queueId: r.w.chatQueueId, customerRef: 'web-x-1', switchedFrom: '' }).expect(422);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'switchedFrom' })]);
  });

  /** The chat still waiting from the first test (web-later-2's). */
  async function waitingChat(): Promise<string> {
    const [{ id }] = await r.db.query(`SELECT id FROM contacts WHERE customer_ref = 'web-later-2'`);
    return id;
  }
});
