/**
 * The demo agency's published plan for the week of its letter-batch spike day, so that after
 * `npm start` a supervisor can read coverage and ask for borrowing suggestions straight away.
 * Deterministic (no solver, no time limit): libs/planning's greedy `fillSchedule`.
 *
 * - Customer service plans a NORMAL week: the requirement per queue and quarter-hour from the
 *   demo's own expected volumes after the level shift (daily volume × weekday factor × 1.2 ×
 *   intraday profile, no letter-batch uplift; closed on Finnish holidays) — Erlang C at 90 % in
 *   30 s for phone (AHT 285 s), chat concurrency 2 at 80 % in 60 s (AHT 540 s), and a level email
 *   desk 08–16 sized to answer the day's email (AHT 420 s) in office hours. The letter batch's spike
 *   (+20 % and more on phones) is what the plan does not have: borrowing suggestions cover it.
 *   Templates: 8 h (30-min unpaid lunch), 6 h (paid coffee), 4 h; contracts 40 h, 4–8 h shifts, two
 *   days off, 11 h rest.
 * - Payments, legal and back office have no queues: their own work. Each keeps at least half its
 *   staff on shift 08:00–16:00 on weekdays (the department planning settings); everyone works the
 *   contract (37.5 h, office template 08–10 starts, 8 h with a 30-minute unpaid lunch).
 */
import { addDays, isoWeekday } from '../../calendar/src/local-date.js';
import { localToEpoch } from '../../calendar/src/time-zone.js';
import { fillSchedule, OWN_WORK } from '../../planning/src/fill-schedule.js';
import type { ActivityDemand, BreakRule, Employee, ShiftTemplate } from '../../planning/src/model.js';
import { computeRequirements, type QueueSpec } from '../../staffing/src/requirements.js';
import { maxOf } from '../../core/src/extremes.js';

export interface DemoShiftTemplate {
  departmentKey: string;
  name: string;
  earliestStartMinutes: number;
  latestStartMinutes: number;
  startStepMinutes: number;
  lengthMinutes: number;
  breaks: BreakRule[];
  weekdays: number[];
}
export interface DemoContract {
  employeeNumber: string;
  maxWeeklyHours: number;
  minWeeklyHours: number | null;
  minShiftMinutes: number;
  maxShiftMinutes: number;
  minDaysOffPerWeek: number;
  minRestMinutes: number;
}
export interface DemoMinStaff {
  departmentKey: string;
  windows: { weekday: number; fromMinutes: number; toMinutes: number; staff: number }[];
}
export interface DemoDemand {
  /** null = the department's own work (its minimum on-shift staffing). */
  queueKey: string | null;
  channel: string;
  required: number[];
  forecast?: { volumes: number[]; ahtSeconds: number[]; target: { serviceLevel: number; thresholdSeconds: number } };
}
export interface DemoShift {
  employeeNumber: string;
  queueKey: string | null;
  templateName: string;
  startsAt: Date;
  endsAt: Date;
  breaks: { name: string; paid: boolean; startsAt: Date; endsAt: Date }[];
}
export interface DemoSchedule {
  departmentKey: string;
  demands: DemoDemand[];
  shifts: DemoShift[];
  staffHours: number;
  /** Agent-intervals of the requirement the greedy could not cover. */
  uncoveredAgentIntervals: number;
}
export interface DemoPlan {
  /** Monday of the planned week (the week of the spike day), local date. */
  weekStart: string;
  templates: DemoShiftTemplate[];
  contracts: DemoContract[];
  minStaff: DemoMinStaff[];
  schedules: DemoSchedule[];
}

export interface DemoPlanInput {
  weekStart: string;
  timeZone: string;
  holidays: ReadonlySet<string>;
  departments: readonly { key: string; kind: string }[];
  agents: readonly { employeeNumber: string; departmentKey: string; capacity: { phone: number; chat: number; email: number }; skills: readonly { skill: string; proficiency: number }[] }[];
  queues: readonly { key: string; departmentKey: string; channel: 'phone' | 'chat' | 'email'; language: string; target: { percent: number; seconds: number } }[];
  /** Expected contacts of a queue on a local date per slot: 40 quarter-hours from 08:00 (phone, chat) or 96 from midnight (email). */
  expected: (queueKey: string, date: string) => number[];
  aht: Record<'phone' | 'chat' | 'email', number>;
}

