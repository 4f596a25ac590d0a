import { BACKTEST_WORK_LIMITS, BacktestInputError, checkBacktestWork } from './backtest-horizon.js';

describe('backtest work limit: values × origins per slow method', () => {
  it('refuses an audit\'s 200,000-value MSTL backtest with 26 origins (92 s), naming the origins allowed', () => {
    const error = (() => {
      try {
        checkBacktestWork('mstl-ets', 200_000, 26);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(BacktestInputError);
    expect(error).toMatchObject({ parameter: 'origins', rule: 'workLimit', allowed: 5 });
    expect((error as Error).message).toBe('origins: a mstl-ets backtest may take at most 1,000,000 values × origins (about 30 s of computing); this series has 200,000 values, so at most 5 origins; 26 were asked for');
  });

  it('takes what fits, and has no limit for the quick methods', () => {
    expect(() => checkBacktestWork('mstl-ets', 200_000, 5)).not.toThrow();
    expect(() => checkBacktestWork('mstl-ets', 35_000, 26)).not.toThrow();
    expect(() => checkBacktestWork('vuoro-auto', 200_000, 15)).not.toThrow();
    expect(() => checkBacktestWork('vuoro-auto', 200_000, 16)).toThrow(BacktestInputError);
    for (const method of ['vuoro-default', 'dshw-taylor', 'same-slot-mean-4', 'same-slot-mean-8', 'seasonal-naive'] as const) {
      expect(BACKTEST_WORK_LIMITS[method]).toBeUndefined();
      expect(() => checkBacktestWork(method, 200_000, 26)).not.toThrow();
    }
  });
});
