/**
 * A deterministic greedy schedule, for plans that need no MIP:
 *
 * - a department whose own work Vuoro does not forecast (no queues: payments, legal, back office)
 *   works its contracts: `fillContracts` gives every employee shifts up to its weekly hours
 *   (minimum hours when the contract has them, else maximum), after the department's minimum
 *   on-shift staffing (its `own-work` demand) has been covered first;
 * - the demo data's published week, which must be the same on every start and cheap to build.
 *
 * Covering (per day, in day order). The templates are expanded into patterns as the MIP does
 * (`expandPatterns`: start × break placement; here at most 24 placements per start, evenly spread). Repeatedly the (pattern, activity) of the highest value is
 * taken: missing agent-intervals covered (each weighted by its gap, so that otherwise equal shifts
 * spread their breaks) − ¼ × paid intervals (ties: more covered, earlier start, template order,
 * activity order) and given to the eligible employee who can work the fewest of the
 * still-short activities (scarce skills are kept for where they are scarce), then has the fewest
 * paid minutes that week, then the lowest id. Eligible = the full single-shift contract check
 * (`shiftProblems`: activity, paid length, availability, time off), one shift a day, rest since
 * the previous day's shift, weekly hours and working days (7 − days off). A (pattern, activity) no
 * employee can take is not offered again that day. It stops when nothing short can be covered: the
 * rest is reported in `uncovered`, never as an error.
 *
 * Filling (`fillContracts`): employees in id order, days in order; on each day an employee still
 * below its target hours and working days gets the eligible pattern (on `fillActivity`, default its
 * first activity) covering the most short intervals, then the longest that fits the hours left,
 * then starts staggered by the employee's position (so a department's starts spread over the
 * templates' windows).
 */
import { DEFAULT_MIN_REST_MINUTES, shiftProblems } from './contracts.js';
import { scheduledAgents } from '../../staffing/src/shrinkage.js';
import { shrinkageAt } from './coverage.js';
import { expandPatterns } from './generate-schedule.js';
import { type ActivityDemand, type Employee, type PlacedBreak, type PlanningHorizon, type Schedule, type Shift, type ShiftTemplate, paidMinutes } from './model.js';
import { minOf } from '../../core/src/extremes.js';

/**
 * A shift's value = missing agent-intervals it covers − this × its paid intervals: people's days are
 * the scarce resource (a 4-hour shift uses a working day as an 8-hour one does), so long shifts win
 * where the need is long, short ones where it is a peak.
 */
const PAID_INTERVAL_COST = 0.25;

/** The activity of a department's own (not forecast) work: its shifts belong to no queue. */
export const OWN_WORK = 'own-work';

export interface FillScheduleInput {
  horizon: PlanningHorizon;
  templates: readonly ShiftTemplate[];
  employees: readonly Employee[];
  demands: readonly ActivityDemand[];
  fillContracts?: boolean;
  /** Activity of the filling shifts (default: each employee's first activity). */
  fillActivity?: string;
}

export interface FillScheduleResult {
  schedule: Schedule;
  uncovered: { activity: string; interval: number; shortfall: number }[];
  staffHours: number;
}

interface Pattern {
  templateId: string;
  templateOrder: number;
  /** Position of the start in its template's start window (for staggering). */
  startOrder: number;
  start: number;
  end: number;
  breaks: PlacedBreak[];
  working: number[];
  paidMinutes: number;
}

/** The generator's own pattern expansion ({@link expandPatterns}), per day, with at most 24 break placements per start. */
function patternsByDay(horizon: PlanningHorizon, templates: readonly ShiftTemplate[]): Pattern[][] {
  const days = Math.ceil(horizon.intervals / horizon.intervalsPerDay);
  const order = new Map(templates.map((t, i) => [t.id, i]));
  const groups = new Map<string, ReturnType<typeof expandPatterns>>();
  for (const p of expandPatterns(horizon, templates)) {
    const key = `${p.templateId}@${p.start}`;
    const g = groups.get(key) ?? [];
    g.push(p);
    groups.set(key, g);
  }
  const out: Pattern[][] = Array.from({ length: days }, () => []);
  for (const g of groups.values()) {
    const thinned = g.length > 24 ? Array.from({ length: 24 }, (_, k) => g[Math.floor((k * g.length) / 24)] as (typeof g)[number]) : g;
    for (const p of thinned) {
      const tpl = templates[order.get(p.templateId) as number] as ShiftTemplate;
      const first = (tpl.earliestStartMinutes * 60) / horizon.intervalSeconds;
      const step = ((tpl.startStepMinutes ?? horizon.intervalSeconds / 60) * 60) / horizon.intervalSeconds;
      (out[p.day] as Pattern[]).push({
        templateId: p.templateId,
        templateOrder: order.get(p.templateId) as number,
        startOrder: Math.round((p.start - p.day * horizon.intervalsPerDay - first) / step),
        start: p.start,
        end: p.end,
        breaks: [...p.breaks],
        working: p.working,
        paidMinutes: p.paidHours * 60,
      });
    }
  }
  return out;
}

