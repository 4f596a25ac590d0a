import { contractViolations } from './contracts.js';
import { computeCoverage } from './coverage.js';
import { OWN_WORK, fillSchedule } from './fill-schedule.js';
import type { ShiftTemplate } from './model.js';
import { EIGHT_HOURS, FOUR_HOURS, demand, employee, hourlyDay } from './spec-fixtures.js';

const OFFICE: ShiftTemplate = { id: 'office', earliestStartMinutes: 8 * 60, latestStartMinutes: 10 * 60, startStepMinutes: 60, lengthMinutes: 480, breaks: [{ name: 'lunch', lengthMinutes: 60, paid: false, earliestAfterStartMinutes: 180, latestAfterStartMinutes: 240 }], weekdays: [1, 2, 3, 4, 5] };

describe('greedy fill schedule', () => {
  it('lets a department without queues work its contracts, covering its minimum on-shift staffing first', () => {
    const week = hourlyDay(7);
    const staff = ['a', 'b', 'c', 'd'].map((id) => employee(id, [OWN_WORK], { maxWeeklyHours: 35 }));
    // At least 3 on shift 09:00–15:00 on weekdays (lunches included).
    const minimum = { ...demand(OWN_WORK, { 9: 3, 10: 3, 11: 3, 12: 3, 13: 3, 14: 3 }, 7), required: Array.from({ length: 7 * 24 }, (_, t) => (Math.floor(t / 24) < 5 && t % 24 >= 9 && t % 24 < 15 ? 3 : 0)) };
    const r = fillSchedule({ horizon: week, templates: [OFFICE], employees: staff, demands: [minimum], fillContracts: true, fillActivity: OWN_WORK });
    expect(r.uncovered).toEqual([]);
    expect(contractViolations(r.schedule, staff)).toEqual([]);
    // 7 paid hours a day, five weekdays: every employee works 35 h.
    for (const e of staff) expect(r.schedule.shifts.filter((s) => s.employeeId === e.id)).toHaveLength(5);
    expect(r.staffHours).toBe(4 * 35);
    expect(r.schedule.shifts.every((s) => s.activity === OWN_WORK && s.templateId === 'office')).toBe(true);
    // Starts are staggered over the window, not all at 08:00.
    expect(new Set(r.schedule.shifts.map((s) => s.startInterval % 24)).size).toBeGreaterThan(1);
  });

  it('covers a requirement with the fewest paid hours it finds and reports what it cannot cover', () => {
    const day = hourlyDay(1);
    const staff = ['a', 'b', 'c'].map((id) => employee(id));
    // 2 agents 08–12, 1 agent 08–16, and 1 at 23:00 that no template reaches.
    const need = demand('phone', { 8: 3, 9: 3, 10: 3, 11: 3, 12: 1, 13: 1, 14: 1, 15: 1, 23: 1 });
    const r = fillSchedule({ horizon: day, templates: [FOUR_HOURS, EIGHT_HOURS], employees: staff, demands: [need] });
    expect(r.uncovered).toEqual([{ activity: 'phone', interval: 23, shortfall: 1 }]);
    expect(r.staffHours).toBe(16);
    const cov = computeCoverage(r.schedule, [need]).byActivity.phone!;
    expect(cov.uncovered).toEqual([23]);
    expect(contractViolations(r.schedule, staff)).toEqual([]);
  });

  it('keeps scarce skills for where they are scarce', () => {
    const day = hourlyDay(1);
    const both = employee('a-both', ['phone-fi', 'phone-sv']);
    const fi = employee('b-fi', ['phone-fi']);
    const r = fillSchedule({ horizon: day, templates: [FOUR_HOURS], employees: [both, fi], demands: [demand('phone-fi', { 8: 1, 9: 1, 10: 1, 11: 1 }), demand('phone-sv', { 8: 1, 9: 1, 10: 1, 11: 1 })] });
    expect(r.uncovered).toEqual([]);
    expect(r.schedule.shifts.map((s) => [s.employeeId, s.activity]).sort()).toEqual([
      ['a-both', 'phone-sv'],
      ['b-fi', 'phone-fi'],
    ]);
  });
});
