import { lastWeekOrigins, weekAheadForecasts } from './backtest.js';
import type { DaySeries } from './day-series.js';
import type { ErrorModel } from './intervals.js';
import { normalQuantile, predictionInterval } from './intervals.js';
import type { WeekAheadModel } from './models.js';

export interface RestOfDayForecast {
  /** observed / expected arrivals so far. */
  ratio: number;
  /** the ratio after shrinkage toward 1 that was applied to the rest of the day. */
  appliedRatio: number;
  /** forecasts of the remaining slots (index 0 = first slot not yet observed). */
  forecast: number[];
  /** cumulative arrivals are outside the `spikeLevel` interval of the morning forecast. */
  spike: 'high' | 'low' | null;
}

/**
 * Re-forecasts the rest of a day from the arrivals observed so far: the remaining part of the
 * morning (week-ahead) forecast is scaled by observed/expected, shrunk toward 1 with the
 * empirical-Bayes weight σ² / (σ² + φ/E) (σ: day-level error, φ: Poisson overdispersion, E:
 * expected arrivals so far). Also flags a spike when the cumulative arrivals leave the prediction
 * interval of the morning forecast.
 */
export function reforecastRestOfDay(
  dayForecast: readonly number[],
  observed: readonly number[],
  errorModel: ErrorModel,
  opts: { spikeLevel?: number; maxRatio?: number; /** weight of the observed deviation carried into the rest of the day (see estimateCarryOver); default: empirical-Bayes weight. */ carryOver?: number } = {},
): RestOfDayForecast {
  const k = observed.length;
  let expected = 0;
  let seen = 0;
  for (let s = 0; s < k; s++) {
    expected += dayForecast[s];
    seen += observed[s];
  }
  const rest = dayForecast.slice(k);
  if (expected <= 0) return { ratio: 1, appliedRatio: 1, forecast: rest.slice(), spike: null };
  const ratio = seen / expected;
  const s2 = errorModel.sigmaDay ** 2;
  const w = opts.carryOver ?? s2 / (s2 + errorModel.phi / expected);
  const maxRatio = opts.maxRatio ?? 3;
  const applied = Math.min(maxRatio, Math.max(1 / maxRatio, 1 + w * (ratio - 1)));
  const z = normalQuantile(0.5 + (opts.spikeLevel ?? 0.95) / 2);
  const sd = Math.sqrt(errorModel.phi * expected + s2 * expected * expected);
  const spike = seen > expected + z * sd ? 'high' : seen < expected - z * sd ? 'low' : null;
  return { ratio, appliedRatio: applied, forecast: rest.map((v) => v * applied), spike };
}

/**
 * How much of the morning's deviation (observed/expected − 1 up to `cutoffSlot`) persists in the
 * rest of the day: the least-squares slope of rest-of-day deviation on morning deviation over the
 * week-ahead forecasts of the last `weeks` weeks of the training history, clamped to [0, 1].
 */
export function estimateCarryOver(history: DaySeries, model: WeekAheadModel, cutoffSlot: number, weeks = 8): number {
  const { runs } = weekAheadForecasts(history, model, lastWeekOrigins(history, weeks));
  let sxy = 0;
  let sxx = 0;
  for (const run of runs) {
    run.dates.forEach((_, d) => {
      if (run.imputed[d]) return;
      const f = run.forecast[d];
      const y = run.actual[d];
      let fm = 0;
      let ym = 0;
      let fr = 0;
      let yr = 0;
      for (let s = 0; s < f.length; s++) {
        if (s < cutoffSlot) {
          fm += f[s];
          ym += y[s];
        } else {
          fr += f[s];
          yr += y[s];
        }
      }
      if (fm <= 0 || fr <= 0) return;
      const x = ym / fm - 1;
      sxy += x * (yr / fr - 1);
      sxx += x * x;
    });
  }
  return sxx > 0 ? Math.min(1, Math.max(0, sxy / sxx)) : 0;
}

/**
 * Where a spike the day-so-far test first saw at `detectedSlot` began: that slot, or earlier while
 * the slots just before it were each beyond their own prediction interval (at `level`) in the
 * spike's direction. The day-so-far total leaves its interval only once the surge has outweighed
 * the normal morning, usually an interval or more after the surge itself started.
 */
