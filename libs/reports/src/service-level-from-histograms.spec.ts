import { addToHistogram, bucketOf, countWithin, emptyHistogram, HISTOGRAM_BUCKETS, HISTOGRAM_EDGES, histogramPercentile } from './histogram.js';
import { contactFigures, contactFiguresByTarget, firstResponseFiguresByTarget } from './figures.js';
import { emptyMetrics, mergeMetrics } from './rollup.js';

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

describe('service level of a row of queues with different targets', () => {
  /** A queue's share: answered after `waits` seconds. */
  const queue = (...waits: number[]) => {
    const m = emptyMetrics();
    for (const w of waits) {
      addToHistogram(m.answeredWaitHistogram, w);
      m.answeredWaitSeconds += w;
      m.answered += 1;
      m.offered += 1;
    }
    return m;
  };

  it('measures each queue\'s contacts against its own threshold and says so when they differ', () => {
    const phone = queue(25, 40); // target 30 s: 1 within
    const chat = queue(35, 45); // target 40 s: 1 within
    const row = mergeMetrics(mergeMetrics(emptyMetrics(), phone), chat);
    const f = contactFiguresByTarget(row, [{ metrics: phone, thresholdSeconds: 30 }, { metrics: chat, thresholdSeconds: 40 }], 5);
    expect(f).toMatchObject({ thresholdSeconds: null, answered: 4, answeredWithinThreshold: 2, serviceLevel: 0.5, exact: true });
    // One threshold for all, as before: 1 of 4 within 30 s.
    expect(contactFigures(row, { thresholdSeconds: 30, shortAbandonSeconds: 5 })).toMatchObject({ thresholdSeconds: 30, answeredWithinThreshold: 1, serviceLevel: 0.25 });
    expect(firstResponseFiguresByTarget(chat, [{ metrics: chat, thresholdSeconds: 40 }])).toMatchObject({ thresholdSeconds: 40, withinThreshold: 1, withinThresholdShare: 0.5 });
  });

  it('leaves a share without a threshold out of the service level, and a row of such shares without one', () => {
    const phone = queue(25, 40);
    const email = queue(10);
    const row = mergeMetrics(mergeMetrics(emptyMetrics(), phone), email);
    expect(contactFiguresByTarget(row, [{ metrics: phone, thresholdSeconds: 30 }, { metrics: email, thresholdSeconds: null }], 5)).toMatchObject({
      thresholdSeconds: 30, answered: 3, answeredWithinThreshold: 1, serviceLevel: 0.5,
    });
    expect(contactFiguresByTarget(email, [{ metrics: email, thresholdSeconds: null }], 5)).toMatchObject({
      thresholdSeconds: null, answered: 1, answeredWithinThreshold: null, serviceLevel: null, serviceLevelAsterisk: null,
    });
  });
});

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
