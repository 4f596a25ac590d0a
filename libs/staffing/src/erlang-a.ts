/**
 * Erlang A (M/M/n+M): Poisson arrivals λ, exponential handle times (rate μ = 1/AHT), n agents, FCFS,
 * and every waiting caller abandons after an exponential patience with mean 1/θ seconds.
 *
 * Exact method — no approximation other than truncating a tail below 10⁻¹⁶:
 *
 * 1. State probabilities of the birth–death chain (k = callers in the system). Relative to πₙ:
 *    below n the Erlang loss shape gives Σ_{k<n} πₖ/πₙ = 1/B(n, A) − 1 (stable Erlang B recursion);
 *    above n, qⱼ = π_{n+j}/πₙ = Π_{i=1..j} λ / (nμ + iθ). The qⱼ are generated in one pass with
 *    rescaling (they can reach 10³⁰⁰ when n ≪ A), and the pass stops once it is past the mode and the
 *    geometric bound on the remaining tail is below 10⁻¹⁶ of the total.
 * 2. The tagged caller (PASTA: arrivals see πₖ). One who finds all n busy and j others waiting
 *    moves up one place at rate rₘ = nμ + mθ while m callers are ahead (a server frees, or one of
 *    them abandons) and needs j+1 such moves; its own patience (rate θ) competes all the way. Each
 *    stage ends after Exp(rₘ + θ) whichever event wins, so
 *        P(answered | j)          = Π_{m=0..j} rₘ/(rₘ+θ) = nμ / (nμ + (j+1)θ)      (telescoping),
 *        P(answered within T | j) = P(answered | j) · P(Σ_{i=1..j+1} Exp(nμ + iθ) ≤ T).
 *    The rates nμ + iθ form an arithmetic progression, so θ·Σ = Σ_{i=0..j} Exp(b + i) with
 *    b = nμ/θ + 1, which is −ln of a Beta(b, j+1) variable. Hence
 *        P(Σ ≤ T) = I_x(j+1, b), x = 1 − e^(−θT)   (regularised incomplete beta)
 *                 = P(N ≥ j+1) for N negative-binomial: P(N = k) = C(k+b−1, k)·xᵏ·(1−x)ᵇ,
 *    whose probabilities follow tₖ = tₖ₋₁·x·(k+b−1)/k. So the whole service level costs one O(J)
 *    pass with only multiplications — no alternating hypoexponential sums, no uniformisation. The
 *    start value t₀ = e^(−(nμ+θ)T) may underflow; it is carried as mantissa × e^(scale).
 *    As θ → 0, I_x(j+1, b) tends to the Erlang(j+1, nμ) distribution and everything to Erlang C.
 * 3. Metrics. Service level = share of ALL arrivals answered within T (abandoned callers count as
 *    not answered in time). Abandonment = Σ π_{n+j}·(1 − P(answered | j)), which equals θ·E[Lq]/λ
 *    (checked in the spec). Mean wait of all callers = E[Lq]/λ (Little). ASA of answered callers
 *    uses E[wait · 1{answered} | j] = P(answered | j) · Σ_{i=1..j+1} 1/(nμ + iθ). Occupancy =
 *    λ·(1 − abandonment)·AHT / n.
 */
import { checkMaxAgents, erlangBUnchecked } from './erlang-b.js';
import { type ServiceTarget, TARGET_TOLERANCE, erlangCFromB, searchErlangC, validateTarget } from './erlang-c.js';
import {
  type ArrivalInput,
  StaffingInputError,
  requireFraction,
  requireInteger,
  requireNonNegative,
  requirePositive,
  resolveArrivalRate,
} from './errors.js';

export interface ErlangAInput extends ArrivalInput {
  ahtSeconds: number;
  agents: number;
  /** Mean patience 1/θ in seconds; `Infinity` gives Erlang C. */
  patienceSeconds: number;
  /** T for the service level; defaults to 0. */
  thresholdSeconds?: number;
}

export interface ErlangARequirementInput extends ArrivalInput {
  ahtSeconds: number;
  patienceSeconds: number;
  target: ServiceTarget;
  /** Optional cap on the abandonment share (fraction of all arrivals). */
  maxAbandonment?: number;
  /** Optional cap on occupancy. */
  maxOccupancy?: number;
  /** Give up (throw) above this many agents; default 1,000,000. */
  maxAgents?: number;
}

export interface ErlangAResult {
  agents: number;
  /** A = λ·AHT in Erlangs. */
  offeredLoad: number;
  /** Probability that an arriving caller finds all agents busy. */
  probabilityOfWaiting: number;
  /** Share of ALL arriving callers answered within T. */
  serviceLevel: number;
  /** Share of arriving callers who hang up before being answered. */
  abandonment: number;
  /** Mean wait of answered callers (seconds; 0 for those answered at once). */
  asa: number;
  /** Mean time in queue over all callers, answered or not (seconds) = E[Lq]/λ. */
  meanWait: number;
  /** Mean number of callers waiting. */
  meanQueueLength: number;
  /** Share of agent time busy = carried load / n. */
  occupancy: number;
  /** Number of queue states summed before the tail became negligible (diagnostic). */
  statesEvaluated: number;
}

