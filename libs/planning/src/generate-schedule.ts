/**
 * Schedule generation in two stages.
 *
 * Stage 1 — shift mix (mixed-integer programme, HiGHS). Every template is expanded into shift
 * patterns: day × start (every `startStepMinutes` in the start window) × break placement (every
 * interval in each break's window). x[p,a] ∈ ℤ≥0 is the number of shifts of pattern p worked on
 * activity a; u[a,t] ≥ 0 the shortfall of activity a in interval t.
 *
 *   minimise   Σ paidHours(p)·x[p,a] + penalty·Σ u[a,t]
 *   subject to Σ_{p works t} x[p,a] + u[a,t] ≥ ⌈required[a,t] / (1 − shrinkage)⌉   (soft coverage)
 *              x[p,a] ≤ employees who can work pattern p on activity a              (contracts, per pattern)
 *              Σ_{p on day d} x[p,a] ≤ employees of activity a available on day d
 *              Σ_{p on day d, a} x[p,a] ≤ employees available on day d
 *              Σ_{p in week w} paidHours(p)·x ≤ Σ maxWeeklyHours;  Σ_{p in week w} x ≤ Σ (7 − daysOff)
 * The shortfall variables make the model always feasible: intervals that cannot be covered (too few
 * employees, no template reaching them) come back as uncovered, never as an infeasibility error.
 * The penalty (default 2 × the longest paid shift in hours per missing agent-interval) is larger
 * than the cost of any shift, so the solver only leaves a gap when covering it is impossible.
 * The LP relaxation of the same model is solved too: its optimum is a lower bound on staff-hours,
 * reported next to the MIP result.
 *
 * Stage 2 — named employees (greedy). The MIP's aggregate constraints make an assignment likely
 * but do not guarantee one (weekly hours and rest are per person). Shifts are taken scarcest
 * first (fewest employees who could work them, then longest) and each goes to the eligible
 * employee with the most unmet minimum hours, then the most unused working days and hours that
 * week; eligibility is the full contract check (activity, paid length, availability, time off, one
 * shift per day, 11 h rest, weekly hours, days off). Why greedy and not a second MIP: the
 * assignment MIP has employees × shifts binaries (100 × ~450 a week), which HiGHS in WebAssembly
 * solves slowly, while the greedy is exact whenever the pools are interchangeable (the common case)
 * and reports every shift it cannot place (`unassigned`) instead of failing. The final coverage is
 * computed from the assigned shifts only, so whatever stays unassigned shows up as uncovered.
 */
import highsModule from 'highs';
import { performance } from 'node:perf_hooks';
import { computeCoverage, type Coverage, shrinkageAt } from './coverage.js';
import { shiftProblems, DEFAULT_MIN_REST_MINUTES } from './contracts.js';
import { scheduledAgents } from '../../staffing/src/shrinkage.js';
import {
  type ActivityDemand,
  type Employee,
  type PlacedBreak,
  type PlanningHorizon,
  type Schedule,
  type Shift,
  type ShiftTemplate,
  PlanningInputError,
  intervalStart,
  minutesToIntervals,
  paidMinutes,
  weekdayOfDay,
  workingIntervals,
} from './model.js';

export interface GenerateScheduleInput {
  horizon: PlanningHorizon;
  templates: readonly ShiftTemplate[];
  employees: readonly Employee[];
  demands: readonly ActivityDemand[];
  /** Cost of one missing agent-interval in the objective, hours (default 2 × longest paid shift). */
  shortfallPenaltyHours?: number;
  /** HiGHS limits (defaults: 25 s, relative gap 0.5 %). The time limit is for both solves: the LP bound's, then the MIP with what is left (at least 1 s). */
  timeLimitSeconds?: number;
  mipRelativeGap?: number;
}

