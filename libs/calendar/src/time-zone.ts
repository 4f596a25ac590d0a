/**
 * Wall-clock conversion for IANA time zones using only `Intl.DateTimeFormat`.
 */
import { formatLocalDate, parseLocalDate } from './local-date.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `tz` is an IANA time zone this runtime knows (e.g. 'Europe/Helsinki'). */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length === 0) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The local wall time of an instant (milliseconds are dropped). */
export function wallTime(epochMs: number, timeZone: string): WallTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const out: Record<string, number> = {};
  for (const p of parts) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return {
    year: out.year!,
    month: out.month!,
    day: out.day!,
    hour: out.hour === 24 ? 0 : out.hour!,
    minute: out.minute!,
    second: out.second!,
  };
}

/** UTC offset in milliseconds at an instant (local = utc + offset), straight from Intl. */
function exactOffsetMs(epochMs: number, timeZone: string): number {
  const w = wallTime(epochMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

const BUCKET_MS = 15 * 60_000;
const CACHE_LIMIT = 20_000;
const offsetCache = new Map<string, Map<number, number>>();

/**
 * UTC offset in milliseconds at an instant (local = utc + offset). Cached per 15-minute bucket
 * when the offset is the same at both ends of the bucket (no zone changes offset twice within
 * 15 minutes), so hot paths do not call Intl every time.
 */
export function offsetMs(epochMs: number, timeZone: string): number {
  const bucket = Math.floor(epochMs / BUCKET_MS);
  let zone = offsetCache.get(timeZone);
  if (!zone) {
    zone = new Map();
    offsetCache.set(timeZone, zone);
  }
  const hit = zone.get(bucket);
  if (hit !== undefined) return hit;
  const start = exactOffsetMs(bucket * BUCKET_MS, timeZone);
  const end = exactOffsetMs((bucket + 1) * BUCKET_MS - 1, timeZone);
  if (start !== end) return exactOffsetMs(epochMs, timeZone); // a transition inside this bucket
  if (zone.size >= CACHE_LIMIT) zone.clear();
  zone.set(bucket, start);
  return start;
}

/** The local calendar date (`YYYY-MM-DD`) of an instant. */
export function localDateOf(epochMs: number, timeZone: string): string {
  const d = new Date(epochMs + offsetMs(epochMs, timeZone));
  return formatLocalDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/**
 * Every instant at which the local wall clock shows `date` + `minutes` after midnight, earliest
 * first: one on an ordinary day, none inside a spring-forward gap, two in an autumn overlap (03:30
 * on the night Europe/Helsinki goes from 04:00 summer time back to 03:00 happens in summer time and
 * again, an hour later, in winter time).
 */
export function localInstants(date: string, minutes: number, timeZone: string): number[] {
  const p = parseLocalDate(date);
  if (!p) throw new RangeError(`invalid date '${date}', expected YYYY-MM-DD`);
  const naive = Date.UTC(p.year, p.month - 1, p.day, 0, minutes);
  const before = offsetMs(naive - 86_400_000, timeZone);
  const after = offsetMs(naive + 86_400_000, timeZone);
  const candidates: number[] = [];
  for (const o of before === after ? [before] : [before, after]) {
    const t = naive - o;
    if (offsetMs(t, timeZone) === o) candidates.push(t);
  }
  return candidates.sort((a, b) => a - b);
}

/**
 * The instant at which the local wall clock shows `date` + `minutes` after midnight
 * (minutes may be 1440 = the next midnight).
 * - a wall time that does not exist (spring-forward gap) maps to the instant the clock jumps over
 *   it, shifted by the gap: 03:30 on a 03:00→04:00 night becomes 04:30 summer time;
 * - an ambiguous wall time (autumn overlap) maps to its first occurrence (localInstants gives both).
 */
export function localToEpoch(date: string, minutes: number, timeZone: string): number {
  const candidates = localInstants(date, minutes, timeZone);
  if (candidates.length === 0) {
    const p = parseLocalDate(date)!;
    const naive = Date.UTC(p.year, p.month - 1, p.day, 0, minutes);
    return naive - offsetMs(naive - 86_400_000, timeZone); // inside a gap: push forward
  }
  return candidates[0];
}
