/**
 * Email staffing from a deadline: every email must be answered within `deadlineSeconds` of business
 * (open) time after it arrives. Work happens only in open intervals; the backlog is carried from
 * interval to interval.
 *
 * Discretisation. Emails arriving in interval r count as arriving at the start of r (if r is
 * closed, the business clock is stopped, so they effectively arrive at the start of the next open
 * interval). With interval length L, such an email may be worked in the first k = max(1, ⌊D/L⌋)
 * open intervals from r on, the last of which is its deadline interval. (A deadline shorter than
 * one interval is rounded up to "within the first open interval".) Arrivals may be fractional
 * (forecasts); work is treated as fluid (an email's handling may be split between agents and
 * intervals). Every agent interval gives L·maxOccupancy seconds of email work.
 *
 * The backlog is always worked earliest deadline first (EDF) with whatever capacity an interval
 * has; the policies differ in how much capacity they buy:
 *
 * - `level` (default): the smallest constant number of agents in every open interval of the
 *   horizon that meets every deadline. Email is worked steadily and as early as that capacity
 *   allows — what a supervisor plans as an "email desk". Found by bisection on N with an EDF
 *   feasibility run per step (O(intervals · log N)); N is exactly the minimal constant because
 *   feasibility is monotone in N (more capacity in every interval never makes EDF miss, EDF being
 *   optimal for one pool of fluid capacity with release times and deadlines).
 * - `latest` ("lazy EDF"): in each open interval t, forced = work of the emails whose deadline
 *   interval is t; agents_t = ⌈forced / (L·maxOccupancy)⌉ (0 when nothing is due); that capacity
 *   works the backlog front to back, so rounding leftovers go to the next-due emails. Work is
 *   deferred as late as the deadlines allow; the profile is cumulatively minimal (its number of
 *   agent-intervals up to every t is the least of any feasible integer profile, so its total is
 *   minimal too), but it piles staff into deadline intervals — e.g. a whole morning's mail in the
 *   last quarter-hour of its deadline. Useful as the lower bound of email work and when email is
 *   only a filler of other channels' idle time.
 * The specs check both against brute force on small instances.
 *
 * Free capacity. `freeSeconds[t]` is email work capacity the interval has anyway (in a blended
 * pool: the idle time of the agents staffed for phone and chat, see `requirements.ts`); it is
 * used first, earliest deadline first, and the policy adds agents only for what it cannot cover.
 *
 * Several email queues in one pool (`planEmailStreams`) share the capacity: EDF over all of
 * them, each worked only in its own open intervals. With identical opening hours everything
 * above holds; with different hours the plan is still checked to meet every deadline, but EDF is
 * no longer guaranteed optimal, so the count may exceed the minimum.
 *
 * Emails whose deadline falls after the horizon are not forced; what is left of them is reported as
 * `backlogAtEnd` (workload for the next planning horizon).
 *
 * Elapsed deadlines (`deadlineBasis: 'elapsed'`, a queue whose target runs on the wall clock, e.g.
 * "within 24 hours"): an email arriving in interval r must be done by wall interval
 * W = r + k − 1 (k = max(1, ⌊D/L⌋) intervals of any kind), so its deadline interval is the last
 * open interval at or before W. When no interval between r and W is open (a 1-hour target for an
 * email arriving at night, a 24-hour one over a weekend), nothing can meet it: it is planned as if
 * it had arrived at the next opening o — due at the last open interval at or before o + k − 1 —
 * and no later than any email that arrived after it (mail is answered in order of arrival, so
 * deadlines still grow with arrival and EDF and the policies above are unchanged). The night's mail
 * with a 1-hour target is then answered in the first hour after opening; a weekend's with a
 * 24-hour target by the time Sunday's mail is due on Monday. Response times are wall-clock times.
 * (Answering the mail that can still meet its target before the mail already late would serve more
 * within target, at the price of first-in-first-out; not done.)
 */
