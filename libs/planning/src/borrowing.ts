/**
 * Borrowing suggestions: when a phone queue's forecast misses its target in some intervals, which
 * employees of other departments should help, when, and at what cost to their departments.
 *
 * Projection. For every interval the queue needs n*(t) = the smallest number of agents whose
 * Erlang C (Erlang A with a patience) service level reaches `planningServiceLevel` (default the
 * target itself; a few points more absorb the randomness of a real day). Its deficit is
 * max(0, n*(t) − available(t)).
 *
 * Candidates: employees of other departments with the queue's language (≥ `languageMinProficiency`;
 * a queue without a language, `null`, is served in any language, as routing serves it)
 * and every `requiredSkills` entry (default 'training:phone-service' ≥ 1), in intervals where they
 * are on shift and not on a break.
 *
 * Lender check. A lending department's own work is either a queue with a target (it can spare an
 * agent in an interval while its on-shift staff minus those already lent still meets its own
 * Erlang requirement) or a backlog with a deadline (it can spare a loan when the backlog, worked
 * earliest-deadline-first by the remaining staff, still meets every deadline — checked by
 * re-running the backlog with the loan in place).
 *
 * Choice (greedy set cover). Deficit intervals are grouped into clusters (gaps shorter than the
 * minimum block are bridged). Each candidate offers, per cluster, the block of its free intervals
 * around the cluster, widened to at least `minBlockMinutes`. Repeatedly the best offer is accepted:
 * first an employee already lent (fewest people), then the most deficit agent-intervals covered,
 * then the least-loaded lending department (its own required/on-shift ratio over the block), then
 * the fewest hours, then the id. Accepting an offer adds one agent to the queue over the block and
 * one lent agent to the lender; deficits are recomputed. It stops when no deficit is left or no
 * offer covers any.
 */
import { erlangA, erlangC } from '../../staffing/src/index.js';
import type { LoanWindow } from '../../routing/src/index.js';
import { minOf, maxOf } from '../../core/src/extremes.js';

export interface ErlangWork {
  kind: 'queue';
  volumes: readonly number[];
  ahtSeconds: number;
  target: { serviceLevel: number; thresholdSeconds: number };
  patienceSeconds?: number;
}

export interface BacklogWork {
  kind: 'backlog';
  /** Work items arriving per interval. */
  arrivals: readonly number[];
  ahtSeconds: number;
  /** An item arriving in interval r must be finished by the end of interval r + deadlineIntervals − 1. */
  deadlineIntervals: number;
  /** Instead, per arrival interval r, the interval by whose end its items are due (business-time deadlines on a calendar axis; non-decreasing). */
  dueIntervals?: readonly number[];
  /** Items waiting at the start, due within `deadlineIntervals` from the start. */
  initialBacklog?: number;
  /** Share of an on-shift agent's interval spent on the backlog (default 0.85). */
  productiveShare?: number;
}

export interface LendingDepartment {
  id: string;
  /** Its own work; absent = only `minStaff` says what it can spare (work Vuoro does not forecast). */
  work?: ErlangWork | BacklogWork;
  /** Its employees on shift and not on a break, per interval (before any loan). */
  staff: readonly number[];
  /** Staff it keeps whatever its work says, per interval (e.g. a department whose work is not forecast). */
  minStaff?: readonly number[];
}

export interface BorrowingCandidate {
  id: string;
  departmentId: string;
  skills: Readonly<Record<string, number>>;
  /** On shift and not on a break, per interval. */
  working: readonly boolean[];
}

export interface BorrowingInput {
  start: Date;
  intervalSeconds: number;
  queue: {
    id: string;
    departmentId: string;
    /** The queue's language; null for a queue without one (agents of any language). */
    language: string | null;
    volumes: readonly number[];
    ahtSeconds: number;
    target: { serviceLevel: number; thresholdSeconds: number };
    patienceSeconds?: number;
    /** Agents of the borrowing department answering the queue, per interval. */
    available: readonly number[];
  };
  candidates: readonly BorrowingCandidate[];
  departments: readonly LendingDepartment[];
  options?: {
    planningServiceLevel?: number;
    /** Agents needed on top of the Erlang count per interval (a margin found by simulation, see spike-day-suggestions.ts). */
    extraNeeded?: readonly number[];
    minBlockMinutes?: number;
    languageMinProficiency?: number;
    requiredSkills?: readonly { skill: string; minProficiency: number }[];
    /** Loans already accepted (e.g. to another queue): those intervals are taken and count against the lender. */
    existingLoans?: readonly { employeeId: string; departmentId: string; fromInterval: number; toInterval: number }[];
  };
}

