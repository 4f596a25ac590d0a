import { backtestWeekAhead, lastWeekOrigins, type WeekAheadBacktestResult } from './backtest.js';
import { addDays, dayOfWeek } from './calendar.js';
import { buildDaySeries, type DaySeries, type RawDay } from './day-series.js';
import { estimateErrorModel, predictionInterval, type ErrorModel } from './intervals.js';
import { sameSlotMean, type WeekAheadModel } from './models.js';
import { vuoroDefault } from './week-ahead.js';
import { minOf, maxOf } from '../../core/src/extremes.js';

/** One interval of history. `start` is wall-clock time: an ISO string without zone (`2024-03-04T09:30`),
 * or a Date whose UTC fields hold the wall-clock time. */
export interface HistoryPoint {
  start: Date | string;
  volume: number;
  /** average handle time (seconds) of the contacts of this interval. */
  aht?: number;
}

/** Regular arrays instead of points: `volume[i]` starts at `start + i × intervalMinutes`. */
export interface HistoryArrays {
  start: Date | string;
  volume: readonly number[];
  aht?: readonly number[];
}

export interface CalendarHints {
  /** dates (`YYYY-MM-DD`) on which the centre is closed: forecast 0, and the history day is filled. */
  closedDates?: readonly string[];
  /** history dates that are not representative (spikes, outages): filled for model input. */
  outlierDates?: readonly string[];
}

export interface ForecastRequest {
  history: readonly HistoryPoint[] | HistoryArrays;
  /** interval length in minutes; inferred from the history when omitted. */
  intervalMinutes?: number;
  /** calendar days to forecast after the last history day (default 7 = a week). */
  horizon?: number;
  /** probability of the central prediction interval (default 0.8). */
  intervalLevel?: number;
  calendar?: CalendarHints;
  /** a week-ahead model; default: Vuoro's level × profile model. */
  method?: WeekAheadModel;
}

export interface ForecastPoint {
  /** wall-clock start of the interval, `YYYY-MM-DDTHH:MM`. */
  timestamp: string;
  volume: number;
  lower: number;
  upper: number;
  /** forecast average handle time (seconds), when the history has AHT. */
  aht?: number;
}

export interface ForecastResult {
  points: ForecastPoint[];
  method: string;
  intervalMinutes: number;
  intervalLevel: number;
  errorModel: ErrorModel;
}

export function wallClock(t: Date | string): { date: string; minute: number } {
  if (t instanceof Date) {
    if (Number.isNaN(t.getTime())) throw new Error('history: invalid Date');
    return { date: t.toISOString().slice(0, 10), minute: t.getUTCHours() * 60 + t.getUTCMinutes() };
  }
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(t);
  if (!m) throw new Error(`history: invalid start "${t}"`);
  return { date: m[1], minute: m[2] ? Number(m[2]) * 60 + Number(m[3]) : 0 };
}

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function toPoints(h: ForecastRequest['history'], intervalMinutes?: number): HistoryPoint[] {
  if (Array.isArray(h)) return h as HistoryPoint[];
  const a = h as HistoryArrays;
  if (!intervalMinutes) throw new Error('intervalMinutes is required with array history');
  const { date, minute } = wallClock(a.start);
  return a.volume.map((volume, i) => {
    const m = minute + i * intervalMinutes;
    const d = addDays(date, Math.floor(m / 1440));
    const mm = m % 1440;
    return { start: `${d}T${pad(Math.floor(mm / 60))}:${pad(mm % 60)}`, volume, aht: a.aht?.[i] };
  });
}

/**
 * The days a series of consecutive intervals covers only in part: the first when it does not start
 * at midnight, the last when it does not end at one. What the series leaves out of them is unknown,
 * not 0 — a 24/7 series from 03:30 to 03:30 would otherwise hold two near-empty days, one of them
 * scored in a backtest — so a caller passes them as `calendar.outlierDates` (filled from the weeks
 * around, never scored). A series whose closed hours are 0 loses nothing but the first day's data.
 */
