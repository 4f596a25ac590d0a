import { seededRandom } from './random.js';
import { proportionSummary, wilsonInterval } from './wilson.js';

describe('first-contact resolution rate with a Wilson interval', () => {
  it('gives the textbook interval for 8 of 10: 0.490 … 0.943', () => {
    const ci = wilsonInterval(8, 10)!;
    expect(ci.low).toBeCloseTo(0.4902, 3);
    expect(ci.high).toBeCloseTo(0.9433, 3);
  });

  it('stays inside [0, 1] at 0 and at n successes', () => {
    expect(wilsonInterval(0, 10)!.low).toBe(0);
    expect(wilsonInterval(0, 10)!.high).toBeCloseTo(0.2775, 3);
    expect(wilsonInterval(10, 10)!.high).toBe(1);
    expect(wilsonInterval(10, 10)!.low).toBeCloseTo(0.7225, 3);
  });

  it('has no rate without answers and refuses impossible counts', () => {
    expect(proportionSummary(0, 0)).toEqual({ answers: 0, yes: 0, rate: null, ci95: null });
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
  });

  it('covers the true rate of 0.7 in about 95 % of samples of 50 answers', () => {
    const random = seededRandom(7);
    let covered = 0;
    for (let r = 0; r < 2000; r++) {
      let yes = 0;
      for (let i = 0; i < 50; i++) if (random() < 0.7) yes++;
      const ci = wilsonInterval(yes, 50)!;
      if (ci.low <= 0.7 && 0.7 <= ci.high) covered++;
    }
    expect(covered / 2000).toBeGreaterThan(0.92);
    expect(covered / 2000).toBeLessThan(0.98);
  });
});
