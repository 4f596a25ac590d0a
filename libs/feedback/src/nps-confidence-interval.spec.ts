import { classifyScore, countScores, npsSummary } from './nps.js';
import { seededRandom } from './random.js';

describe('NPS and its 95 % confidence interval', () => {
  it('classes 9–10 as promoters, 7–8 as passives, 0–6 as detractors and refuses other answers', () => {
    expect([0, 6, 7, 8, 9, 10].map(classifyScore)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
    expect(() => classifyScore(11)).toThrow(RangeError);
    expect(() => classifyScore(7.5)).toThrow(RangeError);
  });

  it('scores six answers, two of each class, as 0 ± 1.96 · 100 · sqrt((2/3) / 6)', () => {
    const s = npsSummary(countScores([10, 9, 8, 7, 6, 0]));
    expect(s).toMatchObject({ responses: 6, promoters: 2, passives: 2, detractors: 2, reliable: false });
    expect(s.nps).toBeCloseTo(0, 10);
    expect(s.standardError).toBeCloseTo(100 * Math.sqrt(2 / 3 / 6), 10);
    expect(s.ci95!.low).toBeCloseTo(-1.959964 * 33.3333, 2);
    expect(s.ci95!.high).toBeCloseTo(1.959964 * 33.3333, 2);
  });

  it("reproduces the agency's 2020 figure: 59.8 from 80,000 answers is 59.8 ± 0.41", () => {
    const s = npsSummary({ promoters: 52_000, passives: 23_840, detractors: 4_160 });
    expect(s.nps).toBeCloseTo(59.8, 10);
    // Var = (0.65 + 0.052) − 0.598² = 0.344396; SE = 100 · sqrt(0.344396 / 80000) = 0.20748
    expect(s.standardError).toBeCloseTo(0.20748, 4);
    expect(s.ci95!.high - s.nps!).toBeCloseTo(0.4067, 3);
    expect(s.reliable).toBe(true);
  });

  it('has no score without answers, and clamps the interval to [−100, 100]', () => {
    expect(npsSummary({ promoters: 0, passives: 0, detractors: 0 })).toMatchObject({ responses: 0, nps: null, ci95: null });
    const allPromoters = npsSummary({ promoters: 5, passives: 0, detractors: 0 });
    expect(allPromoters.nps).toBe(100);
    expect(allPromoters.ci95).toEqual({ low: 100, high: 100 });
    const mostly = npsSummary({ promoters: 9, passives: 0, detractors: 1 });
    expect(mostly.ci95!.high).toBe(100);
  });

  it('covers the true NPS in about 95 % of repeated samples of 400 answers', () => {
    // true shares: 55 % promoters, 30 % passives, 15 % detractors → NPS 40
    const random = seededRandom(20261122);
    let covered = 0;
    const reps = 2000;
    for (let r = 0; r < reps; r++) {
      const c = { promoters: 0, passives: 0, detractors: 0 };
      for (let i = 0; i < 400; i++) {
        const u = random();
        if (u < 0.55) c.promoters++;
        else if (u < 0.85) c.passives++;
        else c.detractors++;
      }
      const s = npsSummary(c);
      if (s.ci95!.low <= 40 && 40 <= s.ci95!.high) covered++;
    }
    expect(covered / reps).toBeGreaterThan(0.93);
    expect(covered / reps).toBeLessThan(0.97);
  });
});
