/** Small builders shared by the planning specs. */
import type { ActivityDemand, Contract, Employee, PlanningHorizon, ShiftTemplate } from './model.js';

/** One day of hourly intervals starting Monday 2026-03-02 00:00 UTC. */
export function hourlyDay(days = 1): PlanningHorizon {
  return { start: new Date('2026-03-02T00:00:00Z'), intervalSeconds: 3600, intervals: 24 * days, intervalsPerDay: 24, firstWeekday: 1 };
}

export const FULL_TIME: Contract = { maxWeeklyHours: 40, minShiftMinutes: 240, maxShiftMinutes: 480, minDaysOffPerWeek: 2 };

export function employee(id: string, activities: string[] = ['phone'], contract: Partial<Contract> = {}): Employee {
  return { id, departmentId: 'customer-service', skills: { 'lang:fi': 5 }, activities, contract: { ...FULL_TIME, ...contract } };
}

/** Hourly requirement: `perHour[h]` agents in hour h of every day. */
export function demand(activity: string, perHour: Record<number, number>, days = 1): ActivityDemand {
  return { activity, required: Array.from({ length: 24 * days }, (_, t) => perHour[t % 24] ?? 0) };
}

export const FOUR_HOURS: ShiftTemplate = { id: '4h', earliestStartMinutes: 6 * 60, latestStartMinutes: 16 * 60, lengthMinutes: 240 };
export const EIGHT_HOURS: ShiftTemplate = { id: '8h', earliestStartMinutes: 6 * 60, latestStartMinutes: 12 * 60, lengthMinutes: 480 };
