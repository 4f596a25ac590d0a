import { autoSelect } from './backtest.js';
import { levelProfile, type WeekAheadModel } from './models.js';

/** The level × profile candidates among which `vuoroWeekAhead` chooses per series. */
export function levelProfileCandidates(): WeekAheadModel[] {
  const out: WeekAheadModel[] = [];
  for (const levelHalfLifeDays of [5, 10, 20])
    for (const profileSmoothing of [0, 1])
      out.push(levelProfile({ levelHalfLifeDays, profileSmoothing }, `level×profile hl=${levelHalfLifeDays} smooth=${profileSmoothing}`));
  return out;
}

/**
 * Vuoro's default week-ahead model: level × weekday × month-turn × intraday profile with fixed
 * settings (level half-life 8 days; profiles smoothed over ±1 slot when slots are 10 minutes or
 * shorter, where Poisson noise dominates the per-slot shape). Both choices were made on a
 * training-period backtest (fpp2 weeks 12…29), never on the test weeks.
 */
export function vuoroDefault(): WeekAheadModel {
  const coarse = levelProfile({ levelHalfLifeDays: 8 });
  const fine = levelProfile({ levelHalfLifeDays: 8, profileSmoothing: 1 });
  return {
    name: 'vuoro level×profile (default)',
    forecast: (history, targetDates) => (history.intervalMinutes <= 10 ? fine : coarse).forecast(history, targetDates),
  };
}

/**
 * Alternative: the level-profile model: level × weekday × month-turn × intraday profile, with the
 * level half-life and profile smoothing chosen per series by a rolling-origin backtest over the
 * last 8 weeks of the training history.
 */
export function vuoroAutoTuned(selectionWeeks = 8): WeekAheadModel & { lastChoice?: string } {
  return autoSelect(levelProfileCandidates(), selectionWeeks, 'vuoro: level×profile, auto-tuned');
}
