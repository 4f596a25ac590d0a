import { erlangA, erlangC } from '../../staffing/src/index.js';
import { simulate } from './index.js';
import { singleQueue } from './spec-fixtures.js';

/**
 * The simulator, routing every call through libs/routing, against the exact formulas of
 * libs/staffing on single-queue cases. 500 simulated hours (≈ 100,000 calls) per run after a
 * one-hour warm-up: the standard error of the service level is then about 0.3 percentage points,
 * so ±2 points holds with a wide margin.
 */
const HOURS = 500;
const SEEDS = [1, 2];
const base = { callsPerHalfHour: 100, ahtSeconds: 180, thresholdSeconds: 20 } as const;

describe('agreement with Erlang C (infinite patience)', () => {
  const exact = erlangC({ contactsPerInterval: 100, intervalSeconds: 1800, ahtSeconds: 180, agents: 14, thresholdSeconds: 20 });

  it('the reference case: 100 calls / 30 min, AHT 180 s, 14 agents, T = 20 s has SL 0.8884', () => {
    expect(exact.serviceLevel).toBeCloseTo(0.8884, 4);
  });

  it.each(SEEDS)('seed %i: service level within ±2 points, occupancy A/n, nobody abandons', (seed) => {
    const r = simulate(singleQueue({ ...base, agents: 14, hours: HOURS, seed }));
    const t = r.totals.all;
    expect(t.offered).toBeGreaterThan(95_000);
    expect(Math.abs((t.serviceLevel as number) - exact.serviceLevel)).toBeLessThan(0.02);
    expect(t.abandoned).toBe(0);
    expect(t.serviceLevelOfAnswered as number).toBeCloseTo(t.serviceLevel as number, 3);
    expect(Math.abs((t.occupancy as number) - exact.occupancy)).toBeLessThan(0.01);
    // ASA (all calls are answered, so it equals Erlang C's mean wait) within 15 %.
    expect(Math.abs((t.asa as number) - exact.asa) / exact.asa).toBeLessThan(0.15);
  });
});

describe('agreement with Erlang A (exponential patience)', () => {
  const exact = erlangA({
    contactsPerInterval: 100,
    intervalSeconds: 1800,
    ahtSeconds: 180,
    agents: 13,
    thresholdSeconds: 20,
    patienceSeconds: 300,
  });

  it('the reference case: 13 agents, patience 300 s has SL ≈ 0.858 and abandonment ≈ 0.025', () => {
    expect(exact.serviceLevel).toBeCloseTo(0.858, 3);
    expect(exact.abandonment).toBeCloseTo(0.025, 3);
  });

  it.each(SEEDS)('seed %i: service level within ±2 points and abandonment within ±0.5 points', (seed) => {
    const r = simulate(singleQueue({ ...base, agents: 13, patienceSeconds: 300, hours: HOURS, seed }));
    const t = r.totals.all;
    expect(Math.abs((t.serviceLevel as number) - exact.serviceLevel)).toBeLessThan(0.02);
    expect(Math.abs((t.abandonment as number) - exact.abandonment)).toBeLessThan(0.005);
    expect(t.offered).toBe(t.answered + t.abandoned + t.waitingAtEnd);
    expect(Math.abs((t.occupancy as number) - exact.occupancy)).toBeLessThan(0.01);
  });

  it('a tighter case with impatient callers (10 agents, patience 60 s) agrees too', () => {
    const tight = erlangA({ contactsPerInterval: 100, intervalSeconds: 1800, ahtSeconds: 180, agents: 10, thresholdSeconds: 20, patienceSeconds: 60 });
    const r = simulate(singleQueue({ ...base, agents: 10, patienceSeconds: 60, hours: 300, seed: 3 }));
    const t = r.totals.all;
    expect(Math.abs((t.serviceLevel as number) - tight.serviceLevel)).toBeLessThan(0.02);
    expect(Math.abs((t.abandonment as number) - tight.abandonment)).toBeLessThan(0.01);
  });
});

describe('the ±2-point check has teeth', () => {
  it('one agent off is further than 2 points from the simulated service level', () => {
    // If the formulas or the simulator were off by one agent, the agreement specs above would fail:
    // the simulated SL with 13 patient agents is far from Erlang C's 14-agent 0.8884.
    const exact14 = erlangC({ contactsPerInterval: 100, intervalSeconds: 1800, ahtSeconds: 180, agents: 14, thresholdSeconds: 20 });
    const r = simulate(singleQueue({ ...base, agents: 13, hours: 200, seed: 1 }));
    expect(Math.abs((r.totals.all.serviceLevel as number) - exact14.serviceLevel)).toBeGreaterThan(0.02);
    const exactA12 = erlangA({ contactsPerInterval: 100, intervalSeconds: 1800, ahtSeconds: 180, agents: 12, thresholdSeconds: 20, patienceSeconds: 300 });
    const a = simulate(singleQueue({ ...base, agents: 13, patienceSeconds: 300, hours: 200, seed: 1 }));
    expect(Math.abs((a.totals.all.serviceLevel as number) - exactA12.serviceLevel)).toBeGreaterThan(0.02);
  });
});

describe('reproducibility', () => {
  it('the same seed gives the same result; another seed a different one', () => {
    const input = (seed: number) => singleQueue({ ...base, agents: 13, patienceSeconds: 300, hours: 20, seed });
    const a = simulate(input(7));
    const b = simulate(input(7));
    const c = simulate(input(8));
    expect(b.totals).toEqual(a.totals);
    expect(b.intervals).toEqual(a.intervals);
    expect(c.totals.all.offered).not.toBe(a.totals.all.offered);
  });
});
