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

export interface ContactFigures {
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  failed: number;
  /** Contacts whose customer switched channel while waiting: not offered, answered or lost here. */
  switched: number;
  /** Answered contacts ended by the routing sweep after their queue's maximum duration: not in averageHandleSeconds. */
  endedByMaxDuration: number;
  answeredWithinThreshold: number;
  abandonedWithinThreshold: number;
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

export function contactFigures(m: RollupMetrics, o: FigureOptions, withOccupancy = false): ContactFigures {
  const ans = countWithin(m.answeredWaitHistogram, o.thresholdSeconds);
  const abd = countWithin(m.abandonedWaitHistogram, o.thresholdSeconds);
  const short = countWithin(m.abandonedWaitHistogram, o.shortAbandonSeconds);
  const answeredWithin = ans.count;
  const abandonedWithin = abd.count;
  return {
    offered: m.offered,
    answered: m.answered,
    abandoned: m.abandoned,
    shortAbandoned: round(short.count, 2),
    failed: m.failed,
    switched: m.switched,
    endedByMaxDuration: m.endedByMaxDuration,
    answeredWithinThreshold: round(answeredWithin, 2),
    abandonedWithinThreshold: round(abandonedWithin, 2),
    serviceLevel: ratio(answeredWithin, m.answered),
    serviceLevelAsterisk: ratio(answeredWithin + abandonedWithin, m.answered + m.abandoned),
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
  answered: number;
  medianFirstResponseSeconds: number | null;
  p90FirstResponseSeconds: number | null;
  averageFirstResponseSeconds: number | null;
  withinThreshold: number;
  withinThresholdShare: number | null;
  exact: boolean;
}

/** Chat: the first response is the agent's acceptance of the chat (its answered wait). */
export function firstResponseFigures(m: RollupMetrics, thresholdSeconds: number): FirstResponseFigures {
  const within = countWithin(m.answeredWaitHistogram, thresholdSeconds);
  return {
    answered: histogramTotal(m.answeredWaitHistogram),
    medianFirstResponseSeconds: secs(histogramPercentile(m.answeredWaitHistogram, 0.5, m.answeredWaitSeconds)),
    p90FirstResponseSeconds: secs(histogramPercentile(m.answeredWaitHistogram, 0.9, m.answeredWaitSeconds)),
    averageFirstResponseSeconds: m.answered ? secs(m.answeredWaitSeconds / m.answered) : null,
    withinThreshold: round(within.count, 2),
    withinThresholdShare: ratio(within.count, m.answered),
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
