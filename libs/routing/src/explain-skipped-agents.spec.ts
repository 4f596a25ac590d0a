import { AVAILABILITY_REASONS, SKIPPED_NAMED_FOR_RULES, SKIPPED_NAMED_PER_AVAILABILITY_REASON, evaluateAgent, queueSteps, resolveConfig, selectAgentForContact } from './index.js';
import type { Agent, AgentState, SkippedAgent } from './index.js';
import { NOW, agent, contact, queue, secondsBefore, seededRandom } from './spec-fixtures.js';

const phone = queue('q-phone');

describe('skipped agents in an explanation: every one counted, a few named', () => {
  it('names five per availability reason and twenty kept out by a rule, in the order the agents came, and counts all', () => {
    const agents: Agent[] = [
      ...Array.from({ length: 150 }, (_, i) => agent(`call-${i}`, { state: 'busy', load: { phone: 1, chat: 0, email: 0 } })),
      ...Array.from({ length: 3 }, (_, i) => agent(`prof-${i}`, { skills: { 'lang:fi': 5, 'topic:payments': 2 } })),
      ...Array.from({ length: 8 }, (_, i) => agent(`away-${i}`, { state: 'break', breakReason: 'lunch' })),
      ...Array.from({ length: 30 }, (_, i) => agent(`dep-${i}`, { departmentId: 'sales' })),
      agent('free'),
    ];
    const e = selectAgentForContact(contact('c1', phone, 5), phone, agents, NOW).explanation;
    expect(e.skippedCount).toBe(191);
    expect(e.skippedByReason).toEqual({ 'on-call': 150, 'low-proficiency': 3, 'wrong-state': 8, 'other-department': 30 });
    const named = (reason: string) => e.skippedAgents.filter((s) => s.reason === reason).map((s) => s.agentId);
    expect(named('on-call')).toEqual(['call-0', 'call-1', 'call-2', 'call-3', 'call-4']);
    expect(named('wrong-state')).toEqual(['away-0', 'away-1', 'away-2', 'away-3', 'away-4']);
    // Rule reasons share one budget of twenty, first come first named.
    expect(named('low-proficiency')).toEqual(['prof-0', 'prof-1', 'prof-2']);
    expect(named('other-department')).toHaveLength(17);
    expect(e.skippedAgents[0]).toEqual({ agentId: 'call-0', reason: 'on-call', detail: 'on a call or reserved for one' });
    expect(e.skippedAgents.find((s) => s.agentId === 'away-0')!.detail).toBe('state break (lunch)');
    expect(e.skippedAgents.find((s) => s.agentId === 'prof-0')!.detail).toBe("proficiency 2 < 3 for 'topic:payments'");
    expect(e.eligibleCount).toBe(1);
  });

  it('names and counts exactly what evaluating each agent alone says (random pools)', () => {
    const rnd = seededRandom(20261124);
    const states: AgentState[] = ['available', 'reserved', 'busy', 'wrap-up', 'break', 'not-responding'];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const config = resolveConfig({});
    for (let round = 0; round < 40; round++) {
      const q = queue(`q-${round}`, { channel: pick(['phone', 'chat', 'email'] as const) });
      const agents = Array.from({ length: 60 }, (_, i) =>
        agent(`a-${round}-${i}`, {
          state: pick(states),
          departmentId: rnd() < 0.8 ? 'collections' : 'sales',
          skills: rnd() < 0.2 ? { 'lang:sv': 4 } : { 'lang:fi': 1 + Math.floor(rnd() * 5), 'topic:payments': 1 + Math.floor(rnd() * 5) },
          load: { phone: rnd() < 0.3 ? 1 : 0, chat: Math.floor(rnd() * 3), email: Math.floor(rnd() * 6) },
          idleSince: secondsBefore(NOW, Math.floor(rnd() * 600)),
          ...(rnd() < 0.1 ? { lentTo: [{ departmentId: 'collections', from: secondsBefore(NOW, 600), to: secondsBefore(NOW, rnd() < 0.5 ? -600 : 60) }] } : {}),
        }),
      );
      const c = contact(`c-${round}`, q, Math.floor(rnd() * 120), rnd() < 0.2 ? { excludedAgentIds: [agents[0].id, agents[1].id] } : {});
      const e = selectAgentForContact(c, q, agents, NOW).explanation;

      const expected: SkippedAgent[] = [];
      const counts: Record<string, number> = {};
      let rules = 0;
      for (const a of agents) {
        const ev = evaluateAgent(a, c, q, NOW, queueSteps(q, config));
        if (ev.eligible) continue;
        const n = counts[ev.reason] ?? 0;
        counts[ev.reason] = n + 1;
        const named = AVAILABILITY_REASONS.has(ev.reason) ? n < SKIPPED_NAMED_PER_AVAILABILITY_REASON : rules++ < SKIPPED_NAMED_FOR_RULES;
        if (named) expected.push({ agentId: a.id, reason: ev.reason, detail: ev.detail });
      }
      expect(e.skippedByReason).toEqual(counts);
      expect(e.skippedCount).toBe(Object.values(counts).reduce((x, y) => x + y, 0));
      expect(e.skippedAgents).toEqual(expected);
    }
  });
});
