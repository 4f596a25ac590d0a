import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { holidaysFor, SUPPORTED_HOLIDAY_REGIONS } from '../../../../libs/calendar/src/holidays.js';
import { addDays, daysBetween } from '../../../../libs/calendar/src/local-date.js';
import { localDateOf, localToEpoch } from '../../../../libs/calendar/src/time-zone.js';
import { DomainError, notFound, tooManyRequests, unavailable, unprocessable } from '../../../../libs/core/src/domain-error.js';
import { BacktestInputError, checkBacktestWork, type HorizonBacktestResult } from '../../../../libs/forecasting/src/backtest-horizon.js';
import type { ForecastEvents } from '../../../../libs/forecasting/src/events.js';
import { ForecastHorizonError, MIN_HISTORY_DAYS, type ForecastAheadRequest } from '../../../../libs/forecasting/src/forecast-ahead.js';
import { overlayReforecast } from '../../../../libs/forecasting/src/intraday.js';
import { holidayArrivalsOf } from '../../../../libs/forecasting/src/holiday-arrivals.js';
import { SELECTABLE_METHODS, type MethodChoice } from '../../../../libs/forecasting/src/method-choice.js';
import type { ForecastAlertEntity } from '../../../../libs/persistence/src/entities/forecast-alert.entity.js';
import { ForecastingRepository, INTRADAY_JOB_LOCK_KEY, METHOD_CHOICE_JOB_LOCK_KEY, type AlertFilter, type QueueForecastContext, type StoredMethodChoice } from '../../../../libs/persistence/src/repositories/forecasting.repository.js';
import { LetterBatchRepository } from '../../../../libs/persistence/src/repositories/letter-batch.repository.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { WorkerPoolBusyError, WorkerTimeoutError, WorkerWaitTimeoutError, type TaskLane, type WorkerPool } from '../common/worker-pool.js';
import type { CreateBacktestDto, ForecastMethodChoiceDto, QueueForecastDto } from './forecast.dto.js';
import { ForecastInputError, type ForecastingFailure, type ForecastingTask, type QueueForecastResult } from './forecasting-worker-protocol.js';
import { BacktestWorkers, ForecastingWorkers } from './forecasting-workers.js';
import { epochOfLocal, type QueueHistory } from './queue-history.js';

/** The clock of the forecasting use cases (tests fix it). */
export abstract class ForecastClock {
  abstract now(): Date;
}
export class SystemForecastClock extends ForecastClock {
  now(): Date {
    return new Date();
  }
}

export interface QueueForecastInput {
  queue: QueueForecastContext;
  intervalMinutes: number;
  /** the stored rows as read: the forecasting worker brings them to the local clock (queue-history.ts). */
  history: QueueHistory;
  events: ForecastEvents;
}

/**
 * Vuoro's own contact records as forecasting history: the interval statistics of routed contacts
 * (ForecastingRepository.syncRoutedHistory). The intraday job brings them up to date before every
 * check; forecasts and backtests read history at most `MAX_AGE_MS` behind the contact records.
 */
@Injectable()
export class SyncRoutedHistory {
  static readonly MAX_AGE_MS = 60_000;
  private last: { at: number; now: number } | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly forecasting: ForecastingRepository) {}

  /** Brings the routed history up to `now`; returns the interval rows written. */
  async execute(now: Date): Promise<number> {
    // One sync at a time per process: a second caller waits for the running one and then runs its own.
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.forecasting.syncRoutedHistory(now);
    try {
      const rows = await this.running;
      this.last = { at: Date.now(), now: now.getTime() };
      return rows;
    } finally {
      this.running = null;
    }
  }

  /**
   * As `execute`, unless this process synced up to a time at or after `now` less than MAX_AGE_MS ago.
   * Callers that arrive while a sync runs wait for it and use it (a planning request loads many
   * queues at once: one sync serves them all).
   */
  async recent(now: Date): Promise<void> {
    for (;;) {
      if (this.last && Date.now() - this.last.at < SyncRoutedHistory.MAX_AGE_MS && this.last.now >= now.getTime() - SyncRoutedHistory.MAX_AGE_MS) return;
      if (!this.running) {
        await this.execute(now);
        return;
      }
      await this.running.catch(() => undefined);
    }
  }
}

