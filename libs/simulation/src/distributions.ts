/**
 * Random variates for the simulator, all driven by libs/staffing's seeded `createRandom`.
 * Each purpose (arrivals of one queue, attributes of its contacts) gets its own stream derived
 * from the run's seed, so changing the staffing of a scenario does not change which contacts
 * arrive or how long they would take (common random numbers: with/without comparisons are less noisy).
 */
import { createRandom, type Random } from '../../staffing/src/index.js';
import { SimulationInputError, requireFiniteAtLeast, requirePositive } from './errors.js';

export type { Random };

/**
 * A duration distribution: handle time or patience.
 * - `exponential` (default): mean `meanSeconds`;
 * - `lognormal`: mean `meanSeconds` and coefficient of variation `cv` (σ/mean, > 0);
 * - `constant`: always `meanSeconds`.
 * A patience of `meanSeconds: Infinity` means the customer never gives up.
 */
export interface DurationSpec {
  meanSeconds: number;
  distribution?: 'exponential' | 'lognormal' | 'constant';
  /** Coefficient of variation for `lognormal`. */
  cv?: number;
}

/** A generator seeded from `seed` and a stream number (splitmix-style mixing of both). */
export function stream(seed: number, streamId: number): Random {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul((streamId + 1) >>> 0, 0x85ebca77)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return createRandom((z ^ (z >>> 16)) >>> 0);
}

export function exponential(random: Random, mean: number): number {
  return -Math.log(1 - random()) * mean;
}

/** Standard normal (Box–Muller, one value per two uniforms; no caching, so streams stay simple). */
export function standardNormal(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Lognormal with the given mean and coefficient of variation. */
export function lognormal(random: Random, mean: number, cv: number): number {
  const sigma2 = Math.log(1 + cv * cv);
  const mu = Math.log(mean) - sigma2 / 2;
  return Math.exp(mu + Math.sqrt(sigma2) * standardNormal(random));
}

/** Gamma(shape, scale) by Marsaglia–Tsang (with the u^(1/shape) boost for shape < 1). */
export function gamma(random: Random, shape: number, scale: number): number {
  if (shape < 1) {
    const g = gamma(random, shape + 1, 1);
    return g * Math.pow(1 - random(), 1 / shape) * scale;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/**
 * The arrival-rate multiplier of one interval for a gamma–Poisson (negative-binomial) count:
 * Gamma with mean 1 and variance `dispersion`, so the count has variance m + dispersion·m².
 * Dispersion 0 = plain Poisson (multiplier 1).
 */
export function rateMultiplier(random: Random, dispersion: number): number {
  if (dispersion <= 0) return 1;
  return gamma(random, 1 / dispersion, dispersion);
}

export function validateDuration(field: string, spec: DurationSpec, allowInfinite: boolean): DurationSpec {
  if (typeof spec !== 'object' || spec === null) throw new SimulationInputError(field, 'must be an object { meanSeconds, distribution?, cv? }');
  const dist = spec.distribution ?? 'exponential';
  if (dist !== 'exponential' && dist !== 'lognormal' && dist !== 'constant') {
    throw new SimulationInputError(`${field}.distribution`, "must be 'exponential', 'lognormal' or 'constant'");
  }
  if (allowInfinite && spec.meanSeconds === Infinity) return spec;
  requirePositive(`${field}.meanSeconds`, spec.meanSeconds);
  if (dist === 'lognormal') requireFiniteAtLeast(`${field}.cv`, spec.cv, Number.MIN_VALUE);
  return spec;
}

/** A sampler for a validated duration spec. */
export function durationSampler(spec: DurationSpec): (random: Random) => number {
  const mean = spec.meanSeconds;
  if (mean === Infinity) return () => Infinity;
  switch (spec.distribution ?? 'exponential') {
    case 'constant':
      return () => mean;
    case 'lognormal': {
      const cv = spec.cv as number;
      return (r) => lognormal(r, mean, cv);
    }
    default:
      return (r) => exponential(r, mean);
  }
}
