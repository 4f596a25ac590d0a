/**
 * Contract rules of employees, checked on single shifts (can this employee work this shift at all?)
 * and on a whole schedule (weekly hours, days off, rest, one shift per day). The generator's
 * assignment stage uses the same functions, and the specs check generated schedules with
 * {@link contractViolations}.
 */
import { type Employee, type PlanningHorizon, type Schedule, type Shift, intervalStart, paidMinutes, weekdayOfDay } from './model.js';

export const DEFAULT_MIN_REST_MINUTES = 11 * 60;

export interface ContractViolation {
  employeeId: string;
  shiftId?: string;
  rule:
    | 'unknown-employee'
    | 'activity'
    | 'shift-length'
    | 'availability'
    | 'time-off'
    | 'one-shift-per-day'
    | 'overlap'
    | 'rest'
    | 'weekly-hours'
    | 'days-off';
  detail: string;
}

/** Why `employee` cannot work `shift` on its own terms (empty = it can). */
export function shiftProblems(employee: Employee, shift: Shift, horizon: PlanningHorizon): ContractViolation[] {
  const problems: ContractViolation[] = [];
  const push = (rule: ContractViolation['rule'], detail: string) => problems.push({ employeeId: employee.id, shiftId: shift.id, rule, detail });
  const c = employee.contract;
  if (!employee.activities.includes(shift.activity)) push('activity', `cannot work on ${shift.activity}`);
  const paid = paidMinutes(shift, horizon.intervalSeconds);
  if (paid < c.minShiftMinutes - 1e-9 || paid > c.maxShiftMinutes + 1e-9) push('shift-length', `${paid} paid minutes outside ${c.minShiftMinutes}–${c.maxShiftMinutes}`);
  const perDay = horizon.intervalsPerDay;
  const minutesPer = horizon.intervalSeconds / 60;
  if (c.availability) {
    const day = Math.floor(shift.startInterval / perDay);
    const weekday = weekdayOfDay(horizon, day);
    const from = (shift.startInterval - day * perDay) * minutesPer;
    const to = (shift.endInterval - day * perDay) * minutesPer;
    if (!c.availability.some((w) => w.weekday === weekday && w.fromMinutes <= from && to <= w.toMinutes)) push('availability', `not available ${from}–${to} min on weekday ${weekday}`);
  }
  if (c.timeOff) {
    const s = intervalStart(horizon, shift.startInterval).getTime();
    const e = intervalStart(horizon, shift.endInterval).getTime();
    if (c.timeOff.some((o) => o.from.getTime() < e && s < o.to.getTime())) push('time-off', 'overlaps time off');
  }
  return problems;
}

/** Every contract rule a schedule breaks, per employee (unassigned shifts are ignored). */
export function contractViolations(schedule: Schedule, employees: readonly Employee[]): ContractViolation[] {
  const horizon = schedule.horizon;
  const byId = new Map(employees.map((e) => [e.id, e]));
  const out: ContractViolation[] = [];
  const byEmployee = new Map<string, Shift[]>();
  for (const shift of schedule.shifts) {
    if (shift.employeeId === null) continue;
    const employee = byId.get(shift.employeeId);
    if (!employee) {
      out.push({ employeeId: shift.employeeId, shiftId: shift.id, rule: 'unknown-employee', detail: 'no such employee' });
      continue;
    }
    out.push(...shiftProblems(employee, shift, horizon));
    const list = byEmployee.get(employee.id) ?? [];
    list.push(shift);
    byEmployee.set(employee.id, list);
  }
  const perDay = horizon.intervalsPerDay;
  const days = Math.ceil(horizon.intervals / perDay);
  for (const [id, shifts] of byEmployee) {
    const c = (byId.get(id) as Employee).contract;
    const sorted = [...shifts].sort((a, b) => a.startInterval - b.startInterval);
    const restIntervals = ((c.minRestMinutes ?? DEFAULT_MIN_REST_MINUTES) * 60) / horizon.intervalSeconds;
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1] as Shift;
      const cur = sorted[i] as Shift;
      if (Math.floor(prev.startInterval / perDay) === Math.floor(cur.startInterval / perDay)) {
        out.push({ employeeId: id, shiftId: cur.id, rule: 'one-shift-per-day', detail: `second shift on day ${Math.floor(cur.startInterval / perDay)}` });
      }
      if (cur.startInterval < prev.endInterval) out.push({ employeeId: id, shiftId: cur.id, rule: 'overlap', detail: `overlaps ${prev.id}` });
      else if (cur.startInterval - prev.endInterval < restIntervals - 1e-9) out.push({ employeeId: id, shiftId: cur.id, rule: 'rest', detail: `rest shorter than ${c.minRestMinutes ?? DEFAULT_MIN_REST_MINUTES} min after ${prev.id}` });
    }
    for (let week = 0; week * 7 < days; week++) {
      const inWeek = sorted.filter((s) => Math.floor(s.startInterval / perDay / 7) === week);
      const hours = inWeek.reduce((sum, s) => sum + paidMinutes(s, horizon.intervalSeconds), 0) / 60;
      if (hours > c.maxWeeklyHours + 1e-9) out.push({ employeeId: id, rule: 'weekly-hours', detail: `${hours} h in week ${week} > ${c.maxWeeklyHours}` });
      const daysInWeek = Math.min(7, days - week * 7);
      const worked = new Set(inWeek.map((s) => Math.floor(s.startInterval / perDay))).size;
      // A partial last week allows proportionally fewer days off (rounded down).
      const daysOffNeeded = Math.floor((c.minDaysOffPerWeek * daysInWeek) / 7);
      if (daysInWeek - worked < daysOffNeeded) out.push({ employeeId: id, rule: 'days-off', detail: `${daysInWeek - worked} days off in week ${week} < ${daysOffNeeded}` });
    }
  }
  return out;
}
