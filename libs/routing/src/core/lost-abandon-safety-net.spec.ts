import { agentRecord, at, call, coreQueue, NOW, presence, telephony, world } from './core-fixtures.js';
import type { PhoneDecision } from './types.js';

/**
 * When a waiting caller hangs up and the telephony's `abandoned` is lost on the way (the proxy's
 * 2 s timeout, a network blip, a proxy restart), the dead call would wait in line for ever, ahead of
 * live callers, and at last be offered to an agent who is then marked not-responding for nothing.
 * The proxy long-polls a waiting call's decision; a call that was polled and then is not polled
 * again for the poll's wait plus its queue's grace (at least 60 s after the poll began) is
 * presumed gone, and the routing sweep ends it abandoned. The clock is frozen: `at(s)` is NOW + s.
 */
const queues = () => [
  coreQueue('q-phone', { settings: { offerTimeoutSeconds: 20 } }),
  coreQueue('q-patient', { settings: { pollGraceSeconds: 120 } }),
];
const TICK_NOTHING = { unpolled: 0, expired: 0, overdue: 0, wrapUps: 0, swept: 0 };

function waitingWorld() {
  const w = world({ agents: [agentRecord('a1', { presence: presence('a1', { state: 'break', breakReason: 'lunch' }) })], queues: queues() });
  w.catalog.entries.set('0801', 'q-patient');
  return w;
}

