import { BacktestInputError, backtestHorizon, maxBacktestOrigins, modelFor } from './backtest-horizon.js';
import { prepareHistory, type HistoryPoint } from './forecast.js';

/** `weeks` weeks of an hourly Mon–Fri 08:00–17:00 queue from Monday 2026-01-05 (no rows at weekends). */
function weeksOfHistory(weeks: number) {
  const history: HistoryPoint[] = [];
  for (let day = 0; day < weeks * 7; day++) {
    if (day % 7 >= 5) continue;
    const date = new Date(Date.UTC(2026, 0, 5 + day)).toISOString().slice(0, 10);
    for (let hour = 8; hour < 18; hour++) history.push({ start: `${date}T${String(hour).padStart(2, '0')}:00`, volume: 100 + 20 * Math.sin(day * 10 + hour) });
  }
  return prepareHistory({ history, intervalMinutes: 60 }).volume;
}

describe('backtestHorizon: the origins asked for, or a refusal saying how many the history allows', () => {
  const thirteenWeeks = weeksOfHistory(13);
  const naive = modelFor('seasonal-naive');

  it('allows one origin per week that has a whole week of training before it', () => {
    expect(maxBacktestOrigins(thirteenWeeks)).toBe(12);
    expect(maxBacktestOrigins(weeksOfHistory(2))).toBe(1);
    expect(maxBacktestOrigins(weeksOfHistory(1))).toBe(0);
  });

  it('uses exactly the origins asked for, up to what the history allows', () => {
    expect(backtestHorizon(thirteenWeeks, naive, 4).origins).toBe(4);
    expect(backtestHorizon(thirteenWeeks, naive, 12).origins).toBe(12);
  });

  it('refuses more origins than the history allows, naming origins and the number allowed (an audit asked 26 and silently got 12)', () => {
    let caught: unknown;
    try {
      backtestHorizon(thirteenWeeks, naive, 26);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BacktestInputError);
    expect(caught).toMatchObject({ parameter: 'origins', rule: 'enoughHistory', allowed: 12 });
    expect((caught as Error).message).toContain('at most 12 origins');
    expect((caught as Error).message).toContain('26 were asked for');
    expect(() => backtestHorizon(thirteenWeeks, naive, 13)).toThrow(BacktestInputError);
  });

  it('refuses a history too short for any origin, and a number of origins below 1', () => {
    expect(() => backtestHorizon(weeksOfHistory(1), naive, 1)).toThrow(/too short for a backtest/);
    expect(() => backtestHorizon(thirteenWeeks, naive, 0)).toThrow(expect.objectContaining({ parameter: 'origins', rule: 'min' }));
  });

  it('scores the active days asked for after each origin, and refuses more than a week of them (a Mon–Fri queue has 5)', () => {
    expect(backtestHorizon(thirteenWeeks, naive, 4, 3).horizonDays).toBe(3);
    expect(backtestHorizon(thirteenWeeks, naive, 4).horizonDays).toBe(5);
    expect(() => backtestHorizon(thirteenWeeks, naive, 4, 7)).toThrow(expect.objectContaining({ parameter: 'horizon', rule: 'activeDays', allowed: 5 }));
  });
});
