import { maxOf, minOf } from './extremes.js';

describe('minOf / maxOf', () => {
  it('answer as Math.min / Math.max of the values', () => {
    for (const xs of [[3, 1, 2], [-5], [0, -0.5, 7.25, 7.25], []]) {
      expect(minOf(xs)).toBe(Math.min(...xs));
      expect(maxOf(xs)).toBe(Math.max(...xs));
    }
    expect(minOf([1, Number.NaN, 0])).toBeNaN();
    expect(maxOf([Number.NaN, 1])).toBeNaN();
  });

  it('take 1,000,000 values, more than the call stack holds as arguments', () => {
    const xs = Array.from({ length: 1_000_000 }, (_, i) => (i * 7919) % 1_000_003);
    expect(() => Math.min(...xs)).toThrow(RangeError);
    expect(minOf(xs)).toBe(xs.reduce((a, b) => (b < a ? b : a)));
    expect(maxOf(xs)).toBe(xs.reduce((a, b) => (b > a ? b : a)));
  });
});