import { StaffingInputError, requireEachNonNegative, requireEachPositive, requireFraction, requirePositive } from './errors.js';

export const EMAIL_POLICIES = ['level', 'latest'] as const;
export type EmailPolicy = (typeof EMAIL_POLICIES)[number];

/** How an email deadline is counted: open (business) time, the default, or wall-clock time. */
export const DEADLINE_BASES = ['business', 'elapsed'] as const;
export type DeadlineBasis = (typeof DEADLINE_BASES)[number];

export interface EmailBacklogInput {
  /** Interval length L, seconds. */
  intervalSeconds: number;
  /** Emails arriving in each interval. */
  arrivals: readonly number[];
  /** Handle time per email (one value, or one per interval of arrival), seconds. */
  ahtSeconds: number | readonly number[];
  /** Deadline in business (open) seconds after arrival, e.g. 2 business days = 2 × 8 × 3600 — or in wall-clock seconds with `deadlineBasis: 'elapsed'`. */
  deadlineSeconds: number;
  /** `business` (default): the deadline counts open time only; `elapsed`: wall-clock time (see the header). */
  deadlineBasis?: DeadlineBasis;
  /** Which intervals are open (default: all). */
  open?: readonly boolean[];
  /** Share of an agent's interval spent on email work (default 1). */
  maxOccupancy?: number;
  /** `level` (default): constant staffing over open intervals; `latest`: staff only when a deadline forces it. */
  policy?: EmailPolicy;
}

export interface EmailIntervalResult {
  agents: number;
  /** Email work done in the interval, seconds. */
  workedSeconds: number;
  /** Emails completed in the interval (fractional). */
  emailsHandled: number;
  /** Emails whose deadline is this interval. */
  emailsDue: number;
  /** Backlog left at the end of the interval. */
  backlogEmails: number;
  backlogSeconds: number;
  /** workedSeconds / (agents · L); 0 when no agents. */
  occupancy: number;
  /** Mean business time (wall-clock time for an elapsed deadline) from arrival to completion of the emails handled here (mid-interval completion), seconds. */
  meanResponseSeconds: number;
}

export interface EmailBacklogResult {
  policy: EmailPolicy;
  intervals: EmailIntervalResult[];
  /** Emails (and their work) still open at the end of the horizon; all are due after it. */
  backlogAtEnd: { emails: number; workSeconds: number };
  /** Σ agents over the intervals. */
  agentIntervals: number;
  /** The number of open intervals an email may use (k in the header). */
  windowIntervals: number;
}

/** One email queue prepared for planning (validated). */
export interface EmailStream {
  arrivals: readonly number[];
  ahtAt: (interval: number) => number;
  /** k: open intervals an email may use (business basis), or intervals of any kind until its deadline (elapsed). */
  windowIntervals: number;
  deadlineBasis: DeadlineBasis;
  isOpen: (interval: number) => boolean;
}

export interface EmailPlanOptions {
  intervalSeconds: number;
  /** Email work seconds one agent gives in one interval: L · occupancy. */
  capacityPerAgent: number;
  policy: EmailPolicy;
  /** Capacity every interval has without extra agents (e.g. idle time of a blended pool), seconds. */
  freeSeconds?: readonly number[];
}

export interface EmailStreamIntervals {
  intervals: EmailIntervalResult[];
  backlogAtEnd: { emails: number; workSeconds: number };
}

export interface EmailPlan {
  /** Agents added for email per interval (beyond the free capacity). */
  agents: number[];
  /** Email work done per interval, all streams, seconds. */
  workedSeconds: number[];
  /** Of that, done with the free capacity, seconds. */
  freeWorkedSeconds: number[];
  streams: EmailStreamIntervals[];
}

