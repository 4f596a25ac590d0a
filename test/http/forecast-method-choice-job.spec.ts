import pg from 'pg';
import { DataSource } from 'typeorm';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ChooseMethodsAheadOfDemand, ForecastClock, ForecastMethodChoiceJob } from '../../apps/api/src/forecasting/forecasting.use-cases.js';
import { ForecastingWorkers } from '../../apps/api/src/forecasting/forecasting-workers.js';
import type { ForecastingTask } from '../../apps/api/src/forecasting/forecasting-worker-protocol.js';
import { localToEpoch } from '../../libs/calendar/src/time-zone.js';
import { generateDemoData } from '../../libs/demo-data/src/generate-demo-data.js';
import { TypeOrmDemoDataRepository } from '../../libs/persistence/src/repositories/demo-data.repository.js';
import { METHOD_CHOICE_JOB_LOCK_KEY } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { bearer, startListeningApp, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Each queue's forecasting method chosen ahead of demand (ForecastMethodChoiceJob →
 * ChooseMethodsAheadOfDemand), on the demo agency's nine queues with the history up to Sunday
 * 2026-03-01 (eight weeks, no routed contacts), on a mocked clock (ForecastClock).
 */
const TZ = 'Europe/Helsinki';
const at = (date: string, minutes: number) => new Date(localToEpoch(date, minutes, TZ));

