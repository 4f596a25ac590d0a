/**
 * The demo agency's letter-batch spike day, built for the borrowing proof and the benchmark.
 *
 * - Volumes: the demo history's phone profile of a normal Wednesday (mean offered per queue and
 *   quarter-hour over the Wednesdays after the level shift with no letter batch in the 4 days
 *   before), × `spikeFactor` (1.2) on the spike day.
 * - The customer-service plan meets a normal day: Erlang C requirement per phone queue (target
 *   90 % in 30 s, AHT 285 s, the demo's phone AHT) → `generateSchedule` (HiGHS) with the 100
 *   customer-service employees, one activity per language line (an employee may work a line if its
 *   language proficiency is ≥ 3). On the day an employee works only the line of its shift (the
 *   supervisor's "you are on the Swedish line today"), so the plan's coverage is what the
 *   simulator sees.
 * - Lending departments (payments, legal, back office: the demo's 30 other employees) work a
 *   seeded back-office backlog with a same-day deadline on office shifts 08:00–16:00 or
 *   09:00–17:00 with a 30-minute lunch. Their phone-trained employees are the loan candidates.
 */
import { generateDemoData, type DemoData } from '../../demo-data/src/index.js';
import { addDays, isoWeekday } from '../../calendar/src/local-date.js';
import { localDateOf, localToEpoch } from '../../calendar/src/time-zone.js';
import { computeRequirements } from '../../staffing/src/index.js';
import type { Queue } from '../../routing/src/index.js';
import type { SimAgent, SimulationInput } from '../../simulation/src/index.js';
import { SeededRandom } from '../../demo-data/src/random.js';
import type { BacklogWork, BorrowingCandidate, LendingDepartment } from './borrowing.js';
import { generateSchedule, type ScheduleGenerationResult } from './generate-schedule.js';
import type { ActivityDemand, Employee, PlanningHorizon, Schedule, ShiftTemplate } from './model.js';
import { workingIntervals } from './model.js';
import type { LoanWindow } from '../../routing/src/index.js';

export const SPIKE_DAY_AHT_SECONDS = 285;
export const OPEN_FROM_INTERVAL = 32; // 08:00
export const OPEN_INTERVALS = 40; // 08:00–18:00
const LANGS = ['fi', 'sv', 'en'] as const;

export const CUSTOMER_SERVICE_TEMPLATES: ShiftTemplate[] = [
  { id: 'day-8h', earliestStartMinutes: 8 * 60, latestStartMinutes: 9.5 * 60, lengthMinutes: 510, breaks: [{ name: 'lunch', lengthMinutes: 30, paid: false, earliestAfterStartMinutes: 210, latestAfterStartMinutes: 270 }] },
  { id: 'mid-6h', earliestStartMinutes: 8 * 60, latestStartMinutes: 12 * 60, lengthMinutes: 360, breaks: [{ name: 'coffee', lengthMinutes: 15, paid: true, earliestAfterStartMinutes: 120, latestAfterStartMinutes: 210 }] },
  { id: 'short-4h', earliestStartMinutes: 8 * 60, latestStartMinutes: 14 * 60, lengthMinutes: 240 },
];

export interface SpikeDay {
  demo: DemoData;
  day: string;
  horizon: PlanningHorizon;
  /** Phone volumes per queue for the 40 open quarter-hours: normal and spike. */
  normalVolumes: Record<string, number[]>;
  spikeVolumes: Record<string, number[]>;
  demands: ActivityDemand[];
  employees: Employee[];
  plan: ScheduleGenerationResult;
  /** Working customer-service agents per phone queue per open interval (from the plan). */
  available: Record<string, number[]>;
  candidates: BorrowingCandidate[];
  departments: LendingDepartment[];
  lenderShifts: Record<string, { start: number; end: number; lunch: number }>;
}

function cleanWednesdays(demo: DemoData): Set<string> {
  const batches = demo.letterBatches.map((b) => b.sentOn);
  const out = new Set<string>();
  for (let d = demo.facts.levelShiftFrom; d <= demo.facts.lastDay; d = addDays(d, 1)) {
    if (isoWeekday(d) !== 3) continue;
    if (batches.some((b) => b < d && addDays(b, 4) >= d)) continue;
    out.add(d);
  }
  return out;
}

