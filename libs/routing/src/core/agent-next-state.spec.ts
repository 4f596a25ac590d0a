import { agentRecord, at, call, coreQueue, NOW, telephony, thrown, world } from './core-fixtures.js';
import type { PhoneDecision } from './types.js';

/**
 * A break (or offline) asked for while the agent is working — an offer out, on a contact, in
 * wrap-up — is its next state: it keeps its real state, is offered nothing new, and takes the
 * break when its last contact has ended and its wrap-up is over. The state spans (occupancy
 * reports) record the break from that moment.
 */
const queues = () => [
  coreQueue('q-phone', { settings: { wrapUpSeconds: 45 } }),
  coreQueue('q-chat', { channel: 'chat', language: null, settings: { wrapUpSeconds: 0 } }),
];

describe('RoutingCore: a break asked for while on a call', () => {
  it('keeps the agent busy, offers it nothing, and begins the break when the wrap-up after the call is over', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 300 }), agentRecord('a2', { idleFor: 10 })], queues: queues() });
    const d = core.decidePhone(call('c1'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    expect(d.agentId).toBe('a1');
    core.telephonyEvent(telephony('answered', 'c1', { decisionId: d.decisionId }), at(5));
    core.takeChanges();

    const p = core.setAgentState('a1', 'break', 'lunch', at(60));
    expect(p).toMatchObject({ state: 'busy', stateSince: at(5), breakReason: null, pendingState: 'break', pendingReason: 'lunch', load: { phone: 1 } });
    let taken = core.takeChanges();
    expect(taken.changes.agentStates).toEqual([]);
    expect(taken.changes.presence.get('a1')?.row).toMatchObject({ state: 'busy', pendingState: 'break' });
    expect(taken.signals).toEqual(['agent:a1']);

    // The call ends: wrap-up first (still pending), then the break — nothing offered in between.
    core.telephonyEvent(telephony('ended', 'c1'), at(300));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'wrap-up', stateSince: at(300), wrapUpUntil: at(345), pendingState: 'break', pendingReason: 'lunch' });
    const waiting = core.decidePhone(call('c2', { callerId: '+358409999999' }), at(310));
    expect(waiting).toMatchObject({ decision: 'agent', agentId: 'a2' });
    core.telephonyEvent(telephony('answered', 'c2'), at(311));
    const third = core.decidePhone(call('c3', { callerId: '+358408888888' }), at(320));
    // Estimated over a2 alone (one slot, 300 s mean handle): a1 will not take another call before its break.
    expect(third).toMatchObject({ decision: 'queue', position: 1, estimatedWaitSeconds: 300 });
    core.takeChanges();

    expect(core.tick(at(345))).toEqual({ unpolled: 0, expired: 0, overdue: 0, wrapUps: 1, swept: 0 });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'break', breakReason: 'lunch', stateSince: at(345), wrapUpUntil: null, pendingState: null, pendingReason: null });
    expect(state.contactByCallId('c3')).toMatchObject({ status: 'queued', agentId: null });
    taken = core.takeChanges();
    // Busy until the call ended, wrap-up until it was over: the break begins there.
    expect(taken.changes.agentStates).toEqual([{ agentId: 'a1', state: 'wrap-up', startedAt: at(300), endedAt: at(345) }]);
    expect(taken.changes.presence.get('a1')?.row).toMatchObject({ state: 'break', breakReason: 'lunch', pendingState: null });

    // Back from the break: the waiting call is offered at once.
    core.setAgentState('a1', 'available', null, at(1200));
    expect(state.contactByCallId('c3')).toMatchObject({ status: 'offered', agentId: 'a1' });
  });

  it('explains why the agent was skipped: its state, and the break it goes to next', () => {
    const { core, state } = world({ agents: [agentRecord('a1')], queues: queues() });
    const chat = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r1', language: 'fi' }, NOW);
    core.acceptOffer('a1', state.liveReservation(chat.id)!.id, at(1));
    core.setAgentState('a1', 'break', 'training', at(2));
    const second = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r2', language: 'fi' }, at(3));
    expect(second).toMatchObject({ status: 'queued', agentId: null });
    expect(second.explanation).toMatchObject({ skippedAgents: [{ agentId: 'a1', reason: 'wrong-state', detail: 'state busy, break next: finishing its contacts' }] });
    // Completing the chat (no wrap-up in this queue): straight to the break; the waiting chat stays.
    core.complete('a1', chat.id, undefined, at(90));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'break', breakReason: 'training', stateSince: at(90), load: { chat: 0 }, pendingState: null });
    expect(state.contact(second.id)).toMatchObject({ status: 'queued' });
    expect(core.takeChanges().changes.agentStates.map((s) => [s.state, s.startedAt, s.endedAt])).toEqual([
      ['available', at(-600), NOW],
      ['reserved', NOW, at(1)],
      ['busy', at(1), at(90)],
    ]);
  });

  it('with several chats in hand, waits for the last one', () => {
    const { core, state } = world({ agents: [agentRecord('a1')], queues: queues() });
    const chats = [1, 2].map((i) => core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: `r${i}`, language: 'fi' }, at(i)));
    for (const c of chats) core.acceptOffer('a1', state.liveReservation(c.id)!.id, at(3));
    core.setAgentState('a1', 'break', 'lunch', at(4));
    core.complete('a1', chats[0].id, 30, at(50));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'busy', pendingState: 'break', load: { chat: 1 } });
    core.complete('a1', chats[1].id, 30, at(60));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'wrap-up', wrapUpUntil: at(90), pendingState: 'break' });
    core.tick(at(90));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'break', breakReason: 'lunch', stateSince: at(90) });
  });
});

