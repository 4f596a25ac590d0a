import pg from 'pg';
import { DataSource } from 'typeorm';
import { RunIntradayCheck } from '../../apps/api/src/forecasting/forecasting.use-cases.js';
import { generateDemoData } from '../../libs/demo-data/src/generate-demo-data.js';
import { localDateOf, localToEpoch } from '../../libs/calendar/src/time-zone.js';
import { TypeOrmDemoDataRepository } from '../../libs/persistence/src/repositories/demo-data.repository.js';
import { ForecastingRepository, INTRADAY_JOB_LOCK_KEY } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Forecasting API on the demo agency with a fixed "today" (Monday 2026-03-02): 13 weeks of 15-minute
 * history with letter-batch spikes, holidays and a +20 % level shift; a batch of 30 000 letters is
 * planned for Tuesday 2026-03-03, whose calls peak two days later.
 */
const TODAY = '2026-03-02';
const TZ = 'Europe/Helsinki';

interface Point { start: string; localStart: string; volume: number; aht: number | null; lower: number; upper: number; method: string }
const dayTotal = (points: Point[], date: string) => points.filter((p) => p.localStart.startsWith(date)).reduce((a, p) => a + p.volume, 0);

describe('forecasting API', () => {
  let t: TestApp;
  let queue: Record<string, string>;
  let departmentId: string;
  let supervisor: [string, string];

  beforeAll(async () => {
    t = await startTestApp();
    const demo = generateDemoData({ today: TODAY });
    await new TypeOrmDemoDataRepository(t.app.get(DataSource)).loadIntoEmptyDatabase(demo);
    supervisor = bearer(await t.keyFor('supervisor'));
    const queues = await t.http.get('/v1/queues').set(...supervisor).expect(200);
    const list = (queues.body.items ?? queues.body) as { id: string; key: string; departmentId: string }[];
    queue = Object.fromEntries(list.map((q) => [q.key, q.id]));
    departmentId = list.find((q) => q.key === 'phone-fi')!.departmentId;
  }, 120_000);
  afterAll(() => t.close());

  it('forecasts a queue per 15-minute interval on its local clock with AHT and prediction intervals', async () => {
    const res = await t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?from=2026-03-02&to=2026-03-06`).set(...bearer(await t.keyFor('manager'))).expect(200);
    expect(res.body).toMatchObject({ queueId: queue['phone-fi'], intervalMinutes: 15, timeZone: TZ, intervalLevel: 0.8 });
    const points = res.body.points as Point[];
    expect(points).toHaveLength(5 * 40); // Mon–Fri 08:00–17:45, learned from the history
    expect(points[0]).toMatchObject({ localStart: '2026-03-02T08:00', start: '2026-03-02T06:00:00.000Z' });
    expect(points[39].localStart).toBe('2026-03-02T17:45');
    for (const p of points) {
      expect(p.lower).toBeLessThanOrEqual(p.volume);
      expect(p.upper).toBeGreaterThanOrEqual(p.volume);
      expect(p.aht).toBeGreaterThan(200);
      expect(p.method).toContain('letter-batch');
    }
    const hourly = await t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?from=2026-03-02&to=2026-03-02&intervalMinutes=60`).set(...supervisor).expect(200);
    expect(hourly.body.points).toHaveLength(10);
    // one method choice serves both lengths; a state-space method fitted on hours is not the sum of its quarter-hours exactly
    expect(hourly.body.methodChoice).toEqual(res.body.methodChoice);
    expect(Math.abs(dayTotal(hourly.body.points, TODAY) / dayTotal(points, TODAY) - 1)).toBeLessThan(0.01);
    // A day already in the history is forecast from the history before it: all its intervals, not none (an audit got 0 points).
    const past = await t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?from=2026-02-24&to=2026-02-24`).set(...supervisor).expect(200);
    expect(past.body.points).toHaveLength(40);
    expect(past.body.points[0].localStart).toBe('2026-02-24T08:00');
  });

  it('chooses each queue\'s method by backtest once a day, stores it, forecasts every interval length with it, and chooses again after an import', async () => {
    const db = t.app.get(DataSource);
    const url = (from: string, to: string, interval = 15) => `/v1/queues/${queue['email-fi']}/forecast?from=${from}&to=${to}&intervalMinutes=${interval}`;
    const first = (await t.http.get(url('2026-03-03', '2026-03-03')).set(...supervisor).expect(200)).body;
    const today = localDateOf(Date.now(), TZ);
    const choice = first.methodChoice;
    expect(choice).toMatchObject({ chosenOn: today, origins: 8 });
    expect(choice.candidates.map((c: { method: string }) => c.method).sort()).toEqual(['dshw-taylor', 'mstl-ets', 'same-slot-mean-4', 'same-slot-mean-8', 'vuoro-default']);
    for (const c of choice.candidates) expect(c.wape).toBeGreaterThan(0);
    const defaultWape = choice.candidates.find((c: { method: string }) => c.method === 'vuoro-default').wape;
    // the default unless an option beat it by more than 30 % on the same origins
    if (choice.label === 'vuoro-default') expect(choice.trainingWape).toBe(defaultWape);
    else expect(choice.trainingWape).toBeLessThan(0.7 * defaultWape);
    expect(Object.values(choice.weights).reduce((a: number, b) => a + (b as number), 0)).toBeCloseTo(1, 9);
    const [row] = await db.query(`SELECT interval_minutes, to_char(chosen_on, 'YYYY-MM-DD') AS chosen_on, choice, created_at FROM forecast_method_choices WHERE queue_id = $1`, [queue['email-fi']]);
    expect(row).toMatchObject({ interval_minutes: 15, chosen_on: today, choice: expect.objectContaining({ label: choice.label, weights: choice.weights }) });

    // the same choice serves the day at every interval length: no second backtest
    const hourly = (await t.http.get(url('2026-03-03', '2026-03-03', 60)).set(...supervisor).expect(200)).body;
    expect(hourly.methodChoice).toEqual(choice);
    const [again] = await db.query('SELECT created_at FROM forecast_method_choices WHERE queue_id = $1', [queue['email-fi']]);
    expect(again.created_at).toEqual(row.created_at);

    // a stored choice is what the forecast uses
    const meanOf4 = { label: 'same-slot-mean-4', weights: { 'same-slot-mean-4': 1 }, trainingWape: 1, candidateWape: { 'same-slot-mean-4': 1 }, origins: 8, scoredIntervalMinutes: 15 };
    await db.query('UPDATE forecast_method_choices SET choice = $2 WHERE queue_id = $1', [queue['email-fi'], JSON.stringify(meanOf4)]);
    const forced = (await t.http.get(url('2026-03-03', '2026-03-03')).set(...supervisor).expect(200)).body;
    expect(forced.method).toContain('same-slot-mean-4, chosen per queue by a 8-week backtest');
    expect(forced.methodChoice.label).toBe('same-slot-mean-4');

    // yesterday's choice is made again today; so is one an import of history dropped
    await db.query(`UPDATE forecast_method_choices SET chosen_on = chosen_on - 1 WHERE queue_id = $1`, [queue['email-fi']]);
    const next = (await t.http.get(url('2026-03-03', '2026-03-03')).set(...supervisor).expect(200)).body;
    expect(next.methodChoice).toEqual(choice);
    expect(next.points).toEqual(first.points);
    await t.app.get(ForecastingRepository).importHistory([{ queueId: queue['email-fi'], intervalMinutes: 15, intervalStart: new Date('2025-11-24T08:00:00Z'), volume: 3, ahtSeconds: null }]);
    expect(await db.query('SELECT 1 FROM forecast_method_choices WHERE queue_id = $1', [queue['email-fi']])).toEqual([]);
    await db.query(`DELETE FROM interval_statistics WHERE queue_id = $1 AND interval_start = '2025-11-24T08:00:00Z'`, [queue['email-fi']]);
  }, 120_000);

  it('rejects a bad range or interval naming the field, and an unknown queue with 404', async () => {
    const bad = await t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?from=2026-03-06&to=2026-03-02`).set(...supervisor).expect(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'to', rule: 'range' })]);
    const interval = await t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?from=2026-03-02&to=2026-03-02&intervalMinutes=20`).set(...supervisor).expect(422);
    expect(interval.body.errors).toEqual([expect.objectContaining({ field: 'intervalMinutes' })]);
    await t.http.get('/v1/queues/00000000-0000-4000-8000-000000000000/forecast?from=2026-03-02&to=2026-03-02').set(...supervisor).expect(404);
    // The forecast reaches 400 days past the history (to early April 2027): further out is 422 naming the field, not 200 with no points (an audit).
    const nextYear = await t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?from=2027-03-22&to=2027-03-26`).set(...supervisor).expect(200);
    expect(nextYear.body.points.length).toBeGreaterThan(0);
    const farAhead = await t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?from=2027-09-06&to=2027-09-10`).set(...supervisor).expect(422);
    expect(farAhead.body.errors).toEqual([expect.objectContaining({ field: 'from', rule: 'horizon' })]);
    expect(farAhead.body.errors[0].message).toMatch(/reaches 400 days past the history, to 2027-04-0\d/);
    const endsPast = await t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?from=2027-03-22&to=2027-05-10`).set(...supervisor).expect(422);
    expect(endsPast.body.errors).toEqual([expect.objectContaining({ field: 'to', rule: 'horizon' })]);
    // Dates that do not exist, or years the calendars do not handle, are 422 on their own field (an audit saw 500s).
    for (const [query, field] of [['from=2026-02-30&to=2026-03-02', 'from'], ['from=2026-13-01&to=2026-13-02', 'from'], ['from=2026-03-02&to=10000-01-01', 'to'], ['from=0001-01-01&to=0001-01-02', 'from']] as const) {
      const res = await t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?${query}`).set(...supervisor).expect(422);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule: 'localDate' })]));
    }
    const batches = await t.http.get('/v1/letter-batches?from=2026-02-30').set(...supervisor).expect(422);
    expect(batches.body.errors).toEqual([expect.objectContaining({ field: 'from', rule: 'localDate' })]);
    const reversed = await t.http.get('/v1/letter-batches?from=2026-12-01&to=2026-11-01').set(...supervisor).expect(422);
    expect(reversed.body.errors).toEqual([expect.objectContaining({ field: 'to', rule: 'afterFrom' })]);
    await t.http.get('/v1/letter-batches?from=2026-12-01&to=2026-12-01').set(...supervisor).expect(200);
  });

  it('reads no further than three years back and nothing dated in the future: stray rows do not stretch the series', async () => {
    const url = `/v1/queues/${queue['phone-fi']}/forecast?from=2026-03-03&to=2026-03-04`;
    const before = (await t.http.get(url).set(...supervisor).expect(200)).body;
    const db = t.app.get(DataSource);
    // An audit imported such rows: the next forecast modelled every interval between them and never answered.
    await db.query(`INSERT INTO interval_statistics (queue_id, interval_minutes, interval_start, offered, answered, abandoned, answered_within_target, source) VALUES ($1, 15, '2099-11-24T06:00Z', 5, 5, 0, 5, 'import'), ($1, 15, '1950-11-24T06:00Z', 5, 5, 0, 5, 'import')`, [queue['phone-fi']]);
    try {
      const after = (await t.http.get(url).set(...supervisor).timeout(30_000).expect(200)).body;
      expect(after).toEqual(before);
    } finally {
      await db.query(`DELETE FROM interval_statistics WHERE queue_id = $1 AND interval_start IN ('2099-11-24T06:00Z', '1950-11-24T06:00Z')`, [queue['phone-fi']]);
    }
  });

  it('learns the letter-batch uplift: the planned mailing raises the forecast two days later, and without it, not', async () => {
    const url = `/v1/queues/${queue['phone-fi']}/forecast?from=2026-03-02&to=2026-03-06`;
    const withBatch = await t.http.get(url).set(...supervisor).expect(200);
    const lag2 = withBatch.body.letterEffects.find((e: { lag: number }) => e.lag === 2).upliftPer10kLetters;
    expect(lag2).toBeGreaterThan(0.05); // the demo's truth: 0.22 per 25 000 letters = 0.088 per 10 000
    expect(withBatch.body.afterHolidayUplift).toBeGreaterThan(0);

    const batches = await t.http.get(`/v1/letter-batches?departmentId=${departmentId}&from=${TODAY}`).set(...supervisor).expect(200);
    expect(batches.body).toEqual([expect.objectContaining({ sentOn: '2026-03-03', letters: 30000 })]);
    await t.http.delete(`/v1/letter-batches/${batches.body[0].id}`).set(...supervisor).expect(204);
    const without = await t.http.get(url).set(...supervisor).expect(200);

    const ratio = (d: string) => dayTotal(withBatch.body.points, d) / dayTotal(without.body.points, d);
    expect(ratio('2026-03-05')).toBeGreaterThan(1.15); // Thursday: two days after the mailing
    expect(ratio('2026-03-02')).toBeCloseTo(1, 2); // Monday: before it
    expect(ratio('2026-03-05')).toBeGreaterThan(ratio('2026-03-04'));

    // put it back through the API
    const created = await t.http.post('/v1/letter-batches').set(...supervisor).send({ departmentId, sentOn: '2026-03-03', letters: 30000, description: 'Planned collection letters' }).expect(201);
    const again = await t.http.get(url).set(...supervisor).expect(200);
    expect(dayTotal(again.body.points, '2026-03-05')).toBeCloseTo(dayTotal(withBatch.body.points, '2026-03-05'), 6);
    await t.http.get(`/v1/letter-batches/${created.body.id}`).set(...supervisor).expect(200);
  });

  it('keeps letter batches valid: CRUD, 422 naming the field, 404', async () => {
    const created = await t.http.post('/v1/letter-batches').set(...supervisor).send({ departmentId, sentOn: '2026-04-14', letters: 12000, description: 'April batch' }).expect(201);
    const replaced = await t.http.put(`/v1/letter-batches/${created.body.id}`).set(...supervisor).send({ departmentId, sentOn: '2026-04-15', letters: 13000, description: 'April batch, moved' }).expect(200);
    expect(replaced.body).toMatchObject({ sentOn: '2026-04-15', letters: 13000 });
    const bad = await t.http.post('/v1/letter-batches').set(...supervisor).send({ departmentId, sentOn: '2026-02-30', letters: 0, description: '' }).expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['description', 'letters', 'sentOn']);
    // A number sent as a string broke one rule, its type: not also "less than 1" and "greater than 10000000" (an audit got all three).
    const text = await t.http.post('/v1/letter-batches').set(...supervisor).send({ departmentId, sentOn: '2026-04-14', letters: '500', description: 'x' }).expect(422);
    expect(text.body.errors).toEqual([{ field: 'letters', rule: 'isInt', message: 'letters must be an integer number (got a string)' }]);
    const fraction = await t.http.post('/v1/letter-batches').set(...supervisor).send({ departmentId, sentOn: '2026-04-14', letters: 0.5, description: 'x' }).expect(422);
    expect(fraction.body.errors.map((e: { rule: string }) => e.rule).sort()).toEqual(['isInt', 'min']);
    const badDate = await t.http.post('/v1/letter-batches').set(...supervisor).send({ departmentId, sentOn: '2026-02-30', letters: 1, description: 'x' }).expect(422);
    expect(badDate.body.errors).toEqual([expect.objectContaining({ field: 'sentOn', rule: 'localDate' })]);
    const noDept = await t.http.post('/v1/letter-batches').set(...supervisor).send({ departmentId: '00000000-0000-4000-8000-000000000000', sentOn: '2026-04-14', letters: 1, description: 'x' }).expect(422);
    expect(noDept.body.errors).toEqual([expect.objectContaining({ field: 'departmentId', rule: 'exists' })]);
    await t.http.delete(`/v1/letter-batches/${created.body.id}`).set(...supervisor).expect(204);
    await t.http.delete(`/v1/letter-batches/${created.body.id}`).set(...supervisor).expect(404);
    await t.http.post('/v1/letter-batches').set(...bearer(await t.keyFor('manager'))).send({ departmentId, sentOn: '2026-04-14', letters: 1, description: 'x' }).expect(403);
  });

  it('backtests a queue or an inline series: WAPE, MAPE, MASE, RMSE', async () => {
    const r = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ queueId: queue['phone-fi'], method: 'vuoro-default', origins: 4, horizon: 5 }).expect(200);
    expect(r.body).toMatchObject({ origins: 4, horizonDays: 5 });
    expect(r.body.wape).toBeGreaterThan(0);
    expect(r.body.wape).toBeLessThan(25);
    expect(r.body.mase).toBeGreaterThan(0);
    expect(r.body.points).toBeLessThanOrEqual(4 * 5 * 40);
    const naive = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ queueId: queue['phone-fi'], method: 'seasonal-naive', origins: 4 }).expect(200);
    expect(naive.body.rmse).toBeGreaterThan(0);
    const values = Array.from({ length: 7 * 24 * 10 }, (_, i) => (i % 24 >= 8 && i % 24 < 18 && i % 168 < 120 ? 100 + 20 * Math.sin(i) : 0));
    const inline = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ series: { start: '2026-01-05T00:00', intervalMinutes: 60, values }, method: 'same-slot-mean-4', origins: 2 }).expect(200);
    expect(inline.body.origins).toBe(2);
    // A constant 24/7 series is forecast exactly, whatever hour it starts at: a partial first or last day is not read as empty (an audit got 16–20 %).
    const flat = new Array(7 * 48 * 10).fill(10);
    for (const start of ['2026-03-02T00:00', '2026-03-02T03:30', '2026-03-02T12:00']) {
      const constant = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ series: { start, intervalMinutes: 30, values: flat }, method: 'vuoro-default', origins: 5 }).expect(200);
      expect(constant.body.wape).toBeLessThan(1e-6);
    }
    // 13 weeks of history allow 12 origins: an audit asked for 26 and was answered with 12 as if that were what it asked.
    const tooMany = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ queueId: queue['phone-fi'], method: 'seasonal-naive', origins: 26 }).expect(422);
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'origins', rule: 'enoughHistory' })]);
    expect(tooMany.body.errors[0].message).toContain('at most 12 origins');
    const most = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ queueId: queue['phone-fi'], method: 'seasonal-naive', origins: 12 }).expect(200);
    expect(most.body.origins).toBe(12);
    const shortSeries = { start: '2026-01-05T00:00', intervalMinutes: 60, values: values.slice(0, 3 * 168) };
    const shortDefault = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ series: shortSeries, method: 'seasonal-naive' }).expect(200);
    expect(shortDefault.body.origins).toBe(2); // left out: 5, or as many as the history allows
    // phone-fi works Mon–Fri: a week after each origin holds 5 active days, not 7
    const longHorizon = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ queueId: queue['phone-fi'], method: 'seasonal-naive', origins: 4, horizon: 7 }).expect(422);
    expect(longHorizon.body.errors).toEqual([expect.objectContaining({ field: 'horizon', rule: 'activeDays' })]);
    const both = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({}).expect(422);
    expect(both.body.errors).toEqual([expect.objectContaining({ field: 'queueId', rule: 'exactlyOne' })]);
    // an inline series starts at a time that exists, on its grid, with finite volumes (an audit got 200s for all of these)
    const series = (over: Record<string, unknown>) => ({ series: { start: '2026-01-05T00:00', intervalMinutes: 30, values: new Array(672).fill(5), ...over }, method: 'seasonal-naive' });
    for (const [over, field, rule] of [
      [{ start: '2026-02-30T00:00' }, 'series.start', 'localTimestamp'],
      [{ start: '2026-01-05T24:00' }, 'series.start', 'localTimestamp'],
      [{ start: '0000-01-05T00:00' }, 'series.start', 'localTimestamp'],
      [{ start: '2026-01-05T00:07' }, 'series.start', 'grid'],
      [{ values: [...new Array(671).fill(5), 1e308] }, 'series.values', 'max'],
    ] as const) {
      const r = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send(series(over)).expect(422);
      expect(r.body.errors).toEqual([expect.objectContaining({ field, rule })]);
    }
    // nothing arrived: the relative errors are undefined, which the schema says (null), the absolute one is 0
    const zeros = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send(series({ values: new Array(672).fill(0) })).expect(200);
    expect(zeros.body).toMatchObject({ wape: null, mape: null, mase: null, rmse: 0, points: 336 });
    const badMethod = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ queueId: queue['phone-fi'], method: 'prophet' }).expect(422);
    expect(badMethod.body.errors).toEqual([expect.objectContaining({ field: 'method', rule: 'isIn' })]);
  });

  it('intraday job: raises a spike alert, stores the rest-of-day re-forecast, alerts can be acknowledged', async () => {
    const repo = t.app.get(ForecastingRepository);
    const check = t.app.get(RunIntradayCheck);
    // today's arrivals 08:00–10:00: phone-fi as forecast until 09:00, then at 2.2 × its forecast (a
    // surge that began at 09:00); phone-sv as forecast all morning
    const morning = async (key: string, factor: (slot: number) => number) => {
      const fc = await t.http.get(`/v1/queues/${queue[key]}/forecast?from=${TODAY}&to=${TODAY}`).set(...supervisor).expect(200);
      const rows = (fc.body.points as Point[]).slice(0, 8).map((p, i) => ({ queueId: queue[key], intervalMinutes: 15, intervalStart: new Date(p.start), volume: Math.round(p.volume * factor(i)), ahtSeconds: 290 }));
      await repo.importHistory(rows);
      return { points: fc.body.points as Point[], rows };
    };
    const { points: before, rows: fiRows } = await morning('phone-fi', (i) => (i < 4 ? 1 : 2.2));
    await morning('phone-sv', () => 1);
    const now = new Date(localToEpoch(TODAY, 10 * 60 + 5, TZ)); // 10:05 local

    const first = await check.execute(now);
    expect(first.ran).toBe(true);
    expect(first.queuesChecked).toBe(9);
    expect(first.alerts.map((a) => [a.queueId, a.kind])).toEqual([[queue['phone-fi'], 'spike-high']]);

    const open = await t.http.get(`/v1/forecast-alerts?status=open&queueId=${queue['phone-fi']}`).set(...supervisor).expect(200);
    expect(open.body.items).toHaveLength(1);
    const alert = open.body.items[0];
    expect(alert).toMatchObject({ date: TODAY, kind: 'spike-high', status: 'open', acknowledgedAt: null });
    // the spike is dated and sized from where it began, not diluted by the normal hour before it
    expect(alert.startedAt).toBe(before[4].start);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(alert.observed).toBeCloseTo(sum(fiRows.map((r) => r.volume)), 2);
    expect(alert.expected).toBeCloseTo(sum(before.slice(0, 8).map((p) => p.volume)), 0);
    expect(alert.observedSinceStart).toBeCloseTo(sum(fiRows.slice(4).map((r) => r.volume)), 2);
    expect(alert.expectedSinceStart).toBeCloseTo(sum(before.slice(4, 8).map((p) => p.volume)), 0);
    expect(alert.size).toBeGreaterThan(1.0);
    expect(alert.size).toBeLessThan(1.4);
    expect(alert.sizeToday).toBeGreaterThan(0.4);
    expect(alert.sizeToday).toBeLessThan(alert.size - 0.3);
    expect(alert.dayForecast).toBeCloseTo(sum(before.map((p) => p.volume)), 0);

    // the rest of the day is re-forecast upward and served to planning
    const after = await t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?from=${TODAY}&to=${TODAY}`).set(...supervisor).expect(200);
    const rest = (after.body.points as Point[]).filter((p) => p.method === 'intraday re-forecast');
    expect(rest).toHaveLength(32);
    expect(rest[0].localStart).toBe(`${TODAY}T10:00`);
    expect(sum(rest.map((p) => p.volume))).toBeGreaterThan(1.2 * sum(before.slice(8).map((p) => p.volume)));
    // the day's projection is what was seen plus that re-forecast
    expect(alert.dayProjected).toBeCloseTo(alert.observed + sum(rest.map((p) => p.volume)), 0);

    const ack = await t.http.post(`/v1/forecast-alerts/${alert.id}/acknowledge`).set(...supervisor).expect(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged' });
    await t.http.post('/v1/forecast-alerts/00000000-0000-4000-8000-000000000000/acknowledge').set(...supervisor).expect(404);

    // idempotent: a second run refreshes the same alert and leaves it acknowledged
    const second = await check.execute(new Date(now.getTime() + 15 * 60_000));
    expect(second.alerts).toHaveLength(1);
    const all = await t.http.get('/v1/forecast-alerts').set(...supervisor).expect(200);
    expect(all.body.items).toEqual([expect.objectContaining({ id: alert.id, status: 'acknowledged' })]);
  });

  it('intraday job: does nothing while another instance holds the lock', async () => {
    const url = (t.app.get(DataSource).options as { url: string }).url;
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [INTRADAY_JOB_LOCK_KEY]);
      const r = await t.app.get(RunIntradayCheck).execute(new Date(localToEpoch(TODAY, 11 * 60, TZ)));
      expect(r).toEqual({ ran: false, queuesChecked: 0, alerts: [] });
    } finally {
      await other.end();
    }
  });
});
