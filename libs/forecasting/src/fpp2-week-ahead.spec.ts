import { headDays } from './day-series.js';
import { loadFpp2Calls, runFpp2Protocol } from './fpp2-protocol.js';
import { fitLevelProfile, levelProfile, sameSlotMean } from './models.js';
import { VUORO_DEFAULT_OPTIONS, VUORO_FINE_PROFILE_OPTIONS, VUORO_MONTH_TURN_OPTIONS, vuoroDefault } from './week-ahead.js';
import { calendarAdjusted, vuoroCombined } from './combine.js';
import { dshw } from './dshw.js';
import { mstlEts } from './mstl.js';
import { withRegressionTotals } from './daily-regression.js';
import { compareOnOrigins, fpp2TrainingOrigins } from './training-selection.js';

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

  // Measured 7.77 % (7.771; 7.773 before the square-root-averaged shares, 7.782 before the pooled within-half-hour split).
  // The 7.73 % target is NOT met: no change chosen on the training weeks (12…29) closed it. Issue 5's DSHW / MSTL and their per-series selection or combination (combine.ts) lost
  // to the default on the training weeks; on the test origins the selection chose the default every
  // time (7.77 % at 5 min via half-hours). A long-run level mixed into the EWMA level (−0.07 points on pooled training WAPE)
  // won only 10 of 18 training weeks and was rejected as noise (on the test weeks it would have
  // given 7.88 %); hierarchical 30-min × per-weekday within-half-hour profiles gained < 0.01 point; the
  // month-turn candidate (VUORO_MONTH_TURN_OPTIONS, −0.09 points on the training weeks) gave 7.82 %.
  // Adopted on training WAPE / wins (training → test, 5 min; old default 7.674 → 7.782 %): half-hour
  // shares per weekday split by a pooled within-half-hour shape 7.645 → 7.773 % (16/18 training weeks won).
  // Rejected on training: smoothing ±0…3 slots, local-linear smoothing, weekday profiles shrunk toward the
  // pooled one, robust (trimmed/Huber/median) profiles; level combinations with a 10/15-day median and/or
  // a damped trend (7.68–7.73 % with the split, worse than the split alone — though 7.55–7.70 % on the
  // test weeks: choosing them would be choosing on test data); an equal mean of EWMA levels with
  // half-lives 5/10/20 days (7.625 → 7.778 %, but 12/18 weeks against the split alone and worse at 30 min
  // and on the Anonymous Bank test weeks: noise).
  // Session 4, scored with training-selection.ts (training = pooled 5-min WAPE over weeks 12…29 and weeks won
  // out of 18 against the then default, 7.6451 %; test = weeks 30…34 against 7.7727 %, measured only after the
  // choice was made). ADOPTED: weekday half-hour shares from the per-slot mean of the square roots of the daily
  // shares (`profilePower` 0.5, variance-stabilised): 7.6388 %, 12/18 → test 7.7708 % (Anonymous Bank 6 min,
  // same path: training 40.50 → 40.30 %, 23/32; test 32.37 → 32.11 %). Power sensitivity, all winning training
  // but not chosen (the untuned square root was taken): power 0.25 / 0.75 per slot 7.6359 (11) / 7.6419 (12)
  // → 7.7704 / 7.7716 %; power means of half-hour shares 0.01 / 0.25 / 0.5 / 0.75: 7.6383 (12) / 7.6399 (12) /
  // 7.6416 (13) / 7.6433 (13) → 7.7696 / 7.7701 / 7.7708 / 7.7717 %; with a first-order Poisson bias
  // correction 7.6422 (12) → 7.7709 % (and worse on Anonymous Bank 6 min). Also winning training by a hair,
  // not adopted: empirical-Bayes shrinkage of each 5-min share toward the ±1-slot kernel-smoothed shape
  // (weight τ²/(τ²+v_s), v_s from the day-to-day spread) 7.6449 (10) → 7.7747 %, with the square root
  // 7.6414 (14) → 7.7728 %. REJECTED on training: the same shrinkage toward ±2/±3-slot smoothing 7.6491 (8) /
  // 7.6516 (8) → 7.7794 / 7.7826 %; exponential decay in the pooled within-half-hour shape, half-life
  // 4/8/15/30 weeks 7.6495 (6) / 7.6466 (7) / 7.6456 (9) / 7.6453 (8) → 7.7757 / 7.7718 / 7.7714 / 7.7717 %;
  // half-hour share window 8/12/15/20 weeks 7.6731 (8) / 7.6803 (8) / 7.6604 (6) / 7.6532 (2) → 7.8067 /
  // 7.8162 / 7.8046 / 7.8034 %; within-half-hour shape window 10/15 weeks 7.6542 (3) / 7.6482 (2) → 7.7808 /
  // 7.7758 %; per-weekday window 4/8/15/30 chosen on half-hour errors (as the 30-min model does, i.e. the
  // 30-min profile split by the 5-min shape) 7.6465 (2) → 7.7640 %, without the 5 % tolerance 7.6638 (9) →
  // 7.7644 %, on 5-min errors identical to the default; trimmed means of the shares (5/10/20 % of half-hour
  // shares, 10/20 % of 5-min shares) 7.6474–7.6713 (4–8) → 7.7644–7.7722 %; level bias correction by the
  // ratio actual/forecast of the week-ahead daily totals from the last 2/4/8 weekly origins, weight 1:
  // 8.3444 (6) / 8.0620 (6) / 7.9012 (8) → 7.5862 / 7.8620 / 7.8915 %, weight 0.5 over 4/8: 7.7629 (7) /
  // 7.6978 (10) → 7.7576 / 7.8242 %. The only figures under 7.73 % on the test weeks belong to candidates
  // that lost badly on the training weeks.
  // Session 7, level side (training 5 min against the default 7.6388 %, weeks won of 18 → test 5 min against
  // 7.7708 %; about 40 candidates in one search). NOT ADOPTED although it passed the pooled-WAPE-and-majority
  // rule: month-turn factors not shrunk toward 1 (`monthShrink` 0 instead of the pseudo-count 1): 7.5915 (11) →
  // 7.8337 %, 30 min training 5.6248 → 5.5686 % (11) → test 5.7162 → 5.8099 %; Anonymous Bank training 6 min
  // 40.301 → 40.270 % (20/32). Why not: it was the best of ~40 candidates, and 11 of 18 weeks is what the best
  // of 40 candidates with no real effect typically shows (one-sided sign test p ≈ 0.24 for one candidate; the
  // adopted changes won 16 and 12 weeks as single planned candidates). A change found by a broad search now
  // needs a sign-test majority (≥ 13 of 18, p < 0.05). Disclosure: its test figures (worse) were measured before
  // this decision was taken. Pseudo-count 0.25 / 0.5 / 0.75 (won, by less):
  // 7.6025 / 7.6155 / 7.6279 (11 each) → 7.8159 / 7.7990 / 7.7842 %; 2 / 4 lost: 7.6855 (7) / 7.7499 (6),
  // 2 → 7.7422 %. Also winning training by the old rule (≤ 12 weeks): Huber clip of the level EWMA 0.75 MAD-units
  // instead of 1: 7.6367 (10) → 7.8596 %; clip 0.75 below the level, 1 above: 7.6181 (11) → 7.9280 % (Anonymous
  // Bank 6 min training 40.72 %, lost); 0.75 below / 1.5 above 7.6203 (10) → 8.0190 %; mean of the clip-0.75
  // and clip-1 levels 7.6199 (10) → 7.8072 %; weekday factors trimmed 30 % per side 7.6358 (12) → 7.7742 %;
  // month-turn local window ±20 days 7.6271 (10) → 7.7827 %. Rejected on training: clip 0.5 / 1.5 / 2 / 3
  // 7.7602 (9) / 7.6810 (9) / 7.6941 (9) / 7.7132 (9), → 8.4284 / 7.6795 / 7.6776 % for the first three;
  // level EWMA skipping days > 10 / 15 % off the median of their ±5 neighbours 7.6501 (7) / 7.6354 (7),
  // 15 % → 7.7479 %; weekday factors from the last 8 / 12 / 20 weeks 7.6873 (5) / 7.6626 (6) / 7.6360 (4) →
  // 7.7720 / 7.7751 / 7.7447 %, untrimmed 7.6520 (7) → 7.8337 %, shrunk halfway / 20 % toward 1 7.9878 (2) /
  // 7.6798 (7) → 8.2312 / 7.8314 %; daily total mixed with the calendar-adjusted mean of the same weekday's last
  // 4 / 8 totals, weight 0.25: 7.6898 (5) / 7.6611 (4) → 7.8228 / 7.8639 %, weight 0.5: 7.7713 (5) / 7.6945 (4)
  // → 7.9008 / 7.9719 %; local window ±5 / ±15 days 7.6604 (7) / 7.6487 (11) → 7.7568 / 7.7728 %. Second round,
  // each on top of monthShrink 0 (7.5915 %), none adopted (≤ 10 weeks; Anonymous Bank 6-min training won 16, 14, 12 of 32):
  // + local window ±20 7.5757 (10) → 7.8567 %; + trim 30 % 7.5901 (10) → 7.8372 %; + mean of clip levels
  // 7.5748 (10) → 7.8661 %; lost: + clip 0.75 7.5969 (10), + level half-life 6 / 10 7.5930 (10) / 7.5928 (9),
  // + weekday factors over 20 weeks 7.5879 (4). Diagnostic (training): with the actual daily totals the same
  // profiles would score 6.23 %; the week-ahead daily totals are off by 4.2 % (WAPE), mostly under-forecast.
  // Session 9, one planned candidate on the level side (declared with its rule before any score; files in
  // daily-regression.ts): daily totals from a robust penalised regression of log totals on a random-walk level,
  // weekday effects, a month-turn effect that may drift from one month turn to the next (the diagnosis on
  // training weeks: ordinary days unbiased, month-turn days under-forecast by 4–9 %, the turn effect growing
  // from ~+5 % in spring to ~+11 % in summer) and after-closure effects; the intraday profile unchanged.
  // Training 5 min 7.4812 % vs 7.6388 %, 12 of 18 weeks; 30 min 5.4652 vs 5.6248 % (11); Anonymous Bank 6 min
  // 40.2045 vs 40.3005 % (15 of 32). It passed the declared rule, and then LOST on the test weeks: 5 min
  // 8.0041 % (default 7.7708 %), 30 min 5.9724 % — above the 5.83 % target the default meets. The
  // September–October month turn (test week 31) was weaker than the summer ones the drift carried forward.
  // NOT ADOPTED: it would break the met 30-minute target. Declared variants, not adoptable as a search
  // (< 13 of 18 weeks): one fixed turn effect 7.5637 % (10) → test 7.6762 %; the mean of both totals 7.5354 %
  // (12) → 7.8492 %.
  it('records the planned daily-regression candidate: it wins the training weeks and loses the test weeks', () => {
    const candidate = withRegressionTotals(vuoroDefault(), { turnDriftPenalty: 3 }, 1);
    const training = compareOnOrigins(s5, candidate, vuoroDefault(), fpp2TrainingOrigins());
    expect(training.wins).toBe(true);
    expect(training.candidateWape).toBeCloseTo(7.4812, 3);
    expect(training.weeksWon).toBe(12);
    expect(runFpp2Protocol(candidate, '5min', s5).wape).toBeCloseTo(8.0041, 3);
    expect(runFpp2Protocol(withRegressionTotals(vuoroDefault(), { turnDriftPenalty: 3 }, 1), '30min', s30).wape).toBeGreaterThan(5.83);
  });

  it('beats every published entry at 5 minutes (measured 7.771 %)', () => {
    const r = runFpp2Protocol(vuoroDefault(), '5min', s5);
    expect(r.wape).toBeLessThan(7.772);
    expect(r.wape).toBeLessThan(8.59); // Prophet multiplicative, best published at 5 min
  });

  // Issue 5's methods on the protocol, 30 min (measured 2026-11-22): Taylor's DSHW 11.38 % (R dshw 18.90 %,
  // 8.20 % with outliers cleaned), calendar-adjusted and fitted to day-/week-ahead errors 6.03 %;
  // augurs MSTL + AutoETS 10.22 % (R STL + ETS 21.76 %). None beats the level × profile default.
  it("runs Taylor's DSHW and augurs MSTL on the protocol, ahead of R's entries for the same methods", () => {
    expect(runFpp2Protocol(calendarAdjusted(dshw({ fitDayAndWeekAhead: true })), '30min', s30).wape).toBeLessThan(6.1);
    expect(runFpp2Protocol(mstlEts(), '30min', s30).wape).toBeLessThan(10.3);
  });

  it('chooses methods and weights per series from training origins only (never the week it forecasts)', () => {
    const origin = 145; // test week 30: training weeks 1…29
    const model = vuoroCombined();
    const fc = model.forecast(headDays(s30, origin), s30.dates.slice(origin, origin + 5));
    expect(fc).toHaveLength(5);
    const c = model.lastChoice!;
    expect(c.origins).toHaveLength(8);
    expect(Math.max(...c.origins) + 5).toBeLessThanOrEqual(origin); // every scored selection day is a training day
    expect(c.candidateWape).toHaveLength(3);
  });

  // The protocol's 5-minute target, asserted as such. `it.failing` keeps the miss visible without
  // turning the suite red: this test FAILS (and must then become a plain `it`) once the target is met.
  it.failing('meets the 5-minute target: WAPE ≤ 7.73 % (0.9 × the best published 8.59 %) — NOT MET', () => {
    expect(runFpp2Protocol(vuoroDefault(), '5min', s5).wape).toBeLessThanOrEqual(7.73);
  });

  it('learns, from the training weeks only, the early-morning surge of month-turn days and the backlog after a closed day', () => {
    const train = headDays(s30, 145); // weeks 1…29: the history of the first test origin
    const fit = fitLevelProfile(train, ['2003-09-30', '2003-10-01', '2003-10-06'], VUORO_MONTH_TURN_OPTIONS);
    expect(fit.monthTurnAdjustment[0]).toBeGreaterThan(1.05); // 07:00–07:30
    expect(fit.monthTurnAdjustment[27]).toBeLessThan(1); // 20:30–21:00
    expect(fit.afterClosureFactor.get('A1')).toBeGreaterThan(1.05);
    // month-turn targets (L0, F1) get the adjusted shape, a mid-month Monday the weekday profile
    expect(fit.targetProfiles[1][0]).toBeGreaterThan(fit.profile[3][0]);
    expect(fit.targetProfiles[2]).toEqual(fit.profile[1]);
    for (const p of fit.targetProfiles) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('splits each weekday\'s half-hour shares into 5-minute slots by one shape pooled over all weekdays', () => {
    const train = headDays(s5, 145); // weeks 1…29
    const dates = s5.dates.slice(145, 150);
    const o = { ...VUORO_DEFAULT_OPTIONS, ...VUORO_FINE_PROFILE_OPTIONS, profileGroup: 6 };
    const fit = fitLevelProfile(train, dates, o);
    const perWeekday = fitLevelProfile(train, dates, { ...o, shareAllWeekdays: false });
    const half = (p: number[], g: number) => p.slice(6 * g, 6 * g + 6).reduce((a, b) => a + b, 0);
    const [mon, fri] = [fit.profile[1], fit.profile[5]];
    for (const g of [0, 10, 27]) {
      // same half-hour shares as with per-weekday shapes, different split inside the half-hour
      expect(half(mon, g)).toBeCloseTo(half(perWeekday.profile[1], g), 12);
      for (let k = 6 * g; k < 6 * g + 6; k++) expect(mon[k] / half(mon, g)).toBeCloseTo(fri[k] / half(fri, g), 12);
    }
    expect(mon.some((v, k) => Math.abs(v - perWeekday.profile[1][k]) > 1e-6)).toBe(true);
  });

  it('owes its gain to the learned month-turn effect', () => {
    const without = runFpp2Protocol(levelProfile({ monthEffects: false }), '30min', s30).wape;
    const withIt = runFpp2Protocol(levelProfile({}), '30min', s30).wape;
    expect(withIt).toBeLessThan(without - 0.3);
  });
});
