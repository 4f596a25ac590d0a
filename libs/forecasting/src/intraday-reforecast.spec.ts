import { dayTotal, headDays } from './day-series.js';
import { fpp2Origins, loadFpp2Calls } from './fpp2-protocol.js';
import { estimateCarryOver, intradayCheck, overlayReforecast, reforecastRestOfDay, spikeOnset } from './intraday.js';
import { estimateErrorModel, predictionInterval } from './intervals.js';
import { vuoroDefault } from './week-ahead.js';

/** Rest-of-day WAPE of the morning (week-ahead) forecast and of the re-forecast, on the fpp2 test weeks. */
function restOfDay(resolution: '30min' | '5min', cutoffHour: number) {
  const s = loadFpp2Calls(resolution);
  const model = vuoroDefault();
  const k = ((cutoffHour - 7) * 60) / s.intervalMinutes;
  let errMorning = 0;
  let errRe = 0;
  let sumY = 0;
  const betas: number[] = [];
  for (const origin of fpp2Origins()) {
    const train = headDays(s, origin);
    const em = estimateErrorModel(train, model, 8);
    const carryOver = estimateCarryOver(train, model, k, 12);
    betas.push(carryOver);
    const fc = model.forecast(train, s.dates.slice(origin, origin + 5));
    fc.forEach((row, d) => {
      if (s.imputed[origin + d]) return;
      const y = s.values[origin + d];
      const re = reforecastRestOfDay(row, y.slice(0, k), em, { carryOver });
      for (let j = k; j < row.length; j++) {
        errMorning += Math.abs(y[j] - row[j]);
        errRe += Math.abs(y[j] - re.forecast[j - k]);
        sumY += y[j];
      }
    });
  }
  return { morning: (100 * errMorning) / sumY, reforecast: (100 * errRe) / sumY, betas };
}

