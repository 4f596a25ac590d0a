import { addDays, dayOfWeek, daysBetween } from './calendar.js';

/**
 * An interval series organised as days × slots. Only the days of the week on which the contact
 * centre works (learned from the data: `activeDows`) are present, in calendar order and without
 * gaps: an absent or outlier day is filled for model input only and flagged `imputed`.
 */
export interface DaySeries {
  intervalMinutes: number;
  /** minutes after midnight at which slot 0 starts. */
  firstSlotMinute: number;
  slotsPerDay: number;
  /** ISO dates (`YYYY-MM-DD`), ascending, one per active day. */
  dates: string[];
  /** values[day][slot]. */
  values: number[][];
  /** true where the day was filled (absent, or flagged as an outlier) — never score these. */
  imputed: boolean[];
  /** activeDows[d] for d = 0 (Sunday) … 6 (Saturday). */
  activeDows: boolean[];
}

export interface RawDay {
  date: string;
  values: number[];
  /** treat as absent for model input (e.g. a known data fault or a one-off spike). */
  outlier?: boolean;
}

/**
 * Days of the week that carry data: a weekday is active when it appears in at least half of the
 * calendar weeks spanned by the data.
 */
export function learnActiveDows(dates: readonly string[]): boolean[] {
  if (dates.length === 0) return new Array<boolean>(7).fill(false);
  const sorted = [...dates].sort();
  const weeks = Math.max(1, (daysBetween(sorted[0], sorted[sorted.length - 1]) + 1) / 7);
  const count = new Array<number>(7).fill(0);
  for (const d of sorted) count[dayOfWeek(d)]++;
  return count.map((c) => c >= 0.5 * Math.floor(weeks) && c > 0);
}

/**
 * Builds a gap-free DaySeries. Absent active days and outlier days are filled with the mean of the
 * same weekday and slot one week before and one week after (whichever exist), else the nearest
 * real same-weekday day (protocol fpp2-calls-week-ahead v1).
 */
export function buildDaySeries(
  days: readonly RawDay[],
  opts: { intervalMinutes: number; firstSlotMinute: number; activeDows?: boolean[] },
): DaySeries {
  if (days.length === 0) throw new Error('history is empty');
  const sorted = [...days].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const slotsPerDay = sorted[0].values.length;
  const activeDows = opts.activeDows ?? learnActiveDows(sorted.map((d) => d.date));
  const byDate = new Map<string, RawDay>();
  for (const d of sorted) {
    if (d.values.length !== slotsPerDay) throw new Error(`day ${d.date} has ${d.values.length} slots, expected ${slotsPerDay}`);
    byDate.set(d.date, d);
  }
  const dates: string[] = [];
  for (let d = sorted[0].date; d <= sorted[sorted.length - 1].date; d = addDays(d, 1)) {
    if (activeDows[dayOfWeek(d)]) dates.push(d);
  }
  const real = (date: string): number[] | undefined => {
    const d = byDate.get(date);
    return d && !d.outlier ? d.values : undefined;
  };
  const values: number[][] = [];
  const imputed: boolean[] = [];
  for (const date of dates) {
    const own = real(date);
    if (own) {
      values.push(own.slice());
      imputed.push(false);
      continue;
    }
    const before = real(addDays(date, -7));
    const after = real(addDays(date, 7));
    let fill: number[] | undefined;
    if (before && after) fill = before.map((v, s) => (v + after[s]) / 2);
    else fill = (before ?? after)?.slice();
    for (let k = 2; !fill && k < 60; k++) fill = (real(addDays(date, -7 * k)) ?? real(addDays(date, 7 * k)))?.slice();
    values.push(fill ?? new Array<number>(slotsPerDay).fill(0));
    imputed.push(true);
  }
  return { intervalMinutes: opts.intervalMinutes, firstSlotMinute: opts.firstSlotMinute, slotsPerDay, dates, values, imputed, activeDows };
}

/** The first `count` days of the series (a training window). */
export function headDays(series: DaySeries, count: number): DaySeries {
  return { ...series, dates: series.dates.slice(0, count), values: series.values.slice(0, count), imputed: series.imputed.slice(0, count) };
}

/** The last `count` days of the series. */
export function tailDays(series: DaySeries, count: number): DaySeries {
  const from = Math.max(0, series.dates.length - count);
  return { ...series, dates: series.dates.slice(from), values: series.values.slice(from), imputed: series.imputed.slice(from) };
}

/** Active dates in the `calendarDays` calendar days after the end of the series. */
export function nextActiveDates(series: DaySeries, calendarDays: number): string[] {
  const out: string[] = [];
  const last = series.dates[series.dates.length - 1];
  for (let k = 1; k <= calendarDays; k++) {
    const d = addDays(last, k);
    if (series.activeDows[dayOfWeek(d)]) out.push(d);
  }
  return out;
}

/** Number of active days in a calendar week. */
export function daysPerWeek(series: DaySeries): number {
  return series.activeDows.filter(Boolean).length;
}

export function dayTotal(values: readonly number[]): number {
  let t = 0;
  for (const v of values) t += v;
  return t;
}

/**
 * Each day's position after a closure: `A1` for the first active day after one or more closed
 * (imputed) days, `A2` for the next, … up to `afterDays` (other days ''); and how many days the last
 * one is after the last closure (0 when it is closed itself, Infinity when there was none).
 */
export function afterClosureKeys(imputed: readonly boolean[], afterDays: number): { keys: string[]; sinceLast: number } {
  const keys = imputed.map(() => '');
  let since = Infinity;
  for (let i = 0; i < imputed.length; i++) {
    if (imputed[i]) {
      since = 0;
      continue;
    }
    since++;
    if (since <= afterDays) keys[i] = `A${since}`;
  }
  return { keys, sinceLast: since };
}
