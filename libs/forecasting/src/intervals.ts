import { weekAheadForecasts, lastWeekOrigins } from './backtest.js';
import { dayTotal, type DaySeries } from './day-series.js';
import type { WeekAheadModel } from './models.js';

/**
 * Error model of a week-ahead forecast ŷ of one slot: Var(y) = φ·ŷ + (σ·ŷ)², i.e. overdispersed
 * Poisson noise within the day (φ) plus a day-level multiplicative error (σ). Both are estimated
 * from a rolling-origin backtest on the training history.
 */
export interface ErrorModel {
  phi: number;
  sigmaDay: number;
}

/** Standard normal quantile (Acklam's rational approximation). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771201, -13.28068155211107];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Estimates φ and σ from week-ahead forecasts of the last `weeks` weeks of the history. */
export function estimateErrorModel(history: DaySeries, model: WeekAheadModel, weeks = 8): ErrorModel {
  const { runs } = weekAheadForecasts(history, model, lastWeekOrigins(history, weeks));
  let sq = 0;
  let nd = 0;
  let disp = 0;
  let ns = 0;
  for (const run of runs) {
    run.dates.forEach((_, d) => {
      if (run.imputed[d]) return;
      const f = run.forecast[d];
      const y = run.actual[d];
      const ft = dayTotal(f);
      if (ft <= 0) return;
      const r = dayTotal(y) / ft;
      sq += (r - 1) * (r - 1);
      nd++;
      for (let s = 0; s < f.length; s++) {
        const e = r * f[s];
        if (e < 1) continue;
        disp += ((y[s] - e) * (y[s] - e)) / e;
        ns++;
      }
    });
  }
  return { phi: ns ? Math.max(1, disp / ns) : 1, sigmaDay: nd ? Math.sqrt(sq / nd) : 0.1 };
}

export function slotStdDev(forecast: number, em: ErrorModel): number {
  return Math.sqrt(em.phi * Math.max(forecast, 0) + (em.sigmaDay * forecast) ** 2);
}

/** Central prediction interval of probability `level` (e.g. 0.8) for one slot, floored at 0. */
export function predictionInterval(forecast: number, em: ErrorModel, level: number): { lower: number; upper: number } {
  const z = normalQuantile(0.5 + level / 2);
  const sd = slotStdDev(forecast, em);
  return { lower: Math.max(0, forecast - z * sd), upper: forecast + z * sd };
}
