import { backtestWeekAhead, lastWeekOrigins } from './backtest.js';
import { daysPerWeek } from './day-series.js';
import { loadAnonymousBank } from './fpp2-protocol.js';
import { fitLevelProfile, sameSlotMean } from './models.js';
import { VUORO_DEFAULT_OPTIONS, vuoroDefault } from './week-ahead.js';

/**
 * Anonymous Bank 1999 (Sun–Thu full days, short Friday, Saturday evening, nights near zero): the
 * same code, with the week structure learned from the data, forecasts each of the last 10 weeks
 * from all data before it. The `suspect` day (1999-05-23) is treated as an outlier.
 */
describe('week-ahead on the Anonymous Bank data (another week structure)', () => {
  const s = loadAnonymousBank('30min');
  const origins = lastWeekOrigins(s, 10);

  it('learns a seven-day week of 48 half-hours and treats the suspect day as an outlier', () => {
    expect(daysPerWeek(s)).toBe(7);
    expect(s.slotsPerDay).toBe(48);
    expect(s.imputed[s.dates.indexOf('1999-05-23')]).toBe(true);
  });

  // Measured: vuoro 20.98 % (21.99 % before), 4-week same-slot mean 20.99 %. The old default lost
  // mainly on Saturday (slot WAPE 61 % vs 33 %): the Saturday-evening opening follows sunset, so a
  // 30-week average profile is smeared; the per-weekday profile window now picks a short one there.
  // Holidays and eves, whose shapes are atypical, are kept out of the profiles.
  it('at least matches the 4-week same-slot mean and beats the weekly seasonal naive', () => {
    const base = backtestWeekAhead(s, sameSlotMean(4), origins);
    const naive = backtestWeekAhead(s, sameSlotMean(1), origins);
    const ours = backtestWeekAhead(s, vuoroDefault(), origins);
    console.log(`Anonymous Bank 30min, last 10 weeks: WAPE vuoro ${ours.wape.toFixed(2)} % (MASE ${ours.mase.toFixed(3)}), mean of same slot last 4 weeks ${base.wape.toFixed(2)} % (MASE ${base.mase.toFixed(3)}), seasonal naive ${naive.wape.toFixed(2)} %`);
    expect(ours.wape).toBeLessThanOrEqual(base.wape);
    expect(ours.wape).toBeLessThan(naive.wape);
  });

  it('uses a shorter profile window for the drifting Saturday evening than for the stable weekdays', () => {
    const origin = origins[origins.length - 1];
    const history = { ...s, dates: s.dates.slice(0, origin), values: s.values.slice(0, origin), imputed: s.imputed.slice(0, origin) };
    const fit = fitLevelProfile(history, s.dates.slice(origin, origin + 7), VUORO_DEFAULT_OPTIONS);
    expect(fit.profileWeeksChosen[6]).toBeLessThan(30);
  });

  it('forecasts Saturday as an evening-only day and nights near zero', () => {
    const origin = origins[origins.length - 1];
    const history = { ...s, dates: s.dates.slice(0, origin), values: s.values.slice(0, origin), imputed: s.imputed.slice(0, origin) };
    const dates = s.dates.slice(origin, origin + 7);
    const fc = vuoroDefault().forecast(history, dates);
    const sat = dates.findIndex((d) => new Date(`${d}T00:00Z`).getUTCDay() === 6);
    const sun = dates.findIndex((d) => new Date(`${d}T00:00Z`).getUTCDay() === 0);
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    expect(sum(fc[sat].slice(0, 32))).toBeLessThan(0.1 * sum(fc[sat]));
    expect(sum(fc[sun].slice(0, 12))).toBeLessThan(0.05 * sum(fc[sun]));
  });
});
