import { callBody, eventBody, startRoutingTestApp, type RoutingTestApp } from '../routing/routing-world.js';

/**
 * A lost `abandoned` (the proxy's 2 s timeout, a network blip, a proxy restart) left a dead call
 * waiting in line for ever: ahead of live callers, in the wallboard's waiting count and longest
 * wait, and at last offered to an agent who never got it. The safety net: a waiting call the
 * proxy has long-polled and then stops polling is presumed gone — by default 60 s after its last
 * poll began — and the routing sweep ends it abandoned (end reason `no-poll`). The routing clock is
 * frozen and moved (`time.offsetMs`); the jobs are off, ticks are driven. Nobody is logged in until the end, so
 * every call waits.
 */
describe('routing: a waiting call whose abandoned was lost', () => {
  let r: RoutingTestApp;
  const decide = async (callId: string, callerId: string) => (await r.t.http.post('/v1/routing/decisions').set(...r.tel).send(callBody(callId, { callerId })).expect(200)).body;
  const poll = async (callId: string, waitSeconds = 0) => (await r.t.http.get(`/v1/routing/decisions/${callId}?waitSeconds=${waitSeconds}`).set(...r.tel).expect(200)).body;
  const event = async (name: string, callId: string) => (await r.t.http.post('/v1/routing/events').set(...r.tel).send(eventBody(name, callId)).expect(200)).body;
  const contact = async (id: string) => (await r.t.http.get(`/v1/contacts/${id}`).set(...r.sup).expect(200)).body;
  const stats = async () => (await r.t.http.get(`/v1/queues/${r.w.phoneQueueId}/stats`).set(...r.sup).expect(200)).body;
  const settings = (queueId: string, body: Record<string, unknown>) =>
    r.t.http.put(`/v1/queues/${queueId}/routing-settings`).set(...r.sup).send({ wrapUpSeconds: 30, meanHandleSeconds: 300, ...body });
  const later = (ms: number) => (r.time.offsetMs += ms);

  beforeAll(async () => {
    r = await startRoutingTestApp(1, { available: false });
    // The routing clock stands still but for the moves below: the deadlines are exact to the second.
    const start = Date.now();
    r.clock.now = () => new Date(start + r.time.offsetMs);
  });
  afterAll(() => r.t.close());

  it("sets a phone queue's poll grace within 30 s to 1 h (null: 30 s); other channels have no polls", async () => {
    expect((await r.t.http.get(`/v1/queues/${r.w.phoneQueueId}/routing-settings`).set(...r.sup).expect(200)).body).toMatchObject({ pollGraceSeconds: null });
    for (const [value, rule] of [[29, 'min'], [3601, 'max'], [45.5, 'isInt']] as const) {
      const res = await settings(r.w.phoneQueueId, { pollGraceSeconds: value }).expect(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'pollGraceSeconds', rule })]);
    }
    const chat = await settings(r.w.chatQueueId, { pollGraceSeconds: 60 }).expect(422);
    expect(chat.body.errors).toEqual([expect.objectContaining({ field: 'pollGraceSeconds', rule: 'phoneOnly' })]);
    expect((await settings(r.w.phoneQueueId, { pollGraceSeconds: 90 }).expect(200)).body).toMatchObject({ pollGraceSeconds: 90 });
    expect((await r.t.http.get(`/v1/queues/${r.w.phoneQueueId}/routing-settings`).set(...r.sup).expect(200)).body).toMatchObject({ pollGraceSeconds: 90 });
    await settings(r.w.phoneQueueId, { pollGraceSeconds: null }).expect(200);
  });

  it('ends a call polled once and then not again 60 s later, abandoned (no-poll); the callers behind move up; an unpolled call and one that keeps polling stay; late events and polls are answered', async () => {
    // One caller a second, so that each has its own place in line.
    const decided = await decide('gone', '+358403000001');
    expect(decided).toMatchObject({ decision: 'queue', position: 1 });
    later(1000);
    expect(await decide('behind', '+358403000002')).toMatchObject({ decision: 'queue', position: 2 });
    later(1000);
    expect(await decide('unpolled', '+358403000003')).toMatchObject({ decision: 'queue', position: 3 });
    later(1000);
    expect(await decide('keeps', '+358403000004')).toMatchObject({ decision: 'queue', position: 4 });
    // 3 s: 'gone' is polled once (for 1 s), and never again.
    expect(await poll('gone', 1)).toMatchObject({ decision: 'queue', position: 1 });
    expect(await poll('keeps')).toMatchObject({ decision: 'queue', position: 4 });
    expect(await r.engine.tick()).toMatchObject({ ran: true, unpolled: 0 });

    later(30_000);
    await poll('keeps');
    await poll('behind');
    // 62 s: 59 s since its poll began.
    later(29_000);
    expect(await r.engine.tick()).toMatchObject({ ran: true, unpolled: 0 });
    expect(await stats()).toMatchObject({ waiting: 4, longestWaitSeconds: 62 });
    // 64 s: past its deadline (60 s after that poll began: the 1 s wait and the 30 s grace come to less).
    later(2_000);
    expect(await r.engine.tick()).toMatchObject({ ran: true, unpolled: 1 });

    const gone = await contact('gone');
    expect(gone).toMatchObject({ status: 'abandoned', endReason: 'no-poll', answeredAt: null });
    expect(gone.timeline.at(-1)).toMatchObject({
      type: 'abandoned',
      agentId: null,
      detail: { closedBy: 'no-poll', pollDueBy: expect.any(String), note: expect.stringContaining('presumed abandoned') },
    });
    expect(Date.parse(gone.timeline.at(-1).detail.pollDueBy) - Date.parse(gone.arrivedAt)).toBe(63_000);
    expect(Date.parse(gone.endedAt) - Date.parse(gone.arrivedAt)).toBe(64_000);
    for (const stays of ['behind', 'unpolled', 'keeps']) expect(await contact(stays)).toMatchObject({ status: 'queued', endReason: null });
    // The wallboard no longer counts it, nor its wait.
    expect(await stats()).toMatchObject({ waiting: 3, longestWaitSeconds: 63 });
    expect(await poll('behind')).toMatchObject({ decision: 'queue', position: 1 });
    expect(await poll('keeps')).toMatchObject({ decision: 'queue', position: 3 });

    // The late abandoned is a duplicate; a late poll gets the end of the call (SIP 487: the proxy releases the leg).
    expect(await event('abandoned', 'gone')).toEqual({ applied: false, detail: 'contact is abandoned' });
    expect((await contact('gone')).timeline).toHaveLength(gone.timeline.length);
    expect(await poll('gone')).toEqual({ decisionId: decided.decisionId, decision: 'reject', sipCode: 487, reason: 'contact-abandoned' });

    // An agent who logs in is offered the first live caller, never the dead call.
    const agentId = r.w.agentIds[0];
    await r.t.http.put(`/v1/agents/${agentId}/state`).set(...r.sup).send({ state: 'available' }).expect(200);
    expect(await poll('behind')).toMatchObject({ decision: 'agent', agentId });
    await r.t.http.put(`/v1/agents/${agentId}/state`).set(...r.sup).send({ state: 'break', reason: 'lunch' }).expect(200);
    expect(await event('abandoned', 'behind')).toEqual({ applied: true, detail: 'contact abandoned, agent released' });

    // An hour on: the call that was never polled still waits (a proxy that does not long-poll keeps working); the one that stopped polling at last does not.
    later(3600_000);
    expect(await r.engine.tick()).toMatchObject({ ran: true, unpolled: 1 });
    expect(await contact('unpolled')).toMatchObject({ status: 'queued', endReason: null });
    expect(await contact('keeps')).toMatchObject({ status: 'abandoned', endReason: 'no-poll' });
    await event('abandoned', 'unpolled');
  });

  it('leaves a callback waiting: its caller is not on the line, and nothing polls it', async () => {
    await decide('call-me', '+358403000005');
    await poll('call-me');
    await r.t.http.post('/v1/routing/callbacks').set(...r.tel).send({ callId: 'call-me' }).expect(200);
    later(3600_000);
    expect(await r.engine.tick()).toMatchObject({ ran: true, unpolled: 0 });
    expect(await contact('call-me')).toMatchObject({ kind: 'callback', status: 'queued', endReason: null });
  });
});