/**
 * One email queue's arrivals as chunks (one per interval with arrivals), in arrival order — which
 * is deadline order, since all of a queue's emails have the same window. Typed arrays: a plan
 * runs the EDF pass a dozen times (bisection), so it must not allocate per chunk.
 */
interface Prepared {
  /** Open ordinal of interval t when open (else −1). */
  ordinalAt: Int32Array;
  /** Chunk c: arrival interval, work seconds, seconds per email, release ordinal, deadline interval (Infinity: after the horizon). */
  arrival: Int32Array;
  work: Float64Array;
  perEmail: Float64Array;
  release: Int32Array;
  deadline: Float64Array;
  /** Response times on the wall clock (elapsed deadlines) instead of in open time. */
  elapsed: boolean;
}

const EPS = 1e-9;
/** Work left on a due chunk below this is rounding noise, not a miss (seconds). */
const CRUMB_SECONDS = 1e-6;

function prepare(stream: EmailStream, count: number): Prepared {
  const openList: number[] = [];
  const ordinalAt = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    if (stream.isOpen(i)) {
      ordinalAt[i] = openList.length;
      openList.push(i);
    }
  }
  let chunks = 0;
  for (let i = 0; i < count; i++) if ((stream.arrivals[i] as number) > 0) chunks++;
  const p: Prepared = {
    ordinalAt,
    arrival: new Int32Array(chunks),
    work: new Float64Array(chunks),
    perEmail: new Float64Array(chunks),
    release: new Int32Array(chunks),
    deadline: new Float64Array(chunks),
    elapsed: stream.deadlineBasis === 'elapsed',
  };
  const due = emailDeadlines(count, stream.isOpen, (i) => (stream.arrivals[i] as number) > 0, stream.windowIntervals, stream.deadlineBasis);
  let next = openList.length; // ordinal of the first open interval at or after i
  for (let i = count - 1, c = chunks - 1; i >= 0; i--) {
    if ((ordinalAt[i] as number) >= 0) next = ordinalAt[i] as number;
    const arriving = stream.arrivals[i] as number;
    if (arriving > 0) {
      const perEmail = stream.ahtAt(i);
      p.arrival[c] = i;
      p.work[c] = arriving * perEmail;
      p.perEmail[c] = perEmail;
      p.release[c] = next;
      p.deadline[c] = due[i] as number;
      c--;
    }
  }
  return p;
}

/**
 * The deadline interval of an email arriving in each of `count` intervals (Infinity: after them),
 * as the header counts it: the `windowIntervals`-th open interval from arrival on (business basis),
 * or the last open interval by the wall-clock end — mail that no open interval can serve in time as
 * if it arrived at the next opening, and never due after mail that arrives later (`arriving` says in
 * which intervals mail arrives). Shared with the planning of an email desk's backlog (borrowing).
 */
export function emailDeadlines(count: number, isOpen: (interval: number) => boolean, arriving: (interval: number) => boolean, windowIntervals: number, basis: DeadlineBasis): Float64Array {
  const openList: number[] = [];
  const lastOpen = new Int32Array(count); // ordinal of the last open interval at or before each (−1: none yet)
  for (let i = 0; i < count; i++) {
    if (isOpen(i)) openList.push(i);
    lastOpen[i] = openList.length - 1;
  }
  const due = new Float64Array(count);
  let next = openList.length; // ordinal of the first open interval at or after i
  let later = Infinity; // deadline of the next interval with arrivals
  for (let i = count - 1; i >= 0; i--) {
    if (isOpen(i)) next = lastOpen[i] as number;
    if (basis === 'business') {
      const ordinal = next + windowIntervals - 1;
      due[i] = ordinal < openList.length ? (openList[ordinal] as number) : Infinity;
      continue;
    }
    let wall = i + windowIntervals - 1;
    if (wall < count && (lastOpen[wall] as number) < next) wall = next < openList.length ? (openList[next] as number) + windowIntervals - 1 : count;
    due[i] = Math.min(later, wall < count ? (openList[lastOpen[wall] as number] as number) : Infinity);
    if (arriving(i)) later = due[i] as number;
  }
  return due;
}

