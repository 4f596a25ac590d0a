import { Injectable, Logger } from '@nestjs/common';
import { addDays, isoWeekday, isValidLocalDate } from '../../../../libs/calendar/src/local-date.js';
import { localDateOf } from '../../../../libs/calendar/src/time-zone.js';
import { conflict, notFound, tooManyRequests, unprocessable, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import {
  OWN_WORK,
  PlanningInputError,
  addShift,
  fillSchedule,
  type Employee,
  type GenerateScheduleInput,
  type ScheduleGenerationResult,
  type ShiftTemplate,
  computeCoverage,
  contractViolations,
  deleteShift,
  moveShift,
  paidMinutes,
  type Coverage,
  type Schedule,
  type Shift,
} from '../../../../libs/planning/src/index.js';
import { computeRequirements, type QueueSpec } from '../../../../libs/staffing/src/index.js';
import type { QueueEntity } from '../../../../libs/persistence/src/entities/queue.entity.js';
import type { ScheduleEntity, ScheduleShiftEntity, StoredDemand, StoredMinStaffWindow, StoredScheduleFigures } from '../../../../libs/persistence/src/entities/planning.entity.js';
import { BusinessCalendarRepository } from '../../../../libs/persistence/src/repositories/business-calendar.repository.js';
import { DepartmentRepository } from '../../../../libs/persistence/src/repositories/department.repository.js';
import { PlanningRepository } from '../../../../libs/persistence/src/repositories/planning.repository.js';
import { QueueRepository } from '../../../../libs/persistence/src/repositories/queue.repository.js';
import { GetQueueForecast } from '../forecasting/forecasting.use-cases.js';
import { WorkerPoolBusyError, WorkerTimeoutError } from '../common/worker-pool.js';
import type { Actor } from './planning-context.js';
import { PlanningWorkers } from './planning-workers.js';
import { PlanningClock } from './planning-context.js';
import { checkPlanningReach, forecastWithinReach } from './planning-reach.js';
import { INTERVALS_PER_DAY, INTERVAL_MINUTES, WeekClock, activityOf, queueOf, scheduleOf, toEmployee, toShiftData, toTemplate } from './planning-model.js';
import type { AddShiftDto, ContractViolationDto, CoverageDto, GenerateScheduleDto, MoveShiftDto, ScheduleDto, ShiftDto, ShiftEditResultDto } from './schedule.dto.js';
import { invalid } from './templates-and-contracts.use-cases.js';
import { emailOpeningHours } from './queue-opening-hours.js';

const DEFAULT_TIME_ZONE = 'Europe/Helsinki';
/** Chats one agent handles at once in the plan (queues carry no concurrency setting yet). */
export const PLANNING_CHAT_CONCURRENCY = 2;
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** The worker's time limit: HiGHS's own limit on the MIP plus the model, the LP bound and the assignment. */
export const generationTimeoutMs = (timeLimitSeconds: number) => (2 * timeLimitSeconds + 30) * 1000;

export function shiftDto(s: Shift & { id: string }, entity: Pick<ScheduleShiftEntity, 'startsAt' | 'endsAt' | 'breaks'>, intervalSeconds: number): ShiftDto {
  return {
    id: s.id,
    agentId: s.employeeId,
    queueId: s.activity,
    templateId: s.templateId ?? null,
    startsAt: entity.startsAt.toISOString(),
    endsAt: entity.endsAt.toISOString(),
    paidMinutes: paidMinutes(s, intervalSeconds),
    breaks: entity.breaks.map((b) => ({ name: b.name, paid: b.paid, startsAt: new Date(b.startsAt).toISOString(), endsAt: new Date(b.endsAt).toISOString() })),
  };
}

/** Reads a schedule with its shifts, agents and contracts, and evaluates it with libs/planning. */
@Injectable()
export class LoadSchedule {
  constructor(
    private readonly planning: PlanningRepository,
    private readonly queues: QueueRepository,
  ) {}

  async execute(id: string) {
    const entity = await this.planning.findSchedule(id);
    if (!entity) throw notFound('schedule', id);
    const shifts = await this.planning.shiftsOf(id);
    const { clock, schedule, demands } = scheduleOf(entity, shifts);
    const queues = (await this.queues.list({ departmentId: entity.departmentId })).filter((q) => entity.demands.some((d) => d.queueId === q.id));
    const agents = (await this.planning.planningAgents({ departmentId: entity.departmentId })).filter((a) => a.active);
    const assigned = [...new Set(shifts.map((s) => s.agentId).filter((a): a is string => a !== null))];
    const outsiders = assigned.filter((id) => !agents.some((a) => a.id === id));
    if (outsiders.length) agents.push(...(await this.planning.planningAgents({ agentIds: outsiders })));
    const contracts = await this.planning.contractsFor(agents.map((a) => a.id));
    const byAgent = new Map(contracts.map((c) => [c.agentId, c]));
    const employees = agents.filter((a) => byAgent.has(a.id)).map((a) => toEmployee(a, byAgent.get(a.id)!, queues));
    return { entity, shifts, clock, schedule, demands, queues, employees, agentsWithoutContract: agents.filter((a) => a.departmentId === entity.departmentId && !byAgent.has(a.id)).length };
  }
}

function violationsDto(schedule: Schedule, employees: Parameters<typeof contractViolations>[1], onlyAgents?: ReadonlySet<string>): ContractViolationDto[] {
  return contractViolations(schedule, employees)
    .filter((v) => !onlyAgents || onlyAgents.has(v.employeeId))
    .map((v) => ({ agentId: v.employeeId, shiftId: v.shiftId ?? null, rule: v.rule, detail: v.detail }));
}

export function coverageDto(scheduleId: string, clock: WeekClock, coverage: Coverage, demands: readonly StoredDemand[], fromInterval: number, toInterval: number, queueId?: string): CoverageDto {
  return {
    scheduleId,
    from: clock.instant(fromInterval).toISOString(),
    to: clock.instant(toInterval).toISOString(),
    intervalMinutes: INTERVAL_MINUTES,
    queues: demands
      .filter((d) => !queueId || d.queueId === queueId)
      .map((d) => {
        const rows = (coverage.byActivity[activityOf(d.queueId)]?.intervals ?? []).slice(fromInterval, toInterval);
        const shortfall = rows.reduce((s, r) => s + r.shortfall, 0);
        return {
          queueId: d.queueId,
          channel: d.channel,
          shortfallAgentIntervals: shortfall,
          shortfallIntervals: shortfall,
          uncoveredIntervals: rows.filter((r) => r.shortfall > 0).length,
          intervals: rows.map((r) => ({
            start: clock.instant(r.interval).toISOString(),
            scheduled: r.scheduled,
            available: round(r.available),
            required: r.required,
            requiredScheduled: r.requiredScheduled,
            shortfall: r.shortfall,
            expectedServiceLevel: r.expectedServiceLevel === undefined ? null : round(r.expectedServiceLevel),
          })),
        };
      }),
  };
}

function scheduleDto(loaded: Awaited<ReturnType<LoadSchedule['execute']>>, withShifts: boolean): ScheduleDto {
  const { entity, clock, schedule, demands, employees, shifts } = loaded;
  const coverage = computeCoverage(schedule, demands);
  const L = clock.horizon.intervalSeconds;
  const uncovered = Object.values(coverage.byActivity).flatMap((a) => a.uncovered.map((t) => ({ queueId: queueOf(a.activity), start: clock.instant(t).toISOString(), shortfall: (a.intervals[t] as { shortfall: number }).shortfall })));
  const dto: ScheduleDto = {
    id: entity.id,
    departmentId: entity.departmentId,
    weekStart: entity.weekStart,
    status: entity.status,
    timeZone: entity.timeZone,
    queueIds: entity.demands.map((d) => d.queueId).filter((q): q is string => q !== null),
    shrinkage: entity.demands[0]?.shrinkage ?? 0,
    figures: { ...entity.figures },
    staffHours: round(schedule.shifts.reduce((s, sh) => s + paidMinutes(sh, L), 0) / 60, 2),
    shiftCount: schedule.shifts.length,
    uncovered,
    contractViolations: violationsDto(schedule, employees),
    agentsWithoutContract: loaded.agentsWithoutContract,
    generatedBy: entity.generatedBy,
    generatedAt: entity.generatedAt.toISOString(),
    publishedAt: entity.publishedAt?.toISOString() ?? null,
  };
  if (withShifts) dto.shifts = schedule.shifts.map((s, i) => shiftDto(s, shifts[i] as ScheduleShiftEntity, L));
  return dto;
}

@Injectable()
export class GetSchedule {
  constructor(private readonly load: LoadSchedule) {}
  async execute(id: string): Promise<ScheduleDto> {
    return scheduleDto(await this.load.execute(id), true);
  }
}

@Injectable()
export class ListSchedules {
  constructor(
    private readonly planning: PlanningRepository,
    private readonly load: LoadSchedule,
  ) {}
  async execute(filter: { departmentId?: string; weekStart?: string }): Promise<ScheduleDto[]> {
    const list = await this.planning.listSchedules(filter);
    const out: ScheduleDto[] = [];
    for (const s of list.slice(0, 50)) out.push(scheduleDto(await this.load.execute(s.id), false));
    return out;
  }
}

@Injectable()
export class GetCoverage {
  constructor(private readonly load: LoadSchedule) {}
  async execute(id: string, q: { date?: string; queueId?: string }): Promise<CoverageDto> {
    const { entity, clock, schedule, demands } = await this.load.execute(id);
    let from = 0;
    let to = clock.horizon.intervals;
    if (q.date) {
      const day = Math.round((Date.parse(`${q.date}T00:00:00Z`) - Date.parse(`${entity.weekStart}T00:00:00Z`)) / 86_400_000);
      if (!isValidLocalDate(q.date) || day < 0 || day > 6) throw invalid([{ field: 'date', rule: 'inWeek', message: `date must be a day of the week starting ${entity.weekStart}` }]);
      from = day * INTERVALS_PER_DAY;
      to = from + INTERVALS_PER_DAY;
    }
    if (q.queueId && !entity.demands.some((d) => d.queueId === q.queueId)) throw invalid([{ field: 'queueId', rule: 'inSchedule', message: 'the queue is not planned in this schedule' }]);
    return coverageDto(entity.id, clock, computeCoverage(schedule, demands), entity.demands, from, to, q.queueId);
  }
}

/**
 * Forecast (incl. a stored intraday re-forecast) → staffing requirement per 15-minute interval of
 * the week. An email queue is staffed within its calendar's opening hours (holidays and closures
 * closed), the email that arrives while it is closed waiting for the next opening; the week's work
 * includes what arrived since the desk last closed before the week (the weekend before a Monday),
 * so its forecast is asked from that day on.
 */
@Injectable()
export class ComputeWeekDemand {
  constructor(
    private readonly forecast: GetQueueForecast,
    private readonly calendars: BusinessCalendarRepository,
  ) {}

  async execute(queue: QueueEntity, clock: WeekClock, shrinkage: number): Promise<StoredDemand> {
    const weekEnd = addDays(clock.weekStart, 6);
    const hours = queue.channel === 'email' ? await this.openingHours(queue, clock) : undefined;
    const from = hours?.carryFrom ? localDateOf(hours.carryFrom.getTime(), clock.timeZone) : clock.weekStart;
    const fc = await this.forecast.execute(queue.id, { from, to: weekEnd, intervalMinutes: INTERVAL_MINUTES });
    const { volumes: _v, aht: _a, ...demand } = demandFromForecast(queue, fc.points, clock.horizon.intervals, (at) => clock.interval(at).index, hours && { open: hours.open, carryFrom: hours.carryFrom, start: clock.instant(0) });
    return { ...demand, shrinkage };
  }

  private async openingHours(queue: QueueEntity, clock: WeekClock) {
    const calendar = await this.calendars.findById(queue.calendarId);
    // a queue's calendar cannot be deleted while the queue uses it (calendar.in_use)
    if (!calendar) throw new Error(`calendar ${queue.calendarId} of queue ${queue.key} not found`);
    return emailOpeningHours(calendar, clock.weekStart, 7);
  }
}

/** When an email queue's work can be done (queue-opening-hours.ts): `open` per interval of the axis, and what arrived from `carryFrom` until the axis's `start` is work of its first open interval. */
export interface EmailHours {
  open: readonly boolean[];
  carryFrom: Date | null;
  start: Date;
}

/**
 * A queue's requirement per interval from its forecast points (libs/staffing: Erlang C for phone,
 * chat concurrency, the email deadline backlog); `indexOf` places a point's start in the horizon
 * of `n` intervals. Phone demands keep their forecast for the expected service level.
 *
 * Email is work that waits (libs/staffing email-backlog.ts): with `hours` it is staffed only in the
 * open intervals, the deadline (the queue's target seconds) counts open time, and what arrives in
 * closed time is worked from the next opening on; the points from `hours.carryFrom` until the
 * horizon starts (what arrived since the desk last closed) are the first interval's arrivals.
 * Without `hours` every interval is open.
 *
 * The horizon is the wall clock's (planning-model.ts): on the night the clocks go back the two
 * real occurrences of the repeated hour, each a forecast point, fall into the same intervals. For
 * calls and chats a point's volume is an arrival rate per interval, the same in both occurrences,
 * and the interval is staffed for that rate; emails are work that waits, so both occurrences'
 * arrivals are added to the backlog. The intervals of the spring-forward gap get no point.
 */
export function demandFromForecast(queue: QueueEntity, points: readonly { start: string; volume: number; aht: number | null }[], n: number, indexOf: (at: Date) => number, hours?: EmailHours): Omit<StoredDemand, 'shrinkage'> & { volumes: number[]; aht: number[] } {
  const volumes = new Array<number>(n).fill(0);
  const aht = new Array<number>(n).fill(0);
  let ahtSum = 0;
  let ahtWeight = 0;
  const email = queue.channel === 'email';
  if (email && hours && hours.open.length !== n) throw new RangeError(`hours.open has ${hours.open.length} intervals, the horizon ${n}`);
  const carryFrom = email && hours?.carryFrom ? hours.carryFrom.getTime() : Infinity;
  const start = hours?.start.getTime() ?? -Infinity;
  for (const p of points) {
    const at = new Date(p.start);
    const carried = at.getTime() >= carryFrom && at.getTime() < start;
    const index = carried ? 0 : indexOf(at);
    if (index < 0 || index >= n) continue;
    if (carried) {
      volumes[0] = volumes[0]! + Math.max(0, p.volume);
      if (p.aht !== null && p.aht > 0) {
        ahtSum += p.aht * Math.max(p.volume, 1e-6);
        ahtWeight += Math.max(p.volume, 1e-6);
      }
      continue;
    }
    volumes[index] = queue.channel === 'email' ? volumes[index]! + Math.max(0, p.volume) : Math.max(0, p.volume);
    if (p.aht !== null && p.aht > 0) {
      aht[index] = p.aht;
      ahtSum += p.aht * Math.max(p.volume, 1e-6);
      ahtWeight += Math.max(p.volume, 1e-6);
    }
  }
  const meanAht = ahtWeight > 0 ? ahtSum / ahtWeight : 300;
  for (let t = 0; t < n; t++) if (!(aht[t]! > 0)) aht[t] = meanAht;
  const target = { serviceLevel: queue.targetPercent / 100, thresholdSeconds: queue.targetSeconds };
  const spec: QueueSpec =
    queue.channel === 'phone'
      ? { id: queue.id, channel: 'phone', volumes, ahtSeconds: aht, target }
      : queue.channel === 'chat'
        ? { id: queue.id, channel: 'chat', volumes, ahtSeconds: aht, target, concurrency: PLANNING_CHAT_CONCURRENCY }
        : { id: queue.id, channel: 'email', volumes, ahtSeconds: aht, deadlineSeconds: queue.targetSeconds, deadlineBasis: queue.targetBasis, ...(hours ? { open: hours.open } : {}) };
  const r = computeRequirements({ intervalSeconds: INTERVAL_MINUTES * 60, queues: [spec] });
  const required = (r.queues[0]?.intervals ?? []).map((i) => i.agents);
  return {
    queueId: queue.id,
    channel: queue.channel,
    required,
    volumes,
    aht,
    ...(queue.channel === 'phone' ? { forecast: { volumes: volumes.map((v) => round(v, 3)), ahtSeconds: aht.map((a) => round(a, 2)), target } } : {}),
  };
}

@Injectable()
export class GenerateWeekSchedule {
  private readonly logger = new Logger('ScheduleGeneration');

  constructor(
    private readonly planning: PlanningRepository,
    private readonly departments: DepartmentRepository,
    private readonly queues: QueueRepository,
    private readonly demand: ComputeWeekDemand,
    private readonly load: LoadSchedule,
    private readonly clock: PlanningClock,
    private readonly workers: PlanningWorkers,
  ) {}

  async execute(actor: Actor, body: GenerateScheduleDto): Promise<ScheduleDto> {
    const v: FieldViolation[] = [];
    if (!isValidLocalDate(body.weekStart) || isoWeekday(body.weekStart) !== 1) v.push({ field: 'weekStart', rule: 'isMonday', message: 'weekStart must be the Monday of an ISO week' });
    if (!(await this.departments.findById(body.departmentId))) v.push({ field: 'departmentId', rule: 'exists', message: `department ${body.departmentId} does not exist` });
    if (v.length) throw invalid(v);
    const all = await this.queues.list({ departmentId: body.departmentId });
    const unknown = (body.queueIds ?? []).filter((id) => !all.some((q) => q.id === id));
    if (unknown.length) throw invalid([{ field: 'queueIds', rule: 'ofDepartment', message: `not queues of the department: ${unknown.join(', ')}` }]);
    const queues = body.queueIds ? all.filter((q) => body.queueIds!.includes(q.id)) : all;
    const timeZone = (await this.planning.departmentTimeZone(body.departmentId)) ?? DEFAULT_TIME_ZONE;
    // The week's requirement comes from its forecast (a department without queues forecasts nothing).
    if (queues.length) checkPlanningReach('weekStart', this.clock.now(), timeZone, { from: body.weekStart, to: addDays(body.weekStart, 6) });
    const templates = await this.planning.listTemplates(body.departmentId);
    if (!templates.length) throw invalid([{ field: 'departmentId', rule: 'hasTemplates', message: 'the department has no shift templates (POST /v1/shift-templates)' }]);
    const existing = await this.planning.findScheduleByWeek(body.departmentId, body.weekStart);
    if (existing?.status === 'published') throw conflict('schedule.published', `the schedule of week ${body.weekStart} is published; edit it by hand instead of generating it again`);

    const clock = new WeekClock(body.weekStart, timeZone);
    const shrinkage = body.shrinkage ?? 0;
    const agents = (await this.planning.planningAgents({ departmentId: body.departmentId })).filter((a) => a.active);
    const contracts = new Map((await this.planning.contractsFor(agents.map((a) => a.id))).map((c) => [c.agentId, c]));
    const employees = agents.filter((a) => contracts.has(a.id)).map((a) => toEmployee(a, contracts.get(a.id)!, queues));
    const timeLimitSeconds = body.timeLimitSeconds ?? 10;
    const started = performance.now();
    let figures: StoredScheduleFigures;
    let demands: StoredDemand[];
    let shifts: readonly Shift[];
    if (!queues.length) {
      // Own work (no queues): the staff work their contracts, the minimum on-shift staffing covered first.
      const settings = await this.planning.findSettings(body.departmentId);
      const required = minStaffOfWeek(settings?.minStaffOnShift ?? []);
      demands = [{ queueId: null, channel: OWN_WORK, required, shrinkage }];
      const result = this.fill(() => fillSchedule({ horizon: clock.horizon, templates: templates.map(toTemplate), employees, demands: [{ activity: OWN_WORK, required, shrinkage }], fillContracts: true, fillActivity: OWN_WORK }));
      shifts = result.schedule.shifts;
      figures = { solverStatus: 'contract fill', patterns: 0, mipStaffHours: round(result.staffHours, 2), lpStaffHours: 0, mipObjective: round(result.staffHours, 4), lpObjective: null, gapToLpBound: 0, assignedStaffHours: round(result.staffHours, 2), unassignedShifts: 0, timeLimitSeconds, seconds: round((performance.now() - started) / 1000, 3) };
    } else {
      demands = [];
      for (const q of queues) demands.push(await forecastWithinReach('weekStart', q.key, () => this.demand.execute(q, clock, shrinkage)));
      const result = await this.solve(clock, templates.map(toTemplate), employees, demands, timeLimitSeconds);
      shifts = result.schedule.shifts;
      const f = result.figures;
      figures = {
      solverStatus: f.status,
      patterns: f.patterns,
      mipStaffHours: round(f.mipStaffHours, 2),
      lpStaffHours: round(f.lpStaffHours, 2),
      mipObjective: round(f.mipObjective, 4),
      lpObjective: Number.isFinite(f.lpObjective) ? round(f.lpObjective, 4) : null,
      gapToLpBound: round(f.gapToLpBound, 6),
      assignedStaffHours: round(f.assignedStaffHours, 2),
      unassignedShifts: result.unassigned.length,
      timeLimitSeconds,
      seconds: round((performance.now() - started) / 1000, 3),
    };
    }
    const now = this.clock.now();
    const saved = await this.planning.transaction(async (tx) => {
      const schedule = await tx.upsertScheduleDraft({ departmentId: body.departmentId, weekStart: body.weekStart, timeZone, intervalMinutes: INTERVAL_MINUTES, demands, figures, generatedBy: actor.actor, generatedAt: now });
      if (!schedule) throw conflict('schedule.published', `the schedule of week ${body.weekStart} is published; edit it by hand instead of generating it again`);
      await tx.replaceShifts(schedule.id, shifts.map((s) => toShiftData(s, clock)));
      await tx.audit({ actor: actor.actor, action: 'schedule.generated', entityType: 'schedule', entityId: schedule.id, detail: { weekStart: body.weekStart, queueIds: queues.map((q) => q.id), shrinkage, shifts: shifts.length, ...figures } });
      return schedule;
    });
    this.logger.log({ msg: 'schedule generated', scheduleId: saved.id, shifts: shifts.length, ...figures });
    return scheduleDto(await this.load.execute(saved.id), false);
  }

  private fill<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof PlanningInputError) throw invalid([{ field: e.field, rule: 'planning', message: e.message }]);
      throw e;
    }
  }

  /** HiGHS in a worker thread (PlanningWorkers): one solve at a time, never on the event loop that serves routing. */
  private async solve(clock: WeekClock, templates: ShiftTemplate[], employees: Employee[], demands: readonly StoredDemand[], timeLimitSeconds: number): Promise<ScheduleGenerationResult> {
    const input: GenerateScheduleInput = {
      horizon: clock.horizon,
      templates,
      employees,
      demands: demands.map((d) => ({ activity: activityOf(d.queueId), required: d.required, shrinkage: d.shrinkage })),
      timeLimitSeconds,
    };
    try {
      return (await this.workers.runTask({ kind: 'generate-schedule', input }, generationTimeoutMs(timeLimitSeconds))) as ScheduleGenerationResult;
    } catch (e) {
      if (e instanceof WorkerTimeoutError) {
        throw unprocessable('schedule.timeout', `Schedule generation did not finish within ${e.timeoutMs / 1000} s and was stopped`, [{ field: 'timeLimitSeconds', rule: 'exceeded', message: 'the generation overran its time limit; plan fewer queues or allow fewer seconds to the solver' }]);
      }
      if (e instanceof WorkerPoolBusyError) {
        const retryAfter = Math.max(1, Math.ceil(e.retryAfterMs / 1000));
        throw tooManyRequests('schedule.busy', `The server is busy with other schedule generations (${e.running} running, ${e.queued} waiting); retry after ${retryAfter} s`, retryAfter);
      }
      if (e instanceof PlanningInputError) throw invalid([{ field: e.field, rule: 'planning', message: e.message }]);
      if (e instanceof Error && /found no schedule/.test(e.message)) {
        throw unprocessable('schedule.no_solution_in_time', `HiGHS found no schedule within ${timeLimitSeconds} s`, [{ field: 'timeLimitSeconds', rule: 'tooShort', message: 'no schedule was found within the time limit; allow more seconds' }]);
      }
      throw e;
    }
  }
}

