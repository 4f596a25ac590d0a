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
 * Rolling-origin backtest (expanding window) at the start of each of the last `weeks` weeks,
 * scoring the first `horizonDays` active days after each origin (imputed days never scored).
 * MASE is scaled per origin by the in-sample MAE of the weekly seasonal naive.
 */
export function backtestHorizon(series: DaySeries, model: WeekAheadModel, weeks: number, horizonDays?: number): HorizonBacktestResult {
  const P = daysPerWeek(series);
  const h = Math.min(horizonDays ?? P, P);
  const origins = lastWeekOrigins(series, weeks).filter((o) => o >= P);
  if (origins.length === 0) throw new Error(`origins: the series is too short for a backtest (it needs more than ${weeks} weeks and one week of training)`);
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
