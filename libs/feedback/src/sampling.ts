import { drawWithoutReplacement, type RandomSource } from './random.js';

/**
 * Which ended contacts are invited to the survey.
 *
 * Stratified sampling: the candidates of one batch are split into strata (channel × queue); each
 * stratum draws its own simple random sample of size rate · N_h among its eligible contacts, with
 * randomized rounding (⌊rate · N_h⌋, plus one with probability equal to the fraction) so that the
 * expected sample is exactly rate · N_h in every stratum, however small the batches are.
 * A customer is eligible if they have not been invited within the cooldown (N days) and they are
 * asked at most once per batch. Contacts without an identified customer cannot be reached.
 */
export interface SamplingCandidate {
  id: string;
  customerId: string | null;
  /** e.g. `phone:<queue id>` */
  stratum: string;
}

export type SamplingOutcome = 'sampled' | 'not-drawn' | 'recently-asked' | 'no-customer' | 'customer-in-batch';

export interface StratumResult {
  stratum: string;
  rate: number;
  candidates: number;
  eligible: number;
  quota: number;
  sampled: number;
}

export interface SamplingResult<C extends SamplingCandidate> {
  sampled: C[];
  outcomes: Map<string, SamplingOutcome>;
  strata: StratumResult[];
}

const DAY_MS = 86_400_000;

/** True when a customer last invited at `lastAskedAt` may be invited again at `now`. */
export function isEligibleForSurvey(lastAskedAt: Date | null | undefined, now: Date, cooldownDays: number): boolean {
  if (!Number.isFinite(cooldownDays) || cooldownDays < 0) throw new RangeError(`cooldownDays must be >= 0 (got ${cooldownDays})`);
  if (!lastAskedAt) return true;
  return now.getTime() - lastAskedAt.getTime() >= cooldownDays * DAY_MS;
}

/** ⌊x⌋ or ⌈x⌉ with the probability that makes the expectation x (one draw only when x is fractional). */
export function randomizedRound(x: number, random: RandomSource): number {
  const base = Math.floor(x);
  const frac = x - base;
  return frac > 1e-12 && random() < frac ? base + 1 : base;
}

export function stratifiedSample<C extends SamplingCandidate>(input: {
  candidates: readonly C[];
  rateOf: (stratum: string) => number;
  lastAskedAt: (customerId: string) => Date | null | undefined;
  cooldownDays: number;
  now: Date;
  random: RandomSource;
}): SamplingResult<C> {
  const outcomes = new Map<string, SamplingOutcome>();
  const byStratum = new Map<string, C[]>();
  for (const c of input.candidates) {
    const list = byStratum.get(c.stratum) ?? [];
    list.push(c);
    byStratum.set(c.stratum, list);
  }
  const picked = new Set<string>();
  const sampled: C[] = [];
  const strata: StratumResult[] = [];
  // A fixed order of strata and of candidates within them: the same input and seed give the same sample.
  for (const stratum of [...byStratum.keys()].sort()) {
    const members = byStratum.get(stratum)!;
    const rate = input.rateOf(stratum);
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`sampling rate of ${stratum} must be in [0, 1] (got ${rate})`);
    const eligible: C[] = [];
    for (const c of members) {
      if (!c.customerId) outcomes.set(c.id, 'no-customer');
      else if (!isEligibleForSurvey(input.lastAskedAt(c.customerId), input.now, input.cooldownDays)) outcomes.set(c.id, 'recently-asked');
      else eligible.push(c);
    }
    const quota = rate === 0 ? 0 : randomizedRound(rate * eligible.length, input.random);
    let taken = 0;
    if (quota > 0) {
      for (const c of drawWithoutReplacement(eligible, eligible.length, input.random)) {
        if (taken >= quota) break;
        if (picked.has(c.customerId!)) {
          outcomes.set(c.id, 'customer-in-batch');
          continue;
        }
        picked.add(c.customerId!);
        sampled.push(c);
        outcomes.set(c.id, 'sampled');
        taken++;
      }
    }
    for (const c of eligible) {
      if (!outcomes.has(c.id)) outcomes.set(c.id, 'not-drawn');
    }
    strata.push({ stratum, rate, candidates: members.length, eligible: eligible.length, quota, sampled: taken });
  }
  return { sampled, outcomes, strata };
}
