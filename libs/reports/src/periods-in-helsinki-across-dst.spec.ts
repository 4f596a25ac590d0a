import { periodEnd, periodLabel, periodStart, periodsBetween, startOfLocalDate } from './periods.js';
import { splitSpan } from './agent-time.js';

const at = (iso: string) => Date.parse(iso);

describe('report periods in Europe/Helsinki', () => {
  it('makes the spring-forward day 23 hours and the autumn day 25 hours long', () => {
    const spring = startOfLocalDate('2026-03-29');
    expect(new Date(spring).toISOString()).toBe('2026-03-28T22:00:00.000Z');
    expect((periodEnd(spring, 'day') - spring) / 3_600_000).toBe(23);
    const autumn = startOfLocalDate('2026-10-25');
    expect((periodEnd(autumn, 'day') - autumn) / 3_600_000).toBe(25);
    expect(periodsBetween(autumn, periodEnd(autumn, 'day'), 'interval')).toHaveLength(100);
  });

  it('labels the repeated autumn hour with its offset so the intervals stay distinct', () => {
    expect(periodLabel(at('2026-10-25T00:15:00Z'), 'interval')).toBe('2026-10-25T03:15+03:00');
    expect(periodLabel(at('2026-10-25T01:15:00Z'), 'interval')).toBe('2026-10-25T03:15+02:00');
  });

  it('puts 23:50 UTC on 31 Dec into the next local year, week, month and quarter', () => {
    const t = at('2026-12-31T23:50:00Z'); // 01:50 on 1 Jan 2027 in Helsinki
    expect(periodLabel(periodStart(t, 'day'), 'day')).toBe('2027-01-01');
    expect(periodLabel(periodStart(t, 'month'), 'month')).toBe('2027-01');
    expect(periodLabel(periodStart(t, 'quarter'), 'quarter')).toBe('2027-Q1');
    expect(periodLabel(periodStart(t, 'week'), 'week')).toBe('2026-W53');
    expect(periodLabel(periodStart(t, 'interval'), 'interval')).toBe('2027-01-01T01:45+02:00');
  });

  it('starts ISO weeks on Monday and quarters on the first month of the quarter', () => {
    const t = at('2026-11-22T10:00:00Z'); // a Sunday
    expect(periodLabel(periodStart(t, 'week'), 'day')).toBe('2026-11-16');
    expect(periodLabel(periodStart(t, 'week'), 'week')).toBe('2026-W47');
    expect(periodLabel(periodStart(t, 'quarter'), 'day')).toBe('2026-10-01');
    expect(periodLabel(periodEnd(periodStart(t, 'quarter'), 'quarter'), 'day')).toBe('2027-01-01');
  });

  it('splits a busy span over interval and day edges for occupancy', () => {
    const parts = splitSpan({ state: 'busy', from: new Date('2026-11-22T21:50:00Z'), to: new Date('2026-11-22T22:20:00Z') });
    const intervals = parts.filter((p) => p.grain === 'interval').map((p) => p.occupiedSeconds);
    expect(intervals).toEqual([600, 900, 300]);
    const days = parts.filter((p) => p.grain === 'day');
    expect(days.map((d) => [periodLabel(d.periodStart, 'day'), d.staffedSeconds])).toEqual([
      ['2026-11-22', 600],
      ['2026-11-23', 1200],
    ]);
    expect(splitSpan({ state: 'break', from: new Date(0), to: new Date(60_000) })).toEqual([]);
    expect(splitSpan({ state: 'available', from: new Date(0), to: new Date(60_000) }).every((p) => p.occupiedSeconds === 0)).toBe(true);
  });

  it('answers the same when instants jump between periods, grains and time zones (the last period is remembered)', () => {
    // Fresh answers from the calendar for each instant, compared with answers given in an order that
    // alternates between cached and uncached periods: across the autumn night, a month turn and a
    // year turn, in two time zones.
    const instants = ['2026-10-24T20:59:59Z', '2026-10-25T00:30:00Z', '2026-10-31T21:59:59Z', '2026-10-31T22:00:00Z', '2026-12-31T21:59:59Z', '2026-12-31T22:00:00Z'].map(at);
    const expected = (t: number, grain: 'day' | 'week' | 'month' | 'quarter', tz: string) => {
      const local = new Date(t + (tz === 'UTC' ? 0 : Date.parse(new Date(t).toLocaleString('sv-SE', { timeZone: tz }).replace(' ', 'T') + 'Z') - t));
      return local.toISOString().slice(0, 10);
    };
    for (const tz of ['Europe/Helsinki', 'UTC']) {
      for (const grain of ['day', 'week', 'month', 'quarter'] as const) {
        for (const t of [...instants, ...instants.slice().reverse(), ...instants]) {
          const start = periodStart(t, grain, tz);
          const end = periodEnd(start, grain, tz);
          expect(start).toBeLessThanOrEqual(t);
          expect(end).toBeGreaterThan(t);
          // The period starts at a local midnight on or before the instant's local date.
          expect(periodLabel(start, 'day', tz) <= expected(t, grain, tz)).toBe(true);
          expect(periodStart(end - 1, grain, tz)).toBe(start);
          expect(periodStart(end, grain, tz)).toBe(end);
        }
      }
    }
    expect(periodLabel(periodStart(at('2026-10-31T22:00:00Z'), 'month'), 'month')).toBe('2026-11');
    expect(periodLabel(periodStart(at('2026-10-31T21:59:59Z'), 'month'), 'month')).toBe('2026-10');
    expect(periodLabel(periodStart(at('2026-10-31T21:59:59Z'), 'month', 'UTC'), 'month', 'UTC')).toBe('2026-10');
    expect(periodLabel(periodStart(at('2026-10-31T22:00:00Z'), 'month', 'UTC'), 'month', 'UTC')).toBe('2026-10');
  });
});
