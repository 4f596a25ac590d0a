import type { Explanation } from '../explanation.js';
import { storedExplanation } from './routing-core.js';

describe('storedExplanation', () => {
  const now = new Date('2026-11-23T08:00:00Z');

  it('keeps the agents the policy named with its counts, and names ten eligible agents of all counted', () => {
    const e: Explanation = {
      summary: 's',
      rule: 'longest-idle',
      eligibleAgentIds: Array.from({ length: 16 }, (_, i) => `e-${i}`),
      eligibleCount: 30,
      skippedAgents: [{ agentId: 'call-0', reason: 'on-call', detail: 'on a call or reserved for one' }],
      skippedCount: 150,
      skippedByReason: { 'on-call': 150 },
    };
    const stored = storedExplanation(e, now, { skippedContacts: [] });
    expect(stored).toMatchObject({
      decidedAt: now.toISOString(),
      skippedAgents: e.skippedAgents,
      skippedCount: 150,
      skippedByReason: { 'on-call': 150 },
      eligibleAgentIds: Array.from({ length: 10 }, (_, i) => `e-${i}`),
      eligibleCount: 30,
      skippedContacts: [],
    });
    // Stored as JSON: it survives the round trip unchanged.
    expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
  });

  it('keeps the agents held back for other waiting contacts (email blending, call draining) with their reason', () => {
    const e: Explanation = {
      summary: 'no eligible agent for contact c (2 skipped)',
      rule: 'no-eligible-agent',
      skippedAgents: [
        { agentId: 'a', reason: 'call-draining', detail: 'kept free for phone contact p waiting 14 s (1 chat in hand to finish first)' },
        { agentId: 'b', reason: 'email-blending', detail: 'could take chat contact c2 waiting 25 s' },
      ],
      skippedCount: 2,
      skippedByReason: { 'call-draining': 1, 'email-blending': 1 },
    };
    const stored = storedExplanation(e, now);
    expect(stored).toMatchObject({ skippedAgents: e.skippedAgents, skippedByReason: { 'call-draining': 1, 'email-blending': 1 } });
    expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
  });

  it('counts the eligible agents it was given when the policy did not count them', () => {
    const e: Explanation = { summary: 's', rule: 'only-eligible', eligibleAgentIds: ['a'], skippedAgents: [], skippedCount: 0, skippedByReason: {} };
    expect(storedExplanation(e, now)).toMatchObject({ eligibleAgentIds: ['a'], eligibleCount: 1, skippedAgents: [], skippedCount: 0, step: null, priority: null, previousAgent: null });
  });
});
