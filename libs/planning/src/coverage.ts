/**
 * Coverage per interval and activity: agents on shift and not on a break, after shrinkage, against
 * the requirement, with the expected service level at the scheduled count (Erlang C, or Erlang A
 * when the forecast has a patience) from libs/staffing.
 *
 * Counting: `scheduled` = shifts of the activity working in the interval (breaks excluded);
 * `available` = scheduled × (1 − shrinkage) (fractional); the service level uses ⌊available⌋ agents
 * (a fraction of an agent answers no call on its own). `requiredScheduled` = ⌈required / (1 − s)⌉
 * (libs/staffing's rounding), and `shortfall` = max(0, requiredScheduled − scheduled), the number the
 * schedule generator tries to bring to zero.
 */
import { erlangA, erlangC } from '../../staffing/src/index.js';
import { scheduledAgents } from '../../staffing/src/shrinkage.js';
import { type ActivityDemand, type Schedule, type Shift, PlanningInputError, workingIntervals } from './model.js';

export interface IntervalCoverage {
  interval: number;
  scheduled: number;
  available: number;
  required: number;
  requiredScheduled: number;
  shortfall: number;
  surplus: number;
  /** Erlang SL at ⌊available⌋ agents; absent without a forecast. 1 when there is no traffic. */
  expectedServiceLevel?: number;
}

export interface ActivityCoverage {
  activity: string;
  intervals: IntervalCoverage[];
  /** Σ shortfall (scheduled agent-intervals missing). */
  shortfallIntervals: number;
  /** Intervals with a shortfall. */
  uncovered: number[];
}

export interface Coverage {
  byActivity: Record<string, ActivityCoverage>;
}

export function shrinkageAt(demand: ActivityDemand, t: number): number {
  const s = demand.shrinkage;
  if (s === undefined) return 0;
  return typeof s === 'number' ? s : (s[t] ?? 0);
}

/** Scheduled (working) agents per interval of one activity. */
export function scheduledCounts(shifts: readonly Shift[], activity: string, intervals: number): number[] {
  const counts = new Array<number>(intervals).fill(0);
  for (const shift of shifts) {
    if (shift.activity !== activity) continue;
    for (const t of workingIntervals(shift)) if (t >= 0 && t < intervals) counts[t] = (counts[t] as number) + 1;
  }
  return counts;
}

/** Expected SL of `agents` agents for interval `t` of a forecast (Erlang A with patience, else C). */
export function expectedServiceLevel(demand: ActivityDemand, t: number, agents: number, intervalSeconds: number): number | undefined {
  const f = demand.forecast;
  if (!f) return undefined;
  const volume = f.volumes[t] ?? 0;
  if (volume <= 0) return 1;
  const aht = typeof f.ahtSeconds === 'number' ? f.ahtSeconds : (f.ahtSeconds[t] as number);
  const n = Math.max(0, Math.floor(agents + 1e-9));
  const common = { arrivalRatePerSecond: volume / intervalSeconds, ahtSeconds: aht, agents: n, thresholdSeconds: f.target.thresholdSeconds };
  if (f.patienceSeconds !== undefined && Number.isFinite(f.patienceSeconds)) {
    if (n === 0) return 0;
    return erlangA({ ...common, patienceSeconds: f.patienceSeconds }).serviceLevel;
  }
  return erlangC(common).serviceLevel;
}

/** Coverage of one activity from its per-interval scheduled counts. */
export function activityCoverage(demand: ActivityDemand, scheduled: readonly number[], intervalSeconds: number): ActivityCoverage {
  const intervals: IntervalCoverage[] = [];
  const uncovered: number[] = [];
  let shortfallIntervals = 0;
  for (let t = 0; t < scheduled.length; t++) {
    const s = shrinkageAt(demand, t);
    const required = demand.required[t] ?? 0;
    const requiredScheduled = scheduledAgents(required, s);
    const count = scheduled[t] as number;
    const available = count * (1 - s);
    const shortfall = Math.max(0, requiredScheduled - count);
    if (shortfall > 0) uncovered.push(t);
    shortfallIntervals += shortfall;
    const row: IntervalCoverage = { interval: t, scheduled: count, available, required, requiredScheduled, shortfall, surplus: Math.max(0, count - requiredScheduled) };
    const sl = expectedServiceLevel(demand, t, available, intervalSeconds);
    if (sl !== undefined) row.expectedServiceLevel = sl;
    intervals.push(row);
  }
  return { activity: demand.activity, intervals, shortfallIntervals, uncovered };
}

/** Coverage of every demanded activity by a schedule. */
export function computeCoverage(schedule: Schedule, demands: readonly ActivityDemand[]): Coverage {
  const n = schedule.horizon.intervals;
  const byActivity: Record<string, ActivityCoverage> = {};
  for (const [i, demand] of demands.entries()) {
    if (demand.required.length !== n) throw new PlanningInputError(`demands[${i}].required`, `must have one value per interval (${n})`);
    byActivity[demand.activity] = activityCoverage(demand, scheduledCounts(schedule.shifts, demand.activity, n), schedule.horizon.intervalSeconds);
  }
  return { byActivity };
}
