/**
 * Roll-up rows: additive figures per period (every grain from 15-minute interval to quarter) and
 * queue, and per period, agent and queue. Every field is a sum, a count, a maximum or a histogram,
 * so rows of a finer grain or of several queues add up to the same figures as the coarser row, and
 * a contact's contribution can be added once when its facts are known.
 */
import type { AgentShare, ContactFact } from './contact-facts.js';
import { emptyHistogram, addToHistogram, mergeHistogram, type Histogram } from './histogram.js';
import { AGENT_ROLLUP_GRAINS, GRAINS, periodStart, type Grain, REPORT_TIME_ZONE } from './periods.js';

export interface RollupMetrics {
  /**
   * Contacts that entered the queue in the period (their first `queued` event, at their arrival),
   * counted at once, finished or not: queue rows only. `arrived − offered − switched` of a queue row
   * are its contacts still open (an email not yet replied to, a call still waiting or talking).
   */
  arrived: number;
  /** Contacts answered, abandoned or failed here (agent rows: offers received); switched ones are not. */
  offered: number;
  answered: number;
  abandoned: number;
  failed: number;
  /** Contacts whose customer switched channel while waiting (continued, and counted, in another queue). */
  switched: number;
  /** Answered contacts the routing sweep ended for exceeding their queue's maximum duration: their handle time is not in handled/handleSeconds. */
  endedByMaxDuration: number;
  /**
   * Contacts a supervisor ended by hand (their end never came). Queue rows: all of them — answered
   * ones (in `answered`, their handle time not in handled/handleSeconds) and those ended while
   * waiting or ringing (in `failed`); agent rows: those the agent held when they were ended.
   */
  endedBySupervisor: number;
  callbacks: number;
  transfers: number;
  answeredWaitSeconds: number;
  longestWaitSeconds: number;
  answeredWaitHistogram: Histogram;
  abandonedWaitHistogram: Histogram;
  handled: number;
  handleSeconds: number;
  wrapUps: number;
  wrapUpSeconds: number;
  replied: number;
  replySeconds: number;
  replyHistogram: Histogram;
  repliedWithinDeadline: number;
  /** Answered contacts (the base of first-contact resolution). */
  fcrHandled: number;
  /** Answered contacts followed by another contact of the same customer within the repeat window. */
  fcrRepeated: number;
  /** Contacts that came within the repeat window after an earlier contact of the same customer. */
  repeatContacts: number;
  /** Agent rows: seconds logged in and not on a break; seconds reserved, busy or in wrap-up. */
  staffedSeconds: number;
  occupiedSeconds: number;
}

export const COUNTER_FIELDS = [
  'arrived', 'offered', 'answered', 'abandoned', 'failed', 'switched', 'endedByMaxDuration', 'endedBySupervisor', 'callbacks', 'transfers', 'handled', 'wrapUps', 'replied', 'repliedWithinDeadline',
  'fcrHandled', 'fcrRepeated', 'repeatContacts',
] as const;
export const SUM_FIELDS = ['answeredWaitSeconds', 'handleSeconds', 'wrapUpSeconds', 'replySeconds', 'staffedSeconds', 'occupiedSeconds'] as const;
export const HISTOGRAM_FIELDS = ['answeredWaitHistogram', 'abandonedWaitHistogram', 'replyHistogram'] as const;

export function emptyMetrics(): RollupMetrics {
  return {
    arrived: 0, offered: 0, answered: 0, abandoned: 0, failed: 0, switched: 0, endedByMaxDuration: 0, endedBySupervisor: 0, callbacks: 0, transfers: 0,
    answeredWaitSeconds: 0, longestWaitSeconds: 0, answeredWaitHistogram: emptyHistogram(), abandonedWaitHistogram: emptyHistogram(),
    handled: 0, handleSeconds: 0, wrapUps: 0, wrapUpSeconds: 0,
    replied: 0, replySeconds: 0, replyHistogram: emptyHistogram(), repliedWithinDeadline: 0,
    fcrHandled: 0, fcrRepeated: 0, repeatContacts: 0, staffedSeconds: 0, occupiedSeconds: 0,
  };
}

export function mergeMetrics(into: RollupMetrics, other: RollupMetrics): RollupMetrics {
  for (const f of COUNTER_FIELDS) into[f] += other[f];
  for (const f of SUM_FIELDS) into[f] += other[f];
  for (const f of HISTOGRAM_FIELDS) mergeHistogram(into[f], other[f]);
  into.longestWaitSeconds = Math.max(into.longestWaitSeconds, other.longestWaitSeconds);
  return into;
}

/** What the repeat-contact check found for a contact (see libs/reports fcr.ts). */
export interface RepeatFlags {
  /** Another contact of the same customer came within the window before this one. */
  isRepeat: boolean;
  /** Another contact of the same customer came within the window after this one. */
  hasRepeat: boolean;
}

/**
 * A contact's contribution to its queue's row. A switched contact counts only as switched (and its
 * transfers): the customer was not lost, and their contact is offered, answered or abandoned in
 * the queue they switched to, from the same arrival; nor is it a repeat contact (the new contact,
 * not this one, carries the customer on).
 */
