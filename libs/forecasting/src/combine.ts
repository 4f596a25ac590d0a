import { lastWeekOrigins } from './backtest.js';
import { daysPerWeek, dayTotal, type DaySeries } from './day-series.js';
import { fitLevelProfile, type LevelProfileOptions, type WeekAheadModel } from './models.js';
import { dshw } from './dshw.js';
import { mstlEts } from './mstl.js';
import { VUORO_DEFAULT_OPTIONS, vuoroDefault } from './week-ahead.js';

/**
 * Runs `inner` on the history with the learned calendar effects divided out (month-turn factors and,
 * when enabled, after-closure factors of the level × profile fit on the same history), then puts the
 * targets' month-turn factors back. DSHW and MSTL know only the day and week cycles; the bank's
 * month turns (+10…25 % on the first business days) are what they miss at a week ahead.
 */
export function calendarAdjusted(inner: WeekAheadModel, options: LevelProfileOptions = VUORO_DEFAULT_OPTIONS, name = `${inner.name}, calendar-adjusted`): WeekAheadModel {
  return {
    name,
    forecast(history, targetDates) {
      const fit = fitLevelProfile(history, targetDates, options);
      const adjusted: DaySeries = { ...history, values: history.values.map((row, i) => row.map((v) => v / fit.historyCalendarFactors[i])) };
      const fc = inner.forecast(adjusted, targetDates);
      return fc.map((row, j) => row.map((v) => v * fit.targetCalendarFactors[j]));
    },
  };
}

/** Slot groups of a day of `slots` slots, `group` at a time (the last one may be shorter). */
function slotGroups(slots: number, group: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < slots; s += group) out.push([s, Math.min(slots, s + group)]);
  return out;
}

/** Sums each group of `group` slots (the last group may be shorter). */
export function coarsen(series: DaySeries, group: number): DaySeries {
  const groups = slotGroups(series.slotsPerDay, group);
  return {
    ...series,
    intervalMinutes: series.intervalMinutes * group,
    slotsPerDay: groups.length,
    values: series.values.map((row) => groups.map(([a, b]) => dayTotal(row.slice(a, b)))),
  };
}

/**
 * Forecasts at a coarser resolution (groups of `group` slots, e.g. 5-minute slots → half-hours) with
 * `coarse`, then splits each group's forecast over its slots in proportion to the `fine` model's
 * forecast of the same slots. At 5 minutes the within-half-hour split is already at the Poisson
 * noise floor (BENCHMARKS.md), so the coarse models only need to get the half-hour totals right.
 */
export function viaCoarseSlots(coarse: WeekAheadModel, fine: WeekAheadModel, group: number, name = `${coarse.name}, at ${group}× slots, split by ${fine.name}`): WeekAheadModel {
  return {
    name,
    forecast(history, targetDates) {
      if (group <= 1) return coarse.forecast(history, targetDates);
      const groups = slotGroups(history.slotsPerDay, group);
      const c = coarse.forecast(coarsen(history, group), targetDates);
      const f = fine.forecast(history, targetDates);
      return f.map((row, d) => {
        const out = new Array<number>(row.length).fill(0);
        groups.forEach(([a, b], g) => {
          const tot = dayTotal(row.slice(a, b));
          for (let s = a; s < b; s++) out[s] = tot > 0 ? (c[d][g] * row[s]) / tot : c[d][g] / (b - a);
        });
        return out;
      });
    },
  };
}

/** How `selectOrCombine` turns the candidates' training backtests into one forecast. */
export type CombinationRule =
  /** the candidate with the lowest training WAPE. */
  | 'select'
  /** all candidates, weights ∝ 1 / training WAPE. */
  | 'inverse-wape'
  /** the lowest training WAPE among: each candidate alone, each pair at 1:1 and at 3:1 (either
   * way round), and the inverse-WAPE combination of all. */
  | 'best-of';

export interface CombinationChoice {
  /** e.g. `A`, `0.75 A + 0.25 B`. */
  label: string;
  /** weight of each candidate (0 for those not used). */
  weights: number[];
  /** pooled WAPE (%) of this choice over the selection origins. */
  trainingWape: number;
  /** pooled WAPE (%) of each candidate alone over the selection origins. */
  candidateWape: number[];
  /** the selection origins (numbers of training days), all inside the history given to `forecast`. */
  origins: number[];
}