/** A department's minimum on-shift staffing per 15-minute interval of one local day (ISO weekday). */
export function minStaffOfDay(windows: readonly StoredMinStaffWindow[], weekday: number): number[] {
  const out = new Array<number>(INTERVALS_PER_DAY).fill(0);
  for (const w of windows) {
    if (w.weekday !== weekday) continue;
    for (let t = Math.floor(w.fromMinutes / INTERVAL_MINUTES); t < Math.ceil(w.toMinutes / INTERVAL_MINUTES) && t < INTERVALS_PER_DAY; t++) out[t] = Math.max(out[t] as number, w.staff);
  }
  return out;
}

function minStaffOfWeek(windows: readonly StoredMinStaffWindow[]): number[] {
  return Array.from({ length: 7 }, (_, d) => minStaffOfDay(windows, d + 1)).flat();
}

@Injectable()
export class PublishSchedule {
  constructor(
    private readonly planning: PlanningRepository,
    private readonly load: LoadSchedule,
    private readonly clock: PlanningClock,
  ) {}
  async execute(actor: Actor, id: string): Promise<ScheduleDto> {
    await this.planning.transaction(async (tx) => {
      const s = await tx.lockSchedule(id);
      if (!s) throw notFound('schedule', id);
      if (s.status === 'published') throw conflict('schedule.published', 'the schedule is already published');
      await tx.publishSchedule(id, this.clock.now());
      await tx.audit({ actor: actor.actor, action: 'schedule.published', entityType: 'schedule', entityId: id, detail: {} });
    });
    return scheduleDto(await this.load.execute(id), false);
  }
}

