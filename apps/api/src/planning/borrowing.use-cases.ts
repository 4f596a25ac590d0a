import { Injectable } from '@nestjs/common';
import { addDays, isoWeekday, isValidLocalDate } from '../../../../libs/calendar/src/local-date.js';
import { localDateOf, wallClockAxis } from '../../../../libs/calendar/src/time-zone.js';
import { notFound } from '../../../../libs/core/src/domain-error.js';
import { minOf } from '../../../../libs/core/src/extremes.js';
import { emailDeadlines } from '../../../../libs/staffing/src/index.js';
import {
  agentsNeeded,
  projectedServiceLevel,
  suggestBreakMoves,
  suggestCallbacks,
  suggestEmailDeferrals,
  suggestLoans,
  type BacklogWork,
  type BorrowingCandidate,
  type ErlangWork,
  type LendingDepartment,
  type Shift,
} from '../../../../libs/planning/src/index.js';
import type { QueueEntity } from '../../../../libs/persistence/src/entities/queue.entity.js';
import { BusinessCalendarRepository } from '../../../../libs/persistence/src/repositories/business-calendar.repository.js';
import { LoanRepository } from '../../../../libs/persistence/src/repositories/loan.repository.js';
import { PlanningRepository, type DepartmentShift, type PlanningAgent } from '../../../../libs/persistence/src/repositories/planning.repository.js';
import { QueueRepository } from '../../../../libs/persistence/src/repositories/queue.repository.js';
import { GetQueueForecast } from '../forecasting/forecasting.use-cases.js';
import { PlanningClock } from './planning-context.js';
import { INTERVAL_MINUTES, toTemplate } from './planning-model.js';
import { checkPlanningReach, forecastWithinReach } from './planning-reach.js';
import { demandFromForecast, minStaffOfDay } from './schedules.use-cases.js';
import { emailOpeningHours } from './queue-opening-hours.js';
import type { BorrowingSuggestionsDto } from './suggestion.dto.js';
import { invalid } from './templates-and-contracts.use-cases.js';

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * One local day (or two) of 15-minute intervals on a department's wall clock. Its instants never go
 * back (libs/calendar wallClockAxis), so indexOf's bisection holds on the spring-forward day too:
 * the gap's intervals last no time and 04:15 summer time is the 04:15 interval (with each slot at
 * localToEpoch, the gap's slots started after 04:00 and an instant at 04:15 could be put at 03:15).
 */
class DayAxis {
  readonly instants: number[];
  constructor(
    readonly date: string,
    readonly timeZone: string,
    readonly days = 1,
  ) {
    this.instants = wallClockAxis(date, days, INTERVAL_MINUTES, timeZone);
  }
  get n(): number {
    return this.instants.length - 1;
  }
  /** The interval an instant falls in (boundaries belong to the next interval), clipped to 0…n. */
  indexOf(ms: number): number {
    const a = this.instants;
    if (ms <= a[0]!) return 0;
    if (ms >= a[this.n]!) return this.n;
    let lo = 0;
    let hi = this.n;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (a[mid]! <= ms) lo = mid;
      else hi = mid;
    }
    return lo;
  }
  iso(t: number): string {
    return new Date(this.instants[t]!).toISOString();
  }
  shift(s: Pick<DepartmentShift, 'id' | 'agentId' | 'queueId' | 'templateId' | 'startsAt' | 'endsAt' | 'breaks'>): Shift {
    return {
      id: s.id,
      employeeId: s.agentId,
      activity: s.queueId ?? 'own-work',
      startInterval: this.indexOf(s.startsAt.getTime()),
      endInterval: this.indexOf(s.endsAt.getTime()),
      breaks: s.breaks.map((b) => ({ name: b.name, paid: b.paid, startInterval: this.indexOf(Date.parse(b.startsAt)), endInterval: this.indexOf(Date.parse(b.endsAt)) })),
      ...(s.templateId ? { templateId: s.templateId } : {}),
    };
  }
  /** On shift and not on a break, per interval. */
  working(s: Shift): boolean[] {
    return Array.from({ length: this.n }, (_, t) => t >= s.startInterval && t < s.endInterval && !s.breaks.some((b) => t >= b.startInterval && t < b.endInterval));
  }
}

