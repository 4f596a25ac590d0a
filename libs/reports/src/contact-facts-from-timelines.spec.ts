import { BusinessCalendar } from '../../calendar/src/business-calendar.js';
import { contactFacts, type TimelineEvent } from './contact-facts.js';
import { RollupDelta } from './rollup.js';
import { contactFigures, replyFigures } from './figures.js';

const T0 = Date.parse('2026-11-23T08:00:00Z'); // Monday 10:00 in Helsinki
const ev = (s: number, type: string, agentId: string | null = null, detail: Record<string, unknown> | null = null): TimelineEvent => ({ at: new Date(T0 + s * 1000), type, agentId, detail });
const base = { id: 'c1', kind: 'inbound' as const, queueId: 'q-phone', deadline: new Date(T0 + 30_000) };

describe('contact facts from routing timelines', () => {
  it('a call offered to A who timed out, answered by B after 25 s, transferred to C, ended: wait, handle per agent, wrap-up', () => {
    const f = contactFacts({ ...base, channel: 'phone', status: 'ended' }, [
      ev(0, 'queued', null, { queueId: 'q-phone' }), ev(0, 'reserved', 'A'), ev(0, 'offered', 'A'), ev(10, 'timeout', 'A'), ev(10, 'requeued'),
      ev(12, 'reserved', 'B'), ev(12, 'offered', 'B'), ev(25, 'accepted', 'B'), ev(25, 'answered', 'B'),
      ev(125, 'transferred', 'B'), ev(125, 'reserved', 'C'), ev(125, 'offered', 'C'), ev(130, 'accepted', 'C'), ev(190, 'ended', 'C', { wrapUpSeconds: 30 }),
    ])!;
    expect(f).toMatchObject({ outcome: 'answered', waitSeconds: 25, answeringAgentId: 'B', closingAgentId: 'C', handleSeconds: 160, wrapUpSeconds: 30, transfers: 1, callback: false });
    const by = Object.fromEntries(f.agents.map((a) => [a.agentId, a]));
    expect(by.A).toMatchObject({ offers: 1, answered: 0, handleSeconds: 0 });
    expect(by.B).toMatchObject({ offers: 1, answered: 1, handleSeconds: 100, transfers: 1, closed: 0 });
    expect(by.C).toMatchObject({ offers: 1, answered: 0, handleSeconds: 60, wrapUpSeconds: 30, closed: 1 });
  });

  it('a call abandoned while ringing at A counts as abandoned for the queue and for A', () => {
    const f = contactFacts({ ...base, channel: 'phone', status: 'abandoned' }, [ev(0, 'queued'), ev(40, 'reserved', 'A'), ev(40, 'offered', 'A'), ev(44, 'abandoned', 'A')])!;
    expect(f).toMatchObject({ outcome: 'abandoned', waitSeconds: 44, answeringAgentId: null, handleSeconds: null });
    const d = new RollupDelta();
    d.addFact(f, { isRepeat: false, hasRepeat: false });
    const q = [...d.queueRows.values()].find((r) => r.key.grain === 'day')!.metrics;
    const a = [...d.agentRows.values()].find((r) => r.key.grain === 'day')!.metrics;
    expect([q.offered, q.abandoned, a.offered, a.abandoned]).toEqual([1, 1, 1, 1]);
  });

  it('has no facts while a contact is open or when it was rejected before any queue', () => {
    expect(contactFacts({ ...base, channel: 'phone', status: 'connected' }, [ev(0, 'queued')])).toBeNull();
    expect(contactFacts({ ...base, channel: 'phone', status: 'rejected', queueId: null }, [ev(0, 'decision-rejected')])).toBeNull();
  });

  it('an email that arrived on Friday 16:00 and was replied to on Monday 10:00 took 3 business hours (1 h on Friday, 2 h on Monday; 08–17 calendar)', () => {
    const cal = new BusinessCalendar({ timeZone: 'Europe/Helsinki', openingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday: weekday as 1, open: '08:00', close: '17:00' })), closedDates: [] });
    const fri = Date.parse('2026-11-20T14:00:00Z'); // 16:00 Helsinki
    const e = (iso: number, type: string, agentId: string | null = null, detail: Record<string, unknown> | null = null): TimelineEvent => ({ at: new Date(iso), type, agentId, detail });
    const mon10 = Date.parse('2026-11-23T08:00:00Z');
    const f = contactFacts({ ...base, channel: 'email', status: 'ended', queueId: 'q-mail', deadline: new Date(Date.parse('2026-11-23T07:00:00Z')) }, [
      e(fri, 'queued', null, { queueId: 'q-mail' }), e(mon10 - 600_000, 'offered', 'A'), e(mon10 - 600_000, 'accepted', 'A'), e(mon10, 'completed', 'A', { wrapUpSeconds: 0 }),
    ], cal)!;
    expect(f.replyBusinessSeconds).toBe(3 * 3600);
    expect(f.replyWithinDeadline).toBe(false);
    const d = new RollupDelta();
    d.addFact(f, { isRepeat: false, hasRepeat: false });
    const week = [...d.queueRows.values()].find((r) => r.key.grain === 'week')!.metrics;
    expect(replyFigures(week)).toMatchObject({ replied: 1, averageReplyBusinessSeconds: 10800, withinDeadlineShare: 0 });
    expect(contactFigures(week, { thresholdSeconds: 30, shortAbandonSeconds: 5 }).answered).toBe(1);
  });
});
