import { addDays, dayOfWeek } from './calendar.js';
import { daysPerWeek, type DaySeries } from './day-series.js';
import { sameSlotMean, type WeekAheadModel } from './models.js';
import { nelderMead } from './nelder-mead.js';
import { maxOf } from '../../core/src/extremes.js';

/**
 * Double-seasonal Holt-Winters exponential smoothing (Taylor 2003, J. Oper. Res. Soc. 54:799–805;
 * Taylor 2010, EJOR 204:139–152): a level, an intraday seasonal cycle (period m1 = slots per day)
 * and an intraweek seasonal cycle (period m2 = slots per week), multiplicative, with the AR(1)
 * adjustment of the one-step error. No trend term (Taylor 2010 drops it for intraday data). With
 * e_t = y_t − l_{t−1}·d_{t−m1}·w_{t−m2}:
 *
 *   l_t = α·y_t / (d_{t−m1}·w_{t−m2}) + (1 − α)·l_{t−1}
 *   d_t = δ·y_t / (l_t·w_{t−m2}) + (1 − δ)·d_{t−m1}
 *   w_t = ω·y_t / (l_t·d_{t−m1}) + (1 − ω)·w_{t−m2}
 *   ŷ_t(k) = l_t·d_{t−m1+k}·w_{t−m2+k} + φ^k·e_t
 *
 * (for k beyond one cycle, the latest estimate of that phase is used). α, δ, ω ∈ (0, 1) and
 * φ ∈ (−1, 1) minimise the in-sample sum of squared one-step errors of the adjusted forecast over
 * the training series after its first week (Nelder–Mead on logistic / tanh transforms, started
 * twice from fixed points: deterministic).
 *
 * Closed hours and zeros: a ratio whose seasonal denominator is below `minIndex` (relative to a
 * mean index of 1) does not update that component (0/0 at a closed slot carries no information);
 * ratios are clipped to [0, `maxRatio`], so a stray call at night cannot blow up an index.
 */
export interface DshwParams {
  alpha: number;
  delta: number;
  omega: number;
  phi: number;
}

export interface DshwOptions {
  /** fixed parameters (those not given are fitted). */
  params?: Partial<DshwParams>;
  /** weeks at the start of the series used for the initial level and seasonal indices (default 4). */
  initWeeks?: number;
  /** Nelder–Mead evaluation budget per start (default 300). */
  maxEvaluations?: number;
  /** seasonal denominators below this do not update (default 0.05). */
  minIndex?: number;
  /** ratios are clipped to [0, maxRatio] (default 5). */
  maxRatio?: number;
  /** forecast horizons (steps) whose in-sample squared errors are minimised; default [1] (Taylor's
   * one-step criterion). E.g. [m1, m2] fits the parameters to day- and week-ahead errors instead. */
  fitHorizons?: readonly number[];
}

export interface DshwFit {
  params: DshwParams;
  m1: number;
  m2: number;
  level: number;
  /** intraday indices by phase t mod m1 (latest estimate). */
  daily: Float64Array;
  /** intraweek indices by phase t mod m2 (latest estimate). */
  weekly: Float64Array;
  /** unadjusted one-step error of the last observation (e_T). */
  lastError: number;
  /** number of observations fitted (T). */
  length: number;
  /** root mean squared in-sample one-step error (adjusted forecast). */
  rmse: number;
  evaluations: number;
}

interface State {
  level: number;
  daily: Float64Array;
  weekly: Float64Array;
  lastError: number;
}

function initialState(y: readonly number[], m1: number, m2: number, weeks: number): State {
  const K = Math.max(1, Math.min(weeks, Math.floor(y.length / m2)));
  const weekMean: number[] = [];
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let j = 0; j < m2; j++) s += y[k * m2 + j];
    weekMean.push(s / m2);
  }
  const mean = weekMean.reduce((a, b) => a + b, 0) / K;
  // ratio of each phase of the week to its week's mean, averaged over the first K weeks
  const r = new Float64Array(m2);
  for (let j = 0; j < m2; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += weekMean[k] > 0 ? y[k * m2 + j] / weekMean[k] : 0;
    r[j] = s / K;
  }
  // intraday indices: the mean ratio of each slot of the day; intraweek indices: what is left
  const daily = new Float64Array(m1);
  const perWeek = m2 / m1;
  for (let s = 0; s < m1; s++) {
    let z = 0;
    for (let d = 0; d < perWeek; d++) z += r[d * m1 + s];
    daily[s] = z / perWeek;
  }
  const weekly = new Float64Array(m2);
  for (let j = 0; j < m2; j++) weekly[j] = daily[j % m1] > 1e-9 ? r[j] / daily[j % m1] : 1;
  return { level: mean, daily, weekly, lastError: 0 };
}

