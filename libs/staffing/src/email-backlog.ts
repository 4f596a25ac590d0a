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
 * intervals).
 *
 * Algorithm ("lazy EDF", one forward pass, O(intervals + arrival chunks)):
 *   keep the backlog as a FIFO of arrival chunks — FIFO is deadline order, since every email has
 *   the same window. In each open interval t:
 *     forced   = remaining work of the chunks whose deadline interval is t (they must finish now);
 *     agents_t = ⌈forced / (L·maxOccupancy)⌉   (0 when nothing is due);
 *     the capacity agents_t·L·maxOccupancy then works the backlog front to back (earliest deadline
 *     first): the due chunks first, and whatever rounding leaves over goes to the next-due emails.
 *   Closed intervals get 0 agents.
 * Work is therefore deferred as late as the deadlines allow and staff are added only when a
 * deadline forces them. This profile is feasible by construction, and it is minimal: its cumulative
 * number of agent-intervals up to every interval t is the least of any feasible integer profile
 * (so the total is minimal too) — EDF is optimal for meeting deadlines with a given capacity, and
 * lazy EDF only buys capacity that some deadline needs, using every unit it buys. The spec checks
 * this against brute force on small instances.
 *
 * Emails whose deadline falls after the horizon are not forced; what is left of them is reported as
 * `backlogAtEnd` (workload for the next planning horizon).
 */
import { StaffingInputError, requireEachNonNegative, requireEachPositive, requireFraction, requirePositive } from './errors.js';

export interface EmailBacklogInput {
  /** Interval length L, seconds. */
  intervalSeconds: number;
  /** Emails arriving in each interval. */
  arrivals: readonly number[];
  /** Handle time per email (one value, or one per interval of arrival), seconds. */
  ahtSeconds: number | readonly number[];
  /** Deadline in business (open) seconds after arrival, e.g. 2 business days = 2 × 8 × 3600. */
  deadlineSeconds: number;
  /** Which intervals are open (default: all). */
  open?: readonly boolean[];
  /** Share of an agent's interval spent on email work (default 1). */
  maxOccupancy?: number;
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
  /** Mean business time from arrival to completion of the emails handled here (mid-interval completion), seconds. */
  meanResponseSeconds: number;
}

export interface EmailBacklogResult {
  intervals: EmailIntervalResult[];
  /** Emails (and their work) still open at the end of the horizon; all are due after it. */
  backlogAtEnd: { emails: number; workSeconds: number };
  /** Σ agents over the intervals. */
  agentIntervals: number;
  /** The number of open intervals an email may use (k in the header). */
  windowIntervals: number;
}

interface Chunk {
  emails: number;
  secondsPerEmail: number;
  releaseOrdinal: number;
  /** Interval index of the deadline, or Infinity when after the horizon. */
  deadline: number;
}

const EPS = 1e-9;

/** Minimal feasible agents per interval so that every email meets its business-time deadline. */
export function emailRequirements(input: EmailBacklogInput): EmailBacklogResult {
  const length = requirePositive('intervalSeconds', input.intervalSeconds);
  const arrivals = input.arrivals;
  if (!Array.isArray(arrivals)) throw new StaffingInputError('arrivals', 'must be an array of numbers >= 0');
  const count = arrivals.length;
  requireEachNonNegative('arrivals', arrivals);
  const aht = input.ahtSeconds;
  const ahtAt = (i: number): number => (typeof aht === 'number' ? aht : (aht[i] as number));
  if (typeof aht === 'number') requirePositive('ahtSeconds', aht);
  else if (!Array.isArray(aht) || aht.length !== count) throw new StaffingInputError('ahtSeconds', 'must be a number or an array as long as arrivals');
  else requireEachPositive('ahtSeconds', aht);
  const deadline = requirePositive('deadlineSeconds', input.deadlineSeconds);
  const open = input.open;
  if (open !== undefined && (!Array.isArray(open) || open.length !== count)) {
    throw new StaffingInputError('open', 'must be an array of booleans as long as arrivals');
  }
  const isOpen = (i: number) => (open === undefined ? true : open[i] === true);
  const occupancy = requireFraction('maxOccupancy', input.maxOccupancy ?? 1);
  const capacityPerAgent = length * occupancy;
  const window = Math.max(1, Math.floor(deadline / length + EPS));

  // Open intervals in order, and for each interval the ordinal of the first open interval at or after it.
  const openList: number[] = [];
  const firstOpenOrdinal = new Array<number>(count);
  for (let i = 0; i < count; i++) if (isOpen(i)) openList.push(i);
  for (let i = count - 1, next = openList.length; i >= 0; i--) {
    if (isOpen(i)) next -= 1;
    firstOpenOrdinal[i] = next;
  }

  const queue: Chunk[] = [];
  let head = 0;
  let backlogEmails = 0;
  let backlogSeconds = 0;
  let agentIntervals = 0;
  const intervals: EmailIntervalResult[] = [];
  let ordinal = 0; // ordinal of the current interval among open ones (when open)

  for (let t = 0; t < count; t++) {
    const arriving = arrivals[t] as number;
    if (arriving > 0) {
      const releaseOrdinal = firstOpenOrdinal[t] as number;
      const deadlineOrdinal = releaseOrdinal + window - 1;
      const secondsPerEmail = ahtAt(t);
      queue.push({ emails: arriving, secondsPerEmail, releaseOrdinal, deadline: deadlineOrdinal < openList.length ? (openList[deadlineOrdinal] as number) : Infinity });
      backlogEmails += arriving;
      backlogSeconds += arriving * secondsPerEmail;
    }
    if (!isOpen(t)) {
      intervals.push({ agents: 0, workedSeconds: 0, emailsHandled: 0, emailsDue: 0, backlogEmails, backlogSeconds, occupancy: 0, meanResponseSeconds: 0 });
      continue;
    }
    let forced = 0;
    let emailsDue = 0;
    for (let i = head; i < queue.length; i++) {
      const chunk = queue[i] as Chunk;
      if (chunk.deadline !== t) break;
      forced += chunk.emails * chunk.secondsPerEmail;
      emailsDue += chunk.emails;
    }
    const agents = forced > EPS ? Math.ceil(forced / capacityPerAgent - EPS) : 0;
    let capacity = agents * capacityPerAgent;
    let worked = 0;
    let handled = 0;
    let responseSum = 0;
    while (capacity > EPS && head < queue.length) {
      const chunk = queue[head] as Chunk;
      const work = chunk.emails * chunk.secondsPerEmail;
      const done = Math.min(work, capacity);
      const emails = done >= work - EPS ? chunk.emails : done / chunk.secondsPerEmail;
      capacity -= done;
      worked += done;
      handled += emails;
      responseSum += emails * ((ordinal - chunk.releaseOrdinal) * length + length / 2);
      if (done >= work - EPS) {
        head += 1;
      } else {
        chunk.emails -= emails;
      }
    }
    backlogEmails = Math.max(0, backlogEmails - handled);
    backlogSeconds = Math.max(0, backlogSeconds - worked);
    if (head === queue.length) {
      backlogEmails = 0;
      backlogSeconds = 0;
    }
    agentIntervals += agents;
    intervals.push({
      agents,
      workedSeconds: worked,
      emailsHandled: handled,
      emailsDue,
      backlogEmails,
      backlogSeconds,
      occupancy: agents > 0 ? worked / (agents * length) : 0,
      meanResponseSeconds: handled > 0 ? responseSum / handled : 0,
    });
    ordinal += 1;
  }
  return { intervals, backlogAtEnd: { emails: backlogEmails, workSeconds: backlogSeconds }, agentIntervals, windowIntervals: window };
}
