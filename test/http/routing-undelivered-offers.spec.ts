import { callBody, eventBody, startRoutingTestApp, type RoutingTestApp } from '../routing/routing-world.js';

/**
 * A PBX rings an agent for longer than the phone offer's timeout. At the timeout Vuoro takes the offer
 * back and offers the call to the next agent — but the PBX, still ringing the first, is not polling:
 * the next agent's phone never rings. That offer timing out is no fault of the agent, who used to be
 * marked not-responding for it (and the next after them, and so on, while the PBX rang). An offer
 * reaches the PBX as the call's first decision or through a long poll (libs/routing
 * offerReachedTelephony); one that did not is withdrawn at its timeout without blame. The jest
 * project `routing-memory` runs this again with ROUTING_ENGINE=memory.
 */
describe('routing: an offer the telephony never polled for', () => {
  let r: RoutingTestApp;
  const decide = async (callId: string) => (await r.t.http.post('/v1/routing/decisions').set(...r.tel).send(callBody(callId)).expect(200)).body;
  const poll = async (callId: string) => (await r.t.http.get(`/v1/routing/decisions/${callId}`).query({ waitSeconds: 0 }).set(...r.tel).expect(200)).body;
  const contact = async (id: string) => (await r.t.http.get(`/v1/contacts/${id}`).set(...r.sup).expect(200)).body;
  const presence = async (agentId: string) => (await r.t.http.get(`/v1/agents/${agentId}/state`).set(...r.sup).expect(200)).body;
  const timeOut = async (expired = 1) => {
    r.time.offsetMs += 11_000;
    expect(await r.engine.tick()).toMatchObject({ expired });
  };

  beforeEach(async () => {
    r = await startRoutingTestApp(2);
  });
  afterEach(() => r.t.close());

  it('withdraws it at its timeout without blame; once a poll has told the PBX, its timing out is the agent\'s', async () => {
    const d = await decide('ring-long-1');
    const a = d.agentId as string;
    const b = r.w.agentIds.find((x) => x !== a)!;
    // The first decision's offer reached the PBX: its timing out marks the agent.
    await timeOut();
    expect(await presence(a)).toMatchObject({ state: 'not-responding' });
    expect(await contact('ring-long-1')).toMatchObject({ status: 'offered', agentId: b });

    // The PBX still rings a and never polls: b's offer times out unheard.
    await timeOut();
    expect(await presence(b)).toMatchObject({ state: 'reserved' }); // offered the call again at once: not excluded
    const c = await contact('ring-long-1');
    expect(c).toMatchObject({ status: 'offered', agentId: b });
    const withdrawn = c.timeline.filter((e: { type: string; agentId: string }) => e.type === 'requeued' && e.agentId === b);
    expect(withdrawn).toEqual([expect.objectContaining({ detail: expect.objectContaining({ why: expect.stringContaining('never rang') }) })]);
    expect(c.timeline.filter((e: { type: string }) => e.type === 'timeout')).toHaveLength(1);

    // The PBX gives up on a and polls: it hears of b's offer now, and b's phone rings.
    expect(await poll('ring-long-1')).toMatchObject({ decision: 'agent', agentId: b });
    await timeOut();
    expect(await presence(b)).toMatchObject({ state: 'not-responding' });
    expect((await contact('ring-long-1')).timeline.filter((e: { type: string }) => e.type === 'timeout')).toHaveLength(2);
  });

  it('ends a call whose poll deadline passed while its offers went unheard: presumed gone, the agent released without blame', async () => {
    await r.t.http.put(`/v1/agents/${r.w.agentIds[1]}/state`).set(...r.sup).send({ state: 'break', reason: 'lunch' }).expect(200);
    const d = await decide('ring-long-2');
    expect(d).toMatchObject({ decision: 'agent', agentId: r.w.agentIds[0] });
    // Polled once (a PBX that long-polls), then the offer times out: owed a poll within 60 s.
    expect(await poll('ring-long-2')).toMatchObject({ decision: 'agent' });
    await timeOut();
    const b = r.w.agentIds[1];
    await r.t.http.put(`/v1/agents/${b}/state`).set(...r.sup).send({ state: 'available' }).expect(200);
    expect(await contact('ring-long-2')).toMatchObject({ status: 'offered', agentId: b });
    // Unheard offers come and go; no poll comes, and once the deadline has passed the call ends.
    for (let i = 0; i < 6; i++) {
      r.time.offsetMs += 11_000;
      await r.engine.tick();
      if ((await contact('ring-long-2')).status === 'abandoned') break;
    }
    expect(await contact('ring-long-2')).toMatchObject({ status: 'abandoned', endReason: 'no-poll' });
    expect(await presence(b)).toMatchObject({ state: 'available', load: { phone: 0 } });
    // The agent whose phone never rang was offered it but never blamed.
    expect((await contact('ring-long-2')).timeline.filter((e: { type: string; agentId: string }) => e.type === 'timeout' && e.agentId === b)).toEqual([]);
  });

  it('blames the agent of an offer a long poll waiting at the time answered with', async () => {
    await r.t.http.put(`/v1/agents/${r.w.agentIds[0]}/state`).set(...r.sup).send({ state: 'break', reason: 'lunch' }).expect(200);
    await r.t.http.put(`/v1/agents/${r.w.agentIds[1]}/state`).set(...r.sup).send({ state: 'break', reason: 'lunch' }).expect(200);
    expect(await decide('queued-1')).toMatchObject({ decision: 'queue' });
    const waiting = r.t.http.get('/v1/routing/decisions/queued-1').query({ waitSeconds: 5 }).set(...r.tel);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await r.t.http.put(`/v1/agents/${r.w.agentIds[0]}/state`).set(...r.sup).send({ state: 'available' }).expect(200);
    expect((await waiting.expect(200)).body).toMatchObject({ decision: 'agent', agentId: r.w.agentIds[0] });
    await timeOut();
    expect(await presence(r.w.agentIds[0])).toMatchObject({ state: 'not-responding' });
    expect((await contact('queued-1')).timeline.filter((e: { type: string }) => e.type === 'timeout')).toHaveLength(1);
    await r.t.http.post('/v1/routing/events').set(...r.tel).send(eventBody('abandoned', 'queued-1')).expect(200);
  });
});
