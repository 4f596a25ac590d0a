/**
 * Mapping between stored planning rows and libs/planning's interval model. A week is a horizon of
 * 7 × 96 quarter-hours on the department's LOCAL wall clock: interval i is day ⌊i/96⌋ after the
 * Monday at (i mod 96) × 15 minutes local time, so shifts keep their wall-clock times across a DST
 * change (the lib's own `horizon.start + i·900 s` arithmetic is used only for time-off overlap,
 * which can be one hour off in a DST week).
 */
import { addDays, daysBetween } from '../../../../libs/calendar/src/local-date.js';
import { localDateOf, localToEpoch, wallTime } from '../../../../libs/calendar/src/time-zone.js';
import { OWN_WORK, intervalStart, type ActivityDemand, type Contract, type Employee, type PlanningHorizon, type Schedule, type Shift, type ShiftTemplate } from '../../../../libs/planning/src/index.js';
import type { EmployeeContractEntity, ScheduleEntity, ScheduleShiftEntity, ShiftTemplateEntity, StoredBreak, StoredDemand } from '../../../../libs/persistence/src/entities/planning.entity.js';
import type { PlanningAgent, ShiftData } from '../../../../libs/persistence/src/repositories/planning.repository.js';
import type { QueueEntity } from '../../../../libs/persistence/src/entities/queue.entity.js';

export const INTERVAL_MINUTES = 15;
export const INTERVALS_PER_DAY = 96;

/** The local clock of one planning week. */
export class WeekClock {
  readonly horizon: PlanningHorizon;

  constructor(
    readonly weekStart: string,
    readonly timeZone: string,
  ) {
    this.horizon = { start: new Date(localToEpoch(weekStart, 0, timeZone)), intervalSeconds: INTERVAL_MINUTES * 60, intervals: 7 * INTERVALS_PER_DAY, intervalsPerDay: INTERVALS_PER_DAY, firstWeekday: 1, timeZone };
  }

  /** The instant interval `i` starts (i may be 7·96 = the end of the week). */
  instant(i: number): Date {
    return intervalStart(this.horizon, i);
  }

  /** The interval an instant falls in on the local clock, and whether it lies exactly on an interval boundary. */
  interval(at: Date): { index: number; exact: boolean } {
    const date = localDateOf(at.getTime(), this.timeZone);
    const w = wallTime(at.getTime(), this.timeZone);
    const minutes = w.hour * 60 + w.minute;
    const index = daysBetween(this.weekStart, date) * INTERVALS_PER_DAY + Math.floor(minutes / INTERVAL_MINUTES);
    return { index, exact: minutes % INTERVAL_MINUTES === 0 && w.second === 0 && at.getTime() % 1000 === 0 };
  }

  dateOfDay(day: number): string {
    return addDays(this.weekStart, day);
  }
}

export function toTemplate(t: ShiftTemplateEntity): ShiftTemplate {
  return { id: t.id, earliestStartMinutes: t.earliestStartMinutes, latestStartMinutes: t.latestStartMinutes, startStepMinutes: t.startStepMinutes, lengthMinutes: t.lengthMinutes, breaks: t.breaks, weekdays: t.weekdays };
}

export function toContract(c: EmployeeContractEntity): Contract {
  return {
    maxWeeklyHours: c.maxWeeklyHours,
    ...(c.minWeeklyHours !== null ? { minWeeklyHours: c.minWeeklyHours } : {}),
    minShiftMinutes: c.minShiftMinutes,
    maxShiftMinutes: c.maxShiftMinutes,
    minDaysOffPerWeek: c.minDaysOffPerWeek,
    minRestMinutes: c.minRestMinutes,
    ...(c.availability ? { availability: c.availability } : {}),
    timeOff: c.timeOff.map((o) => ({ from: new Date(o.from), to: new Date(o.to) })),
  };
}

/** Whether an agent may work a queue: every required skill at its level and capacity on the queue's channel. */
export function canWork(agent: PlanningAgent, queue: QueueEntity): boolean {
  const capacity = agent.capacity[queue.channel as 'phone' | 'chat' | 'email'] ?? 0;
  return capacity > 0 && queue.requiredSkills.every((s) => (agent.skills[s.skillKey] ?? 0) >= s.minProficiency);
}

export function toEmployee(agent: PlanningAgent, contract: EmployeeContractEntity, queues: readonly QueueEntity[]): Employee {
  return { id: agent.id, departmentId: agent.departmentId, skills: agent.skills, activities: [...queues.filter((q) => canWork(agent, q)).map((q) => q.id), OWN_WORK], contract: toContract(contract) };
}

/** The activity of a stored queue id (null = own work) and back. */
export const activityOf = (queueId: string | null): string => queueId ?? OWN_WORK;
export const queueOf = (activity: string): string | null => (activity === OWN_WORK ? null : activity);

export function toDemand(d: StoredDemand): ActivityDemand {
  return {
    activity: activityOf(d.queueId),
    required: d.required,
    shrinkage: d.shrinkage,
    ...(d.forecast ? { forecast: { volumes: d.forecast.volumes, ahtSeconds: d.forecast.ahtSeconds, target: d.forecast.target } } : {}),
  };
}

export function toShift(s: ScheduleShiftEntity | (ShiftData & { id: string }), clock: WeekClock): Shift {
  return {
    id: s.id,
    employeeId: s.agentId,
    activity: activityOf(s.queueId),
    startInterval: clock.interval(s.startsAt).index,
    endInterval: clock.interval(s.endsAt).index,
    breaks: s.breaks.map((b) => ({ name: b.name, paid: b.paid, startInterval: clock.interval(new Date(b.startsAt)).index, endInterval: clock.interval(new Date(b.endsAt)).index })),
    ...(s.templateId ? { templateId: s.templateId } : {}),
  };
}

export function toShiftData(s: Shift, clock: WeekClock): ShiftData {
  const breaks: StoredBreak[] = s.breaks.map((b) => ({ name: b.name, paid: b.paid, startsAt: clock.instant(b.startInterval).toISOString(), endsAt: clock.instant(b.endInterval).toISOString() }));
  return { agentId: s.employeeId, queueId: queueOf(s.activity), templateId: s.templateId ?? null, startsAt: clock.instant(s.startInterval), endsAt: clock.instant(s.endInterval), breaks };
}

export function scheduleOf(entity: ScheduleEntity, shifts: readonly ScheduleShiftEntity[]): { clock: WeekClock; schedule: Schedule; demands: ActivityDemand[] } {
  const clock = new WeekClock(entity.weekStart, entity.timeZone);
  return { clock, schedule: { horizon: clock.horizon, shifts: shifts.map((s) => toShift(s, clock)) }, demands: entity.demands.map(toDemand) };
}