export interface SelectOrCombineOptions {
  /** weeks of rolling origins at the end of the training history (default 8). */
  selectionWeeks?: number;
  rule?: CombinationRule;
  /** short names of the candidates for `label` (default A, B, C…). */
  labels?: readonly string[];
  /** the first candidate alone is the incumbent: another option is chosen only when its training
   * WAPE is lower by more than this fraction (default 0: plain minimum). Selection over a few weeks
   * is noisy; a margin keeps a challenger from winning on noise. */
  incumbentMargin?: number;
}

/**
 * Per series, chooses a candidate or a weighted combination of candidates by a rolling-origin
 * (expanding window) week-ahead backtest over the last `selectionWeeks` weeks of the history it is
 * given — i.e. strictly from origins before the forecast origin; nothing after the history is seen.
 * Each candidate is forecast once per selection origin; combinations are scored on those stored
 * forecasts (imputed days never scored). A candidate that cannot be fitted gets no weight.
 */
export function selectOrCombine(candidates: readonly WeekAheadModel[], o: SelectOrCombineOptions = {}, name?: string): WeekAheadModel & { lastChoice?: CombinationChoice } {
  const rule = o.rule ?? 'best-of';
  const labels = o.labels ?? candidates.map((_, i) => String.fromCharCode(65 + i));
  const model: WeekAheadModel & { lastChoice?: CombinationChoice } = {
    name: name ?? `${rule} of ${labels.join(', ')} by training backtest`,
    forecast(history, targetDates) {
      const choice = chooseCombination(history, candidates, rule, o.selectionWeeks ?? 8, labels, o.incumbentMargin ?? 0);
      model.lastChoice = choice;
      const used = candidates.map((c, i) => (choice.weights[i] > 0 ? c.forecast(history, targetDates) : undefined));
      return targetDates.map((_, d) =>
        new Array<number>(history.slotsPerDay).fill(0).map((_, s) => used.reduce((acc, f, i) => acc + (f ? choice.weights[i] * f[d][s] : 0), 0)),
      );
    },
  };
  return model;
}

