import { agentRecord, at, call, coreQueue, NOW, presence, telephony, thrown, world } from './core-fixtures.js';
import type { ContactCloser, ContactRecord, PhoneDecision, ReservationRecord } from './types.js';

/**
 * When the end of a contact never comes — the telephony's `ended` lost on the way, a desk that
 * never completes — the agent would stay busy for ever. Two safety nets: the routing sweep ends a
 * contact held past its queue's maximum contact duration, and a supervisor ends one by hand.
 */
const queues = () => [
  coreQueue('q-phone', { settings: { wrapUpSeconds: 45 } }),
  coreQueue('q-chat', { channel: 'chat', language: null, settings: { wrapUpSeconds: 30, maxContactSeconds: 600 } }),
];
const SUPERVISOR: ContactCloser = { apiKeyId: 'key-1', keyName: 'shift lead', role: 'supervisor' };
const HOURS_4 = 4 * 3600;

describe('RoutingCore: a contact held past its queue\'s maximum duration', () => {
  it('a call whose ended never came is ended by the sweep after 4 hours, without wrap-up; the agent takes the waiting call; a late ended is a duplicate', () => {
    const { core, state } = world({ agents: [agentRecord('a1')], queues: queues() });
    const d = core.decidePhone(call('lost'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    core.telephonyEvent(telephony('answered', 'lost', { decisionId: d.decisionId }), at(5));
    core.decidePhone(call('waiting', { callerId: '+358409999999' }), at(60));
    core.takeChanges();

    expect(core.tick(at(5 + HOURS_4 - 1))).toEqual({ unpolled: 0, expired: 0, overdue: 0, wrapUps: 0, swept: 0 });
    expect(core.tick(at(5 + HOURS_4))).toEqual({ unpolled: 0, expired: 0, overdue: 1, wrapUps: 0, swept: 0 });
    const lost = state.contactByCallId('lost')!;
    expect(lost).toMatchObject({ status: 'ended', endedAt: at(5 + HOURS_4), endReason: 'max-duration' });
    expect(state.reservation(d.decisionId)).toMatchObject({ status: 'completed', resolvedAt: at(5 + HOURS_4) });
    const { changes, signals } = core.takeChanges();
    expect(changes.events[0]).toEqual({
      contactId: lost.id,
      at: at(5 + HOURS_4),
      type: 'ended',
      agentId: 'a1',
      reservationId: d.decisionId,
      detail: {
        wrapUpSeconds: 0,
        closedBy: 'max-duration',
        maxContactSeconds: HOURS_4,
        note: "closed for exceeding the queue's maximum contact duration (14400 s) without an end reported; no wrap-up",
      },
    });
    // Released at once (no wrap-up) and offered the call waiting meanwhile.
    expect(state.contactByCallId('waiting')).toMatchObject({ status: 'offered', agentId: 'a1' });
    expect(changes.agentStates).toEqual([
      { agentId: 'a1', state: 'busy', startedAt: at(5), endedAt: at(5 + HOURS_4) },
    ]);
    expect(signals).toEqual(expect.arrayContaining([`contact:${lost.id}`, 'agent:a1']));

    expect(core.telephonyEvent(telephony('ended', 'lost', { decisionId: d.decisionId }), at(5 + HOURS_4 + 30))).toEqual({ applied: false, detail: 'contact is ended' });
    expect(core.takeChanges().changes.events).toEqual([]);
  });

  it("a queue's own maximum applies to its contacts; an agent with a break pending goes on it", () => {
    const { core, state } = world({ agents: [agentRecord('a1')], queues: queues() });
    const chat = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r1', language: 'fi' }, NOW);
    core.acceptOffer('a1', state.liveReservation(chat.id)!.id, at(1));
    core.setAgentState('a1', 'break', 'lunch', at(2));
    expect(core.tick(at(600)).overdue).toBe(0);
    expect(core.tick(at(601)).overdue).toBe(1);
    expect(state.contact(chat.id)).toMatchObject({ status: 'ended', endReason: 'max-duration' });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'break', breakReason: 'lunch', stateSince: at(601), load: { chat: 0 } });
  });

  it('measures from when the agent took the contact, and looks at nothing ended or completed', () => {
    const { core, state } = world({ agents: [agentRecord('a1'), agentRecord('a2')], queues: queues() });
    const done = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r1', language: 'fi' }, NOW);
    core.acceptOffer(done.agentId!, state.liveReservation(done.id)!.id, at(1));
    core.complete(done.agentId!, done.id, 0, at(2));
    expect(state.heldSince(at(10_000))).toEqual([]);

    const held = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r2', language: 'fi' }, at(100));
    core.acceptOffer(held.agentId!, state.liveReservation(held.id)!.id, at(110));
    expect(state.heldSince(at(110)).map((r) => r.contactId)).toEqual([held.id]);
    expect(state.heldSince(at(109))).toEqual([]);
    expect(core.tick(at(709)).overdue).toBe(0);
    expect(core.tick(at(710)).overdue).toBe(1);
  });

  it('finds a contact held since before the state was loaded (a restart or a takeover)', () => {
    const contact: ContactRecord = {
      id: 'c-old', channel: 'phone', kind: 'inbound', status: 'connected', queueId: 'q-phone', callId: 'old-call', decisionId: 'r-old', decision: null,
      customerId: null, customerRef: null, callerName: null, calledNumber: '0800', language: 'fi', subject: null, arrivedAt: at(-HOURS_4 - 100),
      deadline: at(-HOURS_4 - 70), priorityBoostSeconds: 0, previousAgentId: null, excludedAgentIds: [], offerAttempts: 1, agentId: 'a1',
      answeredAt: at(-HOURS_4 - 90), endedAt: null, endReason: null, explanation: null, createdAt: at(-HOURS_4 - 100),
    };
    const reservation: ReservationRecord = {
      id: 'r-old', contactId: 'c-old', agentId: 'a1', channel: 'phone', status: 'accepted', offeredAt: at(-HOURS_4 - 100), expiresAt: at(-HOURS_4 - 90), resolvedAt: at(-HOURS_4 - 90),
    };
    const { core, state } = world({
      agents: [agentRecord('a1', { presence: presence('a1', { state: 'busy', load: { phone: 1, chat: 0, email: 0 } }) })],
      contacts: [contact],
      reservations: [reservation],
      queues: queues(),
    });
    expect(core.tick(NOW).overdue).toBe(1);
    expect(state.contact('c-old')).toMatchObject({ status: 'ended', endReason: 'max-duration' });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'available', load: { phone: 0 } });
  });
});