export interface LenderImpact {
  departmentId: string;
  hours: number;
  /** Its fewest staff on shift over the block before this loan (earlier loans applied), and left with it. */
  staffOnShiftMin: number;
  staffLeftMin: number;
  /** The highest `minStaff` it keeps over the block (0 without one). */
  minStaffMax: number;
  /** Queue work: lowest own projected SL over the block without and with the loan. */
  ownServiceLevelWithout?: number;
  ownServiceLevelWith?: number;
  /** Backlog work: items left at the end of the horizon without and with the loan, and deadline misses with it (0). */
  backlogAtEndWithout?: number;
  backlogAtEndWith?: number;
  deadlineMissesWith?: number;
}

export interface LoanSuggestion {
  employeeId: string;
  departmentId: string;
  fromInterval: number;
  /** Exclusive. */
  toInterval: number;
  from: Date;
  to: Date;
  hours: number;
  /** Deficit agent-intervals this loan covers. */
  coveredDeficit: number;
  /** Lowest projected SL over the block before this loan (earlier suggestions applied) and with it. */
  serviceLevelWithout: number;
  serviceLevelWith: number;
  lender: LenderImpact;
  /** For the simulator / routing: lend to the queue only inside the window. */
  loanWindow: LoanWindow;
}

export interface BorrowingResult {
  suggestions: LoanSuggestion[];
  perInterval: { interval: number; needed: number; available: number; withLoans: number; serviceLevelWithout: number; serviceLevelWith: number }[];
  /** Deficit agent-intervals no candidate could cover. */
  remainingDeficit: number;
  /** Intervals below the target even with every suggestion. */
  intervalsStillShort: number[];
}

/** Erlang SL of n agents (A with patience, else C); 1 with no traffic. */
export function projectedServiceLevel(volume: number, intervalSeconds: number, ahtSeconds: number, agents: number, target: { thresholdSeconds: number }, patienceSeconds?: number): number {
  if (volume <= 0) return 1;
  const input = { arrivalRatePerSecond: volume / intervalSeconds, ahtSeconds, agents: Math.max(0, Math.floor(agents)), thresholdSeconds: target.thresholdSeconds };
  if (patienceSeconds !== undefined && Number.isFinite(patienceSeconds)) return input.agents === 0 ? 0 : erlangA({ ...input, patienceSeconds }).serviceLevel;
  return erlangC(input).serviceLevel;
}

/** Smallest n with SL ≥ level. */
export function agentsNeeded(volume: number, intervalSeconds: number, ahtSeconds: number, level: number, target: { thresholdSeconds: number }, patienceSeconds?: number): number {
  if (volume <= 0) return 0;
  let n = Math.max(1, Math.floor((volume * ahtSeconds) / intervalSeconds));
  while (projectedServiceLevel(volume, intervalSeconds, ahtSeconds, n, target, patienceSeconds) < level - 1e-12) n++;
  return n;
}

/** Earliest-deadline-first fluid backlog: items left at the end and deadline misses (items). */
export function runBacklog(work: BacklogWork, staff: readonly number[], intervalSeconds: number): { backlogAtEnd: number; deadlineMisses: number } {
  const share = work.productiveShare ?? 0.85;
  const chunks: { items: number; due: number }[] = [];
  if (work.initialBacklog) chunks.push({ items: work.initialBacklog, due: work.deadlineIntervals - 1 });
  let misses = 0;
  for (let t = 0; t < staff.length; t++) {
    const a = work.arrivals[t] ?? 0;
    if (a > 0) chunks.push({ items: a, due: work.dueIntervals?.[t] ?? t + work.deadlineIntervals - 1 });
    let capacity = (Math.max(0, staff[t] as number) * intervalSeconds * share) / work.ahtSeconds; // items
    while (capacity > 1e-9 && chunks.length) {
      const c = chunks[0] as { items: number; due: number };
      const done = Math.min(c.items, capacity);
      c.items -= done;
      capacity -= done;
      if (c.items <= 1e-9) chunks.shift();
    }
    while (chunks.length && (chunks[0] as { due: number }).due <= t) misses += (chunks.shift() as { items: number }).items;
  }
  return { backlogAtEnd: chunks.reduce((s, c) => s + c.items, 0), deadlineMisses: misses };
}

interface Offer {
  candidate: BorrowingCandidate;
  from: number;
  to: number;
  covered: number;
  load: number;
}