export function queueContribution(f: ContactFact, r: RepeatFlags): RollupMetrics {
  const m = emptyMetrics();
  if (f.outcome === 'switched') {
    m.switched = 1;
    m.transfers = f.transfers;
    return m;
  }
  m.offered = 1;
  m.callbacks = f.callback ? 1 : 0;
  m.transfers = f.transfers;
  m.longestWaitSeconds = f.waitSeconds;
  m.repeatContacts = r.isRepeat ? 1 : 0;
  if (f.outcome === 'answered') {
    m.answered = 1;
    m.answeredWaitSeconds = f.waitSeconds;
    addToHistogram(m.answeredWaitHistogram, f.waitSeconds);
    m.fcrHandled = 1;
    m.fcrRepeated = r.hasRepeat ? 1 : 0;
    if (f.handleSeconds !== null) {
      m.handled = 1;
      m.handleSeconds = f.handleSeconds;
    }
    if (f.endedByMaxDuration) m.endedByMaxDuration = 1;
    if (f.wrapUpSeconds !== null) {
      m.wrapUps = 1;
      m.wrapUpSeconds = f.wrapUpSeconds;
    }
  } else if (f.outcome === 'abandoned') {
    m.abandoned = 1;
    addToHistogram(m.abandonedWaitHistogram, f.waitSeconds);
  } else {
    m.failed = 1;
  }
  if (f.endedBySupervisor) m.endedBySupervisor = 1;
  if (f.replyBusinessSeconds !== null) {
    m.replied = 1;
    m.replySeconds = f.replyBusinessSeconds;
    addToHistogram(m.replyHistogram, f.replyBusinessSeconds);
    m.repliedWithinDeadline = f.replyWithinDeadline ? 1 : 0;
  }
  return m;
}

/**
 * An agent's contribution: offers received, the contact answered first (with its wait), contacts
 * abandoned while ringing at the agent, own handle and wrap-up time, transfers made; the reply and
 * first-contact resolution go to the agent who closed the contact.
 */
export function agentContribution(f: ContactFact, a: AgentShare, r: RepeatFlags): RollupMetrics {
  const m = emptyMetrics();
  m.offered = a.offers;
  m.abandoned = a.abandonedWhileOffered;
  if (a.abandonedWhileOffered) addToHistogram(m.abandonedWaitHistogram, f.waitSeconds);
  m.transfers = a.transfers;
  m.callbacks = a.answered && f.callback ? 1 : 0;
  if (a.answered) {
    m.answered = 1;
    m.answeredWaitSeconds = f.waitSeconds;
    m.longestWaitSeconds = f.waitSeconds;
    addToHistogram(m.answeredWaitHistogram, f.waitSeconds);
  }
  if (a.handleSpans) {
    m.handled = 1;
    m.handleSeconds = a.handleSeconds;
  }
  m.endedByMaxDuration = a.endedByMaxDuration;
  m.endedBySupervisor = a.endedBySupervisor;
  if (a.wrapUps) {
    m.wrapUps = a.wrapUps;
    m.wrapUpSeconds = a.wrapUpSeconds;
  }
  if (a.closed && f.outcome === 'answered') {
    m.fcrHandled = 1;
    m.fcrRepeated = r.hasRepeat ? 1 : 0;
    if (f.replyBusinessSeconds !== null) {
      m.replied = 1;
      m.replySeconds = f.replyBusinessSeconds;
      addToHistogram(m.replyHistogram, f.replyBusinessSeconds);
      m.repliedWithinDeadline = f.replyWithinDeadline ? 1 : 0;
    }
  }
  return m;
}

export interface QueueRowKey {
  grain: Grain;
  periodStart: number;
  queueId: string;
}

export interface AgentRowKey extends QueueRowKey {
  agentId: string;
}

/** A contribution's non-empty histogram buckets: [field, bucket, count] (a contact fills one or two). */
type SparseBuckets = [(typeof HISTOGRAM_FIELDS)[number], number, number][];

function sparseBuckets(m: RollupMetrics): SparseBuckets {
  const out: SparseBuckets = [];
  for (const f of HISTOGRAM_FIELDS) {
    const h = m[f];
    for (let i = 0; i < h.length; i++) if (h[i]) out.push([f, i, h[i]]);
  }
  return out;
}

