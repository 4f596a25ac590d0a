/**
 * Calendar events that move a day's volume: letter batches (a mailing of N letters on a date; calls
 * follow a day or a few later) and the first open day after a holiday. Their effects are learned
 * from the history by regressing daily residuals on the events, so a planned mailing raises the
 * forecast of the days after it by what past mailings did.
 */
import { addDays, dayOfWeek } from './calendar.js';
import { dayTotal, type DaySeries } from './day-series.js';
import type { HolidayArrivals } from './holiday-arrivals.js';
import { fitLevelProfile } from './models.js';

export interface LetterBatchEvent {
  /** local date of the mailing, `YYYY-MM-DD`. */
  sentOn: string;
  letters: number;
}

export interface ForecastEvents {
  /** past and planned mailings (planned ones move the forecast). */
  letterBatches?: readonly LetterBatchEvent[];
  /** holiday (closed) dates: the first open day after one is a regressor. */
  holidays?: readonly string[];
  /**
   * What a holiday means for arrivals (holiday-arrivals.ts): `none` (default) — nothing arrives,
   * the forecast is 0; `continue` — arrivals go on (email) and are forecast like the Sunday of the
   * holiday's week, scaled by a factor learned from the history's holidays. The service chooses it
   * per queue channel (holidayArrivalsOf).
   */
  holidayArrivals?: HolidayArrivals;
  /** calendar-day lags after the mailing whose uplift is learned (default 0…5). */
  lags?: readonly number[];
}

export interface EventEffects {
  /** relative uplift per 10 000 letters, by lag (calendar days after the mailing). */
  letterUpliftPer10k: { lag: number; uplift: number }[];
  /** relative uplift of the first open day after a holiday (0 when never seen). */
  afterHoliday: number;
  /** number of residual days the effects were learned from. */
  days: number;
}

const LETTER_UNIT = 10_000;

function median(a: readonly number[]): number {
  const b = [...a].sort((x, y) => x - y);
  const n = b.length;
  return n === 0 ? Number.NaN : n % 2 ? b[n >> 1] : (b[n / 2 - 1] + b[n / 2]) / 2;
}

/** Solves (XᵀX + λ·D) β = Xᵀy by Gaussian elimination (D = identity except the intercept). */
function ridge(X: number[][], y: number[], lambda: number): number[] {
  const p = X[0].length;
  const A = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  X.forEach((row, i) => {
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) A[a][b] += row[a] * row[b];
      A[a][p] += row[a] * y[i];
    }
  });
  for (let a = 1; a < p; a++) A[a][a] += lambda;
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    [A[c], A[piv]] = [A[piv], A[c]];
    if (Math.abs(A[c][c]) < 1e-12) continue;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      for (let k = c; k <= p; k++) A[r][k] -= f * A[c][k];
    }
  }
  return A.map((row, i) => (Math.abs(row[i]) < 1e-12 ? 0 : row[p] / row[i]));
}

/** Letters (in units of 10 000) sent `lag` calendar days before each date. */
function lettersByDate(events: ForecastEvents): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of events.letterBatches ?? []) m.set(b.sentOn, (m.get(b.sentOn) ?? 0) + b.letters / LETTER_UNIT);
  return m;
}

/** True when the active day before `date` (per the weekly pattern) is a holiday. */
function isAfterHoliday(date: string, activeDows: readonly boolean[], holidays: ReadonlySet<string>): boolean {
  if (holidays.has(date)) return false;
  for (let k = 1; k <= 7; k++) {
    const d = addDays(date, -k);
    if (activeDows[dayOfWeek(d)]) return holidays.has(d);
  }
  return false;
}

/** The regressors of one date: letters at each lag, then the after-holiday indicator. */
function regressors(date: string, lags: readonly number[], letters: ReadonlyMap<string, number>, activeDows: readonly boolean[], holidays: ReadonlySet<string>): number[] {
  return [...lags.map((l) => letters.get(addDays(date, -l)) ?? 0), isAfterHoliday(date, activeDows, holidays) ? 1 : 0];
}

