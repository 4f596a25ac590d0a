import { forecastAhead } from './forecast-ahead.js';
import { toFinestLength, type LengthedPoint } from './mixed-lengths.js';

const day = (date: string, minutes: number, from: number, to: number, volume: (minute: number) => number): LengthedPoint[] => {
  const out: LengthedPoint[] = [];
  for (let m = from; m < to; m += minutes) out.push({ start: `${date}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`, minutes, volume: volume(m) });
  return out;
};
const weekdays = (first: string, weeks: number): string[] => {
  const out: string[] = [];
  for (let k = 0; k < weeks * 7; k++) {
    const d = new Date(Date.parse(`${first}T00:00Z`) + k * 86_400_000);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
};

describe('history at several interval lengths, brought to the finest', () => {
  it('keeps rows of one length as they are', () => {
    const rows = day('2026-03-02', 15, 480, 540, () => 5);
    expect(toFinestLength(rows)).toEqual({ intervalMinutes: 15, points: rows.map(({ start, volume }) => ({ start, volume })), split: 0, dropped: 0 });
  });

  it('splits coarser rows by the finer rows\' shape of that weekday and time, evenly where there is none', () => {
    // Mondays in quarter-hours: the first quarter of each hour carries 40 %, the others 20 %
    const fine = day('2026-03-09', 15, 480, 600, (m) => (m % 60 === 0 ? 40 : 20));
    // an older Monday in hours (08:00–10:00) and one hour (12:00) the finer rows never had
    const coarse: LengthedPoint[] = [...day('2026-03-02', 60, 480, 600, () => 100), { start: '2026-03-02T12:00', minutes: 60, volume: 80, aht: 300 }];
    const r = toFinestLength([...coarse, ...fine]);
    expect(r).toMatchObject({ intervalMinutes: 15, split: 3, dropped: 0 });
    const at = (start: string) => r.points.find((p) => p.start === start)!;
    expect(at('2026-03-02T08:00').volume).toBeCloseTo(40, 9);
    expect(at('2026-03-02T08:15').volume).toBeCloseTo(20, 9);
    expect(at('2026-03-02T09:45').volume).toBeCloseTo(20, 9);
    expect(at('2026-03-02T12:30')).toEqual({ start: '2026-03-02T12:30', volume: 20, aht: 300 });
    expect(r.points.filter((p) => p.start.startsWith('2026-03-02')).reduce((a, p) => a + p.volume, 0)).toBeCloseTo(280, 9);
    // sorted, each start once
    expect(r.points.map((p) => p.start)).toEqual([...new Set(r.points.map((p) => p.start))].sort());
  });

  it('leaves out a coarser row that overlaps finer rows, and one on a grid it cannot be split onto', () => {
    const fine = day('2026-03-02', 15, 480, 510, () => 10); // 08:00–08:30 in quarter-hours
    const r = toFinestLength([...fine, { start: '2026-03-02T08:00', minutes: 60, volume: 45 }, { start: '2026-03-02T09:00', minutes: 20, volume: 9 }]);
    expect(r).toMatchObject({ intervalMinutes: 15, split: 0, dropped: 2 });
    expect(r.points).toHaveLength(2);
  });

  it('forecasts from all of it: eight weeks of half-hours and a week of quarter-hours give a full quarter-hour forecast', () => {
    // an audit imported 8 weeks of half-hours, then one day of quarter-hours, and got no forecast at all
    const rows: LengthedPoint[] = [];
    for (const d of weekdays('2026-01-05', 8)) rows.push(...day(d, 30, 480, 960, (m) => (m < 720 ? 60 : 40)));
    for (const d of weekdays('2026-03-02', 1)) rows.push(...day(d, 15, 480, 960, (m) => (m < 720 ? 30 : 20)));
    const { intervalMinutes, points } = toFinestLength(rows);
    const fc = forecastAhead({ history: points, intervalMinutes, from: '2026-03-09', to: '2026-03-13' });
    expect(fc.points).toHaveLength(5 * 32);
    const monday = fc.points.filter((p) => p.timestamp.startsWith('2026-03-09')).reduce((a, p) => a + p.volume, 0);
    expect(monday).toBeGreaterThan(0.9 * 800);
    expect(monday).toBeLessThan(1.1 * 800);
  });
});