/** Per agent: working in any of the shifts, per interval. */
function workingByAgent(axis: DayAxis, shifts: readonly DepartmentShift[]): Map<string, boolean[]> {
  const out = new Map<string, boolean[]>();
  for (const s of shifts) {
    if (!s.agentId) continue;
    const on = axis.working(axis.shift(s));
    const prev = out.get(s.agentId);
    out.set(s.agentId, prev ? prev.map((x, t) => x || on[t]!) : on);
  }
  return out;
}

/**
 * Suggestions for a phone queue and a local day: break moves (free, applied first), then email work
 * deferred and callbacks — alternatives the supervisor may prefer, each with the deficit it covers —
 * and loans. By default the loans cover the whole deficit left after the break moves;
 * `applyAlternatives` applies deferrals and callbacks first (cheapest first, fewest loans). Demand: the queue's forecast for the day (GetQueueForecast, which serves the
 * stored intraday re-forecast where there is one). Supply: the shifts of the stored schedules (the
 * borrowing department's shifts on this queue; its email shifts for deferrals; other departments'
 * shifts for the loan candidates) plus active loans into the queue.
 *
 * What a lending department must keep: with queues of its own, their forecast for the day →
 * staffing requirement (Erlang C, chat concurrency, email deadline) summed over its queues, and its
 * phone queues' projected service level with and without the loan; without queues, its minimum
 * on-shift staffing (PUT /v1/departments/{id}/planning-settings). A department without queues and
 * without settings lends nobody.
 */
@Injectable()
export class SuggestBorrowing {
  constructor(
    private readonly planning: PlanningRepository,
    private readonly queues: QueueRepository,
    private readonly loans: LoanRepository,
    private readonly calendars: BusinessCalendarRepository,
    private readonly forecast: GetQueueForecast,
    private readonly clock: PlanningClock,
  ) {}

