/**
 * Plain data of shift planning. Time is counted in intervals of a {@link PlanningHorizon}: interval
 * i covers [start + i·L, start + (i+1)·L). Day d is the intervals [d·perDay, (d+1)·perDay); the
 * horizon starts at a local midnight and every day has `intervalsPerDay` wall-clock intervals. With
 * `timeZone` set, {@link intervalStart} maps an interval to the instant its wall-clock time has in
 * that zone, so a DST night (a 23- or 25-hour day) shifts nothing; without it intervals are uniform
 * from `start` (UTC planning). Weeks are the consecutive 7-day blocks from day 0.
 */

import { addDays } from '../../calendar/src/local-date.js';
import { localDateOf, localToEpoch } from '../../calendar/src/time-zone.js';

/** The planning window. */
export interface PlanningHorizon {
  /** Start of interval 0 (a local midnight). */
  start: Date;
  /** Interval length L in seconds (e.g. 900). */
  intervalSeconds: number;
  /** Number of intervals (e.g. 7 × 96 for a week of quarter-hours). */
  intervals: number;
  /** Intervals in a day (96 for 15-minute intervals). */
  intervalsPerDay: number;
  /** ISO weekday (1 = Monday … 7 = Sunday) of day 0. Default 1. */
  firstWeekday?: number;
  /** IANA time zone of the wall-clock intervals (e.g. Europe/Helsinki); `start` is a midnight there. */
  timeZone?: string;
}

/** A break rule of a shift template: where the break may be placed, measured from the shift start. */
export interface BreakRule {
  name: string;
  lengthMinutes: number;
  /** Paid breaks count as paid time; unpaid ones do not. Neither covers contacts. */
  paid: boolean;
  /** Earliest and latest start of the break after the shift start, minutes (inclusive). */
  earliestAfterStartMinutes: number;
  latestAfterStartMinutes: number;
}

/** A shift template: start window, length, breaks. */
export interface ShiftTemplate {
  id: string;
  /** Earliest and latest start, minutes after local midnight (inclusive). */
  earliestStartMinutes: number;
  latestStartMinutes: number;
  /** Step between candidate starts; default the interval length. */
  startStepMinutes?: number;
  /** Presence from start to end, unpaid breaks included. */
  lengthMinutes: number;
  breaks?: readonly BreakRule[];
  /** ISO weekdays on which the template may be used (default every day). */
  weekdays?: readonly number[];
}

/** When an employee can work on one weekday: [fromMinutes, toMinutes) after local midnight. */
export interface AvailabilityWindow {
  weekday: number;
  fromMinutes: number;
  toMinutes: number;
}

export interface Contract {
  /** Paid hours per week at most. */
  maxWeeklyHours: number;
  /** Paid hours per week the employer should reach (reported when missed, not enforced). */
  minWeeklyHours?: number;
  /** Paid length of one shift, minutes. */
  minShiftMinutes: number;
  maxShiftMinutes: number;
  /** Days without a shift in every week (e.g. 2 for a five-day week). */
  minDaysOffPerWeek: number;
  /** Rest between the end of a shift and the start of the next, minutes (default 11 h). */
  minRestMinutes?: number;
  /** Windows in which shifts may lie; absent = any time. A weekday without a window is a day off. */
  availability?: readonly AvailabilityWindow[];
  /** Absences (holiday, training): no shift may overlap them. */
  timeOff?: readonly { from: Date; to: Date }[];
}

export interface Employee {
  id: string;
  departmentId: string;
  /** Skill → proficiency 1…5, as in libs/routing ('lang:fi', 'training:phone-service'…). */
  skills: Readonly<Record<string, number>>;
  /** Activities (typically channels or queues) the employee may be scheduled on. */
  activities: readonly string[];
  contract: Contract;
}

/** A break placed in a shift, as intervals of the horizon. */
export interface PlacedBreak {
  name: string;
  startInterval: number;
  /** Exclusive. */
  endInterval: number;
  paid: boolean;
}

/** One shift of a schedule. */
export interface Shift {
  id: string;
  /** The employee working it; null while unassigned. */
  employeeId: string | null;
  /** What the shift works on (e.g. 'phone'); coverage counts it for this activity. */
  activity: string;
  startInterval: number;
  /** Exclusive. */
  endInterval: number;
  breaks: readonly PlacedBreak[];
  templateId?: string;
}

export interface Schedule {
  horizon: PlanningHorizon;
  shifts: readonly Shift[];
}

/** Erlang forecast of an activity, for the expected service level at the scheduled count. */
export interface ActivityForecast {
  /** Contacts per interval. */
  volumes: readonly number[];
  ahtSeconds: number | readonly number[];
  target: { serviceLevel: number; thresholdSeconds: number };
  /** Mean patience; given → Erlang A, else Erlang C. */
  patienceSeconds?: number;
}

/** What an activity needs per interval. */
export interface ActivityDemand {
  activity: string;
  /** Agents that must be available (after shrinkage) per interval, e.g. from computeRequirements. */
  required: readonly number[];
  /** Share of on-shift, not-on-break time lost to other things (default 0); one value or per interval. */
  shrinkage?: number | readonly number[];
  forecast?: ActivityForecast;
}

export class PlanningInputError extends RangeError {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field} ${rule}`);
    this.name = 'PlanningInputError';
  }
}

/** Minutes → whole intervals (throws if not a multiple). */
export function minutesToIntervals(minutes: number, intervalSeconds: number, field: string): number {
  const n = (minutes * 60) / intervalSeconds;
  if (!Number.isFinite(n) || Math.abs(n - Math.round(n)) > 1e-9) throw new PlanningInputError(field, `must be a multiple of ${intervalSeconds / 60} minutes`);
  return Math.round(n);
}

/** The instant interval `interval` starts (it may be `horizon.intervals`, the end); DST-aware with `timeZone`. */
export function intervalStart(horizon: PlanningHorizon, interval: number): Date {
  if (!horizon.timeZone) return new Date(horizon.start.getTime() + interval * horizon.intervalSeconds * 1000);
  const day = Math.floor(interval / horizon.intervalsPerDay);
  const firstDay = localDateOf(horizon.start.getTime(), horizon.timeZone);
  const minutes = ((interval - day * horizon.intervalsPerDay) * horizon.intervalSeconds) / 60;
  return new Date(localToEpoch(addDays(firstDay, day), minutes, horizon.timeZone));
}

export function weekdayOfDay(horizon: PlanningHorizon, day: number): number {
  return (((horizon.firstWeekday ?? 1) - 1 + day) % 7) + 1;
}

/** Working intervals of a shift: on shift and not on a break. */
export function workingIntervals(shift: Shift): number[] {
  const out: number[] = [];
  for (let t = shift.startInterval; t < shift.endInterval; t++) {
    if (!shift.breaks.some((b) => t >= b.startInterval && t < b.endInterval)) out.push(t);
  }
  return out;
}

/** Paid minutes of a shift (presence minus unpaid breaks). */
export function paidMinutes(shift: Shift, intervalSeconds: number): number {
  const unpaid = shift.breaks.filter((b) => !b.paid).reduce((s, b) => s + b.endInterval - b.startInterval, 0);
  return ((shift.endInterval - shift.startInterval - unpaid) * intervalSeconds) / 60;
}
