import { wallTime } from '../../calendar/src/time-zone.js';
import { aggregateHistory } from './forecast-ahead.js';
import type { HistoryPoint } from './forecast.js';
import { localHistory, type IntervalRows } from './interval-rows.js';

const pad = (n: number) => String(n).padStart(2, '0');
const local = (t: number, tz: string) => {
  const w = wallTime(t, tz);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
};

/** The way the service built a history before: a local point per row, then aggregateHistory. */
function byPoints(rows: IntervalRows, tz: string, intervalMinutes: number, keep: (i: number) => boolean): HistoryPoint[] {
  const points: HistoryPoint[] = [];
  for (let i = 0; i < rows.start.length; i++) if (keep(i)) points.push({ start: local(rows.start[i], tz), volume: rows.volume[i], ...(Number.isNaN(rows.aht[i]) ? {} : { aht: rows.aht[i] }) });
  return aggregateHistory(points, intervalMinutes);
}

/** Quarter-hours (and a few half-hours) over two autumns and a spring in Helsinki, with odd volumes and missing AHT. */
function rowsAcrossClockChanges(): IntervalRows {
  const start: number[] = [];
  const minutes: number[] = [];
  const volume: number[] = [];
  const aht: number[] = [];
  let seed = 11;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (const [from, days] of [[Date.UTC(2024, 9, 24), 5], [Date.UTC(2025, 2, 27), 5], [Date.UTC(2025, 9, 23), 6]] as const) {
    for (let t = from; t < from + days * 86_400_000; t += 15 * 60_000) {
      start.push(t);
      minutes.push(15);
      volume.push(random() < 0.2 ? 0 : Math.round(random() * 40) + (random() < 0.1 ? 0.37 : 0));
      aht.push(random() < 0.15 ? Number.NaN : Math.round(18000 + random() * 20000) / 100);
      if (random() < 0.05) {
        start.push(t);
        minutes.push(30);
        volume.push(7);
        aht.push(250);
      }
    }
  }
  return { start: Float64Array.from(start), minutes: Int16Array.from(minutes), volume: Float64Array.from(volume), aht: Float64Array.from(aht) };
}

describe('localHistory: stored rows (instants) as local-clock history', () => {
  const rows = rowsAcrossClockChanges();

  it.each([15, 30, 60, 1440])('gives exactly the points of aggregateHistory over local points, at %i minutes', (intervalMinutes) => {
    const quarterHours = (i: number) => rows.minutes[i] === 15;
    for (const tz of ['Europe/Helsinki', 'America/New_York', 'Asia/Kathmandu']) {
      expect(localHistory(rows, tz, intervalMinutes, quarterHours)).toEqual(byPoints(rows, tz, intervalMinutes, quarterHours));
    }
    expect(localHistory(rows, 'Europe/Helsinki', intervalMinutes)).toEqual(byPoints(rows, 'Europe/Helsinki', intervalMinutes, () => true));
  });

  it('adds up the two quarter-hours that the night the clocks go back shows at 03:00', () => {
    // 2025-10-26 00:00 and 01:00 UTC are both 03:00 in Helsinki (summer time, then winter time)
    const first = Date.UTC(2025, 9, 26, 0);
    const second = Date.UTC(2025, 9, 26, 1);
    const points = localHistory({ start: [first, second], minutes: [15, 15], volume: [3, 5], aht: [100, Number.NaN] }, 'Europe/Helsinki', 15);
    expect(points).toEqual([{ start: '2025-10-26T03:00', volume: 8, aht: 100 }]);
  });

  it('refuses an interval length that does not divide a day, as aggregateHistory does', () => {
    expect(() => localHistory(rows, 'Europe/Helsinki', 25)).toThrow('intervalMinutes must divide a day');
  });
});