  async execute(queueId: string, q: { date: string; minBlockMinutes?: number; applyAlternatives?: boolean }): Promise<BorrowingSuggestionsDto> {
    const queue = await this.queues.findById(queueId);
    if (!queue) throw notFound('queue', queueId);
    if (queue.channel !== 'phone') throw invalid([{ field: 'id', rule: 'isPhoneQueue', message: 'borrowing suggestions are for phone queues' }]);
    if (!isValidLocalDate(q.date)) throw invalid([{ field: 'date', rule: 'isDate', message: `${q.date} is not a calendar date` }]);
    const tz = (await this.planning.departmentTimeZone(queue.departmentId)) ?? 'Europe/Helsinki';
    checkPlanningReach('date', this.clock.now(), tz, { from: q.date, to: q.date });
    const day = new DayAxis(q.date, tz);
    const n = day.n;
    const L = INTERVAL_MINUTES * 60;
    const dayStart = new Date(day.instants[0]!);
    const dayEnd = new Date(day.instants[n]!);
    const minBlockMinutes = q.minBlockMinutes ?? 60;

    const fc = await forecastWithinReach('date', queue.key, () => this.forecast.execute(queue.id, { from: q.date, to: q.date, intervalMinutes: INTERVAL_MINUTES }));
    const volumes = new Array<number>(n).fill(0);
    let ahtSum = 0;
    let w = 0;
    let method = fc.method;
    for (const p of fc.points) {
      const ms = Date.parse(p.start);
      if (ms < day.instants[0]! || ms >= day.instants[n]!) continue;
      volumes[day.indexOf(ms)] = Math.max(0, p.volume);
      if (p.method === 'intraday re-forecast') method = p.method;
      if (p.aht !== null && p.aht > 0) {
        ahtSum += p.aht * Math.max(p.volume, 1e-6);
        w += Math.max(p.volume, 1e-6);
      }
    }
    const aht = w > 0 ? ahtSum / w : 300;
    const target = { serviceLevel: queue.targetPercent / 100, thresholdSeconds: queue.targetSeconds };

    const shifts = await this.planning.shiftsBetween(dayStart, dayEnd);
    const own = shifts.filter((s) => s.departmentId === queue.departmentId && s.queueId === queue.id && s.agentId !== null).map((s) => day.shift(s));
    const scheduled = new Array<number>(n).fill(0);
    for (const s of own) day.working(s).forEach((on, t) => (scheduled[t] = scheduled[t]! + (on ? 1 : 0)));
    const active = await this.loans.list({ status: 'active', from: dayStart, to: dayEnd }, 5000);
    const existingLoans = active.map((l) => ({ employeeId: l.agentId, departmentId: l.fromDepartmentId, fromInterval: day.indexOf(l.startsAt.getTime()), toInterval: day.indexOf(l.endsAt.getTime()) }));
    for (const l of active) {
      if (l.toDepartmentId !== queue.departmentId || (l.queueId !== null && l.queueId !== queue.id)) continue;
      for (let t = day.indexOf(l.startsAt.getTime()); t < day.indexOf(l.endsAt.getTime()); t++) scheduled[t] = scheduled[t]! + 1;
    }
    // A queue without a language is served in any (as routing serves it): no language skill is asked of a loan.
    const language = queue.language;
    const langSkill = language === null ? null : `lang:${language}`;
    const requiredSkills = [{ skill: 'training:phone-service', minProficiency: 1 }, ...queue.requiredSkills.filter((s) => s.skillKey !== langSkill).map((s) => ({ skill: s.skillKey, minProficiency: s.minProficiency }))];
    const langMin = queue.requiredSkills.find((s) => s.skillKey === langSkill)?.minProficiency ?? 3;
    const options = { minBlockMinutes, requiredSkills, languageMinProficiency: langMin };

    // 1. Break moves.
    const needed = volumes.map((v) => agentsNeeded(v, L, aht, target.serviceLevel, target));
    const templates = (await this.planning.listTemplates(queue.departmentId)).map(toTemplate);
    const moves = suggestBreakMoves(own, templates, L, needed, scheduled);
    // 2. Email work deferred (the department's email-shift agents answer the phones while every email still meets its deadline).
    const deferral = await this.emailDeferrals(queue, day, shifts, volumes, aht, target, moves.capacity, options);
    // By default the alternatives a supervisor may prefer (deferred email, callbacks) are listed but the loans
    // still cover the whole deficit left after the (free) break moves; applyAlternatives applies them first.
    const apply = q.applyAlternatives === true;
    const withDeferrals = moves.capacity.map((c, t) => c + deferral.extra[t]!);
    // 3. Callbacks.
    const cb = suggestCallbacks({ volumes, intervalSeconds: L, ahtSeconds: aht, target, capacity: apply ? withDeferrals : moves.capacity });
    const capacity = apply ? withDeferrals : moves.capacity;
    const load = apply ? cb.volumes : volumes;
    // 4. Loans from other departments.
    const others = shifts.filter((s) => s.departmentId !== queue.departmentId && s.agentId !== null);
    const agents = new Map((await this.planning.planningAgents({ agentIds: [...new Set(others.map((s) => s.agentId as string))] })).map((a) => [a.id, a]));
    const byAgent = workingByAgent(day, others);
    const staffByDept = new Map<string, number[]>();
    for (const [id, on] of byAgent) {
      const dept = agents.get(id)?.departmentId;
      if (!dept) continue;
      const staff = staffByDept.get(dept) ?? new Array<number>(n).fill(0);
      on.forEach((x, t) => (staff[t] = staff[t]! + (x ? 1 : 0)));
      staffByDept.set(dept, staff);
    }
    const lenders = new Map<string, { department: LendingDepartment; basis: 'forecast' | 'minimum staffing' }>();
    for (const [id, staff] of staffByDept) {
      const lender = await this.lender(id, staff, day, q.date);
      if (lender) lenders.set(id, lender);
    }
    const candidates: BorrowingCandidate[] = [...byAgent]
      .filter(([id]) => { const a = agents.get(id); return a !== undefined && a.active && a.capacity.phone > 0 && lenders.has(a.departmentId); })
      .map(([id, on]) => ({ id, departmentId: agents.get(id)!.departmentId, skills: agents.get(id)!.skills, working: on }));
    const r = suggestLoans({
      start: dayStart,
      intervalSeconds: L,
      queue: { id: queue.id, departmentId: queue.departmentId, language, volumes: load, ahtSeconds: aht, target, available: capacity },
      candidates,
      departments: [...lenders.values()].map((l) => l.department),
      options: { ...options, existingLoans },
    });
    return {
      queueId: queue.id,
      date: q.date,
      forecastMethod: method,
      targetServiceLevel: target.serviceLevel,
      alternativesApplied: apply,
      breakMoves: moves.moves.map((m) => {
        const shift = own.find((s) => s.id === m.shiftId);
        return { shiftId: m.shiftId, agentId: m.employeeId, breakName: shift?.breaks[m.breakIndex]?.name ?? '', from: day.iso(m.fromInterval), to: day.iso(m.toInterval), coveredDeficit: m.coveredDeficit };
      }),
      emailDeferrals: deferral.suggestions.map((s) => ({
        agentId: s.employeeId,
        shiftId: deferral.shiftOf.get(s.employeeId) ?? null,
        startsAt: day.iso(s.fromInterval),
        endsAt: day.iso(s.toInterval),
        hours: s.hours,
        coveredDeficit: s.coveredDeficit,
        serviceLevelWithout: round(s.serviceLevelWithout),
        serviceLevelWith: round(s.serviceLevelWith),
        emailBacklogAtEndWithout: round(s.lender.backlogAtEndWithout ?? 0, 2),
        emailBacklogAtEndWith: round(s.lender.backlogAtEndWith ?? 0, 2),
        emailDeadlineMissesWith: round(s.lender.deadlineMissesWith ?? 0, 2),
      })),
      callbacks: cb.offers.map((o) => ({ start: day.iso(o.fromInterval), calls: o.calls, calledBackIn: o.placed.map((p) => day.iso(p.interval)), coveredDeficit: o.coveredDeficit })),
      loans: r.suggestions.map((s) => {
        const startsAt = day.iso(s.fromInterval);
        const endsAt = day.iso(s.toInterval);
        const l = s.lender;
        return {
          agentId: s.employeeId,
          fromDepartmentId: s.departmentId,
          startsAt,
          endsAt,
          hours: s.hours,
          coveredDeficit: s.coveredDeficit,
          serviceLevelWithout: round(s.serviceLevelWithout),
          serviceLevelWith: round(s.serviceLevelWith),
          lender: {
            departmentId: s.departmentId,
            hours: l.hours,
            basis: lenders.get(s.departmentId)!.basis,
            staffOnShiftMin: l.staffOnShiftMin,
            staffLeftMin: l.staffLeftMin,
            requiredStaffMax: l.minStaffMax,
            ownServiceLevelWithout: l.ownServiceLevelWithout === undefined ? null : round(l.ownServiceLevelWithout),
            ownServiceLevelWith: l.ownServiceLevelWith === undefined ? null : round(l.ownServiceLevelWith),
          },
          accept: { agentId: s.employeeId, fromDepartmentId: s.departmentId, queueId: queue.id, startsAt, endsAt },
        };
      }),
      remainingDeficit: r.remainingDeficit,
      intervalsStillShort: r.intervalsStillShort.map((t) => day.iso(t)),
      intervals: r.perInterval.map((p) => ({
        start: day.iso(p.interval),
        volume: round(load[p.interval]!, 3),
        needed: p.needed,
        scheduled: scheduled[p.interval]!,
        withSuggestions: p.withLoans,
        serviceLevelWithout: round(projectedServiceLevel(volumes[p.interval]!, L, aht, scheduled[p.interval]!, target)),
        serviceLevelWith: round(p.serviceLevelWith),
      })),
    };
  }

