import { addToHistogram, emptyHistogram, histogramPercentile } from './histogram.js';
import { contactFigures, firstResponseFigures, replyFigures } from './figures.js';
import { emptyMetrics } from './rollup.js';

/** A histogram of `waits` and their sum, as a roll-up row stores them. */
function waits(...seconds: number[]): { h: number[]; sum: number } {
  const h = emptyHistogram();
  for (const s of seconds) addToHistogram(h, s);
  return { h, sum: seconds.reduce((a, b) => a + b, 0) };
}

describe('percentiles of a few waits: the stored sum pins down where in its bucket a wait lies', () => {
  it('gives a single reply after 0 s a median and p90 of 0 s, not the middle of the 0–5 s bucket', () => {
    const { h, sum } = waits(0);
    expect(histogramPercentile(h, 0.5, sum)).toBe(0);
    expect(histogramPercentile(h, 0.9, sum)).toBe(0);
  });

  it('gives a single wait in any bucket exactly: 12 s, 3,600 s', () => {
    expect(histogramPercentile(...args(waits(12), 0.5))).toBe(12);
    expect(histogramPercentile(...args(waits(3600), 0.5))).toBe(3600);
  });

  it('keeps waits that all lie in the first bucket around their mean: 0, 0, 0 → 0; 1, 1 → 1; 0 and 4 → 2', () => {
    expect(histogramPercentile(...args(waits(0, 0, 0), 0.5))).toBe(0);
    expect(histogramPercentile(...args(waits(0, 0, 0), 0.9))).toBe(0);
    expect(histogramPercentile(...args(waits(1, 1), 0.5))).toBe(1);
    expect(histogramPercentile(...args(waits(0, 4), 0.5))).toBe(2);
    // Spread evenly over the bucket, the waits keep the bucket's own interpolation.
    expect(histogramPercentile(...args(waits(0.5, 1.5, 2.5, 3.5, 4.5), 0.5))).toBeCloseTo(2.5, 9);
  });

  it('stays inside the bucket and near the waits when other buckets hold waits too (nine at 0 s, one at 60 s)', () => {
    const { h, sum } = waits(0, 0, 0, 0, 0, 0, 0, 0, 0, 60);
    const median = histogramPercentile(h, 0.5, sum)!;
    // Without the sum: 5 of the 9 waits spread over 0–5 s → 2.78 s. The sum says the first bucket's
    // nine waits add up to at most 5 s (the 60 s wait lies in (55, 60]).
    expect(median).toBeGreaterThanOrEqual(0);
    expect(median).toBeLessThan(0.6);
    expect(histogramPercentile(h, 0.5)).toBeCloseTo(25 / 9, 9);
  });

  it('answers as before for waits spread over many buckets, and without a sum', () => {
    const many = waits(...Array.from({ length: 100 }, (_, i) => i + 0.5));
    expect(histogramPercentile(many.h, 0.5, many.sum)).toBeCloseTo(50, 5);
    expect(histogramPercentile(many.h, 0.9, many.sum)).toBeCloseTo(90, 5);
    expect(histogramPercentile(waits(0).h, 0.5)).toBe(2.5);
    expect(histogramPercentile(emptyHistogram(), 0.5, 0)).toBeNull();
  });

  it('reads the sums of the roll-up row: a report of one call answered at once, one chat taken at once, one email replied at once', () => {
    const m = emptyMetrics();
    addToHistogram(m.answeredWaitHistogram, 0);
    m.answered = 1;
    m.offered = 1;
    addToHistogram(m.replyHistogram, 0);
    m.replied = 1;
    expect(contactFigures(m, { thresholdSeconds: 30, shortAbandonSeconds: 5 })).toMatchObject({ medianWaitSeconds: 0, p90WaitSeconds: 0, averageSpeedOfAnswerSeconds: 0 });
    expect(firstResponseFigures(m, 60)).toMatchObject({ medianFirstResponseSeconds: 0, p90FirstResponseSeconds: 0 });
    expect(replyFigures(m)).toMatchObject({ medianReplyBusinessSeconds: 0, p90ReplyBusinessSeconds: 0 });
  });
});

function args(w: { h: number[]; sum: number }, p: number): [number[], number, number] {
  return [w.h, p, w.sum];
}