export interface ScheduleGenerationResult {
  schedule: Schedule;
  /** Shifts of the optimal mix that no employee could take (not in `schedule`). */
  unassigned: Shift[];
  coverage: Coverage;
  /** Intervals still short after assignment, per activity, with the missing agents. */
  uncovered: { activity: string; interval: number; shortfall: number }[];
  figures: {
    status: string;
    patterns: number;
    /** Paid staff-hours of the MIP's shift mix. */
    mipStaffHours: number;
    /** Shortfall (agent-intervals) the MIP accepted. */
    mipShortfall: number;
    mipObjective: number;
    /** Optimum of the LP relaxation: a lower bound on the objective. */
    lpObjective: number;
    lpStaffHours: number;
    /** (mipObjective − lpObjective) / lpObjective. */
    gapToLpBound: number;
    assignedStaffHours: number;
    mipSeconds: number;
    lpSeconds: number;
    assignSeconds: number;
  };
}

interface Pattern {
  day: number;
  templateId: string;
  start: number;
  end: number;
  breaks: PlacedBreak[];
  paidHours: number;
  working: number[];
}

// `highs` is CommonJS with an ES build: under NodeNext its types are the CommonJS namespace, while
// Node's ES loader (and jest) hand over the function itself.
type Loader = typeof highsModule.default;
const highsLoader = (typeof highsModule === 'function' ? highsModule : highsModule.default) as Loader;
type HighsInstance = Awaited<ReturnType<Loader>>;
let highsPromise: Promise<HighsInstance> | undefined;
/** The HiGHS WebAssembly runtime, loaded once per process. */
export function loadHighs(): Promise<HighsInstance> {
  highsPromise ??= highsLoader();
  return highsPromise;
}

/** Every placement of every template on every day of the horizon. */
export function expandPatterns(horizon: PlanningHorizon, templates: readonly ShiftTemplate[]): Pattern[] {
  const L = horizon.intervalSeconds;
  const days = Math.ceil(horizon.intervals / horizon.intervalsPerDay);
  const out: Pattern[] = [];
  templates.forEach((tpl, k) => {
    const f = (name: string) => `templates[${k}].${name}`;
    const length = minutesToIntervals(tpl.lengthMinutes, L, f('lengthMinutes'));
    const earliest = minutesToIntervals(tpl.earliestStartMinutes, L, f('earliestStartMinutes'));
    const latest = minutesToIntervals(tpl.latestStartMinutes, L, f('latestStartMinutes'));
    const step = minutesToIntervals(tpl.startStepMinutes ?? L / 60, L, f('startStepMinutes'));
    if (length <= 0 || step <= 0 || latest < earliest) throw new PlanningInputError(`templates[${k}]`, 'needs a positive length and step and earliest ≤ latest start');
    const rules = (tpl.breaks ?? []).map((b, j) => ({
      name: b.name,
      paid: b.paid,
      length: minutesToIntervals(b.lengthMinutes, L, f(`breaks[${j}].lengthMinutes`)),
      from: minutesToIntervals(b.earliestAfterStartMinutes, L, f(`breaks[${j}].earliestAfterStartMinutes`)),
      to: minutesToIntervals(b.latestAfterStartMinutes, L, f(`breaks[${j}].latestAfterStartMinutes`)),
    }));
    // Break placements: cartesian product, breaks in order and not overlapping.
    let placements: { name: string; paid: boolean; start: number; end: number }[][] = [[]];
    for (const r of rules) {
      const next: typeof placements = [];
      for (const p of placements) {
        const after = p.length ? (p[p.length - 1] as { end: number }).end : 0;
        for (let o = Math.max(r.from, after); o <= r.to && o + r.length <= length; o++) next.push([...p, { name: r.name, paid: r.paid, start: o, end: o + r.length }]);
      }
      placements = next;
    }
    for (let d = 0; d < days; d++) {
      if (tpl.weekdays && !tpl.weekdays.includes(weekdayOfDay(horizon, d))) continue;
      for (let s = earliest; s <= latest; s += step) {
        const start = d * horizon.intervalsPerDay + s;
        if (start + length > horizon.intervals) continue;
        for (const placement of placements) {
          const breaks = placement.map((b) => ({ name: b.name, paid: b.paid, startInterval: start + b.start, endInterval: start + b.end }));
          const shift: Shift = { id: '', employeeId: null, activity: '', startInterval: start, endInterval: start + length, breaks };
          out.push({ day: d, templateId: tpl.id, start, end: start + length, breaks, paidHours: paidMinutes(shift, L) / 60, working: workingIntervals(shift) });
        }
      }
    }
  });
  return out;
}