/** mergeMetrics for one contribution, by its non-empty buckets (field by field: the hot loop of a roll-up build). */
function addContribution(into: RollupMetrics, m: RollupMetrics, buckets: SparseBuckets): void {
  into.arrived += m.arrived;
  into.offered += m.offered;
  into.answered += m.answered;
  into.abandoned += m.abandoned;
  into.failed += m.failed;
  into.switched += m.switched;
  into.endedByMaxDuration += m.endedByMaxDuration;
  into.endedBySupervisor += m.endedBySupervisor;
  into.callbacks += m.callbacks;
  into.transfers += m.transfers;
  into.handled += m.handled;
  into.wrapUps += m.wrapUps;
  into.replied += m.replied;
  into.repliedWithinDeadline += m.repliedWithinDeadline;
  into.fcrHandled += m.fcrHandled;
  into.fcrRepeated += m.fcrRepeated;
  into.repeatContacts += m.repeatContacts;
  into.answeredWaitSeconds += m.answeredWaitSeconds;
  into.handleSeconds += m.handleSeconds;
  into.wrapUpSeconds += m.wrapUpSeconds;
  into.replySeconds += m.replySeconds;
  into.staffedSeconds += m.staffedSeconds;
  into.occupiedSeconds += m.occupiedSeconds;
  if (m.longestWaitSeconds > into.longestWaitSeconds) into.longestWaitSeconds = m.longestWaitSeconds;
  for (const [f, i, n] of buckets) {
    const h = into[f];
    while (h.length <= i) h.push(0);
    h[i] += n;
  }
}

/** Where each stored agent grain's period start is in `RollupDelta`'s per-interval starts (one per grain of GRAINS). */
const AGENT_GRAIN_INDEX = AGENT_ROLLUP_GRAINS.map((g) => GRAINS.indexOf(g));

/**
 * Accumulates the contributions of a batch of contacts per row key (grain, period, queue or agent
 * and queue), so a batch is written with one multi-row upsert per table however many contacts it
 * holds. A contribution is added to the rows of its grains (five for a queue; interval, day and month
 * for an agent, see AGENT_ROLLUP_GRAINS) by its non-empty buckets only.
 */
export class RollupDelta {
  readonly queueRows = new Map<string, { key: QueueRowKey; metrics: RollupMetrics }>();
  readonly agentRows = new Map<string, { key: AgentRowKey; metrics: RollupMetrics }>();
  /** Period starts of every grain per 15-minute interval start (every coarser period starts on one). */
  private readonly starts = new Map<number, number[]>();

  constructor(private readonly timeZone = REPORT_TIME_ZONE) {}

  private periodStarts(at: Date): number[] {
    const interval = periodStart(at.getTime(), 'interval', this.timeZone);
    let starts = this.starts.get(interval);
    if (!starts) {
      starts = GRAINS.map((g) => (g === 'interval' ? interval : periodStart(interval, g, this.timeZone)));
      this.starts.set(interval, starts);
    }
    return starts;
  }

  addQueue(at: Date, queueId: string, m: RollupMetrics): void {
    const starts = this.periodStarts(at);
    const buckets = sparseBuckets(m);
    GRAINS.forEach((grain, g) => {
      const start = starts[g];
      const id = `${grain}|${start}|${queueId}`;
      let row = this.queueRows.get(id);
      if (!row) {
        row = { key: { grain, periodStart: start, queueId }, metrics: emptyMetrics() };
        this.queueRows.set(id, row);
      }
      addContribution(row.metrics, m, buckets);
    });
  }

  addAgent(at: Date, agentId: string, queueId: string, m: RollupMetrics): void {
    const starts = this.periodStarts(at);
    const buckets = sparseBuckets(m);
    AGENT_ROLLUP_GRAINS.forEach((grain, g) => {
      const start = starts[AGENT_GRAIN_INDEX[g]];
      const id = `${grain}|${start}|${agentId}|${queueId}`;
      let row = this.agentRows.get(id);
      if (!row) {
        row = { key: { grain, periodStart: start, agentId, queueId }, metrics: emptyMetrics() };
        this.agentRows.set(id, row);
      }
      addContribution(row.metrics, m, buckets);
    });
  }

  /** A finished contact: its queue row and one row per agent who took part. */
  addFact(f: ContactFact, r: RepeatFlags): void {
    this.addQueue(f.arrivedAt, f.queueId, queueContribution(f, r));
    for (const a of f.agents) this.addAgent(f.arrivedAt, a.agentId, f.queueId, agentContribution(f, a, r));
  }

  /**
   * A contact entered its first queue (its first `queued` event, not a transfer's): +1 arrived on
   * that queue's rows of its arrival, the same rows its facts are added to when it finishes.
   */
  addArrival(arrivedAt: Date, queueId: string): void {
    const m = emptyMetrics();
    m.arrived = 1;
    this.addQueue(arrivedAt, queueId, m);
  }

  /**
   * An earlier, already counted contact turned out to be followed by a repeat: +1 repeated on its
   * queue row and on its closing agent's row (only answered contacts count).
   */
  addLateRepeat(earlier: { arrivedAt: Date; queueId: string; closingAgentId: string | null; answered: boolean }): void {
    if (!earlier.answered) return;
    const m = emptyMetrics();
    m.fcrRepeated = 1;
    this.addQueue(earlier.arrivedAt, earlier.queueId, m);
    if (earlier.closingAgentId) this.addAgent(earlier.arrivedAt, earlier.closingAgentId, earlier.queueId, m);
  }

  get size(): number {
    return this.queueRows.size + this.agentRows.size;
  }
}
