import { accuracy, seasonalNaiveMae } from './metrics.js';

describe('accuracy metrics', () => {
  it('computes WAPE, MAPE, MASE and RMSE on a hand-checked example', () => {
    const m = accuracy([10, 20, 30, 40], [12, 18, 30, 44], 2);
    expect(m.wape).toBeCloseTo((100 * 8) / 100, 10);
    expect(m.mape).toBeCloseTo((100 * (0.2 + 0.1 + 0 + 0.1)) / 4, 10);
    expect(m.mase).toBeCloseTo(8 / 4 / 2, 10);
    expect(m.rmse).toBeCloseTo(Math.sqrt((4 + 4 + 0 + 16) / 4), 10);
    expect(m.n).toBe(4);
  });

  it('skips points whose actual is missing and scales MASE by the seasonal naive MAE', () => {
    expect(accuracy([1, Number.NaN], [2, 5]).n).toBe(1);
    expect(seasonalNaiveMae([1, 2, 3, 5, 2, 3], 3)).toBeCloseTo((4 + 0 + 0) / 3, 10);
  });
});
