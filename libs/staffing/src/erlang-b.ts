/**
 * Erlang B (M/M/n/n blocking probability) — the numerically stable building block of Erlang C and
 * Erlang A.
 *
 * The textbook formula B(n, A) = (Aⁿ/n!) / Σₖ Aᵏ/k! overflows long before 5,000 agents. We use the
 * recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)), which only ever handles numbers in [0, 1].
 *
 * Speed-up (exact to double precision): the recursion forgets its starting value. Writing
 * r(k) = 1/B(k) = 1 + (k/A)·r(k−1), a relative error in r(k−1) is multiplied by (1 − B(k)) ≤ k/A in
 * r(k) (because B(k) ≥ 1 − k/A: carried traffic A(1−B) cannot exceed k). Starting at
 * k₀ = min(n, ⌊A⌋) − ⌈10√A⌉ − 20 from the heavy-overload estimate B(k₀) ≈ 1 − k₀/A, whose relative
 * error is O(1), the error is damped by at least ∏ k/A over the ≥ 10√A steps up to A, i.e. by
 * e^(−50) ≈ 2·10⁻²², and never grows above A. So B(n, A) costs O(√A) steps instead of O(n), which is
 * what makes a 20,000-interval horizon at thousands of Erlangs cheap.
 */
import { StaffingInputError, requireInteger, requireNonNegative } from './errors.js';

/** Below this load the full recursion from 0 is at most ~50 steps: no need to be clever. */
const FULL_RECURSION_LOAD = 50;

/** Erlang B blocking probability for `servers` servers and offered load `load` Erlangs (no validation). */
export function erlangBUnchecked(servers: number, load: number): number {
  if (servers === 0) return 1;
  if (load === 0) return 0;
  let k = 0;
  let b = 1;
  if (load > FULL_RECURSION_LOAD) {
    const top = Math.min(servers, Math.floor(load));
    const start = top - Math.ceil(10 * Math.sqrt(load)) - 20;
    if (start > 0) {
      k = start;
      b = 1 - start / load;
    }
  }
  for (k = k + 1; k <= servers; k++) b = (load * b) / (k + load * b);
  return b;
}

/**
 * Erlang B blocking probability: the share of contacts lost when `servers` servers face an offered
 * load of `load` Erlangs (arrival rate × mean handle time) and there is no queue.
 */
export function erlangB(servers: number, load: number): number {
  requireInteger('servers', servers, 0);
  requireNonNegative('load', load);
  return erlangBUnchecked(servers, load);
}

/** Advances B(k−1, A) to B(k, A). */
export function erlangBStep(previous: number, k: number, load: number): number {
  return (load * previous) / (k + load * previous);
}

/** Guard used by callers that accept an optional cap on the number of agents searched. */
export function checkMaxAgents(maxAgents: number | undefined): number {
  if (maxAgents === undefined) return 1_000_000;
  if (!Number.isInteger(maxAgents) || maxAgents < 1) throw new StaffingInputError('maxAgents', 'must be an integer >= 1');
  return maxAgents;
}