const PER_DAY = 96;
const OPEN_FROM = 32; // 08:00
const WEEKDAYS = [1, 2, 3, 4, 5];

export function buildDemoPlan(input: DemoPlanInput): DemoPlan {
  const { weekStart, timeZone } = input;
  const n = 7 * PER_DAY;
  const horizon = { start: new Date(localToEpoch(weekStart, 0, timeZone)), intervalSeconds: 900, intervals: n, intervalsPerDay: PER_DAY, firstWeekday: 1 };
  const instant = (i: number) => new Date(localToEpoch(addDays(weekStart, Math.floor(i / PER_DAY)), (i % PER_DAY) * 15, timeZone));
  const templates: DemoShiftTemplate[] = [];
  const contracts: DemoContract[] = [];
  const minStaff: DemoMinStaff[] = [];
  const schedules: DemoSchedule[] = [];

  for (const dept of input.departments) {
    const staff = input.agents.filter((a) => a.departmentKey === dept.key);
    const queues = input.queues.filter((q) => q.departmentKey === dept.key);
    const skillsOf = (a: (typeof staff)[number]) => Object.fromEntries(a.skills.map((s) => [s.skill, s.proficiency]));
    let own: DemoShiftTemplate[];
    let demands: DemoDemand[];
    let employees: Employee[];
    if (queues.length) {
      own = [
        { departmentKey: dept.key, name: 'Day 8 h', earliestStartMinutes: 480, latestStartMinutes: 570, startStepMinutes: 15, lengthMinutes: 510, breaks: [{ name: 'lunch', lengthMinutes: 30, paid: false, earliestAfterStartMinutes: 210, latestAfterStartMinutes: 270 }], weekdays: WEEKDAYS },
        { departmentKey: dept.key, name: 'Mid 6 h', earliestStartMinutes: 480, latestStartMinutes: 720, startStepMinutes: 15, lengthMinutes: 360, breaks: [{ name: 'coffee', lengthMinutes: 15, paid: true, earliestAfterStartMinutes: 120, latestAfterStartMinutes: 210 }], weekdays: WEEKDAYS },
        { departmentKey: dept.key, name: 'Short 4 h', earliestStartMinutes: 480, latestStartMinutes: 840, startStepMinutes: 15, lengthMinutes: 240, breaks: [], weekdays: WEEKDAYS },
      ];
      for (const a of staff) contracts.push({ employeeNumber: a.employeeNumber, maxWeeklyHours: 40, minWeeklyHours: null, minShiftMinutes: 240, maxShiftMinutes: 480, minDaysOffPerWeek: 2, minRestMinutes: 660 });
      demands = queues.map((q) => queueDemand(q, input, weekStart));
      employees = staff.map((a) => {
        const skills = skillsOf(a);
        return {
          id: a.employeeNumber,
          departmentId: dept.key,
          skills,
          activities: queues.filter((q) => a.capacity[q.channel] > 0 && (skills[`lang:${q.language}`] ?? 0) >= 3).map((q) => q.key),
          contract: { maxWeeklyHours: 40, minShiftMinutes: 240, maxShiftMinutes: 480, minDaysOffPerWeek: 2, minRestMinutes: 660 },
        };
      });
    } else {
      own = [{ departmentKey: dept.key, name: 'Office 8 h', earliestStartMinutes: 480, latestStartMinutes: 600, startStepMinutes: 60, lengthMinutes: 480, breaks: [{ name: 'lunch', lengthMinutes: 30, paid: false, earliestAfterStartMinutes: 210, latestAfterStartMinutes: 270 }], weekdays: WEEKDAYS }];
      const keep = Math.ceil(staff.length / 2);
      const windows = WEEKDAYS.map((weekday) => ({ weekday, fromMinutes: 480, toMinutes: 960, staff: keep }));
      minStaff.push({ departmentKey: dept.key, windows });
      const required = Array.from({ length: n }, (_, i) => {
        const date = addDays(weekStart, Math.floor(i / PER_DAY));
        const minute = (i % PER_DAY) * 15;
        return input.holidays.has(date) ? 0 : Math.max(0, maxOf(windows.filter((w) => w.weekday === isoWeekday(date) && w.fromMinutes <= minute && minute < w.toMinutes).map((w) => w.staff)));
      });
      demands = [{ queueKey: null, channel: OWN_WORK, required }];
      for (const a of staff) contracts.push({ employeeNumber: a.employeeNumber, maxWeeklyHours: 37.5, minWeeklyHours: 37.5, minShiftMinutes: 240, maxShiftMinutes: 480, minDaysOffPerWeek: 2, minRestMinutes: 660 });
      employees = staff.map((a) => ({ id: a.employeeNumber, departmentId: dept.key, skills: skillsOf(a), activities: [OWN_WORK], contract: { maxWeeklyHours: 37.5, minWeeklyHours: 37.5, minShiftMinutes: 240, maxShiftMinutes: 480, minDaysOffPerWeek: 2, minRestMinutes: 660 } }));
    }
    templates.push(...own);
    const planTemplates: ShiftTemplate[] = own.map((t) => ({ ...t, id: t.name, weekdays: t.weekdays.filter((d) => !input.holidays.has(addDays(weekStart, d - 1))) }));
    const result = fillSchedule({
      horizon,
      templates: planTemplates,
      employees,
      demands: demands.map((d): ActivityDemand => ({ activity: d.queueKey ?? OWN_WORK, required: d.required })),
      ...(queues.length ? {} : { fillContracts: true, fillActivity: OWN_WORK }),
    });
    schedules.push({
      departmentKey: dept.key,
      demands,
      shifts: result.schedule.shifts.map((s) => ({
        employeeNumber: s.employeeId as string,
        queueKey: s.activity === OWN_WORK ? null : s.activity,
        templateName: s.templateId as string,
        startsAt: instant(s.startInterval),
        endsAt: instant(s.endInterval),
        breaks: s.breaks.map((b) => ({ name: b.name, paid: b.paid, startsAt: instant(b.startInterval), endsAt: instant(b.endInterval) })),
      })),
      staffHours: result.staffHours,
      uncoveredAgentIntervals: result.uncovered.reduce((x, u) => x + u.shortfall, 0),
    });
  }
  return { weekStart, templates, contracts, minStaff, schedules };
}

