import { localToEpoch } from '../../calendar/src/time-zone.js';
import { shiftProblems } from './contracts.js';
import { intervalStart, type PlanningHorizon, type Shift } from './model.js';
import { employee } from './spec-fixtures.js';

/**
 * A week of Helsinki wall-clock quarter-hours across the end of summer time (Sunday 2026-10-25 has
 * 25 hours): interval starts and time off follow the local clock, not a uniform count from Monday.
 */
describe('planning horizon across a DST change', () => {
  const tz = 'Europe/Helsinki';
  const week: PlanningHorizon = { start: new Date(localToEpoch('2026-10-19', 0, tz)), intervalSeconds: 900, intervals: 7 * 96, intervalsPerDay: 96, firstWeekday: 1, timeZone: tz };
  const sunday = (hh: number) => 6 * 96 + hh * 4;
  const shift = (fromHour: number, toHour: number): Shift => ({ id: 's', employeeId: 'e', activity: 'phone', startInterval: sunday(fromHour), endInterval: sunday(toHour), breaks: [] });
  const timeOff = [{ from: new Date(localToEpoch('2026-10-25', 9 * 60, tz)), to: new Date(localToEpoch('2026-10-25', 12 * 60, tz)) }];
  const e = employee('e', ['phone'], { timeOff });

  it('maps an interval to its local wall-clock instant on both sides of the change', () => {
    expect(intervalStart(week, 0).toISOString()).toBe('2026-10-18T21:00:00.000Z'); // Monday 00:00 EEST
    expect(intervalStart(week, sunday(12)).toISOString()).toBe('2026-10-25T10:00:00.000Z'); // Sunday 12:00 EET
    expect(intervalStart(week, 7 * 96).toISOString()).toBe('2026-10-25T22:00:00.000Z'); // next Monday 00:00 EET
  });

  it('lets a shift start when the time off ends, and refuses one that overlaps it', () => {
    expect(shiftProblems(e, shift(12, 16), week)).toEqual([]);
    expect(shiftProblems(e, shift(11, 15), week).map((p) => p.rule)).toEqual(['time-off']);
  });

  it('without a time zone keeps the uniform UTC count (the hour of skew a DST week would have)', () => {
    const utc: PlanningHorizon = { ...week, timeZone: undefined };
    expect(intervalStart(utc, sunday(12)).toISOString()).toBe('2026-10-25T09:00:00.000Z');
    expect(shiftProblems(e, shift(12, 16), utc).map((p) => p.rule)).toEqual(['time-off']);
  });
});
