import { bearer, type TestApp } from '../support/test-app.js';
import { callBody, eventBody, startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

/**
 * The estimated wait of a queue decision, and the wallboard's for the same state, count an agent in
 * wrap-up as free when its wrap-up ends (`wrapUpUntil`), not after a mean handle time: the only agent
 * 5 s from the end of its wrap-up answers the next call in 5 s. Mean handle time 300 s, wrap-up 60 s,
 * callback threshold 30 s (so the old figure, 300 s, also offered a callback).
 */
describe('routing: estimated wait with the agent in wrap-up', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let time: { offsetMs: number };
  // A frozen routing clock (moved by time.offsetMs): the figures are whole seconds of it.
  const base = Date.now();

  beforeAll(async () => {
    let clock;
    ({ t, w, tel, sup, time, clock } = await startRoutingTestApp(1));
    clock.now = () => new Date(base + time.offsetMs);
    await t.http.put(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...sup).send({ wrapUpSeconds: 60, meanHandleSeconds: 300, callbackThresholdSeconds: 30 }).expect(200);
  });
  afterAll(() => t.close());

  const event = (name: string, callId: string, extra: Record<string, unknown> = {}) =>
    t.http.post('/v1/routing/events').set(...tel).send(eventBody(name, callId, { ts: new Date(base + time.offsetMs).toISOString(), ...extra })).expect(200);
  const stats = async () => (await t.http.get(`/v1/queues/${w.phoneQueueId}/stats`).set(...sup).expect(200)).body;

  it('counts the wrap-up agent from the end of its wrap-up, on the decision, its long poll and the wallboard', async () => {
    const first = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('wrap-1')).expect(200)).body;
    expect(first.decision).toBe('agent');
    await event('answered', 'wrap-1', { decisionId: first.decisionId, agentId: first.agentId, leg: 'agent' });
    time.offsetMs += 40_000;
    expect((await event('ended', 'wrap-1', { decisionId: first.decisionId, agentId: first.agentId, leg: 'agent', hangupBy: 'caller', durationSec: 40 })).body).toEqual({
      applied: true,
      detail: 'agent in wrap-up',
    });
    // 55 s into the 60 s wrap-up.
    time.offsetMs += 55_000;
    const state = (await t.http.get(`/v1/agents/${w.agentIds[0]}/state`).set(...sup).expect(200)).body;
    expect(state).toMatchObject({ state: 'wrap-up' });
    const next = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('wrap-2', { callerId: '+358402222222' })).expect(200)).body;
    expect(next).toMatchObject({ decision: 'queue', position: 1, estimatedWaitSeconds: 5, callbackOffered: false });
    // The wallboard gives a new caller's figure: second in line, the agent's next call after this one, (2 − 1) × 300 s.
    expect((await stats()).estimatedWaitSeconds).toBe(300);
    // Two seconds on, the waiting call's long poll counts down with the wrap-up.
    time.offsetMs += 2_000;
    const poll = (await t.http.get('/v1/routing/decisions/wrap-2?waitSeconds=0').set(...tel).expect(200)).body;
    expect(poll).toMatchObject({ decision: 'queue', position: 1, estimatedWaitSeconds: 3, callbackOffered: false });
    await event('abandoned', 'wrap-2', { hangupBy: 'caller' });
    // Nobody waiting now: the wallboard's figure for a new caller is the wrap-up left.
    expect((await stats()).estimatedWaitSeconds).toBe(3);
  });
});