export function partialDays(h: HistoryArrays, intervalMinutes: number): string[] {
  if (h.volume.length === 0) return [];
  const { date, minute } = wallClock(h.start);
  const endMinute = minute + h.volume.length * intervalMinutes;
  const out: string[] = [];
  if (minute !== 0) out.push(date);
  if (endMinute % 1440 !== 0) {
    const last = addDays(date, Math.floor(endMinute / 1440));
    if (!out.includes(last)) out.push(last);
  }
  return out;
}

export interface PreparedHistory {
  volume: DaySeries;
  /** AHT per day and slot (NaN where unknown), aligned with `volume`. */
  aht?: number[][];
  /** the slot values of the `calendar.closedDates` the history has data for (filled in `volume`). */
  closedDays: Map<string, number[]>;
}

/** Turns history points into a DaySeries: the slot grid and the working weekdays are learned from the data. */
export function prepareHistory(req: Pick<ForecastRequest, 'history' | 'intervalMinutes' | 'calendar'>): PreparedHistory {
  const points = toPoints(req.history, req.intervalMinutes);
  if (points.length === 0) throw new Error('history: at least one point is required');
  const parsed = points.map((p) => {
    if (!Number.isFinite(p.volume) || p.volume < 0) throw new Error(`history.volume must be a non-negative number (got ${p.volume})`);
    return { ...wallClock(p.start), volume: p.volume, aht: p.aht };
  });
  let interval = req.intervalMinutes;
  if (!interval) {
    let g = 0;
    const gcd = (x: number, y: number): number => (y ? gcd(y, x % y) : x);
    for (const p of parsed) g = gcd(g, p.minute);
    const minutes = [...new Set(parsed.map((p) => p.minute))].sort((x, y) => x - y);
    for (let i = 1; i < minutes.length; i++) g = gcd(g, minutes[i] - minutes[i - 1]);
    interval = g || 1440;
  }
  const first = minOf(parsed.map((p) => p.minute));
  const last = maxOf(parsed.map((p) => p.minute));
  const S = Math.round((last - first) / interval) + 1;
  const closed = new Set(req.calendar?.closedDates ?? []);
  const outliers = new Set(req.calendar?.outlierDates ?? []);
  const days = new Map<string, { v: number[]; a: number[] }>();
  for (const p of parsed) {
    let d = days.get(p.date);
    if (!d) days.set(p.date, (d = { v: new Array<number>(S).fill(0), a: new Array<number>(S).fill(Number.NaN) }));
    const s = Math.round((p.minute - first) / interval);
    d.v[s] += p.volume;
    if (p.aht !== undefined && Number.isFinite(p.aht)) d.a[s] = p.aht;
  }
  const raw: RawDay[] = [...days].map(([date, d]) => ({ date, values: d.v, outlier: closed.has(date) || outliers.has(date) }));
  const volume = buildDaySeries(raw, { intervalMinutes: interval, firstSlotMinute: first });
  const hasAht = parsed.some((p) => p.aht !== undefined);
  const aht = hasAht ? volume.dates.map((d) => days.get(d)?.a ?? new Array<number>(S).fill(Number.NaN)) : undefined;
  const closedDays = new Map([...days].filter(([date]) => closed.has(date)).map(([date, d]) => [date, d.v]));
  return { volume, aht, closedDays };
}