/** How far back a forecast reads a queue's history: enough for yearly effects and backtests. */
const HISTORY_YEARS = 3;

/**
 * Reads a queue's history, holidays and letter batches as forecast input. The rows stay as the
 * database sent them (four strings): the forecasting worker chooses them and brings them to the
 * queue's local clock (queue-history.ts historyPoints), so that this thread, which serves routing,
 * does nothing per interval.
 */
@Injectable()
export class LoadForecastInput {
  constructor(
    private readonly forecasting: ForecastingRepository,
    private readonly letterBatches: LetterBatchRepository,
    private readonly routedHistory: SyncRoutedHistory,
    private readonly clock: ForecastClock,
  ) {}

  async queue(queueId: string): Promise<QueueForecastContext> {
    const [queue] = await this.forecasting.queueContexts([queueId]);
    if (!queue) throw notFound('queue', queueId);
    return queue;
  }

  /**
   * History before `before` (default: now) and at most HISTORY_YEARS older, re-binned to
   * `intervalMinutes` (default: the stored length). Rows dated in the future or decades back (a
   * mistyped import) would otherwise stretch the modelled series over every interval in between.
   */
  async execute(queue: QueueForecastContext, opts: { intervalMinutes?: number; before?: Date; untilYear?: number; /** only intervals that ended by `before` (not the one under way). */ completeOnly?: boolean } = {}): Promise<QueueForecastInput> {
    const now = this.clock.now();
    await this.routedHistory.recent(now);
    const until = opts.before ?? now;
    const rows = await this.forecasting.historyColumns(queue.id, new Date(until.getTime() - HISTORY_YEARS * 366 * 86_400_000), until, opts.completeOnly ? until : undefined);
    if (rows.count === 0) throw unprocessable('forecast.no_history', `queue ${queue.key} has no interval history to learn from`, [{ field: 'id', rule: 'hasHistory', message: 'the queue has no interval history' }]);
    const stored = rows.shortestMinutes;
    const intervalMinutes = opts.intervalMinutes ?? stored;
    if (intervalMinutes < stored) {
      throw unprocessable('validation.failed', `the history is stored in ${stored}-minute intervals`, [{ field: 'intervalMinutes', rule: 'min', message: `intervalMinutes must be at least ${stored} (the stored interval length)` }]);
    }
    const history: QueueHistory = { timeZone: queue.timeZone, storedMinutes: stored, intervalMinutes, rows };
    const holidays = [...queue.closures];
    const region = queue.holidayRegion?.toUpperCase();
    if (region && SUPPORTED_HOLIDAY_REGIONS.includes(region)) {
      // the years of the history read (of its rows at any length) and of the days forecast, and one more
      const y0 = Number(localDateOf(rows.firstStartMs!, queue.timeZone).slice(0, 4));
      const y1 = Math.max(Number(localDateOf(rows.lastStartMs!, queue.timeZone).slice(0, 4)), opts.untilYear ?? 0) + 1;
      for (let y = y0; y <= y1; y++) holidays.push(...holidaysFor(region, y).map((h) => h.date));
    }
    const batches = await this.letterBatches.list({ departmentId: queue.departmentId });
    return { queue, intervalMinutes, history, events: { holidays, letterBatches: batches.map((b) => ({ sentOn: b.sentOn, letters: b.letters })), holidayArrivals: holidayArrivalsOf(queue.channel) } };
  }
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
const workerLog = new Logger('ForecastingWorkers');

/** A worker pool's refusals as the API words them: the codes' prefix and what its tasks are called. */
interface Line {
  code: 'forecast' | 'backtest';
  task: string;
  tasks: string;
}
const FORECASTS: Line = { code: 'forecast', task: 'forecast', tasks: 'forecasts' };
const BACKTESTS: Line = { code: 'backtest', task: 'backtest', tasks: 'backtests' };

/** A backtest the series cannot serve as asked: 422 naming the field, the rule and what it allows. */
const backtestRefused = (e: BacktestInputError): DomainError => unprocessable('validation.failed', e.message, [{ field: e.parameter, rule: e.rule, message: e.message }]);

/**
 * Runs a forecasting task in a worker thread (the forecasting pool, or the backtests' with
 * BACKTESTS); the library's refusals become 422. A full line is 429 `<line>.busy`, a task that waited
 * the pool's maxWaitMs 503 `<line>.busy`, one that ran past its time limit 503 `<line>.timeout`
 * (logged) — each with Retry-After, the pool's estimate of when its line clears.
 */
async function inWorker<T>(workers: WorkerPool<ForecastingTask, ForecastingFailure>, task: ForecastingTask, line: Line = FORECASTS, lane: TaskLane = 'normal'): Promise<T> {
  try {
    return (await workers.runTask(task, undefined, lane)) as T;
  } catch (e) {
    if (e instanceof ForecastHorizonError) throw unprocessable('validation.failed', e.message, [{ field: e.parameter, rule: 'horizon', message: e.message }]);
    if (e instanceof ForecastInputError) throw unprocessable('forecast.failed', e.message);
    // The history decides how many origins there can be: more than it allows is refused with that number, never quietly fewer.
    if (e instanceof BacktestInputError) throw backtestRefused(e);
    if (e instanceof WorkerPoolBusyError) throw tooManyRequests(`${line.code}.busy`, `The server is busy with other ${line.tasks} (${e.running} running, ${e.queued} waiting); retry after ${seconds(e.retryAfterMs)} s`, seconds(e.retryAfterMs));
    if (e instanceof WorkerWaitTimeoutError) throw unavailable(`${line.code}.busy`, `The ${line.task} waited ${e.maxWaitMs / 1000} s for a thread behind other ${line.tasks} and was not run; retry after ${seconds(e.retryAfterMs)} s`, seconds(e.retryAfterMs));
    if (e instanceof WorkerTimeoutError) {
      workerLog.error({ msg: `a ${line.task} task ran past its time limit and was stopped`, kind: task.kind, timeoutMs: e.timeoutMs });
      throw unavailable(`${line.code}.timeout`, `The ${line.task} ran ${e.timeoutMs / 1000} s without finishing and was stopped`, seconds(workers.retryAfterMs()));
    }
    throw e;
  }
}

/** forecastAhead of the queue's history in the worker thread, with the queue's chosen method: its points carry their instants. */
export function forecastInWorker(workers: ForecastingWorkers, history: QueueHistory, request: Omit<ForecastAheadRequest, 'method' | 'history' | 'intervalMinutes'>, choice: MethodChoice, lane: TaskLane = 'normal'): Promise<QueueForecastResult> {
  return inWorker(workers, { kind: 'forecast-ahead', history, request, choice }, FORECASTS, lane);
}

/**
 * Each queue's forecasting method: chosen once per local day of the queue by a rolling-origin
 * week-ahead backtest on the history before that day, at its stored interval length
 * (libs/forecasting chooseForecastMethod, in the forecasting worker), and stored, so every forecast
 * that day, on any instance and after a restart, uses the same method without repeating the
 * backtest. Forecasts at every interval length use it, so hourly and quarter-hourly forecasts of a
 * day agree. An import of history drops the queue's choice (ForecastingRepository.importHistory).
 *
 * The choice is normally made ahead of demand (ChooseMethodsAheadOfDemand: at start-up and after
 * each local midnight). A forecast that finds no choice of today yet makes it here, and one that
 * finds it being made in this process waits for it rather than using yesterday's: every forecast of
 * a day uses that day's method, so a plan, its requirement and the intraday check agree.
 */
@Injectable()
export class ChooseQueueForecastMethod {
  private readonly running = new Map<string, Promise<StoredMethodChoice>>();