describe('RoutingCore: a break asked for with an offer out', () => {
  it('leaves the offer to the agent: accepted, it is handled before the break', () => {
    const { core, state } = world({ agents: [agentRecord('a1')], queues: queues() });
    const chat = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r1', language: 'fi' }, NOW);
    expect(core.setAgentState('a1', 'break', 'lunch', at(2))).toMatchObject({ state: 'reserved', pendingState: 'break' });
    expect(state.liveReservation(chat.id)).toMatchObject({ status: 'offered', agentId: 'a1' });
    core.acceptOffer('a1', state.liveReservation(chat.id)!.id, at(5));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'busy', stateSince: at(5), pendingState: 'break' });
    core.complete('a1', chat.id, 0, at(100));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'break', breakReason: 'lunch', stateSince: at(100) });
  });

  it('a rejected or timed-out offer sends the contact on and the agent to its break, not to not-responding', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 300 }), agentRecord('a2', { idleFor: 10 })], queues: queues() });
    const d = core.decidePhone(call('c1'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    core.setAgentState('a1', 'break', 'lunch', at(1));
    core.takeChanges();
    expect(core.tick(at(10))).toMatchObject({ expired: 1 });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'break', breakReason: 'lunch', stateSince: at(10), pendingState: null, load: { phone: 0 } });
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'offered', agentId: 'a2' });
    expect(state.reservation(d.decisionId)).toMatchObject({ status: 'expired' });

    const chat = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r1', language: 'fi' }, at(20));
    expect(chat.agentId).toBe(null);
  });

  it('rejected by the agent: the same', () => {
    const { core, state } = world({ agents: [agentRecord('a1')], queues: queues() });
    const chat = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r1', language: 'fi' }, NOW);
    core.setAgentState('a1', 'offline', null, at(1));
    core.rejectOffer('a1', state.liveReservation(chat.id)!.id, at(3));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'offline', breakReason: null, stateSince: at(3), pendingState: null });
    expect(state.contact(chat.id)).toMatchObject({ status: 'queued', excludedAgentIds: ['a1'] });
  });
});

describe('RoutingCore: pending states asked for, changed and cancelled', () => {
  it('in wrap-up: the break waits for its end; available ends the wrap-up and cancels the break', () => {
    const { core } = world({ agents: [agentRecord('a1')], queues: queues() });
    const d = core.decidePhone(call('c1'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    core.telephonyEvent(telephony('answered', 'c1', { decisionId: d.decisionId }), at(5));
    core.telephonyEvent(telephony('ended', 'c1'), at(65));
    expect(core.setAgentState('a1', 'break', 'coffee', at(70))).toMatchObject({ state: 'wrap-up', wrapUpUntil: at(110), pendingState: 'break', pendingReason: 'coffee' });
    // Asked again: the last one asked counts.
    expect(core.setAgentState('a1', 'offline', null, at(75))).toMatchObject({ state: 'wrap-up', pendingState: 'offline', pendingReason: null });
    expect(core.setAgentState('a1', 'available', null, at(80))).toMatchObject({ state: 'available', stateSince: at(80), pendingState: null, wrapUpUntil: null });
    core.tick(at(110));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'available', stateSince: at(80) });
  });

  it('available while on a call cancels the pending break: the agent stays busy and is offered work again when free', () => {
    const { core, state } = world({ agents: [agentRecord('a1')], queues: queues() });
    const d = core.decidePhone(call('c1'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    core.telephonyEvent(telephony('answered', 'c1', { decisionId: d.decisionId }), at(5));
    core.setAgentState('a1', 'break', 'lunch', at(10));
    expect(core.setAgentState('a1', 'available', null, at(20))).toMatchObject({ state: 'busy', stateSince: at(5), pendingState: null, pendingReason: null });
    core.decidePhone(call('c2', { callerId: '+358409999999' }), at(30));
    core.telephonyEvent(telephony('ended', 'c1'), at(60));
    core.tick(at(105));
    expect(state.contactByCallId('c2')).toMatchObject({ status: 'offered', agentId: 'a1' });
  });

  it('offline asked for on a call is taken after the wrap-up; a delete (atOnce) is refused while the call lasts', () => {
    const { core } = world({ agents: [agentRecord('a1')], queues: queues() });
    const d = core.decidePhone(call('c1'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    core.telephonyEvent(telephony('answered', 'c1', { decisionId: d.decisionId }), at(5));
    expect(thrown(() => core.setAgentState('a1', 'offline', null, at(6), { atOnce: true }))).toMatchObject({ code: 'agent.has_contacts' });
    expect(core.setAgentState('a1', 'offline', null, at(7))).toMatchObject({ state: 'busy', pendingState: 'offline' });
    core.telephonyEvent(telephony('ended', 'c1'), at(60));
    core.tick(at(105));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'offline', stateSince: at(105), pendingState: null, load: { phone: 0, chat: 0, email: 0 } });
  });

  it('an agent not working takes a break at once, as before', () => {
    const { core } = world({ agents: [agentRecord('a1')], queues: queues() });
    expect(core.setAgentState('a1', 'break', 'lunch', at(1))).toMatchObject({ state: 'break', breakReason: 'lunch', stateSince: at(1), pendingState: null });
  });
});