/** A normal week's requirement of one queue (see the module comment). */
function queueDemand(q: DemoPlanInput['queues'][number], input: DemoPlanInput, weekStart: string): DemoDemand {
  const n = 7 * PER_DAY;
  const volumes = new Array<number>(n).fill(0);
  for (let d = 0; d < 7; d++) {
    const date = addDays(weekStart, d);
    if (input.holidays.has(date) || isoWeekday(date) > 5) continue;
    const slots = input.expected(q.key, date);
    const offset = q.channel === 'email' ? 0 : OPEN_FROM;
    slots.forEach((v, k) => (volumes[d * PER_DAY + offset + k] = v));
  }
  if (q.channel === 'email') {
    // A level desk 08:00–16:00 that answers the day's email (overnight email waits for 08:00).
    const required = new Array<number>(n).fill(0);
    for (let d = 0; d < 7; d++) {
      const date = addDays(weekStart, d);
      if (input.holidays.has(date) || isoWeekday(date) > 5) continue;
      const day = volumes.slice(d * PER_DAY, (d + 1) * PER_DAY).reduce((x, y) => x + y, 0);
      const desk = Math.ceil((day * input.aht.email) / (8 * 3600));
      for (let t = OPEN_FROM; t < OPEN_FROM + 32; t++) required[d * PER_DAY + t] = desk;
    }
    return { queueKey: q.key, channel: q.channel, required };
  }
  const target = { serviceLevel: q.target.percent / 100, thresholdSeconds: q.target.seconds };
  const aht = input.aht[q.channel];
  const spec: QueueSpec = q.channel === 'phone' ? { id: q.key, channel: 'phone', volumes, ahtSeconds: aht, target } : { id: q.key, channel: 'chat', volumes, ahtSeconds: aht, target, concurrency: 2 };
  const required = (computeRequirements({ intervalSeconds: 900, queues: [spec] }).queues[0]?.intervals ?? []).map((i) => i.agents);
  return {
    queueKey: q.key,
    channel: q.channel,
    required,
    ...(q.channel === 'phone' ? { forecast: { volumes: volumes.map((v) => Math.round(v * 1000) / 1000), ahtSeconds: new Array<number>(n).fill(aht), target } } : {}),
  };
}