export async function buildSpikeDay(options: { seed?: number; today?: string; spikeFactor?: number } = {}): Promise<SpikeDay> {
  const seed = options.seed ?? 20261122;
  const demo = generateDemoData({ seed, today: options.today ?? '2026-11-23' });
  const day = addDays(demo.facts.plannedBatch.sentOn, 2); // the planned batch's spike day
  const spikeFactor = options.spikeFactor ?? 1.2;
  const days = cleanWednesdays(demo);
  const sums: Record<string, number[]> = {};
  for (const l of LANGS) sums[`phone-${l}`] = new Array<number>(OPEN_INTERVALS).fill(0);
  for (const h of demo.history) {
    const q = sums[h.queueKey];
    if (!q) continue;
    const localDay = localDateOf(h.intervalStart.getTime(), 'Europe/Helsinki');
    if (!days.has(localDay)) continue;
    const slot = Math.round((h.intervalStart.getTime() - localToEpoch(localDay, 8 * 60, 'Europe/Helsinki')) / 900_000);
    if (slot >= 0 && slot < OPEN_INTERVALS) q[slot] = (q[slot] as number) + h.offered;
  }
  const normalVolumes: Record<string, number[]> = {};
  const spikeVolumes: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(sums)) {
    normalVolumes[k] = v.map((x) => x / days.size);
    spikeVolumes[k] = v.map((x) => (x / days.size) * spikeFactor);
  }

  const horizon: PlanningHorizon = { start: new Date(localToEpoch(day, 0, 'Europe/Helsinki')), intervalSeconds: 900, intervals: 96, intervalsPerDay: 96, firstWeekday: isoWeekday(day) };
  const target = { serviceLevel: 0.9, thresholdSeconds: 30 };
  const req = computeRequirements({
    intervalSeconds: 900,
    queues: LANGS.map((l) => ({ id: `phone-${l}`, channel: 'phone' as const, volumes: normalVolumes[`phone-${l}`] as number[], ahtSeconds: SPIKE_DAY_AHT_SECONDS, target })),
  });
  const full = (open: readonly number[]) => Array.from({ length: 96 }, (_, t) => (t >= OPEN_FROM_INTERVAL && t < OPEN_FROM_INTERVAL + OPEN_INTERVALS ? (open[t - OPEN_FROM_INTERVAL] as number) : 0));
  const demands: ActivityDemand[] = LANGS.map((l, i) => ({
    activity: `phone-${l}`,
    required: full((req.queues[i] as { intervals: { agents: number }[] }).intervals.map((r) => r.agents)),
    forecast: { volumes: full(normalVolumes[`phone-${l}`] as number[]), ahtSeconds: SPIKE_DAY_AHT_SECONDS, target },
  }));

  const employees: Employee[] = demo.agents
    .filter((a) => a.departmentKey === 'customer-service')
    .map((a) => {
      const skills = Object.fromEntries(a.skills.map((s) => [s.skill, s.proficiency]));
      return {
        id: a.employeeNumber,
        departmentId: 'customer-service',
        skills,
        activities: LANGS.filter((l) => (skills[`lang:${l}`] ?? 0) >= 3).map((l) => `phone-${l}`),
        contract: { maxWeeklyHours: 40, minShiftMinutes: 240, maxShiftMinutes: 480, minDaysOffPerWeek: 2 },
      };
    });
  const plan = await generateSchedule({ horizon, templates: CUSTOMER_SERVICE_TEMPLATES, employees, demands });
  const available: Record<string, number[]> = {};
  for (const l of LANGS) available[`phone-${l}`] = new Array<number>(OPEN_INTERVALS).fill(0);
  for (const s of plan.schedule.shifts) for (const t of workingIntervals(s)) {
    const a = available[s.activity] as number[];
    const k = t - OPEN_FROM_INTERVAL;
    if (k >= 0 && k < OPEN_INTERVALS) a[k] = (a[k] as number) + 1;
  }

  // Lending departments: office shifts and a seeded back-office backlog due the same day.
  const random = new SeededRandom(seed + 7);
  const lenders = demo.agents.filter((a) => a.departmentKey !== 'customer-service');
  const lenderShifts: SpikeDay['lenderShifts'] = {};
  const staff: Record<string, number[]> = {};
  lenders.forEach((a, i) => {
    const start = i % 2 === 0 ? 0 : 4; // 08:00 or 09:00 (open-interval index)
    const lunch = start + 14 + (i % 3) * 2; // 3.5–4.5 h after the start
    lenderShifts[a.employeeNumber] = { start, end: start + 32, lunch };
    const s = (staff[a.departmentKey] ??= new Array<number>(OPEN_INTERVALS).fill(0));
    for (let t = start; t < start + 32 && t < OPEN_INTERVALS; t++) if (t < lunch || t >= lunch + 2) s[t] = (s[t] as number) + 1;
  });
  const utilisation: Record<string, number> = { payments: 0.72, legal: 0.6, 'back-office': 0.8 };
  const departments: LendingDepartment[] = Object.entries(staff).map(([id, s]) => {
    const capacityItems = s.reduce((x, y) => x + y, 0) * 900 * 0.85 / 600;
    const total = capacityItems * (utilisation[id] ?? 0.7);
    const weights = s.map((x) => x * (0.8 + 0.4 * random.next()));
    const wsum = weights.reduce((x, y) => x + y, 0);
    const work: BacklogWork = { kind: 'backlog', arrivals: weights.map((w) => (total * w) / wsum), ahtSeconds: 600, deadlineIntervals: 16, productiveShare: 0.85 };
    return { id, work, staff: s };
  });
  const candidates: BorrowingCandidate[] = lenders.map((a) => {
    const sh = lenderShifts[a.employeeNumber] as { start: number; end: number; lunch: number };
    return {
      id: a.employeeNumber,
      departmentId: a.departmentKey,
      skills: Object.fromEntries(a.skills.map((s) => [s.skill, s.proficiency])),
      working: Array.from({ length: OPEN_INTERVALS }, (_, t) => t >= sh.start && t < sh.end && (t < sh.lunch || t >= sh.lunch + 2)),
    };
  });
  return { demo, day, horizon, normalVolumes, spikeVolumes, demands, employees, plan, available, candidates, departments, lenderShifts };
}

