/**
 * The cheaper alternatives to a loan for one queue and day, in general form (the spike-day planner
 * in spike-day-suggestions.ts does the same for the demo's three phone lines):
 *
 * - {@link suggestBreakMoves}: a planned break is moved inside its template's window out of
 *   intervals short of agents into intervals with an agent to spare. Costs nothing.
 * - {@link suggestCallbacks}: in a short interval up to `maxShare` of the callers are offered a
 *   callback, made within `withinIntervals` in later intervals with an agent to spare (the callback
 *   load counts like inbound calls there).
 *
 * - {@link suggestEmailDeferrals}: employees on email shifts answer the phone queue for blocks of at
 *   least an hour while the email backlog still meets every deadline (no extra people).
 *
 * All work on `capacity` (agents answering per interval) against `needed` and return the new
 * capacity or volumes, so the next alternative (and finally {@link suggestLoans}) sees what is left.
 */
import { agentsNeeded, suggestLoans, type BacklogWork, type BorrowingCandidate, type BorrowingInput, type BorrowingResult } from './borrowing.js';
import type { Shift, ShiftTemplate } from './model.js';

export interface BreakMove {
  shiftId: string;
  employeeId: string | null;
  breakIndex: number;
  /** Where the break was and where it goes (interval indices of the day), and its length in intervals. */
  fromInterval: number;
  toInterval: number;
  length: number;
  coveredDeficit: number;
}

/** Greedy: repeatedly the move that frees the most short intervals without making another one short. */
export function suggestBreakMoves(shifts: readonly Shift[], templates: readonly ShiftTemplate[], intervalSeconds: number, needed: readonly number[], capacityIn: readonly number[]): { moves: BreakMove[]; capacity: number[] } {
  const capacity = [...capacityIn];
  const n = capacity.length;
  const rules = new Map(templates.map((t) => [t.id, t.breaks ?? []]));
  const starts = new Map(shifts.map((s) => [s.id, s.breaks.map((b) => b.startInterval)]));
  const short = (t: number) => t >= 0 && t < n && (capacity[t] as number) < (needed[t] ?? 0);
  const moves: BreakMove[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    let best: BreakMove | undefined;
    for (const s of shifts) {
      const templateRules = s.templateId ? rules.get(s.templateId) : undefined;
      if (!templateRules) continue;
      const current = starts.get(s.id) as number[];
      s.breaks.forEach((b, i) => {
        const rule = templateRules.find((r) => r.name === b.name);
        if (!rule) return;
        const len = b.endInterval - b.startInterval;
        const cur = current[i] as number;
        let freed = 0;
        for (let t = cur; t < cur + len; t++) if (short(t)) freed++;
        if (!freed) return;
        const lo = s.startInterval + Math.round((rule.earliestAfterStartMinutes * 60) / intervalSeconds);
        const hi = s.startInterval + Math.round((rule.latestAfterStartMinutes * 60) / intervalSeconds);
        for (let st = lo; st <= hi; st++) {
          if (st === cur || st < s.startInterval || st + len > s.endInterval || st < 0 || st + len > n) continue;
          const clash = current.some((o, j) => j !== i && st < o + (((s.breaks[j] as { endInterval: number; startInterval: number }).endInterval - (s.breaks[j] as { startInterval: number }).startInterval)) && o < st + len);
          if (clash) continue;
          let ok = true;
          let gain = 0;
          for (let t = cur; t < cur + len; t++) if (!(t >= st && t < st + len) && short(t)) gain++;
          for (let t = st; t < st + len && ok; t++) if (!(t >= cur && t < cur + len) && (capacity[t] as number) - 1 < (needed[t] ?? 0)) ok = false;
          if (ok && gain > 0 && (!best || gain > best.coveredDeficit)) best = { shiftId: s.id, employeeId: s.employeeId, breakIndex: i, fromInterval: cur, toInterval: st, length: len, coveredDeficit: gain };
        }
      });
    }
    if (!best) break;
    for (let t = best.fromInterval; t < best.fromInterval + best.length; t++) capacity[t] = (capacity[t] as number) + 1;
    for (let t = best.toInterval; t < best.toInterval + best.length; t++) capacity[t] = (capacity[t] as number) - 1;
    (starts.get(best.shiftId) as number[])[best.breakIndex] = best.toInterval;
    moves.push(best);
  }
  return { moves, capacity };
}