  /**
   * What a lending department keeps on the day. With queues: Σ of its queues' requirements from
   * their forecast, and its phone queues (pooled) as Erlang work for the projected service level.
   * Without queues: its minimum on-shift staffing; null (lends nobody) without settings.
   */
  private async lender(departmentId: string, staff: number[], day: DayAxis, date: string): Promise<{ department: LendingDepartment; basis: 'forecast' | 'minimum staffing' } | null> {
    const n = day.n;
    const queues = await this.queues.list({ departmentId });
    if (!queues.length) {
      const settings = await this.planning.findSettings(departmentId);
      if (!settings) return null;
      return { department: { id: departmentId, staff, minStaff: minStaffOfDay(settings.minStaffOnShift, isoWeekday(date)) }, basis: 'minimum staffing' };
    }
    const minStaff = new Array<number>(n).fill(0);
    const phoneVolumes = new Array<number>(n).fill(0);
    let phoneWork = 0;
    let phoneTarget: ErlangWork['target'] | undefined;
    for (const queue of queues) {
      // email within its opening hours, with what arrived since the desk last closed (as in a week's plan)
      const hours = queue.channel === 'email' ? await this.emailHours(queue, date, 1) : undefined;
      const from = hours?.carryFrom ? localDateOf(hours.carryFrom.getTime(), day.timeZone) : date;
      const fc = await forecastWithinReach('date', queue.key, () => this.forecast.execute(queue.id, { from, to: date, intervalMinutes: INTERVAL_MINUTES }));
      const d = demandFromForecast(queue, fc.points, n, (at) => (at.getTime() < day.instants[0]! || at.getTime() >= day.instants[n]! ? -1 : day.indexOf(at.getTime())), hours && { ...hours, start: new Date(day.instants[0]!) });
      d.required.forEach((x, t) => (minStaff[t] = minStaff[t]! + x));
      if (queue.channel === 'phone') {
        d.volumes.forEach((v, t) => {
          phoneVolumes[t] = phoneVolumes[t]! + v;
          phoneWork += v * d.aht[t]!;
        });
        phoneTarget ??= { serviceLevel: queue.targetPercent / 100, thresholdSeconds: queue.targetSeconds };
      }
    }
    const calls = phoneVolumes.reduce((x, y) => x + y, 0);
    const work: ErlangWork | undefined = phoneTarget && calls > 0 ? { kind: 'queue', volumes: phoneVolumes, ahtSeconds: phoneWork / calls, target: phoneTarget } : undefined;
    return { department: { id: departmentId, staff, minStaff, ...(work ? { work } : {}) }, basis: 'forecast' };
  }

