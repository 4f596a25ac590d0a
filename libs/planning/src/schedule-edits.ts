/**
 * Editing a schedule by hand: pure functions returning a new schedule (the input is never
 * changed), so a caller recomputes coverage at once with `computeCoverage(next, demands)` and may
 * check the contracts with `contractViolations(next, employees)` — an edit is allowed to break a
 * contract (a supervisor may decide to), the violations say which.
 */
import { type PlacedBreak, type Schedule, type Shift, PlanningInputError } from './model.js';

function validate(schedule: Schedule, shift: Shift): void {
  const n = schedule.horizon.intervals;
  if (!(shift.startInterval >= 0 && shift.endInterval <= n && shift.startInterval < shift.endInterval)) {
    throw new PlanningInputError(`shift ${shift.id}`, `must lie inside the horizon (0–${n}) and have a positive length`);
  }
  for (const b of shift.breaks) {
    if (!(b.startInterval >= shift.startInterval && b.endInterval <= shift.endInterval && b.startInterval < b.endInterval)) {
      throw new PlanningInputError(`shift ${shift.id}.breaks`, 'must lie inside the shift');
    }
  }
}

function find(schedule: Schedule, shiftId: string): Shift {
  const shift = schedule.shifts.find((s) => s.id === shiftId);
  if (!shift) throw new PlanningInputError('shiftId', `no shift "${shiftId}"`);
  return shift;
}

/** Add a shift (its id must be new). */
export function addShift(schedule: Schedule, shift: Shift): Schedule {
  if (schedule.shifts.some((s) => s.id === shift.id)) throw new PlanningInputError('shift.id', `"${shift.id}" exists`);
  validate(schedule, shift);
  return { ...schedule, shifts: [...schedule.shifts, shift] };
}

/** Move a shift by whole intervals (breaks move with it), optionally to another employee/activity. */
export function moveShift(schedule: Schedule, shiftId: string, byIntervals: number, changes: { employeeId?: string | null; activity?: string } = {}): Schedule {
  const shift = find(schedule, shiftId);
  const moved: Shift = {
    ...shift,
    ...changes,
    startInterval: shift.startInterval + byIntervals,
    endInterval: shift.endInterval + byIntervals,
    breaks: shift.breaks.map((b) => ({ ...b, startInterval: b.startInterval + byIntervals, endInterval: b.endInterval + byIntervals })),
  };
  validate(schedule, moved);
  return { ...schedule, shifts: schedule.shifts.map((s) => (s.id === shiftId ? moved : s)) };
}

/** Move one break of a shift to start at `startInterval` (same length). */
export function moveBreak(schedule: Schedule, shiftId: string, breakIndex: number, startInterval: number): Schedule {
  const shift = find(schedule, shiftId);
  const b = shift.breaks[breakIndex];
  if (!b) throw new PlanningInputError('breakIndex', `shift ${shiftId} has no break ${breakIndex}`);
  const placed: PlacedBreak = { ...b, startInterval, endInterval: startInterval + (b.endInterval - b.startInterval) };
  const next: Shift = { ...shift, breaks: shift.breaks.map((x, i) => (i === breakIndex ? placed : x)) };
  validate(schedule, next);
  return { ...schedule, shifts: schedule.shifts.map((s) => (s.id === shiftId ? next : s)) };
}

/** Delete a shift. */
export function deleteShift(schedule: Schedule, shiftId: string): Schedule {
  find(schedule, shiftId);
  return { ...schedule, shifts: schedule.shifts.filter((s) => s.id !== shiftId) };
}