export function suggestLoans(input: BorrowingInput): BorrowingResult {
  const { queue, intervalSeconds: L } = input;
  const n = queue.volumes.length;
  const o = input.options ?? {};
  const level = o.planningServiceLevel ?? queue.target.serviceLevel;
  const minBlock = Math.max(1, Math.round(((o.minBlockMinutes ?? 60) * 60) / L));
  const langMin = o.languageMinProficiency ?? 3;
  const required = o.requiredSkills ?? [{ skill: 'training:phone-service', minProficiency: 1 }];
  const sl = (t: number, agents: number) => projectedServiceLevel(queue.volumes[t] as number, L, queue.ahtSeconds, agents, queue.target, queue.patienceSeconds);
  const needed = queue.volumes.map((v, t) => agentsNeeded(v, L, queue.ahtSeconds, level, queue.target, queue.patienceSeconds) + (v > 0 ? (o.extraNeeded?.[t] ?? 0) : 0));
  const extra = new Array<number>(n).fill(0);
  const deficit = (t: number) => Math.max(0, (needed[t] as number) - (queue.available[t] as number) - (extra[t] as number));

  const departments = new Map(input.departments.map((d) => [d.id, d]));
  const lent = new Map(input.departments.map((d) => [d.id, new Array<number>(n).fill(0)]));
  const ownNeeded = new Map(
    input.departments.map((d) => [d.id, d.work?.kind === 'queue' ? d.work.volumes.map((v) => agentsNeeded(v, L, (d.work as ErlangWork).ahtSeconds, (d.work as ErlangWork).target.serviceLevel, (d.work as ErlangWork).target, (d.work as ErlangWork).patienceSeconds)) : undefined]),
  );
  const staffAfter = (d: LendingDepartment, extraLoan?: { from: number; to: number }) =>
    d.staff.map((s, t) => s - ((lent.get(d.id) as number[])[t] ?? 0) - (extraLoan && t >= extraLoan.from && t < extraLoan.to ? 1 : 0));
  const canSpare = (d: LendingDepartment, from: number, to: number): boolean => {
    if (d.minStaff) {
      const staff = staffAfter(d);
      for (let t = from; t < to; t++) if ((staff[t] as number) - 1 < (d.minStaff[t] ?? 0)) return false;
    }
    if (!d.work) return true;
    if (d.work.kind === 'queue') {
      const need = ownNeeded.get(d.id) as number[];
      const staff = staffAfter(d);
      for (let t = from; t < to; t++) if ((staff[t] as number) - 1 < (need[t] as number)) return false;
      return true;
    }
    const withLoan = runBacklog(d.work, staffAfter(d, { from, to }), L);
    return withLoan.deadlineMisses <= runBacklog(d.work, staffAfter(d), L).deadlineMisses + 1e-9;
  };
  const lenderLoad = (d: LendingDepartment, from: number, to: number): number => {
    const staff = staffAfter(d);
    let need = 0;
    let have = 0;
    for (let t = from; t < to; t++) {
      have += Math.max(0, staff[t] as number);
      need += !d.work ? (d.minStaff?.[t] ?? 0) : d.work.kind === 'queue' ? ((ownNeeded.get(d.id) as number[])[t] as number) : ((d.work.arrivals[t] ?? 0) * d.work.ahtSeconds) / (L * (d.work.productiveShare ?? 0.85));
    }
    return have > 0 ? need / have : Infinity;
  };

  const eligible = input.candidates.filter(
    (c) => c.departmentId !== queue.departmentId && departments.has(c.departmentId) && (queue.language === null || (c.skills[`lang:${queue.language}`] ?? 0) >= langMin) && required.every((r) => (c.skills[r.skill] ?? 0) >= r.minProficiency),
  );
  const busy = new Map(eligible.map((c) => [c.id, new Array<boolean>(n).fill(false)]));
  const chosen = new Set<string>();
  const suggestions: LoanSuggestion[] = [];
  for (const l of o.existingLoans ?? []) {
    const taken = busy.get(l.employeeId);
    const lentCount = lent.get(l.departmentId);
    for (let t = l.fromInterval; t < l.toInterval; t++) {
      if (taken) taken[t] = true;
      if (lentCount) lentCount[t] = (lentCount[t] as number) + 1;
    }
    chosen.add(l.employeeId);
  }

  const clusters = (): [number, number][] => {
    const out: [number, number][] = [];
    for (let t = 0; t < n; t++) {
      if (deficit(t) <= 0) continue;
      const last = out[out.length - 1];
      if (last && t - last[1] < minBlock) last[1] = t + 1;
      else out.push([t, t + 1]);
    }
    return out;
  };

  for (let guard = 0; guard < 10_000; guard++) {
    const cs = clusters();
    if (!cs.length) break;
    let best: Offer | undefined;
    for (const c of eligible) {
      const d = departments.get(c.departmentId) as LendingDepartment;
      const taken = busy.get(c.id) as boolean[];
      const free = (t: number) => t >= 0 && t < n && c.working[t] === true && !taken[t];
      for (const [cf, ct] of cs) {
        // The candidate's free run overlapping the cluster, trimmed to the cluster's deficit span.
        let from = cf;
        while (from < ct && !free(from)) from++;
        if (from >= ct) continue;
        let to = from;
        while (to < ct && free(to)) to++;
        while (to - from < minBlock && (free(to) || free(from - 1))) {
          if (free(to)) to++;
          else from--;
        }
        if (to - from < minBlock) continue;
        let covered = 0;
        for (let t = from; t < to; t++) covered += deficit(t) > 0 ? 1 : 0;
        if (covered === 0 || !canSpare(d, from, to)) continue;
        const offer: Offer = { candidate: c, from, to, covered, load: lenderLoad(d, from, to) };
        if (!best || better(offer, best, chosen)) best = offer;
      }
    }
    if (!best) break;
    const { candidate: c, from, to } = best;
    const d = departments.get(c.departmentId) as LendingDepartment;
    let slWithout = 1;
    let slWith = 1;
    for (let t = from; t < to; t++) {
      const base = (queue.available[t] as number) + (extra[t] as number);
      slWithout = Math.min(slWithout, sl(t, base));
      slWith = Math.min(slWith, sl(t, base + 1));
    }
    const staffBefore = staffAfter(d).slice(from, to);
    const lender: LenderImpact = {
      departmentId: d.id,
      hours: ((to - from) * L) / 3600,
      staffOnShiftMin: minOf(staffBefore),
      staffLeftMin: minOf(staffBefore) - 1,
      minStaffMax: Math.max(0, maxOf((d.minStaff ?? []).slice(from, to))),
    };
    if (!d.work) {
      // Nothing forecast: the cost is the staff left against the minimum above.
    } else if (d.work.kind === 'queue') {
      const w = d.work;
      const before = staffAfter(d);
      let a = 1;
      let b = 1;
      for (let t = from; t < to; t++) {
        a = Math.min(a, projectedServiceLevel(w.volumes[t] as number, L, w.ahtSeconds, before[t] as number, w.target, w.patienceSeconds));
        b = Math.min(b, projectedServiceLevel(w.volumes[t] as number, L, w.ahtSeconds, (before[t] as number) - 1, w.target, w.patienceSeconds));
      }
      lender.ownServiceLevelWithout = a;
      lender.ownServiceLevelWith = b;
    } else {
      const without = runBacklog(d.work, staffAfter(d), L);
      const withLoan = runBacklog(d.work, staffAfter(d, { from, to }), L);
      lender.backlogAtEndWithout = without.backlogAtEnd;
      lender.backlogAtEndWith = withLoan.backlogAtEnd;
      lender.deadlineMissesWith = withLoan.deadlineMisses;
    }
    for (let t = from; t < to; t++) {
      extra[t] = (extra[t] as number) + 1;
      (busy.get(c.id) as boolean[])[t] = true;
      const l = lent.get(d.id) as number[];
      l[t] = (l[t] as number) + 1;
    }
    chosen.add(c.id);
    const fromDate = new Date(input.start.getTime() + from * L * 1000);
    const toDate = new Date(input.start.getTime() + to * L * 1000);
    suggestions.push({
      employeeId: c.id,
      departmentId: d.id,
      fromInterval: from,
      toInterval: to,
      from: fromDate,
      to: toDate,
      hours: lender.hours,
      coveredDeficit: best.covered,
      serviceLevelWithout: slWithout,
      serviceLevelWith: slWith,
      lender,
      loanWindow: { departmentId: queue.departmentId, queueIds: [queue.id], from: fromDate, to: toDate },
    });
  }

  const perInterval = queue.volumes.map((_, t) => ({
    interval: t,
    needed: needed[t] as number,
    available: queue.available[t] as number,
    withLoans: (queue.available[t] as number) + (extra[t] as number),
    serviceLevelWithout: sl(t, queue.available[t] as number),
    serviceLevelWith: sl(t, (queue.available[t] as number) + (extra[t] as number)),
  }));
  let remainingDeficit = 0;
  for (let t = 0; t < n; t++) remainingDeficit += deficit(t);
  return {
    suggestions,
    perInterval,
    remainingDeficit,
    intervalsStillShort: perInterval.filter((p) => p.serviceLevelWith < queue.target.serviceLevel - 1e-12).map((p) => p.interval),
  };
}

function better(a: Offer, b: Offer, chosen: ReadonlySet<string>): boolean {
  const ra = chosen.has(a.candidate.id) ? 1 : 0;
  const rb = chosen.has(b.candidate.id) ? 1 : 0;
  if (ra !== rb) return ra > rb;
  if (a.covered !== b.covered) return a.covered > b.covered;
  if (Math.abs(a.load - b.load) > 1e-9) return a.load < b.load;
  if (a.to - a.from !== b.to - b.from) return a.to - a.from < b.to - b.from;
  return a.candidate.id < b.candidate.id;
}
