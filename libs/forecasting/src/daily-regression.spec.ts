import { addDays, dayOfWeek, monthPositionKey } from './calendar.js';
import { fitDailyRegression, withRegressionTotals } from './daily-regression.js';
import { buildDaySeries, dayTotal, headDays, type DaySeries, type RawDay } from './day-series.js';
import { loadFpp2Calls } from './fpp2-protocol.js';
import { sameSlotMean } from './models.js';

const WEEKDAYS = [false, true, true, true, true, true, false];
const DOW_EFFECT = [0, 0.12, -0.01, -0.06, -0.04, -0.01, 0]; // Mon…Fri sum to 0

/** Deterministic noise: sum of four uniforms from a linear congruential generator, sd ≈ `sd`. */
function noise(seed: number, sd: number): () => number {
  let x = seed;
  const u = (): number => {
    x = (1103515245 * x + 12345) % 2147483648;
    return x / 2147483648;
  };
  return () => (u() + u() + u() + u() - 2) * sd * Math.sqrt(3);
}

/**
 * Mon–Fri days from Mon 2003-01-06 whose log total = log 30 000 + a slow drift + weekday effect
 * + turn effect on month-turn days (`turnOf(episode index)`) + `afterEffect` on the first day after a
 * closure + noise; split over four slots in a fixed shape. `closed` dates are absent.
 */
function synthetic(weeks: number, turnOf: (episode: number) => number, afterEffect: number, closed: readonly string[], sd = 0.01): DaySeries {
  const e = noise(7, sd);
  const days: RawDay[] = [];
  let i = 0;
  let episode = -1;
  let lastEpisode = '';
  let afterClosure = false;
  for (let d = '2003-01-06'; i < weeks * 5; d = addDays(d, 1)) {
    if (!WEEKDAYS[dayOfWeek(d)]) continue;
    i++;
    if (closed.includes(d)) {
      afterClosure = true;
      continue;
    }
    const key = monthPositionKey(d, WEEKDAYS);
    let z = Math.log(30000) + 0.0005 * i + DOW_EFFECT[dayOfWeek(d)] + e();
    if (key !== 'mid') {
      const label = key === 'L0' ? `L${d.slice(0, 7)}` : `F${d.slice(0, 7)}`;
      // an episode is the last business day of a month and the first three of the next
      const ep = key === 'L0' ? label : `L${addDays(`${d.slice(0, 7)}-01`, -1).slice(0, 7)}`;
      if (ep !== lastEpisode) {
        episode++;
        lastEpisode = ep;
      }
      z += turnOf(episode);
    }
    if (afterClosure) z += afterEffect;
    afterClosure = false;
    const t = Math.exp(z);
    days.push({ date: d, values: [0.2 * t, 0.3 * t, 0.35 * t, 0.15 * t] });
  }
  return buildDaySeries(days, { intervalMinutes: 120, firstSlotMinute: 8 * 60, activeDows: WEEKDAYS });
}