  constructor(
    private readonly load: LoadForecastInput,
    private readonly forecasting: ForecastingRepository,
    private readonly workers: ForecastingWorkers,
    private readonly clock: ForecastClock,
  ) {}

  /** `lane`: the worker pool's lane of the backtest, when one is needed ('urgent' for the intraday job). */
  async execute(queue: QueueForecastContext, lane: TaskLane = 'normal'): Promise<StoredMethodChoice> {
    const today = localDateOf(this.clock.now().getTime(), queue.timeZone);
    const stored = await this.forecasting.methodChoice(queue.id);
    if (stored && stored.chosenOn >= today) return stored;
    // concurrent forecasts of one queue (a planning request) share one backtest
    const key = `${queue.id}/${today}`;
    let choosing = this.running.get(key);
    if (!choosing) {
      choosing = this.choose(queue, today, lane).finally(() => this.running.delete(key));
      this.running.set(key, choosing);
    }
    return choosing;
  }

  private async choose(queue: QueueForecastContext, today: string, lane: TaskLane): Promise<StoredMethodChoice> {
    let choice: MethodChoice;
    let intervalMinutes = 0;
    try {
      const input = await this.load.execute(queue, { before: new Date(localToEpoch(today, 0, queue.timeZone)), untilYear: Number(today.slice(0, 4)) });
      intervalMinutes = input.intervalMinutes;
      choice = await inWorker<MethodChoice>(this.workers, { kind: 'choose-method', history: input.history, events: input.events }, FORECASTS, lane);
    } catch (e) {
      // all of the history is from today: nothing to backtest on, the default is used
      if (!(e instanceof DomainError && e.code === 'forecast.no_history')) throw e;
      const [latest] = await this.forecasting.history(queue.id, new Date(localToEpoch(today, 0, queue.timeZone)));
      intervalMinutes = latest?.intervalMinutes ?? 15;
      choice = { label: 'vuoro-default', weights: { 'vuoro-default': 1 }, trainingWape: null, candidateWape: {}, origins: 0, scoredIntervalMinutes: intervalMinutes };
    }
    const at = this.clock.now();
    const row = { queueId: queue.id, intervalMinutes, chosenOn: today, choice };
    await this.forecasting.saveMethodChoice(row, at);
    return { ...row, createdAt: at };
  }
}

/** A run of ChooseMethodsAheadOfDemand. */
export interface MethodChoiceRun {
  /** false when another instance holds the job's lock (it is making the choices). */
  ran: boolean;
  /** queues whose choice of their local today this run made. */
  chosen: number;
  /** queues that already had it. */
  current: number;
  /** queues whose choice failed (logged at error each); a forecast of such a queue makes it on demand, the next run tries again. */
  failed: QueueJobFailure[];
}

/**
 * Makes each queue's method choice of its local day before anyone asks for a forecast: a backtest
 * takes 0.5–3 s per queue in the forecasting thread, and nine queues asked for at once (a planning
 * screen) waited ~10 s on the demo. For every queue without a choice of its local today, one queue
 * at a time through ChooseQueueForecastMethod (so a forecast of the queue being chosen waits for
 * that backtest instead of starting its own, and an interactive forecast waits behind at most one
 * of these in the thread's line). Only one instance runs it at a time (advisory lock, as the
 * intraday job). `stop()` ends a run between queues (shut-down).
 */
@Injectable()
export class ChooseMethodsAheadOfDemand {
  private readonly logger = new Logger('ForecastMethodChoices');