describe('forecasting methods chosen ahead of demand', () => {
  let t: TestApp;
  let db: DataSource;
  let supervisor: [string, string];
  let queues: { id: string; key: string }[];
  let now: Date;
  /** The backtests (`choose-method` tasks) given to the forecasting thread, counted. */
  const backtests: string[] = [];
  const choices = async () =>
    (await db.query(`SELECT queue_id, to_char(chosen_on, 'YYYY-MM-DD') AS chosen_on, created_at FROM forecast_method_choices ORDER BY queue_id`)) as { queue_id: string; chosen_on: string; created_at: Date }[];

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    await new TypeOrmDemoDataRepository(db).loadIntoEmptyDatabase(generateDemoData({ today: '2026-03-02', weeks: 8, contactHistoryDays: 0 }));
    supervisor = bearer(await t.keyFor('supervisor'));
    queues = (await t.http.get('/v1/queues').set(...supervisor).expect(200)).body;
    now = at('2026-03-02', 7 * 60);
    t.app.get(ForecastClock).now = () => now;
    const workers = t.app.get(ForecastingWorkers);
    const runTask = workers.runTask.bind(workers);
    workers.runTask = ((task: ForecastingTask, ...rest: unknown[]) => {
      if (task.kind === 'choose-method') backtests.push(task.kind);
      return (runTask as (...a: unknown[]) => Promise<unknown>)(task, ...rest);
    }) as typeof workers.runTask;
  }, 120_000);
  afterAll(() => t.close());

  it('is scheduled every hour at minute 5 (after each local midnight), and off in tests as FORECAST_JOB_ENABLED=false switches it', async () => {
    const job = t.app.get(SchedulerRegistry).getCronJob('forecast-method-choices');
    const next = new Date(String(job.nextDate().toISO()));
    expect([next.getUTCMinutes(), next.getUTCSeconds()]).toEqual([5, 0]);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
    // the test app starts with the job off: no choice was made at start-up, and a tick does nothing
    expect(t.app.get(ForecastMethodChoiceJob).enabled).toBe(false);
    await t.app.get(ForecastMethodChoiceJob).tick();
    expect(await choices()).toEqual([]);
    expect(backtests).toEqual([]);
  });

  it('chooses every queue\'s method before any forecast is asked for; the forecasts then run no backtest', async () => {
    const run = await t.app.get(ChooseMethodsAheadOfDemand).execute();
    expect(run).toEqual({ ran: true, chosen: 9, current: 0, failed: [] });
    expect(backtests).toHaveLength(9);
    const stored = await choices();
    expect(stored.map((c) => c.chosen_on)).toEqual(Array(9).fill('2026-03-02'));
    const forecasts = await Promise.all(queues.map((q) => t.http.get(`/v1/queues/${q.id}/forecast?from=2026-03-02&to=2026-03-06`).set(...supervisor).expect(200)));
    for (const f of forecasts) expect(f.body.methodChoice.chosenOn).toBe('2026-03-02');
    expect(backtests).toHaveLength(9);
    expect(await choices()).toEqual(stored);
  });

  it('does nothing more the same day, even just before midnight; after the local midnight it chooses for the new day', async () => {
    const before = await choices();
    now = at('2026-03-02', 23 * 60 + 59);
    expect(await t.app.get(ChooseMethodsAheadOfDemand).execute()).toEqual({ ran: true, chosen: 0, current: 9, failed: [] });
    expect(backtests).toHaveLength(9);
    // 00:05 in Helsinki is still 2 March in UTC: the queue's local date decides
    now = at('2026-03-03', 5);
    expect(now.toISOString().slice(0, 10)).toBe('2026-03-02');
    expect(await t.app.get(ChooseMethodsAheadOfDemand).execute()).toEqual({ ran: true, chosen: 9, current: 0, failed: [] });
    expect(backtests).toHaveLength(18);
    const after = await choices();
    expect(after.map((c) => c.chosen_on)).toEqual(Array(9).fill('2026-03-03'));
    expect(after.map((c) => c.queue_id)).toEqual(before.map((c) => c.queue_id));
  });

  it('a forecast asked while the choices are being made waits for its queue\'s choice: one backtest per queue, whatever the order', async () => {
    now = at('2026-03-04', 8 * 60);
    const job = t.app.get(ForecastMethodChoiceJob);
    // the job is off in this app (a tick does nothing); run() is what the start-up and the hourly tick call
    const running = job.run('hourly');
    // a planning screen opened at once: every queue asked for, the last first
    const asked = Promise.all([...queues].reverse().map((q) => t.http.get(`/v1/queues/${q.id}/forecast?from=2026-03-04&to=2026-03-04`).set(...supervisor).expect(200)));
    const [run, forecasts] = await Promise.all([running, asked]);
    expect(run).toMatchObject({ ran: true, failed: [] });
    expect(run!.chosen + run!.current).toBe(9);
    expect(backtests).toHaveLength(27);
    for (const f of forecasts) expect(f.body.methodChoice.chosenOn).toBe('2026-03-04');
    // a second run joins nothing and finds every choice current
    expect(await job.run('hourly')).toEqual({ ran: true, chosen: 0, current: 9, failed: [] });
  });

  it('does nothing while another instance holds the job\'s lock; a forecast still makes its own choice', async () => {
    now = at('2026-03-05', 8 * 60);
    const url = (db.options as { url: string }).url;
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [METHOD_CHOICE_JOB_LOCK_KEY]);
      expect(await t.app.get(ChooseMethodsAheadOfDemand).execute()).toEqual({ ran: false, chosen: 0, current: 0, failed: [] });
      expect(backtests).toHaveLength(27);
    } finally {
      await other.end();
    }
    const phoneFi = queues.find((q) => q.key === 'phone-fi')!;
    const f = await t.http.get(`/v1/queues/${phoneFi.id}/forecast?from=2026-03-05&to=2026-03-05`).set(...supervisor).expect(200);
    expect(f.body.methodChoice.chosenOn).toBe('2026-03-05');
    expect(backtests).toHaveLength(28);
  });

  it('with the job switched on, an instance makes the missing choices in the background at start-up', async () => {
    await db.query('DELETE FROM forecast_method_choices');
    const url = (db.options as { url: string }).url;
    const second = await startListeningApp(url, { forecastJobEnabled: true });
    try {
      const job = second.app.get(ForecastMethodChoiceJob);
      expect(job.enabled).toBe(true);
      expect((await fetch(`${second.url}/health/live`)).status).toBe(200);
      // joins the start-up run if it is still under way (else finds its choices current)
      const run = await job.run('start-up');
      expect(run).toMatchObject({ ran: true, failed: [] });
      expect(run!.chosen + run!.current).toBe(9);
      // that instance's clock is the real one: its queues' local today
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
      expect((await choices()).map((c) => c.chosen_on)).toEqual(Array(9).fill(today));
    } finally {
      await second.app.close();
    }
  });
});
