/**
 * The figures managers read, from summed roll-up metrics.
 *
 * Service level at a threshold T (seconds), two definitions side by side:
 * - `serviceLevel`         = answered within T / answered;
 * - `serviceLevelAsterisk` = (answered within T + abandoned within T) / (answered + abandoned), as
 *   Asterisk's queue_log SL2: a caller who hung up within T does not count against the target.
 * "Within T" means a wait ≤ T. Both are exact when T is a histogram edge (every 5 s up to two
 * minutes, every 15 s to five minutes, every minute to 30 minutes); otherwise `exact` is false and
 * the counts are interpolated inside the bucket.
 * Short abandons are the abandoned contacts that waited ≤ `shortAbandonSeconds` (exact on an edge);
 * `abandoned` counts all abandoned contacts, `shortAbandoned` those of them that were short.
 */
import { countWithin, histogramPercentile, histogramTotal } from './histogram.js';
import type { RollupMetrics } from './rollup.js';

export interface FigureOptions {
  thresholdSeconds: number;
  shortAbandonSeconds: number;
}

/**
 * One queue's share of a row and the threshold its contacts are measured against: the request's, or
 * the queue's own target (null when the target cannot be applied to these waits: one in business
 * time, as an email queue's, whose service level is its replies by their deadline). The roll-ups
 * keep a histogram per queue, so a row of several queues with different targets measures each
 * contact against its own queue's target, exactly on the histogram's edges.
 */
export interface ThresholdPart {
  metrics: RollupMetrics;
  thresholdSeconds: number | null;
}

/** The within-threshold counts of the measured parts, and the one threshold they share (null: none, or not one). */
function withinThresholds(parts: readonly ThresholdPart[], histogram: 'answeredWaitHistogram' | 'abandonedWaitHistogram') {
  let count = 0;
  let exact = true;
  let answered = 0;
  let abandoned = 0;
  const thresholds = new Set<number>();
  for (const p of parts) {
    if (p.thresholdSeconds === null) continue;
    thresholds.add(p.thresholdSeconds);
    const w = countWithin(p.metrics[histogram], p.thresholdSeconds);
    count += w.count;
    exact &&= w.exact;
    answered += p.metrics.answered;
    abandoned += p.metrics.abandoned;
  }
  return { count, exact, answered, abandoned, measured: thresholds.size > 0, thresholdSeconds: thresholds.size === 1 ? [...thresholds][0] : null };
}

