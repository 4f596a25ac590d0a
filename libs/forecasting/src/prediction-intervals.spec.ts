import { headDays } from './day-series.js';
import { fpp2Origins, loadFpp2Calls } from './fpp2-protocol.js';
import { estimateErrorModel, normalQuantile, predictionInterval } from './intervals.js';
import { vuoroDefault } from './week-ahead.js';

function coverage(resolution: '30min' | '5min', level: number): number {
  const s = loadFpp2Calls(resolution);
  const model = vuoroDefault();
  let inside = 0;
  let n = 0;
  for (const origin of fpp2Origins()) {
    const train = headDays(s, origin);
    const em = estimateErrorModel(train, model, 8);
    const fc = model.forecast(train, s.dates.slice(origin, origin + 5));
    fc.forEach((row, d) => {
      if (s.imputed[origin + d]) return;
      row.forEach((f, slot) => {
        const { lower, upper } = predictionInterval(f, em, level);
        const y = s.values[origin + d][slot];
        if (y >= lower && y <= upper) inside++;
        n++;
      });
    });
  }
  return inside / n;
}

describe('prediction intervals (φ·ŷ + (σ·ŷ)² error model fitted on the training backtest)', () => {
  it('normal quantiles are right', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.9)).toBeCloseTo(1.281552, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 8);
  });

  it.each(['30min', '5min'] as const)('cover the fpp2 test weeks at about their nominal rate (%s)', (resolution) => {
    const c80 = coverage(resolution, 0.8);
    const c95 = coverage(resolution, 0.95);
    console.log(`fpp2 ${resolution} empirical coverage: 80 % interval ${(100 * c80).toFixed(1)} %, 95 % interval ${(100 * c95).toFixed(1)} %`);
    expect(c80).toBeGreaterThan(0.7);
    expect(c80).toBeLessThan(0.92);
    expect(c95).toBeGreaterThan(0.88);
    expect(c95).toBeLessThan(0.995);
  });
});