interface RunState {
  remaining: Float64Array;
  /** First unfinished chunk, and the first chunk not yet arrived. */
  head: number;
  pushed: number;
  backlogEmails: number;
  backlogSeconds: number;
}

/**
 * One EDF pass with a given agent rule: `level` agents in every interval some stream is open, or
 * (undefined) the lazy rule. Returns null as soon as a deadline is missed (only possible with a
 * fixed level), else the plan; `detail` records the per-stream intervals.
 */
function run(prepared: readonly Prepared[], count: number, options: EmailPlanOptions, level: number | undefined, detail: boolean): EmailPlan | null {
  const cap = options.capacityPerAgent;
  const length = options.intervalSeconds;
  const free = options.freeSeconds;
  const k = prepared.length;
  const state: RunState[] = prepared.map((p) => ({ remaining: Float64Array.from(p.work), head: 0, pushed: 0, backlogEmails: 0, backlogSeconds: 0 }));
  const agents = new Array<number>(count).fill(0);
  const workedSeconds = new Array<number>(count).fill(0);
  const freeWorkedSeconds = new Array<number>(count).fill(0);
  const streams: EmailStreamIntervals[] = prepared.map(() => ({ intervals: [], backlogAtEnd: { emails: 0, workSeconds: 0 } }));
  const handled = new Float64Array(k);
  const worked = new Float64Array(k);
  const response = new Float64Array(k);
  const due = new Float64Array(k);

  for (let t = 0; t < count; t++) {
    let anyOpen = false;
    let forced = 0;
    for (let s = 0; s < k; s++) {
      const p = prepared[s] as Prepared;
      const st = state[s] as RunState;
      while (st.pushed < p.arrival.length && (p.arrival[st.pushed] as number) <= t) {
        st.backlogSeconds += p.work[st.pushed] as number;
        st.backlogEmails += (p.work[st.pushed] as number) / (p.perEmail[st.pushed] as number);
        st.pushed++;
      }
      handled[s] = 0;
      worked[s] = 0;
      response[s] = 0;
      due[s] = 0;
      if ((p.ordinalAt[t] as number) < 0) continue;
      anyOpen = true;
      for (let c = st.head; c < st.pushed && p.deadline[c] === t; c++) {
        forced += st.remaining[c] as number;
        due[s] += (st.remaining[c] as number) / (p.perEmail[c] as number);
      }
    }
    const freeHere = anyOpen && free !== undefined ? Math.max(0, free[t] as number) : 0;
    let n = 0;
    if (anyOpen) {
      if (level !== undefined) n = level;
      else if (forced - freeHere > EPS) n = Math.ceil((forced - freeHere) / cap - EPS);
    }
    agents[t] = n;
    let capacity = freeHere + n * cap;
    // Earliest deadline first over the open streams.
    while (capacity > EPS) {
      let best = -1;
      let bestDeadline = Infinity;
      for (let s = 0; s < k; s++) {
        const p = prepared[s] as Prepared;
        const st = state[s] as RunState;
        if ((p.ordinalAt[t] as number) < 0 || st.head >= st.pushed) continue;
        const d = p.deadline[st.head] as number;
        if (best < 0 || d < bestDeadline) {
          best = s;
          bestDeadline = d;
        }
      }
      if (best < 0) break;
      const p = prepared[best] as Prepared;
      const st = state[best] as RunState;
      const c = st.head;
      const work = st.remaining[c] as number;
      const finished = work <= capacity + EPS;
      const done = finished ? work : capacity;
      const emails = done / (p.perEmail[c] as number);
      capacity -= done;
      worked[best] += done;
      handled[best] += emails;
      const waited = p.elapsed ? t - (p.arrival[c] as number) : (p.ordinalAt[t] as number) - (p.release[c] as number);
      response[best] += emails * (waited * length + length / 2);
      if (finished) {
        st.remaining[c] = 0;
        st.head++;
      } else st.remaining[c] = work - done;
    }
    let workedAll = 0;
    for (let s = 0; s < k; s++) {
      const p = prepared[s] as Prepared;
      const st = state[s] as RunState;
      if ((p.ordinalAt[t] as number) >= 0) {
        // Anything due now and still open is a missed deadline; floating-point crumbs are dropped.
        while (st.head < st.pushed && (p.deadline[st.head] as number) <= t) {
          if ((st.remaining[st.head] as number) > CRUMB_SECONDS) return null;
          st.head++;
        }
      }
      workedAll += worked[s] as number;
      st.backlogEmails = Math.max(0, st.backlogEmails - (handled[s] as number));
      st.backlogSeconds = Math.max(0, st.backlogSeconds - (worked[s] as number));
      if (st.head === st.pushed) {
        st.backlogEmails = 0;
        st.backlogSeconds = 0;
      }
      if (!detail) continue;
      const h = handled[s] as number;
      (streams[s] as EmailStreamIntervals).intervals.push({
        agents: (p.ordinalAt[t] as number) >= 0 ? n : 0,
        workedSeconds: worked[s] as number,
        emailsHandled: h,
        emailsDue: due[s] as number,
        backlogEmails: st.backlogEmails,
        backlogSeconds: st.backlogSeconds,
        occupancy: 0, // set by the single-queue caller, where agents and work belong to one queue
        meanResponseSeconds: h > 0 ? (response[s] as number) / h : 0,
      });
    }
    workedSeconds[t] = workedAll;
    freeWorkedSeconds[t] = Math.min(workedAll, freeHere);
  }
  state.forEach((st, s) => {
    (streams[s] as EmailStreamIntervals).backlogAtEnd = { emails: st.backlogEmails, workSeconds: st.backlogSeconds };
  });
  return { agents, workedSeconds, freeWorkedSeconds, streams };
}

