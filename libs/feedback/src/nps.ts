/**
 * Net Promoter Score with its 95 % confidence interval.
 *
 * Each answer 0–10 is scored X = +1 (promoter, 9–10), 0 (passive, 7–8) or −1 (detractor, 0–6).
 * NPS = 100 · mean(X) = 100 · (pP − pD), with pP, pD the shares of promoters and detractors.
 * The variance of one answer is Var(X) = E[X²] − E[X]² = (pP + pD) − (pP − pD)², so the standard
 * error of the score is
 *
 *   SE(NPS) = 100 · sqrt( ((pP + pD) − (pP − pD)²) / n )
 *
 * and the 95 % interval is NPS ± 1.959964 · SE (normal approximation of the trinomial mean,
 * clamped to [−100, 100]). With n = 0 there is no score and no interval. The interval is a Wald
 * interval: with fewer than about 30 answers, or with all answers in one class (SE = 0), read it
 * with care — `reliable` says so.
 */
export const Z95 = 1.959963984540054;

export type NpsClass = 'promoter' | 'passive' | 'detractor';

export function classifyScore(score: number): NpsClass {
  if (!Number.isInteger(score) || score < 0 || score > 10) throw new RangeError(`an NPS answer is an integer 0–10 (got ${score})`);
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsSummary extends NpsCounts {
  responses: number;
  /** −100…100, null without answers. */
  nps: number | null;
  standardError: number | null;
  ci95: { low: number; high: number } | null;
  /** At least 30 answers and answers in more than one class. */
  reliable: boolean;
}

export function countScores(scores: Iterable<number>): NpsCounts {
  const c: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };
  for (const s of scores) {
    const k = classifyScore(s);
    if (k === 'promoter') c.promoters++;
    else if (k === 'passive') c.passives++;
    else c.detractors++;
  }
  return c;
}

export function npsSummary(counts: NpsCounts, z = Z95): NpsSummary {
  const { promoters, passives, detractors } = counts;
  for (const [k, v] of Object.entries({ promoters, passives, detractors })) if (!Number.isInteger(v) || v < 0) throw new RangeError(`${k} must be a non-negative integer`);
  const n = promoters + passives + detractors;
  if (n === 0) return { ...counts, responses: 0, nps: null, standardError: null, ci95: null, reliable: false };
  const pP = promoters / n;
  const pD = detractors / n;
  const mean = pP - pD;
  const variance = Math.max(0, pP + pD - mean * mean);
  const se = 100 * Math.sqrt(variance / n);
  const nps = 100 * mean;
  const classes = [promoters, passives, detractors].filter((x) => x > 0).length;
  return {
    ...counts,
    responses: n,
    nps,
    standardError: se,
    ci95: { low: Math.max(-100, nps - z * se), high: Math.min(100, nps + z * se) },
    reliable: n >= 30 && classes > 1,
  };
}
