import { autoSelect } from './backtest.js';
import { levelProfile, type LevelProfileOptions, type WeekAheadModel } from './models.js';

/** The level × profile candidates among which `vuoroWeekAhead` chooses per series. */
export function levelProfileCandidates(): WeekAheadModel[] {
  const out: WeekAheadModel[] = [];
  for (const levelHalfLifeDays of [5, 10, 20])
    for (const profileSmoothing of [0, 1])
      out.push(levelProfile({ levelHalfLifeDays, profileSmoothing }, `level×profile hl=${levelHalfLifeDays} smooth=${profileSmoothing}`));
  return out;
}

/**
 * Settings of Vuoro's default, chosen on training-period backtests only (fpp2 weeks 12…29; Anonymous
 * Bank: the 32 weeks before its last 10), never on the test weeks:
 * - level half-life 8 days (a long-run level mixed in looked better on pooled training WAPE but won
 *   only 10 of 18 training weeks, i.e. noise, and was rejected);
 * - profiles from typical days only (`profileBand` 0.25: holidays, eves and outages have atypical
 *   shapes); neutral on fpp2, −0.9 WAPE points on the Anonymous Bank training weeks;
 * - per-weekday profile window (4, 8, 15 or 30 weeks) chosen on how well each window predicted the
 *   shape of that weekday's last 8 days, a shorter window needing a 5 % smaller error: this tracks
 *   profiles that drift with the season (the Anonymous Bank Saturday evening starts after sunset);
 * - profiles smoothed over ±1 slot when slots are 10 minutes or shorter (Poisson noise).
 */
export const VUORO_DEFAULT_OPTIONS: LevelProfileOptions = {
  levelHalfLifeDays: 8,
  profileBand: 0.25,
  profileWeeksCandidates: [4, 8, 15, 30],
  profileSelectionWeeks: 8,
  profileSelectionTolerance: 0.05,
};

/**
 * Vuoro's default week-ahead model: level × weekday × month-turn × intraday profile with the fixed
 * settings of `VUORO_DEFAULT_OPTIONS`.
 */
export function vuoroDefault(): WeekAheadModel {
  const coarse = levelProfile(VUORO_DEFAULT_OPTIONS);
  const fine = levelProfile({ ...VUORO_DEFAULT_OPTIONS, profileSmoothing: 1 });
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
