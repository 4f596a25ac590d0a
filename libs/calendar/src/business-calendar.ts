/**
 * A business calendar: weekly opening hours in a time zone, minus closed dates (holidays,
 * closures). All arithmetic is done per local day, so it stays correct across daylight-saving
 * changes: a local day is 23, 24 or 25 hours long, and opening hours are wall-clock times.
 */
import { addDays, daysBetween, isoWeekday, isValidLocalDate } from './local-date.js';
import { isValidTimeZone, localDateOf, localToEpoch, wallClockAxis } from './time-zone.js';

export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface OpeningHours {
  /** ISO weekday: Monday = 1 … Sunday = 7. */
  weekday: IsoWeekday;
  /** Local opening time, 'HH:MM'. */
  open: string;
  /** Local closing time, 'HH:MM', later than `open`; '24:00' means the following midnight. */
  close: string;
}

export interface BusinessCalendarSpec {
  /** IANA time zone, e.g. 'Europe/Helsinki'. */
  timeZone: string;
  openingHours: OpeningHours[];
  /** Local dates (`YYYY-MM-DD`) on which the business is closed all day: holidays and closures. */
  closedDates: string[];
}

export interface OpenInterval {
  start: Date;
  end: Date;
}

interface Span {
  start: number;
  end: number;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function parseMinutes(value: unknown, field: string, allowMidnightEnd: boolean): number {
  if (typeof value === 'string') {
    if (allowMidnightEnd && value === '24:00') return 1440;
    const m = HHMM.exec(value);
    if (m) return Number(m[1]) * 60 + Number(m[2]);
  }
  throw new RangeError(
    `${field} must be a time 'HH:MM' (00:00–23:59${allowMidnightEnd ? ' or 24:00' : ''}), got ${JSON.stringify(value)}`,
  );
}

/** Days looked at beyond the last closed date before concluding the calendar never opens. */
const SCAN_SLACK_DAYS = 8;
const DAY_CACHE_LIMIT = 5000;

export class BusinessCalendar {
  readonly timeZone: string;
  private readonly hours: Map<number, { open: number; close: number }[]>;
  private readonly closed: ReadonlySet<string>;
  private readonly dayCache = new Map<string, Span[]>();

  constructor(spec: BusinessCalendarSpec) {
    if (spec === null || typeof spec !== 'object') throw new RangeError('spec must be an object');
    if (!isValidTimeZone(spec.timeZone)) {
      throw new RangeError(`timeZone must be an IANA time zone such as 'Europe/Helsinki', got ${JSON.stringify(spec.timeZone)}`);
    }
    this.timeZone = spec.timeZone;
    if (!Array.isArray(spec.openingHours)) throw new RangeError('openingHours must be an array');
    this.hours = new Map();
    spec.openingHours.forEach((h, i) => {
      const field = `openingHours[${i}]`;
      if (h === null || typeof h !== 'object') throw new RangeError(`${field} must be an object`);
      if (!Number.isInteger(h.weekday) || h.weekday < 1 || h.weekday > 7) {
        throw new RangeError(`${field}.weekday must be an ISO weekday 1 (Monday) … 7 (Sunday), got ${JSON.stringify(h.weekday)}`);
      }
      const open = parseMinutes(h.open, `${field}.open`, false);
      const close = parseMinutes(h.close, `${field}.close`, true);
      if (close <= open) throw new RangeError(`${field}.close (${h.close}) must be later than ${field}.open (${h.open})`);
      const list = this.hours.get(h.weekday) ?? [];
      list.push({ open, close });
      this.hours.set(h.weekday, list);
    });
    if (!Array.isArray(spec.closedDates)) throw new RangeError('closedDates must be an array');
    spec.closedDates.forEach((d, i) => {
      if (!isValidLocalDate(d)) throw new RangeError(`closedDates[${i}] must be a date YYYY-MM-DD, got ${JSON.stringify(d)}`);
    });
    this.closed = new Set(spec.closedDates);
  }

  /** True when the instant falls inside an opening interval (start inclusive, end exclusive). */
  isOpen(at: Date): boolean {
    const t = toMs(at, 'at');
    return this.spansOf(localDateOf(t, this.timeZone)).some((s) => s.start <= t && t < s.end);
  }

  /** `from` itself when open at `from`; otherwise the start of the next opening; null if never open. */
  nextOpening(from: Date): Date | null {
    const t = toMs(from, 'from');
    let date = localDateOf(t, this.timeZone);
    const limit = this.scanLimit();
    for (let i = 0; i <= limit; i++, date = addDays(date, 1)) {
      for (const s of this.spansOf(date)) {
        if (s.end > t) return new Date(Math.max(s.start, t));
      }
    }
    return null;
  }

