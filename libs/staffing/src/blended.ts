/**
 * Blended staffing: one pool of agents serving phone, chat and email in the same interval.
 *
 * Rule (simple and conservative, by design):
 *   blended = ⌈ phoneAgents + chatWorkloadAgents / chatOccupancy + emailWorkSeconds / (L · emailOccupancy) ⌉
 * - Phone keeps its full Erlang C / Erlang A requirement: callers cannot wait, so the pool needs the
 *   phone queueing margin regardless of other work, and phone idle time is not counted as free
 *   capacity (an agent busy on an email is not instantly free for the next call).
 * - Chat and email are added as workload converted to FTE at a planned occupancy: chat load
 *   λ·aht(c)/c agents (ChatResult.workloadAgents) at, by default, 85 % occupancy, and email work
 *   (EmailIntervalResult.workedSeconds, already deferred to deadlines) at 100 % by default — email
 *   can wait, so it fills time without a queueing margin.
 * The sum is rounded up once, so fractions of several channels share an agent. This overstates the
 * need slightly compared with a true blended queueing model, which a later simulation can refine.
 * For a horizon, `computeRequirements` with `pools` is the blended model to use: there email fills
 * the idle time of the phone and chat agents (see `requirements.ts`).
 */
import { requireFraction, requireNonNegative, requirePositive } from './errors.js';

export interface BlendedInput {
  /** Interval length L, seconds. */
  intervalSeconds: number;
  /** Phone requirement from Erlang C / A (agents). */
  phoneAgents?: number;
  /** Chat workload in agents, λ·aht(c)/c. */
  chatWorkloadAgents?: number;
  /** Email work to do in the interval, seconds. */
  emailWorkSeconds?: number;
  /** Planned occupancy of chat work, default 0.85. */
  chatOccupancy?: number;
  /** Planned occupancy of email work, default 1. */
  emailOccupancy?: number;
}

export interface BlendedResult {
  agents: number;
  phoneAgents: number;
  chatAgents: number;
  emailAgents: number;
}

/** Agents for one pool serving all channels in one interval (fractional per-channel parts, one ceiling). */
export function blendedAgents(input: BlendedInput): BlendedResult {
  const length = requirePositive('intervalSeconds', input.intervalSeconds);
  const phone = requireNonNegative('phoneAgents', input.phoneAgents ?? 0);
  const chatLoad = requireNonNegative('chatWorkloadAgents', input.chatWorkloadAgents ?? 0);
  const emailWork = requireNonNegative('emailWorkSeconds', input.emailWorkSeconds ?? 0);
  const chatOccupancy = requireFraction('chatOccupancy', input.chatOccupancy ?? 0.85);
  const emailOccupancy = requireFraction('emailOccupancy', input.emailOccupancy ?? 1);
  const chatAgents = chatLoad / chatOccupancy;
  const emailAgents = emailWork / (length * emailOccupancy);
  const total = phone + chatAgents + emailAgents;
  return { agents: total > 0 ? Math.ceil(total - 1e-9) : 0, phoneAgents: phone, chatAgents, emailAgents };
}
