import { calendarAdjusted, chooseCombination, coarseGroupFor, coarsen, viaCoarseSlots } from './combine.js';
import { dshw } from './dshw.js';
import { daysPerWeek, tailDays, type DaySeries } from './day-series.js';
import { modelFor } from './backtest-horizon.js';
import { fitEventEffects, withoutEvents, type ForecastEvents } from './events.js';
import { prepareHistory, type ForecastRequest } from './forecast.js';
import type { WeekAheadModel } from './models.js';
import { mstlEts } from './mstl.js';
import { vuoroDefault } from './week-ahead.js';

/**
 * The methods a queue's forecast is chosen from. `vuoro-default` is the incumbent; `dshw-taylor` and
 * `mstl-ets` run on the calendar-adjusted series (the default's month-turn factors divided out and
 * put back), as in `vuoroCombined`.
 */
export const SELECTABLE_METHODS = ['vuoro-default', 'same-slot-mean-4', 'same-slot-mean-8', 'dshw-taylor', 'mstl-ets'] as const;
export type SelectableMethod = (typeof SELECTABLE_METHODS)[number];

/**
 * How much lower (as a fraction) another option's backtest WAPE must be for it to replace the
 * default. Chosen on training weeks only (BENCHMARKS.md, Forecasting, session 29): on the fpp2 bank's
 * weeks 12…29 every margin up to 0.2 switched at some origins and lost the week nearly every time
 * (pooled 30-min WAPE 5.87–6.17 % against the default's 5.62 %; at short histories the backtest
 * scores the default on even shorter training windows, where it is at its weakest), and on the
 * Anonymous Bank's 32 training weeks a margin of 0.05 switched once and lost. At 0.3 neither switched;
 * a queue whose week changed shape (the default 2.5× worse than the same-slot mean, method-choice.spec)
 * still does.
 */
export const INCUMBENT_MARGIN = 0.3;

/** A per-series choice of a method or a weighted combination of methods; plain JSON (stored, and sent between threads). */
export interface MethodChoice {
  /** e.g. `vuoro-default`, `0.75 same-slot-mean-4 + 0.25 dshw-taylor`. */
  label: string;
  /** weight of each method used (they sum to 1). */
  weights: Partial<Record<SelectableMethod, number>>;
  /** pooled WAPE (%) of the chosen option over the selection origins; null when there were none. */
  trainingWape: number | null;
  /** pooled WAPE (%) of each method alone over the same origins; null: it could not be fitted. */
  candidateWape: Partial<Record<SelectableMethod, number | null>>;
  /** number of week-ahead selection origins (0: the history was too short to choose, the default is used). */
  origins: number;
  /** slot length (minutes) the choice was scored at: half-hours for slots of 10 minutes or less. */
  scoredIntervalMinutes: number;
}

export interface ChooseMethodOptions {
  /** weeks of rolling origins at the end of the history (default 8). */
  selectionWeeks?: number;
  /** an option other than the default alone must beat the default's WAPE by more than this fraction (default `INCUMBENT_MARGIN`). */
  incumbentMargin?: number;
  /** the methods considered (default all of SELECTABLE_METHODS; `vuoro-default` is always included first). */
  methods?: readonly SelectableMethod[];
}

/**
 * Weeks of history DSHW and MSTL are fitted on: their smoothing forgets older weeks anyway, and the
 * fit's cost grows with the length (a year of quarter-hours took seconds). The calendar adjustment
 * around them still learns the month-turn factors from the whole history.
 */
export const STATE_SPACE_FIT_WEEKS = 26;

/** `inner` fitted on the last `weeks` weeks of the history only. */
function recentWeeks(inner: WeekAheadModel, weeks: number): WeekAheadModel {
  return { name: inner.name, forecast: (history, targetDates) => inner.forecast(tailDays(history, weeks * daysPerWeek(history)), targetDates) };
}

function selectableModel(name: SelectableMethod): WeekAheadModel {
  switch (name) {
    case 'vuoro-default':
    case 'same-slot-mean-4':
    case 'same-slot-mean-8':
      return modelFor(name);
    case 'dshw-taylor':
      return calendarAdjusted(recentWeeks(dshw({ fitDayAndWeekAhead: true }), STATE_SPACE_FIT_WEEKS));
    case 'mstl-ets':
      return calendarAdjusted(recentWeeks(mstlEts(), STATE_SPACE_FIT_WEEKS));
  }
}

const round = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null);