describe('daily-total regression (random-walk level, weekday, month-turn and after-closure effects)', () => {
  it('recovers known weekday, month-turn and after-closure effects from a synthetic series', () => {
    const closed = ['2003-02-17', '2003-05-26', '2003-07-04', '2003-09-01', '2003-10-14'];
    const s = synthetic(40, () => 0.1, 0.2, closed);
    const fit = fitDailyRegression(s, [], { afterClosureShrink: 0.01, turnShrink: 0.01 });
    for (let d = 1; d <= 5; d++) expect(fit.dowEffect[d]).toBeCloseTo(DOW_EFFECT[d], 2);
    expect(fit.turnEffect).toHaveLength(1);
    for (const k of ['F1', 'F2', 'F3', 'L0']) expect(fit.turnEffect[0] + fit.keyEffect.get(k)!).toBeCloseTo(0.1, 2);
    expect(fit.afterClosureEffect.get('A1')!).toBeGreaterThan(0.17);
    expect(fit.afterClosureEffect.get('A1')!).toBeLessThan(0.23);
    expect(Math.abs(fit.afterClosureEffect.get('A2')!)).toBeLessThan(0.03);
    // the level at the end of the history: log 30 000 + 0.0005 × 200 days
    expect(fit.level[fit.level.length - 1]).toBeCloseTo(Math.log(30000) + 0.1, 1);
  });

  it('forecasts the next week from the history only, with its calendar: a Monday month turn and the day after a closure', () => {
    const full = synthetic(40, () => 0.1, 0.2, ['2003-02-17', '2003-05-26', '2003-09-19']);
    const origin = full.dates.indexOf('2003-09-22'); // history ends on the closed Friday 2003-09-19
    const dates = full.dates.slice(origin, origin + 10);
    const fit = fitDailyRegression(headDays(full, origin), dates, { afterClosureShrink: 0.01, turnShrink: 0.01 });
    dates.forEach((d, j) => {
      const expected = full.values[origin + j].reduce((a, b) => a + b, 0);
      expect(Math.abs(fit.dailyTotals[j] / expected - 1)).toBeLessThan(0.04); // noise sd 1 %, level carried flat
      if (d === '2003-09-22') expect(fit.dailyTotals[j]).toBeGreaterThan(1.15 * Math.exp(fit.level[origin - 1] + fit.dowEffect[1])); // A1
      if (d === '2003-09-30') expect(fit.dailyTotals[j]).toBeGreaterThan(1.08 * Math.exp(fit.level[origin - 1] + fit.dowEffect[2])); // L0
    });
  });

  it('lets the month-turn effect drift between episodes when asked, and carries the last one forward', () => {
    const growing = (e: number): number => 0.01 * e; // 0, 0.01, …: the effect grows turn after turn
    const s = synthetic(40, growing, 0, [], 0.005);
    const drifting = fitDailyRegression(s, [], { turnDriftPenalty: 3 });
    const still = fitDailyRegression(s, [], {});
    const n = drifting.turnEffect.length;
    expect(n).toBeGreaterThan(8);
    expect(drifting.turnEpisodes[n - 1] > drifting.turnEpisodes[0]).toBe(true);
    const lastTrue = growing(n - 1);
    expect(Math.abs(drifting.turnEffect[n - 1] - lastTrue)).toBeLessThan(0.015);
    expect(still.turnEffect[0]).toBeLessThan(lastTrue - 0.03); // the static effect is the average over the turns
    expect(drifting.turnEffect[n - 1]).toBeGreaterThan(drifting.turnEffect[1]);
  });

  it('ignores the values of imputed days and is hardly moved by an unflagged holiday', () => {
    const s = synthetic(20, () => 0.1, 0.2, ['2003-03-10']);
    const dates = ['2003-05-26', '2003-05-27'];
    const base = fitDailyRegression(s, dates).dailyTotals;
    const imp = s.imputed.indexOf(true);
    const changed: DaySeries = { ...s, values: s.values.map((v, i) => (i === imp ? v.map((x) => 10 * x) : v)) };
    expect(fitDailyRegression(changed, dates).dailyTotals).toEqual(base);
    const k = s.dates.length - 3; // a quiet holiday, three days before the origin
    const holiday: DaySeries = { ...s, values: s.values.map((v, i) => (i === k ? v.map((x) => 0.3 * x) : v)) };
    const moved = fitDailyRegression(holiday, dates).dailyTotals;
    moved.forEach((t, j) => expect(Math.abs(t / base[j] - 1)).toBeLessThan(0.01));
    // a lasting level shift does move it, but the Huber weights (1 robust sd) treat its first days as
    // outliers: with 1 % noise, +10 % over the last 10 days moves the forecast by only about 2 %
    const shift = (days: number): number => {
      const shifted: DaySeries = { ...s, values: s.values.map((v, i) => (i >= s.dates.length - days ? v.map((x) => 1.1 * x) : v)) };
      return fitDailyRegression(shifted, dates).dailyTotals[0] / base[0];
    };
    expect(shift(10)).toBeGreaterThan(1.01);
    expect(shift(20)).toBeGreaterThan(1.05);
  });

  it('replaces only the daily totals of a model: every forecast day keeps its intraday shape', () => {
    const s = synthetic(20, () => 0.1, 0, []);
    const history = headDays(s, 90);
    const dates = s.dates.slice(90, 95);
    const base = sameSlotMean(4);
    const own = base.forecast(history, dates);
    const totals = fitDailyRegression(history, dates).dailyTotals;
    const full = withRegressionTotals(base).forecast(history, dates);
    const half = withRegressionTotals(base, {}, 0.5).forecast(history, dates);
    full.forEach((row, j) => {
      expect(dayTotal(row)).toBeCloseTo(totals[j], 6);
      expect(dayTotal(half[j])).toBeCloseTo((totals[j] + dayTotal(own[j])) / 2, 6);
      row.forEach((v, k) => expect(v / dayTotal(row)).toBeCloseTo(own[j][k] / dayTotal(own[j]), 12));
    });
  });

  it('learns from the fpp2 training weeks that the month-turn surge grew from spring to summer', () => {
    const s = loadFpp2Calls('30min');
    const fit = fitDailyRegression(headDays(s, 145), [], { turnDriftPenalty: 3 }); // weeks 1…29
    const [first, last] = [fit.turnEffect[0], fit.turnEffect[fit.turnEffect.length - 1]];
    expect(fit.turnEpisodes[0]).toBe('2003-03');
    expect(first).toBeGreaterThan(0.02);
    expect(last).toBeGreaterThan(first + 0.04); // about +5 % in March–May, +11 % by the September turn
    expect(fit.afterClosureEffect.get('A1')!).toBeGreaterThan(0);
  });
});
