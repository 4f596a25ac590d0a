import { callBody, eventBody, startRoutingTestApp, type RoutingTestApp } from '../routing/routing-world.js';

/**
 * A PBX that rings an agent for longer than the phone offer's timeout (10 s by default; 20–30 s is a
 * common ring time): at the timeout Vuoro takes the offer back, and the agent then picks up. The
 * call is connected to that agent — it used to end abandoned with the agent left not-responding,
 * while the customer talked to them — and an offer made since to another agent is withdrawn without
 * blame. The jest project `routing-memory` runs this again with ROUTING_ENGINE=memory.
 */
describe('routing: an agent who picks up after the offer timed out', () => {
  let r: RoutingTestApp;
  const decide = async (callId: string, callerId: string) => (await r.t.http.post('/v1/routing/decisions').set(...r.tel).send(callBody(callId, { callerId })).expect(200)).body;
  const event = async (name: string, callId: string, extra: Record<string, unknown> = {}) =>
    (await r.t.http.post('/v1/routing/events').set(...r.tel).send(eventBody(name, callId, extra)).expect(200)).body as { applied: boolean; detail: string };
  const contact = async (id: string) => (await r.t.http.get(`/v1/contacts/${id}`).set(...r.sup).expect(200)).body;
  const presence = async (agentId: string) => (await r.t.http.get(`/v1/agents/${agentId}/state`).set(...r.sup).expect(200)).body;
  const setState = (agentId: string, state: string) => r.t.http.put(`/v1/agents/${agentId}/state`).set(...r.sup).send({ state, ...(state === 'break' ? { reason: 'meeting' } : {}) }).expect(200);
  const timeOut = async () => {
    r.time.offsetMs += 11_000;
    expect(await r.engine.tick()).toMatchObject({ expired: 1 });
  };

  beforeEach(async () => {
    r = await startRoutingTestApp(2);
  });
  afterEach(() => r.t.close());

  it('connects the call to the agent who picked up and withdraws the offer made since to the next agent, without blame', async () => {
    const d = await decide('late-1', '+358403000001');
    expect(d.decision).toBe('agent');
    const a = d.agentId as string;
    const b = r.w.agentIds.find((x) => x !== a)!;
    await timeOut();
    // Back in line and offered to the other agent; the first is not-responding.
    expect(await contact('late-1')).toMatchObject({ status: 'offered', agentId: b });
    expect(await presence(a)).toMatchObject({ state: 'not-responding' });

    expect(await event('answered', 'late-1', { decisionId: d.decisionId, agentId: a })).toEqual({ applied: true, detail: 'answered after its offer timed out: agent busy' });
    const c = await contact('late-1');
    expect(c).toMatchObject({ status: 'connected', agentId: a });
    expect(c.timeline.slice(-3)).toEqual([
      expect.objectContaining({ type: 'requeued', agentId: b }),
      expect.objectContaining({ type: 'accepted', agentId: a, offerId: d.decisionId, detail: { afterTimeout: true } }),
      expect.objectContaining({ type: 'answered', agentId: a, offerId: d.decisionId, detail: expect.objectContaining({ afterTimeout: true, offerExpiredAt: expect.any(String) }) }),
    ]);
    expect(await presence(a)).toMatchObject({ state: 'busy', load: { phone: 1 } });
    expect(await presence(b)).toMatchObject({ state: 'available', load: { phone: 0, chat: 0, email: 0 } });
    // The answered repeated is a duplicate; the call ends as talked, the agent goes to wrap-up.
    expect((await event('answered', 'late-1', { decisionId: d.decisionId })).applied).toBe(false);
    expect(await event('ended', 'late-1', { leg: 'agent', hangupBy: 'caller', durationSec: 30 })).toEqual({ applied: true, detail: 'agent in wrap-up' });
    expect(await contact('late-1')).toMatchObject({ status: 'ended', agentId: a });
    // Exactly one live reservation was ever accepted, and no agent holds a load for the call.
    const [{ accepted }] = await r.db.query(`SELECT count(*)::int AS accepted FROM reservations WHERE contact_id = $1 AND status IN ('accepted', 'completed')`, [c.id]);
    expect(accepted).toBe(1);
  });

  it('connects a call back in line with nobody offered, from an answered naming neither the offer nor the agent', async () => {
    await setState(r.w.agentIds[1], 'break');
    const d = await decide('late-2', '+358403000002');
    expect(d).toMatchObject({ decision: 'agent', agentId: r.w.agentIds[0] });
    await timeOut();
    expect(await contact('late-2')).toMatchObject({ status: 'queued', agentId: null });
    expect(await event('answered', 'late-2')).toMatchObject({ applied: true });
    expect(await contact('late-2')).toMatchObject({ status: 'connected', agentId: r.w.agentIds[0] });
    expect(await presence(r.w.agentIds[0])).toMatchObject({ state: 'busy', load: { phone: 1 } });
  });

  it("reads a talked ended of a timed-out offer whose answered was lost as answered then ended: the agent's call, not a caller who left", async () => {
    const d = await decide('late-5', '+358403000006');
    const a = d.agentId as string;
    const b = r.w.agentIds.find((x) => x !== a)!;
    await timeOut();
    expect(await contact('late-5')).toMatchObject({ status: 'offered', agentId: b });
    r.time.offsetMs += 60_000;
    const ts = new Date(Date.now() + r.time.offsetMs);
    // 40 s of talk on the agent's leg, naming the expired offer: answered 40 s before the end.
    expect(await event('ended', 'late-5', { decisionId: d.decisionId, leg: 'agent', hangupBy: 'caller', durationSec: 40, ts: ts.toISOString() })).toEqual({
      applied: true,
      detail: 'answered after its offer timed out, and ended: agent in wrap-up',
    });
    const c = await contact('late-5');
    expect(c).toMatchObject({ status: 'ended', agentId: a });
    expect(Math.abs(Date.parse(c.answeredAt) - (ts.getTime() - 40_000))).toBeLessThan(1_000);
    expect(c.timeline.map((e: { type: string; agentId: string | null }) => [e.type, e.agentId]).slice(-4)).toEqual(
      expect.arrayContaining([['requeued', b], ['accepted', a], ['answered', a], ['ended', a]]),
    );
    expect(c.timeline.find((e: { type: string }) => e.type === 'answered').detail).toMatchObject({ afterTimeout: true, inferredFrom: 'ended', durationSec: 40 });
    expect(await presence(a)).toMatchObject({ state: 'wrap-up', load: { phone: 0 } });
    expect(await presence(b)).toMatchObject({ state: 'available', load: { phone: 0 } });

    // A talk longer than the time since the offer expired: answered no earlier than the expiry
    // (the agent was marked not-responding then; the ring before it cannot be told apart).
    await setState(a, 'available');
    await setState(b, 'break');
    r.time.offsetMs += 120_000;
    await r.engine.tick();
    const d2 = await decide('late-6', '+358403000007');
    expect(d2.agentId).toBe(a);
    await timeOut();
    expect(await contact('late-6')).toMatchObject({ status: 'queued' });
    const expired2 = Date.parse((await contact('late-6')).timeline.find((e: { type: string }) => e.type === 'timeout').at);
    r.time.offsetMs += 5_000;
    // Naming neither the offer nor the agent: with nobody ringing now, it is the expired offer's.
    expect((await event('ended', 'late-6', { leg: 'agent', durationSec: 300, ts: new Date(Date.now() + r.time.offsetMs).toISOString() })).applied).toBe(true);
    const c2 = await contact('late-6');
    expect(c2).toMatchObject({ status: 'ended', agentId: a });
    expect(Date.parse(c2.answeredAt)).toBe(expired2);
  });

  it('leaves a talked ended naming neither to the offer ringing now, and one without talk time to a caller who left', async () => {
    const d = await decide('late-7', '+358403000008');
    const a = d.agentId as string;
    const b = r.w.agentIds.find((x) => x !== a)!;
    await timeOut();
    expect(await contact('late-7')).toMatchObject({ status: 'offered', agentId: b });
    // Talk time naming no offer while b's phone rings: b answered and the answered was overtaken.
    expect(await event('ended', 'late-7', { leg: 'agent', durationSec: 5, ts: new Date(Date.now() + r.time.offsetMs).toISOString() })).toEqual({
      applied: true,
      detail: 'answered and ended, agent in wrap-up',
    });
    expect(await contact('late-7')).toMatchObject({ status: 'ended', agentId: b });

    await setState(b, 'break');
    await setState(a, 'available');
    r.time.offsetMs += 120_000;
    await r.engine.tick();
    const d2 = await decide('late-8', '+358403000009');
    expect(d2.agentId).toBe(a);
    await timeOut();
    // No talk time on the agent's leg: the caller left.
    expect(await event('ended', 'late-8', { decisionId: d2.decisionId, leg: 'caller', durationSec: 40 })).toEqual({ applied: true, detail: 'contact abandoned' });
    expect(await contact('late-8')).toMatchObject({ status: 'abandoned' });
  });

  it('does not take it for an agent now on another call, for another agent, or after the PBX said the agent failed', async () => {
    await setState(r.w.agentIds[1], 'break');
    const a = r.w.agentIds[0];
    const first = await decide('late-3', '+358403000003');
    expect(first.agentId).toBe(a);
    await timeOut();
    // Another call comes; the agent comes back and, excluded from late-3 while it is within its target, is offered that one and answers it.
    expect((await decide('other-call', '+358403000004')).decision).toBe('queue');
    await setState(a, 'available');
    expect(await contact('other-call')).toMatchObject({ status: 'offered', agentId: a });
    expect((await event('answered', 'other-call')).applied).toBe(true);
    expect(await presence(a)).toMatchObject({ state: 'busy', load: { phone: 1 } });
    expect(await event('answered', 'late-3', { decisionId: first.decisionId })).toEqual({ applied: false, detail: 'contact is queued' });
    expect(await contact('late-3')).toMatchObject({ status: 'queued' });
    // Naming another agent: not this offer.
    expect((await event('answered', 'late-3', { agentId: r.w.agentIds[1] })).applied).toBe(false);
    await event('ended', 'other-call', { leg: 'agent' });
    expect((await event('abandoned', 'late-3')).applied).toBe(true);

    // agent_failed reported: the PBX stopped ringing, so a later answered is not of that offer.
    await setState(a, 'available');
    r.time.offsetMs += 120_000;
    await r.engine.tick();
    const third = await decide('late-4', '+358403000005');
    expect(third).toMatchObject({ decision: 'agent', agentId: a });
    expect((await event('agent_failed', 'late-4', { decisionId: third.decisionId, sipCode: 408 })).applied).toBe(true);
    expect((await event('answered', 'late-4', { decisionId: third.decisionId })).applied).toBe(false);
    expect(await contact('late-4')).toMatchObject({ status: 'queued' });
  });
});
