import { lastWeekOrigins, weekAheadForecasts } from './backtest.js';
import { daysPerWeek, type DaySeries } from './day-series.js';
import { MetricsAccumulator, seasonalNaiveMae, type AccuracyMetrics } from './metrics.js';
import { sameSlotMean, type WeekAheadModel } from './models.js';
import { vuoroAutoTuned, vuoroDefault } from './week-ahead.js';
import { dshw } from './dshw.js';
import { mstlEts } from './mstl.js';

/**
 * Methods a backtest (or a forecast) may name. `dshw-taylor`: Taylor's double-seasonal Holt-Winters
 * (dshw.ts); `mstl-ets`: augurs MSTL + AutoETS (mstl.ts). `vuoroCombined` (combine.ts) is not
 * offered: the selection backtest inside every fit would make one API backtest take seconds of CPU
 * on the request thread.
 */
export const FORECAST_METHODS = ['vuoro-default', 'vuoro-auto', 'dshw-taylor', 'mstl-ets', 'same-slot-mean-4', 'same-slot-mean-8', 'seasonal-naive'] as const;
export type ForecastMethodName = (typeof FORECAST_METHODS)[number];

export function modelFor(name: ForecastMethodName): WeekAheadModel {
  switch (name) {
    case 'vuoro-default':
      return vuoroDefault();
    case 'vuoro-auto':
      return vuoroAutoTuned();
    case 'dshw-taylor':
      return dshw();
    case 'mstl-ets':
      return mstlEts();
    case 'same-slot-mean-4':
      return sameSlotMean(4);
    case 'same-slot-mean-8':
      return sameSlotMean(8);
    case 'seasonal-naive':
      return sameSlotMean(1);
  }
}

export interface HorizonBacktestResult extends AccuracyMetrics {
  method: string;
  origins: number;
  horizonDays: number;
  secondsPerOrigin: number;
}

/**
 * A backtest request the series cannot serve as asked, naming the parameter (`origins`, `horizon`)
 * and the rule it broke, with the largest value this series allows. The caller maps it to a 4xx
 * naming the field: a backtest never quietly uses fewer origins or days than were asked for.
 */
export class BacktestInputError extends RangeError {
  override readonly name = 'BacktestInputError';

  constructor(
    readonly parameter: 'origins' | 'horizon',
    readonly rule: string,
    /** the largest value this series allows (0: none). */
    readonly allowed: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The most `values × origins` a backtest of a method may ask for (values: the intervals of the
 * series it runs on), where its cost can reach minutes: about 30 s of CPU on a 2-vCPU EPYC. Per origin
 * a method refits on all the history before it; measured per origin on 5-minute series (2026-11-24):
 * MSTL 0.64 s at 20,000 values, 3.2 s at 100,000, 3.4 s at 200,000 (26 origins of 200,000: 92 s in an
 * audit); vuoro-auto 0.29 s at 50,000, 1.2 s at 200,000. The other methods stay under 20 s at the
 * API's largest backtest (200,000 values × 26 origins) and have no limit.
 */
export const BACKTEST_WORK_LIMITS: Readonly<Partial<Record<ForecastMethodName, number>>> = { 'mstl-ets': 1_000_000, 'vuoro-auto': 3_000_000 };

/** Refuses a backtest of `values` intervals with `origins` origins beyond its method's BACKTEST_WORK_LIMITS (BacktestInputError on `origins`, rule `workLimit`, with the origins allowed). */
export function checkBacktestWork(method: ForecastMethodName, values: number, origins: number): void {
  const limit = BACKTEST_WORK_LIMITS[method];
  if (limit === undefined || values * origins <= limit) return;
  const allowed = Math.floor(limit / values);
  const fmt = (n: number) => n.toLocaleString('en-US');
  throw new BacktestInputError(
    'origins',
    'workLimit',
    allowed,
    `origins: a ${method} backtest may take at most ${fmt(limit)} values × origins (about 30 s of computing); this series has ${fmt(values)} values, so ${allowed === 0 ? 'it is too long for this method' : `at most ${allowed} origin${allowed === 1 ? '' : 's'}`}; ${origins} were asked for`,
  );
}

/**
 * The most origins a backtest of `series` can have: one at the start of each of its last weeks
 * that has at least one whole week of training before it.
 */
export function maxBacktestOrigins(series: DaySeries): number {
  const P = daysPerWeek(series);
  return P === 0 ? 0 : Math.max(0, Math.floor(series.dates.length / P) - 1);
}

/**
 * Rolling-origin backtest (expanding window) at the start of each of the last `weeks` weeks,
 * scoring the first `horizonDays` active days after each origin (imputed days never scored).
 * MASE is scaled per origin by the in-sample MAE of the weekly seasonal naive. Throws a
 * BacktestInputError when the series has fewer than `weeks` such weeks, or `horizonDays` is more
 * than its active days a week (each origin forecasts one week).
 */
export function backtestHorizon(series: DaySeries, model: WeekAheadModel, weeks: number, horizonDays?: number): HorizonBacktestResult {
  const P = daysPerWeek(series);
  if (!Number.isInteger(weeks) || weeks < 1) throw new BacktestInputError('origins', 'min', 1, 'origins must be a whole number of weeks, at least 1');
  const available = maxBacktestOrigins(series);
  if (available === 0) {
    throw new BacktestInputError('origins', 'enoughHistory', 0, 'origins: the history is too short for a backtest: it needs at least two weeks (one to train on, one to score)');
  }
  if (weeks > available) {
    throw new BacktestInputError('origins', 'enoughHistory', available, `origins: the history allows at most ${available} origin${available === 1 ? '' : 's'} (each needs a week of training before it); ${weeks} were asked for`);
  }
  if (horizonDays !== undefined && (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > P)) {
    throw new BacktestInputError('horizon', 'activeDays', P, `horizon: the history has ${P} active day${P === 1 ? '' : 's'} a week, so 1 to ${P} days can be scored after each origin; ${horizonDays} were asked for`);
  }
  const h = horizonDays ?? P;
  const origins = lastWeekOrigins(series, weeks).filter((o) => o >= P);
  const { runs, seconds } = weekAheadForecasts(series, model, origins);
  const acc = new MetricsAccumulator();
  for (const run of runs) {
    const scale = seasonalNaiveMae(series.values.slice(0, run.origin).flat(), P * series.slotsPerDay);
    run.dates.slice(0, h).forEach((_, d) => {
      if (!run.imputed[d]) acc.add(run.actual[d], run.forecast[d], scale);
    });
  }
  return { ...acc.result(), method: model.name, origins: origins.length, horizonDays: h, secondsPerOrigin: seconds / origins.length };
}
