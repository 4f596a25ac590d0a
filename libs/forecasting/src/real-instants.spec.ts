import { forecastAhead } from './forecast-ahead.js';
import type { HistoryPoint } from './forecast.js';
import { pointsAtInstants } from './real-instants.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** Eight weeks of a 24/7 queue in hours: 10 an hour, 20 at 03:00 (so the 03:00 slot is told apart). */
function roundTheClock(from: string, days: number): HistoryPoint[] {
  const out: HistoryPoint[] = [];
  for (let d = 0; d < days; d++) {
    const date = new Date(Date.parse(`${from}T00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
    for (let h = 0; h < 24; h++) out.push({ start: `${date}T${pad(h)}:00`, volume: h === 3 ? 20 : 10 });
  }
  return out;
}

describe('pointsAtInstants: a wall-clock forecast as the real intervals of the day', () => {
  const tz = 'Europe/Helsinki';
  const history = roundTheClock('2027-09-05', 8 * 7);

  it('the day the clocks go back: 25 points, the 03:00 forecast at both instants of 03:00', () => {
    const fc = forecastAhead({ history, intervalMinutes: 60, from: '2027-10-31', to: '2027-10-31', method: { name: 'same', forecast: (s, dates) => dates.map(() => s.values[s.values.length - 1].slice()) } });
    expect(fc.points).toHaveLength(24); // the model's day: 24 wall-clock hours
    const real = pointsAtInstants(fc.points, tz);
    expect(real).toHaveLength(25);
    expect(real.map((p) => p.start)).toEqual(Array.from({ length: 25 }, (_, h) => Date.UTC(2027, 9, 30, 21 + h)));
    expect(real.filter((p) => p.timestamp === '2027-10-31T03:00').map((p) => p.volume)).toEqual([20, 20]);
    expect(real.reduce((a, p) => a + p.volume, 0)).toBe(24 * 10 + 10 + 20); // the repeated hour counted twice
  });

  it('the day the clocks go forward: 23 points, none for the 03:00 that does not happen', () => {
    const points = Array.from({ length: 24 }, (_, h) => ({ timestamp: `2027-03-28T${pad(h)}:00`, volume: h }));
    const real = pointsAtInstants(points, tz);
    expect(real).toHaveLength(23);
    expect(real.map((p) => p.volume)).toEqual([0, 1, 2, ...Array.from({ length: 20 }, (_, i) => i + 4)]);
    expect(new Set(real.map((p) => p.start)).size).toBe(23);
  });
});
