import { computeCoverage } from './coverage.js';
import { contractViolations } from './contracts.js';
import { generateSchedule } from './generate-schedule.js';
import { paidMinutes } from './model.js';
import { EIGHT_HOURS, FOUR_HOURS, demand, employee, hourlyDay } from './spec-fixtures.js';

describe('schedule generation on small cases with a known optimum', () => {
  it('covers two agents 08–12 and one 12–16 with 12 staff-hours (three 4 h shifts or 8 h + 4 h)', async () => {
    const r = await generateSchedule({
      horizon: hourlyDay(),
      templates: [FOUR_HOURS, EIGHT_HOURS],
      employees: ['a', 'b', 'c'].map((id) => employee(id)),
      demands: [demand('phone', { 8: 2, 9: 2, 10: 2, 11: 2, 12: 1, 13: 1, 14: 1, 15: 1 })],
    });
    expect(r.figures.mipStaffHours).toBe(12);
    expect(r.figures.lpObjective).toBeCloseTo(12, 6);
    expect(r.uncovered).toEqual([]);
    expect(r.unassigned).toEqual([]);
    expect(r.schedule.shifts.reduce((s, sh) => s + paidMinutes(sh, 3600), 0)).toBe(12 * 60);
  });

  it('reports the intervals two employees cannot cover instead of failing', async () => {
    const r = await generateSchedule({
      horizon: hourlyDay(),
      templates: [FOUR_HOURS],
      employees: [employee('a'), employee('b')],
      demands: [demand('phone', { 9: 3, 10: 3, 11: 1 })],
    });
    expect(r.figures.status).toBe('Optimal');
    expect(r.uncovered).toEqual([
      { activity: 'phone', interval: 9, shortfall: 1 },
      { activity: 'phone', interval: 10, shortfall: 1 },
    ]);
    expect(r.figures.mipStaffHours).toBe(8);
  });

  it('an unpaid lunch is neither paid nor covering: 08–17 needs a 9 h shift with lunch plus a 4 h shift (12 paid hours)', async () => {
    const lunchShift = { id: '9h-lunch', earliestStartMinutes: 8 * 60, latestStartMinutes: 8 * 60, lengthMinutes: 540, breaks: [{ name: 'lunch', lengthMinutes: 60, paid: false, earliestAfterStartMinutes: 240, latestAfterStartMinutes: 240 }] };
    const r = await generateSchedule({
      horizon: hourlyDay(),
      templates: [lunchShift, { ...FOUR_HOURS, earliestStartMinutes: 8 * 60 }],
      employees: [employee('a'), employee('b'), employee('c')],
      demands: [demand('phone', { 8: 1, 9: 1, 10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 15: 1, 16: 1 })],
    });
    expect(r.figures.mipStaffHours).toBe(12);
    const cov = computeCoverage(r.schedule, [demand('phone', { 8: 1, 9: 1, 10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 15: 1, 16: 1 })]);
    expect(cov.byActivity.phone?.uncovered).toEqual([]);
    expect(contractViolations(r.schedule, [employee('a'), employee('b'), employee('c')])).toEqual([]);
  });

  it('puts each activity on employees who can work it', async () => {
    const employees = [employee('p', ['phone']), employee('e', ['email'])];
    const r = await generateSchedule({
      horizon: hourlyDay(),
      templates: [FOUR_HOURS],
      employees,
      demands: [demand('phone', { 8: 1, 9: 1, 10: 1, 11: 1 }), demand('email', { 12: 1, 13: 1 })],
    });
    expect(r.schedule.shifts.map((s) => [s.activity, s.employeeId]).sort()).toEqual([['email', 'e'], ['phone', 'p']]);
    expect(r.figures.mipStaffHours).toBe(8);
  });
});
