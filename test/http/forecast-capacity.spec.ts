import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { WorkerPoolBusyError, WorkerTimeoutError, WorkerWaitTimeoutError } from '../../apps/api/src/common/worker-pool.js';
import { BacktestWorkers, ForecastingWorkers } from '../../apps/api/src/forecasting/forecasting-workers.js';
import { RunIntradayCheck } from '../../apps/api/src/forecasting/forecasting.use-cases.js';
import { localToEpoch } from '../../libs/calendar/src/time-zone.js';
import { generateDemoData } from '../../libs/demo-data/src/generate-demo-data.js';
import { TypeOrmDemoDataRepository } from '../../libs/persistence/src/repositories/demo-data.repository.js';
import { ForecastingRepository } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Forecasting's capacity: the answers when a worker thread's line is full or a task overruns (429 /
 * 503 problem+json with their own codes and Retry-After; an audit got a 500 `internal`), and the
 * analysts' backtests in a thread of their own, so that forecasts and the intraday spike check never
 * wait behind one (an audit: a forecast took 117 s behind a 92-second backtest).
 */
describe('forecasting capacity', () => {
  let t: TestApp;
  let queue: Record<string, string>;
  let supervisor: [string, string];

  beforeAll(async () => {
    t = await startTestApp();
    await new TypeOrmDemoDataRepository(t.app.get(DataSource)).loadIntoEmptyDatabase(generateDemoData({ today: '2026-03-02' }));
    supervisor = bearer(await t.keyFor('supervisor'));
    const list = (await t.http.get('/v1/queues').set(...supervisor).expect(200)).body as { id: string; key: string }[];
    queue = Object.fromEntries(list.map((q) => [q.key, q.id]));
  }, 120_000);
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const forecast = () => t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?from=2026-03-02&to=2026-03-06`).set(...supervisor);

  it('answers a full forecasting line 429 forecast.busy with Retry-After', async () => {
    jest.spyOn(t.app.get(ForecastingWorkers), 'runTask').mockRejectedValueOnce(new WorkerPoolBusyError(1, 256, 'forecasting', 12_300));
    const res = await forecast().expect(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('13');
    expect(res.body).toMatchObject({ status: 429, code: 'forecast.busy' });
    expect(res.body.detail).toContain('1 running, 256 waiting');
  });

  it('answers a forecast stopped at its time limit 503 forecast.timeout with Retry-After, not 500', async () => {
    jest.spyOn(t.app.get(ForecastingWorkers), 'runTask').mockRejectedValueOnce(new WorkerTimeoutError(120_000));
    const res = await forecast().expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.body).toMatchObject({ status: 503, code: 'forecast.timeout' });
    expect(res.body.detail).toContain('120 s');
    expect(res.body.errorId).toBeUndefined();
  });

  it('answers a forecast that waited too long for the thread 503 forecast.busy with Retry-After', async () => {
    jest.spyOn(t.app.get(ForecastingWorkers), 'runTask').mockRejectedValueOnce(new WorkerWaitTimeoutError(120_000, 4_000));
    const res = await forecast().expect(503);
    expect(res.headers['retry-after']).toBe('4');
    expect(res.body).toMatchObject({ status: 503, code: 'forecast.busy' });
  });

  it('documents 429 and 503 with Retry-After on the forecast in OpenAPI', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const responses = doc.paths['/v1/queues/{id}/forecast'].get.responses;
    for (const status of ['429', '503']) {
      expect(responses[status].description).toContain('forecast.');
      expect(responses[status].headers['Retry-After'].schema).toMatchObject({ type: 'integer' });
      expect(responses[status].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/ProblemDto' });
    }
  });

  /** `n` 5-minute values of a working week (quiet nights and weekends). */
  const fiveMinuteSeries = (n: number) => ({
    start: '2025-01-06T00:00',
    intervalMinutes: 5,
    values: Array.from({ length: n }, (_, i) => {
      const hour = (i % 288) / 12;
      const weekend = Math.floor(i / 288) % 7 >= 5;
      return Math.round(Math.max(0, Math.sin(((hour - 7) / 12) * Math.PI)) * (weekend ? 6 : 20) + (i % 7));
    }),
  });

  it('runs backtests in their own low-priority thread: forecasts and the intraday check finish while a long one runs, a third backtest is refused 429', async () => {
    const repo = t.app.get(ForecastingRepository);
    const backtests = t.app.get(BacktestWorkers);
    // warm the forecasting thread and phone-fi's method choice; give phone-fi arrivals this morning for the intraday check
    const morning = (await forecast().expect(200)).body.points.slice(0, 8) as { start: string; volume: number }[];
    await repo.importHistory(morning.map((p) => ({ queueId: queue['phone-fi'], intervalMinutes: 15, intervalStart: new Date(p.start), volume: Math.round(p.volume), ahtSeconds: 280 })));

    const finished: string[] = [];
    // MSTL refitted on 50,000 values at 2 origins: seconds of work (more at nice 19 on a busy machine)
    const long = t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ series: fiveMinuteSeries(50_000), method: 'mstl-ets', origins: 2 }).then((r) => {
      finished.push('backtest');
      return r;
    });
    for (let i = 0; i < 600 && backtests.load.running === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(backtests.load.running).toBe(1);

    const waiting = t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ series: fiveMinuteSeries(4 * 2016), method: 'seasonal-naive', origins: 2 });
    const waitingDone = waiting.then((r) => r);
    for (let i = 0; i < 200 && backtests.load.queued === 0; i++) await new Promise((r) => setTimeout(r, 25));
    const refused = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ series: fiveMinuteSeries(4 * 2016), method: 'seasonal-naive', origins: 2 }).expect(429);
    expect(refused.body).toMatchObject({ status: 429, code: 'backtest.busy' });
    expect(refused.body.detail).toContain('1 running, 1 waiting');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const [fc, check] = await Promise.all([
      t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?from=2026-03-09&to=2026-03-13`).set(...supervisor).then((r) => {
        finished.push('forecast');
        return r;
      }),
      t.app.get(RunIntradayCheck).execute(new Date(localToEpoch('2026-03-02', 10 * 60 + 5, 'Europe/Helsinki'))).then((r) => {
        finished.push('intraday check');
        return r;
      }),
    ]);
    expect(fc.status).toBe(200);
    expect(check).toMatchObject({ ran: true, queuesChecked: 9 });
    expect([...finished].sort()).toEqual(['forecast', 'intraday check']); // the backtest still runs
    expect(backtests.load.running).toBe(1);

    const [done, second] = await Promise.all([long, waitingDone]);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ origins: 2, method: expect.stringContaining('MSTL') });
    expect(second.status).toBe(200);
    // the thread stays for the next backtest, at nice 19
    if (process.platform === 'linux') expect(niceValuesOfThisProcess()).toContain(19);
  }, 180_000);

  it('refuses a backtest beyond its method\'s work limit at once: 422 on origins naming the limit and the origins allowed', async () => {
    // an audit's request: 200,000 five-minute values, MSTL, 26 origins (92 s of CPU)
    const res = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ series: fiveMinuteSeries(200_000), method: 'mstl-ets', origins: 26 }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'origins', rule: 'workLimit', message: expect.stringContaining('at most 1,000,000 values × origins') }]);
    expect(res.body.errors[0].message).toContain('at most 5 origins');
    expect(t.app.get(BacktestWorkers).load).toEqual({ running: 0, queued: 0 });
  });

  it('answers a backtest stopped at its time limit 503 backtest.timeout with Retry-After', async () => {
    jest.spyOn(t.app.get(BacktestWorkers), 'runTask').mockRejectedValueOnce(new WorkerTimeoutError(120_000));
    const res = await t.http.post('/v1/forecasts/backtests').set(...supervisor).send({ queueId: queue['phone-fi'], method: 'seasonal-naive', origins: 2 }).expect(503);
    expect(res.body).toMatchObject({ status: 503, code: 'backtest.timeout' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  /** This morning's arrivals 08:00–10:00 on a queue: as forecast, times `factor(slot)`. */
  const morningArrivals = async (key: string, factor: (slot: number) => number) => {
    const points = (await t.http.get(`/v1/queues/${queue[key]}/forecast?from=2026-03-02&to=2026-03-02`).set(...supervisor).expect(200)).body.points.slice(0, 8) as { start: string; volume: number }[];
    await t.app.get(ForecastingRepository).importHistory(points.map((p, i) => ({ queueId: queue[key], intervalMinutes: 15, intervalStart: new Date(p.start), volume: Math.round(p.volume * factor(i)), ahtSeconds: 280 })));
  };
  const tenPast10 = new Date(localToEpoch('2026-03-02', 10 * 60 + 5, 'Europe/Helsinki'));

  it('checks every queue for spikes while interactive forecasts fill the forecasting line: the job goes ahead of them and is never refused', async () => {
    const workers = t.app.get(ForecastingWorkers);
    await morningArrivals('phone-fi', () => 1);
    await morningArrivals('phone-sv', (slot) => (slot < 4 ? 1 : 2.2)); // a surge from 09:00
    // the forecasting thread busy with a long task, and its line full of short ones
    const task = (n: number, method: 'mstl-ets' | 'seasonal-naive') => workers.runTask({ kind: 'backtest', history: { series: { start: '2025-01-06T00:00', volume: fiveMinuteSeries(n).values }, intervalMinutes: 5 }, closedDates: [], method, origins: 1 });
    const long = task(50_000, 'mstl-ets');
    const line = Array.from({ length: workers.options.maxQueued }, () => task(3 * 2016, 'seasonal-naive'));
    await expect(task(3 * 2016, 'seasonal-naive')).rejects.toBeInstanceOf(WorkerPoolBusyError);
    expect((await forecast().expect(429)).body.code).toBe('forecast.busy');

    const check = await t.app.get(RunIntradayCheck).execute(tenPast10);
    expect(check).toMatchObject({ ran: true, queuesChecked: 9, failed: [] });
    expect(check.alerts.map((a) => [a.queueId, a.kind])).toEqual([[queue['phone-sv'], 'spike-high']]);
    expect(workers.load.queued).toBeGreaterThan(workers.options.maxQueued / 2); // the line it went ahead of
    await Promise.all([long, ...line]);
  }, 180_000);

  it('logs a queue whose intraday check failed at error, with the queue, and lists it in the result', async () => {
    await morningArrivals('phone-fi', () => 1);
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(t.app.get(ForecastingWorkers), 'runTask').mockRejectedValueOnce(new WorkerTimeoutError(120_000));
    const check = await t.app.get(RunIntradayCheck).execute(tenPast10);
    const failure = { queueId: queue['phone-fi'], queueKey: 'phone-fi', code: 'forecast.timeout', message: expect.stringContaining('120 s') };
    expect(check).toMatchObject({ ran: true, queuesChecked: 8, failed: [failure] });
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ msg: expect.stringContaining('intraday check of a queue failed'), ...failure }));
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ msg: 'intraday check incomplete', failed: ['phone-fi (forecast.timeout)'] }));
  });

  it('documents 413, 422, 429 and 503 with Retry-After on the backtests in OpenAPI', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const responses = doc.paths['/v1/forecasts/backtests'].post.responses;
    expect(responses['413'].description).toContain('1 MB');
    expect(responses['422'].description).toContain('workLimit');
    for (const status of ['429', '503']) {
      expect(responses[status].description).toContain('backtest.');
      expect(responses[status].headers['Retry-After'].schema).toMatchObject({ type: 'integer' });
    }
  });
});

/** The nice value of every thread of this process (Linux). */
function niceValuesOfThisProcess(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}