/** Hard limit on queue states; only reached with absurdly long patience on an overloaded queue. */
export const MAX_QUEUE_STATES = 20_000_000;

const RESCALE = 1e250;
const RESCALE_LOG = Math.log(RESCALE);
const TAIL_TOLERANCE = 1e-17;

/** Erlang A metrics, unvalidated. θ must be > 0 (use Erlang C for infinite patience). */
export function erlangAMetrics(agents: number, arrivalRate: number, ahtSeconds: number, theta: number, thresholdSeconds: number): ErlangAResult {
  const load = arrivalRate * ahtSeconds;
  if (arrivalRate === 0) {
    return result(agents, 0, 0, 1, 0, 0, 0, 0, 0, 0);
  }
  if (agents === 0) {
    // Nobody is ever answered; every caller waits out its patience.
    return result(0, load, 1, 0, 1, 0, 1 / theta, arrivalRate / theta, 0, 0);
  }
  const b = erlangBUnchecked(agents, load);
  if (b < 1e-300) {
    return result(agents, load, 0, 1, 0, 0, 0, 0, load / agents, 0);
  }
  const serviceRate = agents / ahtSeconds; // nμ
  const below = 1 / b - 1; // Σ_{k<n} πₖ / πₙ

  // Negative-binomial tail for the tagged caller's "answered within T": t = mantissa · e^tLog.
  const x = -Math.expm1(-theta * thresholdSeconds);
  const shape = serviceRate / theta + 1; // b in the header
  let tMantissa = 1;
  let tLog = -(serviceRate + theta) * thresholdSeconds;
  let tFactor = Math.exp(tLog);
  let cdfMantissa = 0; // Σ_{k<j+1} t_k in units of e^tLog (after adding t_j)

  // Queue weights q_j (relative to π_n), with accumulators in the same (rescaled) units.
  let q = 1;
  let qLog = 0;
  let sumQ = 0;
  let sumJQ = 0;
  let sumServedInTime = 0;
  let sumAnswered = 0;
  let sumAnsweredWait = 0;
  let harmonic = 0; // Σ_{i=1..j+1} 1/(nμ + iθ)

  let j = 0;
  for (;; j++) {
    // t_j and the NB cdf up to j.
    if (j > 0) tMantissa *= (x * (j + shape - 1)) / j;
    cdfMantissa += tMantissa;
    if (tMantissa > RESCALE) {
      tMantissa /= RESCALE;
      cdfMantissa /= RESCALE;
      tLog += RESCALE_LOG;
      tFactor = Math.exp(tLog);
    }
    if (tLog !== 0 && tLog > -600) {
      // Fold the scale back once it is representable.
      tMantissa *= tFactor;
      cdfMantissa *= tFactor;
      tLog = 0;
      tFactor = 1;
    }
    const tail = Math.max(0, 1 - cdfMantissa * tFactor); // P(N ≥ j+1)

    const stageRate = serviceRate + (j + 1) * theta; // nμ + (j+1)θ
    const answered = serviceRate / stageRate;
    harmonic += 1 / stageRate;

    sumQ += q;
    sumJQ += j * q;
    sumServedInTime += q * answered * tail;
    sumAnswered += q * answered;
    sumAnsweredWait += q * answered * harmonic;

    const ratio = arrivalRate / stageRate; // q_{j+1} / q_j
    if (ratio < 1) {
      const remaining = (q * ratio * (j + 2)) / ((1 - ratio) * (1 - ratio));
      if (remaining <= TAIL_TOLERANCE * sumQ) break;
    }
    if (j >= MAX_QUEUE_STATES) {
      throw new StaffingInputError('patienceSeconds', `is too long for this load: the queue distribution needs more than ${MAX_QUEUE_STATES} states`);
    }
    q *= ratio;
    if (q > RESCALE) {
      q /= RESCALE;
      sumQ /= RESCALE;
      sumJQ /= RESCALE;
      sumServedInTime /= RESCALE;
      sumAnswered /= RESCALE;
      sumAnsweredWait /= RESCALE;
      qLog += RESCALE_LOG;
    }
  }

  // Normalise: Z = below + Q, in the rescaled units of q.
  const belowScaled = qLog === 0 ? below : below * Math.exp(-qLog);
  const z = belowScaled + sumQ;
  const noWait = belowScaled / z;
  const probabilityOfWaiting = sumQ / z;
  const answeredShare = noWait + sumAnswered / z;
  const abandonment = Math.max(0, probabilityOfWaiting - sumAnswered / z);
  const meanQueueLength = sumJQ / z;
  return result(
    agents,
    load,
    probabilityOfWaiting,
    Math.min(1, noWait + sumServedInTime / z),
    abandonment,
    answeredShare > 0 ? sumAnsweredWait / z / answeredShare : 0,
    meanQueueLength / arrivalRate,
    meanQueueLength,
    Math.min(1, (load * (1 - abandonment)) / agents),
    j + 1,
  );
}

