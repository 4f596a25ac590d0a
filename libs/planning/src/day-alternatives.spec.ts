import { agentsNeeded } from './borrowing.js';
import { suggestBreakMoves, suggestCallbacks, suggestEmailDeferrals } from './day-alternatives.js';
import type { Shift, ShiftTemplate } from './model.js';

const template: ShiftTemplate = { id: 'day', earliestStartMinutes: 0, latestStartMinutes: 0, lengthMinutes: 120, breaks: [{ name: 'coffee', lengthMinutes: 15, paid: true, earliestAfterStartMinutes: 15, latestAfterStartMinutes: 90 }] };
const shift = (id: string, breakAt: number): Shift => ({ id, employeeId: `e-${id}`, activity: 'phone', startInterval: 0, endInterval: 8, breaks: [{ name: 'coffee', paid: true, startInterval: breakAt, endInterval: breakAt + 1 }], templateId: 'day' });

describe('alternatives to a loan for one queue and day', () => {
  it('moves a break out of a short interval into one with an agent to spare, inside the template window', () => {
    // Three agents; both breaks at interval 2 where 3 are needed; intervals 5–6 need only 1.
    const needed = [2, 2, 3, 2, 2, 1, 1, 2];
    const capacity = [3, 3, 1, 3, 3, 3, 3, 3];
    const r = suggestBreakMoves([shift('a', 2), shift('b', 2), { ...shift('c', 4), breaks: [] }], [template], 900, needed, capacity);
    expect(r.moves).toHaveLength(2);
    for (const m of r.moves) {
      expect(m.fromInterval).toBe(2);
      expect(m.toInterval).toBeGreaterThanOrEqual(1);
      expect(m.toInterval).toBeLessThanOrEqual(6);
    }
    expect(r.capacity[2]).toBe(3);
    r.capacity.forEach((c, t) => expect(c).toBeGreaterThanOrEqual(needed[t] as number));
  });

  it('leaves breaks alone when no interval can spare the agent', () => {
    const r = suggestBreakMoves([shift('a', 2)], [template], 900, [1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 0, 1, 1, 1, 1, 1]);
    expect(r.moves).toEqual([]);
    expect(r.capacity).toEqual([1, 1, 0, 1, 1, 1, 1, 1]);
  });

  it('offers callbacks in a short interval and places them where agents are to spare', () => {
    const target = { serviceLevel: 0.9, thresholdSeconds: 30 };
    const volumes = [40, 10, 10, 10];
    const need = agentsNeeded(40, 900, 180, 0.9, target);
    const capacity = [need - 1, 10, 10, 10];
    const r = suggestCallbacks({ volumes, intervalSeconds: 900, ahtSeconds: 180, target, capacity });
    expect(r.offers).toHaveLength(1);
    const offer = r.offers[0]!;
    expect(offer.fromInterval).toBe(0);
    expect(offer.calls).toBeLessThanOrEqual(Math.floor(40 * 0.15));
    expect(agentsNeeded(r.volumes[0]!, 900, 180, 0.9, target)).toBeLessThanOrEqual(need - 1);
    expect(r.volumes.reduce((a, b) => a + b, 0)).toBeCloseTo(70, 9);
    for (const p of offer.placed) expect(agentsNeeded(r.volumes[p.interval]!, 900, 180, 0.9, target)).toBeLessThanOrEqual(10);
  });
});

describe('deferring email for the phones', () => {
  const queue = (available: number[]) => ({ id: 'phone-fi', departmentId: 'cs', language: 'fi', volumes: [10, 10, 40, 40, 40, 40, 10, 10], ahtSeconds: 180, target: { serviceLevel: 0.9, thresholdSeconds: 30 }, available });
  const emailAgents = ['m1', 'm2', 'm3'].map((id) => ({ id, skills: { 'lang:fi': 5, 'training:phone-service': 3 }, working: new Array<boolean>(8).fill(true) }));

  it('moves email-shift agents to the phones for an hour or more while every email still meets its deadline', () => {
    // 3 on email; 8 emails of 600 s arrive per quarter-hour, due within 16 quarter-hours (the desk runs into tomorrow).
    const desk = { staff: new Array<number>(16).fill(3), work: { kind: 'backlog' as const, arrivals: [...new Array<number>(8).fill(3), ...new Array<number>(8).fill(0)], ahtSeconds: 600, deadlineIntervals: 16, productiveShare: 1 } };
    const r = suggestEmailDeferrals({ start: new Date('2026-03-04T06:00:00Z'), intervalSeconds: 900, queue: queue(new Array<number>(8).fill(10)), emailAgents, desk });
    expect(r.suggestions.length).toBe(2);
    for (const s of r.suggestions) {
      expect(s.toInterval - s.fromInterval).toBeGreaterThanOrEqual(4);
      expect(s.lender.deadlineMissesWith).toBe(0);
      expect(s.serviceLevelWith).toBeGreaterThan(s.serviceLevelWithout);
    }
    expect(r.remainingDeficit).toBe(0);
  });

  it('defers nothing when the email deadline does not allow it', () => {
    // The desk is exactly busy: 3 agents, 3 items of 900 s per quarter-hour, due in the same quarter-hour.
    const desk = { staff: new Array<number>(8).fill(3), work: { kind: 'backlog' as const, arrivals: new Array<number>(8).fill(3), ahtSeconds: 900, deadlineIntervals: 1, productiveShare: 1 } };
    const r = suggestEmailDeferrals({ start: new Date('2026-03-04T06:00:00Z'), intervalSeconds: 900, queue: queue(new Array<number>(8).fill(10)), emailAgents, desk });
    expect(r.suggestions).toEqual([]);
    expect(r.remainingDeficit).toBeGreaterThan(0);
  });
});
