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
});