  constructor(
    private readonly forecasting: ForecastingRepository,
    private readonly chooser: ChooseQueueForecastMethod,
    private readonly clock: ForecastClock,
  ) {}

  async execute(opts: { stop?: () => boolean } = {}): Promise<MethodChoiceRun> {
    const run = await this.forecasting.runExclusively(METHOD_CHOICE_JOB_LOCK_KEY, async () => {
      const result: MethodChoiceRun = { ran: true, chosen: 0, current: 0, failed: [] };
      for (const queue of await this.forecasting.queueContexts()) {
        if (opts.stop?.()) break;
        const today = localDateOf(this.clock.now().getTime(), queue.timeZone);
        const stored = await this.forecasting.methodChoice(queue.id);
        if (stored && stored.chosenOn >= today) {
          result.current++;
          continue;
        }
        try {
          await this.chooser.execute(queue);
          result.chosen++;
        } catch (err) {
          if (opts.stop?.()) break;
          const failure = { queueId: queue.id, queueKey: queue.key, code: err instanceof DomainError ? err.code : 'internal', message: err instanceof Error ? err.message : String(err) };
          result.failed.push(failure);
          this.logger.error({ msg: 'choosing a queue\'s forecasting method ahead of demand failed: its first forecast chooses it (the next run tries again)', ...failure });
        }
      }
      return result;
    });
    return run ?? { ran: false, chosen: 0, current: 0, failed: [] };
  }
}

/**
 * Runs ChooseMethodsAheadOfDemand when FORECAST_JOB_ENABLED (default true): once at start-up, in the
 * background (the service listens at once), and every hour at minute 5, which is shortly after each
 * queue's local midnight (00:05 in Helsinki) and does nothing but read the stored choices while they
 * are current. One run at a time per process.
 */
@Injectable()
export class ForecastMethodChoiceJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ForecastMethodChoiceJob');
  private running: Promise<MethodChoiceRun | null> | null = null;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ahead: ChooseMethodsAheadOfDemand,
  ) {}

  get enabled(): boolean {
    return this.config.forecastJobEnabled !== false;
  }

  onApplicationBootstrap(): void {
    // not awaited: start-up does not wait for the backtests
    if (this.enabled) void this.run('start-up');
  }

  @Cron('0 5 * * * *', { name: 'forecast-method-choices' })
  async tick(): Promise<void> {
    if (this.enabled) await this.run('hourly');
  }

  /** One run (a run already under way in this process is joined, not repeated); null when it failed as a whole (logged). */
  run(reason: 'start-up' | 'hourly'): Promise<MethodChoiceRun | null> {
    if (this.stopping) return Promise.resolve(null);
    if (this.running) return this.running;
    const started = Date.now();
    this.running = this.ahead
      .execute({ stop: () => this.stopping })
      .then((r) => {
        if (r.chosen > 0 || r.failed.length > 0) this.logger.log({ msg: 'forecasting methods chosen ahead of demand', reason, chosen: r.chosen, current: r.current, failed: r.failed.length, ms: Date.now() - started });
        return r;
      })
      .catch((err: unknown) => {
        if (!this.stopping) this.logger.error({ msg: 'choosing forecasting methods ahead of demand failed', reason, err: err instanceof Error ? err.message : String(err) });
        return null;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** Shut-down: the run stops after the queue under way, before the worker threads and the database close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.running;
  }
}

/** The method choice as the API shows it. */
export function methodChoiceDto(stored: StoredMethodChoice): ForecastMethodChoiceDto {
  const c = stored.choice;
  return {
    label: c.label,
    weights: c.weights as Record<string, number>,
    chosenOn: stored.chosenOn,
    origins: c.origins,
    trainingWape: c.trainingWape,
    // in SELECTABLE_METHODS order (jsonb keeps object keys in its own order)
    candidates: SELECTABLE_METHODS.filter((m) => m in c.candidateWape).map((method) => ({ method, wape: c.candidateWape[method] ?? null })),
  };
}

@Injectable()
export class GetQueueForecast {
  constructor(
    private readonly load: LoadForecastInput,
    private readonly forecasting: ForecastingRepository,
    private readonly clock: ForecastClock,
    private readonly chooser: ChooseQueueForecastMethod,
    private readonly workers: ForecastingWorkers,
  ) {}

  async execute(queueId: string, q: { from: string; to: string; intervalMinutes?: number }): Promise<QueueForecastDto> {
    const days = Math.round((Date.parse(`${q.to}T00:00Z`) - Date.parse(`${q.from}T00:00Z`)) / 86_400_000);
    if (!Number.isFinite(days) || days < 0 || days > 62) {
      throw unprocessable('validation.failed', 'to must be a valid date from `from` to 62 days after it', [{ field: 'to', rule: 'range', message: 'to must be on or after from and at most 62 days after it' }]);
    }
    const queue = await this.load.queue(queueId);
    const tz = queue.timeZone;
    // Today and the days after it are forecast from the history before today, whatever range they are
    // asked in; days before today from the history before `from` (what the forecast was at the
    // start of the range). A day under way or past gets all its intervals: the stored intraday
    // re-forecast then replaces the rest of today, at whatever interval length was asked.
    const today = localDateOf(this.clock.now().getTime(), tz);
    const segments: { from: string; to: string; before: Date }[] = [];
    if (q.from < today) segments.push({ from: q.from, to: q.to < today ? q.to : addDays(today, -1), before: new Date(localToEpoch(q.from, 0, tz)) });
    if (q.to >= today) segments.push({ from: q.from > today ? q.from : today, to: q.to, before: new Date(localToEpoch(today, 0, tz)) });
    const chosen = await this.chooser.execute(queue);
    const stored = await this.forecasting.reforecast(queue.id, new Date(localToEpoch(q.from, 0, tz)), new Date(localToEpoch(addDays(q.to, 1), 0, tz)));
    const reforecast = stored.map((r) => ({ start: r.intervalStart.getTime(), minutes: r.intervalMinutes, volume: r.volume, aht: r.ahtSeconds }));
    const reforecastAht = new Map(reforecast.map((r) => [r.start, r.aht]));
    let result: QueueForecastResult | undefined;
    const points: QueueForecastDto['points'] = [];
    for (const seg of segments) {
      const input = await this.load.execute(queue, { intervalMinutes: q.intervalMinutes, untilYear: Number(seg.to.slice(0, 4)), before: seg.before });
      const r = await forecastInWorker(this.workers, input.history, { from: seg.from, to: seg.to, events: input.events }, chosen.choice);
      result = r;
      // the points come from the worker as the API answers them, every real interval once
      if (reforecast.length === 0) {
        points.push(...r.points);
        continue;
      }
      const timed = r.points.map((p) => ({ ...p, start: Date.parse(p.start), minutes: r.intervalMinutes }));
      for (const p of overlayReforecast(timed, reforecast, r.errorModel, r.intervalLevel)) {
        const aht = p.reforecast ? (reforecastAht.get(p.start) ?? p.aht) : p.aht;
        points.push({ start: new Date(p.start).toISOString(), localStart: p.localStart, volume: p.volume, aht, lower: p.lower, upper: p.upper, method: p.reforecast ? 'intraday re-forecast' : p.method });
      }
    }
    if (!result) throw new Error('a forecast range has at least one day');
    return {
      queueId: queue.id,
      intervalMinutes: result.intervalMinutes,
      timeZone: tz,
      method: result.method,
      methodChoice: methodChoiceDto(chosen),
      intervalLevel: result.intervalLevel,
      letterEffects: (result.eventEffects?.letterUpliftPer10k ?? []).map((e) => ({ lag: e.lag, upliftPer10kLetters: e.uplift })),
      afterHolidayUplift: result.eventEffects?.afterHoliday ?? 0,
      points,
    };
  }
}

/**
 * A backtest of one method on a queue's history or a given series, in the backtests' own thread
 * (BacktestWorkers: MSTL over many origins takes a minute; forecasts never wait for it). A size
 * beyond the method's work limit is refused 422 on `origins` before it waits in line (for a series;
 * a queue's history is measured in the thread).
 */
@Injectable()
export class RunBacktest {
  constructor(
    private readonly load: LoadForecastInput,
    private readonly workers: BacktestWorkers,
  ) {}

  async execute(body: CreateBacktestDto): Promise<HorizonBacktestResult> {
    if (Boolean(body.queueId) === Boolean(body.series)) {
      throw unprocessable('validation.failed', 'Give either queueId or series', [{ field: body.queueId ? 'series' : 'queueId', rule: 'exactlyOne', message: 'give exactly one of queueId and series' }]);
    }
    const method = body.method ?? 'vuoro-default';
    const run = { kind: 'backtest' as const, method, ...(body.origins !== undefined ? { origins: body.origins } : {}), ...(body.horizon !== undefined ? { horizon: body.horizon } : {}) };
    if (body.queueId) {
      const input = await this.load.execute(await this.load.queue(body.queueId));
      return inWorker(this.workers, { ...run, history: { queue: input.history }, closedDates: [...(input.events.holidays ?? [])] }, BACKTESTS);
    }
    const series = body.series!;
    const minute = Number(series.start.slice(11, 13)) * 60 + Number(series.start.slice(14, 16));
    if (minute % series.intervalMinutes !== 0) {
      throw unprocessable('validation.failed', `series.start ${series.start} is not on the ${series.intervalMinutes}-minute grid`, [{ field: 'series.start', rule: 'grid', message: `series.start must begin a ${series.intervalMinutes}-minute interval (minutes since midnight a multiple of ${series.intervalMinutes})` }]);
    }
    if (body.origins !== undefined) {
      try {
        checkBacktestWork(method, series.values.length, body.origins);
      } catch (e) {
        throw e instanceof BacktestInputError ? backtestRefused(e) : e;
      }
    }
    return inWorker(this.workers, { ...run, history: { series: { start: series.start, volume: series.values }, intervalMinutes: series.intervalMinutes }, closedDates: [] }, BACKTESTS);
  }
}

@Injectable()
export class ListForecastAlerts {
  constructor(private readonly forecasting: ForecastingRepository) {}
  execute(filter: AlertFilter): Promise<ForecastAlertEntity[]> {
    return this.forecasting.listAlerts(filter);
  }
}

@Injectable()
export class AcknowledgeForecastAlert {
  constructor(
    private readonly forecasting: ForecastingRepository,
    private readonly clock: ForecastClock,
  ) {}
  async execute(id: string): Promise<ForecastAlertEntity> {
    return (await this.forecasting.acknowledgeAlert(id, this.clock.now())) ?? Promise.reject(notFound('forecast_alert', id));
  }
}

export interface IntradayCheckResult {
  /** false when another instance holds the job lock. */
  ran: boolean;
  queuesChecked: number;
  alerts: ForecastAlertEntity[];
  /** when it ran: the queues whose check failed (logged at error each); the next run checks them again. */
  failed?: IntradayQueueFailure[];
}

/** A queue a job could not handle: the error's code and message. */
export interface QueueJobFailure {
  queueId: string;
  queueKey: string;
  /** the error's code (e.g. `forecast.timeout`, `database.busy`), `internal` for a defect. */
  code: string;
  message: string;
}

/** A queue the intraday check could not check: no spike alert for it until a later check succeeds. */
export type IntradayQueueFailure = QueueJobFailure;

/**
 * The intraday job: for each queue, today's complete intervals so far are compared with the
 * forecast made from the history before today. When cumulative arrivals leave the 95 % prediction
 * interval, a spike alert is raised (or refreshed) and the rest of the day is re-forecast from what
 * was seen and stored for planning. Only one instance runs it at a time (advisory lock).
 *
 * Its forecasts run in the forecasting thread's urgent lane: ahead of interactive forecasts and never
 * refused for a full line, so a crowd of planning requests does not put off or skip a spike check.
 * A queue whose check fails anyway (a forecast stopped at its time limit, the database) is logged at
 * error with the queue — a supervisor is not warned of a spike on it until a check succeeds — listed
 * in the result, and checked again on the next run, 15 minutes later.
 */
@Injectable()
export class RunIntradayCheck {
  private readonly logger = new Logger('IntradayForecast');

  constructor(
    private readonly load: LoadForecastInput,
    private readonly forecasting: ForecastingRepository,
    private readonly routedHistory: SyncRoutedHistory,
    private readonly chooser: ChooseQueueForecastMethod,
    private readonly workers: ForecastingWorkers,
  ) {}

  async execute(now: Date): Promise<IntradayCheckResult> {
    const result = await this.forecasting.runExclusively(INTRADAY_JOB_LOCK_KEY, async () => {
      // Today's arrivals so far, from the contacts routed up to now.
      await this.routedHistory.execute(now);
      const alerts: ForecastAlertEntity[] = [];
      const failed: IntradayQueueFailure[] = [];
      let checked = 0;
      for (const queue of await this.forecasting.queueContexts()) {
        try {
          const alert = await this.checkQueue(queue, now);
          checked++;
          if (alert) alerts.push(alert);
        } catch (err) {
          const failure = { queueId: queue.id, queueKey: queue.key, code: err instanceof DomainError ? err.code : 'internal', message: err instanceof Error ? err.message : String(err) };
          failed.push(failure);
          this.logger.error({ msg: 'intraday check of a queue failed: no spike alert for it until a later check succeeds (the next run checks it again)', ...failure });
        }
      }
      if (failed.length > 0) this.logger.error({ msg: 'intraday check incomplete', queuesChecked: checked, failed: failed.map((f) => `${f.queueKey} (${f.code})`) });
      return { ran: true, queuesChecked: checked, alerts, failed };
    });
    return result ?? { ran: false, queuesChecked: 0, alerts: [] };
  }

  private async checkQueue(queue: QueueForecastContext, now: Date): Promise<ForecastAlertEntity | null> {
    const tz = queue.timeZone;
    const today = localDateOf(now.getTime(), tz);
    const dayStart = new Date(localToEpoch(today, 0, tz));
    const dayEnd = new Date(localToEpoch(addDays(today, 1), 0, tz));
    const todayRows = (await this.forecasting.history(queue.id, dayStart, now)).filter((r) => r.intervalStart.getTime() + r.intervalMinutes * 60_000 <= now.getTime());
    if (todayRows.length === 0) return null;
    // the history up to the last interval that has ended: today's arrivals so far are its partial last day
    const input = await this.load.execute(queue, { before: now, completeOnly: true, untilYear: Number(today.slice(0, 4)) });
    // a holiday closes the agents, not the mailboxes: an email queue's holiday is checked against its
    // holiday forecast; a phone or chat queue expects nothing then, so there is nothing to check
    if (input.events.holidayArrivals !== 'continue' && input.events.holidays?.includes(today)) return null;
    // a queue younger than the week the forecast needs (MIN_HISTORY_DAYS) has no forecast to check against yet: not a failure
    const firstDay = localDateOf(input.history.rows.firstStartMs!, tz);
    if (daysBetween(firstDay, today) + 1 < MIN_HISTORY_DAYS) return null;
    // today's forecast as the supervisor saw it this morning (the queue's chosen method, from the
    // history before today), checked against the arrivals so far; the rest of a spike day re-forecast
    // in the forecasting thread's urgent lane: ahead of interactive forecasts, never refused for a full line
    const chosen = await this.chooser.execute(queue, 'urgent');
    const fc = await forecastInWorker(this.workers, input.history, { from: today, to: today, events: input.events, intervalLevel: 0.8, reforecastOnSpikeOnly: true }, chosen.choice, 'urgent');
    const check = fc.intraday;
    if (!check || check.date !== today || !check.spike || !check.onsetStart || !check.sinceOnset) return null;
    const r2 = (v: number) => Math.round(v * 100) / 100;
    const alert = await this.forecasting.recordSpike({
      queueId: queue.id,
      localDate: today,
      kind: check.spike === 'high' ? 'spike-high' : 'spike-low',
      startedAt: new Date(epochOfLocal(check.onsetStart, tz)),
      observed: r2(check.observed),
      expected: r2(check.expected),
      observedSinceStart: r2(check.sinceOnset.observed),
      expectedSinceStart: r2(check.sinceOnset.expected),
      dayForecast: r2(check.dayForecast),
      dayProjected: r2(check.dayProjected),
      at: now,
    });
    const rest = fc.points.filter((p) => p.localStart.startsWith(today)).map((p) => ({ intervalStart: new Date(p.start), volume: p.volume, lower: p.lower, upper: p.upper, ahtSeconds: p.aht }));
    await this.forecasting.replaceReforecast(queue.id, input.intervalMinutes, dayStart, dayEnd, rest, now);
    this.logger.log({ msg: 'spike alert', queueId: queue.id, kind: alert.kind, observed: alert.observed, expected: alert.expected, ratio: check.ratio, sinceStart: check.sinceOnset });
    return alert;
  }
}

/** Runs the intraday check every 15 minutes when FORECAST_JOB_ENABLED (default true). */
@Injectable()
export class IntradayForecastJob {
  private readonly logger = new Logger('IntradayForecastJob');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly check: RunIntradayCheck,
    private readonly clock: ForecastClock,
  ) {}

  get enabled(): boolean {
    return this.config.forecastJobEnabled !== false;
  }

  @Cron('0 */15 * * * *', { name: 'intraday-forecast' })
  async tick(): Promise<void> {
    if (!this.enabled) return;
    try {
      const r = await this.check.execute(this.clock.now());
      this.logger.debug?.({ msg: 'intraday check done', ...r, alerts: r.alerts.length, failed: r.failed?.length ?? 0 });
    } catch (err) {
      this.logger.error({ msg: 'intraday check failed', err: err instanceof Error ? err.message : String(err) });
    }
  }
}
