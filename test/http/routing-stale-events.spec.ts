/**
 * Late and repeated telephony events of an earlier offer. A call routed straight to an agent gets
 * that first offer's id as its decisionId; once the agent rejects and the call is offered to the
 * next agent, the SIP proxy may still send events with the first id (a retry, a late leg). They must
 * not answer, reject or fail the next agent's offer — found by an audit on both engines, where an
 * `agent_failed` of the first offer made the second agent not-responding and an `answered` of the
 * first offer connected the call to an agent whose phone never rang to an answer.
 */
import type { TestApp } from '../support/test-app.js';
import { callBody, eventBody, startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

describe('routing: events of an earlier offer', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];

  beforeAll(async () => {
    ({ t, w, tel, sup } = await startRoutingTestApp(3));
  });
  afterAll(() => t.close());

  const event = async (name: string, callId: string, extra: Record<string, unknown> = {}) =>
    (await t.http.post('/v1/routing/events').set(...tel).send(eventBody(name, callId, extra)).expect(200)).body as { applied: boolean; detail: string };
  const state = async (agentId: string) => (await t.http.get(`/v1/agents/${agentId}/state`).set(...sup).expect(200)).body.state as string;
  const current = async (callId: string) => (await t.http.get(`/v1/routing/decisions/${callId}`).set(...tel).expect(200)).body;

  it('applies agent-leg events only to the live offer: by its id, and by its agent', async () => {
    const first = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('stale-1')).expect(200)).body;
    expect(first.decision).toBe('agent');
    expect(await event('rejected', 'stale-1', { decisionId: first.decisionId, agentId: first.agentId, sipCode: 486 })).toMatchObject({ applied: true });
    const second = await current('stale-1');
    expect(second).toMatchObject({ decision: 'agent' });
    expect(second.agentId).not.toBe(first.agentId);
    expect(second.decisionId).not.toBe(first.decisionId);

    // The first offer's late events: neither fails nor answers the second agent's offer.
    expect(await event('agent_failed', 'stale-1', { decisionId: first.decisionId, agentId: first.agentId, sipCode: 486 })).toEqual({ applied: false, detail: 'event of an earlier offer' });
    expect(await event('rejected', 'stale-1', { decisionId: first.decisionId })).toEqual({ applied: false, detail: 'event of an earlier offer' });
    expect(await event('answered', 'stale-1', { decisionId: first.decisionId, agentId: first.agentId })).toEqual({ applied: false, detail: 'event of an earlier offer' });
    // The live offer's id with another agent named is not that offer's either.
    expect(await event('answered', 'stale-1', { decisionId: second.decisionId, agentId: first.agentId })).toEqual({ applied: false, detail: 'event of an earlier offer' });
    expect(await state(second.agentId)).toBe('reserved');
    expect(await current('stale-1')).toEqual(second);

    // The live offer's own events apply.
    expect(await event('answered', 'stale-1', { decisionId: second.decisionId, agentId: second.agentId })).toEqual({ applied: true, detail: 'agent busy' });
    expect(await state(second.agentId)).toBe('busy');
    // The caller's leg ends the call whichever of its decision ids the proxy kept.
    expect(await event('ended', 'stale-1', { decisionId: first.decisionId, hangupBy: 'caller' })).toMatchObject({ applied: true });
    expect(await state(second.agentId)).toBe('wrap-up');
  });

  it("accepts the call's queue decision id for the offer made once an agent is free (the proxy may keep it)", async () => {
    for (const id of w.agentIds) await t.http.put(`/v1/agents/${id}/state`).set(...sup).send({ state: 'offline' }).expect(200);
    const queued = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('stale-2')).expect(200)).body;
    expect(queued.decision).toBe('queue');
    const agentId = w.agentIds[2];
    await t.http.put(`/v1/agents/${agentId}/state`).set(...sup).send({ state: 'available' }).expect(200);
    const offered = await current('stale-2');
    expect(offered).toMatchObject({ decision: 'agent', agentId });
    expect(await event('answered', 'stale-2', { decisionId: queued.decisionId, agentId })).toEqual({ applied: true, detail: 'agent busy' });
    expect(await state(agentId)).toBe('busy');
  });
});
