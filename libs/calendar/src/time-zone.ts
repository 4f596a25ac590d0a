/**
 * Wall-clock conversion for IANA time zones using only `Intl.DateTimeFormat`.
 */
import { addDays, formatLocalDate, parseLocalDate } from './local-date.js';

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

/** The local wall time of an instant, straight from Intl (milliseconds are dropped). */
function intlWallTime(epochMs: number, timeZone: string): WallTime {
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

/** The local wall time of an instant (milliseconds are dropped). */
export function wallTime(epochMs: number, timeZone: string): WallTime {
  const d = new Date(epochMs + offsetMs(epochMs, timeZone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/** UTC offset in milliseconds at an instant (local = utc + offset), straight from Intl. */
function exactOffsetMs(epochMs: number, timeZone: string): number {
  const w = intlWallTime(epochMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/** A stretch of time `[from, to)` (epoch ms) over which a zone's UTC offset does not change. */
interface OffsetSpan {
  from: number;
  to: number;
  offset: number;
}

interface ZoneOffsets {
  /** disjoint, in time order. */
  spans: OffsetSpan[];
  /** the span of the last look-up: consecutive look-ups (a history, a day's intervals) mostly fall in it. */
  last: OffsetSpan | null;
}

const DAY_MS = 86_400_000;
/** How far one look-up searches either way for the zone's offset changes (a zone without any gets spans this long). */
const SEARCH_MS = 400 * DAY_MS;
/** The instants a Date can hold. */
const MAX_EPOCH_MS = 8.64e15;
const SPAN_LIMIT = 10_000;
const zoneOffsets = new Map<string, ZoneOffsets>();

/**
 * UTC offset in milliseconds at an instant (local = utc + offset). Intl is asked only where the
 * zone's offset changes: the spans between changes are remembered, so the look-ups of a year cost
 * a few hundred Intl calls once (a probe a day, and a bisection to the second at each change) and
 * one or two comparisons each after that. Offsets change on whole seconds and then hold for more
 * than a day (true of every zone in the time-zone database: a change undone within a day would be
 * missed).
 */
export function offsetMs(epochMs: number, timeZone: string): number {
  let zone = zoneOffsets.get(timeZone);
  if (!zone) {
    zone = { spans: [], last: null };
    zoneOffsets.set(timeZone, zone);
  }
  const last = zone.last;
  if (last !== null && epochMs >= last.from && epochMs < last.to) return last.offset;
  if (!(Math.abs(epochMs) < MAX_EPOCH_MS - SEARCH_MS)) return exactOffsetMs(epochMs, timeZone); // NaN (Intl's RangeError) or the ends of time
  const spans = zone.spans;
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid].to <= epochMs) lo = mid + 1;
    else hi = mid;
  }
  let span = spans[lo];
  if (span === undefined || span.from > epochMs) {
    span = spanAround(epochMs, timeZone, lo > 0 ? spans[lo - 1].to : -MAX_EPOCH_MS, span?.from ?? MAX_EPOCH_MS);
    if (spans.length >= SPAN_LIMIT) spans.length = 0;
    spans.splice(Math.min(lo, spans.length), 0, span);
  }
  zone.last = span;
  return span.offset;
}

/** The span of `epochMs`'s offset, looked for within `[floor, ceil)` (between the neighbouring known spans). */
function spanAround(epochMs: number, timeZone: string, floor: number, ceil: number): OffsetSpan {
  const offset = exactOffsetMs(epochMs, timeZone);
  const same = (t: number): boolean => exactOffsetMs(t, timeZone) === offset;
  const second = epochMs - (((epochMs % 1000) + 1000) % 1000);
  // forward: a probe a day up to `upTo`; at the first with another offset, bisect to the second it changes
  const upTo = Math.min(ceil, second + SEARCH_MS);
  let to = upTo;
  for (let good = second; ; ) {
    const probe = Math.min(good + DAY_MS, upTo - 1000);
    if (probe <= good) break;
    if (!same(probe)) {
      to = firstChanged(good, probe, same);
      break;
    }
    good = probe;
  }
  // backward, likewise down to `downTo`
  const downTo = Math.max(floor, second - SEARCH_MS);
  let from = downTo;
  for (let good = second; ; ) {
    const probe = Math.max(good - DAY_MS, downTo);
    if (probe >= good) break;
    if (!same(probe)) {
      from = firstChanged(good, probe, same) + 1000;
      break;
    }
    good = probe;
  }
  return { from, to, offset };
}

/**
 * Seconds `good` (with the offset) and `bad` (without it), either way round: the second next to the
 * change on `bad`'s side, i.e. the first second without the offset going from `good` towards `bad`.
 */
function firstChanged(good: number, bad: number, same: (t: number) => boolean): number {
  while (Math.abs(bad - good) > 1000) {
    const mid = good + Math.trunc((bad - good) / 2000) * 1000;
    if (same(mid)) good = mid;
    else bad = mid;
  }
  return bad;
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

/** One real interval of a wall-clock slot: `slot` indexes the local starts given, `start` is its instant. */
export interface SlotInstant {
  slot: number;
  /** epoch milliseconds at which this occurrence of the slot starts. */
  start: number;
  /** 1, or 2 for the second occurrence of a local time the clocks go back over. */
  occurrence: 1 | 2;
}

/**
 * The real intervals of wall-clock slots (local starts `YYYY-MM-DDTHH:MM` in `timeZone`), in time
 * order: a slot is every instant its local start happens (localInstants) — once on an ordinary
 * day, not at all in the spring-forward gap (on 2027-03-28 in Europe/Helsinki 03:00–03:59 does not
 * exist), twice in the hour the clocks go back (2027-10-31 03:00–03:59 happens in summer time and
 * again an hour later in winter time). So a day's slots become every real interval of the day
 * exactly once: 23 hours' worth on the spring day, 25 on the autumn day, no instant twice. Each
 * real interval is as long as the slot when the slots divide the hour and the zone changes its
 * offset by whole hours on the hour (Europe/Helsinki, Europe/Stockholm); a zone that shifts by 30
 * minutes, with hour-long slots, would give one slot a half-hour interval.
 */
export function realIntervals(localStarts: readonly string[], timeZone: string): SlotInstant[] {
  const out: SlotInstant[] = [];
  localStarts.forEach((ts, slot) => {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(ts);
    if (!m) throw new RangeError(`invalid local start '${ts}', expected YYYY-MM-DDTHH:MM`);
    localInstants(m[1], Number(m[2]) * 60 + Number(m[3]), timeZone).forEach((start, k) => out.push({ slot, start, occurrence: k === 0 ? 1 : 2 }));
  });
  // stable: slots that start together (a caller's duplicates) keep their order
  return out.sort((a, b) => a.start - b.start);
}

/**
 * The axis of a wall-clock grid of `days` local days from `date` in slots of `intervalMinutes`:
 * the instant slot k (day ⌊k/perDay⌋ at (k mod perDay)·intervalMinutes) starts, then the end of the
 * last day; never decreasing, so an instant's slot can be found by bisection. A slot inside the
 * spring-forward gap starts when the clock jumps and lasts no time (localToEpoch would push it an
 * hour on, past the next slots, and the axis would go back); a slot of the hour the clocks go back
 * over starts at its first occurrence, so the last of them lasts until the clock reaches the next
 * hour the second time (the repeated hour is in the grid once, as the wall clock shows it).
 */
export function wallClockAxis(date: string, days: number, intervalMinutes: number, timeZone: string): number[] {
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || 1440 % intervalMinutes !== 0) throw new RangeError('intervalMinutes must divide a day');
  if (!parseLocalDate(date)) throw new RangeError(`invalid date '${date}', expected YYYY-MM-DD`);
  const perDay = 1440 / intervalMinutes;
  const out: number[] = [];
  for (let d = 0; d <= days; d++) {
    const day = addDays(date, d);
    for (let s = 0; s < (d < days ? perDay : 1); s++) out.push(localToEpoch(day, s * intervalMinutes, timeZone));
  }
  // a slot in the gap starts when the clock jumps: no later than the next slot
  for (let k = out.length - 2; k >= 0; k--) if (out[k] > out[k + 1]) out[k] = out[k + 1];
  return out;
}
