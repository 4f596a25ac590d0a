import { aggregateHistory, forecastAhead } from './forecast-ahead.js';
import { forecast, type HistoryPoint } from './forecast.js';
import { loadFpp2Calls } from './fpp2-protocol.js';

/** Real fpp2 30-minute history (weeks 1…29) as timestamped points, as the CLI reads it. */
function fpp2Points(days: number): HistoryPoint[] {
  const s = loadFpp2Calls('30min');
  const out: HistoryPoint[] = [];
  for (let d = 0; d < days; d++) {
    if (s.imputed[d]) continue;
    s.values[d].forEach((volume, slot) => {
      const m = 7 * 60 + 30 * slot;
      out.push({ start: `${s.dates[d]}T${String(Math.floor(m / 60)).padStart(2, '0')}:${m % 60 ? '30' : '00'}`, volume });
    });
  }
  return out;
}

describe('forecastAhead: a horizon in intervals after the history', () => {
  const history = fpp2Points(29 * 5);

  it('gives exactly `horizon` intervals in the learned pattern, equal to the week-ahead forecast', () => {
    const r = forecastAhead({ history, horizonIntervals: 30 });
    expect(r.points).toHaveLength(30);
    expect(r.points[0].timestamp).toBe('2003-09-22T07:00');
    expect(r.points[28].timestamp).toBe('2003-09-23T07:00'); // 28 half-hours a day, then the next weekday
    const week = forecast({ history });
    r.points.forEach((p, i) => expect(p.volume).toBeCloseTo(week.points[i].volume, 9));
  });

  it('continues a day that the history ends inside, re-forecast from what was seen', () => {
    const cut = history.findIndex((p) => p.start === '2003-09-22T07:00');
    const morning = fpp2Points(29 * 5 + 1).slice(0, history.length + 8); // Monday 07:00–10:30 seen
    expect(cut).toBe(-1);
    const r = forecastAhead({ history: morning, horizonIntervals: 22 });
    expect(r.points).toHaveLength(22);
    expect(r.points[0].timestamp).toBe('2003-09-22T11:00');
    expect(r.points[19].timestamp).toBe('2003-09-22T20:30');
    expect(r.points[20].timestamp).toBe('2003-09-23T07:00');
    expect(r.intradayRatio).toBeDefined();
    expect(r.method).toContain('intraday');
    // the rest of Monday is the week-ahead forecast scaled by the shrunk observed/expected ratio
    // (its accuracy over many days is measured in intraday-reforecast.spec.ts)
    const weekAhead = forecast({ history }).points.slice(8, 28);
    r.points.slice(0, 20).forEach((p, i) => expect(p.volume).toBeCloseTo(weekAhead[i].volume * r.intradayRatio!, 6));
    expect(r.intradayRatio).toBeLessThan(1); // that morning ran below the forecast
  });

  it('covers a date range, gives 0 on holidays and re-bins 30-minute data to 60 minutes', () => {
    const r = forecastAhead({ history, from: '2003-09-23', to: '2003-09-24', calendar: { closedDates: ['2003-09-24'] } });
    expect(r.points).toHaveLength(2 * 28);
    expect(r.points[0].timestamp).toBe('2003-09-23T07:00');
    expect(r.points.filter((p) => p.timestamp.startsWith('2003-09-24')).every((p) => p.volume === 0)).toBe(true);
    const hourly = aggregateHistory(history.slice(0, 28), 60);
    expect(hourly).toHaveLength(14);
    expect(hourly[0].volume).toBe((history[0].volume as number) + (history[1].volume as number));
  });

  it('refuses a missing or bad horizon', () => {
    expect(() => forecastAhead({ history })).toThrow(/horizon/);
    expect(() => forecastAhead({ history, horizonIntervals: 0 })).toThrow(/horizon/);
  });
});
