import { erlangB, erlangBUnchecked } from './erlang-b.js';
import { StaffingInputError } from './errors.js';

/** The plain recursion from B(0) = 1, the reference the shortcut must reproduce. */
function fullRecursion(servers: number, load: number): number {
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (load * b) / (k + load * b);
  return b;
}

describe('Erlang B blocking probability', () => {
  it('matches the closed formula for a small trunk group', () => {
    // B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 15);
    expect(erlangB(0, 3)).toBe(1);
    expect(erlangB(5, 0)).toBe(0);
  });

  it('gives the same value as the full recursion when it starts near the load to save work', () => {
    const cases: Array<[number, number]> = [
      [60, 51], [100, 120], [500, 480], [900, 1000], [2000, 2100], [4100, 4000], [5000, 4000], [3000, 4000], [10, 4000], [4000, 4000],
    ];
    for (const [n, a] of cases) {
      const expected = fullRecursion(n, a);
      const actual = erlangBUnchecked(n, a);
      expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-13 * expected + 1e-300);
    }
  });

  it('stays finite for 5,000 agents and 4,000 Erlangs and underflows gracefully to 0 for a huge surplus of agents', () => {
    const b = erlangB(5000, 4000);
    expect(Number.isFinite(b)).toBe(true);
    expect(b).toBeGreaterThan(0);
    expect(erlangB(5000, 10)).toBe(0);
  });

  it('rejects a fractional number of servers with a typed error naming the parameter', () => {
    expect(() => erlangB(2.5, 1)).toThrow(StaffingInputError);
    expect(() => erlangB(2.5, 1)).toThrow('servers must be an integer >= 0');
    expect(() => erlangB(2, -1)).toThrow(RangeError);
  });
});
