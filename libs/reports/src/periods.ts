/**
 * Report periods in a time zone (Europe/Helsinki for Vuoro's reports), across daylight saving time:
 * 15-minute intervals, days (23, 24 or 25 hours long), ISO weeks from Monday, months and quarters.
 * Every period is a half-open range of instants [start, end).
 */
import { addDays, isoWeekday, parseLocalDate } from '../../calendar/src/local-date.js';
import { localDateOf, localToEpoch, offsetMs } from '../../calendar/src/time-zone.js';

export const GRAINS = ['interval', 'day', 'week', 'month', 'quarter'] as const;
export type Grain = (typeof GRAINS)[number];

/**
 * The grains of the stored agent roll-up rows. An agent's weeks are the sums of their day rows and
 * quarters the sums of their months, added up when a report reads them: every batch of the roll-up
 * job touches the rows of nearly every agent, and writing five grains instead of three was a fifth
 * of the database's work under load (the queue rows, a few per batch, keep all five). Months stay
 * stored so that a year or a quarter by agent reads 12 or 3 rows per agent and queue, not 365 or 92
 * (bench:reports: a year by month by agent from day rows took 1.2 s).
 */
export const AGENT_ROLLUP_GRAINS = ['interval', 'day', 'month'] as const satisfies readonly Grain[];

/** The stored agent grain a report of `grain` reads: itself, or the finer rows its periods are made of. */
export function agentRollupSource(grain: Grain): (typeof AGENT_ROLLUP_GRAINS)[number] {
  if (grain === 'week') return 'day';
  if (grain === 'quarter') return 'month';
  return grain;
}

/** The time zone of report periods (days, weeks, months, quarters) and of the roll-ups' day boundaries. */
export const REPORT_TIME_ZONE = 'Europe/Helsinki';

export const INTERVAL_MS = 15 * 60_000;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The local date (`YYYY-MM-DD`) on which the period of `grain` containing that date starts. */
export function periodStartDate(date: string, grain: Exclude<Grain, 'interval'>): string {
  const p = parseLocalDate(date);
  if (!p) throw new RangeError(`invalid date '${date}'`);
  switch (grain) {
    case 'day':
      return date;
    case 'week':
      return addDays(date, 1 - isoWeekday(date));
    case 'month':
      return `${p.year}-${pad(p.month)}-01`;
    case 'quarter':
      return `${p.year}-${pad(p.month - ((p.month - 1) % 3))}-01`;
  }
}

function nextStartDate(startDate: string, grain: Exclude<Grain, 'interval'>): string {
  const p = parseLocalDate(startDate)!;
  switch (grain) {
    case 'day':
      return addDays(startDate, 1);
    case 'week':
      return addDays(startDate, 7);
    case 'month':
    case 'quarter': {
      const m = p.month - 1 + (grain === 'month' ? 1 : 3);
      return `${p.year + Math.floor(m / 12)}-${pad((m % 12) + 1)}-01`;
    }
  }
}

/**
 * The last period found per grain and time zone: the roll-up job asks for the day, week, month and
 * quarter of thousands of instants that mostly fall in the same periods, and each answer from the
 * calendar (local date, its period's first date, back to an instant) costs several string parses.
 */
const lastPeriod = new Map<string, { start: number; end: number }>();

function calendarPeriod(epochMs: number, grain: Exclude<Grain, 'interval'>, timeZone: string): { start: number; end: number } {
  const key = `${grain}|${timeZone}`;
  const hit = lastPeriod.get(key);
  if (hit && hit.start <= epochMs && epochMs < hit.end) return hit;
  const startDate = periodStartDate(localDateOf(epochMs, timeZone), grain);
  const period = { start: localToEpoch(startDate, 0, timeZone), end: localToEpoch(nextStartDate(startDate, grain), 0, timeZone) };
  lastPeriod.set(key, period);
  return period;
}

/** The start instant (epoch ms) of the period of `grain` that contains `epochMs`. */
export function periodStart(epochMs: number, grain: Grain, timeZone = REPORT_TIME_ZONE): number {
  if (grain === 'interval') {
    const local = epochMs + offsetMs(epochMs, timeZone);
    const floored = local - (((local % INTERVAL_MS) + INTERVAL_MS) % INTERVAL_MS);
    return floored - offsetMs(epochMs, timeZone);
  }
  return calendarPeriod(epochMs, grain, timeZone).start;
}

/** The end (exclusive) of the period of `grain` that starts at `startMs`. */
export function periodEnd(startMs: number, grain: Grain, timeZone = REPORT_TIME_ZONE): number {
  if (grain === 'interval') return startMs + INTERVAL_MS;
  const hit = lastPeriod.get(`${grain}|${timeZone}`);
  if (hit && hit.start === startMs) return hit.end;
  return localToEpoch(nextStartDate(localDateOf(startMs, timeZone), grain), 0, timeZone);
}

/** The starts of every period of `grain` overlapping [fromMs, toMs). */
export function periodsBetween(fromMs: number, toMs: number, grain: Grain, timeZone = REPORT_TIME_ZONE): number[] {
  const out: number[] = [];
  for (let s = periodStart(fromMs, grain, timeZone); s < toMs; s = periodEnd(s, grain, timeZone)) out.push(s);
  return out;
}

function isoWeekLabel(date: string): string {
  // The ISO week-year is the year of the week's Thursday.
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const jan4 = `${year}-01-04`;
  const week1Monday = addDays(jan4, 1 - isoWeekday(jan4));
  const days = (Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${week1Monday}T00:00:00Z`)) / 86_400_000;
  return `${year}-W${pad(Math.floor(days / 7) + 1)}`;
}

/**
 * A readable local name of the period: `2026-03-29T03:15+03:00` (interval, with its UTC offset so
 * the repeated hour of an autumn night stays distinct), `2026-03-29`, `2026-W13`, `2026-03`, `2026-Q1`.
 */
export function periodLabel(startMs: number, grain: Grain, timeZone = REPORT_TIME_ZONE): string {
  const date = localDateOf(startMs, timeZone);
  switch (grain) {
    case 'interval': {
      const off = offsetMs(startMs, timeZone);
      const local = new Date(startMs + off);
      const sign = off < 0 ? '-' : '+';
      const abs = Math.abs(off) / 60_000;
      return `${date}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
    }
    case 'day':
      return date;
    case 'week':
      return isoWeekLabel(date);
    case 'month':
      return date.slice(0, 7);
    case 'quarter':
      return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
  }
}

/** The instant of local midnight starting `date` in the report time zone. */
export function startOfLocalDate(date: string, timeZone = REPORT_TIME_ZONE): number {
  return localToEpoch(date, 0, timeZone);
}
