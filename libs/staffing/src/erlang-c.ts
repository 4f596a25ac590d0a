/**
 * Erlang C (M/M/n): Poisson arrivals at rate λ, exponential handle times with mean AHT, n agents,
 * infinite patience, first-come first-served.
 *
 * With offered load A = λ·AHT (Erlangs) and Erlang B value B = B(n, A):
 *   P(wait > 0)  C = n·B / (n − A·(1 − B))                       (valid for n > A)
 *   P(wait ≤ T)  SL = 1 − C·exp(−(n − A)·T / AHT)
 *   ASA          C·AHT / (n − A)
 *   occupancy    A / n
 * For n ≤ A the queue grows without bound: the result is marked unstable with C = 1, SL = 0,
 * ASA = Infinity and occupancy 1. With no traffic (A = 0) nobody waits: SL = 1, ASA = 0.
 */
import { erlangBStep, erlangBUnchecked, checkMaxAgents } from './erlang-b.js';
import {
  type ArrivalInput,
  StaffingInputError,
  requireFraction,
  requireInteger,
  requireNonNegative,
  requirePositive,
  resolveArrivalRate,
} from './errors.js';

/** A service-level target: `serviceLevel` (fraction) of contacts answered within `thresholdSeconds`. */
export interface ServiceTarget {
  /** Fraction in (0, 1), e.g. 0.8 for "80 % ...". */
  serviceLevel: number;
  /** ... "within T seconds", T ≥ 0. */
  thresholdSeconds: number;
}

export interface ErlangCInput extends ArrivalInput {
  ahtSeconds: number;
  agents: number;
  /** T for the service level P(wait ≤ T); defaults to 0 (share answered at once). */
  thresholdSeconds?: number;
}

export interface ErlangCRequirementInput extends ArrivalInput {
  ahtSeconds: number;
  target: ServiceTarget;
  /** Optional cap on agent occupancy A/n (fraction, e.g. 0.85). */
  maxOccupancy?: number;
  /** Give up (throw) above this many agents; default 1,000,000. */
  maxAgents?: number;
}

export interface ErlangCResult {
  agents: number;
  /** A = λ·AHT in Erlangs. */
  offeredLoad: number;
  /** False when agents ≤ offered load (the queue grows without bound). */
  stable: boolean;
  /** Erlang C: probability that an arriving contact has to wait. */
  probabilityOfWaiting: number;
  /** P(wait ≤ T). */
  serviceLevel: number;
  /** Average speed of answer (mean wait of all contacts), seconds. */
  asa: number;
  /** Mean share of time an agent is busy, A/n. */
  occupancy: number;
}

/** Erlang C metrics from a known Erlang B value (no validation). */
export function erlangCFromB(agents: number, load: number, erlangBValue: number, ahtSeconds: number, thresholdSeconds: number): ErlangCResult {
  if (load === 0) {
    return { agents, offeredLoad: 0, stable: true, probabilityOfWaiting: 0, serviceLevel: 1, asa: 0, occupancy: 0 };
  }
  if (agents <= load) {
    return { agents, offeredLoad: load, stable: false, probabilityOfWaiting: 1, serviceLevel: 0, asa: Infinity, occupancy: 1 };
  }
  const gap = agents - load;
  const c = Math.min(1, (agents * erlangBValue) / (gap + load * erlangBValue));
  const serviceLevel = 1 - c * Math.exp((-gap * thresholdSeconds) / ahtSeconds);
  return {
    agents,
    offeredLoad: load,
    stable: true,
    probabilityOfWaiting: c,
    serviceLevel,
    asa: (c * ahtSeconds) / gap,
    occupancy: load / agents,
  };
}

/** Probability of waiting C(n, A) for n agents and A Erlangs (1 when n ≤ A). */
export function erlangCProbability(agents: number, load: number): number {
  requireInteger('agents', agents, 0);
  requireNonNegative('load', load);
  if (load === 0) return 0;
  if (agents <= load) return 1;
  const b = erlangBUnchecked(agents, load);
  return Math.min(1, (agents * b) / (agents - load + load * b));
}

/** Erlang C performance of a given number of agents. */
export function erlangC(input: ErlangCInput): ErlangCResult {
  const rate = resolveArrivalRate(input);
  const aht = requirePositive('ahtSeconds', input.ahtSeconds);
  const agents = requireInteger('agents', input.agents, 0);
  const threshold = requireNonNegative('thresholdSeconds', input.thresholdSeconds ?? 0);
  const load = rate * aht;
  return erlangCFromB(agents, load, erlangBUnchecked(agents, load), aht, threshold);
}

export function validateTarget(target: ServiceTarget | undefined, name = 'target'): ServiceTarget {
  if (target === undefined || target === null || typeof target !== 'object') {
    throw new StaffingInputError(name, 'is required ({ serviceLevel, thresholdSeconds })');
  }
  const sl = target.serviceLevel;
  if (typeof sl !== 'number' || !(sl > 0 && sl < 1)) {
    throw new StaffingInputError(`${name}.serviceLevel`, 'must be a fraction > 0 and < 1');
  }
  requireNonNegative(`${name}.thresholdSeconds`, target.thresholdSeconds);
  return target;
}

/** Tolerance for comparing a computed fraction with a target (floating-point noise only). */
export const TARGET_TOLERANCE = 1e-12;

/**
 * Smallest n with SL ≥ target (and occupancy ≤ maxOccupancy), searched upward from the first
 * stable n with the Erlang B recursion carried along (one O(√A) start, then O(1) per step).
 * Internal, unvalidated.
 */
export function searchErlangC(load: number, ahtSeconds: number, target: ServiceTarget, maxOccupancy: number, maxAgents: number): ErlangCResult {
  if (load === 0) return erlangCFromB(0, 0, 0, ahtSeconds, target.thresholdSeconds);
  let n = Math.max(1, Math.floor(load) + 1, Math.ceil(load / maxOccupancy - TARGET_TOLERANCE));
  let b = erlangBUnchecked(n, load);
  for (;;) {
    if (n > maxAgents) {
      throw new StaffingInputError('target', `cannot be met with at most maxAgents = ${maxAgents} agents`);
    }
    const result = erlangCFromB(n, load, b, ahtSeconds, target.thresholdSeconds);
    if (result.stable && result.serviceLevel >= target.serviceLevel - TARGET_TOLERANCE && result.occupancy <= maxOccupancy + TARGET_TOLERANCE) {
      return result;
    }
    n += 1;
    b = erlangBStep(b, n, load);
  }
}

/** The smallest number of agents meeting the service-level target (and optional occupancy cap). */
export function erlangCAgents(input: ErlangCRequirementInput): ErlangCResult {
  const rate = resolveArrivalRate(input);
  const aht = requirePositive('ahtSeconds', input.ahtSeconds);
  const target = validateTarget(input.target);
  const maxOccupancy = input.maxOccupancy === undefined ? 1 : requireFraction('maxOccupancy', input.maxOccupancy);
  return searchErlangC(rate * aht, aht, target, maxOccupancy, checkMaxAgents(input.maxAgents));
}
