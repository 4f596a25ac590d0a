import { computeCoverage } from './coverage.js';
import { contractViolations } from './contracts.js';
import type { Schedule, Shift } from './model.js';
import { addShift, deleteShift, moveBreak, moveShift } from './schedule-edits.js';
import { demand, employee, hourlyDay } from './spec-fixtures.js';

const shift = (id: string, start: number, end: number, breaks: Shift['breaks'] = []): Shift => ({ id, employeeId: 'a', activity: 'phone', startInterval: start, endInterval: end, breaks });

describe('coverage and editing a schedule by hand', () => {
  const base: Schedule = { horizon: hourlyDay(), shifts: [shift('s1', 8, 16, [{ name: 'lunch', startInterval: 12, endInterval: 13, paid: false }])] };
  const need = demand('phone', { 8: 1, 9: 1, 10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 15: 1, 16: 1 });

  it('counts on-shift agents without the break against the requirement', () => {
    const c = computeCoverage(base, [need]).byActivity.phone;
    expect(c?.uncovered).toEqual([12, 16]);
    expect(c?.intervals[9]?.scheduled).toBe(1);
  });

  it('applies shrinkage: 1 required at 20 % shrinkage needs 2 scheduled', () => {
    const c = computeCoverage(base, [{ ...need, shrinkage: 0.2 }]).byActivity.phone;
    expect(c?.intervals[9]).toMatchObject({ scheduled: 1, available: 0.8, requiredScheduled: 2, shortfall: 1 });
  });

  it('gives the Erlang C service level at the scheduled count (100 calls/h, AHT 180 s)', () => {
    const two = addShift(base, { ...shift('s2', 8, 16), employeeId: 'b' });
    const forecast = { volumes: new Array(24).fill(0).map((_, t) => (t === 9 ? 10 : 0)), ahtSeconds: 180, target: { serviceLevel: 0.8, thresholdSeconds: 20 } };
    const c = computeCoverage(two, [{ ...need, forecast }]).byActivity.phone;
    // 10 calls/h × 180 s = 0.5 Erlang on 2 agents: C = 0.1, SL = 1 − 0.1·e^(−1.5·20/180)
    expect(c?.intervals[9]?.expectedServiceLevel).toBeCloseTo(1 - 0.1 * Math.exp((-1.5 * 20) / 180), 9);
    expect(c?.intervals[8]?.expectedServiceLevel).toBe(1);
  });

  it('adding, moving and deleting shifts updates coverage at once and leaves the input untouched', () => {
    const added = addShift(base, { ...shift('s2', 12, 17), employeeId: 'b' });
    expect(computeCoverage(added, [need]).byActivity.phone?.uncovered).toEqual([]);
    const moved = moveShift(added, 's2', -4);
    expect(computeCoverage(moved, [need]).byActivity.phone?.uncovered).toEqual([16]);
    const lunchLater = moveBreak(base, 's1', 0, 15);
    expect(computeCoverage(lunchLater, [need]).byActivity.phone?.uncovered).toEqual([15, 16]);
    expect(computeCoverage(deleteShift(added, 's1'), [need]).byActivity.phone?.uncovered).toEqual([8, 9, 10, 11]);
    expect(base.shifts).toHaveLength(1);
    expect(() => moveShift(base, 's1', 20)).toThrow(/inside the horizon/);
  });

  it('an edit may break a contract, and the violations say which', () => {
    const twoSameDay = addShift(base, shift('s2', 18, 22));
    expect(contractViolations(twoSameDay, [employee('a')]).map((v) => v.rule)).toEqual(['one-shift-per-day', 'rest']);
  });
});
