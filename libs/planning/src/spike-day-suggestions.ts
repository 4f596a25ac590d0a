/**
 * Suggestions for a day whose phone forecast misses the target, cheapest first, with the projected
 * effect of each, and a verification loop in the simulator.
 *
 * Kinds, in the order they are used (each works on the deficit the earlier ones left):
 * 1. `move-break` — a planned break moved inside its template's window out of deficit intervals into
 *    intervals with at least one agent to spare. Costs nothing.
 * 2. `defer-email` — an email-shift employee answers a phone line for a block ≥ 1 h; email work waits,
 *    as long as the email backlog still meets every deadline (8 office hours, fluid earliest-deadline-first
 *    check over today's and tomorrow's office hours: email deferred today is answered tomorrow morning).
 *    No extra people. Chosen with the borrowing greedy (fewest people, least-loaded), the email desk as lender.
 * 3. `callback` — in a deficit interval up to `maxCallbackShare` of the callers are offered a callback,
 *    made within two hours in later intervals of the same day with an agent to spare there (the
 *    callback load is counted like inbound calls there). The caller waits for a call instead of on the line.
 * 4. `loan` — {@link suggestLoans}: trained speakers of other departments, fewest people, blocks ≥ 1 h,
 *    lenders keep their own backlog deadlines.
 *
 * Projection: agents needed per queue and interval = Erlang C at 90 %/30 s + `extraNeeded` (the
 * margin). {@link suggestVerifiedDay} finds that margin by simulation: it simulates the day with the
 * suggestions on the build seeds; for each interval below 90 % on some seed it adds one agent to the
 * need of the queue with the most late calls there (among queues whose need can still be met), and
 * suggests again, until every interval passes on every build seed, nothing changes, or `maxRounds`.
 */
import { agentsNeeded, type BacklogWork, type LoanSuggestion, suggestLoans } from './borrowing.js';
import { suggestEmailDeferrals } from './day-alternatives.js';
import { CUSTOMER_SERVICE_TEMPLATES, type DayActions, DEFAULT_MARGIN_SIGMAS, lateCallsInFailingIntervals, OPEN_FROM_INTERVAL, OPEN_INTERVALS, PHONE_QUEUES, queueToRaise, SPIKE_DAY_AHT_SECONDS, type SpikeDay } from './spike-day-scenario.js';

const TARGET = { serviceLevel: 0.9, thresholdSeconds: 30 };
const L = 900;

export interface DaySuggestion {
  kind: 'move-break' | 'defer-email' | 'callback' | 'loan';
  queueId: string;
  /** Open-interval indices (0 = 08:00), end exclusive. */
  fromInterval: number;
  toInterval: number;
  employeeId?: string;
  departmentId?: string;
  /** Agent-hours moved onto the phones (loans, email switches), or callback calls. */
  hours?: number;
  calls?: number;
  /** Deficit agent-intervals this suggestion covers in the projection. */
  coveredDeficit: number;
  detail: string;
}

export interface DayPlan {
  actions: DayActions;
  suggestions: DaySuggestion[];
  loans: LoanSuggestion[];
  /** Projected need and capacity per queue and open interval after all suggestions. */
  needed: Record<string, number[]>;
  capacity: Record<string, number[]>;
  /** Need left uncovered (agent-intervals) per queue. */
  remainingDeficit: Record<string, number[]>;
  summary: { people: number; loanHours: number; emailSwitchHours: number; breakMoves: number; callbackCalls: number; byKind: Record<DaySuggestion['kind'], { count: number; coveredDeficit: number }> };
}

export interface DayPlanOptions {
  extraNeeded?: Record<string, readonly number[]>;
  /** Share of a deficit interval's callers that may be offered a callback (default 0.15). */
  maxCallbackShare?: number;
  /** Latest callback after the call, intervals (default 8 = two hours). */
  callbackWithinIntervals?: number;
}

const zeros = (n: number) => new Array<number>(n).fill(0);