/**
 * Agents per interval for one or more email queues sharing one capacity (see the header). The
 * streams must be validated; `freeSeconds`, when given, is as long as the arrivals.
 */
export function planEmailStreams(streams: readonly EmailStream[], count: number, options: EmailPlanOptions): EmailPlan {
  const prepared = streams.map((s) => prepare(s, count));
  const latest = run(prepared, count, options, undefined, options.policy === 'latest');
  if (latest === null) throw new Error('lazy EDF missed a deadline'); // impossible: it buys what is due
  if (options.policy === 'latest') return latest;
  const feasible = (n: number) => run(prepared, count, options, n, false) !== null;
  // Upper bound: the latest profile's peak (feasible whenever EDF is optimal); else grow towards
  // capacity for all the horizon's work in every interval, which cannot miss.
  let hi = latest.agents.reduce((a, b) => Math.max(a, b), 0);
  if (!feasible(hi)) {
    const all = prepared.reduce((sum, p) => sum + p.work.reduce((w, x) => w + x, 0), 0);
    const ceiling = Math.ceil(all / options.capacityPerAgent) + 1;
    while (hi < ceiling && !feasible(hi)) hi = Math.min(ceiling, Math.max(1, hi * 2));
  }
  // Lower bound: no constant N with N·(open intervals) below the lazy plan's total (the least of
  // any feasible profile) can be feasible; checked, so the bisection stays exact in any case.
  let openIntervals = 0;
  for (let t = 0; t < count; t++) if (prepared.some((p) => (p.ordinalAt[t] as number) >= 0)) openIntervals++;
  const lazyTotal = latest.agents.reduce((a, b) => a + b, 0);
  let lo = openIntervals > 0 ? Math.min(hi - 1, Math.ceil(lazyTotal / openIntervals) - 1) : -1;
  if (lo >= 0 && feasible(lo)) lo = -1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid >= 0 && feasible(mid)) hi = mid;
    else lo = mid;
  }
  return run(prepared, count, options, hi, true) as EmailPlan;
}