/** Volume-weighted mean AHT of the same weekday and slot over the last `weeks` weeks (fallback: weekday, then overall). */
export function forecastAht(series: DaySeries, aht: number[][], targetDates: readonly string[], weeks = 8): number[][] {
  let allNum = 0;
  let allDen = 0;
  series.values.forEach((row, i) => row.forEach((v, s) => {
    if (Number.isFinite(aht[i][s]) && v > 0) {
      allNum += aht[i][s] * v;
      allDen += v;
    }
  }));
  const overall = allDen > 0 ? allNum / allDen : Number.NaN;
  return targetDates.map((date) => {
    const dow = dayOfWeek(date);
    const idx: number[] = [];
    for (let i = series.dates.length - 1; i >= 0 && idx.length < weeks; i--) if (dayOfWeek(series.dates[i]) === dow && !series.imputed[i]) idx.push(i);
    return Array.from({ length: series.slotsPerDay }, (_, s) => {
      let num = 0;
      let den = 0;
      for (const i of idx) {
        const a = aht[i][s];
        const v = series.values[i][s];
        if (Number.isFinite(a) && v > 0) {
          num += a * v;
          den += v;
        }
      }
      return den > 0 ? num / den : overall;
    });
  });
}

/**
 * Forecasts volume (with a central prediction interval) and, when the history has it, AHT for
 * every interval of the `horizon` calendar days after the history. Days of the week that never
 * carry data (e.g. weekends) are not returned; `calendar.closedDates` are returned with 0.
 */
export function forecast(req: ForecastRequest): ForecastResult {
  const horizon = req.horizon ?? 7;
  if (!Number.isInteger(horizon) || horizon < 1) throw new Error('horizon must be a positive integer number of days');
  const level = req.intervalLevel ?? 0.8;
  if (!(level > 0 && level < 1)) throw new Error('intervalLevel must be between 0 and 1');
  const { volume, aht } = prepareHistory(req);
  const P = volume.activeDows.filter(Boolean).length;
  const enoughForModel = volume.dates.length >= 3 * P;
  const model = req.method ?? (enoughForModel ? vuoroDefault() : sameSlotMean(1));
  const last = volume.dates[volume.dates.length - 1];
  const targets: string[] = [];
  for (let k = 1; k <= horizon; k++) {
    const d = addDays(last, k);
    if (volume.activeDows[dayOfWeek(d)]) targets.push(d);
  }
  const fc = model.forecast(volume, targets);
  const em = volume.dates.length >= 5 * P ? estimateErrorModel(volume, model, Math.min(8, Math.floor(volume.dates.length / P) - 3)) : { phi: 2, sigmaDay: 0.15 };
  const ahtFc = aht ? forecastAht(volume, aht, targets) : undefined;
  const closed = new Set(req.calendar?.closedDates ?? []);
  const points: ForecastPoint[] = [];
  targets.forEach((date, d) => {
    for (let s = 0; s < volume.slotsPerDay; s++) {
      const minute = volume.firstSlotMinute + s * volume.intervalMinutes;
      const v = closed.has(date) ? 0 : Math.max(0, fc[d][s]);
      const pi = predictionInterval(v, em, level);
      const p: ForecastPoint = { timestamp: `${date}T${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`, volume: v, lower: pi.lower, upper: pi.upper };
      if (ahtFc) p.aht = ahtFc[d][s];
      points.push(p);
    }
  });
  return { points, method: model.name, intervalMinutes: volume.intervalMinutes, intervalLevel: level, errorModel: em };
}

export interface BacktestRequest {
  /** a prepared DaySeries, or history as for `forecast`. */
  series: DaySeries | Pick<ForecastRequest, 'history' | 'intervalMinutes' | 'calendar'>;
  method?: WeekAheadModel;
  /** origins as numbers of training days, or a count of final weeks (default 5). */
  origins?: readonly number[] | number;
}

/** Rolling-origin week-ahead backtest (expanding window): WAPE, MAPE, MASE, RMSE, s/origin. */
export function backtest(req: BacktestRequest): WeekAheadBacktestResult {
  const series = 'values' in req.series ? req.series : prepareHistory(req.series).volume;
  const origins = typeof req.origins === 'number' || req.origins === undefined ? lastWeekOrigins(series, req.origins ?? 5) : req.origins;
  return backtestWeekAhead(series, req.method ?? vuoroDefault(), origins);
}