export function suggestDay(spike: SpikeDay, volumesIn: Record<string, readonly number[]>, options: DayPlanOptions = {}): DayPlan {
  const n = OPEN_INTERVALS;
  const inbound: Record<string, number[]> = Object.fromEntries(PHONE_QUEUES.map((q) => [q, [...(volumesIn[q] as number[])]]));
  const callbackLoad: Record<string, number[]> = Object.fromEntries(PHONE_QUEUES.map((q) => [q, zeros(n)]));
  const cap: Record<string, number[]> = Object.fromEntries(PHONE_QUEUES.map((q) => [q, [...(spike.available[q] as number[])]]));
  const extra = (q: string, t: number) => options.extraNeeded?.[q]?.[t] ?? 0;
  const needAt = (q: string, t: number, v: number) => (v > 0 ? agentsNeeded(v, L, SPIKE_DAY_AHT_SECONDS, TARGET.serviceLevel, TARGET) + extra(q, t) : 0);
  const need = (q: string, t: number) => needAt(q, t, ((inbound[q] as number[])[t] as number) + ((callbackLoad[q] as number[])[t] as number));
  const deficit = (q: string, t: number) => Math.max(0, need(q, t) - ((cap[q] as number[])[t] as number));
  const suggestions: DaySuggestion[] = [];
  const actions: { breakMoves: NonNullable<DayActions['breakMoves']>[number][]; emailSwitches: NonNullable<DayActions['emailSwitches']>[number][]; callbacks: NonNullable<DayActions['callbacks']>[number][]; loans: LoanSuggestion[] } = { breakMoves: [], emailSwitches: [], callbacks: [], loans: [] };
  const hhmm = (t: number) => `${String(8 + Math.floor(t / 4)).padStart(2, '0')}:${String((t % 4) * 15).padStart(2, '0')}`;

  // 1. Move breaks.
  const templates = new Map(CUSTOMER_SERVICE_TEMPLATES.map((t) => [t.id, t]));
  const placed = new Map<string, number[]>(); // shift id → break starts (horizon index)
  for (let guard = 0; guard < 1000; guard++) {
    let best: { shiftId: string; breakIndex: number; q: string; from: number; to: number; len: number; gain: number } | undefined;
    for (const s of spike.plan.schedule.shifts) {
      if (s.activity === 'email' || !s.templateId) continue;
      const rules = templates.get(s.templateId)?.breaks ?? [];
      const q = s.activity;
      s.breaks.forEach((b, i) => {
        const rule = rules.find((r) => r.name === b.name);
        if (!rule) return;
        const len = b.endInterval - b.startInterval;
        const cur = (placed.get(s.id) ?? s.breaks.map((x) => x.startInterval))[i] as number;
        const curOpen = cur - OPEN_FROM_INTERVAL;
        let gainNow = 0;
        for (let t = curOpen; t < curOpen + len; t++) if (t >= 0 && t < n && deficit(q, t) > 0) gainNow++;
        if (!gainNow) return;
        const lo = s.startInterval + (rule.earliestAfterStartMinutes * 60) / L;
        const hi = s.startInterval + (rule.latestAfterStartMinutes * 60) / L;
        for (let st = lo; st <= hi; st++) {
          if (st === cur || st + len > s.endInterval) continue;
          const so = st - OPEN_FROM_INTERVAL;
          let ok = true;
          let gain = 0;
          for (let t = curOpen; t < curOpen + len; t++) if (!(t >= so && t < so + len) && deficit(q, t) > 0) gain++;
          for (let t = so; t < so + len && ok; t++) if (!(t >= curOpen && t < curOpen + len) && ((cap[q] as number[])[t] as number) - 1 < need(q, t)) ok = false;
          if (ok && gain > 0 && (!best || gain > best.gain)) best = { shiftId: s.id, breakIndex: i, q, from: curOpen, to: so, len, gain };
        }
      });
    }
    if (!best) break;
    const chosen: { shiftId: string } = best;
    const c = cap[best.q] as number[];
    for (let t = best.from; t < best.from + best.len; t++) c[t] = (c[t] as number) + 1;
    for (let t = best.to; t < best.to + best.len; t++) c[t] = (c[t] as number) - 1;
    const shift = spike.plan.schedule.shifts.find((s) => s.id === chosen.shiftId);
    const starts = placed.get(best.shiftId) ?? (shift?.breaks.map((x) => x.startInterval) ?? []);
    starts[best.breakIndex] = best.to + OPEN_FROM_INTERVAL;
    placed.set(best.shiftId, starts);
    suggestions.push({ kind: 'move-break', queueId: best.q, employeeId: shift?.employeeId ?? undefined, fromInterval: best.from, toInterval: best.from + best.len, coveredDeficit: best.gain, detail: `break ${hhmm(best.from)} → ${hhmm(best.to)}` } as DaySuggestion);
  }
  for (const [shiftId, starts] of placed) {
    const shift = spike.plan.schedule.shifts.find((s) => s.id === shiftId);
    starts.forEach((st, i) => {
      if (shift && shift.breaks[i]?.startInterval !== st) actions.breakMoves.push({ shiftId, breakIndex: i, startInterval: st });
    });
  }

  // 2. Defer email: email-shift employees on the phones, the email desk as the lender.
  const emailTaken: { employeeId: string; departmentId: string; fromInterval: number; toInterval: number }[] = [];
  for (const q of ['phone-en', 'phone-sv', 'phone-fi']) {
    const r = suggestEmailDeferrals({
      start: new Date(spike.horizon.start.getTime() + OPEN_FROM_INTERVAL * L * 1000),
      intervalSeconds: L,
      queue: { id: q, departmentId: 'customer-service', language: q.slice(6), volumes: (inbound[q] as number[]).map((v, t) => v + ((callbackLoad[q] as number[])[t] as number)), ahtSeconds: SPIKE_DAY_AHT_SECONDS, target: TARGET, available: cap[q] as number[] },
      emailAgents: spike.emailCandidates,
      desk: { staff: spike.email.staff, work: spike.email.work as BacklogWork },
      options: { existingLoans: emailTaken, ...(options.extraNeeded?.[q] ? { extraNeeded: options.extraNeeded[q] } : {}) },
    });
    for (const s of r.suggestions) {
      emailTaken.push(s);
      const c = cap[q] as number[];
      for (let t = s.fromInterval; t < s.toInterval; t++) c[t] = (c[t] as number) + 1;
      const shift = spike.plan.schedule.shifts.find((x) => x.employeeId === s.employeeId && x.activity === 'email');
      actions.emailSwitches.push({ employeeId: s.employeeId, shiftId: shift?.id ?? '', queueId: q, fromInterval: s.fromInterval, toInterval: s.toInterval });
      suggestions.push({ kind: 'defer-email', queueId: q, employeeId: s.employeeId, departmentId: 'customer-service', fromInterval: s.fromInterval, toInterval: s.toInterval, hours: s.hours, coveredDeficit: s.coveredDeficit, detail: `email left after tomorrow's office hours (all within deadline) ${s.lender.backlogAtEndWithout?.toFixed(1)} → ${s.lender.backlogAtEndWith?.toFixed(1)} items, deadline misses ${s.lender.deadlineMissesWith ?? 0}` });
    }
  }

  // 3. Callbacks.
  const share = options.maxCallbackShare ?? 0.15;
  const within = options.callbackWithinIntervals ?? 8;
  for (const q of PHONE_QUEUES) {
    const v = inbound[q] as number[];
    const cb = callbackLoad[q] as number[];
    const c = cap[q] as number[];
    for (let t = 0; t < n; t++) {
      if (deficit(q, t) <= 0) continue;
      const original = v[t] as number;
      const maxCalls = Math.floor(original * share);
      // Smallest whole number of calls that brings the need down as far as the share allows.
      const floor = needAt(q, t, original - maxCalls + (cb[t] as number));
      const targetNeed = Math.max(floor, c[t] as number);
      let calls = 0;
      while (calls < maxCalls && needAt(q, t, original - calls + (cb[t] as number)) > targetNeed) calls++;
      if (calls === 0) continue;
      // Place them in the next two hours where an agent is to spare.
      let left = calls;
      const placedCalls: { u: number; k: number }[] = [];
      for (let u = t + 1; u < Math.min(n, t + 1 + within) && left > 0; u++) {
        let k = 0;
        while (k < left && needAt(q, u, (v[u] as number) + (cb[u] as number) + k + 1) <= (c[u] as number)) k++;
        if (k > 0) {
          placedCalls.push({ u, k });
          cb[u] = (cb[u] as number) + k;
          left -= k;
        }
      }
      const taken = calls - left;
      if (taken <= 0) continue;
      const before = deficit(q, t);
      v[t] = original - taken;
      const covered = before - deficit(q, t);
      if (covered <= 0) {
        // Not enough could be placed to lower the need: undo.
        v[t] = original;
        for (const p of placedCalls) cb[p.u] = (cb[p.u] as number) - p.k;
        continue;
      }
      for (const p of placedCalls) actions.callbacks.push({ queueId: q, fromInterval: t, toInterval: p.u, calls: p.k });
      suggestions.push({ kind: 'callback', queueId: q, fromInterval: t, toInterval: t + 1, calls: taken, coveredDeficit: covered, detail: `${taken} of ${original.toFixed(1)} callers (${((taken / original) * 100).toFixed(0)} %) called back ${placedCalls.map((p) => `${p.k} at ${hhmm(p.u)}`).join(', ')}` });
    }
  }

  // 4. Loans.
  for (const q of ['phone-en', 'phone-sv', 'phone-fi']) {
    const r = suggestLoans({
      start: new Date(spike.horizon.start.getTime() + OPEN_FROM_INTERVAL * L * 1000),
      intervalSeconds: L,
      queue: { id: q, departmentId: 'customer-service', language: q.slice(6), volumes: (inbound[q] as number[]).map((v, t) => v + ((callbackLoad[q] as number[])[t] as number)), ahtSeconds: SPIKE_DAY_AHT_SECONDS, target: TARGET, available: cap[q] as number[] },
      candidates: spike.candidates,
      departments: spike.departments,
      options: { existingLoans: actions.loans, ...(options.extraNeeded?.[q] ? { extraNeeded: options.extraNeeded[q] } : {}) },
    });
    for (const s of r.suggestions) {
      actions.loans.push(s);
      const c = cap[q] as number[];
      for (let t = s.fromInterval; t < s.toInterval; t++) c[t] = (c[t] as number) + 1;
      suggestions.push({ kind: 'loan', queueId: q, employeeId: s.employeeId, departmentId: s.departmentId, fromInterval: s.fromInterval, toInterval: s.toInterval, hours: s.hours, coveredDeficit: s.coveredDeficit, detail: `lender backlog at end ${s.lender.backlogAtEndWithout?.toFixed(1)} → ${s.lender.backlogAtEndWith?.toFixed(1)}, deadline misses ${s.lender.deadlineMissesWith ?? 0}` });
    }
  }

  const needed = Object.fromEntries(PHONE_QUEUES.map((q) => [q, Array.from({ length: n }, (_, t) => need(q, t))]));
  const remainingDeficit = Object.fromEntries(PHONE_QUEUES.map((q) => [q, Array.from({ length: n }, (_, t) => deficit(q, t))]));
  const byKind = Object.fromEntries((['move-break', 'defer-email', 'callback', 'loan'] as const).map((k) => [k, { count: suggestions.filter((s) => s.kind === k).length, coveredDeficit: suggestions.filter((s) => s.kind === k).reduce((x, s) => x + s.coveredDeficit, 0) }])) as DayPlan['summary']['byKind'];
  return {
    actions: { breakMoves: actions.breakMoves, emailSwitches: actions.emailSwitches, callbacks: actions.callbacks, loans: actions.loans },
    suggestions,
    loans: actions.loans,
    needed,
    capacity: cap,
    remainingDeficit,
    summary: {
      people: new Set(actions.loans.map((l) => l.employeeId)).size,
      loanHours: actions.loans.reduce((x, l) => x + l.hours, 0),
      emailSwitchHours: actions.emailSwitches.reduce((x, w) => x + ((w.toInterval - w.fromInterval) * L) / 3600, 0),
      breakMoves: actions.breakMoves.length,
      callbackCalls: actions.callbacks.reduce((x, c) => x + c.calls, 0),
      byKind,
    },
  };
}