export interface ContactFigures {
  /**
   * The threshold the row's contacts were measured against: the request's, or the queue's own target.
   * Null when the row's queues have different targets (each contact against its own queue's) or when
   * none of them has a target these waits can be measured against (then the service level is null).
   */
  thresholdSeconds: number | null;
  /** Queue rows: contacts that arrived in the period, finished or not (null on agent rows). */
  arrived: number | null;
  /** Queue rows: of those, the contacts not finished yet (arrived − offered − switched; null on agent rows). */
  open: number | null;
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  failed: number;
  /** Contacts whose customer switched channel while waiting: not offered, answered or lost here. */
  switched: number;
  /** Answered contacts ended by the routing sweep after their queue's maximum duration: not in averageHandleSeconds. */
  endedByMaxDuration: number;
  /** Contacts a supervisor ended by hand: the answered ones are not in averageHandleSeconds (agent rows: those the agent held). */
  endedBySupervisor: number;
  /** Null when no threshold applies to the row (see thresholdSeconds). */
  answeredWithinThreshold: number | null;
  abandonedWithinThreshold: number | null;
  serviceLevel: number | null;
  serviceLevelAsterisk: number | null;
  /** False when the threshold or the short-abandon limit is not a histogram edge (interpolated). */
  exact: boolean;
  averageSpeedOfAnswerSeconds: number | null;
  medianWaitSeconds: number | null;
  p90WaitSeconds: number | null;
  longestWaitSeconds: number | null;
  averageHandleSeconds: number | null;
  averageWrapUpSeconds: number | null;
  occupancy: number | null;
  transfers: number;
  callbacks: number;
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const ratio = (a: number, b: number, digits = 4): number | null => (b > 0 ? round(a / b, digits) : null);
const secs = (x: number | null): number | null => (x === null ? null : round(x, 1));

export function contactFigures(m: RollupMetrics, o: FigureOptions, withOccupancy = false, agentRow = false): ContactFigures {
  return contactFiguresByTarget(m, [{ metrics: m, thresholdSeconds: o.thresholdSeconds }], o.shortAbandonSeconds, withOccupancy, agentRow);
}

/**
 * Contacts still open in queue rows `parts`: each queue's arrivals less its finished contacts, never
 * below 0 (a contact whose `queued` event the roll-up has yet to read may be counted finished first).
 */
function openContacts(parts: readonly ThresholdPart[]): number {
  let open = 0;
  for (const { metrics: p } of parts) open += Math.max(0, p.arrived - p.offered - p.switched);
  return open;
}

/**
 * The figures of a row `m` made of `parts` (its queues' shares, which add up to `m`), each measured
 * against its own threshold. The service levels count the measured parts only: answered within /
 * answered and (answered + abandoned within) / (answered + abandoned) of the queues with a threshold.
 */
export function contactFiguresByTarget(m: RollupMetrics, parts: readonly ThresholdPart[], shortAbandonSeconds: number, withOccupancy = false, agentRow = false): ContactFigures {
  const ans = withinThresholds(parts, 'answeredWaitHistogram');
  const abd = withinThresholds(parts, 'abandonedWaitHistogram');
  const short = countWithin(m.abandonedWaitHistogram, shortAbandonSeconds);
  const answeredWithin = ans.count;
  const abandonedWithin = abd.count;
  return {
    thresholdSeconds: ans.thresholdSeconds,
    arrived: agentRow ? null : m.arrived,
    open: agentRow ? null : openContacts(parts),
    offered: m.offered,
    answered: m.answered,
    abandoned: m.abandoned,
    shortAbandoned: round(short.count, 2),
    failed: m.failed,
    switched: m.switched,
    endedByMaxDuration: m.endedByMaxDuration,
    endedBySupervisor: m.endedBySupervisor,
    answeredWithinThreshold: ans.measured ? round(answeredWithin, 2) : null,
    abandonedWithinThreshold: ans.measured ? round(abandonedWithin, 2) : null,
    serviceLevel: ratio(answeredWithin, ans.answered),
    serviceLevelAsterisk: ratio(answeredWithin + abandonedWithin, ans.answered + ans.abandoned),
    exact: ans.exact && abd.exact && short.exact,
    averageSpeedOfAnswerSeconds: m.answered ? secs(m.answeredWaitSeconds / m.answered) : null,
    medianWaitSeconds: secs(histogramPercentile(m.answeredWaitHistogram, 0.5, m.answeredWaitSeconds)),
    p90WaitSeconds: secs(histogramPercentile(m.answeredWaitHistogram, 0.9, m.answeredWaitSeconds)),
    longestWaitSeconds: m.offered || m.answered || m.abandoned ? secs(m.longestWaitSeconds) : null,
    averageHandleSeconds: m.handled ? secs(m.handleSeconds / m.handled) : null,
    averageWrapUpSeconds: m.wrapUps ? secs(m.wrapUpSeconds / m.wrapUps) : null,
    occupancy: withOccupancy ? ratio(m.occupiedSeconds, m.staffedSeconds) : null,
    transfers: m.transfers,
    callbacks: m.callbacks,
  };
}

export interface ReplyFigures {
  replied: number;
  medianReplyBusinessSeconds: number | null;
  p90ReplyBusinessSeconds: number | null;
  averageReplyBusinessSeconds: number | null;
  repliedWithinDeadline: number;
  withinDeadlineShare: number | null;
}

/** Email replies in business time of the queue's calendar. */
export function replyFigures(m: RollupMetrics): ReplyFigures {
  return {
    replied: m.replied,
    medianReplyBusinessSeconds: secs(histogramPercentile(m.replyHistogram, 0.5, m.replySeconds)),
    p90ReplyBusinessSeconds: secs(histogramPercentile(m.replyHistogram, 0.9, m.replySeconds)),
    averageReplyBusinessSeconds: m.replied ? secs(m.replySeconds / m.replied) : null,
    repliedWithinDeadline: m.repliedWithinDeadline,
    withinDeadlineShare: ratio(m.repliedWithinDeadline, m.replied),
  };
}

export interface FirstResponseFigures {
  /** As ContactFigures.thresholdSeconds. */
  thresholdSeconds: number | null;
  answered: number;
  medianFirstResponseSeconds: number | null;
  p90FirstResponseSeconds: number | null;
  averageFirstResponseSeconds: number | null;
  withinThreshold: number | null;
  withinThresholdShare: number | null;
  exact: boolean;
}

/** Chat: the first response is the agent's acceptance of the chat (its answered wait). */
export function firstResponseFigures(m: RollupMetrics, thresholdSeconds: number): FirstResponseFigures {
  return firstResponseFiguresByTarget(m, [{ metrics: m, thresholdSeconds }]);
}

/** As firstResponseFigures, each part (a queue's share of `m`) against its own threshold. */
export function firstResponseFiguresByTarget(m: RollupMetrics, parts: readonly ThresholdPart[]): FirstResponseFigures {
  const within = withinThresholds(parts, 'answeredWaitHistogram');
  return {
    thresholdSeconds: within.thresholdSeconds,
    answered: histogramTotal(m.answeredWaitHistogram),
    medianFirstResponseSeconds: secs(histogramPercentile(m.answeredWaitHistogram, 0.5, m.answeredWaitSeconds)),
    p90FirstResponseSeconds: secs(histogramPercentile(m.answeredWaitHistogram, 0.9, m.answeredWaitSeconds)),
    averageFirstResponseSeconds: m.answered ? secs(m.answeredWaitSeconds / m.answered) : null,
    withinThreshold: within.measured ? round(within.count, 2) : null,
    withinThresholdShare: ratio(within.count, within.answered),
    exact: within.exact,
  };
}

/** The repeat window of first-contact resolution from data. */
export const REPEAT_WINDOW_DAYS = 7;

export interface ResolutionFigures {
  /** Answered contacts of the period (closed by the row's agent on agent rows). */
  handled: number;
  /** Of them, followed by another contact of the same customer, any channel, within 7 days. */
  repeated: number;
  /** 1 − repeated / handled. */
  firstContactResolution: number | null;
  /** Contacts of the period that were themselves repeats of an earlier contact within 7 days. */
  repeatContacts: number;
  /** True when 7 days have passed since the end of the period: the rate can no longer fall. */
  windowComplete: boolean;
}

export function resolutionFigures(m: RollupMetrics, periodEndMs: number, nowMs: number): ResolutionFigures {
  return {
    handled: m.fcrHandled,
    repeated: m.fcrRepeated,
    firstContactResolution: m.fcrHandled ? round(1 - m.fcrRepeated / m.fcrHandled, 4) : null,
    repeatContacts: m.repeatContacts,
    windowComplete: periodEndMs + REPEAT_WINDOW_DAYS * 86_400_000 <= nowMs,
  };
}
