import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

/**
 * `leg` and `hangupBy` of POST /v1/routing/events name a few values (libs/routing CALL_LEGS,
 * HANGUP_PARTIES), read in any case and stored lower-case — before, `leg: "Agent"` silently turned off
 * the talk-time rule (an `ended` of the agent's leg with durationSec > 0 says the call was talked).
 * Another value is stored as sent and means nothing to routing: the PBX's event is never refused for
 * it (a refused `ended` would hold the agent until the queue's maximum duration).
 * T = Monday 2026-11-23 10:00 Helsinki.
 */
describe('routing: the leg and hangupBy of a telephony event', () => {
  const T = Date.parse('2026-11-23T08:00:00Z');
  const iso = (s: number) => new Date(T + s * 1000).toISOString();
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let offset = 0;
  const post = (name: string, callId: string, extra: Record<string, unknown>) => t.http.post('/v1/routing/events').set(...tel).send(eventBody(name, callId, extra));

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, reportJobs: false });
    w = await buildRoutingWorld(t, 1);
    tel = bearer(await t.keyFor('telephony'));
    sup = bearer(await t.keyFor('supervisor'));
    t.app.get(RoutingClock).now = () => new Date(T + offset * 1000);
    await t.http.put(`/v1/agents/${w.agentIds[0]}/state`).set(...sup).send({ state: 'available' }).expect(200);
  });
  afterAll(() => t.close());

  it('takes a leg or hangupBy it does not know as sent, reading it as no leg of ours, and refuses only what is not text of at most 32 characters', async () => {
    offset = 0;
    const d = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('values-1')).expect(200)).body;
    expect(d.decision).toBe('agent');
    const long = await post('answered', 'values-1', { decisionId: d.decisionId, leg: 'x'.repeat(33) }).expect(422);
    expect(long.body.errors).toEqual([expect.objectContaining({ field: 'leg', rule: 'maxLength' })]);
    expect((await post('answered', 'values-1', { decisionId: d.decisionId, hangupBy: 3 }).expect(422)).body.errors).toEqual([expect.objectContaining({ field: 'hangupBy', rule: 'isString' })]);
    expect((await t.http.get('/v1/contacts/values-1').set(...sup).expect(200)).body).toMatchObject({ status: 'offered' });
    // Another call on hold in line: an unknown leg with talk time is no evidence an agent talked, so its
    // ended is the caller leaving, as it would be without a leg; the value is kept in the timeline.
    expect((await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('values-0')).expect(200)).body.decision).toBe('queue');
    expect((await post('ended', 'values-0', { leg: 'Callee-B', hangupBy: 'Remote-Party', durationSec: 5 }).expect(200)).body).toEqual({ applied: true, detail: 'contact abandoned' });
    const gone = (await t.http.get('/v1/contacts/values-0').set(...sup).expect(200)).body;
    expect(gone).toMatchObject({ status: 'abandoned' });
    expect(gone.timeline.at(-1).detail).toMatchObject({ leg: 'Callee-B', hangupBy: 'Remote-Party' });
  });

  it('takes "Agent" as the agent leg: an ended with talk time that overtook its answered records the call answered and ended', async () => {
    offset = 130;
    const d = (await t.http.get('/v1/routing/decisions/values-1').set(...tel).expect(200)).body;
    const res = await post('ended', 'values-1', { decisionId: d.decisionId, agentId: d.agentId, leg: 'Agent', hangupBy: 'CALLER', durationSec: 120, ts: iso(130) }).expect(200);
    expect(res.body).toEqual({ applied: true, detail: 'answered and ended, agent in wrap-up' });
    const c = (await t.http.get('/v1/contacts/values-1').set(...sup).expect(200)).body;
    expect(c).toMatchObject({ status: 'ended', answeredAt: iso(10), endedAt: iso(130) });
    const answered = c.timeline.find((e: { type: string }) => e.type === 'answered');
    expect(answered.detail).toEqual({ inferredFrom: 'ended', leg: 'agent', hangupBy: 'caller', durationSec: 120, telephonyTs: iso(130) });
  });
});