export interface CallbackInput {
  volumes: readonly number[];
  intervalSeconds: number;
  ahtSeconds: number;
  target: { serviceLevel: number; thresholdSeconds: number };
  capacity: readonly number[];
  /** Agents needed on top of the Erlang count (a margin), per interval. */
  extraNeeded?: readonly number[];
  /** Share of a short interval's callers that may be offered a callback (default 0.15). */
  maxShare?: number;
  /** Latest callback after the call, intervals (default 8). */
  withinIntervals?: number;
}

export interface CallbackOffer {
  fromInterval: number;
  calls: number;
  placed: { interval: number; calls: number }[];
  coveredDeficit: number;
}

/** Callbacks that lower the need in short intervals; `volumes` is the load after them (inbound − offered + callbacks made). */
export function suggestCallbacks(input: CallbackInput): { offers: CallbackOffer[]; volumes: number[] } {
  const { intervalSeconds: L, ahtSeconds, target, capacity } = input;
  const inbound = [...input.volumes];
  const n = inbound.length;
  const load = new Array<number>(n).fill(0);
  const needAt = (t: number, v: number) => (v > 0 ? agentsNeeded(v, L, ahtSeconds, target.serviceLevel, target) + (input.extraNeeded?.[t] ?? 0) : 0);
  const deficit = (t: number) => Math.max(0, needAt(t, (inbound[t] as number) + (load[t] as number)) - (capacity[t] as number));
  const share = input.maxShare ?? 0.15;
  const within = input.withinIntervals ?? 8;
  const offers: CallbackOffer[] = [];
  for (let t = 0; t < n; t++) {
    if (deficit(t) <= 0) continue;
    const original = inbound[t] as number;
    const maxCalls = Math.floor(original * share);
    const floor = needAt(t, original - maxCalls + (load[t] as number));
    const targetNeed = Math.max(floor, capacity[t] as number);
    let calls = 0;
    while (calls < maxCalls && needAt(t, original - calls + (load[t] as number)) > targetNeed) calls++;
    if (calls === 0) continue;
    let left = calls;
    const placed: { interval: number; calls: number }[] = [];
    for (let u = t + 1; u < Math.min(n, t + 1 + within) && left > 0; u++) {
      let k = 0;
      while (k < left && needAt(u, (inbound[u] as number) + (load[u] as number) + k + 1) <= (capacity[u] as number)) k++;
      if (k > 0) {
        placed.push({ interval: u, calls: k });
        load[u] = (load[u] as number) + k;
        left -= k;
      }
    }
    const taken = calls - left;
    const before = deficit(t);
    inbound[t] = original - taken;
    const covered = before - deficit(t);
    if (taken <= 0 || covered <= 0) {
      inbound[t] = original;
      for (const p of placed) load[p.interval] = (load[p.interval] as number) - p.calls;
      continue;
    }
    offers.push({ fromInterval: t, calls: taken, placed, coveredDeficit: covered });
  }
  return { offers, volumes: inbound.map((v, t) => v + (load[t] as number)) };
}

export interface EmailDeferralInput {
  start: Date;
  intervalSeconds: number;
  /** The phone queue, its load (after callbacks) and the agents answering it per interval. */
  queue: BorrowingInput['queue'];
  /** Employees of the queue's department on email shifts: on shift and not on a break, per interval. */
  emailAgents: readonly Omit<BorrowingCandidate, 'departmentId'>[];
  /**
   * The email desk: its working staff per interval (may run past the queue's day, e.g. into
   * tomorrow's office hours, so that email deferred today counts against tomorrow's desk) and its
   * backlog with deadlines (earliest-deadline-first, libs/planning runBacklog).
   */
  desk: { staff: readonly number[]; work: BacklogWork };
  options?: BorrowingInput['options'];
}

/**
 * Email work deferred for the phones: {@link suggestLoans} with the email-shift employees as the
 * candidates and the email desk as the only "lender", so the same rules hold as for a loan (fewest
 * people, blocks ≥ `minBlockMinutes`, the desk still meets every email deadline with the agent on
 * the phone). Each suggestion's `lender` has the desk's backlog at the end without and with it.
 */
export function suggestEmailDeferrals(input: EmailDeferralInput): BorrowingResult {
  const desk = `${input.queue.departmentId}:email`;
  return suggestLoans({
    start: input.start,
    intervalSeconds: input.intervalSeconds,
    queue: input.queue,
    candidates: input.emailAgents.map((a) => ({ ...a, departmentId: desk })),
    departments: [{ id: desk, staff: input.desk.staff, work: input.desk.work }],
    ...(input.options ? { options: input.options } : {}),
  });
}
