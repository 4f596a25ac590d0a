import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { initSync, MSTL } from '@bsull/augurs/mstl';
import { daysPerWeek, type DaySeries } from './day-series.js';
import { activeDayOffsets } from './dshw.js';
import { sameSlotMean, type WeekAheadModel } from './models.js';
import { estimateErrorModel, predictionInterval } from './intervals.js';
import { maxOf } from '../../core/src/extremes.js';

/**
 * MSTL (Bandara, Hyndman & Bergmeir 2021: STL decomposition with several seasonal periods) with an
 * AutoETS model of the seasonally adjusted series, from Grafana's augurs library compiled to
 * WebAssembly (`@bsull/augurs`). Periods: one day and one week of the series' active slots.
 *
 * The wasm module is instantiated synchronously (`initSync` with the bytes of `mstl_bg.wasm` read
 * from the installed package) the first time a model is fitted, so the lib stays synchronous and
 * framework-free and works in Node ESM, in Jest and in the compiled service alike.
 */
let ready = false;
function ensureAugurs(): void {
  if (ready) return;
  const require = createRequire(import.meta.url);
  const wasm = path.join(path.dirname(require.resolve('@bsull/augurs/mstl')), 'mstl_bg.wasm');
  initSync({ module: readFileSync(wasm) });
  ready = true;
}

export interface IntervalForecast {
  /** point forecasts per target date and slot. */
  point: number[][];
  lower: number[][];
  upper: number[][];
  /** central probability of the interval (e.g. 0.8). */
  level: number;
}

/** A week-ahead model that also gives its own prediction intervals. */
export interface IntervalWeekAheadModel extends WeekAheadModel {
  forecastWithIntervals(history: DaySeries, targetDates: readonly string[], level: number): IntervalForecast;
}

export interface MstlOptions {
  /** fit on log(1 + y) and back-transform (multiplicative seasonality); default false. */
  log?: boolean;
}

/** Fits MSTL + AutoETS on the concatenated active-day slots and forecasts `horizon` points. */
export function mstlForecast(y: readonly number[], periods: readonly number[], horizon: number, level: number, o: MstlOptions = {}): { point: number[]; lower: number[]; upper: number[] } {
  ensureAugurs();
  const input = Float64Array.from(y, (v) => (o.log ? Math.log1p(Math.max(0, v)) : v));
  const model = MSTL.ets(Uint32Array.from(periods));
  try {
    model.fit(input);
    const f = model.predict(horizon, level);
    const back = (v: number): number => Math.max(0, o.log ? Math.expm1(v) : v);
    const lower = f.intervals?.lower ?? f.point;
    const upper = f.intervals?.upper ?? f.point;
    return { point: f.point.map(back), lower: lower.map(back), upper: upper.map(back) };
  } finally {
    model.free();
  }
}

/** augurs MSTL (periods: a day and a week of slots) with an AutoETS trend/remainder model. */
export function mstlEts(o: MstlOptions = {}, name = `MSTL + AutoETS (augurs wasm${o.log ? ', log' : ''})`): IntervalWeekAheadModel {
  const forecastWithIntervals = (history: DaySeries, targetDates: readonly string[], level: number): IntervalForecast => {
    const S = history.slotsPerDay;
    const P = daysPerWeek(history);
    if (history.dates.length < 2 * P) {
      // MSTL needs two full weekly cycles: below that, the same-slot mean with the empirical error model
      const point = sameSlotMean(2).forecast(history, targetDates);
      const em = history.dates.length >= P + 1 ? estimateErrorModel(history, sameSlotMean(1), 1) : { phi: 2, sigmaDay: 0.15 };
      const pi = point.map((row) => row.map((v) => predictionInterval(v, em, level)));
      return { point, lower: pi.map((r) => r.map((x) => x.lower)), upper: pi.map((r) => r.map((x) => x.upper)), level };
    }
    const offsets = activeDayOffsets(history, targetDates);
    const f = mstlForecast(history.values.flat(), [S, S * daysPerWeek(history)], Math.max(1, maxOf(offsets)) * S, level, o);
    const cut = (a: number[]): number[][] => offsets.map((k) => a.slice((k - 1) * S, k * S));
    return { point: cut(f.point), lower: cut(f.lower), upper: cut(f.upper), level };
  };
  return {
    name,
    forecastWithIntervals,
    forecast: (history, targetDates) => forecastWithIntervals(history, targetDates, 0.8).point,
  };
}
