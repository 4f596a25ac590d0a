import { addDays } from './calendar.js';
import { aggregateHistory, FORECAST_REACH_DAYS, forecastAhead, ForecastHorizonError } from './forecast-ahead.js';
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

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  throw new Error('expected it to throw');
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

  it('checks the day it continues: a spike is dated from its onset; with reforecastOnSpikeOnly a calm day keeps the morning forecast', () => {
    const seen = fpp2Points(29 * 5 + 1).slice(history.length, history.length + 8); // Monday 07:00–10:30
    const surged = seen.map((p, i) => (i >= 5 ? { ...p, volume: p.volume * 2 } : p)); // doubled from 09:30
    const r = forecastAhead({ history: [...history, ...surged], from: '2003-09-22', to: '2003-09-22' });
    expect(r.intraday).toMatchObject({ date: '2003-09-22', observedSlots: 8, spike: 'high', onsetSlot: 5, onsetStart: '2003-09-22T09:30' });
    const week = forecast({ history }).points;
    const since = r.intraday!.sinceOnset!;
    expect(since.observed).toBeCloseTo(surged.slice(5).reduce((a, p) => a + p.volume, 0), 9);
    expect(since.expected).toBeCloseTo(week.slice(5, 8).reduce((a, p) => a + p.volume, 0), 6);
    expect(r.intraday!.dayProjected).toBeCloseTo(r.intraday!.observed + r.points.reduce((a, p) => a + p.volume, 0), 6);
    // the onset-only sizing is larger than the day-so-far ratio
    expect(since.observed / since.expected).toBeGreaterThan(r.intraday!.ratio + 0.3);

    const calm = forecastAhead({ history: [...history, ...seen], from: '2003-09-22', to: '2003-09-22', reforecastOnSpikeOnly: true });
    expect(calm.intraday).toMatchObject({ spike: null, appliedRatio: 1 });
    calm.points.forEach((p, i) => expect(p.volume).toBeCloseTo(week[8 + i].volume, 6));
    const calmAlways = forecastAhead({ history: [...history, ...seen], from: '2003-09-22', to: '2003-09-22' });
    expect(calmAlways.intradayRatio).not.toBe(1); // without the option the rest is re-forecast all the same
  });

  it('refuses less than a week of history rather than forecasting only the weekdays it happened to see', () => {
    const days = fpp2Points(8).slice(0, 28 * 3); // Mon–Wed 2003-03-03…05
    expect(() => forecastAhead({ history: days, from: '2003-03-06', to: '2003-03-07' })).toThrow('history: at least 7 days are needed to learn the week; this one covers 3 (2003-03-03 to 2003-03-05)');
    // Monday to Friday is not yet a week; to the next Monday it is, and the weekend is learned as closed
    expect(() => forecastAhead({ history: fpp2Points(5), from: '2003-03-10', to: '2003-03-14' })).toThrow('this one covers 5 (2003-03-03 to 2003-03-07)');
    const week = forecastAhead({ history: fpp2Points(6), from: '2003-03-11', to: '2003-03-17' });
    expect([...new Set(week.points.map((p) => p.timestamp.slice(0, 10)))]).toEqual(['2003-03-11', '2003-03-12', '2003-03-13', '2003-03-14', '2003-03-17']);
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

  it('refuses dates past its reach, naming from or to and the last date it reaches (an audit got 0 points for next year)', () => {
    const lastDate = addDays('2003-09-20', FORECAST_REACH_DAYS - 1); // the history ends on Friday 2003-09-19
    const thrown = (req: Parameters<typeof forecastAhead>[0]) => thrownBy(() => forecastAhead(req));
    const farAhead = thrown({ history, from: '2005-09-19', to: '2005-09-23' });
    expect(farAhead).toBeInstanceOf(ForecastHorizonError);
    expect(farAhead).toMatchObject({ parameter: 'from', lastDate });
    expect((farAhead as Error).message).toContain(`reaches ${FORECAST_REACH_DAYS} days past the history, to ${lastDate}`);
    expect(thrown({ history, from: addDays(lastDate, -3), to: addDays(lastDate, 1) })).toMatchObject({ parameter: 'to', lastDate });
    expect(forecastAhead({ history, from: addDays(lastDate, -6), to: lastDate }).points).toHaveLength(5 * 28); // the last week it reaches, in full
  });

  it('refuses more intervals than it reaches, naming the most this history allows, and gives exactly that many', () => {
    const tooMany = thrownBy(() => forecastAhead({ history, horizonIntervals: 100_000 }));
    expect(tooMany).toMatchObject({ parameter: 'horizonIntervals' });
    const most = (tooMany as ForecastHorizonError).maxIntervals;
    expect(most).toBeGreaterThan(28 * 5 * 52); // a year of weekdays, 28 half-hours each
    expect((tooMany as Error).message).toContain(`at most ${most}`);
    expect(forecastAhead({ history, horizonIntervals: most }).points).toHaveLength(most);
    expect(() => forecastAhead({ history, horizonIntervals: most + 1 })).toThrow(ForecastHorizonError);
  });

  it('refuses a missing or bad horizon', () => {
    expect(() => forecastAhead({ history })).toThrow(/horizon/);
    expect(() => forecastAhead({ history, horizonIntervals: 0 })).toThrow(/horizon/);
  });
});
