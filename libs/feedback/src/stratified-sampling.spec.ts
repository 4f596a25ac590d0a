import { seededRandom } from './random.js';
import { isEligibleForSurvey, randomizedRound, stratifiedSample, type SamplingCandidate } from './sampling.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const DAY = 86_400_000;

function candidates(stratum: string, n: number, prefix = stratum): SamplingCandidate[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, customerId: `cust-${prefix}-${i}`, stratum }));
}

describe('stratified survey sampling', () => {
  it('asks a customer again only after the cooldown', () => {
    expect(isEligibleForSurvey(null, NOW, 30)).toBe(true);
    expect(isEligibleForSurvey(new Date(NOW.getTime() - 29 * DAY), NOW, 30)).toBe(false);
    expect(isEligibleForSurvey(new Date(NOW.getTime() - 30 * DAY), NOW, 30)).toBe(true);
    expect(isEligibleForSurvey(new Date(NOW.getTime() - 1), NOW, 0)).toBe(true);
  });

  it('draws exactly rate · N in each stratum when that is whole, with each stratum its own rate', () => {
    const all = [...candidates('phone:q1', 1000), ...candidates('chat:q2', 200), ...candidates('email:q3', 50)];
    const rates: Record<string, number> = { 'phone:q1': 0.3, 'chat:q2': 0.05, 'email:q3': 0 };
    const r = stratifiedSample({ candidates: all, rateOf: (s) => rates[s], lastAskedAt: () => null, cooldownDays: 30, now: NOW, random: seededRandom(1) });
    const count = (s: string) => r.sampled.filter((c) => c.stratum === s).length;
    expect([count('phone:q1'), count('chat:q2'), count('email:q3')]).toEqual([300, 10, 0]);
    expect(r.strata.map((s) => [s.stratum, s.quota, s.sampled])).toEqual([
      ['chat:q2', 10, 10],
      ['email:q3', 0, 0],
      ['phone:q1', 300, 300],
    ]);
    expect([...r.outcomes.values()].filter((o) => o === 'sampled')).toHaveLength(310);
    expect(r.outcomes.size).toBe(1250);
  });

  it('is reproducible: the same seed gives the same sample, another seed another one', () => {
    const all = candidates('phone:q1', 500);
    const run = (seed: number) => stratifiedSample({ candidates: all, rateOf: () => 0.1, lastAskedAt: () => null, cooldownDays: 30, now: NOW, random: seededRandom(seed) }).sampled.map((c) => c.id);
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('rounds fractional quotas at random so that the expected sample is rate · N', () => {
    const random = seededRandom(99);
    let total = 0;
    for (let i = 0; i < 10_000; i++) total += randomizedRound(0.25, random);
    expect(total / 10_000).toBeGreaterThan(0.23);
    expect(total / 10_000).toBeLessThan(0.27);
    expect(randomizedRound(3, () => 0)).toBe(3);
  });

  it('leaves out customers asked within N days and contacts without a customer, and asks a customer once per batch', () => {
    const all: SamplingCandidate[] = [
      { id: 'a1', customerId: 'alice', stratum: 'phone:q1' },
      { id: 'a2', customerId: 'alice', stratum: 'phone:q1' },
      { id: 'a3', customerId: 'alice', stratum: 'chat:q2' },
      { id: 'b1', customerId: 'bob', stratum: 'phone:q1' },
      { id: 'n1', customerId: null, stratum: 'phone:q1' },
    ];
    const lastAsked: Record<string, Date> = { bob: new Date(NOW.getTime() - 5 * DAY) };
    const r = stratifiedSample({ candidates: all, rateOf: () => 1, lastAskedAt: (c) => lastAsked[c], cooldownDays: 30, now: NOW, random: seededRandom(3) });
    expect(r.sampled).toHaveLength(1);
    expect(r.sampled[0].customerId).toBe('alice');
    expect(r.outcomes.get('b1')).toBe('recently-asked');
    expect(r.outcomes.get('n1')).toBe('no-customer');
    expect([...r.outcomes.entries()].filter(([, o]) => o === 'customer-in-batch').map(([id]) => id).sort()).toEqual(
      ['a1', 'a2', 'a3'].filter((id) => id !== r.sampled[0].id).sort(),
    );
  });

  it('gives every eligible contact of a stratum the same chance', () => {
    const all = candidates('phone:q1', 10);
    const hits = new Map<string, number>();
    const random = seededRandom(2026);
    for (let i = 0; i < 5000; i++) {
      for (const c of stratifiedSample({ candidates: all, rateOf: () => 0.2, lastAskedAt: () => null, cooldownDays: 0, now: NOW, random }).sampled) hits.set(c.id, (hits.get(c.id) ?? 0) + 1);
    }
    // 5000 × 2 draws over 10 contacts: 1000 each; chi-square with 9 df stays under 27.9 (p = 0.001)
    const chi = [...hits.values()].reduce((s, h) => s + (h - 1000) ** 2 / 1000, 0);
    expect(hits.size).toBe(10);
    expect(chi).toBeLessThan(27.9);
  });

  it('refuses a rate outside [0, 1]', () => {
    expect(() => stratifiedSample({ candidates: candidates('x', 1), rateOf: () => 1.5, lastAskedAt: () => null, cooldownDays: 1, now: NOW, random: seededRandom(1) })).toThrow(RangeError);
  });
});