describe('intraday re-forecast of the rest of the day', () => {
  it.each([
    // measured: 30min 5.15→4.69, 5.07→4.57, 5.44→5.00 %; 5min 7.31→7.06, 7.33→7.12, 7.84→7.67 %
    ['30min', 10, 0.92],
    ['30min', 12, 0.92],
    ['30min', 14, 0.93],
    ['5min', 10, 0.975],
    ['5min', 12, 0.98],
    ['5min', 14, 0.98],
  ] as const)('beats the morning forecast on the fpp2 test weeks (%s, from %i:00, ratio < %f)', (resolution, hour, maxRatio) => {
    const r = restOfDay(resolution, hour);
    console.log(`fpp2 ${resolution} rest of day after ${hour}:00 — WAPE morning ${r.morning.toFixed(2)} %, re-forecast ${r.reforecast.toFixed(2)} % (carry-over ${r.betas.map((b) => b.toFixed(2)).join(', ')})`);
    expect(r.reforecast).toBeLessThan(maxRatio * r.morning);
  });

  it('scales the rest of the day by the shrunk observed/expected ratio', () => {
    const r = reforecastRestOfDay([100, 100, 100, 100], [120, 120], { phi: 1, sigmaDay: 0.05 });
    const w = 0.0025 / (0.0025 + 1 / 200);
    expect(r.ratio).toBeCloseTo(1.2, 10);
    expect(r.appliedRatio).toBeCloseTo(1 + w * 0.2, 10);
    expect(r.forecast).toHaveLength(2);
    expect(r.forecast[0]).toBeCloseTo(100 * (1 + w * 0.2), 10);
  });

  it('flags a spike when cumulative arrivals leave the prediction interval, and not otherwise', () => {
    const em = { phi: 1.5, sigmaDay: 0.04 };
    const morning = [500, 600, 700, 800, 800, 700];
    expect(reforecastRestOfDay(morning, [520, 610, 690], em).spike).toBeNull();
    expect(reforecastRestOfDay(morning, [650, 800, 900], em).spike).toBe('high');
    expect(reforecastRestOfDay(morning, [300, 350, 400], em).spike).toBe('low');
  });

  it('dates a spike from where the surge began, not from where the day-so-far total first left its interval', () => {
    const em = { phi: 1.5, sigmaDay: 0.04 };
    const day = [100, 100, 100, 100, 100, 100, 100, 100];
    // normal until slot 4, then 4 × from slot 5: the day-so-far test first fires at slot 5 or 6
    const observed = [98, 103, 101, 97, 102, 400, 400];
    const detected = observed.findIndex((_, i) => reforecastRestOfDay(day, observed.slice(0, i + 1), em).spike === 'high');
    expect(detected).toBeGreaterThanOrEqual(5);
    expect(spikeOnset(day, observed, 'high', detected, em)).toBe(5);
    expect(spikeOnset(day, [30, 40, 35, 30], 'low', 3, em)).toBe(0);
    // a slot inside its own interval ends the walk back
    expect(spikeOnset(day, [98, 400, 102, 400, 400], 'high', 4, em)).toBe(3);
  });

  it('sizes a spike from where it began, and projects the day', () => {
    const em = { phi: 1.5, sigmaDay: 0.04 };
    const day = [100, 100, 100, 100, 100, 100, 100, 100, 100, 100];
    const observed = [98, 103, 101, 97, 102, 300, 310, 290];
    const c = intradayCheck(day, observed, em, { carryOver: 0.5 });
    expect(c.spike).toBe('high');
    expect(c.onsetSlot).toBe(5);
    expect(c.detectedSlot).toBeGreaterThanOrEqual(5);
    expect(c.observed).toBe(1401);
    expect(c.expected).toBe(800);
    // since the onset: 900 against 300, three times the forecast; the day so far reads only 1.75 ×
    expect(c.sinceOnset).toEqual({ observed: 900, expected: 300 });
    expect(c.ratio).toBeCloseTo(1401 / 800, 9);
    expect(c.forecast).toHaveLength(2);
    expect(c.appliedRatio).toBeCloseTo(1 + 0.5 * (1401 / 800 - 1), 9);
    expect(c.dayForecast).toBe(1000);
    expect(c.dayProjected).toBeCloseTo(1401 + 200 * c.appliedRatio, 9);
    // the slot of first detection does not move when later arrivals come in
    expect(intradayCheck(day, [...observed, 305], em).detectedSlot).toBe(c.detectedSlot);

    const calm = intradayCheck(day, [98, 103, 101], em);
    expect(calm).toMatchObject({ spike: null, detectedSlot: null, onsetSlot: null, sinceOnset: null, observed: 302, expected: 300 });
  });

  it('flags the post-holiday surge of Tue 2003-09-02 by 10:00 from the week-ahead forecast', () => {
    const s = loadFpp2Calls('30min');
    const model = vuoroDefault();
    const origin = s.dates.indexOf('2003-09-01');
    const train = headDays(s, origin);
    const em = estimateErrorModel(train, model, 8);
    const fc = model.forecast(train, ['2003-09-02']);
    const y = s.values[origin + 1];
    expect(dayTotal(y)).toBeGreaterThan(1.2 * dayTotal(fc[0]));
    expect(reforecastRestOfDay(fc[0], y.slice(0, 6), em).spike).toBe('high');
  });
});

describe('the stored re-forecast laid over a forecast at another interval length', () => {
  const em = { phi: 1.5, sigmaDay: 0.04 };
  const h = 3_600_000;
  const q = (i: number) => ({ start: 10 * h + i * 900_000, minutes: 15, volume: 30 });
  it('sums the quarter-hours of an hour, adds the forecast\'s share of an hour only partly re-forecast, and leaves the rest', () => {
    const hours = [9, 10, 11].map((k) => ({ start: k * h, minutes: 60, volume: 100, lower: 80, upper: 120, method: 'm' }));
    // re-forecast made at 10:15: 10:15–11:45
    const re = [1, 2, 3, 4, 5, 6, 7].map(q);
    const out = overlayReforecast(hours, re, em, 0.8);
    expect(out[0]).toEqual({ ...hours[0], reforecast: false });
    expect(out[1].volume).toBeCloseTo(90 + 25, 9); // three quarters re-forecast, the 10:00 quarter from the hour's forecast
    expect(out[2].volume).toBeCloseTo(120, 9);
    expect(out[2]).toMatchObject({ reforecast: true, method: 'm', ...predictionInterval(120, em, 0.8) });
    // at the re-forecast's own length each interval is the stored one
    const quarters = [0, 1, 2].map((i) => ({ ...q(i), volume: 20, lower: 10, upper: 30 }));
    expect(overlayReforecast(quarters, re, em, 0.8).map((p) => [p.volume, p.reforecast])).toEqual([[20, false], [30, true], [30, true]]);
  });
});
