import { Z95 } from './nps.js';

/**
 * Wilson score interval of a proportion (here: "solved at the first contact" yes / answers).
 *
 *   centre = (p̂ + z²/2n) / (1 + z²/n)
 *   half   = z · sqrt(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n)
 *
 * Unlike the Wald interval it stays inside [0, 1] and is sensible at p̂ = 0 or 1 and for small n.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): { low: number; high: number } | null {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || n < 0 || successes > n) {
    throw new RangeError(`need integers 0 <= successes <= n (got ${successes} of ${n})`);
  }
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // exactly 0 / 1 at the edges (the formula gives them up to rounding)
  return { low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}

export interface ProportionSummary {
  answers: number;
  yes: number;
  rate: number | null;
  ci95: { low: number; high: number } | null;
}

export function proportionSummary(yes: number, answers: number): ProportionSummary {
  return { answers, yes, rate: answers === 0 ? null : yes / answers, ci95: wilsonInterval(yes, answers) };
}