export function spikeOnset(dayForecast: readonly number[], observed: readonly number[], direction: 'high' | 'low', detectedSlot: number, errorModel: ErrorModel, level = 0.8): number {
  let start = detectedSlot;
  while (start > 0) {
    const pi = predictionInterval(dayForecast[start - 1], errorModel, level);
    const v = observed[start - 1];
    if (direction === 'high' ? v > pi.upper : v < pi.lower) start--;
    else break;
  }
  return start;
}

/** What the arrivals so far say about a day: the rest of it re-forecast, and whether it is a spike, since when and how large. */
export interface IntradayCheck extends RestOfDayForecast {
  /** arrivals so far and what the morning forecast expected for the same slots. */
  observed: number;
  expected: number;
  /** the slot at which the day-so-far total first left its interval (null: no spike). */
  detectedSlot: number | null;
  /** the slot where the surge (or drop) began (`spikeOnset`; null: no spike). */
  onsetSlot: number | null;
  /** arrivals and the morning forecast from the onset slot on: the size of the spike itself, not diluted by the normal morning before it. */
  sinceOnset: { observed: number; expected: number } | null;
  /** the morning forecast of the whole day, and the arrivals so far plus the re-forecast rest of it. */
  dayForecast: number;
  dayProjected: number;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * The intraday check of one day: `reforecastRestOfDay`, and for a spike the slot at which the
 * day-so-far test first saw it (the arrivals up to then are fixed, so it does not move at later
 * checks), where it began (`spikeOnset` at `onsetLevel`) and its size from then on.
 */
export function intradayCheck(
  dayForecast: readonly number[],
  observed: readonly number[],
  errorModel: ErrorModel,
  opts: { carryOver?: number; spikeLevel?: number; onsetLevel?: number } = {},
): IntradayCheck {
  const re = reforecastRestOfDay(dayForecast, observed, errorModel, opts);
  const seen = sum(observed);
  const expected = sum(dayForecast.slice(0, observed.length));
  const base = { ...re, observed: seen, expected, dayForecast: sum(dayForecast), dayProjected: seen + sum(re.forecast) };
  if (!re.spike) return { ...base, detectedSlot: null, onsetSlot: null, sinceOnset: null };
  let detected = observed.length - 1;
  for (let k = 1; k < observed.length; k++) {
    if (reforecastRestOfDay(dayForecast, observed.slice(0, k), errorModel, { spikeLevel: opts.spikeLevel }).spike === re.spike) {
      detected = k - 1;
      break;
    }
  }
  const onset = spikeOnset(dayForecast, observed, re.spike, detected, errorModel, opts.onsetLevel);
  return { ...base, detectedSlot: detected, onsetSlot: onset, sinceOnset: { observed: sum(observed.slice(onset)), expected: sum(dayForecast.slice(onset, observed.length)) } };
}


/** A forecast interval on the real clock (`start` epoch ms). */
export interface TimedForecast {
  start: number;
  minutes: number;
  volume: number;
  lower: number;
  upper: number;
}

/**
 * The stored intraday re-forecast of a day (`reforecast`, at the history's interval length) laid
 * over a forecast of the same day at any interval length: an interval made of re-forecast intervals
 * takes their sum, one partly made of them (the interval under way when the re-forecast was made)
 * takes their sum plus the forecast's share of the rest, and its prediction interval is recomputed
 * for the new volume. Intervals the re-forecast does not touch are returned unchanged, with
 * `reforecast: false`.
 */
export function overlayReforecast<T extends TimedForecast>(points: readonly T[], reforecast: readonly { start: number; minutes: number; volume: number }[], errorModel: ErrorModel, level: number): (T & { reforecast: boolean })[] {
  const sorted = [...reforecast].sort((a, b) => a.start - b.start);
  return points.map((p) => {
    const end = p.start + p.minutes * 60_000;
    let covered = 0;
    let sum = 0;
    for (const r of sorted) {
      if (r.start >= end) break;
      if (r.start < p.start || r.start + r.minutes * 60_000 > end) continue;
      covered += r.minutes;
      sum += r.volume;
    }
    if (covered === 0) return { ...p, reforecast: false };
    const volume = sum + (p.volume * Math.max(0, p.minutes - covered)) / p.minutes;
    return { ...p, volume, ...predictionInterval(volume, errorModel, level), reforecast: true };
  });
}
