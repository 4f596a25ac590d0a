import { backtest, forecast, type HistoryPoint } from './forecast.js';
import { loadFpp2Calls } from './fpp2-protocol.js';

/** The service-facing API, fed with real fpp2 30-minute history (weeks 1…29) as timestamped points. */
describe('forecast() and backtest() API', () => {
  const s = loadFpp2Calls('30min');
  const train = 29 * 5;
  const history: HistoryPoint[] = [];
  for (let d = 0; d < train; d++) {
    if (s.imputed[d]) continue; // the service simply has no rows for closed days
    s.values[d].forEach((volume, slot) => {
      const minute = 7 * 60 + 30 * slot;
      history.push({ start: `${s.dates[d]}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${minute % 60 ? '30' : '00'}`, volume, aht: 240 });
    });
  }

  it('forecasts the next week on the learned grid (Mon–Fri, 07:00–20:30) with intervals and AHT', () => {
    const r = forecast({ history });
    expect(r.intervalMinutes).toBe(30);
    expect(r.points).toHaveLength(5 * 28);
    expect(r.points[0].timestamp).toBe('2003-09-22T07:00');
    expect(r.points[27].timestamp).toBe('2003-09-22T20:30');
    expect(r.points[r.points.length - 1].timestamp).toBe('2003-09-26T20:30');
    for (const p of r.points) {
      expect(p.lower).toBeLessThanOrEqual(p.volume);
      expect(p.upper).toBeGreaterThanOrEqual(p.volume);
      expect(p.aht).toBeCloseTo(240, 6);
    }
    expect(r.method).toContain('vuoro');
  });

  it('matches the protocol figure for the same week when the history arrives as points', () => {
    const r = forecast({ history });
    let err = 0;
    let sum = 0;
    r.points.forEach((p, i) => {
      const y = s.values[train + Math.floor(i / 28)][i % 28];
      err += Math.abs(y - p.volume);
      sum += y;
    });
    expect((100 * err) / sum).toBeLessThan(6.5);
  });

  it('returns zero for a closed date and accepts array history', () => {
    const r = forecast({ history, calendar: { closedDates: ['2003-09-24'] }, horizon: 5 }); // Sat…Wed: three working days
    expect(r.points).toHaveLength(3 * 28);
    expect(r.points.filter((p) => p.timestamp.startsWith('2003-09-24')).every((p) => p.volume === 0)).toBe(true);
    // one Monday as a regular array: only Monday is a working day, so a week ahead is next Monday
    const arr = forecast({ history: { start: '2003-03-03T07:00', volume: s.values[0] }, intervalMinutes: 30, horizon: 7 });
    expect(arr.points).toHaveLength(28);
    expect(arr.points[0].timestamp).toBe('2003-03-10T07:00');
    expect(arr.points[0].volume).toBe(s.values[0][0]);
  });

  it('rejects bad input naming the field', () => {
    expect(() => forecast({ history: [] })).toThrow(/history/);
    expect(() => forecast({ history: [{ start: '2003-03-03T07:00', volume: -1 }] })).toThrow(/volume/);
    expect(() => forecast({ history, horizon: 0 })).toThrow(/horizon/);
  });

  it('backtests a series over its last weeks', () => {
    const r = backtest({ series: s, origins: 5 });
    expect(r.origins).toBe(5);
    expect(r.wape).toBeGreaterThan(0);
    expect(r.wape).toBeLessThan(8);
  });
});