/** The longest shift a hand edit may add, breaks included: a shift template's longest (shift-template.dto.ts). */
const MAX_SHIFT_MINUTES = 960;

type EditKind = 'add' | 'move' | 'delete';

/** Hand edits through libs/planning's pure edit functions; the stored shifts, the audit line and the answer's coverage follow. */
@Injectable()
export class EditShift {
  constructor(
    private readonly planning: PlanningRepository,
    private readonly load: LoadSchedule,
  ) {}

  async add(actor: Actor, scheduleId: string, body: AddShiftDto): Promise<ShiftEditResultDto> {
    const state = await this.load.execute(scheduleId);
    const { clock } = state;
    const v: FieldViolation[] = [];
    const at = (field: string, value: string) => {
      const r = clock.interval(new Date(value));
      if (!r.exact) v.push({ field, rule: 'intervalMultiple', message: `${field} must lie on the ${INTERVAL_MINUTES}-minute grid of local time` });
      return r.index;
    };
    const start = at('startsAt', body.startsAt);
    const end = at('endsAt', body.endsAt);
    const breaks = (body.breaks ?? []).map((b, i) => ({ name: b.name, paid: b.paid, startInterval: at(`breaks[${i}].startsAt`, b.startsAt), endInterval: at(`breaks[${i}].endsAt`, b.endsAt) }));
    const week = clock.horizon.intervals;
    if (start < 0 || start >= week) v.push({ field: 'startsAt', rule: 'insideWeek', message: "startsAt must lie inside the schedule's week (Monday 00:00 to Sunday 24:00, local time)" });
    if (end <= start) v.push({ field: 'endsAt', rule: 'afterStart', message: 'endsAt must be after startsAt' });
    else if ((end - start) * INTERVAL_MINUTES > MAX_SHIFT_MINUTES) v.push({ field: 'endsAt', rule: 'maxShiftLength', message: `a shift lasts at most ${MAX_SHIFT_MINUTES / 60} hours, breaks included (as a shift template)` });
    else if (end > week) v.push({ field: 'endsAt', rule: 'insideWeek', message: "endsAt must lie inside the schedule's week (by Sunday 24:00, local time)" });
    breaks.forEach((b, i) => {
      if (b.endInterval <= b.startInterval) v.push({ field: `breaks[${i}].endsAt`, rule: 'afterStart', message: `breaks[${i}].endsAt must be after its startsAt` });
      else if (b.startInterval < start || b.endInterval > end) v.push({ field: `breaks[${i}].startsAt`, rule: 'insideShift', message: `breaks[${i}] must lie inside the shift` });
    });
    if (body.queueId && !state.entity.demands.some((d) => d.queueId === body.queueId)) v.push({ field: 'queueId', rule: 'inSchedule', message: 'the queue is not planned in this schedule' });
    if (body.agentId && !state.employees.some((e) => e.id === body.agentId)) v.push({ field: 'agentId', rule: 'hasContract', message: 'the agent is not an active agent of the department with a contract' });
    if (v.length) throw invalid(v);
    const shift: Shift = { id: 'new', employeeId: body.agentId ?? null, activity: activityOf(body.queueId ?? null), startInterval: start, endInterval: end, breaks };
    const next = this.apply(() => addShift(state.schedule, shift), 'startsAt');
    const created = await this.planning.transaction(async (tx) => {
      if (!(await tx.lockSchedule(scheduleId))) throw notFound('schedule', scheduleId);
      const row = await tx.insertShift(scheduleId, toShiftData(shift, clock));
      await tx.audit({ actor: actor.actor, action: 'schedule.shift_added', entityType: 'schedule', entityId: scheduleId, detail: { shiftId: row.id, agentId: shift.employeeId, queueId: shift.activity, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString() } });
      await tx.touchSchedule(scheduleId);
      return row;
    });
    return this.answer(state, { ...next, shifts: next.shifts.map((s) => (s.id === 'new' ? { ...s, id: created.id } : s)) }, created.id, [shift], 'add');
  }

