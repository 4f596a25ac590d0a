import { addToHistogram, countWithin, emptyHistogram, HISTOGRAM_BUCKETS, histogramPercentile, histogramTotal, mergeHistogram } from './histogram.js';
import { COUNTER_FIELDS, RollupDelta, SUM_FIELDS, emptyMetrics, mergeMetrics, queueContribution } from './rollup.js';
import type { ContactFact } from './contact-facts.js';

describe('histograms kept only up to their last non-empty bucket', () => {
  it('grows an empty histogram only to the bucket of the wait', () => {
    const h = emptyHistogram();
    expect(h).toEqual([]);
    addToHistogram(h, 12); // bucket (10, 15]
    expect(h).toEqual([0, 0, 1]);
    addToHistogram(h, 3);
    expect(h).toEqual([1, 0, 1]);
    addToHistogram(h, 10 ** 9); // the overflow bucket
    expect(h).toHaveLength(HISTOGRAM_BUCKETS);
  });

  it('adds histograms of different lengths bucket by bucket, missing buckets counting 0', () => {
    const short = [2, 0, 1];
    const long = [1, 1, 0, 0, 4];
    expect(mergeHistogram([...short], long)).toEqual([3, 1, 1, 0, 4]);
    expect(mergeHistogram([...long], short)).toEqual([3, 1, 1, 0, 4]);
    expect(histogramTotal([3, 1, 1, 0, 4])).toBe(9);
    expect(countWithin([3, 1, 1, 0, 4], 120)).toEqual({ count: 9, exact: true });
    expect(histogramPercentile([0, 0, 2], 0.5)).toBeCloseTo(12.5, 5);
  });

  it('accumulates a batch per grain with the same figures as merging the contributions one by one', () => {
    const fact = (id: string, wait: number, at: string): ContactFact =>
      ({ contactId: id, channel: 'phone', queueId: 'q', kind: 'inbound', arrivedAt: new Date(at), outcome: 'answered', waitSeconds: wait, answeringAgentId: null,
        closingAgentId: null, handleSeconds: 60, wrapUpSeconds: null, transfers: 0, callback: false, replyBusinessSeconds: null, replyWithinDeadline: null, endedByMaxDuration: false, endedBySupervisor: false, agents: [] });
    const facts = [fact('a', 4, '2026-03-29T00:59:00Z'), fact('b', 40, '2026-03-29T01:01:00Z'), fact('c', 400, '2026-03-29T21:30:00Z')];
    const delta = new RollupDelta();
    for (const f of facts) delta.addFact(f, { isRepeat: false, hasRepeat: false });
    const byGrain = new Map<string, number>();
    for (const r of delta.queueRows.values()) byGrain.set(r.key.grain, (byGrain.get(r.key.grain) ?? 0) + 1);
    // 02:59 and 04:01 Helsinki either side of the spring-forward gap (03:00 → 04:00), then 00:30 on Monday: a new day and ISO week.
    expect(Object.fromEntries(byGrain)).toEqual({ interval: 3, day: 2, week: 2, month: 1, quarter: 1 });
    const month = [...delta.queueRows.values()].find((r) => r.key.grain === 'month')!.metrics;
    const oneByOne = emptyMetrics();
    for (const f of facts) mergeMetrics(oneByOne, queueContribution(f, { isRepeat: false, hasRepeat: false }));
    expect(month).toEqual(oneByOne);
    expect(month.answeredWaitHistogram.length).toBeLessThan(HISTOGRAM_BUCKETS);
  });

  it('adds every figure of a contribution to the rows of all its grains: five for a queue, interval, day and month for an agent', () => {
    const m = emptyMetrics();
    [...COUNTER_FIELDS, ...SUM_FIELDS].forEach((f, i) => {
      m[f] = i + 1;
    });
    m.longestWaitSeconds = 77;
    addToHistogram(m.replyHistogram, 4000);
    const delta = new RollupDelta();
    for (const at of ['2026-11-23T08:00:00Z', '2026-11-23T08:01:00Z']) {
      delta.addAgent(new Date(at), 'agent', 'queue', m);
      delta.addQueue(new Date(at), 'queue', m);
    }
    expect([...delta.queueRows.values()].map((r) => r.key.grain)).toEqual(['interval', 'day', 'week', 'month', 'quarter']);
    expect([...delta.agentRows.values()].map((r) => r.key.grain)).toEqual(['interval', 'day', 'month']);
    for (const row of [...delta.queueRows.values(), ...delta.agentRows.values()]) expect(row.metrics).toEqual({ ...mergeMetrics(mergeMetrics(emptyMetrics(), m), m), longestWaitSeconds: 77 });
  });
});
