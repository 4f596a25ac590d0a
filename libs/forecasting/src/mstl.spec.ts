import { buildDaySeries, type DaySeries } from './day-series.js';
import { wape } from './metrics.js';
import { mstlEts, mstlForecast } from './mstl.js';

/** Mon–Fri, 16 slots a day: a daily shape × weekday factor, a slow upward trend and a fixed wobble (no randomness). */
function series(weeks: number): { s: DaySeries; truth: (day: number, slot: number) => number } {
  const truth = (day: number, slot: number): number => {
    const dow = day % 5;
    return (200 + 0.2 * day) * (0.5 + Math.sin((Math.PI * (slot + 0.5)) / 16)) * [1.2, 1, 1, 0.95, 0.85][dow];
  };
  const days = [];
  for (let k = 0; k < weeks * 5; k++) {
    const w = Math.floor(k / 5);
    const date = new Date(Date.UTC(2024, 0, 1 + 7 * w + (k % 5))).toISOString().slice(0, 10);
    days.push({ date, values: Array.from({ length: 16 }, (_, s) => truth(k, s) * (1 + 0.03 * Math.sin(7.3 * k + 1.7 * s))) });
  }
  return { s: buildDaySeries(days, { intervalMinutes: 30, firstSlotMinute: 480, activeDows: [false, true, true, true, true, true, false] }), truth };
}

describe('MSTL + AutoETS from augurs (WebAssembly, initialised synchronously)', () => {
  it('forecasts a double-seasonal series a week ahead, with prediction intervals around every point', () => {
    const { s, truth } = series(11);
    const n = 50;
    const history: DaySeries = { ...s, dates: s.dates.slice(0, n), values: s.values.slice(0, n), imputed: s.imputed.slice(0, n) };
    const targets = s.dates.slice(n, n + 5);
    const f = mstlEts().forecastWithIntervals(history, targets, 0.8);
    expect(f.point).toHaveLength(5);
    const expected = targets.map((_, d) => Array.from({ length: 16 }, (_, slot) => truth(n + d, slot)));
    expect(wape(expected.flat(), f.point.flat())).toBeLessThan(4);
    for (let d = 0; d < 5; d++)
      for (let slot = 0; slot < 16; slot++) {
        expect(f.lower[d][slot]).toBeLessThanOrEqual(f.point[d][slot]);
        expect(f.upper[d][slot]).toBeGreaterThanOrEqual(f.point[d][slot]);
      }
    // wider intervals at a higher level, and they widen with the horizon
    const f95 = mstlEts().forecastWithIntervals(history, targets, 0.95);
    expect(f95.upper[0][8] - f95.lower[0][8]).toBeGreaterThan(f.upper[0][8] - f.lower[0][8]);
    expect(f.upper[4][8] - f.lower[4][8]).toBeGreaterThanOrEqual(f.upper[0][8] - f.lower[0][8]);
  });

  it('is deterministic and never negative', () => {
    const y = Array.from({ length: 400 }, (_, t) => Math.max(0, 10 * Math.sin((2 * Math.PI * t) / 20) + 3));
    const a = mstlForecast(y, [20, 100], 40, 0.9);
    const b = mstlForecast(y, [20, 100], 40, 0.9);
    expect(a).toEqual(b);
    expect(Math.min(...a.point, ...a.lower)).toBeGreaterThanOrEqual(0);
  });
});