  async move(actor: Actor, shiftId: string, body: MoveShiftDto): Promise<ShiftEditResultDto> {
    const row = await this.planning.findShift(shiftId);
    if (!row) throw notFound('shift', shiftId);
    const state = await this.load.execute(row.scheduleId);
    const v: FieldViolation[] = [];
    const by = body.moveByMinutes ?? 0;
    if (by % INTERVAL_MINUTES !== 0) v.push({ field: 'moveByMinutes', rule: 'intervalMultiple', message: `moveByMinutes must be a multiple of ${INTERVAL_MINUTES}` });
    if (body.queueId && !state.entity.demands.some((d) => d.queueId === body.queueId)) v.push({ field: 'queueId', rule: 'inSchedule', message: 'the queue is not planned in this schedule' });
    if (body.agentId && !state.employees.some((e) => e.id === body.agentId)) v.push({ field: 'agentId', rule: 'hasContract', message: 'the agent is not an active agent of the department with a contract' });
    if (body.moveByMinutes === undefined && body.agentId === undefined && body.queueId === undefined) v.push({ field: 'moveByMinutes', rule: 'nothingToChange', message: 'give moveByMinutes, agentId or queueId' });
    if (v.length) throw invalid(v);
    const before = state.schedule.shifts.find((s) => s.id === shiftId) as Shift;
    const changes = { ...(body.agentId !== undefined ? { employeeId: body.agentId } : {}), ...(body.queueId ? { activity: body.queueId } : {}) };
    const next = this.apply(() => moveShift(state.schedule, shiftId, by / INTERVAL_MINUTES, changes), 'moveByMinutes');
    const after = next.shifts.find((s) => s.id === shiftId) as Shift;
    await this.planning.transaction(async (tx) => {
      if (!(await tx.lockSchedule(row.scheduleId))) throw notFound('schedule', row.scheduleId);
      const data = toShiftData(after, state.clock);
      await tx.updateShift(shiftId, data);
      await tx.audit({ actor: actor.actor, action: 'schedule.shift_moved', entityType: 'schedule', entityId: row.scheduleId, detail: { shiftId, moveByMinutes: by, agentId: after.employeeId, queueId: after.activity, before: { agentId: row.agentId, queueId: row.queueId, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString() }, startsAt: data.startsAt.toISOString(), endsAt: data.endsAt.toISOString() } });
      await tx.touchSchedule(row.scheduleId);
    });
    return this.answer(state, next, shiftId, [before, after], 'move');
  }

