import { erlangC, erlangCAgents, erlangCProbability } from './erlang-c.js';
import { StaffingInputError } from './errors.js';
import { simulateQueue } from './simulation.js';

const publishedCase = { contactsPerInterval: 100, intervalSeconds: 1800, ahtSeconds: 180 };

describe('Erlang C for a phone queue', () => {
  it('needs 14 agents for 100 calls per 30 minutes at 180 s AHT and 80 % within 20 s, reaching SL 0.8884', () => {
    const r = erlangCAgents({ ...publishedCase, target: { serviceLevel: 0.8, thresholdSeconds: 20 } });
    expect(r.agents).toBe(14);
    expect(r.offeredLoad).toBeCloseTo(10, 12);
    expect(r.serviceLevel.toFixed(4)).toBe('0.8884');
    expect(r.occupancy).toBeCloseTo(10 / 14, 12);
  });

  it('falls short of the target with one agent fewer', () => {
    const r = erlangC({ ...publishedCase, agents: 13, thresholdSeconds: 20 });
    expect(r.serviceLevel).toBeLessThan(0.8);
  });

  it('accepts the arrival rate per second as an alternative to contacts per interval', () => {
    const a = erlangC({ arrivalRatePerSecond: 100 / 1800, ahtSeconds: 180, agents: 14, thresholdSeconds: 20 });
    const b = erlangC({ ...publishedCase, agents: 14, thresholdSeconds: 20 });
    expect(a.serviceLevel).toBeCloseTo(b.serviceLevel, 14);
  });

  it('reports ASA as C·AHT/(n − A) and the waiting probability of the textbook example', () => {
    // A = 2 Erlangs, 3 agents: C = (8/6 · 3) / (1 + 2 + 2 + 4) ... = 4/9.
    expect(erlangCProbability(3, 2)).toBeCloseTo(4 / 9, 14);
    const r = erlangC({ arrivalRatePerSecond: 2 / 100, ahtSeconds: 100, agents: 3, thresholdSeconds: 0 });
    expect(r.asa).toBeCloseTo(((4 / 9) * 100) / 1, 10);
    expect(r.serviceLevel).toBeCloseTo(1 - 4 / 9, 14);
  });

  it('treats as many agents as Erlangs as unstable: SL 0, ASA Infinity, everyone waits', () => {
    const r = erlangC({ arrivalRatePerSecond: 0.1, ahtSeconds: 100, agents: 10, thresholdSeconds: 20 });
    expect(r).toMatchObject({ stable: false, serviceLevel: 0, asa: Infinity, probabilityOfWaiting: 1, occupancy: 1 });
  });

  it('needs no agents when no calls are expected', () => {
    const r = erlangCAgents({ ...publishedCase, contactsPerInterval: 0, target: { serviceLevel: 0.9, thresholdSeconds: 30 } });
    expect(r).toMatchObject({ agents: 0, serviceLevel: 1, asa: 0, occupancy: 0 });
  });

  it('adds agents when an occupancy cap binds before the service level does', () => {
    const free = erlangCAgents({ arrivalRatePerSecond: 1, ahtSeconds: 300, target: { serviceLevel: 0.8, thresholdSeconds: 60 } });
    const capped = erlangCAgents({ arrivalRatePerSecond: 1, ahtSeconds: 300, target: { serviceLevel: 0.8, thresholdSeconds: 60 }, maxOccupancy: 0.85 });
    expect(free.occupancy).toBeGreaterThan(0.85);
    expect(capped.agents).toBe(Math.ceil(300 / 0.85));
    expect(capped.occupancy).toBeLessThanOrEqual(0.85);
  });

  it('stays finite and monotone for 4,000 Erlangs up to 5,000 agents', () => {
    let previous = -1;
    for (const n of [4001, 4050, 4100, 4200, 5000]) {
      const r = erlangC({ arrivalRatePerSecond: 4000 / 180, ahtSeconds: 180, agents: n, thresholdSeconds: 20 });
      expect(Number.isFinite(r.asa)).toBe(true);
      expect(r.serviceLevel).toBeGreaterThan(previous);
      previous = r.serviceLevel;
    }
    const need = erlangCAgents({ arrivalRatePerSecond: 4000 / 180, ahtSeconds: 180, target: { serviceLevel: 0.8, thresholdSeconds: 20 } });
    expect(need.agents).toBeGreaterThan(4000);
    expect(need.agents).toBeLessThan(4100);
    expect(erlangC({ arrivalRatePerSecond: 4000 / 180, ahtSeconds: 180, agents: need.agents - 1, thresholdSeconds: 20 }).serviceLevel).toBeLessThan(0.8);
  });

  it('matches an independent log-space evaluation of the textbook formula at 4,000 Erlangs and up to 5,000 agents', () => {
    // C(n, A) = [Aⁿ/n! · n/(n−A)] / [Σ_{k<n} Aᵏ/k! + Aⁿ/n! · n/(n−A)], every term as a logarithm
    // (log-sum-exp), so nothing overflows — a different route from the Erlang B recursion.
    const logC = (n: number, a: number) => {
      const logs: number[] = [];
      let logFactorial = 0;
      for (let k = 0; k < n; k++) {
        if (k > 0) logFactorial += Math.log(k);
        logs.push(k * Math.log(a) - logFactorial);
      }
      const last = n * Math.log(a) - (logFactorial + Math.log(n)) + Math.log(n / (n - a));
      const top = Math.max(last, ...logs);
      const total = top + Math.log(logs.reduce((s, l) => s + Math.exp(l - top), Math.exp(last - top)));
      return Math.exp(last - total);
    };
    for (const [n, a] of [[14, 10], [4001, 4000], [4050, 4000], [4100, 4000], [5000, 4000], [5000, 4990]] as const) {
      const expected = logC(n, a);
      expect(Math.abs(erlangCProbability(n, a) - expected)).toBeLessThanOrEqual(1e-9 * expected + 1e-300);
    }
  });

  it('agrees with a seeded simulation of patient callers within one percentage point', () => {
    const exact = erlangC({ ...publishedCase, agents: 14, thresholdSeconds: 20 });
    const sim = simulateQueue({ arrivalRatePerSecond: 100 / 1800, ahtSeconds: 180, agents: 14, patienceSeconds: Infinity, thresholdSeconds: 20, arrivals: 300_000, seed: 99 });
    expect(Math.abs(sim.serviceLevel - exact.serviceLevel)).toBeLessThan(0.01);
    expect(sim.abandonment).toBe(0);
  });

  it('rejects bad input with an error naming the parameter and the rule', () => {
    expect(() => erlangC({ ...publishedCase, ahtSeconds: 0, agents: 3 })).toThrow('ahtSeconds must be a finite number > 0');
    expect(() => erlangC({ contactsPerInterval: 10, ahtSeconds: 100, agents: 3 })).toThrow('intervalSeconds must be a finite number > 0');
    expect(() => erlangCAgents({ ...publishedCase, target: { serviceLevel: 1, thresholdSeconds: 20 } })).toThrow('target.serviceLevel must be a fraction > 0 and < 1');
    expect(() => erlangCAgents({ ...publishedCase, target: { serviceLevel: 0.8, thresholdSeconds: -1 } })).toThrow(StaffingInputError);
    expect(() => erlangCAgents({ ...publishedCase, maxOccupancy: 1.2, target: { serviceLevel: 0.8, thresholdSeconds: 20 } })).toThrow('maxOccupancy');
  });
});
