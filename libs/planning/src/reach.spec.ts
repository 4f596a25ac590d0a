import { addDays } from '../../calendar/src/local-date.js';
import { forecastAhead } from '../../forecasting/src/forecast-ahead.js';
import { PLANNING_REACH_DAYS, lastPlannableDate } from './reach.js';

/** Four weeks of weekday history, 08:00–17:45 on a 15-minute grid, ending the day before `today`. */
function historyUntil(today: string) {
  const points = [];
  for (let d = -28; d < 0; d++) {
    const date = addDays(today, d);
    if (new Date(`${date}T12:00:00Z`).getUTCDay() % 6 === 0) continue;
    for (let k = 0; k < 40; k++) points.push({ start: `${date}T${String(8 + Math.floor(k / 4)).padStart(2, '0')}:${String((k % 4) * 15).padStart(2, '0')}`, volume: 4 });
  }
  return points;
}

describe('how far ahead planning goes', () => {
  const today = '2026-11-24';

  it('reaches the forecast’s days from today, today included', () => {
    expect(PLANNING_REACH_DAYS).toBe(400);
    expect(lastPlannableDate(today)).toBe('2027-12-28');
  });

  it('ends where the forecast of a history up to today ends: its last date forecasts, the next is refused', () => {
    const history = historyUntil(today);
    const last = lastPlannableDate(today);
    expect(forecastAhead({ history, intervalMinutes: 15, from: last, to: last }).points.length).toBe(40);
    expect(() => forecastAhead({ history, intervalMinutes: 15, from: last, to: addDays(last, 1) })).toThrow(`to ${last}`);
  });
});