describe('RoutingCore: a supervisor ends a contact', () => {
  it('in hand: ended without wrap-up, the event naming who; the agent released; a second end is 409 contact.finished', () => {
    const { core, state } = world({ agents: [agentRecord('a1')], queues: queues() });
    const d = core.decidePhone(call('stuck'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    core.telephonyEvent(telephony('answered', 'stuck', { decisionId: d.decisionId }), at(5));
    const c = state.contactByCallId('stuck')!;
    core.takeChanges();
    const ended = core.endContact(c.id, SUPERVISOR, at(900));
    expect(ended).toMatchObject({ status: 'ended', endedAt: at(900), endReason: 'ended-by-supervisor', agentId: 'a1', answeredAt: at(5) });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'available', stateSince: at(900), wrapUpUntil: null, load: { phone: 0 } });
    const { changes } = core.takeChanges();
    expect(changes.events.map((e) => [e.type, e.agentId, e.reservationId, e.detail])).toEqual([
      ['ended', 'a1', d.decisionId, { wrapUpSeconds: 0, closedBy: 'supervisor', endedBy: SUPERVISOR, note: 'ended by hand (supervisor key shift lead)' }],
    ]);
    expect(thrown(() => core.endContact(c.id, SUPERVISOR, at(901)))).toMatchObject({ kind: 'conflict', code: 'contact.finished', message: `contact ${c.id} is ended already: there is nothing to end` });
    expect(thrown(() => core.endContact('nobody', SUPERVISOR, at(901)))).toMatchObject({ kind: 'not-found', code: 'contact.not_found' });
    expect(core.telephonyEvent(telephony('ended', 'stuck'), at(902))).toEqual({ applied: false, detail: 'contact is ended' });
  });

  it('waiting: ended unanswered; ringing: the offer cancelled and the agent released', () => {
    const { core, state } = world({ agents: [agentRecord('a1')], queues: queues() });
    const chat = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r1', language: 'fi' }, NOW);
    const r = state.liveReservation(chat.id)!;
    const d = core.decidePhone(call('queued'), at(1));
    expect(d.decision).toBe('queue');
    core.takeChanges();

    expect(core.endContact(chat.id, SUPERVISOR, at(10))).toMatchObject({ status: 'ended', endReason: 'ended-by-supervisor', answeredAt: null });
    expect(state.reservation(r.id)).toMatchObject({ status: 'cancelled', resolvedAt: at(10) });
    // Released, and offered the waiting call at once.
    expect(state.contactByCallId('queued')).toMatchObject({ status: 'offered', agentId: 'a1' });
    const queued = state.contactByCallId('queued')!;
    core.telephonyEvent(telephony('rejected', 'queued'), at(11));
    core.setAgentState('a1', 'break', 'meeting', at(12));
    core.takeChanges();
    expect(core.endContact(queued.id, SUPERVISOR, at(20))).toMatchObject({ status: 'ended', agentId: null });
    expect(core.currentDecision('queued', at(20))).toMatchObject({ decision: 'reject', sipCode: 487, reason: 'contact-ended' });
    expect(core.takeChanges().changes.events.map((e) => [e.type, e.agentId, e.detail])).toEqual([
      ['ended', null, { closedBy: 'supervisor', endedBy: SUPERVISOR, note: 'ended by hand (supervisor key shift lead)', wasStatus: 'queued' }],
    ]);
  });
});