  async delete(actor: Actor, shiftId: string): Promise<ShiftEditResultDto> {
    const row = await this.planning.findShift(shiftId);
    if (!row) throw notFound('shift', shiftId);
    const state = await this.load.execute(row.scheduleId);
    const before = state.schedule.shifts.find((s) => s.id === shiftId) as Shift;
    const next = this.apply(() => deleteShift(state.schedule, shiftId), 'id');
    await this.planning.transaction(async (tx) => {
      if (!(await tx.lockSchedule(row.scheduleId))) throw notFound('schedule', row.scheduleId);
      await tx.deleteShift(shiftId);
      await tx.audit({ actor: actor.actor, action: 'schedule.shift_deleted', entityType: 'schedule', entityId: row.scheduleId, detail: { shiftId, agentId: row.agentId, queueId: row.queueId, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString() } });
      await tx.touchSchedule(row.scheduleId);
    });
    return this.answer(state, next, null, [before], 'delete');
  }

  private apply(fn: () => Schedule, field: string): Schedule {
    try {
      return fn();
    } catch (e) {
      // The edits above check their fields first; what is left is a move that leaves the week.
      if (e instanceof PlanningInputError) throw invalid([{ field, rule: 'insideWeek', message: `${field}: the shift would not lie inside the schedule's week (Monday 00:00 to Sunday 24:00, local time)` }]);
      throw e;
    }
  }

