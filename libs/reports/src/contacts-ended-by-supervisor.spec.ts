import { contactFacts, type TimelineEvent } from './contact-facts.js';
import { contactFigures } from './figures.js';
import { RollupDelta, type RollupMetrics } from './rollup.js';

const T0 = Date.parse('2026-11-23T08:00:00Z'); // Monday 10:00 in Helsinki
const ev = (s: number, type: string, agentId: string | null = null, detail: Record<string, unknown> | null = null): TimelineEvent => ({ at: new Date(T0 + s * 1000), type, agentId, detail });
const base = { kind: 'inbound' as const, queueId: 'q-phone', deadline: new Date(T0 + 30_000) };
const HOUR = 3600;
const BY_HAND = { closedBy: 'supervisor', endedBy: { apiKeyId: 'k', keyName: 'sup', role: 'supervisor' } };

/** The day rows of the queue and of each agent after adding `facts`. */
function dayRows(...facts: ReturnType<typeof contactFacts>[]): { queue: RollupMetrics; agents: Map<string, RollupMetrics> } {
  const d = new RollupDelta();
  for (const f of facts) d.addFact(f!, { isRepeat: false, hasRepeat: false });
  const queue = [...d.queueRows.values()].find((r) => r.key.grain === 'day')!.metrics;
  const agents = new Map([...d.agentRows.values()].filter((r) => r.key.grain === 'day').map((r) => [r.key.agentId, r.metrics]));
  return { queue, agents };
}

describe('a contact a supervisor ended by hand in an agent\'s hands (its end never came)', () => {
  // Answered at T+8; the telephony system's `ended` was lost; two hours later a supervisor ends it
  // (both engines write an `ended` event with the agent, a wrap-up of 0 and closedBy: supervisor).
  const stuck = () =>
    contactFacts({ ...base, id: 'stuck', channel: 'phone', status: 'ended', endReason: 'ended-by-supervisor' }, [
      ev(0, 'queued', null, { queueId: 'q-phone' }), ev(0, 'offered', 'A'), ev(8, 'accepted', 'A'), ev(8, 'answered', 'A'),
      ev(8 + 2 * HOUR, 'ended', 'A', { wrapUpSeconds: 0, ...BY_HAND }),
    ])!;

  it('is answered with no handle time and no wrap-up, and is counted as ended by a supervisor', () => {
    const f = stuck();
    expect(f).toMatchObject({ outcome: 'answered', waitSeconds: 8, handleSeconds: null, wrapUpSeconds: null, endedBySupervisor: true, endedByMaxDuration: false, closingAgentId: 'A' });
    expect(f.agents).toEqual([expect.objectContaining({ agentId: 'A', answered: 1, handleSeconds: 0, handleSpans: 0, wrapUps: 0, endedBySupervisor: 1, endedByMaxDuration: 0, closed: 1 })]);
  });

  it('leaves the average handle and wrap-up time of its queue and agent to the contacts that really ended', () => {
    const ok = contactFacts({ ...base, id: 'ok', channel: 'phone', status: 'ended' }, [ev(0, 'queued'), ev(5, 'offered', 'A'), ev(5, 'accepted', 'A'), ev(305, 'ended', 'A', { wrapUpSeconds: 30 })])!;
    const { queue, agents } = dayRows(stuck(), ok);
    expect(queue).toMatchObject({ answered: 2, handled: 1, handleSeconds: 300, wrapUps: 1, wrapUpSeconds: 30, endedBySupervisor: 1, endedByMaxDuration: 0 });
    expect(contactFigures(queue, { thresholdSeconds: 30, shortAbandonSeconds: 5 })).toMatchObject({
      answered: 2, averageHandleSeconds: 300, averageWrapUpSeconds: 30, endedBySupervisor: 1, endedByMaxDuration: 0,
    });
    expect(agents.get('A')).toMatchObject({ answered: 2, handled: 1, handleSeconds: 300, wrapUps: 1, endedBySupervisor: 1 });
    expect(contactFigures(agents.get('A')!, { thresholdSeconds: 30, shortAbandonSeconds: 5 }, false, true)).toMatchObject({ averageHandleSeconds: 300, endedBySupervisor: 1 });
  });

  it('keeps the handle time of an agent who transferred it before, on that agent\'s row', () => {
    const f = contactFacts({ ...base, id: 'stuck-2', channel: 'chat', status: 'ended', endReason: 'ended-by-supervisor' }, [
      ev(0, 'queued'), ev(0, 'offered', 'A'), ev(4, 'accepted', 'A'), ev(124, 'transferred', 'A'), ev(124, 'offered', 'B'), ev(130, 'accepted', 'B'),
      ev(130 + HOUR, 'ended', 'B', { wrapUpSeconds: 0, ...BY_HAND }),
    ])!;
    expect(f).toMatchObject({ handleSeconds: null, endedBySupervisor: true, transfers: 1 });
    const { queue, agents } = dayRows(f);
    expect(queue).toMatchObject({ handled: 0, handleSeconds: 0, endedBySupervisor: 1 });
    expect(agents.get('A')).toMatchObject({ handled: 1, handleSeconds: 120, endedBySupervisor: 0 });
    expect(agents.get('B')).toMatchObject({ handled: 0, handleSeconds: 0, endedBySupervisor: 1 });
  });
});

describe('a contact a supervisor ended while it waited or rang', () => {
  it('is failed as before, counted as ended by a supervisor in its queue, and not on the row of the agent it rang at', () => {
    const waiting = contactFacts({ ...base, id: 'w', channel: 'phone', status: 'ended', endReason: 'ended-by-supervisor' }, [
      ev(0, 'queued', null, { queueId: 'q-phone' }), ev(600, 'ended', null, { ...BY_HAND, wasStatus: 'queued' }),
    ])!;
    expect(waiting).toMatchObject({ outcome: 'failed', handleSeconds: null, wrapUpSeconds: null, endedBySupervisor: true, closingAgentId: null, agents: [] });
    const ringing = contactFacts({ ...base, id: 'r', channel: 'phone', status: 'ended', endReason: 'ended-by-supervisor' }, [
      ev(0, 'queued', null, { queueId: 'q-phone' }), ev(3, 'offered', 'A'), ev(20, 'ended', null, { ...BY_HAND, wasStatus: 'offered', offeredTo: 'A' }),
    ])!;
    expect(ringing).toMatchObject({ outcome: 'failed', endedBySupervisor: true, closingAgentId: null });
    const { queue, agents } = dayRows(waiting, ringing);
    expect(queue).toMatchObject({ offered: 2, answered: 0, failed: 2, endedBySupervisor: 2, handled: 0 });
    expect(contactFigures(queue, { thresholdSeconds: 30, shortAbandonSeconds: 5 })).toMatchObject({ failed: 2, endedBySupervisor: 2, serviceLevel: null, averageHandleSeconds: null });
    expect(agents.get('A')).toMatchObject({ offered: 1, answered: 0, endedBySupervisor: 0 });
  });

  it('is not taken for one when it ended for any other reason', () => {
    const f = contactFacts({ ...base, id: 'c', channel: 'phone', status: 'ended', endReason: 'completed' }, [ev(0, 'queued'), ev(5, 'offered', 'A'), ev(5, 'accepted', 'A'), ev(65, 'ended', 'A')])!;
    expect(f).toMatchObject({ endedBySupervisor: false, handleSeconds: 60 });
  });
});