export function fillSchedule(input: FillScheduleInput): FillScheduleResult {
  const { horizon, demands } = input;
  const n = horizon.intervals;
  const perDay = horizon.intervalsPerDay;
  const days = Math.ceil(n / perDay);
  const restOf = (e: Employee) => Math.ceil(((e.contract.minRestMinutes ?? DEFAULT_MIN_REST_MINUTES) * 60) / horizon.intervalSeconds);
  const employees = [...input.employees].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const position = new Map(employees.map((e, i) => [e.id, i]));
  const activities = demands.map((d) => d.activity);
  const requiredScheduled = new Map(demands.map((d) => [d.activity, Array.from({ length: n }, (_, t) => scheduledAgents(d.required[t] ?? 0, shrinkageAt(d, t)))]));
  const count = new Map(demands.map((d) => [d.activity, new Array<number>(n).fill(0)]));
  const gap = (a: string, t: number) => Math.max(0, ((requiredScheduled.get(a) as number[])[t] as number) - ((count.get(a) as number[])[t] as number));
  const short = (a: string, t: number) => gap(a, t) > 0;
  const shifts: Shift[] = [];
  const byEmployee = new Map<string, Shift[]>(employees.map((e) => [e.id, []]));
  const week = (interval: number) => Math.floor(interval / perDay / 7);
  // Per employee: days worked, and shifts and paid minutes per week (kept as shifts are assigned).
  const weeks = Math.ceil(days / 7);
  const workedDays = new Map(employees.map((e) => [e.id, new Set<number>()]));
  const weekShifts = new Map(employees.map((e) => [e.id, new Array<number>(weeks).fill(0)]));
  const weekPaid = new Map(employees.map((e) => [e.id, new Array<number>(weeks).fill(0)]));
  const weekMinutes = (e: Employee, at: number) => (weekPaid.get(e.id) as number[])[week(at)] as number;

  const eligible = (e: Employee, p: Pattern, activity: string): boolean => {
    const mine = byEmployee.get(e.id) as Shift[];
    if ((workedDays.get(e.id) as Set<number>).has(Math.floor(p.start / perDay))) return false;
    if (((weekShifts.get(e.id) as number[])[week(p.start)] as number) >= 7 - e.contract.minDaysOffPerWeek) return false;
    if (weekMinutes(e, p.start) + p.paidMinutes > e.contract.maxWeeklyHours * 60 + 1e-9) return false;
    const rest = restOf(e);
    if (mine.some((s) => (s.endInterval <= p.start && p.start - s.endInterval < rest) || (p.end <= s.startInterval && s.startInterval - p.end < rest) || (s.startInterval < p.end && p.start < s.endInterval))) return false;
    const shift: Shift = { id: '', employeeId: e.id, activity, startInterval: p.start, endInterval: p.end, breaks: p.breaks };
    return shiftProblems(e, shift, horizon).length === 0;
  };
  const assign = (e: Employee, p: Pattern, activity: string) => {
    const shift: Shift = { id: `fill-${shifts.length + 1}`, employeeId: e.id, activity, startInterval: p.start, endInterval: p.end, breaks: p.breaks, templateId: p.templateId };
    shifts.push(shift);
    (byEmployee.get(e.id) as Shift[]).push(shift);
    (workedDays.get(e.id) as Set<number>).add(Math.floor(p.start / perDay));
    (weekShifts.get(e.id) as number[])[week(p.start)]! += 1;
    (weekPaid.get(e.id) as number[])[week(p.start)]! += p.paidMinutes;
    const c = count.get(activity);
    if (c) for (const t of p.working) c[t] = (c[t] as number) + 1;
  };

  const byDay = patternsByDay(horizon, input.templates);
  for (let d = 0; d < days; d++) {
    const patterns = byDay[d] as Pattern[];
    if (!patterns.length) continue;
    const shortest = minOf(patterns.map((p) => p.paidMinutes));
    const blocked = new Set<string>();
    for (let guard = 0; guard < 100_000; guard++) {
      // Activities someone could still take a shift on today (not working today, days and hours left).
      const free = employees.filter(
        (e) => !(workedDays.get(e.id) as Set<number>).has(d) && ((weekShifts.get(e.id) as number[])[week(d * perDay)] as number) < 7 - e.contract.minDaysOffPerWeek && weekMinutes(e, d * perDay) + shortest <= e.contract.maxWeeklyHours * 60 + 1e-9,
      );
      const open = new Set(free.flatMap((e) => e.activities));
      // Every (pattern, activity) that covers something, best first; the first one someone can work is taken.
      const offers: { p: Pattern; pi: number; a: string; ai: number; covered: number; score: number }[] = [];
      for (const [ai, a] of activities.entries()) {
        if (!open.has(a)) continue;
        const req = requiredScheduled.get(a) as number[];
        const cnt = count.get(a) as number[];
        for (const [pi, p] of patterns.entries()) {
          if (blocked.has(`${pi}:${a}`)) continue;
          // Weighted by the size of each gap, so that otherwise equal shifts spread their breaks.
          let covered = 0;
          for (const t of p.working) {
            const g = (req[t] as number) - (cnt[t] as number);
            if (g > 0) covered += g;
          }
          if (!covered) continue;
          offers.push({ p, pi, a, ai, covered, score: covered - (PAID_INTERVAL_COST * (p.paidMinutes * 60)) / horizon.intervalSeconds });
        }
      }
      offers.sort((x, y) => y.score - x.score || y.covered - x.covered || x.p.start - y.p.start || x.p.templateOrder - y.p.templateOrder || x.ai - y.ai || x.pi - y.pi);
      let taken = false;
      for (const o of offers) {
        const pool = free.filter((e) => e.activities.includes(o.a) && eligible(e, o.p, o.a));
        if (!pool.length) {
          blocked.add(`${o.pi}:${o.a}`);
          continue;
        }
        const stillShort = activities.filter((a) => o.p.working.some((t) => short(a, t)));
        const scarcity = (e: Employee) => stillShort.filter((a) => e.activities.includes(a)).length;
        pool.sort((x, y) => scarcity(x) - scarcity(y) || weekMinutes(x, o.p.start) - weekMinutes(y, o.p.start) || (position.get(x.id) as number) - (position.get(y.id) as number));
        assign(pool[0] as Employee, o.p, o.a);
        taken = true;
        break;
      }
      if (!taken) break;
    }
  }

  if (input.fillContracts) {
    for (const e of employees) {
      const activity = input.fillActivity ?? e.activities[0];
      if (!activity || !e.activities.includes(activity)) continue;
      const target = (e.contract.minWeeklyHours ?? e.contract.maxWeeklyHours) * 60;
      const k = position.get(e.id) as number;
      for (let d = 0; d < days; d++) {
        const patterns = byDay[d] as Pattern[];
        const left = target - weekMinutes(e, d * perDay);
        if (left <= 1e-9) continue;
        const starts = new Set(patterns.map((p) => p.startOrder)).size || 1;
        let best: { p: Pattern; covered: number; stagger: number } | undefined;
        for (const p of patterns) {
          if (p.paidMinutes > left + 1e-9 || !eligible(e, p, activity)) continue;
          let covered = 0;
          if (count.has(activity)) for (const t of p.working) if (short(activity, t)) covered++;
          const stagger = (((p.startOrder - k - d) % starts) + starts) % starts;
          if (!best || covered > best.covered || (covered === best.covered && (p.paidMinutes > best.p.paidMinutes || (p.paidMinutes === best.p.paidMinutes && stagger < best.stagger)))) best = { p, covered, stagger };
        }
        if (best) assign(e, best.p, activity);
      }
    }
  }

  const uncovered: FillScheduleResult['uncovered'] = [];
  for (const a of activities) {
    const req = requiredScheduled.get(a) as number[];
    const c = count.get(a) as number[];
    for (let t = 0; t < n; t++) if ((req[t] as number) > (c[t] as number)) uncovered.push({ activity: a, interval: t, shortfall: (req[t] as number) - (c[t] as number) });
  }
  shifts.sort((a, b) => a.startInterval - b.startInterval || (a.employeeId ?? '').localeCompare(b.employeeId ?? ''));
  return { schedule: { horizon, shifts }, uncovered, staffHours: shifts.reduce((x, s) => x + paidMinutes(s, horizon.intervalSeconds), 0) / 60 };
}
