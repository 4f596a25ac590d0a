import { realIntervals, wallClockAxis } from './time-zone.js';

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const pad = (n: number) => String(n).padStart(2, '0');
/** The wall-clock slots of a whole local day: 24 hours of `minutes`-minute slots, `YYYY-MM-DDTHH:MM`. */
const daySlots = (date: string, minutes: number) => Array.from({ length: 1440 / minutes }, (_, i) => `${date}T${pad(Math.floor((i * minutes) / 60))}:${pad((i * minutes) % 60)}`);

/**
 * A day of wall-clock slots as real intervals in Europe/Helsinki: an audit found 24 hourly forecast
 * points on the 25-hour day of 2027-10-31 (01:00Z–02:00Z missing) and on the 23-hour day of
 * 2027-03-28 (03:00 and 04:00 both at 01:00Z).
 */
describe('realIntervals: wall-clock slots as every real interval, once', () => {
  const tz = 'Europe/Helsinki';

  it('an ordinary day is its 24 hours, one instant each', () => {
    const r = realIntervals(daySlots('2027-06-15', 60), tz);
    expect(r).toHaveLength(24);
    expect(r.map((x) => x.slot)).toEqual([...Array(24).keys()]);
    expect(utc(r[0].start)).toBe('2027-06-14T21:00');
    expect(r.every((x) => x.occurrence === 1)).toBe(true);
  });

  it('the day the clocks go back is 25 hours: the 03:00 slot twice, summer time first, every hour once', () => {
    const slots = daySlots('2027-10-31', 60);
    const r = realIntervals(slots, tz);
    expect(r).toHaveLength(25);
    expect(r.map((x) => utc(x.start))).toEqual(Array.from({ length: 25 }, (_, h) => utc(Date.UTC(2027, 9, 30, 21 + h))));
    expect(r.filter((x) => slots[x.slot] === '2027-10-31T03:00').map((x) => [utc(x.start), x.occurrence])).toEqual([['2027-10-31T00:00', 1], ['2027-10-31T01:00', 2]]);
    expect(utc(r.find((x) => slots[x.slot] === '2027-10-31T04:00')!.start)).toBe('2027-10-31T02:00');
  });

  it('the day the clocks go forward is 23 hours: no 03:00, no instant twice', () => {
    const slots = daySlots('2027-03-28', 60);
    const r = realIntervals(slots, tz);
    expect(r).toHaveLength(23);
    expect(r.map((x) => utc(x.start))).toEqual(Array.from({ length: 23 }, (_, h) => utc(Date.UTC(2027, 2, 27, 22 + h))));
    expect(r.some((x) => slots[x.slot] === '2027-03-28T03:00')).toBe(false);
    expect(utc(r.find((x) => slots[x.slot] === '2027-03-28T04:00')!.start)).toBe('2027-03-28T01:00');
  });

  it('quarter-hours: 100 on the autumn day, 92 on the spring day, 15 minutes apart throughout (2026-10-25, 2027-03-28)', () => {
    for (const [date, n] of [['2026-10-25', 100], ['2027-03-28', 92]] as const) {
      const r = realIntervals(daySlots(date, 15), tz);
      expect(r).toHaveLength(n);
      for (let i = 1; i < r.length; i++) expect(r[i].start - r[i - 1].start).toBe(15 * 60_000);
    }
  });

  it('keeps slots of other days and the caller\'s order where nothing repeats; refuses a malformed start', () => {
    const slots = ['2027-10-30T23:00', '2027-10-31T03:30', '2027-10-31T04:00'];
    expect(realIntervals(slots, tz).map((x) => [x.slot, utc(x.start)])).toEqual([[0, '2027-10-30T20:00'], [1, '2027-10-31T00:30'], [1, '2027-10-31T01:30'], [2, '2027-10-31T02:00']]);
    expect(() => realIntervals(['2027-10-31 03:00'], tz)).toThrow(RangeError);
  });
});

describe('wallClockAxis: a wall-clock grid whose instants never go back', () => {
  const tz = 'Europe/Helsinki';

  it('an ordinary day: 96 quarter-hours 15 minutes apart and the next midnight', () => {
    const a = wallClockAxis('2027-06-15', 1, 15, tz);
    expect(a).toHaveLength(97);
    for (let i = 1; i < a.length; i++) expect(a[i] - a[i - 1]).toBe(15 * 60_000);
  });

  it('the spring day: the gap\'s slots start when the clock jumps and last no time, so 04:15 summer time is the 04:15 slot', () => {
    const a = wallClockAxis('2027-03-28', 1, 15, tz);
    expect(a).toHaveLength(97);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(a[i - 1]);
    expect([12, 13, 14, 15, 16].map((k) => utc(a[k]))).toEqual(Array(5).fill('2027-03-28T01:00'));
    expect(utc(a[17])).toBe('2027-03-28T01:15');
    expect(a[96] - a[0]).toBe(23 * 3_600_000);
  });

  it('the autumn day: the repeated hour is in the grid once, its last slot lasting until 04:00 winter time', () => {
    const a = wallClockAxis('2027-10-31', 1, 15, tz);
    expect(utc(a[12])).toBe('2027-10-31T00:00');
    expect(utc(a[15])).toBe('2027-10-31T00:45');
    expect(utc(a[16])).toBe('2027-10-31T02:00');
    expect(a[96] - a[0]).toBe(25 * 3_600_000);
  });

  it('spans several days', () => {
    const a = wallClockAxis('2027-03-27', 2, 60, tz);
    expect(a).toHaveLength(49);
    expect(utc(a[0])).toBe('2027-03-26T22:00');
    expect(utc(a[48])).toBe('2027-03-28T21:00');
  });
});
