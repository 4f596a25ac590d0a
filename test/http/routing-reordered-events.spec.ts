import { DataSource } from 'typeorm';
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { RefreshReportRollups } from '../../apps/api/src/reports/report-rollup.job.js';
import { ForecastingRepository } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

/**
 * Telephony events reordered on the way (by the network or a proxy): the `ended` of a talked call
 * arrives before its `answered`. The engine clock is T + s seconds, T = Monday 2026-11-23 10:00
 * Helsinki; the telephony system's clock agrees.
 *
 *   ro-1  decided T+0 (agent A rings); ended arrives at T+130 saying the agent leg talked 120 s
 *         until T+130, so A answered at T+10; the answered arrives after it, at T+131.
 *   ro-2  decided T+200 (agent B); the caller hangs up while it rings: agent leg, 0 s talked.
 *   ro-3  decided T+210 (agent B); the caller hangs up after 45 s on the caller's leg (waiting and
 *         ringing included): no evidence that anyone talked.
 */
describe('routing: an ended that overtook its answered', () => {
  const T = Date.parse('2026-11-23T08:00:00Z');
  const iso = (s: number) => new Date(T + s * 1000).toISOString();
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let mgr: [string, string];
  let offset = 0;
  const at = (s: number) => {
    offset = s;
  };
  const decide = (callId: string, callerId: string) => t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId, { callerId })).expect(200);
  const event = async (name: string, callId: string, extra: Record<string, unknown>) =>
    (await t.http.post('/v1/routing/events').set(...tel).send(eventBody(name, callId, extra)).expect(200)).body as { applied: boolean; detail: string };
  const contact = async (callId: string) => (await t.http.get(`/v1/contacts/${callId}`).set(...sup).expect(200)).body;
  const agentState = async (agentId: string) => (await t.http.get(`/v1/agents/${agentId}/state`).set(...sup).expect(200)).body.state as string;
  const offers: Record<string, { decisionId: string; agentId: string }> = {};

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, reportJobs: false });
    w = await buildRoutingWorld(t, 2);
    tel = bearer(await t.keyFor('telephony'));
    sup = bearer(await t.keyFor('supervisor'));
    mgr = bearer(await t.keyFor('manager'));
    t.app.get(RoutingClock).now = () => new Date(T + offset * 1000);
    at(-60);
    for (const a of w.agentIds) await t.http.put(`/v1/agents/${a}/state`).set(...sup).send({ state: 'available' }).expect(200);
  });
  afterAll(() => t.close());

  it('records the call as answered at ts − durationSec and ended, the agent in wrap-up; the late answered is a duplicate', async () => {
    at(0);
    const d = (await decide('ro-1', '+358401111111')).body;
    expect(d.decision).toBe('agent');
    offers['ro-1'] = d;
    at(130);
    expect(await event('ended', 'ro-1', { decisionId: d.decisionId, agentId: d.agentId, leg: 'agent', hangupBy: 'caller', durationSec: 120, ts: iso(130) })).toEqual({
      applied: true,
      detail: 'answered and ended, agent in wrap-up',
    });
    expect(await agentState(d.agentId)).toBe('wrap-up');
    at(131);
    expect(await event('answered', 'ro-1', { decisionId: d.decisionId, agentId: d.agentId, leg: 'agent', ts: iso(10) })).toEqual({ applied: false, detail: 'contact is ended' });
    expect(await agentState(d.agentId)).toBe('wrap-up');
    const c = await contact('ro-1');
    expect(c).toMatchObject({ status: 'ended', answeredAt: iso(10), endedAt: iso(130) });
    expect(c.timeline.map((e: { type: string; at: string; agentId: string | null }) => [e.type, e.at, e.agentId])).toEqual([
      ['queued', iso(0), null],
      ['reserved', iso(0), d.agentId],
      ['offered', iso(0), d.agentId],
      ['accepted', iso(10), d.agentId],
      ['answered', iso(10), d.agentId],
      ['ended', iso(130), d.agentId],
    ]);
    expect(c.timeline[4].detail).toEqual({ inferredFrom: 'ended', leg: 'agent', hangupBy: 'caller', durationSec: 120, telephonyTs: iso(130) });
    // Occupancy reads the agent's state spans: ringing until the answer, then on the call until the end.
    const spans = (await t.app.get(DataSource).query(`SELECT state, started_at AS "from", ended_at AS "to" FROM report_agent_states WHERE agent_id = $1 ORDER BY started_at`, [
      d.agentId,
    ])) as { state: string; from: Date; to: Date }[];
    expect(spans.map((s) => [s.state, s.from.toISOString(), s.to.toISOString()])).toEqual([
      ['available', iso(-60), iso(0)],
      ['reserved', iso(0), iso(10)],
      ['busy', iso(10), iso(130)],
    ]);
  });

  it('still abandons a call that rang without evidence of talk: 0 s on the agent leg, or seconds on the caller leg', async () => {
    at(200);
    const two = (await decide('ro-2', '+358402222222')).body;
    expect(two.decision).toBe('agent');
    expect(two.agentId).not.toBe(offers['ro-1'].agentId);
    at(204);
    expect(await event('ended', 'ro-2', { decisionId: two.decisionId, agentId: two.agentId, leg: 'agent', hangupBy: 'caller', durationSec: 0, ts: iso(204) })).toEqual({
      applied: true,
      detail: 'contact abandoned, agent released',
    });
    at(210);
    const three = (await decide('ro-3', '+358403333333')).body;
    expect(three.agentId).toBe(two.agentId);
    at(215);
    expect(await event('ended', 'ro-3', { decisionId: three.decisionId, leg: 'caller', hangupBy: 'caller', durationSec: 45, ts: iso(215) })).toEqual({
      applied: true,
      detail: 'contact abandoned, agent released',
    });
    for (const callId of ['ro-2', 'ro-3']) {
      const c = await contact(callId);
      expect(c).toMatchObject({ status: 'abandoned', answeredAt: null });
      expect(c.timeline.map((e: { type: string }) => e.type)).toEqual(['queued', 'reserved', 'offered', 'abandoned']);
    }
    expect(await agentState(two.agentId)).toBe('available');
  });

  it('counts the reordered call as answered in the reports, with its wait and handle time', async () => {
    at(400);
    await t.app.get(RefreshReportRollups).execute(Number.POSITIVE_INFINITY);
    const queue = await t.http.get('/v1/reports/contacts').query({ from: '2026-11-23', to: '2026-11-23', period: 'day', queueId: w.phoneQueueId, thresholdSeconds: 30 }).set(...mgr).expect(200);
    expect(queue.body.rows).toEqual([
      expect.objectContaining({ offered: 3, answered: 1, abandoned: 2, answeredWithinThreshold: 1, averageSpeedOfAnswerSeconds: 10, averageHandleSeconds: 120, averageWrapUpSeconds: 30 }),
    ]);
    const agents = await t.http.get('/v1/reports/contacts').query({ from: '2026-11-23', to: '2026-11-23', period: 'day', groupBy: 'agent', channel: 'phone' }).set(...mgr).expect(200);
    const row = agents.body.rows.find((r: { group: string }) => r.group === offers['ro-1'].agentId);
    expect(row).toMatchObject({ offered: 1, answered: 1, averageSpeedOfAnswerSeconds: 10, averageHandleSeconds: 120 });
  });

  it('counts it as answered in the forecasting history, with its handle time', async () => {
    await t.app.get(ForecastingRepository).syncRoutedHistory(new Date(T + 3600_000));
    const rows = (await t.app.get(DataSource).query(
      `SELECT offered, answered, abandoned, answered_within_target, aht_seconds::float8 AS aht FROM interval_statistics WHERE queue_id = $1 AND source = 'routing'`,
      [w.phoneQueueId],
    )) as { offered: number; answered: number; abandoned: number; answered_within_target: number; aht: number }[];
    // handle 120 s talked + 30 s wrap-up
    expect(rows).toEqual([{ offered: 3, answered: 1, abandoned: 2, answered_within_target: 1, aht: 150 }]);
  });
});
