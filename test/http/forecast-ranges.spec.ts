import { DataSource } from 'typeorm';
import { ForecastClock, RunIntradayCheck } from '../../apps/api/src/forecasting/forecasting.use-cases.js';
import { localToEpoch } from '../../libs/calendar/src/time-zone.js';
import { ForecastingRepository } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { startDemoApp } from '../support/demo-app.js';
import { bearer, type TestApp } from '../support/test-app.js';

/**
 * What a forecast is made from, found by an audit: a future day's forecast changed with the range it
 * was asked in; the intraday re-forecast showed only at the history's own interval length; history
 * imported in half-hours vanished once quarter-hours were stored. The demo agency, "now" Monday
 * 2026-03-02 10:05 in Helsinki.
 */
const TODAY = '2026-03-02';
const TZ = 'Europe/Helsinki';
const NOW = new Date(localToEpoch(TODAY, 10 * 60 + 5, TZ));

interface Point { start: string; localStart: string; volume: number; lower: number; upper: number; method: string }
const sum = (points: Point[]) => points.reduce((a, p) => a + p.volume, 0);
const onDay = (points: Point[], date: string) => points.filter((p) => p.localStart.startsWith(date));

describe('forecast ranges and the history behind them', () => {
  let t: TestApp;
  let queue: Record<string, string>;
  let supervisor: [string, string];
  let db: DataSource;

  beforeAll(async () => {
    ({ t, db, queue, supervisor } = await startDemoApp(TODAY));
    t.app.get(ForecastClock).now = () => new Date(NOW);
  }, 120_000);
  afterAll(() => t.close());

  const forecast = async (key: string, from: string, to: string, intervalMinutes = 15): Promise<Point[]> =>
    (await t.http.get(`/v1/queues/${queue[key]}/forecast?from=${from}&to=${to}&intervalMinutes=${intervalMinutes}`).set(...supervisor).expect(200)).body.points;

  it('forecasts today and later days from the history before today, whatever range they are asked in', async () => {
    const alone = await forecast('phone-fi', '2026-03-04', '2026-03-04', 60);
    const fromPast = await forecast('phone-fi', '2026-02-16', '2026-03-06', 60);
    expect(onDay(fromPast, '2026-03-04')).toEqual(alone);
    expect(onDay(await forecast('phone-fi', TODAY, '2026-03-05', 60), '2026-03-04')).toEqual(alone);
    // the past days of the range are there too, as forecast from the history before the range
    expect(onDay(fromPast, '2026-02-16')).toHaveLength(10);
    expect(onDay(fromPast, TODAY)).toEqual(await forecast('phone-fi', TODAY, TODAY, 60));
  });

  it('shows the stored intraday re-forecast at every interval length, with the same day total', async () => {
    const repo = t.app.get(ForecastingRepository);
    const morning = await forecast('phone-sv', TODAY, TODAY, 15);
    await repo.importHistory(morning.slice(0, 8).map((p) => ({ queueId: queue['phone-sv'], intervalMinutes: 15, intervalStart: new Date(p.start), volume: Math.round(p.volume * 2.2), ahtSeconds: 290 })));
    const check = await t.app.get(RunIntradayCheck).execute(NOW);
    expect(check.alerts.map((a) => a.queueId)).toContain(queue['phone-sv']);
    const quarters = await forecast('phone-sv', TODAY, TODAY, 15);
    const rest = quarters.filter((p) => p.method === 'intraday re-forecast');
    expect(rest[0].localStart).toBe(`${TODAY}T10:00`);
    for (const minutes of [30, 60]) {
      const coarse = await forecast('phone-sv', TODAY, TODAY, minutes);
      expect(coarse.filter((p) => p.method === 'intraday re-forecast')[0].localStart).toBe(`${TODAY}T10:00`);
      expect(coarse.every((p) => p.lower <= p.volume && p.volume <= p.upper)).toBe(true);
      expect(Math.abs(sum(coarse) / sum(quarters) - 1)).toBeLessThan(0.01);
    }
  });

  it('keeps history imported in half-hours when quarter-hours are stored after it', async () => {
    const id = queue['email-sv'];
    const before = await forecast('email-sv', '2026-03-03', '2026-03-03', 15);
    // the weeks before the last one as half-hours, as an import from the old system would have them
    const cut = new Date(localToEpoch('2026-02-23', 0, TZ)).toISOString();
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO interval_statistics (queue_id, interval_minutes, interval_start, offered, answered, abandoned, answered_within_target, aht_seconds, source)
         SELECT queue_id, 30, date_bin('30 minutes', interval_start, timestamptz '2000-01-01'), sum(offered), sum(answered), sum(abandoned), sum(answered_within_target), avg(aht_seconds), 'import'
           FROM interval_statistics WHERE queue_id = $1 AND interval_minutes = 15 AND interval_start < $2 GROUP BY 1, 3`,
        [id, cut],
      );
      await tx.query(`DELETE FROM interval_statistics WHERE queue_id = $1 AND interval_minutes = 15 AND interval_start < $2`, [id, cut]);
    });
    await db.query(`DELETE FROM forecast_method_choices WHERE queue_id = $1`, [id]);
    const after = await forecast('email-sv', '2026-03-03', '2026-03-03', 15);
    // every quarter-hour, and a day within a few per cent of the forecast from the quarter-hours themselves
    expect(after.map((p) => p.localStart)).toEqual(before.map((p) => p.localStart));
    expect(Math.abs(sum(after) / sum(before) - 1)).toBeLessThan(0.05);
  });

  it('leaves a queue younger than a week out of the intraday check without calling it a failure', async () => {
    // a queue opened today: its first intervals are in, but there is no forecast to compare them with yet
    const phone = (await db.query(`SELECT department_id, calendar_id FROM queues WHERE id = $1`, [queue['phone-fi']]))[0];
    const created = await t.http
      .post('/v1/queues')
      .set(...bearer(t.adminKey))
      .send({ key: 'phone-new', name: 'Phone, new line', departmentId: phone.department_id, channel: 'phone', language: 'fi', calendarId: phone.calendar_id, requiredSkills: [] })
      .expect(201);
    const start = localToEpoch(TODAY, 8 * 60, TZ);
    await t.app.get(ForecastingRepository).importHistory([0, 1, 2, 3].map((i) => ({ queueId: created.body.id, intervalMinutes: 15, intervalStart: new Date(start + i * 900_000), volume: 40, ahtSeconds: 300 })));
    const run = await t.app.get(RunIntradayCheck).execute(NOW);
    expect(run.ran).toBe(true);
    expect(run.failed ?? []).toEqual([]);
    expect(run.alerts.map((a) => a.queueId)).not.toContain(created.body.id);
  });
});
