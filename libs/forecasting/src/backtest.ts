import { daysPerWeek, headDays, type DaySeries } from './day-series.js';
import { MetricsAccumulator, seasonalNaiveMae, type AccuracyMetrics } from './metrics.js';
import type { WeekAheadModel } from './models.js';

export interface WeekAheadBacktestResult extends AccuracyMetrics {
  /** mean wall-clock seconds of fit + forecast per origin. */
  secondsPerOrigin: number;
  origins: number;
}

export interface OriginForecast {
  /** number of training days (the origin). */
  origin: number;
  dates: string[];
  forecast: number[][];
  actual: number[][];
  imputed: boolean[];
}

/** Forecasts of the week after each origin (origin = number of training days). */
export function weekAheadForecasts(series: DaySeries, model: WeekAheadModel, origins: readonly number[]): { runs: OriginForecast[]; seconds: number } {
  const P = daysPerWeek(series);
  const runs: OriginForecast[] = [];
  let seconds = 0;
  for (const origin of origins) {
    const end = Math.min(series.dates.length, origin + P);
    const dates = series.dates.slice(origin, end);
    const train = headDays(series, origin);
    const t0 = performance.now();
    const forecast = model.forecast(train, dates);
    seconds += (performance.now() - t0) / 1000;
    runs.push({ origin, dates, forecast, actual: series.values.slice(origin, end), imputed: series.imputed.slice(origin, end) });
  }
  return { runs, seconds };
}

/**
 * Rolling-origin (expanding window) week-ahead backtest. Imputed days are never scored. MASE is
 * scaled per origin by the in-sample MAE of the weekly seasonal naive on that training window.
 */
export function backtestWeekAhead(series: DaySeries, model: WeekAheadModel, origins: readonly number[]): WeekAheadBacktestResult {
  const { runs, seconds } = weekAheadForecasts(series, model, origins);
  const acc = new MetricsAccumulator();
  const P = daysPerWeek(series);
  for (const run of runs) {
    const flat = series.values.slice(0, run.origin).flat();
    const scale = seasonalNaiveMae(flat, P * series.slotsPerDay);
    run.dates.forEach((_, d) => {
      if (!run.imputed[d]) acc.add(run.actual[d], run.forecast[d], scale);
    });
  }
  return { ...acc.result(), secondsPerOrigin: seconds / Math.max(1, origins.length), origins: origins.length };
}

/** Origins at the start of each of the last `weeks` complete weeks of the series. */
export function lastWeekOrigins(series: DaySeries, weeks: number): number[] {
  const P = daysPerWeek(series);
  const n = series.dates.length;
  const out: number[] = [];
  for (let k = weeks; k >= 1; k--) if (n - k * P > 0) out.push(n - k * P);
  return out;
}

/**
 * Picks, per series, the candidate with the lowest WAPE in a rolling-origin backtest over the last
 * `selectionWeeks` weeks of the TRAINING history only, then forecasts with it.
 */
export function autoSelect(candidates: readonly WeekAheadModel[], selectionWeeks = 8, name = 'auto (training backtest)'): WeekAheadModel & { lastChoice?: string } {
  const model: WeekAheadModel & { lastChoice?: string } = {
    name,
    forecast(history, targetDates) {
      const P = daysPerWeek(history);
      const weeks = Math.min(selectionWeeks, Math.floor(history.dates.length / P) - 4);
      let best = candidates[0];
      if (weeks >= 1 && candidates.length > 1) {
        const origins = lastWeekOrigins(history, weeks);
        let bestWape = Infinity;
        for (const c of candidates) {
          const r = backtestWeekAhead(history, c, origins);
          if (r.wape < bestWape) {
            bestWape = r.wape;
            best = c;
          }
        }
      }
      model.lastChoice = best.name;
      return best.forecast(history, targetDates);
    },
  };
  return model;
}
