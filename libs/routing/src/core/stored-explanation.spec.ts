import type { Explanation } from '../explanation.js';
import { storedExplanation } from './routing-core.js';

describe('storedExplanation', () => {
  const now = new Date('2026-11-23T08:00:00Z');
  const skipped = (n: number, reason: Explanation['skippedAgents'][number]['reason'], prefix: string): Explanation['skippedAgents'] =>
    Array.from({ length: n }, (_, i) => ({ agentId: `${prefix}-${i}`, reason, detail: `${reason} ${i}` }));

  it('counts every skipped agent but names only a few busy ones and the agents a rule kept out', () => {
    const e: Explanation = {
      summary: 's',
      rule: 'longest-idle',
      eligibleAgentIds: Array.from({ length: 30 }, (_, i) => `e-${i}`),
      skippedAgents: [...skipped(150, 'on-call', 'call'), ...skipped(3, 'low-proficiency', 'prof'), ...skipped(8, 'wrong-state', 'away'), ...skipped(30, 'other-department', 'dep')],
    };
    const stored = storedExplanation(e, now);
    expect(stored.skippedCount).toBe(191);
    expect(stored.skippedByReason).toEqual({ 'on-call': 150, 'low-proficiency': 3, 'wrong-state': 8, 'other-department': 30 });
    const named = stored.skippedAgents as Explanation['skippedAgents'];
    const byReason = (r: string) => named.filter((s) => s.reason === r).map((s) => s.agentId);
    expect(byReason('on-call')).toEqual(['call-0', 'call-1', 'call-2', 'call-3', 'call-4']);
    expect(byReason('wrong-state')).toHaveLength(5);
    // Rule reasons share one budget of 20, in the policy's order.
    expect(byReason('low-proficiency')).toEqual(['prof-0', 'prof-1', 'prof-2']);
    expect(byReason('other-department')).toHaveLength(17);
    expect(named[0]).toEqual({ agentId: 'call-0', reason: 'on-call', detail: 'on-call 0' });
    expect(stored.eligibleAgentIds).toEqual(Array.from({ length: 10 }, (_, i) => `e-${i}`));
    expect(stored.eligibleCount).toBe(30);
  });

  it('keeps small explanations whole', () => {
    const e: Explanation = { summary: 's', rule: 'no-eligible-agent', skippedAgents: [...skipped(2, 'on-call', 'c'), ...skipped(1, 'missing-skill', 'm')] };
    const stored = storedExplanation(e, now);
    expect(stored.skippedAgents).toEqual(e.skippedAgents);
    expect(stored.eligibleAgentIds).toEqual([]);
  });
});
