import { buildDaySeries, type DaySeries } from './day-series.js';
import { activeDayOffsets, dshw, fitDshw, forecastDshw } from './dshw.js';
import { forecastAhead } from './forecast-ahead.js';
import { wape } from './metrics.js';
import { sameSlotMean } from './models.js';
import { nelderMead } from './nelder-mead.js';

/** Seeded uniform generator (mulberry32): the synthetic series is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Weekdays Mon–Fri, `slots` slots a day: level × intraday shape × weekday-specific shape, with
 * Gaussian noise of `noise` × the mean; `closed` slots at the start of each day are always 0.
 */
function synthetic(weeks: number, slots: number, noise: number, closed = 0, seed = 7): { series: DaySeries; truth: (week: number, day: number, slot: number) => number } {
  const u = rng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const truth = (week: number, day: number, slot: number): number => {
    if (slot < closed) return 0;
    const x = (slot - closed) / (slots - closed);
    const intraday = 0.4 + Math.sin(Math.PI * x) + 0.3 * Math.sin(3 * Math.PI * x) ** 2;
    const weekday = [1.3, 1.05, 1, 0.95, 0.8][day] * (1 + (day === 4 ? -0.4 * x : 0)); // Friday afternoons fade
    return 100 * (1 + 0.005 * week) * intraday * weekday;
  };
  const days = [];
  for (let w = 0; w < weeks; w++)
    for (let d = 0; d < 5; d++) {
      const date = new Date(Date.UTC(2024, 0, 1 + 7 * w + d)).toISOString().slice(0, 10); // 2024-01-01 is a Monday
      days.push({ date, values: Array.from({ length: slots }, (_, s) => Math.max(0, truth(w, d, s) * (1 + noise * gauss()))) });
    }
  const series = buildDaySeries(days, { intervalMinutes: 30, firstSlotMinute: 8 * 60, activeDows: [false, true, true, true, true, true, false] });
  return { series, truth };
}

const head = (s: DaySeries, n: number): DaySeries => ({ ...s, dates: s.dates.slice(0, n), values: s.values.slice(0, n), imputed: s.imputed.slice(0, n) });

describe('Nelder–Mead', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const r = nelderMead(([x, y]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2, [-1.2, 1], { maxEvaluations: 2000, tolerance: 1e-14 });
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });
});

describe("Taylor's double-seasonal Holt-Winters", () => {
  it('recovers a synthetic double-seasonal series: the week-ahead forecast is close to the truth', () => {
    const { series, truth } = synthetic(13, 20, 0.03);
    const history = head(series, 60); // 12 weeks
    const targets = series.dates.slice(60, 65);
    const fc = dshw().forecast(history, targets);
    const expected = targets.map((_, d) => Array.from({ length: 20 }, (_, s) => truth(12, d, s)));
    // close to the noise-free truth (the noise is 3 %), and better than the weekly seasonal naive
    expect(wape(expected.flat(), fc.flat())).toBeLessThan(2.5);
    const actual = series.values.slice(60, 65).flat();
    expect(wape(actual, fc.flat())).toBeLessThan(wape(actual, sameSlotMean(1).forecast(history, targets).flat()));
    // the weekday-specific shape (Friday afternoons fade) is learned by the intraweek cycle
    expect(fc[4][19] / fc[4][10]).toBeLessThan(0.8 * (fc[1][19] / fc[1][10]));
  });

  it('fits smoothing parameters inside their ranges, and the same ones every time (deterministic)', () => {
    const { series } = synthetic(10, 20, 0.05);
    const y = series.values.flat();
    const a = fitDshw(y, 20, 100);
    const b = fitDshw(y, 20, 100);
    expect(a.params).toEqual(b.params);
    expect(forecastDshw(a, 100)).toEqual(forecastDshw(b, 100));
    for (const k of ['alpha', 'delta', 'omega'] as const) {
      expect(a.params[k]).toBeGreaterThan(0);
      expect(a.params[k]).toBeLessThan(1);
    }
    expect(Math.abs(a.params.phi)).toBeLessThan(1);
    // the fitted one-step error is at the noise level (5 % of a mean of ≈ 100)
    expect(a.rmse).toBeLessThan(8);
  });

  it('minimises the in-sample one-step SSE: the fitted parameters beat fixed textbook ones', () => {
    const { series } = synthetic(10, 20, 0.05);
    const y = series.values.flat();
    const fitted = fitDshw(y, 20, 100);
    const fixed = fitDshw(y, 20, 100, { params: { alpha: 0.3, delta: 0.3, omega: 0.3, phi: 0.5 } });
    expect(fitted.rmse).toBeLessThan(fixed.rmse);
    expect(fixed.params).toEqual({ alpha: 0.3, delta: 0.3, omega: 0.3, phi: 0.5 });
  });

  it('uses the AR(1) adjustment only for the first steps: a last-slot surprise fades as φ^k', () => {
    const { series } = synthetic(6, 20, 0.02);
    const y = series.values.flat();
    const fit = fitDshw(y, 20, 100, { params: { alpha: 0.01, delta: 0.01, omega: 0.01, phi: 0.8 } });
    const shocked = { ...fit, lastError: 50 };
    const a = forecastDshw(fit, 30);
    const b = forecastDshw(shocked, 30);
    expect(b[0] - a[0]).toBeCloseTo(0.8 * (50 - fit.lastError), 8);
    expect(b[9] - a[9]).toBeCloseTo(0.8 ** 10 * (50 - fit.lastError), 8);
  });

  it('keeps closed hours at zero and stays finite (zeros do not break the multiplicative indices)', () => {
    const { series } = synthetic(9, 24, 0.05, 4);
    const history = head(series, 40);
    const fc = dshw().forecast(history, series.dates.slice(40, 45));
    for (const row of fc) {
      for (const v of row) expect(Number.isFinite(v)).toBe(true);
      for (let s = 0; s < 4; s++) expect(row[s]).toBeLessThan(1);
    }
    expect(wape(series.values.slice(40, 45).flat(), fc.flat())).toBeLessThan(8);
  });

  it('maps target dates to steps over active days only (a Friday → Monday gap is one step)', () => {
    const { series } = synthetic(3, 20, 0.05);
    const history = head(series, 5); // Mon 2024-01-01 … Fri 01-05
    expect(activeDayOffsets(history, ['2024-01-08', '2024-01-09', '2024-01-15'])).toEqual([1, 2, 6]);
    expect(() => activeDayOffsets(history, ['2024-01-05'])).toThrow(/not after the history/);
  });

  it('gives a prediction interval for every forecast on the service path (empirical error model of its own backtest)', () => {
    const { series } = synthetic(12, 20, 0.05);
    const pad = (n: number): string => String(n).padStart(2, '0');
    const history = series.dates.flatMap((date, d) =>
      series.values[d].map((volume, slot) => ({ start: `${date}T${pad(8 + Math.floor(slot / 2))}:${pad(30 * (slot % 2))}`, volume })),
    );
    const r = forecastAhead({ history, intervalMinutes: 30, horizonIntervals: 100, method: dshw() });
    expect(r.points).toHaveLength(100);
    expect(r.method).toMatch(/Holt-Winters/);
    for (const p of r.points) {
      expect(p.lower).toBeLessThan(p.volume);
      expect(p.upper).toBeGreaterThan(p.volume);
    }
  });
});