/**
 * Chooses a queue's forecasting method by a rolling-origin (expanding window) week-ahead backtest
 * over the last `selectionWeeks` weeks of `series`: each method alone, each pair at 1:1, 3:1 and 1:3,
 * and the inverse-WAPE combination of all (`chooseCombination`, rule `best-of`). The default is kept
 * unless an option beats it by more than `incumbentMargin` (`INCUMBENT_MARGIN`): a few weeks of
 * backtest are noisy, and on real data a smaller margin lost more weeks than it won. Slots of 10 minutes or
 * less are scored on half-hours (`modelForChoice` splits them back by the default's fine profile).
 * Everything the choice sees is in `series`; nothing after it.
 */
export function chooseForecastMethod(series: DaySeries, o: ChooseMethodOptions = {}): MethodChoice {
  const names: SelectableMethod[] = ['vuoro-default', ...(o.methods ?? SELECTABLE_METHODS).filter((m) => m !== 'vuoro-default')];
  const group = coarseGroupFor(series.intervalMinutes);
  const scored = group > 1 ? coarsen(series, group) : series;
  const c = chooseCombination(scored, names.map(selectableModel), 'best-of', o.selectionWeeks ?? 8, names, o.incumbentMargin ?? INCUMBENT_MARGIN);
  const weights: Partial<Record<SelectableMethod, number>> = {};
  names.forEach((n, i) => {
    if (c.weights[i] > 0) weights[n] = c.weights[i];
  });
  const candidateWape: Partial<Record<SelectableMethod, number | null>> = {};
  names.forEach((n, i) => {
    if (c.candidateWape.length) candidateWape[n] = round(c.candidateWape[i]);
  });
  return { label: c.label, weights, trainingWape: c.origins.length ? round(c.trainingWape) : null, candidateWape, origins: c.origins.length, scoredIntervalMinutes: scored.intervalMinutes };
}

/**
 * `chooseForecastMethod` for a queue's raw history, on the series `forecastAhead` models: holidays
 * closed, and the learned letter-batch and after-holiday effects divided out (a mailing's spike in
 * the backtest weeks would otherwise count against every method alike, and the methods are
 * compared on what they will forecast).
 */
export function chooseQueueMethod(req: Pick<ForecastRequest, 'history' | 'intervalMinutes'> & { events?: ForecastEvents }, o: ChooseMethodOptions = {}): MethodChoice {
  const { volume } = prepareHistory({ history: req.history, intervalMinutes: req.intervalMinutes, calendar: { closedDates: [...(req.events?.holidays ?? [])] } });
  return chooseForecastMethod(req.events ? withoutEvents(volume, fitEventEffects(volume, req.events), req.events) : volume, o);
}

/** One method on its own, as a choice (an analyst's explicit pick instead of a backtest). */
export function fixedChoice(method: SelectableMethod, intervalMinutes: number): MethodChoice {
  return { label: method, weights: { [method]: 1 }, trainingWape: null, candidateWape: {}, origins: 0, scoredIntervalMinutes: intervalMinutes * coarseGroupFor(intervalMinutes) };
}

/** True when the choice is the default alone (the model `forecastAhead` uses when given none). */
export function isDefaultChoice(choice: MethodChoice): boolean {
  const used = Object.entries(choice.weights).filter(([, w]) => (w ?? 0) > 0);
  return used.length === 1 && used[0][0] === 'vuoro-default';
}

/**
 * The model of a stored choice: the chosen methods with their fixed weights (no selection inside the
 * fit), at half-hours split by the default's fine profile when the choice was scored there.
 */
export function modelForChoice(choice: MethodChoice): WeekAheadModel {
  const used = (Object.entries(choice.weights) as [SelectableMethod, number][]).filter(([name, w]) => w > 0 && SELECTABLE_METHODS.includes(name));
  if (used.length === 0) throw new Error('method choice: no method has a weight');
  const models = used.map(([name, w]) => ({ w, model: selectableModel(name) }));
  const combined: WeekAheadModel = {
    name: choice.label,
    forecast(history, targetDates) {
      const fc = models.map(({ model }) => model.forecast(history, targetDates));
      return targetDates.map((_, d) => new Array<number>(history.slotsPerDay).fill(0).map((_, s) => fc.reduce((acc, f, i) => acc + models[i].w * f[d][s], 0)));
    },
  };
  const name = choice.origins > 0 ? `${choice.label}, chosen per queue by a ${choice.origins}-week backtest` : choice.label;
  if (isDefaultChoice(choice)) return { ...vuoroDefault(), name };
  return {
    name,
    forecast(history, targetDates) {
      const group = coarseGroupFor(history.intervalMinutes);
      return (group > 1 ? viaCoarseSlots(combined, vuoroDefault(), group) : combined).forecast(history, targetDates);
    },
  };
}
