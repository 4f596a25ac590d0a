import { backtestHorizon, modelFor } from './backtest-horizon.js';
import { partialDays, prepareHistory } from './forecast.js';

describe('partialDays: the days an inline series covers only in part', () => {
  it('names the first day when it starts after midnight and the last when it ends before one', () => {
    expect(partialDays({ start: '2026-03-02T00:00', volume: new Array(96).fill(1) }, 30)).toEqual([]);
    expect(partialDays({ start: '2026-03-02T03:30', volume: new Array(48).fill(1) }, 30)).toEqual(['2026-03-02', '2026-03-03']);
    expect(partialDays({ start: '2026-03-02T07:00', volume: new Array(28).fill(1) }, 30)).toEqual(['2026-03-02']); // one day, 07:00–21:00
    expect(partialDays({ start: '2026-03-02T00:00', volume: new Array(47).fill(1) }, 30)).toEqual(['2026-03-02']);
    expect(partialDays({ start: '2026-03-02T00:00', volume: [] }, 30)).toEqual([]);
  });

  it('keeps a constant 24/7 series exact in a backtest whatever hour it starts at', () => {
    for (const start of ['2026-03-02T00:00', '2026-03-02T03:30', '2026-03-02T12:00']) {
      const history = { start, volume: new Array(48 * 7 * 10).fill(10) };
      const { volume } = prepareHistory({ history, intervalMinutes: 30, calendar: { outlierDates: partialDays(history, 30) } });
      expect(backtestHorizon(volume, modelFor('vuoro-default'), 5).wape).toBeLessThan(1e-9);
      // as the partial days were read before: two near-empty days, one of them scored
      const { volume: asZeros } = prepareHistory({ history, intervalMinutes: 30 });
      if (start !== '2026-03-02T00:00') expect(backtestHorizon(asZeros, modelFor('vuoro-default'), 5).wape).toBeGreaterThan(1);
    }
  });
});