function dayAvailable(employee: Employee, horizon: PlanningHorizon, day: number): boolean {
  const a = employee.contract.availability;
  if (a && !a.some((w) => w.weekday === weekdayOfDay(horizon, day))) return false;
  const off = employee.contract.timeOff;
  if (off) {
    const s = intervalStart(horizon, day * horizon.intervalsPerDay).getTime();
    const e = intervalStart(horizon, (day + 1) * horizon.intervalsPerDay).getTime();
    if (off.some((o) => o.from.getTime() <= s && e <= o.to.getTime())) return false;
  }
  return true;
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(6);
}

/** Generate a schedule covering the demands with the least paid staff-hours, then name the employees. */
export async function generateSchedule(input: GenerateScheduleInput): Promise<ScheduleGenerationResult> {
  const { horizon, employees, demands } = input;
  const n = horizon.intervals;
  for (const [i, d] of demands.entries()) if (d.required.length !== n) throw new PlanningInputError(`demands[${i}].required`, `must have one value per interval (${n})`);
  const patterns = expandPatterns(horizon, input.templates);
  const activities = demands.map((d) => d.activity);
  const days = Math.ceil(n / horizon.intervalsPerDay);
  const weeks = Math.ceil(days / 7);

  // Which employees could work each pattern on each activity (single-shift contract rules).
  const eligible: number[][] = activities.map(() => new Array<number>(patterns.length).fill(0));
  patterns.forEach((p, j) => {
    for (const e of employees) {
      const probe: Shift = { id: 'probe', employeeId: e.id, activity: '', startInterval: p.start, endInterval: p.end, breaks: p.breaks };
      const base = shiftProblems(e, probe, horizon).filter((v) => v.rule !== 'activity');
      if (base.length) continue;
      activities.forEach((a, k) => {
        if (e.activities.includes(a)) (eligible[k] as number[])[j] = ((eligible[k] as number[])[j] as number) + 1;
      });
    }
  });

  const required = demands.map((d) => Array.from({ length: n }, (_, t) => scheduledAgents(d.required[t] ?? 0, shrinkageAt(d, t))));
  const maxPaid = patterns.reduce((m, p) => Math.max(m, p.paidHours), 0);
  const penalty = input.shortfallPenaltyHours ?? 2 * Math.max(1, maxPaid);

  // Build the LP text.
  const cols: { name: string; k: number; j: number }[] = [];
  const obj: string[] = [];
  const coverTerms: string[][][] = activities.map(() => Array.from({ length: n }, () => []));
  const dayTerms: string[][][] = activities.map(() => Array.from({ length: days }, () => []));
  const weekHours: string[][] = Array.from({ length: weeks }, () => []);
  const weekCount: string[][] = Array.from({ length: weeks }, () => []);
  const bounds: string[] = [];
  activities.forEach((_, k) => {
    patterns.forEach((p, j) => {
      const ub = (eligible[k] as number[])[j] as number;
      if (ub === 0) return;
      if (!p.working.some((t) => ((required[k] as number[])[t] as number) > 0)) return; // covers nothing needed
      const name = `x${k}_${j}`;
      cols.push({ name, k, j });
      obj.push(`${num(p.paidHours)} ${name}`);
      for (const t of p.working) (coverTerms[k] as string[][])[t]?.push(name);
      (dayTerms[k] as string[][])[p.day]?.push(name);
      weekHours[Math.floor(p.day / 7)]?.push(`${num(p.paidHours)} ${name}`);
      weekCount[Math.floor(p.day / 7)]?.push(name);
      bounds.push(`0 <= ${name} <= ${ub}`);
    });
  });
  const rows: string[] = [];
  const shortNames: { name: string; k: number; t: number }[] = [];
  activities.forEach((_, k) => {
    for (let t = 0; t < n; t++) {
      const r = (required[k] as number[])[t] as number;
      if (r <= 0) continue;
      const u = `u${k}_${t}`;
      shortNames.push({ name: u, k, t });
      obj.push(`${num(penalty)} ${u}`);
      const terms = (coverTerms[k] as string[][])[t] as string[];
      rows.push(` c${k}_${t}: ${[...terms, u].join(' + ')} >= ${r}`);
    }
    const capable = employees.filter((e) => e.activities.includes(activities[k] as string));
    for (let d = 0; d < days; d++) {
      const terms = (dayTerms[k] as string[][])[d] as string[];
      if (!terms.length) continue;
      rows.push(` d${k}_${d}: ${terms.join(' + ')} <= ${capable.filter((e) => dayAvailable(e, horizon, d)).length}`);
    }
  });
  for (let d = 0; d < days; d++) {
    const terms = activities.flatMap((_, k) => (dayTerms[k] as string[][])[d] as string[]);
    if (terms.length) rows.push(` e_${d}: ${terms.join(' + ')} <= ${employees.filter((e) => dayAvailable(e, horizon, d)).length}`);
  }
  for (let w = 0; w < weeks; w++) {
    const daysInWeek = Math.min(7, days - w * 7);
    if ((weekHours[w] as string[]).length) {
      rows.push(` wh_${w}: ${(weekHours[w] as string[]).join(' + ')} <= ${num(employees.reduce((s, e) => s + e.contract.maxWeeklyHours, 0))}`);
      rows.push(` wd_${w}: ${(weekCount[w] as string[]).join(' + ')} <= ${employees.reduce((s, e) => s + Math.max(0, daysInWeek - Math.floor((e.contract.minDaysOffPerWeek * daysInWeek) / 7)), 0)}`);
    }
  }
  const lpText = (integer: boolean) =>
    [
      'Minimize',
      ` obj: ${obj.length ? obj.join(' + ') : '0 dummy'}`,
      'Subject To',
      ...(rows.length ? rows : [' none: dummy >= 0']),
      'Bounds',
      ...bounds,
      ...(obj.length ? [] : ['dummy = 0']),
      ...(integer && cols.length ? ['General', ...cols.map((c) => ` ${c.name}`)] : []),
      'End',
    ].join('\n');

  const highs = await loadHighs();
  const t0 = performance.now();
  const limit = input.timeLimitSeconds ?? 25;
  const lp = highs.solve(lpText(false), { time_limit: limit });
  const t1 = performance.now();
  const mip = highs.solve(lpText(true), { time_limit: Math.max(1, limit - (t1 - t0) / 1000), mip_rel_gap: input.mipRelativeGap ?? 0.005 });
  const t2 = performance.now();
  const hasSolution = (s: { Status: string; Columns: object }) =>
    (s.Status === 'Optimal' || s.Status === 'Time limit reached' || s.Status === 'Iteration limit reached') && Object.keys(s.Columns).length > 0;
  if (!hasSolution(mip)) throw new Error(`HiGHS found no schedule: ${mip.Status}`);
  const value = (s: typeof mip, name: string) => ((s.Columns as Record<string, { Primal?: number }>)[name])?.Primal ?? 0;

  // Shifts of the MIP's mix.
  const shifts: Shift[] = [];
  let mipStaffHours = 0;
  let lpStaffHours = 0;
  for (const c of cols) {
    const p = patterns[c.j] as Pattern;
    lpStaffHours += value(lp, c.name) * p.paidHours;
    const count = Math.round(value(mip, c.name));
    mipStaffHours += count * p.paidHours;
    for (let i = 0; i < count; i++) {
      shifts.push({ id: `S${shifts.length + 1}`, employeeId: null, activity: activities[c.k] as string, startInterval: p.start, endInterval: p.end, breaks: p.breaks, templateId: p.templateId });
    }
  }
  const mipShortfall = shortNames.reduce((s, u) => s + value(mip, u.name), 0);

  const t3 = performance.now();
  const { assigned, unassigned } = assignEmployees(horizon, shifts, employees);
  const t4 = performance.now();
  const schedule: Schedule = { horizon, shifts: assigned };
  const coverage = computeCoverage(schedule, demands);
  const uncovered = Object.values(coverage.byActivity).flatMap((a) => a.uncovered.map((t) => ({ activity: a.activity, interval: t, shortfall: (a.intervals[t] as { shortfall: number }).shortfall })));
  const lpObjective = lp.Status === 'Optimal' ? lp.ObjectiveValue : NaN;
  return {
    schedule,
    unassigned,
    coverage,
    uncovered,
    figures: {
      status: mip.Status,
      patterns: cols.length,
      mipStaffHours,
      mipShortfall,
      mipObjective: mip.ObjectiveValue,
      lpObjective,
      lpStaffHours,
      gapToLpBound: lpObjective > 0 ? (mip.ObjectiveValue - lpObjective) / lpObjective : 0,
      assignedStaffHours: assigned.reduce((s, sh) => s + paidMinutes(sh, horizon.intervalSeconds), 0) / 60,
      mipSeconds: (t2 - t1) / 1000,
      lpSeconds: (t1 - t0) / 1000,
      assignSeconds: (t4 - t3) / 1000,
    },
  };
}

