import { loadFpp2Calls, runFpp2Protocol } from './fpp2-protocol.js';
import { levelProfile, sameSlotMean } from './models.js';
import { vuoroDefault } from './week-ahead.js';

/**
 * Protocol fpp2-calls-week-ahead v1 on the real fpp2 `calls` data (shared data folder):
 * test weeks 30…34, expanding window, whole next week, WAPE pooled over the test weeks.
 */
describe('protocol fpp2-calls-week-ahead v1', () => {
  const s30 = loadFpp2Calls('30min');
  const s5 = loadFpp2Calls('5min');

  it('loads 170 weekdays with the six absent days filled and flagged', () => {
    expect(s30.dates).toHaveLength(170);
    expect(s30.slotsPerDay).toBe(28);
    expect(s5.slotsPerDay).toBe(169);
    expect(s30.dates.filter((_, i) => s30.imputed[i])).toEqual(['2003-04-04', '2003-04-07', '2003-05-26', '2003-07-04', '2003-09-01', '2003-10-14']);
  });

  it('reproduces the published baselines (validates the harness)', () => {
    expect(runFpp2Protocol(sameSlotMean(4), '30min', s30).wape).toBeCloseTo(6.48, 1);
    expect(runFpp2Protocol(sameSlotMean(4), '5min', s5).wape).toBeCloseTo(8.76, 1);
    expect(runFpp2Protocol(sameSlotMean(8), '30min', s30).wape).toBeCloseTo(6.65, 1);
    expect(runFpp2Protocol(sameSlotMean(1), '30min', s30).wape).toBeCloseTo(8.18, 1);
    expect(runFpp2Protocol(sameSlotMean(1), '5min', s5).wape).toBeCloseTo(11.04, 1);
  });

  it('meets the 30-minute target: WAPE ≤ 5.83 % (0.9 × the best published 6.48 %)', () => {
    const r = runFpp2Protocol(vuoroDefault(), '30min', s30);
    expect(r.wape).toBeLessThanOrEqual(5.83);
    expect(r.wape).toBeLessThan(5.73); // measured 5.72 % (5.73 % before the typical-day / per-weekday profile windows)
    expect(r.mase).toBeLessThan(0.73);
  });

  // Measured 7.78 %. The 7.73 % target is NOT met: no change chosen on the training weeks (12…29)
  // closed it. A long-run level mixed into the EWMA level (−0.07 points on pooled training WAPE)
  // won only 10 of 18 training weeks and was rejected as noise (on the test weeks it would have
  // given 7.88 %); hierarchical 30-min × within-half-hour profiles gained < 0.01 point.
  it('beats every published entry at 5 minutes (measured 7.78 %; the 7.73 % target is not yet met)', () => {
    const r = runFpp2Protocol(vuoroDefault(), '5min', s5);
    expect(r.wape).toBeLessThan(7.79);
    expect(r.wape).toBeLessThan(8.59); // Prophet multiplicative, best published at 5 min
  });

  it('owes its gain to the learned month-turn effect', () => {
    const without = runFpp2Protocol(levelProfile({ monthEffects: false }), '30min', s30).wape;
    const withIt = runFpp2Protocol(levelProfile({}), '30min', s30).wape;
    expect(withIt).toBeLessThan(without - 0.3);
  });
});