  /** An email queue's open intervals on `days` days from `date`, and since when arrivals wait for the first (queue-opening-hours.ts). */
  private async emailHours(queue: QueueEntity, date: string, days: number) {
    const calendar = await this.calendars.findById(queue.calendarId);
    // a queue's calendar cannot be deleted while the queue uses it (calendar.in_use)
    if (!calendar) throw new Error(`calendar ${queue.calendarId} of queue ${queue.key} not found`);
    return emailOpeningHours(calendar, date, days);
  }

  /**
   * Email work deferred for the phones (libs/planning suggestEmailDeferrals): the department's
   * agents on email shifts today (phone-capable, with the queue's skills) are the candidates; the
   * email desk's backlog is today's and tomorrow's forecast of its email queues with deadlines from
   * the queues' targets (business or elapsed time) and the email calendar's opening hours, worked by the agents
   * on email shifts (today's and tomorrow's schedules). Holidays and closures of the calendar are closed.
   */
  private async emailDeferrals(
    queue: QueueEntity,
    day: DayAxis,
    dayShifts: readonly DepartmentShift[],
    volumes: readonly number[],
    aht: number,
    target: { serviceLevel: number; thresholdSeconds: number },
    available: readonly number[],
    options: { minBlockMinutes: number; requiredSkills: { skill: string; minProficiency: number }[]; languageMinProficiency: number },
  ) {
    const n = day.n;
    const none = { suggestions: [] as ReturnType<typeof suggestEmailDeferrals>['suggestions'], extra: new Array<number>(n).fill(0), shiftOf: new Map<string, string>() };
    const emailQueues = (await this.queues.list({ departmentId: queue.departmentId })).filter((x) => x.channel === 'email');
    if (!emailQueues.length) return none;
    const emailIds = new Set(emailQueues.map((x) => x.id));
    const today = dayShifts.filter((s) => s.departmentId === queue.departmentId && s.queueId !== null && emailIds.has(s.queueId) && s.agentId);
    if (!today.length) return none;
    const two = new DayAxis(day.date, day.timeZone, 2);
    const both = (await this.planning.shiftsBetween(new Date(two.instants[0]!), new Date(two.instants[two.n]!))).filter((s) => s.departmentId === queue.departmentId && s.queueId !== null && emailIds.has(s.queueId) && s.agentId);
    const deskStaff = new Array<number>(two.n).fill(0);
    for (const on of workingByAgent(two, both).values()) on.forEach((x, t) => (deskStaff[t] = deskStaff[t]! + (x ? 1 : 0)));

    const arrivals = new Array<number>(two.n).fill(0);
    let itemSeconds = 0;
    let items = 0;
    for (const eq of emailQueues) {
      const fc = await forecastWithinReach('date', eq.key, () => this.forecast.execute(eq.id, { from: day.date, to: addDays(day.date, 1), intervalMinutes: INTERVAL_MINUTES }));
      for (const p of fc.points) {
        const ms = Date.parse(p.start);
        if (ms < two.instants[0]! || ms >= two.instants[two.n]!) continue;
        const v = Math.max(0, p.volume);
        arrivals[two.indexOf(ms)] = arrivals[two.indexOf(ms)]! + v;
        itemSeconds += v * (p.aht ?? 420);
        items += v;
      }
    }
    // Deadline per arrival interval, the strictest of the desk's queues, counted as libs/staffing counts an email
    // queue's (business or elapsed time; emailDeadlines).
    const { open } = await this.emailHours(emailQueues[0]!, day.date, 2);
    const intervalsOf = (seconds: number) => Math.max(1, Math.round(seconds / (INTERVAL_MINUTES * 60)));
    const deadlineIntervals = intervalsOf(minOf(emailQueues.map((x) => x.targetSeconds)));
    const beyond = two.n + deadlineIntervals; // beyond tomorrow: never due inside the horizon
    const perQueue = emailQueues.map((x) =>
      Array.from(emailDeadlines(two.n, (t) => open[t] === true, (t) => arrivals[t]! > 0, intervalsOf(x.targetSeconds), x.targetBasis), (u) => (Number.isFinite(u) ? u : beyond)),
    );
    const dueIntervals = Array.from({ length: two.n }, (_, t) => minOf(perQueue.map((due) => due[t]!)));
    const work: BacklogWork = { kind: 'backlog', arrivals, ahtSeconds: items > 0 ? itemSeconds / items : 420, deadlineIntervals, dueIntervals };

    const people = workingByAgent(day, today);
    const agents = new Map((await this.planning.planningAgents({ agentIds: [...people.keys()] })).map((a) => [a.id, a] as [string, PlanningAgent]));
    const shiftOf = new Map(today.map((s) => [s.agentId as string, s.id]));
    const emailAgents = [...people].filter(([id]) => agents.get(id)?.active && (agents.get(id)?.capacity.phone ?? 0) > 0).map(([id, on]) => ({ id, skills: agents.get(id)!.skills, working: on }));
    const r = suggestEmailDeferrals({
      start: new Date(day.instants[0]!),
      intervalSeconds: INTERVAL_MINUTES * 60,
      queue: { id: queue.id, departmentId: queue.departmentId, language: queue.language, volumes, ahtSeconds: aht, target, available },
      emailAgents,
      desk: { staff: deskStaff, work },
      options,
    });
    const extra = new Array<number>(n).fill(0);
    for (const s of r.suggestions) for (let t = s.fromInterval; t < s.toInterval; t++) extra[t] = extra[t]! + 1;
    return { suggestions: r.suggestions, extra, shiftOf };
  }
}