/** The selection step of `selectOrCombine` (exported for tests and the benchmark). */
export function chooseCombination(history: DaySeries, candidates: readonly WeekAheadModel[], rule: CombinationRule, selectionWeeks: number, labels: readonly string[], incumbentMargin = 0): CombinationChoice {
  const P = daysPerWeek(history);
  const weeks = Math.min(selectionWeeks, Math.floor(history.dates.length / P) - 4);
  const k = candidates.length;
  const only = (i: number): number[] => candidates.map((_, j) => (j === i ? 1 : 0));
  if (weeks < 1 || k === 1) return { label: labels[0], weights: only(0), trainingWape: Number.NaN, candidateWape: [], origins: [] };
  const origins = lastWeekOrigins(history, weeks);
  // forecasts of each candidate at each selection origin: fc[i][origin][day][slot] (undefined: failed)
  const fc = candidates.map((c) => {
    try {
      return origins.map((origin) => {
        const train: DaySeries = { ...history, dates: history.dates.slice(0, origin), values: history.values.slice(0, origin), imputed: history.imputed.slice(0, origin) };
        return c.forecast(train, history.dates.slice(origin, origin + P));
      });
    } catch {
      return undefined;
    }
  });
  const wapeOf = (w: readonly number[]): number => {
    let err = 0;
    let sum = 0;
    origins.forEach((origin, r) => {
      for (let d = 0; d < P && origin + d < history.dates.length; d++) {
        if (history.imputed[origin + d]) continue;
        const y = history.values[origin + d];
        for (let s = 0; s < y.length; s++) {
          let f = 0;
          for (let i = 0; i < k; i++) if (w[i] > 0) f += w[i] * fc[i]![r][d][s];
          err += Math.abs(y[s] - f);
          sum += y[s];
        }
      }
    });
    return sum > 0 ? (100 * err) / sum : Number.POSITIVE_INFINITY;
  };
  const ok = candidates.map((_, i) => fc[i] !== undefined);
  const candidateWape = candidates.map((_, i) => (ok[i] ? wapeOf(only(i)) : Number.POSITIVE_INFINITY));
  const options: { label: string; weights: number[] }[] = [];
  const single = candidates.map((_, i) => i).filter((i) => ok[i]);
  if (single.length === 0) throw new Error('no forecasting candidate could be fitted');
  const best = single.reduce((a, b) => (candidateWape[b] < candidateWape[a] ? b : a));
  const inverse = (): { label: string; weights: number[] } => {
    const raw = candidates.map((_, i) => (ok[i] && Number.isFinite(candidateWape[i]) ? 1 / candidateWape[i] : 0));
    const z = raw.reduce((a, b) => a + b, 0);
    const weights = raw.map((v) => v / z);
    return { label: weights.map((w, i) => (w > 0 ? `${w.toFixed(2)} ${labels[i]}` : '')).filter(Boolean).join(' + '), weights };
  };
  if (rule === 'select') options.push({ label: labels[best], weights: only(best) });
  else if (rule === 'inverse-wape') options.push(inverse());
  else {
    for (const i of single) options.push({ label: labels[i], weights: only(i) });
    for (const i of single)
      for (const j of single) {
        if (j <= i) continue;
        for (const [a, b] of [
          [0.5, 0.5],
          [0.75, 0.25],
          [0.25, 0.75],
        ]) {
          const weights = candidates.map((_, m) => (m === i ? a : m === j ? b : 0));
          options.push({ label: `${a} ${labels[i]} + ${b} ${labels[j]}`, weights });
        }
      }
    if (single.length > 2) options.push(inverse());
  }
  let chosen = options[0];
  let chosenWape = wapeOf(chosen.weights);
  for (const opt of options.slice(1)) {
    const v = wapeOf(opt.weights);
    if (v < chosenWape) {
      chosen = opt;
      chosenWape = v;
    }
  }
  if (incumbentMargin > 0 && ok[0] && chosen.weights[0] !== 1 && chosenWape >= (1 - incumbentMargin) * candidateWape[0]) {
    chosen = { label: labels[0], weights: only(0) };
    chosenWape = candidateWape[0];
  }
  return { ...chosen, trainingWape: chosenWape, candidateWape, origins };
}

/** Slots per coarse group used for fine series: half-hours for slots of 10 minutes or less (5 → 6, 6 → 5). */
export function coarseGroupFor(intervalMinutes: number): number {
  return intervalMinutes <= 10 && 30 % intervalMinutes === 0 ? 30 / intervalMinutes : 1;
}

/**
 * Vuoro's combined week-ahead forecaster: per series, level × profile (the default), Taylor's
 * double-seasonal Holt-Winters and augurs MSTL + AutoETS (both on the calendar-adjusted series) are
 * backtested over the last `selectionWeeks` weeks of the training history, and the best of the
 * singles, pairs (1:1, 3:1, 1:3) and the inverse-WAPE combination is used (`selectOrCombine`,
 * rule `best-of`). On slots of 10 minutes or less everything runs on half-hours and is split over
 * the slots by the default model's fine profile.
 */
export function vuoroCombined(o: { selectionWeeks?: number; incumbentMargin?: number; rule?: CombinationRule } = {}, name = 'vuoro combined: best of level×profile / DSHW / MSTL by training backtest'): WeekAheadModel & { lastChoice?: CombinationChoice } {
  const selector = selectOrCombine([vuoroDefault(), calendarAdjusted(dshw({ fitDayAndWeekAhead: true })), calendarAdjusted(mstlEts())], {
    selectionWeeks: o.selectionWeeks ?? 8,
    rule: o.rule ?? 'best-of',
    incumbentMargin: o.incumbentMargin ?? 0.05,
    labels: ['LP', 'DSHW', 'MSTL'],
  });
  const fine = vuoroDefault();
  const model: WeekAheadModel & { lastChoice?: CombinationChoice } = {
    name,
    forecast(history, targetDates) {
      const g = coarseGroupFor(history.intervalMinutes);
      const out = (g > 1 ? viaCoarseSlots(selector, fine, g) : selector).forecast(history, targetDates);
      model.lastChoice = selector.lastChoice;
      return out;
    },
  };
  return model;
}