/** Runs the recursions over y from `init`; returns the SSE of the adjusted one-step forecasts from `scoreFrom` on. */
function run(
  y: readonly number[],
  m1: number,
  m2: number,
  p: DshwParams,
  init: State,
  o: Required<Pick<DshwOptions, 'minIndex' | 'maxRatio'>>,
  scoreFrom: number,
  keep: boolean,
  horizons: readonly number[] = [1],
): { sse: number; n: number; state: State } {
  const daily = keep ? init.daily : Float64Array.from(init.daily);
  const weekly = keep ? init.weekly : Float64Array.from(init.weekly);
  let level = init.level;
  let e = init.lastError;
  let sse = 0;
  let n = 0;
  const { alpha, delta, omega, phi } = p;
  const minIndex = o.minIndex;
  const maxRatio = o.maxRatio;
  const oneStep = horizons.length === 1 && horizons[0] === 1;
  // forecasts made h steps earlier for the current t, kept in ring buffers (multi-step criterion)
  const pending = oneStep ? [] : horizons.map((h) => ({ h, phiH: Math.pow(phi, h), buf: new Float64Array(h).fill(Number.NaN) }));
  for (let t = 0; t < y.length; t++) {
    const yt = y[t];
    const i1 = t % m1;
    const i2 = t % m2;
    const d = daily[i1];
    const w = weekly[i2];
    const base = level * d * w;
    const err = yt - base;
    if (oneStep) {
      if (t >= scoreFrom) {
        const adj = yt - (base + phi * e);
        sse += adj * adj;
        n++;
      }
    } else {
      for (const q of pending) {
        const f = q.buf[t % q.h];
        if (t >= scoreFrom && !Number.isNaN(f)) {
          sse += (yt - f) * (yt - f);
          n++;
        }
      }
    }
    e = err;
    const lvl0 = level;
    const dw = d * w;
    if (dw >= minIndex * minIndex && lvl0 > 0) {
      const r = Math.min(yt / dw, maxRatio * lvl0);
      level = alpha * r + (1 - alpha) * lvl0;
    }
    if (level > 0) {
      if (w >= minIndex) daily[i1] = delta * Math.min(yt / (level * w), maxRatio) + (1 - delta) * d;
      if (d >= minIndex) weekly[i2] = omega * Math.min(yt / (level * d), maxRatio) + (1 - omega) * w;
    }
    // ŷ_t(h) for the multi-step criterion (latest estimate of each phase, as in the forecast)
    for (const q of pending) {
      const tt = t + q.h;
      q.buf[tt % q.h] = level * daily[tt % m1] * weekly[tt % m2] + q.phiH * e;
    }
  }
  return { sse, n, state: { level, daily, weekly, lastError: e } };
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));

