import { buildDaySeries, type DaySeries } from './day-series.js';
import { calendarAdjusted, chooseCombination, coarsen, selectOrCombine, viaCoarseSlots } from './combine.js';
import type { WeekAheadModel } from './models.js';

/** Mon–Fri, 6 slots a day, 20 weeks; value = 100 + 10·slot, the first business day of a month × 1.3. */
function bankLike(): DaySeries {
  const days = [];
  for (let k = 0; k < 140; k++) {
    const date = new Date(Date.UTC(2024, 0, 1 + k)).toISOString().slice(0, 10);
    const dow = new Date(`${date}T00:00Z`).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    const firstBusiness = Number(date.slice(8, 10)) <= 3 && ![...Array(Number(date.slice(8, 10)) - 1)].some((_, j) => {
      const d = new Date(Date.UTC(2024, Number(date.slice(5, 7)) - 1, j + 1)).getUTCDay();
      return d !== 0 && d !== 6;
    });
    days.push({ date, values: Array.from({ length: 6 }, (_, s) => (100 + 10 * s) * (firstBusiness ? 1.3 : 1)) });
  }
  return buildDaySeries(days, { intervalMinutes: 30, firstSlotMinute: 480, activeDows: [false, true, true, true, true, true, false] });
}

/** A model that forecasts a constant and records the longest history it was given. */
function constant(value: number, seen: { maxDays: number }): WeekAheadModel {
  return {
    name: `constant ${value}`,
    forecast(history, targetDates) {
      seen.maxDays = Math.max(seen.maxDays, history.dates.length);
      return targetDates.map(() => new Array<number>(history.slotsPerDay).fill(value));
    },
  };
}

const head = (s: DaySeries, n: number): DaySeries => ({ ...s, dates: s.dates.slice(0, n), values: s.values.slice(0, n), imputed: s.imputed.slice(0, n) });

describe('selection and combination by rolling-origin backtest on the training history', () => {
  const s = bankLike();

  it('picks the better candidate, combines two halves of the truth, and sees only the history it is given', () => {
    const seen = { maxDays: 0 };
    const history = head({ ...s, values: s.values.map((r) => r.map(() => 125)) }, 80);
    // the truth is 125 everywhere: a constant 125 beats 60; 100 and 150 average to it
    const choice = chooseCombination(history, [constant(60, seen), constant(125, seen)], 'select', 8, ['low', 'right']);
    expect(choice.label).toBe('right');
    expect(choice.weights).toEqual([0, 1]);
    expect(choice.origins.every((o) => o < 80)).toBe(true);
    const pair = chooseCombination(history, [constant(100, seen), constant(150, seen), constant(60, seen)], 'best-of', 8, ['A', 'B', 'C']);
    expect(pair.label).toBe('0.5 A + 0.5 B');
    const model = selectOrCombine([constant(100, seen), constant(150, seen)], { rule: 'best-of' });
    const fc = model.forecast(history, s.dates.slice(80, 85));
    expect(fc[0][0]).toBeCloseTo(125, 10);
    // nothing after the 80 training days was ever handed to a candidate
    expect(seen.maxDays).toBe(80);
  });

  it('keeps the incumbent unless a challenger wins by the margin', () => {
    const seen = { maxDays: 0 };
    const history = head(s, 80);
    const close = [constant(124, seen), constant(125, seen)];
    expect(chooseCombination(history, close, 'select', 8, ['inc', 'ch'], 0.2).label).toBe('inc');
    expect(chooseCombination(history, close, 'select', 8, ['inc', 'ch'], 0).label).toBe('ch');
  });

  it('weights by inverse training WAPE', () => {
    const seen = { maxDays: 0 };
    const c = chooseCombination(head(s, 80), [constant(125, seen), constant(100, seen)], 'inverse-wape', 8, ['A', 'B']);
    expect(c.weights[0]).toBeGreaterThan(c.weights[1]);
    expect(c.weights[0] + c.weights[1]).toBeCloseTo(1, 12);
  });

  it('calendar adjustment takes the month-turn factor out of the history and puts it back on the targets', () => {
    let input: DaySeries | undefined;
    const spy: WeekAheadModel = {
      name: 'spy',
      forecast(history, targetDates) {
        input = history;
        return targetDates.map(() => new Array<number>(6).fill(1));
      },
    };
    const n = s.dates.indexOf('2024-04-29'); // history to Fri 04-26; targets include Wed 05-01 (first business day)
    const targets = s.dates.slice(n, n + 5);
    const fc = calendarAdjusted(spy).forecast(head(s, n), targets);
    const marchFirst = s.dates.indexOf('2024-03-01');
    expect(input!.values[marchFirst][0] / s.values[marchFirst][0]).toBeLessThan(0.9); // adjusted down
    expect(fc[targets.indexOf('2024-05-01')][0]).toBeGreaterThan(1.1);
    expect(fc[targets.indexOf('2024-04-29')][0]).toBeLessThan(1.1);
  });

  it('forecasts fine slots through coarse ones, keeping the coarse totals and the fine shape', () => {
    const fine: DaySeries = { ...s, intervalMinutes: 5, slotsPerDay: 13, values: s.values.map((r) => [...r, ...r, 7]) }; // 13 slots
    const c = coarsen(fine, 6);
    expect(c.slotsPerDay).toBe(3);
    expect(c.values[1]).toEqual([100 + 110 + 120 + 130 + 140 + 150, 100 + 110 + 120 + 130 + 140 + 150, 7]);
    const shape: WeekAheadModel = { name: 'shape', forecast: (h, t) => t.map(() => Array.from({ length: 13 }, (_, k) => k + 1)) };
    const totals: WeekAheadModel = { name: 'totals', forecast: (h, t) => t.map(() => [210, 420, 5]) };
    const f = viaCoarseSlots(totals, shape, 6).forecast(fine, ['2024-05-20']);
    expect(f[0].slice(0, 6).reduce((a, b) => a + b, 0)).toBeCloseTo(210, 10);
    expect(f[0][5] / f[0][0]).toBeCloseTo(6, 10);
    expect(f[0][12]).toBeCloseTo(5, 10);
  });
});
