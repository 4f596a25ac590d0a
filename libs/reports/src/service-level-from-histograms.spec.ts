import { addToHistogram, bucketOf, countWithin, emptyHistogram, HISTOGRAM_BUCKETS, HISTOGRAM_EDGES, histogramPercentile } from './histogram.js';
import { contactFigures } from './figures.js';
import { emptyMetrics } from './rollup.js';

/** Ten calls answered after 3, 8, 12, 20, 25, 30, 31, 45, 60, 200 s; three abandoned after 2, 4 and 50 s. */
function tenCalls() {
  const m = emptyMetrics();
  const answered = [3, 8, 12, 20, 25, 30, 31, 45, 60, 200];
  for (const w of answered) {
    addToHistogram(m.answeredWaitHistogram, w);
    m.answeredWaitSeconds += w;
    m.answered += 1;
    m.longestWaitSeconds = Math.max(m.longestWaitSeconds, w);
  }
  for (const w of [2, 4, 50]) {
    addToHistogram(m.abandonedWaitHistogram, w);
    m.abandoned += 1;
    m.longestWaitSeconds = Math.max(m.longestWaitSeconds, w);
  }
  m.offered = 13;
  return m;
}

describe('service level from wait histograms', () => {
  it('puts a wait of exactly an edge into the bucket ending there (≤ T counts as within T)', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(5)).toBe(0);
    expect(bucketOf(5.001)).toBe(1);
    expect(bucketOf(30)).toBe(HISTOGRAM_EDGES.indexOf(30));
    expect(bucketOf(10 ** 9)).toBe(HISTOGRAM_BUCKETS - 1);
  });

  it('gives both definitions exactly at 30 s: 6/10 answered within, (6 + 2)/(10 + 3) with Asterisk SL2', () => {
    const f = contactFigures(tenCalls(), { thresholdSeconds: 30, shortAbandonSeconds: 5 });
    expect(f.answeredWithinThreshold).toBe(6);
    expect(f.abandonedWithinThreshold).toBe(2);
    expect(f.serviceLevel).toBe(0.6);
    expect(f.serviceLevelAsterisk).toBe(round4(8 / 13));
    expect(f.shortAbandoned).toBe(2);
    expect(f.exact).toBe(true);
    expect(f.averageSpeedOfAnswerSeconds).toBe(43.4);
    expect(f.longestWaitSeconds).toBe(200);
  });

  it('is exact at every threshold on an edge (10, 20, 60, 180 s) and says so when it interpolates (33 s)', () => {
    const m = tenCalls();
    expect(contactFigures(m, { thresholdSeconds: 10, shortAbandonSeconds: 5 }).serviceLevel).toBe(0.2);
    expect(contactFigures(m, { thresholdSeconds: 20, shortAbandonSeconds: 5 }).serviceLevel).toBe(0.4);
    expect(contactFigures(m, { thresholdSeconds: 60, shortAbandonSeconds: 5 }).serviceLevel).toBe(0.9);
    expect(contactFigures(m, { thresholdSeconds: 180, shortAbandonSeconds: 5 }).serviceLevel).toBe(0.9);
    const between = contactFigures(m, { thresholdSeconds: 33, shortAbandonSeconds: 5 });
    expect(between.exact).toBe(false);
    // 6 within 30 s plus 3/5 of the one call in (30, 35].
    expect(between.answeredWithinThreshold).toBe(6.6);
  });

  it('counts an empty bucket as exact even between edges, and nothing for no calls', () => {
    const h = emptyHistogram();
    addToHistogram(h, 12);
    expect(countWithin(h, 7)).toEqual({ count: 0, exact: true });
    expect(contactFigures(emptyMetrics(), { thresholdSeconds: 30, shortAbandonSeconds: 5 })).toMatchObject({ serviceLevel: null, serviceLevelAsterisk: null, averageSpeedOfAnswerSeconds: null });
  });

  it('reads median and p90 from the histogram, interpolated inside the bucket', () => {
    const h = emptyHistogram();
    for (let i = 0; i < 100; i++) addToHistogram(h, i + 0.5); // uniform 0.5 … 99.5 s
    expect(histogramPercentile(h, 0.5)).toBeCloseTo(50, 5);
    expect(histogramPercentile(h, 0.9)).toBeCloseTo(90, 5);
    expect(histogramPercentile(emptyHistogram(), 0.5)).toBeNull();
  });
});

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