/** Fits Taylor's double-seasonal Holt-Winters to `y` (periods m1 | m2). */
export function fitDshw(y: readonly number[], m1: number, m2: number, o: DshwOptions = {}): DshwFit {
  if (m2 % m1 !== 0) throw new Error('dshw: the weekly period must be a multiple of the daily period');
  if (y.length < 2 * m2) throw new Error('dshw needs at least two weeks of history');
  const opts = { minIndex: o.minIndex ?? 0.05, maxRatio: o.maxRatio ?? 5 };
  const init = initialState(y, m1, m2, o.initWeeks ?? 4);
  const fixed = o.params ?? {};
  const names = (['alpha', 'delta', 'omega', 'phi'] as const).filter((k) => fixed[k] === undefined);
  const toParams = (x: readonly number[]): DshwParams => {
    const p: DshwParams = { alpha: 0, delta: 0, omega: 0, phi: 0, ...fixed } as DshwParams;
    names.forEach((k, i) => {
      p[k] = k === 'phi' ? Math.tanh(x[i]) : logistic(x[i]);
    });
    return p;
  };
  const start: Record<(typeof names)[number], number> = { alpha: logit(0.05), delta: logit(0.2), omega: logit(0.2), phi: Math.atanh(0.8) };
  const horizons = o.fitHorizons ?? [1];
  const sseOf = (x: readonly number[]): number => run(y, m1, m2, toParams(x), init, opts, m2, false, horizons).sse;
  let evaluations = 0;
  let x: number[] = names.map((k) => start[k]);
  if (names.length > 0) {
    const budget = o.maxEvaluations ?? 300;
    // two starts: the fixed one, then a restart from its optimum (escapes a collapsed simplex)
    const a = nelderMead(sseOf, x, { step: 1, maxEvaluations: budget });
    const b = nelderMead(sseOf, a.x, { step: 0.5, maxEvaluations: budget });
    evaluations = a.evaluations + b.evaluations;
    x = b.value <= a.value ? b.x : a.x;
  }
  const params = toParams(x);
  const final = run(y, m1, m2, params, { ...init, daily: Float64Array.from(init.daily), weekly: Float64Array.from(init.weekly) }, opts, m2, true);
  return {
    params,
    m1,
    m2,
    level: final.state.level,
    daily: final.state.daily,
    weekly: final.state.weekly,
    lastError: final.state.lastError,
    length: y.length,
    rmse: Math.sqrt(final.sse / Math.max(1, final.n)),
    evaluations,
  };
}

/** ŷ_T(k) for k = 1…horizon. */
export function forecastDshw(fit: DshwFit, horizon: number): number[] {
  const out: number[] = [];
  const T = fit.length;
  let phik = 1;
  for (let k = 1; k <= horizon; k++) {
    phik *= fit.params.phi;
    const t = T - 1 + k;
    out.push(fit.level * fit.daily[t % fit.m1] * fit.weekly[t % fit.m2] + phik * fit.lastError);
  }
  return out;
}

/**
 * Steps (1-based, in active days) from the last history day to each target date, counting only
 * the active weekdays of the series.
 */
export function activeDayOffsets(history: DaySeries, targetDates: readonly string[]): number[] {
  const last = history.dates[history.dates.length - 1];
  return targetDates.map((date) => {
    if (date <= last) throw new Error(`target date ${date} is not after the history`);
    let k = 0;
    for (let d = addDays(last, 1); d <= date; d = addDays(d, 1)) if (history.activeDows[dayOfWeek(d)]) k++;
    return k;
  });
}

/**
 * Taylor's double-seasonal Holt-Winters as a week-ahead model (the series: active days, slots
 * concatenated). `fitDayAndWeekAhead` replaces Taylor's one-step criterion by the squared errors
 * of the forecasts one day (m1 steps) and one week (m2 steps) ahead: the horizons of use of a
 * week-ahead forecast (smoother level, smaller α).
 */
export function dshw(o: DshwOptions & { fitDayAndWeekAhead?: boolean } = {}, name = 'double-seasonal Holt-Winters (Taylor, AR(1)-adjusted)'): WeekAheadModel & { lastFit?: DshwFit } {
  const model: WeekAheadModel & { lastFit?: DshwFit } = {
    name,
    forecast(history, targetDates) {
      const S = history.slotsPerDay;
      const P = daysPerWeek(history);
      // under two weeks there is nothing to smooth: the mean of the same slot of the weeks there are
      if (history.dates.length < 2 * P) return sameSlotMean(2).forecast(history, targetDates);
      const fitHorizons = o.fitHorizons ?? (o.fitDayAndWeekAhead ? [S, S * P] : undefined);
      const fit = fitDshw(history.values.flat(), S, S * daysPerWeek(history), { ...o, fitHorizons });
      model.lastFit = fit;
      const offsets = activeDayOffsets(history, targetDates);
      const fc = forecastDshw(fit, Math.max(0, maxOf(offsets)) * S);
      return offsets.map((k) => fc.slice((k - 1) * S, k * S).map((v) => Math.max(0, v)));
    },
  };
  return model;
}