/** The simulator's input for the spike day's phone queues, with optional loans (open-interval indices). */
export function spikeDaySimulation(spike: SpikeDay, options: { volumes: Record<string, number[]>; loans?: readonly { employeeId: string; loanWindow: LoanWindow }[]; seed: number }): SimulationInput {
  const start = new Date(spike.horizon.start.getTime() + OPEN_FROM_INTERVAL * 900_000);
  const at = (openInterval: number) => new Date(start.getTime() + openInterval * 900_000);
  const queues = LANGS.map((l) => {
    const dq = spike.demo.queues.find((q) => q.key === `phone-${l}`);
    if (!dq) throw new Error(`demo queue phone-${l} missing`);
    const queue: Queue = {
      id: dq.key,
      departmentId: dq.departmentKey,
      channel: 'phone',
      requiredSkills: dq.requiredSkills,
      language: dq.language,
      serviceTarget: dq.target,
      // Lent agents answer from the first second (inside their loan window only).
      widening: [{ afterSeconds: 0, skills: 'queue-skills', agents: 'department-and-lent', name: 'lent agents' }],
    };
    return { queue, volumes: options.volumes[dq.key] as number[] };
  });
  const agents: SimAgent[] = [];
  const schedule: Schedule = spike.plan.schedule;
  const skillsOf = new Map(spike.employees.map((e) => [e.id, e.skills]));
  for (const s of schedule.shifts) {
    const lang = s.activity.replace('phone-', '');
    const prof = (skillsOf.get(s.employeeId as string) ?? {})[`lang:${lang}`] ?? 3;
    agents.push({
      id: s.employeeId as string,
      departmentId: 'customer-service',
      skills: { [`lang:${lang}`]: prof },
      capacity: { phone: 1, chat: 0, email: 0 },
      shifts: [{ start: at(s.startInterval - OPEN_FROM_INTERVAL), end: at(s.endInterval - OPEN_FROM_INTERVAL), breaks: s.breaks.map((b) => ({ start: at(b.startInterval - OPEN_FROM_INTERVAL), end: at(b.endInterval - OPEN_FROM_INTERVAL), reason: b.name })) }],
    });
  }
  const loansBy = new Map<string, LoanWindow[]>();
  for (const l of options.loans ?? []) loansBy.set(l.employeeId, [...(loansBy.get(l.employeeId) ?? []), l.loanWindow]);
  for (const c of spike.candidates) {
    const loans = loansBy.get(c.id);
    if (!loans) continue; // only lent employees appear on the phones
    const sh = spike.lenderShifts[c.id] as { start: number; end: number; lunch: number };
    agents.push({
      id: c.id,
      departmentId: c.departmentId,
      skills: c.skills,
      capacity: { phone: 1, chat: 0, email: 0 },
      shifts: [{ start: at(sh.start), end: at(sh.end), breaks: [{ start: at(sh.lunch), end: at(sh.lunch + 2), reason: 'lunch' }] }],
      lentTo: loans,
    });
  }
  return {
    start,
    intervalSeconds: 900,
    intervals: OPEN_INTERVALS,
    queues,
    agents,
    handleTime: { phone: { meanSeconds: SPIKE_DAY_AHT_SECONDS } },
    seed: options.seed,
  };
}
