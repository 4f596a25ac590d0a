import { CsvError, formatForecastCsv, parseHistoryCsv, parseImportCsv } from './csv.js';

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
});
