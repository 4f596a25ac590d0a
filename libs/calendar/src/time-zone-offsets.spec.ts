import { jest } from '@jest/globals';
import { localDateOf, offsetMs, wallTime } from './time-zone.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** What Intl itself says, without any cache: the local wall time of an instant. */
function intlWall(epochMs: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })));
  const parts = f.formatToParts(new Date(epochMs));
  const v = Object.fromEntries(parts.map((p) => [p.type, p.value]));
  return `${v.year}-${v.month}-${v.day}T${v.hour === '24' ? '00' : v.hour}:${v.minute}:${v.second}`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function cachedWall(epochMs: number, timeZone: string): string {
  const w = wallTime(epochMs, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('time-zone offsets from remembered spans', () => {
  // zones with summer time north and south, half-hour and 45-minute offsets, a half-hour DST shift,
  // a skipped day (Apia, 2011-12-30), Ramadan's month without summer time (Casablanca) and none at all
  const zones = ['Europe/Helsinki', 'America/New_York', 'America/Sao_Paulo', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Asia/Kolkata', 'Pacific/Apia', 'Pacific/Chatham', 'Africa/Casablanca', 'UTC'];

  it.each(zones)('gives the wall time Intl gives in %s, 2008–2027, at and around every offset change', (zone) => {
    const from = Date.UTC(2008, 0, 1);
    const to = Date.UTC(2028, 0, 1);
    // every 7 h 13 min 17 s (so every time of day is visited), then minute by minute where Intl's offset changed between samples
    const step = 7 * HOUR + 13 * MINUTE + 17_000;
    const mismatches: string[] = [];
    let previous: string | null = null;
    let previousAt = from;
    const check = (t: number) => {
      const want = intlWall(t, zone);
      const got = cachedWall(t, zone);
      if (got !== want && mismatches.length < 5) mismatches.push(`${new Date(t).toISOString()}: ${got}, Intl ${want}`);
      return want;
    };
    for (let t = from; t < to; t += step) {
      const want = check(t);
      const offset = Date.parse(`${want}Z`) - (t - (t % 1000));
      if (previous !== null && String(offset) !== previous) for (let m = previousAt; m < t; m += MINUTE) check(m + 29_000);
      previous = String(offset);
      previousAt = t;
    }
    expect(mismatches).toEqual([]);
  });

  it('answers look-ups in any order, and at the seconds either side of a change', () => {
    // Helsinki 2025-10-26 01:00 UTC: 04:00 summer time becomes 03:00 winter time; 2025-03-30 01:00 UTC the other way
    const tz = 'Europe/Helsinki';
    const change = Date.UTC(2025, 9, 26, 1);
    const spring = Date.UTC(2025, 2, 30, 1);
    const instants = [change, change - 1, change - 1000, change + 999, spring - 1, spring, Date.UTC(1990, 5, 1), Date.UTC(2025, 6, 1), Date.UTC(2999, 11, 31, 23, 59)];
    for (const t of [...instants].reverse().concat(instants)) expect(cachedWall(t, tz)).toBe(intlWall(t, tz));
    expect(offsetMs(change - 1, tz)).toBe(3 * HOUR);
    expect(offsetMs(change, tz)).toBe(2 * HOUR);
    expect(offsetMs(spring - 1, tz)).toBe(2 * HOUR);
    expect(offsetMs(spring, tz)).toBe(3 * HOUR);
    expect(localDateOf(Date.UTC(2025, 9, 25, 21), tz)).toBe('2025-10-26');
    expect(() => offsetMs(Number.NaN, tz)).toThrow(RangeError);
  });

  it('asks Intl a few hundred times for three years of quarter-hours, not once per instant', () => {
    const spy = jest.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      const start = Date.UTC(2022, 0, 1);
      let n = 0;
      for (let t = start; t < start + 3 * 365 * 24 * HOUR; t += 15 * MINUTE, n++) wallTime(t, 'Europe/Tallinn');
      expect(n).toBe(105_120);
      expect(spy.mock.calls.length).toBeLessThan(2_000);
    } finally {
      spy.mockRestore();
    }
  });
});