function result(
  agents: number,
  offeredLoad: number,
  probabilityOfWaiting: number,
  serviceLevel: number,
  abandonment: number,
  asa: number,
  meanWait: number,
  meanQueueLength: number,
  occupancy: number,
  statesEvaluated: number,
): ErlangAResult {
  return { agents, offeredLoad, probabilityOfWaiting, serviceLevel, abandonment, asa, meanWait, meanQueueLength, occupancy, statesEvaluated };
}

function fromErlangC(agents: number, arrivalRate: number, ahtSeconds: number, thresholdSeconds: number): ErlangAResult {
  const load = arrivalRate * ahtSeconds;
  const c = erlangCFromB(agents, load, erlangBUnchecked(agents, load), ahtSeconds, thresholdSeconds);
  const meanQueueLength = c.stable ? c.asa * arrivalRate : Infinity;
  return result(agents, load, c.probabilityOfWaiting, c.serviceLevel, 0, c.asa, c.asa, meanQueueLength, c.occupancy, 0);
}

function thetaOf(patienceSeconds: number): number {
  if (patienceSeconds === Infinity) return 0;
  return 1 / requirePositive('patienceSeconds', patienceSeconds);
}

/** Erlang A performance of a given number of agents. */
export function erlangA(input: ErlangAInput): ErlangAResult {
  const rate = resolveArrivalRate(input);
  const aht = requirePositive('ahtSeconds', input.ahtSeconds);
  const agents = requireInteger('agents', input.agents, 0);
  const threshold = requireNonNegative('thresholdSeconds', input.thresholdSeconds ?? 0);
  const theta = thetaOf(input.patienceSeconds);
  if (theta === 0) return fromErlangC(agents, rate, aht, threshold);
  return erlangAMetrics(agents, rate, aht, theta, threshold);
}

/**
 * Smallest n meeting the target (and the optional abandonment and occupancy caps), unvalidated.
 * SL rises and abandonment falls with n, so the search gallops from a starting guess (the Erlang C
 * answer, which abandonment can only lower in practice) and then bisects.
 */
export function searchErlangA(
  arrivalRate: number,
  ahtSeconds: number,
  theta: number,
  target: ServiceTarget,
  maxAbandonment: number,
  maxOccupancy: number,
  maxAgents: number,
  guess?: number,
): ErlangAResult {
  const load = arrivalRate * ahtSeconds;
  if (arrivalRate === 0) return result(0, 0, 0, 1, 0, 0, 0, 0, 0, 0);
  const evaluate = (n: number) => erlangAMetrics(n, arrivalRate, ahtSeconds, theta, target.thresholdSeconds);
  const meets = (r: ErlangAResult) =>
    r.serviceLevel >= target.serviceLevel - TARGET_TOLERANCE &&
    r.abandonment <= maxAbandonment + TARGET_TOLERANCE &&
    r.occupancy <= maxOccupancy + TARGET_TOLERANCE;

  let hi = Math.max(1, Math.min(maxAgents, guess ?? searchErlangC(load, ahtSeconds, target, 1, Number.MAX_SAFE_INTEGER).agents));
  let hiResult = evaluate(hi);
  let lo = 0; // n = 0 never meets a target > 0
  if (meets(hiResult)) {
    // Gallop down until a failing n is found.
    let step = 1;
    for (;;) {
      const n = hi - step;
      if (n <= lo) break;
      const r = evaluate(n);
      if (meets(r)) {
        hi = n;
        hiResult = r;
        step *= 2;
      } else {
        lo = n;
        break;
      }
    }
  } else {
    lo = hi;
    let step = 1;
    for (;;) {
      if (lo >= maxAgents) {
        throw new StaffingInputError('target', `cannot be met with at most maxAgents = ${maxAgents} agents`);
      }
      const n = Math.min(maxAgents, lo + step);
      const r = evaluate(n);
      if (meets(r)) {
        hi = n;
        hiResult = r;
        break;
      }
      lo = n;
      step *= 2;
    }
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const r = evaluate(mid);
    if (meets(r)) {
      hi = mid;
      hiResult = r;
    } else {
      lo = mid;
    }
  }
  return hiResult;
}

/** The smallest number of agents meeting the target under Erlang A. */
export function erlangAAgents(input: ErlangARequirementInput): ErlangAResult {
  const rate = resolveArrivalRate(input);
  const aht = requirePositive('ahtSeconds', input.ahtSeconds);
  const target = validateTarget(input.target);
  const theta = thetaOf(input.patienceSeconds);
  const maxAbandonment = input.maxAbandonment === undefined ? 1 : requireFraction('maxAbandonment', input.maxAbandonment, true);
  const maxOccupancy = input.maxOccupancy === undefined ? 1 : requireFraction('maxOccupancy', input.maxOccupancy);
  const maxAgents = checkMaxAgents(input.maxAgents);
  if (theta === 0) {
    const c = searchErlangC(rate * aht, aht, target, maxOccupancy, maxAgents);
    return fromErlangC(c.agents, rate, aht, target.thresholdSeconds);
  }
  return searchErlangA(rate, aht, theta, target, maxAbandonment, maxOccupancy, maxAgents);
}