/**
 * Learns the effects of the events from the history: each real day's total is compared with its
 * expected total (learned weekday and month-turn factors × the median deseasonalised total of the
 * ±10 surrounding days, which follows level shifts), and the relative residuals are regressed (with
 * a small ridge penalty) on the letters sent at each lag and on the after-holiday indicator.
 */
export function fitEventEffects(history: DaySeries, events: ForecastEvents): EventEffects {
  const lags = events.lags ?? [0, 1, 2, 3, 4, 5];
  const holidays = new Set(events.holidays ?? []);
  const letters = lettersByDate(events);
  const n = history.dates.length;
  const empty: EventEffects = { letterUpliftPer10k: lags.map((lag) => ({ lag, uplift: 0 })), afterHoliday: 0, days: 0 };
  const P = history.activeDows.filter(Boolean).length;
  if (n < 3 * P) return empty;
  // Weekday factors and local levels are learned from the history with the current estimate of the
  // events divided out (mailings on regular weekdays would otherwise inflate those weekdays' factors
  // and hide part of their own effect); three rounds.
  let beta: number[] = new Array<number>(lags.length + 2).fill(0);
  let X: number[][] = [];
  const T = history.values.map(dayTotal);
  const regs = history.dates.map((d) => regressors(d, lags, letters, history.activeDows, holidays));
  const factorOf = (i: number) => Math.min(3, Math.max(0.5, 1 + regs[i].reduce((a, x, k) => a + beta[k + 1] * x, 0)));
  for (let round = 0; round < 3; round++) {
    const clean = round === 0 ? history : { ...history, values: history.values.map((row, i) => row.map((v) => v / factorOf(i))) };
    const fit = fitLevelProfile(clean, [], { monthEffects: false });
    const y = T.map((t, i) => {
      const f = fit.dowFactor[dayOfWeek(history.dates[i])];
      return !history.imputed[i] && f > 0 ? t / f : Number.NaN;
    });
    const yClean = y.map((v, i) => v / factorOf(i));
    X = [];
    const r: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i])) continue;
      const w: number[] = [];
      for (let j = Math.max(0, i - 10); j <= Math.min(n - 1, i + 10); j++) if (j !== i && Number.isFinite(yClean[j])) w.push(yClean[j]);
      if (w.length < 5) continue;
      const level = median(w);
      if (!(level > 0)) continue;
      X.push([1, ...regs[i]]);
      r.push(y[i] / level - 1);
    }
    if (X.length < 2 * P) return empty;
    beta = ridge(X, r, 0.5);
  }
  const seen = (k: number) => X.some((row) => row[k] !== 0);
  return {
    letterUpliftPer10k: lags.map((lag, k) => ({ lag, uplift: seen(k + 1) ? beta[k + 1] : 0 })),
    afterHoliday: seen(lags.length + 1) ? beta[lags.length + 1] : 0,
    days: X.length,
  };
}

/** Multiplicative factor (1 + uplift) of the events on a date, clamped to [0.5, 3]. */
export function eventFactor(date: string, effects: EventEffects, events: ForecastEvents, activeDows: readonly boolean[]): number {
  const lags = effects.letterUpliftPer10k.map((e) => e.lag);
  const x = regressors(date, lags, lettersByDate(events), activeDows, new Set(events.holidays ?? []));
  let u = effects.afterHoliday * x[lags.length];
  effects.letterUpliftPer10k.forEach((e, k) => (u += e.uplift * x[k]));
  return Math.min(3, Math.max(0.5, 1 + u));
}

/** The history with each day divided by its event factor: what the days would have been without events. */
export function withoutEvents(history: DaySeries, effects: EventEffects, events: ForecastEvents): DaySeries {
  const values = history.values.map((row, i) => {
    const f = eventFactor(history.dates[i], effects, events, history.activeDows);
    return f === 1 ? row : row.map((v) => v / f);
  });
  return { ...history, values };
}
