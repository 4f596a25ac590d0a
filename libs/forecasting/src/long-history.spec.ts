import { addDays } from './calendar.js';
import { forecastAhead } from './forecast-ahead.js';
import { prepareHistory, type HistoryPoint } from './forecast.js';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Histories longer than the call stack: 300,000 five-minute intervals (about 1,040 days; three years
 * of quarter-hours, what the service reads, are 105,000). Spreading them into Math.min / Math.max
 * overflowed the stack (RangeError) above ~100,000 points.
 */
describe('a 300,000-point history', () => {
  const points: HistoryPoint[] = [];
  for (let i = 0; points.length < 300_000; i++) {
    const date = addDays('2023-01-02', Math.floor(i / 288));
    const minute = (i % 288) * 5;
    const hour = minute / 60;
    if (hour < 7 || hour >= 19) continue; // open 07:00–19:00: the slot grid is learned from the data
    points.push({ start: `${date}T${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`, volume: 10 + (i % 7) });
  }

  it('is prepared: the slot grid from its first to its last slot of the day', () => {
    const { volume } = prepareHistory({ history: points });
    expect(volume.intervalMinutes).toBe(5);
    expect(volume.firstSlotMinute).toBe(7 * 60);
    expect(volume.slotsPerDay).toBe(144);
    expect(volume.dates.length * volume.slotsPerDay).toBeGreaterThanOrEqual(300_000);
  });

  it('is forecast', () => {
    const r = forecastAhead({ history: points, intervalMinutes: 5, horizonIntervals: 144 });
    expect(r.points).toHaveLength(144);
    // the history ends inside a day (300,000 is not a whole number of 144-slot days): its rest comes first
    const last = String(points[points.length - 1].start);
    const next = Number(last.slice(11, 13)) * 60 + Number(last.slice(14, 16)) + 5;
    expect(r.points[0].timestamp).toBe(`${last.slice(0, 10)}T${pad(Math.floor(next / 60))}:${pad(next % 60)}`);
    for (const p of r.points) expect(p.volume).toBeGreaterThan(5);
  });
});