interface Ledger {
  byDay: Map<number, Shift>;
  hours: number[];
  days: number[];
}

/** Stage 2: greedy assignment of shifts to named employees (see the header). */
export function assignEmployees(horizon: PlanningHorizon, shifts: readonly Shift[], employees: readonly Employee[]): { assigned: Shift[]; unassigned: Shift[] } {
  const perDay = horizon.intervalsPerDay;
  const days = Math.ceil(horizon.intervals / perDay);
  const weeks = Math.ceil(days / 7);
  const L = horizon.intervalSeconds;
  const ledgers = new Map<string, Ledger>(employees.map((e) => [e.id, { byDay: new Map(), hours: new Array<number>(weeks).fill(0), days: new Array<number>(weeks).fill(0) }]));
  const candidates = shifts.map((s) => ({ shift: s, employees: employees.filter((e) => shiftProblems(e, s, horizon).length === 0) }));
  candidates.sort((a, b) => a.employees.length - b.employees.length || paidMinutes(b.shift, L) - paidMinutes(a.shift, L) || a.shift.startInterval - b.shift.startInterval);
  const assigned: Shift[] = [];
  const unassigned: Shift[] = [];
  for (const { shift, employees: pool } of candidates) {
    const day = Math.floor(shift.startInterval / perDay);
    const week = Math.floor(day / 7);
    const daysInWeek = Math.min(7, days - week * 7);
    const hours = paidMinutes(shift, L) / 60;
    let best: Employee | undefined;
    let bestScore: number[] = [];
    for (const e of pool) {
      const led = ledgers.get(e.id) as Ledger;
      const c = e.contract;
      if (led.byDay.has(day)) continue;
      if ((led.hours[week] as number) + hours > c.maxWeeklyHours + 1e-9) continue;
      const maxDays = daysInWeek - Math.floor((c.minDaysOffPerWeek * daysInWeek) / 7);
      if ((led.days[week] as number) + 1 > maxDays) continue;
      const rest = ((c.minRestMinutes ?? DEFAULT_MIN_REST_MINUTES) * 60) / L;
      const prev = led.byDay.get(day - 1);
      const next = led.byDay.get(day + 1);
      if (prev && shift.startInterval - prev.endInterval < rest - 1e-9) continue;
      if (next && next.startInterval - shift.endInterval < rest - 1e-9) continue;
      const unmetMin = Math.max(0, (c.minWeeklyHours ?? 0) - (led.hours[week] as number));
      const score = [unmetMin, maxDays - (led.days[week] as number), c.maxWeeklyHours - (led.hours[week] as number)];
      if (!best || compareDesc(score, bestScore) < 0 || (compareDesc(score, bestScore) === 0 && e.id < best.id)) {
        best = e;
        bestScore = score;
      }
    }
    if (!best) {
      unassigned.push(shift);
      continue;
    }
    const led = ledgers.get(best.id) as Ledger;
    const placed = { ...shift, employeeId: best.id };
    led.byDay.set(day, placed);
    led.hours[week] = (led.hours[week] as number) + hours;
    led.days[week] = (led.days[week] as number) + 1;
    assigned.push(placed);
  }
  assigned.sort((a, b) => a.startInterval - b.startInterval || a.id.localeCompare(b.id));
  return { assigned, unassigned };
}

/** Negative when `a` is preferred (lexicographically larger). */
function compareDesc(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (b[i] as number) - (a[i] as number);
    if (Math.abs(d) > 1e-9) return d;
  }
  return 0;
}