  private answer(state: Awaited<ReturnType<LoadSchedule['execute']>>, next: Schedule, shiftId: string | null, touched: readonly Shift[], _kind: EditKind): ShiftEditResultDto {
    const { clock, entity, employees, demands } = state;
    const days = touched.map((s) => Math.floor(s.startInterval / INTERVALS_PER_DAY));
    const from = Math.max(0, Math.min(...days) * INTERVALS_PER_DAY);
    const to = Math.min(clock.horizon.intervals, (Math.max(...touched.map((s) => Math.floor((s.endInterval - 1) / INTERVALS_PER_DAY))) + 1) * INTERVALS_PER_DAY);
    const coverage = computeCoverage(next, demands);
    const shift = shiftId ? (next.shifts.find((s) => s.id === shiftId) as Shift) : null;
    const agents = new Set(touched.map((s) => s.employeeId).filter((a): a is string => a !== null));
    return {
      shift: shift ? shiftDto(shift, toShiftData(shift, clock), clock.horizon.intervalSeconds) : null,
      scheduleId: entity.id,
      staffHours: round(next.shifts.reduce((s, sh) => s + paidMinutes(sh, clock.horizon.intervalSeconds), 0) / 60, 2),
      coverage: coverageDto(entity.id, clock, coverage, entity.demands, from, to),
      contractViolations: violationsDto(next, employees, agents),
    };
  }
}

export type { ScheduleEntity };
