import { DataSource } from 'typeorm';
import { localToEpoch } from '../../libs/calendar/src/time-zone.js';
import { ForecastingRepository } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { ForecastClock, RunIntradayCheck, SyncRoutedHistory } from '../../apps/api/src/forecasting/forecasting.use-cases.js';
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

/**
 * Forecasting learns from Vuoro's own contact records: calls routed through the telephony API
 * become interval history (source `routing`), and the intraday job sees today's routed arrivals —
 * so a spike of real calls raises an alert without any import.
 *
 * History: 28 days of 4 calls per quarter-hour 08:00–16:00 (imported). Today (Monday 2026-11-23,
 * Helsinki) through POST /v1/routing/decisions on a moved clock: 4 calls per quarter-hour 08:00–09:00
 * as usual, then 10 per quarter-hour 09:00–10:00; a call that reaches an agent is answered 5 s later and ends after 60 s of talk, the others
 * are abandoned after 20 s.
 */
describe('forecasting history from routed contacts', () => {
  const TZ = 'Europe/Helsinki';
  const TODAY = '2026-11-23';
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let now = 0;
  let routed: { interval: number; answered: boolean }[] = [];
  const PER_QUARTER = [4, 4, 4, 4, 10, 10, 10, 10];

  const decide = (callId: string) => t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId, { callerId: `+35840${callId.replace(/\D/g, '').padStart(7, '0')}` }));
  const event = (name: string, callId: string) => t.http.post('/v1/routing/events').set(...tel).send(eventBody(name, callId)).expect(200);
  const rows = (queueId: string, from: string, to: string) =>
    t.app.get(DataSource).query(
      `SELECT interval_start, interval_minutes, offered, answered, abandoned, answered_within_target, aht_seconds::float8 AS aht, source
       FROM interval_statistics WHERE queue_id = $1 AND interval_start >= $2 AND interval_start < $3 ORDER BY interval_start`,
      [queueId, from, to],
    ) as Promise<{ interval_start: Date; interval_minutes: number; offered: number; answered: number; abandoned: number; answered_within_target: number; aht: number | null; source: string }[]>;

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, reportJobs: false });
    w = await buildRoutingWorld(t, 6);
    tel = bearer(await t.keyFor('telephony'));
    t.app.get(RoutingClock).now = () => new Date(now);
    t.app.get(ForecastClock).now = () => new Date(now);
    for (const a of w.agentIds) {
      const key = (await t.http.post(`/v1/agents/${a}/api-keys`).set(...bearer(t.adminKey)).send({ name: `desk ${a}` }).expect(201)).body.key as string;
      await t.http.put(`/v1/agents/${a}/state`).set(...bearer(key)).send({ state: 'available' }).expect(200);
    }
    // 28 days of flat history for the phone queue, imported (as a customer would bring its old system's figures)
    const history = [];
    for (let d = 28; d >= 1; d--) {
      const day = new Date(Date.parse(`${TODAY}T12:00:00Z`) - d * 86_400_000).toISOString().slice(0, 10);
      for (let m = 8 * 60; m < 16 * 60; m += 15) history.push({ queueId: w.phoneQueueId, intervalMinutes: 15, intervalStart: new Date(localToEpoch(day, m, TZ)), volume: 4, ahtSeconds: 180 });
    }
    await t.app.get(ForecastingRepository).importHistory(history);

    // today 08:00–10:00: 4, then 10 calls per quarter-hour, each call's flow finished before the next arrives
    routed = [];
    for (let q = 0; q < 8; q++) {
      for (let i = 0; i < PER_QUARTER[q]; i++) {
        const arrive = localToEpoch(TODAY, 8 * 60 + q * 15, TZ) + i * 85_000;
        const callId = `spike-${q}-${i}`;
        now = arrive;
        const d = await decide(callId).expect(200);
        if (d.body.decision === 'agent') {
          now = arrive + 5_000;
          await event('answered', callId);
          now = arrive + 65_000;
          await event('ended', callId);
          routed.push({ interval: q, answered: true });
        } else {
          now = arrive + 20_000;
          await event('abandoned', callId);
          routed.push({ interval: q, answered: false });
        }
      }
    }
  });

  afterAll(() => t.close());

  it('turns the routed calls into interval history (offered, answered, abandoned, within target, handle time)', async () => {
    now = localToEpoch(TODAY, 10 * 60 + 5, TZ);
    expect(await t.app.get(SyncRoutedHistory).execute(new Date(now))).toBe(8);
    const today = await rows(w.phoneQueueId, new Date(localToEpoch(TODAY, 0, TZ)).toISOString(), new Date(now).toISOString());
    expect(today.map((r) => r.interval_start.getTime())).toEqual(PER_QUARTER.map((_, q) => localToEpoch(TODAY, 8 * 60 + q * 15, TZ)));
    for (const [q, r] of today.entries()) {
      const mine = routed.filter((c) => c.interval === q);
      const answered = mine.filter((c) => c.answered).length;
      expect(r).toMatchObject({ interval_minutes: 15, offered: PER_QUARTER[q], answered, abandoned: PER_QUARTER[q] - answered, answered_within_target: answered, source: 'routing' });
      // talk 60 s + the queue's default wrap-up of 30 s recorded on the contact's timeline
      if (answered) expect(r.aht).toBeCloseTo(90, 5);
    }
    expect(routed.filter((c) => c.answered).length).toBeGreaterThan(0);
    // again: the same figures, nothing new
    expect(await t.app.get(SyncRoutedHistory).execute(new Date(now))).toBe(8);
    expect(await rows(w.phoneQueueId, new Date(localToEpoch(TODAY, 0, TZ)).toISOString(), new Date(now).toISOString())).toEqual(today);
  });

  it('never overwrites an imported interval, and counts a contact that arrives later', async () => {
    const nine = new Date(localToEpoch(TODAY, 9 * 60, TZ));
    await t.app.get(ForecastingRepository).importHistory([{ queueId: w.phoneQueueId, intervalMinutes: 15, intervalStart: nine, volume: 3, ahtSeconds: 200 }]);
    const late = 'late-1';
    now = localToEpoch(TODAY, 10 * 60 + 1, TZ);
    await decide(late).expect(200);
    now = localToEpoch(TODAY, 10 * 60 + 20, TZ);
    await event('abandoned', late);
    await t.app.get(SyncRoutedHistory).execute(new Date(now));
    const r = await rows(w.phoneQueueId, nine.toISOString(), new Date(now).toISOString());
    expect(r[0]).toMatchObject({ offered: 3, source: 'import', aht: 200 });
    expect(r.find((x) => x.interval_start.getTime() === localToEpoch(TODAY, 10 * 60, TZ))).toMatchObject({ offered: 1, answered: 0, abandoned: 1, source: 'routing' });
  });

  it('raises a spike alert from routed arrivals alone (the intraday job syncs first)', async () => {
    // a fresh app state of the history: drop today's rows so that the job has to build them itself
    await t.app.get(DataSource).query(`DELETE FROM interval_statistics WHERE queue_id = $1 AND interval_start >= $2`, [w.phoneQueueId, new Date(localToEpoch(TODAY, 0, TZ))]);
    now = localToEpoch(TODAY, 10 * 60 + 5, TZ);
    const result = await t.app.get(RunIntradayCheck).execute(new Date(now));
    expect(result.ran).toBe(true);
    const alert = result.alerts.find((a) => a.queueId === w.phoneQueueId);
    expect(alert).toMatchObject({ kind: 'spike-high', localDate: TODAY });
    // 56 calls routed by 10:00 against ~32 forecast: the observed count is the routed calls'
    expect(alert!.observed).toBeGreaterThan(alert!.expected * 1.4);
    expect(alert!.observed).toBeLessThanOrEqual(56);
    expect(new Date(alert!.startedAt).getTime()).toBeGreaterThanOrEqual(localToEpoch(TODAY, 9 * 60, TZ));
  });

  it('stores no handle time for an interval whose calls lasted under 0.05 s, instead of failing the sync (the column holds 0.1 s steps, > 0)', async () => {
    await t.http.put(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...bearer(t.adminKey)).send({ wrapUpSeconds: 0, meanHandleSeconds: 180, callbackThresholdSeconds: 120 }).expect(200);
    const eleven = localToEpoch(TODAY, 11 * 60, TZ);
    now = eleven;
    await t.app.get(RoutingEngine).tick(); // the wrap-ups of the morning's calls end (routing jobs are off here)
    expect((await decide('instant-1').expect(200)).body.decision).toBe('agent');
    now = eleven + 10;
    await event('answered', 'instant-1');
    now = eleven + 50; // 40 ms of talk: rounds to 0.0 s
    await event('ended', 'instant-1');
    now = eleven + 60_000;
    await t.app.get(SyncRoutedHistory).execute(new Date(now));
    const r = await rows(w.phoneQueueId, new Date(eleven).toISOString(), new Date(now).toISOString());
    expect(r).toEqual([expect.objectContaining({ offered: 1, answered: 1, aht: null, source: 'routing' })]);
  });
});
