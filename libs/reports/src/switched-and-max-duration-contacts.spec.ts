import { contactFacts, type TimelineEvent } from './contact-facts.js';
import { contactFigures } from './figures.js';
import { RollupDelta, type RollupMetrics } from './rollup.js';

const T0 = Date.parse('2026-11-23T08:00:00Z'); // Monday 10:00 in Helsinki
const ev = (s: number, type: string, agentId: string | null = null, detail: Record<string, unknown> | null = null): TimelineEvent => ({ at: new Date(T0 + s * 1000), type, agentId, detail });
const base = { kind: 'inbound' as const, queueId: 'q-phone', deadline: new Date(T0 + 30_000) };
const HOUR = 3600;

/** The day rows of the queue and of each agent after adding `facts`. */
function dayRows(...facts: ReturnType<typeof contactFacts>[]): { queue: RollupMetrics; agents: Map<string, RollupMetrics> } {
  const d = new RollupDelta();
  for (const f of facts) d.addFact(f!, { isRepeat: false, hasRepeat: false });
  const queue = [...d.queueRows.values()].find((r) => r.key.grain === 'day')!.metrics;
  const agents = new Map([...d.agentRows.values()].filter((r) => r.key.grain === 'day').map((r) => [r.key.agentId, r.metrics]));
  return { queue, agents };
}

describe('a contact whose customer switched channel', () => {
  it('is switched, not offered, failed or abandoned in the queue it left; an agent whose offer was withdrawn still had the offer', () => {
    const call = contactFacts({ ...base, id: 'call', channel: 'phone', status: 'ended', endReason: 'switched' }, [
      ev(0, 'queued', null, { queueId: 'q-phone' }), ev(20, 'offered', 'A'), ev(25, 'ended', 'A'),
    ])!;
    expect(call).toMatchObject({ outcome: 'switched', handleSeconds: null, answeringAgentId: null });
    const answered = contactFacts({ ...base, id: 'other', channel: 'phone', status: 'ended' }, [ev(0, 'queued'), ev(10, 'offered', 'B'), ev(10, 'accepted', 'B'), ev(70, 'ended', 'B')])!;
    const { queue, agents } = dayRows(call, answered);
    expect(queue).toMatchObject({ offered: 1, answered: 1, abandoned: 0, failed: 0, switched: 1 });
    const figures = contactFigures(queue, { thresholdSeconds: 30, shortAbandonSeconds: 5 });
    expect(figures).toMatchObject({ offered: 1, switched: 1, failed: 0, serviceLevel: 1, serviceLevelAsterisk: 1, longestWaitSeconds: 10 });
    expect(agents.get('A')).toMatchObject({ offered: 1, answered: 0, abandoned: 0 });
  });

  it('is waited for, in the queue it switched to, from the arrival of the contact it continues', () => {
    const chat = contactFacts({ ...base, id: 'chat', channel: 'chat', status: 'ended', queueId: 'q-chat' }, [
      ev(20, 'queued', null, { queueId: 'q-chat', keepsArrivedAt: new Date(T0 + 10_000).toISOString() }), ev(30, 'offered', 'B'), ev(35, 'accepted', 'B'), ev(95, 'completed', 'B'),
    ])!;
    expect(chat).toMatchObject({ outcome: 'answered', arrivedAt: new Date(T0 + 10_000), waitSeconds: 25, handleSeconds: 60 });
  });

  it('is failed as before when it ended unanswered for any other reason', () => {
    const f = contactFacts({ ...base, id: 'c', channel: 'phone', status: 'failed', endReason: 'failed' }, [ev(0, 'queued'), ev(5, 'failed')])!;
    expect(f.outcome).toBe('failed');
  });
});

describe('a contact the routing sweep ended after its queue\'s maximum duration (its end was lost)', () => {
  const lost = () =>
    contactFacts({ ...base, id: 'lost', channel: 'phone', status: 'ended', endReason: 'max-duration' }, [
      ev(0, 'queued', null, { queueId: 'q-phone' }), ev(0, 'offered', 'A'), ev(8, 'accepted', 'A'), ev(8, 'answered', 'A'),
      ev(8 + 4 * HOUR, 'ended', 'A', { wrapUpSeconds: 0 }),
    ])!;

  it('has no handle time and no wrap-up, is answered, and is counted as ended by the maximum duration', () => {
    const f = lost();
    expect(f).toMatchObject({ outcome: 'answered', waitSeconds: 8, handleSeconds: null, wrapUpSeconds: null, endedByMaxDuration: true, closingAgentId: 'A' });
    expect(f.agents).toEqual([expect.objectContaining({ agentId: 'A', answered: 1, handleSeconds: 0, handleSpans: 0, wrapUps: 0, endedByMaxDuration: 1, closed: 1 })]);
  });

  it('leaves the average handle time of its queue and agent to the contacts that really ended', () => {
    const ok = contactFacts({ ...base, id: 'ok', channel: 'phone', status: 'ended' }, [ev(0, 'queued'), ev(5, 'offered', 'A'), ev(5, 'accepted', 'A'), ev(305, 'ended', 'A', { wrapUpSeconds: 30 })])!;
    const { queue, agents } = dayRows(lost(), ok);
    expect(queue).toMatchObject({ answered: 2, handled: 1, handleSeconds: 300, wrapUps: 1, wrapUpSeconds: 30, endedByMaxDuration: 1 });
    expect(contactFigures(queue, { thresholdSeconds: 30, shortAbandonSeconds: 5 })).toMatchObject({ averageHandleSeconds: 300, averageWrapUpSeconds: 30, endedByMaxDuration: 1 });
    expect(agents.get('A')).toMatchObject({ answered: 2, handled: 1, handleSeconds: 300, endedByMaxDuration: 1 });
  });

  it('keeps the handle time of an agent who transferred it before it was lost, on that agent\'s row', () => {
    const f = contactFacts({ ...base, id: 'lost-2', channel: 'chat', status: 'ended', endReason: 'max-duration' }, [
      ev(0, 'queued'), ev(0, 'offered', 'A'), ev(4, 'accepted', 'A'), ev(124, 'transferred', 'A'), ev(124, 'offered', 'B'), ev(130, 'accepted', 'B'),
      ev(130 + 4 * HOUR, 'ended', 'B', { wrapUpSeconds: 0 }),
    ])!;
    expect(f).toMatchObject({ handleSeconds: null, endedByMaxDuration: true, transfers: 1 });
    const { queue, agents } = dayRows(f);
    expect(queue).toMatchObject({ handled: 0, handleSeconds: 0, endedByMaxDuration: 1 });
    expect(agents.get('A')).toMatchObject({ handled: 1, handleSeconds: 120, endedByMaxDuration: 0 });
    expect(agents.get('B')).toMatchObject({ handled: 0, handleSeconds: 0, endedByMaxDuration: 1 });
  });
});
