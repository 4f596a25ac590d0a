/**
 * Calendar-date helpers for local dates written as `YYYY-MM-DD`. The arithmetic runs on UTC
 * midnights so it is independent of the host time zone and of daylight saving time.
 */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

/** Parses `YYYY-MM-DD`; returns null for anything malformed or non-existent (e.g. 2025-02-30). */
export function parseLocalDate(value: string): DateParts | null {
  if (typeof value !== 'string') return null;
  const m = DATE_RE.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return { year, month, day };
}

export function isValidLocalDate(value: string): boolean {
  return parseLocalDate(value) !== null;
}

/** The years the service takes in dates and timestamps: the calendars' arithmetic is defined well inside them. */
export const FIRST_SUPPORTED_YEAR = 1900;
export const LAST_SUPPORTED_YEAR = 2999;

/** A date that exists (isValidLocalDate) in FIRST_SUPPORTED_YEAR…LAST_SUPPORTED_YEAR. */
export function isSupportedLocalDate(value: string): boolean {
  const p = parseLocalDate(value);
  return p !== null && p.year >= FIRST_SUPPORTED_YEAR && p.year <= LAST_SUPPORTED_YEAR;
}

export function formatLocalDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function toUtcDays(value: string): number {
  const p = parseLocalDate(value);
  if (!p) throw new RangeError(`invalid date '${value}', expected YYYY-MM-DD`);
  return Date.UTC(p.year, p.month - 1, p.day) / DAY_MS;
}

function fromUtcDays(days: number): string {
  const d = new Date(days * DAY_MS);
  return formatLocalDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** `date` shifted by `days` calendar days. */
export function addDays(date: string, days: number): string {
  return fromUtcDays(toUtcDays(date) + days);
}

/** Whole calendar days from `a` to `b` (negative if b is earlier). */
export function daysBetween(a: string, b: string): number {
  return toUtcDays(b) - toUtcDays(a);
}

/** ISO weekday of a calendar date: Monday = 1 … Sunday = 7. */
export function isoWeekday(date: string): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  const dow = new Date(toUtcDays(date) * DAY_MS).getUTCDay();
  return (dow === 0 ? 7 : dow) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
}
