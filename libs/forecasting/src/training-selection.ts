import { weekAheadForecasts } from './backtest.js';
import { daysPerWeek, type DaySeries } from './day-series.js';
import type { WeekAheadModel } from './models.js';

/**
 * Scoring of candidate models on TRAINING origins only, the rule by which a change to Vuoro's default
 * is chosen: a candidate must beat the incumbent on the pooled WAPE of the training weeks AND win a
 * majority of those weeks. Test weeks are looked at only after that choice (and reported whatever
 * they say). A candidate picked as the best of a broad search needs more than a bare majority, since
 * the best of many candidates with no real effect wins one by chance: a sign-test majority of the
 * 18 fpp2 training weeks (≥ 13, one-sided p < 0.05; `signTestMajority`).
 */

/** fpp2 protocol training origins: weeks 12…29 forecast from weeks 1…w−1 (origins 55…140 days); the
 * first test origin (week 30) is 145 days. */
export function fpp2TrainingOrigins(): number[] {
  const out: number[] = [];
  for (let w = 12; w <= 29; w++) out.push((w - 1) * 5);
  return out;
}

export interface WeeklyScore {
  origin: number;
  absErr: number;
  sumY: number;
  /** WAPE of this week, in percent. */
  wape: number;
}

/** WAPE per origin (one week each) and pooled over all origins; imputed days are never scored. */
export function weeklyWape(series: DaySeries, model: WeekAheadModel, origins: readonly number[]): { weeks: WeeklyScore[]; wape: number } {
  const { runs } = weekAheadForecasts(series, model, origins);
  const weeks = runs.map((run) => {
    let absErr = 0;
    let sumY = 0;
    run.dates.forEach((_, d) => {
      if (run.imputed[d]) return;
      run.actual[d].forEach((y, s) => {
        const f = run.forecast[d][s];
        if (!Number.isFinite(y) || !Number.isFinite(f)) return;
        absErr += Math.abs(y - f);
        sumY += y;
      });
    });
    return { origin: run.origin, absErr, sumY, wape: (100 * absErr) / sumY };
  });
  const absErr = weeks.reduce((a, w) => a + w.absErr, 0);
  const sumY = weeks.reduce((a, w) => a + w.sumY, 0);
  return { weeks, wape: (100 * absErr) / sumY };
}

export interface TrainingComparison {
  candidateWape: number;
  incumbentWape: number;
  /** weeks in which the candidate's WAPE is strictly lower than the incumbent's. */
  weeksWon: number;
  weeks: number;
  /** pooled WAPE lower AND a strict majority of the weeks won. */
  wins: boolean;
}

/** Candidate against incumbent on the same origins (meant for training origins only). */
export function compareOnOrigins(series: DaySeries, candidate: WeekAheadModel, incumbent: WeekAheadModel, origins: readonly number[]): TrainingComparison {
  const c = weeklyWape(series, candidate, origins);
  const b = weeklyWape(series, incumbent, origins);
  const weeksWon = c.weeks.filter((w, k) => w.wape < b.weeks[k].wape).length;
  return { candidateWape: c.wape, incumbentWape: b.wape, weeksWon, weeks: origins.length, wins: c.wape < b.wape && 2 * weeksWon > origins.length };
}

/** Anonymous Bank training origins: the `trainingWeeks` weekly origins before its last `testWeeks` (the spec's test weeks). */
export function anonymousBankTrainingOrigins(series: DaySeries, testWeeks = 10, trainingWeeks = 32): number[] {
  const P = daysPerWeek(series);
  const n = series.dates.length;
  const out: number[] = [];
  for (let k = testWeeks + trainingWeeks; k > testWeeks; k--) if (n - k * P > 0) out.push(n - k * P);
  return out;
}

/** The fewest weeks of `weeks` a candidate must win for a one-sided sign test at `alpha` (a candidate chosen out of a broad search). */
export function signTestMajority(weeks: number, alpha = 0.05): number {
  // P(X ≥ k) for X ~ Binomial(weeks, 1/2), from the top down.
  let tail = 0;
  let choose = 1;
  for (let k = weeks; k >= 0; k--) {
    if (k < weeks) choose = (choose * (k + 1)) / (weeks - k);
    tail += choose / 2 ** weeks;
    if (tail > alpha) return k + 1;
  }
  return 0;
}