describe('RoutingCore: a waiting call whose polls stopped (a lost abandoned)', () => {
  it('ends a call polled for 30 s and then not again 60 s after that poll began: abandoned, end reason no-poll; the caller behind moves up; a late abandoned is a duplicate and a late poll gets 487', () => {
    const { core, state } = waitingWorld();
    expect(core.decidePhone(call('gone'), NOW)).toMatchObject({ decision: 'queue', position: 1 });
    expect(core.decidePhone(call('behind', { callerId: '+358409999999' }), at(5))).toMatchObject({ decision: 'queue', position: 2 });
    core.takeChanges();

    core.recordPoll('gone', 30, at(10));
    // A poll writes nothing.
    expect(core.takeChanges().changes.pollDeadlines.size).toBe(0);
    // The tick hands the deadline to the writer, once.
    expect(core.tick(at(11))).toEqual(TICK_NOTHING);
    const gone = state.contactByCallId('gone')!;
    expect(core.takeChanges().changes.pollDeadlines).toEqual(new Map([[gone.id, at(70)]]));
    core.tick(at(12));
    expect(core.takeChanges().changes.pollDeadlines.size).toBe(0);

    expect(core.tick(at(69.999))).toEqual(TICK_NOTHING);
    expect(core.tick(at(70))).toEqual({ ...TICK_NOTHING, unpolled: 1 });
    expect(state.contactByCallId('gone')).toMatchObject({ status: 'abandoned', endedAt: at(70), endReason: 'no-poll' });
    const { changes, signals } = core.takeChanges();
    expect(changes.events).toEqual([
      {
        contactId: gone.id,
        at: at(70),
        type: 'abandoned',
        agentId: null,
        reservationId: null,
        detail: {
          closedBy: 'no-poll',
          pollDueBy: at(70).toISOString(),
          note: `presumed abandoned: the telephony long-polled this waiting call, then sent no poll by ${at(70).toISOString()} and no abandoned`,
        },
      },
    ]);
    expect(signals).toContain(`contact:${gone.id}`);
    expect(core.queuePosition('behind', at(71))).toMatchObject({ decision: 'queue', position: 1 });

    expect(core.telephonyEvent(telephony('abandoned', 'gone'), at(80))).toEqual({ applied: false, detail: 'contact is abandoned' });
    expect(core.takeChanges().changes.events).toEqual([]);
    expect(core.currentDecision('gone', at(80))).toEqual({ decisionId: gone.decisionId, decision: 'reject', sipCode: 487, reason: 'contact-abandoned' });
    // Nor is it watched any more.
    expect(state.pollDueOf(gone.id)).toBeUndefined();
  });

  it('leaves a call that was never polled waiting, however long (a proxy that does not long-poll)', () => {
    const { core, state } = waitingWorld();
    core.decidePhone(call('never-polled'), NOW);
    expect(core.tick(at(3600))).toEqual(TICK_NOTHING);
    expect(state.contactByCallId('never-polled')).toMatchObject({ status: 'queued', endReason: null });
  });

  it('leaves a call that keeps polling waiting; each poll moves its deadline on', () => {
    const { core, state } = waitingWorld();
    core.decidePhone(call('patient'), NOW);
    for (let t = 0; t < 600; t += 30) {
      core.recordPoll('patient', 30, at(t));
      expect(core.tick(at(t + 29)).unpolled).toBe(0);
    }
    // A short poll later does not bring an earlier deadline back.
    core.recordPoll('patient', 0, at(595));
    expect(state.pollDueOf(state.contactByCallId('patient')!.id)).toBe(at(655).getTime());
    expect(core.tick(at(654)).unpolled).toBe(0);
    expect(state.contactByCallId('patient')).toMatchObject({ status: 'queued' });
    expect(core.tick(at(655)).unpolled).toBe(1);
  });

  it("a queue's own grace: 120 s after a 30 s poll's wait; a short poll still gets 60 s", () => {
    const { core, state } = waitingWorld();
    core.decidePhone(call('slow', { calledNumber: '0801' }), NOW);
    core.decidePhone(call('short', { calledNumber: '0801', callerId: '+358409999998' }), NOW);
    core.recordPoll('slow', 30, at(0));
    core.recordPoll('short', 0, at(0));
    expect(state.pollDueOf(state.contactByCallId('slow')!.id)).toBe(at(150).getTime());
    expect(state.pollDueOf(state.contactByCallId('short')!.id)).toBe(at(120).getTime());
    expect(core.tick(at(149)).unpolled).toBe(1);
    expect(state.contactByCallId('slow')).toMatchObject({ status: 'queued' });
    expect(core.tick(at(150)).unpolled).toBe(1);
    expect(state.contactByCallId('slow')).toMatchObject({ status: 'abandoned', endReason: 'no-poll' });
  });

  it('leaves a callback waiting: its caller is not on the line, nothing polls it', () => {
    const { core, state } = waitingWorld();
    core.decidePhone(call('call-me'), NOW);
    core.recordPoll('call-me', 30, at(1));
    core.requestCallback('call-me', at(20));
    expect(core.tick(at(3600))).toEqual(TICK_NOTHING);
    expect(state.contactByCallId('call-me')).toMatchObject({ kind: 'callback', status: 'queued' });
    expect(state.pollDueOf(state.contactByCallId('call-me')!.id)).toBeUndefined();
  });

  it('never ends a call ringing at an agent; back in line after the offer timed out, it is owed a poll from then', () => {
    const { core, state } = waitingWorld();
    core.decidePhone(call('ringing'), NOW);
    core.recordPoll('ringing', 30, at(0));
    // The agent comes back at 50 s: the call is offered (the long poll answers the agent) and rings past its poll deadline.
    core.setAgentState('a1', 'available', null, at(50));
    expect(state.contactByCallId('ringing')).toMatchObject({ status: 'offered', agentId: 'a1' });
    core.offerDelivered(core.queuePosition('ringing', at(50)));
    expect(core.tick(at(65)).unpolled).toBe(0);
    expect(state.contactByCallId('ringing')).toMatchObject({ status: 'offered' });
    // Nobody answers: at 70 s the offer expires and the call is back in line, with 60 s to be polled again.
    expect(core.tick(at(70))).toMatchObject({ unpolled: 0, expired: 1 });
    expect(state.contactByCallId('ringing')).toMatchObject({ status: 'queued' });
    expect(core.tick(at(129)).unpolled).toBe(0);
    expect(core.tick(at(130)).unpolled).toBe(1);
    expect(state.contactByCallId('ringing')).toMatchObject({ status: 'abandoned', endReason: 'no-poll' });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'not-responding', load: { phone: 0, chat: 0, email: 0 } });
  });

  it('forgets the deadline of a call that was answered', () => {
    const { core, state } = waitingWorld();
    core.setAgentState('a1', 'available', null, NOW);
    const d = core.decidePhone(call('answered'), at(1)) as Extract<PhoneDecision, { decision: 'agent' }>;
    core.recordPoll('answered', 0, at(2));
    core.telephonyEvent(telephony('answered', 'answered', { decisionId: d.decisionId }), at(3));
    expect(core.tick(at(62))).toEqual(TICK_NOTHING);
    expect(state.contactByCallId('answered')).toMatchObject({ status: 'connected' });
    expect(state.pollDueOf(state.contactByCallId('answered')!.id)).toBeUndefined();
  });
});