  /**
   * The instant at which `seconds` of open time have elapsed after `from` (walks day by day).
   * 0 seconds returns `from`. If the amount ends exactly at a closing time the closing time is
   * returned (not the next opening). Throws RangeError for a negative amount or a calendar that
   * never opens.
   */
  addBusinessSeconds(from: Date, seconds: number): Date {
    const t = toMs(from, 'from');
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`seconds must be a finite number ≥ 0, got ${seconds}`);
    }
    let remaining = seconds * 1000;
    if (remaining === 0) return new Date(t);
    let date = localDateOf(t, this.timeZone);
    let idleDays = 0;
    const limit = this.scanLimit();
    for (;;) {
      const spans = this.spansOf(date);
      let consumed = false;
      for (const s of spans) {
        const start = Math.max(s.start, t);
        if (start >= s.end) continue;
        consumed = true;
        const len = s.end - start;
        if (remaining <= len) return new Date(start + remaining);
        remaining -= len;
      }
      idleDays = consumed ? 0 : idleDays + 1;
      if (idleDays > limit) throw new RangeError('the business calendar never opens after the given instant');
      date = addDays(date, 1);
    }
  }

  /** Open seconds in [from, to); negative when `to` is before `from`. */
  businessSecondsBetween(from: Date, to: Date): number {
    const a = toMs(from, 'from');
    const b = toMs(to, 'to');
    if (b < a) return -this.businessSecondsBetween(to, from);
    if (a === b) return 0;
    const first = localDateOf(a, this.timeZone);
    const last = localDateOf(b, this.timeZone);
    let total = 0;
    const days = daysBetween(first, last);
    for (let i = 0, date = first; i <= days; i++, date = addDays(date, 1)) {
      for (const s of this.spansOf(date)) {
        const lo = Math.max(s.start, a);
        const hi = Math.min(s.end, b);
        if (hi > lo) total += hi - lo;
      }
    }
    return total / 1000;
  }

  /** Open periods of each local day from `fromDate` to `toDate`, both inclusive, in time order. */
  openIntervals(fromDate: string, toDate: string): OpenInterval[] {
    if (!isValidLocalDate(fromDate)) throw new RangeError(`fromDate must be a date YYYY-MM-DD, got ${JSON.stringify(fromDate)}`);
    if (!isValidLocalDate(toDate)) throw new RangeError(`toDate must be a date YYYY-MM-DD, got ${JSON.stringify(toDate)}`);
    const out: OpenInterval[] = [];
    const days = daysBetween(fromDate, toDate);
    for (let i = 0, date = fromDate; i <= days; i++, date = addDays(date, 1)) {
      for (const s of this.spansOf(date)) out.push({ start: new Date(s.start), end: new Date(s.end) });
    }
    return out;
  }

  /**
   * The last closing time at or before `at`: the end of the latest open period that has ended by
   * then (scanning back as far as nextOpening scans forward); null when there is none.
   */
  previousClosing(at: Date): Date | null {
    const t = toMs(at, 'at');
    let date = localDateOf(t, this.timeZone);
    const limit = this.scanLimit();
    for (let i = 0; i <= limit; i++, date = addDays(date, -1)) {
      const spans = this.spansOf(date);
      for (let k = spans.length - 1; k >= 0; k--) if (spans[k].end <= t) return new Date(spans[k].end);
    }
    return null;
  }

  /**
   * Whether each interval of a wall-clock grid is open: the `days` local days from `fromDate`, cut
   * into `intervalMinutes` intervals (wallClockAxis: every day has 1440 / intervalMinutes of them,
   * on the days the clocks change too). An interval is open when any part of it is.
   */
  openWallClockIntervals(fromDate: string, days: number, intervalMinutes: number): boolean[] {
    if (!isValidLocalDate(fromDate)) throw new RangeError(`fromDate must be a date YYYY-MM-DD, got ${JSON.stringify(fromDate)}`);
    if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive integer, got ${days}`);
    const axis = wallClockAxis(fromDate, days, intervalMinutes, this.timeZone);
    const open: boolean[] = [];
    for (let k = 0; k + 1 < axis.length; k++) open.push(axis[k + 1] > axis[k] && this.businessSecondsBetween(new Date(axis[k]), new Date(axis[k + 1])) > 0);
    return open;
  }

  /** True when the local date is a closed date (holiday or closure). */
  isClosedDate(date: string): boolean {
    return this.closed.has(date);
  }

  /** Open spans of one local date, merged and sorted, as epoch milliseconds. */
  private spansOf(date: string): Span[] {
    const cached = this.dayCache.get(date);
    if (cached) return cached;
    let spans: Span[] = [];
    if (!this.closed.has(date)) {
      const hours = (this.hours.get(isoWeekday(date)) ?? []).slice().sort((x, y) => x.open - y.open);
      const merged: { open: number; close: number }[] = [];
      for (const h of hours) {
        const prev = merged[merged.length - 1];
        if (prev && h.open <= prev.close) prev.close = Math.max(prev.close, h.close);
        else merged.push({ ...h });
      }
      spans = merged
        .map((h) => ({ start: localToEpoch(date, h.open, this.timeZone), end: localToEpoch(date, h.close, this.timeZone) }))
        .filter((s) => s.end > s.start);
    }
    if (this.dayCache.size >= DAY_CACHE_LIMIT) this.dayCache.clear();
    this.dayCache.set(date, spans);
    return spans;
  }

  /** How many consecutive closed days to scan before concluding the calendar never opens. */
  private scanLimit(): number {
    return this.hours.size === 0 ? 0 : this.closed.size + SCAN_SLACK_DAYS;
  }
}

function toMs(d: Date, field: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${field} must be a valid Date`);
  return t;
}
