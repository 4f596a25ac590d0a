import { decodeIntervalColumns, decodeNumberColumn } from './interval-columns.js';

describe('interval columns (a history as the database sends it to forecasting)', () => {
  it('reads every value exactly as Number() does, empty as NaN', () => {
    const values = ['1795536334000', '-1', '0', '15', '245.37', '245.30', '99999.99', '0.01', '', '123456.78', '-1262304000000'];
    const decoded = decodeNumberColumn(values.join(','), values.length);
    expect(Array.from(decoded)).toEqual(values.map((v) => (v === '' ? Number.NaN : Number(v))));
    for (let i = 0; i < values.length; i++) if (values[i] !== '') expect(Object.is(decoded[i], Number(values[i]))).toBe(true);
  });

  it('is exact for every two-decimal value a numeric(8, 2) column holds (sampled)', () => {
    const texts: string[] = [];
    for (let cents = 1; cents < 1_000_000_00; cents += 9_973) texts.push(`${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
    const decoded = decodeNumberColumn(texts.join(','), texts.length);
    const wrong = texts.filter((t, i) => !Object.is(decoded[i], Number(t)));
    expect(wrong).toEqual([]);
  });

  it('refuses a column whose count or characters are not what was promised', () => {
    expect(() => decodeNumberColumn('1,2,3', 2)).toThrow(RangeError);
    expect(() => decodeNumberColumn('1,2', 3)).toThrow(RangeError);
    expect(() => decodeNumberColumn('1,2e3', 2)).toThrow(RangeError);
    expect(decodeNumberColumn('', 0)).toEqual(new Float64Array(0));
    expect(decodeNumberColumn('', 1)[0]).toBeNaN();
  });

  it('decodes the four columns of a history', () => {
    const rows = decodeIntervalColumns({ count: 2, shortestMinutes: 15, firstStartMs: 0, lastStartMs: 900_000, start: '0,900000', minutes: '15,15', offered: '3,0', aht: '201.50,' });
    expect(rows).toEqual({ start: Float64Array.of(0, 900_000), minutes: Float64Array.of(15, 15), volume: Float64Array.of(3, 0), aht: Float64Array.of(201.5, Number.NaN) });
  });
});
