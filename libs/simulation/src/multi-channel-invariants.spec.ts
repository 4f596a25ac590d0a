import { blendingThresholdSeconds, eligibleOnceChatsEnd, queueSteps, resolveConfig, type Channel, type Contact } from '../../routing/src/index.js';
import { busyDayScenario, simulate, type SimTraceEvent, type SimulationInput } from './index.js';

/**
 * A blended day (phone + chat + email, nine queues, 105 agents, breaks, lent agents, wrap-up,
 * over-dispersed arrivals) replayed from the trace with independent bookkeeping.
 */
function run(input: SimulationInput) {
  const trace: SimTraceEvent[] = [];
  const result = simulate({ ...input, recordContacts: true, trace: (e) => trace.push(e) });
  return { result, trace };
}

const CH: Channel[] = ['phone', 'chat', 'email'];

describe.each([
  ['normal volume', 1],
  ['overloaded (1.6 × volume)', 1.6],
])('blended day, %s', (_name, volumeScale) => {
  const input = busyDayScenario({ seed: 11, volumeScale });
  const { result, trace } = run(input);
  const specs = new Map(input.agents.map((a) => [a.id, a]));
  const lentAt = input.start.getTime();

  it('never puts an agent over capacity nor breaks the cross-channel rules', () => {
    const load = new Map<string, Record<Channel, number>>();
    const violations: string[] = [];
    let assignments = 0;
    for (const e of trace) {
      if (e.type === 'assign') {
        const l = load.get(e.agentId) ?? { phone: 0, chat: 0, email: 0 };
        const cap = specs.get(e.agentId)!.capacity;
        // Before this assignment: no call in hand; a call needs no chat in hand.
        if (l.phone !== 0) violations.push(`${e.contactId}: ${e.agentId} already on a call`);
        if (e.channel === 'phone' && l.chat !== 0) violations.push(`${e.contactId}: call to ${e.agentId} with a chat in hand`);
        l[e.channel]++;
        for (const ch of CH) if (l[ch] > cap[ch]) violations.push(`${e.contactId}: ${e.agentId} ${ch} ${l[ch]}/${cap[ch]}`);
        if (CH.some((ch) => e.agent.load[ch] !== l[ch])) violations.push(`${e.contactId}: reported load differs`);
        load.set(e.agentId, l);
        assignments++;
      } else if (e.type === 'release') {
        const l = load.get(e.agentId)!;
        l[e.channel]--;
        if (l[e.channel] < 0) violations.push(`${e.contactId}: negative load`);
        if (CH.some((ch) => e.agent.load[ch] !== l[ch])) violations.push(`${e.contactId}: reported load differs at release`);
      }
    }
    expect(violations).toEqual([]);
    expect(assignments).toBeGreaterThan(4000 * volumeScale * 0.9);
  });

  it('only gives work to agents on shift and not on break', () => {
    const status = new Map<string, { shift: boolean; onBreak: boolean }>();
    const violations: string[] = [];
    for (const e of trace) {
      if (e.type === 'agent-state') {
        const s = status.get(e.agentId) ?? { shift: false, onBreak: false };
        if (e.change === 'shift-start') s.shift = true;
        if (e.change === 'shift-end') (s.shift = false), (s.onBreak = false);
        if (e.change === 'break-start') s.onBreak = true;
        if (e.change === 'break-end') s.onBreak = false;
        status.set(e.agentId, s);
      } else if (e.type === 'assign') {
        const s = status.get(e.agentId);
        if (!s?.shift || s.onBreak) violations.push(`${e.contactId} → ${e.agentId} at ${e.time}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('answers no contact twice; every contact ends answered, abandoned or still waiting', () => {
    const assigned = new Set<string>();
    const violations: string[] = [];
    for (const e of trace) {
      if (e.type !== 'assign') continue;
      if (assigned.has(e.contactId)) violations.push(`${e.contactId} assigned twice`);
      assigned.add(e.contactId);
    }
    const contacts = result.contacts!;
    expect(contacts).toHaveLength(result.contactsArrived);
    expect(new Set(contacts.map((c) => c.id)).size).toBe(contacts.length);
    const end = input.intervals * input.intervalSeconds;
    for (const c of contacts) {
      const bad = (why: string) => violations.push(`${c.id} (${c.outcome}): ${why}`);
      if (c.outcome === 'answered') {
        if (!assigned.has(c.id)) bad('not in the trace');
        if (!(c.answeredAt! >= c.arrivedAt)) bad('answered before arrival');
        if (c.abandonedAt !== undefined) bad('also abandoned');
        if (!(c.answeredAt! - c.arrivedAt < c.patienceSeconds)) bad('answered after its patience ran out');
      } else if (c.outcome === 'abandoned') {
        if (assigned.has(c.id) || c.answeredAt !== undefined) bad('also answered');
        if (c.channel === 'email') bad('an email abandoned');
        if (Math.abs(c.abandonedAt! - (c.arrivedAt + c.patienceSeconds)) > 1e-6) bad('left before its patience ran out');
      } else if (c.outcome === 'waiting') {
        if (assigned.has(c.id) || c.answeredAt !== undefined) bad('also answered');
        if (c.arrivedAt + c.patienceSeconds < end) bad('should have abandoned before the end');
      } else {
        bad('unknown outcome');
      }
    }
    expect(violations).toEqual([]);
    expect(assigned.size).toBe(contacts.filter((c) => c.outcome === 'answered').length);
  });

  it('counts add up per queue, per channel and per interval', () => {
    const t = result.totals;
    for (const ch of CH) {
      const s = t.byChannel[ch];
      expect(s.offered).toBe(s.answered + s.abandoned + s.waitingAtEnd);
      expect(s.offered).toBeGreaterThan(0);
      expect(s.occupancy!).toBeGreaterThan(0);
      expect(s.occupancy!).toBeLessThanOrEqual(1);
    }
    expect(t.byChannel.email.abandoned).toBe(0);
    expect(t.all.offered).toBe(result.contactsArrived);
    const perQueue = Object.values(t.byQueue).reduce((a, q) => a + q.answeredWithinTarget, 0);
    expect(perQueue).toBe(t.all.answeredWithinTarget);
    const perInterval = result.intervals.reduce((a, i) => a + i.all.offered, 0);
    expect(perInterval).toBe(t.all.offered);
    for (const i of result.intervals) {
      expect(i.all.occupiedSeconds).toBeLessThanOrEqual(i.all.staffedSeconds + 1e-6);
    }
  });

  it('gives no new chat to an agent who could take a call waiting past its threshold once its chats end (call draining)', () => {
    const config = resolveConfig(input.routing?.config ? { config: input.routing.config } : undefined);
    const queues = new Map(input.queues.map((q) => [q.queue.id, q.queue]));
    const steps = new Map(input.queues.map((q) => [q.queue.id, queueSteps(q.queue, config)]));
    const waitingCalls = new Map<string, Contact>();
    const violations: string[] = [];
    let chatsWhileCallsLate = 0;
    for (const e of trace) {
      if (e.type === 'arrival') {
        if (e.contact.channel === 'phone') waitingCalls.set(e.contact.id, e.contact);
      } else if (e.type === 'abandon') {
        waitingCalls.delete(e.contactId);
      } else if (e.type === 'assign') {
        waitingCalls.delete(e.contactId);
        if (e.channel !== 'chat') continue;
        const now = new Date(input.start.getTime() + e.time * 1000);
        const late = [...waitingCalls.values()].filter((c) => (now.getTime() - c.arrivedAt.getTime()) / 1000 >= blendingThresholdSeconds(queues.get(c.queueId)!, config));
        if (!late.length) continue;
        chatsWhileCallsLate++;
        // The agent as it stood before this chat.
        const before = { ...e.agent, load: { ...e.agent.load, chat: e.agent.load.chat - 1 } };
        const blocker = late.find((c) => eligibleOnceChatsEnd(before, c, queues.get(c.queueId)!, now, steps.get(c.queueId)!));
        if (blocker) violations.push(`${e.contactId} → ${e.agentId} at ${e.time} while call ${blocker.id} waited`);
      }
    }
    expect(violations).toEqual([]);
    // Chats still flow to the agents who could not take the late calls.
    expect(chatsWhileCallsLate).toBeGreaterThan(0);
  });

  it('uses lent agents only for the queues, window and waiting time of their loan', () => {
    const arrived = new Map(result.contacts!.map((c) => [c.id, c]));
    let lentAssignments = 0;
    for (const e of trace) {
      if (e.type !== 'assign' || !e.agentId.startsWith('lent-')) continue;
      lentAssignments++;
      expect(e.lent).toBe(true);
      expect(['phone-fi', 'phone-sv']).toContain(e.queueId);
      const loan = specs.get(e.agentId)!.lentTo![0]!;
      const t = lentAt + e.time * 1000;
      expect(t).toBeGreaterThanOrEqual(loan.from.getTime());
      expect(t).toBeLessThan(loan.to.getTime());
      // Default widening: lent agents join after 45 + 30 s of waiting.
      expect(e.time - arrived.get(e.contactId)!.arrivedAt).toBeGreaterThanOrEqual(75 - 0.002);
    }
    if (volumeScale > 1) expect(lentAssignments).toBeGreaterThan(0);
  });
});

describe('busy day reproducibility', () => {
  it('is deterministic for a seed', () => {
    const a = simulate(busyDayScenario({ seed: 5 }));
    const b = simulate(busyDayScenario({ seed: 5 }));
    expect(b.totals).toEqual(a.totals);
    expect(b.routingCalls).toBe(a.routingCalls);
  });
});
