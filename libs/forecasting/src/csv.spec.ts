import { CsvError, formatForecastCsv, historyGaps, parseHistoryCsv, parseImportCsv, parseLetterBatchesCsv } from './csv.js';
import type { HistoryPoint } from './forecast.js';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof CsvError) return e.problems.map((p) => `${p.line}:${p.column}`);
    throw e;
  }
  throw new Error('expected a CsvError');
}

describe('forecast CSV formats', () => {
  it('reads timestamp,volume[,aht] in any row order and sorts it', () => {
    const h = parseHistoryCsv('timestamp,volume,aht\r\n2003-03-03T07:30,609,\n2003-03-03 07:00,560,250.5\n');
    expect(h).toEqual([
      { start: '2003-03-03T07:00', volume: 560, aht: 250.5 },
      { start: '2003-03-03T07:30', volume: 609 },
    ]);
  });

  it('names the line and column of every problem', () => {
    expect(problems(() => parseHistoryCsv('timestamp,volume\n2003-02-30T07:00,1\n2003-03-03T07:00,-2\n2003-03-03T07:00,x\n2003-03-03T08:00\n'))).toEqual(['2:timestamp', '3:volume', '4:timestamp', '4:volume', '5:(row)']);
    expect(problems(() => parseHistoryCsv('time,volume\n'))).toEqual(['1:timestamp', '1:time']);
    // numbers in plain decimals only; years the calendars handle
    expect(problems(() => parseHistoryCsv('timestamp,volume\n2003-03-03T07:00,0x10\n2003-03-03T07:30,1e3\n1000-03-03T08:00,1\n'))).toEqual(['2:volume', '3:volume', '4:timestamp']);
  });

  it('takes the hour the clocks go back twice when given the zone, keeping both rows; a third row, or a repeat on another night, is refused', () => {
    // 2019-10-27 in Europe/Helsinki: 04:00 summer time became 03:00 winter time, so 03:00–03:59 happened twice
    const night = 'timestamp,volume\n2019-10-27T02:00,4\n2019-10-27T03:00,7\n2019-10-27T03:00,5\n2019-10-27T04:00,3\n';
    const h = parseHistoryCsv(night, { timeZone: 'Europe/Helsinki' });
    expect(h.filter((p) => p.start === '2019-10-27T03:00').map((p) => p.volume).sort()).toEqual([5, 7]);
    expect(h).toHaveLength(4);
    // without a zone it cannot be told from a typo (an audit: "already appears on line" for the repeated hour)
    expect(problems(() => parseHistoryCsv(night))).toEqual(['4:timestamp']);
    expect(() => parseHistoryCsv(`${night}2019-10-27T03:00,1\n`, { timeZone: 'Europe/Helsinki' })).toThrow(/line 6, column timestamp: 2019-10-27T03:00 already appears on line 3 \(it happens twice in Europe\/Helsinki/);
    expect(problems(() => parseHistoryCsv('timestamp,volume\n2019-10-28T03:00,1\n2019-10-28T03:00,2\n', { timeZone: 'Europe/Helsinki' }))).toEqual(['3:timestamp']);
    // Stockholm goes back an hour earlier (03:00 summer time to 02:00)
    expect(parseHistoryCsv('timestamp,volume\n2019-10-27T02:00,1\n2019-10-27T02:00,2\n', { timeZone: 'Europe/Stockholm' })).toHaveLength(2);
  });

  it('given the zone, drops a 0 at a time the clocks skip and refuses contacts there (a file on another clock)', () => {
    // 2019-03-31 in Europe/Helsinki: 03:00 winter time became 04:00 summer time, so 03:00–03:59 never happened
    const night = 'timestamp,volume\n2019-03-31T02:30,4\n2019-03-31T03:00,0\n2019-03-31T03:30,0\n2019-03-31T04:00,3\n';
    expect(parseHistoryCsv(night, { timeZone: 'Europe/Helsinki' }).map((p) => p.start)).toEqual(['2019-03-31T02:30', '2019-03-31T04:00']);
    expect(() => parseHistoryCsv(night.replace('T03:30,0', 'T03:30,6'), { timeZone: 'Europe/Helsinki' })).toThrow(
      /line 4, column timestamp: 2019-03-31T03:30 does not exist in Europe\/Helsinki \(the clocks go forward over it that night\) but has 6 contacts/,
    );
    // Without a zone the series is on its own wall clock, where 03:30 is an interval like any other.
    expect(parseHistoryCsv(night.replace('T03:30,0', 'T03:30,6'))).toHaveLength(4);
    // Stockholm skips 02:00–02:59 that night, not 03:00.
    expect(parseHistoryCsv(night.replace('T02:30,4', 'T02:30,0').replace('T03:30,0', 'T03:30,6'), { timeZone: 'Europe/Stockholm' }).map((p) => p.start)).toEqual([
      '2019-03-31T03:00',
      '2019-03-31T03:30',
      '2019-03-31T04:00',
    ]);
  });

  it('refuses a history with a year-long hole, naming the later line (a mistyped date, not a closure)', () => {
    const text = 'timestamp,volume\n2003-10-24T10:00,5\n2031-10-24T10:00,500\n2003-10-24T09:30,4\n';
    expect(problems(() => parseHistoryCsv(text))).toEqual(['3:timestamp']);
    expect(() => parseHistoryCsv(text)).toThrow(/2031-10-24T10:00 is \d+ days after the previous interval \(2003-10-24T10:00, line 2\)/);
    expect(parseHistoryCsv('timestamp,volume\n2003-01-02T10:00,5\n2003-12-30T10:00,6\n')).toHaveLength(2);
  });

  it('writes timestamp,volume,lower,upper (and aht when known)', () => {
    expect(formatForecastCsv([{ timestamp: '2024-03-04T09:00', volume: 12.345, lower: 10, upper: 14.999 }])).toBe('timestamp,volume,lower,upper\n2024-03-04T09:00,12.35,10,15\n');
    expect(formatForecastCsv([{ timestamp: '2024-03-04T09:00', volume: 1, lower: 0, upper: 2, aht: 245.26 }])).toBe('timestamp,volume,lower,upper,aht\n2024-03-04T09:00,1,0,2,245.3\n');
  });

  it('validates the import format queue,timestamp,volume[,aht] on the interval grid', () => {
    const rows = parseImportCsv('queue,timestamp,volume,aht\nphone-fi,2026-03-02T08:00,12,300\nphone-fi,2026-03-02T08:15,0,\n', 15);
    expect(rows).toEqual([
      { line: 2, queue: 'phone-fi', timestamp: '2026-03-02T08:00', volume: 12, aht: 300 },
      { line: 3, queue: 'phone-fi', timestamp: '2026-03-02T08:15', volume: 0, aht: null },
    ]);
    expect(problems(() => parseImportCsv('queue,timestamp,volume,aht\nphone-fi,2026-03-02T08:10,1,1\n,2026-03-02T08:15,1.5,0\nphone-fi,2026-03-02T08:00,1,\nphone-fi,2026-03-02T08:00,2,\n', 15))).toEqual([
      '2:timestamp',
      '3:queue',
      '3:volume',
      '3:aht',
    ]);
    // handle times are judged as they are stored (to the hundredth, more than 0, under a million seconds): an audit got the database's own errors
    const aht = (v: string) => () => parseImportCsv(`queue,timestamp,volume,aht\nphone-fi,2026-03-02T08:00,1,${v}\n`, 15);
    expect(() => aht('0.001')()).toThrow('line 2, column aht: 0.001 seconds rounds to 0.00');
    expect(() => aht('999999.999')()).toThrow('line 2, column aht: 999999.999 seconds is too long (at most 999999.99)');
    expect(aht('0.005')()[0].aht).toBe(0.005);
    expect(aht('999999.99')()[0].aht).toBe(999999.99);
    // the same local time twice is left to the importer: in the queue's zone it may be the two occurrences of the hour the clocks go back
    expect(parseImportCsv('queue,timestamp,volume\nphone-fi,2019-10-27T03:30,1\nphone-fi,2019-10-27T03:30,2\n', 15)).toHaveLength(2);
  });

  it('reads letter batches sent_on,letters with letters a plain whole number, naming the line and column of every problem', () => {
    expect(parseLetterBatchesCsv('sent_on,letters\n2026-03-03,25000\n2026-03-10, 18000 \n')).toEqual([
      { sentOn: '2026-03-03', letters: 25000 },
      { sentOn: '2026-03-10', letters: 18000 },
    ]);
    // an audit: 1e4 was taken for 10,000 letters
    const bad = 'sent_on,letters\n2026-03-03,1e4\n2026-03-04,10000.0\n2026-03-05,0x2710\n2026-03-06,-5\n2026-03-07,0\n2026-03-08,20000000\n2026-02-30,5\n2026-03-09,\n';
    expect(problems(() => parseLetterBatchesCsv(bad))).toEqual(['2:letters', '3:letters', '4:letters', '5:letters', '6:letters', '7:letters', '8:sent_on', '9:letters']);
    expect(() => parseLetterBatchesCsv(bad)).toThrow('line 2, column letters: "1e4" is not a plain whole number (digits only, e.g. 25000)');
    expect(problems(() => parseLetterBatchesCsv('date,letters\n'))).toEqual(['1:sent_on', '1:date']);
  });
});

describe('historyGaps: rows missing inside the hours a history keeps', () => {
  const pad = (n: number) => String(n).padStart(2, '0');
  /** Half-hours of `days` days from Monday 2026-03-02: weekdays 08:00–15:30, Saturdays 10:00–13:30, no Sundays. */
  function history(days: number, drop: (t: string) => boolean = () => false): HistoryPoint[] {
    const out: HistoryPoint[] = [];
    for (let d = 0; d < days; d++) {
      const date = new Date(Date.UTC(2026, 2, 2 + d)).toISOString().slice(0, 10);
      const dow = new Date(`${date}T12:00:00Z`).getUTCDay();
      if (dow === 0) continue;
      const [open, close] = dow === 6 ? [10, 14] : [8, 16];
      for (let m = open * 60; m < close * 60; m += 30) {
        const t = `${date}T${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
        if (!drop(t)) out.push({ start: t, volume: 5 });
      }
    }
    return out;
  }

  it('finds none in a complete history, whatever hours each weekday keeps', () => {
    expect(historyGaps(history(28), 30)).toEqual({ intervals: 0, days: 0, first: null });
  });

  it('counts each missing interval on a day with rows, and names the first run with the rows around it', () => {
    const gone = new Set(['2026-03-11T10:00', '2026-03-11T10:30', '2026-03-14T12:00', '2026-03-20T08:00']);
    expect(historyGaps(history(28, (t) => gone.has(t)), 30)).toEqual({
      intervals: 4,
      days: 3,
      first: { from: '2026-03-11T10:00', to: '2026-03-11T10:30', intervals: 2, after: '2026-03-11T09:30', before: '2026-03-11T11:00' },
    });
  });

  it('leaves a whole missing day, the day the history ends inside and the hour the clocks skip alone', () => {
    expect(historyGaps(history(28, (t) => t.startsWith('2026-03-12')), 30).intervals).toBe(0);
    expect(historyGaps(history(28).filter((p) => String(p.start) < '2026-03-27T11:00'), 30).intervals).toBe(0);
    // round the clock in hours over 2026-03-29, when Helsinki skips 03:00–03:59
    const hours: HistoryPoint[] = [];
    for (let d = 0; d < 14; d++) {
      const date = new Date(Date.UTC(2026, 2, 22 + d)).toISOString().slice(0, 10);
      for (let h = 0; h < 24; h++) if (!(date === '2026-03-29' && h === 3)) hours.push({ start: `${date}T${pad(h)}:00`, volume: 1 });
    }
    expect(historyGaps(hours, 60, { timeZone: 'Europe/Helsinki' }).intervals).toBe(0);
    expect(historyGaps(hours, 60)).toMatchObject({ intervals: 1, first: { from: '2026-03-29T03:00' } });
  });
});