/** Validates one email queue's series; `path` prefixes the names in errors (e.g. `queues[2].`). */
export function emailStream(
  input: { arrivals: unknown; ahtSeconds: unknown; deadlineSeconds: unknown; deadlineBasis?: unknown; open?: unknown; intervalSeconds: number },
  names: { arrivals: string; ahtSeconds: string; deadlineSeconds: string; deadlineBasis: string; open: string },
): EmailStream {
  const arrivals = input.arrivals;
  if (!Array.isArray(arrivals)) throw new StaffingInputError(names.arrivals, 'must be an array of numbers >= 0');
  const count = arrivals.length;
  requireEachNonNegative(names.arrivals, arrivals);
  const aht = input.ahtSeconds;
  if (typeof aht === 'number') requirePositive(names.ahtSeconds, aht);
  else if (!Array.isArray(aht) || aht.length !== count) throw new StaffingInputError(names.ahtSeconds, 'must be a number or an array as long as arrivals');
  else requireEachPositive(names.ahtSeconds, aht);
  const deadline = requirePositive(names.deadlineSeconds, input.deadlineSeconds);
  const basis = input.deadlineBasis ?? 'business';
  if (!DEADLINE_BASES.includes(basis as DeadlineBasis)) throw new StaffingInputError(names.deadlineBasis, `must be one of ${DEADLINE_BASES.join(', ')}`);
  const open = input.open;
  if (open !== undefined && (!Array.isArray(open) || open.length !== count)) {
    throw new StaffingInputError(names.open, 'must be an array of booleans as long as arrivals');
  }
  const flags = open as readonly unknown[] | undefined;
  return {
    arrivals: arrivals as number[],
    ahtAt: typeof aht === 'number' ? () => aht : (i) => (aht as number[])[i] as number,
    windowIntervals: Math.max(1, Math.floor(deadline / input.intervalSeconds + EPS)),
    deadlineBasis: basis as DeadlineBasis,
    isOpen: flags === undefined ? () => true : (i) => flags[i] !== false,
  };
}

export function requireEmailPolicy(name: string, value: unknown): EmailPolicy {
  if (value === undefined) return 'level';
  if (!EMAIL_POLICIES.includes(value as EmailPolicy)) throw new StaffingInputError(name, `must be one of ${EMAIL_POLICIES.join(', ')}`);
  return value as EmailPolicy;
}

/** Agents per interval so that every email meets its deadline (business time unless elapsed), by the chosen policy. */
export function emailRequirements(input: EmailBacklogInput): EmailBacklogResult {
  const length = requirePositive('intervalSeconds', input.intervalSeconds);
  const stream = emailStream(
    { ...input, arrivals: input.arrivals, intervalSeconds: length },
    { arrivals: 'arrivals', ahtSeconds: 'ahtSeconds', deadlineSeconds: 'deadlineSeconds', deadlineBasis: 'deadlineBasis', open: 'open' },
  );
  const occupancy = requireFraction('maxOccupancy', input.maxOccupancy ?? 1);
  const policy = requireEmailPolicy('policy', input.policy);
  const count = stream.arrivals.length;
  const plan = planEmailStreams([stream], count, { intervalSeconds: length, capacityPerAgent: length * occupancy, policy });
  const detail = plan.streams[0] as EmailStreamIntervals;
  const intervals = detail.intervals.map((r) => ({ ...r, occupancy: r.agents > 0 ? r.workedSeconds / (r.agents * length) : 0 }));
  return {
    policy,
    intervals,
    backlogAtEnd: detail.backlogAtEnd,
    agentIntervals: plan.agents.reduce((a, b) => a + b, 0),
    windowIntervals: stream.windowIntervals,
  };
}