export interface VerifiedDayPlan extends DayPlan {
  buildSeeds: number[];
  rounds: number;
  extraNeeded: Record<string, number[]>;
  /** Intervals still below the verification level (90 % + margin) on some build seed after the last round. */
  failingOnBuildSeeds: number[];
  /** Milliseconds: the first suggestion pass (no margin) and the whole loop with its simulations. */
  suggestMs: number;
  totalMs: number;
}

export function suggestVerifiedDay(spike: SpikeDay, volumes: Record<string, readonly number[]>, options: DayPlanOptions & { buildSeeds?: readonly number[]; maxRounds?: number; marginSigmas?: number } = {}): VerifiedDayPlan {
  const t0 = performance.now();
  const buildSeeds = [...(options.buildSeeds ?? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])];
  const extraNeeded: Record<string, number[]> = Object.fromEntries(PHONE_QUEUES.map((q) => [q, zeros(OPEN_INTERVALS)]));
  let plan = suggestDay(spike, volumes, { ...options, extraNeeded });
  const suggestMs = performance.now() - t0;
  let rounds = 0;
  let failing: number[] = [];
  let previous = '';
  for (;;) {
    // Raise only queues whose need is still met there (raising an uncovered need changes nothing).
    const current = plan;
    const raise = queueToRaise(lateCallsInFailingIntervals(spike, volumes as Record<string, number[]>, plan.actions, buildSeeds, options.marginSigmas ?? DEFAULT_MARGIN_SIGMAS), buildSeeds.length, (q, t) => ((current.remainingDeficit[q] as number[])[t] as number) === 0);
    failing = raise.map((r) => r.interval);
    const key = JSON.stringify(plan.actions);
    if (!raise.length || rounds >= (options.maxRounds ?? 15) || key === previous) break;
    previous = key;
    for (const r of raise) if (r.queueId) (extraNeeded[r.queueId] as number[])[r.interval] = ((extraNeeded[r.queueId] as number[])[r.interval] as number) + r.by;
    plan = suggestDay(spike, volumes, { ...options, extraNeeded });
    rounds++;
  }
  return { ...plan, buildSeeds, rounds, extraNeeded, failingOnBuildSeeds: failing, suggestMs, totalMs: performance.now() - t0 };
}

