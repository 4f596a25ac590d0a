import { RoutingState } from './routing-state.js';
import { agentRecord, at, call, coreQueue, NOW, presence, secondsBefore, telephony, thrown, world } from './core-fixtures.js';
import { lateAnsweredOffer, lateTalkedOffer, type CoreQueueSettings, type PhoneDecision, type TelephonyEvent } from './types.js';

/** The timeline events recorded, as [type, contact, agent, reservation] plus the detail. */
const timeline = (events: { type: string; agentId: string | null; reservationId: string | null; detail: Record<string, unknown> | null }[]) =>
  events.map((e) => ({ type: e.type, agentId: e.agentId, reservationId: e.reservationId, detail: e.detail }));

describe('RoutingCore: phone decisions', () => {
  it('offers a call to the longest-idle eligible agent: contact, reservation, presence, timeline, explanation', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 60 }), agentRecord('a2', { idleFor: 120 }), agentRecord('a3', { presence: presence('a3', { state: 'break', breakReason: 'lunch' }) })] });
    const decision = core.decidePhone(call('call-1'), NOW);

    // id-1 customer (new caller), id-2 contact, id-3 reservation = decision id
    expect(decision).toEqual({ decisionId: 'id-3', decision: 'agent', agentId: 'a2', target: 'sip:a2@pbx.example' });
    const c = state.contactByCallId('call-1')!;
    expect(c).toMatchObject({
      id: 'id-2', channel: 'phone', kind: 'inbound', status: 'offered', queueId: 'q-phone', decisionId: 'id-3', decision, customerId: 'id-1',
      callerName: 'Maija Meikäläinen', calledNumber: '0800', language: 'fi', arrivedAt: NOW, deadline: at(30), offerAttempts: 1, agentId: 'a2', previousAgentId: null,
    });
    expect(c.explanation).toMatchObject({ rule: 'longest-idle', eligibleAgentIds: ['a2', 'a1'], eligibleCount: 2, skippedCount: 1, skippedByReason: { 'wrong-state': 1 }, decidedAt: NOW.toISOString() });
    expect(state.reservation('id-3')).toEqual({ id: 'id-3', contactId: 'id-2', agentId: 'a2', channel: 'phone', status: 'offered', offeredAt: NOW, expiresAt: at(10), resolvedAt: null });
    expect(state.liveReservation('id-2')?.id).toBe('id-3');
    expect(core.presenceOf('a2')).toMatchObject({ state: 'reserved', load: { phone: 1, chat: 0, email: 0 }, stateSince: NOW, idleSince: secondsBefore(NOW, 120) });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'available', load: { phone: 0, chat: 0, email: 0 } });

    const { changes, signals } = core.takeChanges();
    expect(timeline(changes.events)).toEqual([
      { type: 'queued', agentId: null, reservationId: null, detail: { queueId: 'q-phone' } },
      { type: 'reserved', agentId: 'a2', reservationId: 'id-3', detail: { rule: 'longest-idle', step: 0 } },
      { type: 'offered', agentId: 'a2', reservationId: 'id-3', detail: { expiresAt: at(10).toISOString() } },
    ]);
    expect(changes.events.every((e) => e.contactId === 'id-2' && e.at === NOW)).toBe(true);
    expect(changes.customers.get('id-1')).toEqual({ isNew: true, row: { id: 'id-1', phoneNumber: '+358401234567', externalRef: null, lastAgentId: null, lastContactAt: null } });
    expect(changes.contacts.get('id-2')?.isNew).toBe(true);
    expect(changes.reservations.get('id-3')?.isNew).toBe(true);
    expect(changes.presence.get('a2')).toEqual({ isNew: false, row: core.presenceOf('a2') });
    expect(changes.agentStates).toEqual([{ agentId: 'a2', state: 'available', startedAt: secondsBefore(NOW, 600), endedAt: NOW }]);
    expect(signals).toEqual(['agent:a2']);
  });

  it('queues a call nobody can take: position, estimated wait, fallback target and callback offer', () => {
    const busy = agentRecord('a1', { presence: presence('a1', { state: 'busy', load: { phone: 1, chat: 0, email: 0 } }) });
    const { core, state } = world({ agents: [busy] });
    const first = core.decidePhone(call('call-1'), NOW);
    // One serving slot, none free: (1 − 0) × 300 s / 1 slot.
    expect(first).toEqual({ decisionId: 'id-3', decision: 'queue', queueId: 'q-phone', position: 1, estimatedWaitSeconds: 300, fallbackTarget: 'sip:voicemail@pbx.example', callbackOffered: true });
    const second = core.decidePhone(call('call-2', { callerId: '+358409999999' }), at(5));
    expect(second).toMatchObject({ decision: 'queue', position: 2, estimatedWaitSeconds: 600 });
    expect(state.contactByCallId('call-1')).toMatchObject({ status: 'queued', agentId: null, offerAttempts: 0, decisionId: 'id-3' });
    expect(state.contactByCallId('call-1')!.explanation).toMatchObject({ rule: 'no-eligible-agent', skippedByReason: { 'on-call': 1 } });
    const { changes, signals } = core.takeChanges();
    expect(timeline(changes.events)).toEqual([
      { type: 'queued', agentId: null, reservationId: null, detail: { queueId: 'q-phone', position: 1, estimatedWaitSeconds: 300 } },
      { type: 'queued', agentId: null, reservationId: null, detail: { queueId: 'q-phone', position: 2, estimatedWaitSeconds: 600 } },
    ]);
    expect(signals).toEqual([]);
    expect(state.waiting('q-phone').map((c) => c.callId)).toEqual(['call-1', 'call-2']);
  });

  it('with nobody logged in there is no estimate (null, as on the wallboard); no callback offer without a threshold', () => {
    const { core } = world({ queues: [coreQueue('q-phone', { settings: { meanHandleSeconds: 200 } })] });
    expect(core.decidePhone(call('call-1'), NOW)).toEqual({ decisionId: 'id-3', decision: 'queue', queueId: 'q-phone', position: 1, estimatedWaitSeconds: null });
  });

  it('offers a callback at once when nobody logged in could serve the queue, whatever the threshold', () => {
    const settings = { meanHandleSeconds: 200, callbackThresholdSeconds: 3600 };
    const nobody = world({ queues: [coreQueue('q-phone', { settings })] });
    expect(nobody.core.decidePhone(call('call-1'), NOW)).toMatchObject({ decision: 'queue', estimatedWaitSeconds: null, callbackOffered: true });
    // Every agent on break: the same, on the first decision and on the long poll's re-estimate.
    const onBreak = agentRecord('a1', { presence: presence('a1', { state: 'break' }) });
    const lunch = world({ queues: [coreQueue('q-phone', { settings })], agents: [onBreak] });
    expect(lunch.core.decidePhone(call('call-1'), NOW)).toMatchObject({ estimatedWaitSeconds: null, callbackOffered: true });
    expect(lunch.core.queuePosition('call-1', new Date(NOW.getTime() + 30_000))).toMatchObject({ position: 1, estimatedWaitSeconds: null, callbackOffered: true });
    const busy = agentRecord('a1', { presence: presence('a1', { state: 'busy', load: { phone: 1, chat: 0, email: 0 } }) });
    const staffed = world({ queues: [coreQueue('q-phone', { settings })], agents: [busy] });
    expect(staffed.core.decidePhone(call('call-1'), NOW)).toMatchObject({ decision: 'queue', estimatedWaitSeconds: 200, callbackOffered: false });
  });

  it('offers no callback to a caller without a number, and refuses one asked for (the call keeps its place)', () => {
    const settings = { meanHandleSeconds: 200, callbackThresholdSeconds: 1 };
    const { core, state } = world({ queues: [coreQueue('q-phone', { settings })] });
    expect(core.decidePhone(call('call-1', { callerId: '' }), NOW)).toMatchObject({ decision: 'queue', callbackOffered: false });
    expect(core.queuePosition('call-1', new Date(NOW.getTime() + 30_000))).toMatchObject({ position: 1, callbackOffered: false });
    expect(thrown(() => core.requestCallback('call-1', NOW)).code).toBe('callback.no_number');
    expect(state.contactByCallId('call-1')).toMatchObject({ kind: 'inbound', status: 'queued', customerId: null });
    expect(core.decidePhone(call('call-2'), NOW)).toMatchObject({ decision: 'queue', position: 2, callbackOffered: true });
    expect(core.requestCallback('call-2', NOW)).toMatchObject({ kind: 'callback' });
  });

  it("takes a withheld caller's callback with the number keyed in: that number's customer, its previous agent preferred; a known caller keeps its own", () => {
    const settings = { meanHandleSeconds: 200, callbackThresholdSeconds: 1 };
    const known = { id: 'cust-known', phoneNumber: '0401112222', externalRef: null, lastAgentId: 'a1', lastContactAt: at(-3600) };
    const { core, state } = world({ queues: [coreQueue('q-phone', { settings })], customers: [known] });
    core.decidePhone(call('withheld', { callerId: '' }), NOW);
    core.decidePhone(call('new-number', { callerId: '' }), NOW);
    core.decidePhone(call('own', { callerId: '+358409990000' }), NOW);
    core.takeChanges();

    expect(core.requestCallback('withheld', at(5), '0401112222')).toMatchObject({ kind: 'callback', status: 'queued', customerId: 'cust-known', previousAgentId: 'a1' });
    const { changes } = core.takeChanges();
    expect(changes.customers.size).toBe(0);
    expect(changes.events).toEqual([expect.objectContaining({ type: 'callback-requested', detail: { keepsArrivedAt: NOW.toISOString(), numberKeyedIn: true } })]);
    // A number nobody has called from: a new customer with it, nobody to prefer.
    const fresh = core.requestCallback('new-number', at(5), '0405556666');
    expect(fresh).toMatchObject({ kind: 'callback', previousAgentId: null });
    expect(state.customer(fresh.customerId!)).toMatchObject({ phoneNumber: '0405556666', lastAgentId: null });
    // A caller whose number is known: the same number is fine, another is refused and the call keeps waiting.
    expect(thrown(() => core.requestCallback('own', at(5), '0401112222')).code).toBe('callback.number_known');
    expect(state.contactByCallId('own')).toMatchObject({ kind: 'inbound', status: 'queued' });
    expect(core.requestCallback('own', at(6), '+358409990000')).toMatchObject({ kind: 'callback' });
  });

  it('is idempotent on the call id: a retried decision returns the stored one and changes nothing', () => {
    const { core } = world({ agents: [agentRecord('a1')] });
    const first = core.decidePhone(call('call-1'), NOW);
    core.takeChanges();
    expect(core.decidePhone(call('call-1'), at(1))).toEqual(first);
    const { changes, signals } = core.takeChanges();
    expect(changes.contacts.size + changes.reservations.size + changes.presence.size + changes.customers.size + changes.events.length).toBe(0);
    expect(signals).toEqual([]);
  });

  it('rejects a call to a closed queue (480), an unknown number and a number of a chat queue (404), recording a rejected contact', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    expect(core.decidePhone(call('closed-1', { calledNumber: '0700' }), NOW)).toEqual({ decisionId: 'id-1', decision: 'reject', sipCode: 480, reason: 'closed' });
    expect(state.contactByCallId('closed-1')).toMatchObject({
      id: 'id-2', status: 'rejected', queueId: 'q-closed', endedAt: NOW, endReason: 'closed', deadline: NOW, customerId: null, callerName: null, calledNumber: '0700',
      explanation: { decidedAt: NOW.toISOString(), summary: 'call rejected with SIP 480: closed', rule: 'closed', skippedAgents: [], skippedCount: 0 },
    });
    expect(core.decidePhone(call('unknown-1', { calledNumber: '0123' }), NOW)).toMatchObject({ decision: 'reject', sipCode: 404, reason: 'unknown-called-number' });
    expect(state.contactByCallId('unknown-1')).toMatchObject({ status: 'rejected', queueId: null });
    expect(core.decidePhone(call('chat-1', { calledNumber: '0900' }), NOW)).toMatchObject({ decision: 'reject', sipCode: 404, reason: 'not-a-phone-queue' });
    const { changes } = core.takeChanges();
    expect(changes.events.map((e) => [e.type, e.detail])).toEqual([
      ['decision-rejected', { sipCode: 480, reason: 'closed' }],
      ['decision-rejected', { sipCode: 404, reason: 'unknown-called-number' }],
      ['decision-rejected', { sipCode: 404, reason: 'not-a-phone-queue' }],
    ]);
    // No customer for a rejected call, and the agent was not touched.
    expect(changes.customers.size).toBe(0);
    expect(core.presenceOf('a1')?.state).toBe('available');
    // The poll answers a rejected call with its decision.
    expect(core.currentDecision('closed-1', NOW)).toEqual({ decisionId: 'id-1', decision: 'reject', sipCode: 480, reason: 'closed' });
  });

  it('prefers the previous agent within 30 days, not after', () => {
    const customers = [
      { id: 'cust-recent', phoneNumber: '+358401111111', externalRef: null, lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, 86400) },
      { id: 'cust-old', phoneNumber: '+358402222222', externalRef: null, lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, 31 * 86400) },
    ];
    const recent = world({ agents: [agentRecord('a1', { idleFor: 10 }), agentRecord('a2', { idleFor: 300 })], customers });
    expect(recent.core.decidePhone(call('c1', { callerId: '+358401111111' }), NOW)).toMatchObject({ decision: 'agent', agentId: 'a1' });
    expect(recent.state.contactByCallId('c1')).toMatchObject({ customerId: 'cust-recent', previousAgentId: 'a1' });
    expect(recent.state.contactByCallId('c1')!.explanation).toMatchObject({ rule: 'previous-agent', previousAgent: { agentId: 'a1', applied: true } });
    expect(recent.core.takeChanges().changes.customers.size).toBe(0);

    const old = world({ agents: [agentRecord('a1', { idleFor: 10 }), agentRecord('a2', { idleFor: 300 })], customers });
    expect(old.core.decidePhone(call('c2', { callerId: '+358402222222' }), NOW)).toMatchObject({ decision: 'agent', agentId: 'a2' });
    expect(old.state.contactByCallId('c2')).toMatchObject({ customerId: 'cust-old', previousAgentId: null });
  });

  it("a queue's look-back and preference settings decide whether the previous agent counts", () => {
    const customers = [{ id: 'cust-2d', phoneNumber: '+358403333333', externalRef: null, lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, 2 * 86400) }];
    const agents = () => [agentRecord('a1', { idleFor: 10 }), agentRecord('a2', { idleFor: 300 })];
    const withSettings = (settings: Partial<CoreQueueSettings>) => world({ agents: agents(), customers, queues: [coreQueue('q-phone', { settings })] });
    const oneDay = withSettings({ previousAgentLookbackDays: 1 });
    expect(oneDay.core.decidePhone(call('lb-1', { callerId: '+358403333333' }), NOW)).toMatchObject({ decision: 'agent', agentId: 'a2' });
    expect(oneDay.state.contactByCallId('lb-1')).toMatchObject({ previousAgentId: null });
    const week = withSettings({ previousAgentLookbackDays: 7 });
    expect(week.core.decidePhone(call('lb-2', { callerId: '+358403333333' }), NOW)).toMatchObject({ decision: 'agent', agentId: 'a1' });
    // Counted, but no longer preferred: a preference of 0 s leaves the longest-idle agent.
    const noPreference = withSettings({ previousAgentPreferenceSeconds: 0 });
    expect(noPreference.core.decidePhone(call('lb-3', { callerId: '+358403333333' }), NOW)).toMatchObject({ decision: 'agent', agentId: 'a2' });
    expect(noPreference.state.contactByCallId('lb-3')).toMatchObject({ previousAgentId: 'a1' });
  });

  it('gives no call to an agent without a SIP URI, whatever capacity its presence row still has', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { phoneUri: null, idleFor: 500 }), agentRecord('a2', { idleFor: 10 })] });
    expect(core.decidePhone(call('c1'), NOW)).toMatchObject({ decision: 'agent', agentId: 'a2' });
    expect(state.contactByCallId('c1')!.explanation).toMatchObject({ skippedAgents: [{ agentId: 'a1', reason: 'no-capacity' }] });
  });

  it('unknown call ids: the poll and a callback request answer not found', () => {
    const { core } = world();
    expect(thrown(() => core.currentDecision('nope', NOW))).toMatchObject({ kind: 'not-found', code: 'call.not_found', message: 'no routing decision for this call id' });
    expect(thrown(() => core.requestCallback('nope', NOW))).toMatchObject({ kind: 'not-found', code: 'call.not_found' });
    expect(core.telephonyEvent(telephony('answered', 'nope'), NOW)).toEqual({ applied: false, detail: 'unknown call id' });
  });
});

describe('RoutingCore: a call through telephony events', () => {
  it('connects a call answered after its offer timed out to the agent who answered; the offer made since is withdrawn without blame', () => {
    const { core, state } = world({ agents: [agentRecord('a1'), agentRecord('a2', { presence: presence('a2', { idleSince: at(-10) }) })] });
    const d = core.decidePhone(call('c1'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    const first = d.agentId;
    const next = first === 'a1' ? 'a2' : 'a1';
    expect(core.tick(at(11))).toMatchObject({ expired: 1 });
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'offered', agentId: next });
    core.takeChanges();

    expect(core.telephonyEvent(telephony('answered', 'c1', { decisionId: d.decisionId }), at(14))).toEqual({ applied: true, detail: 'answered after its offer timed out: agent busy' });
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'connected', agentId: first, answeredAt: at(14) });
    expect(state.liveReservation(state.contactByCallId('c1')!.id)).toMatchObject({ id: d.decisionId, agentId: first, status: 'accepted' });
    expect(state.agent(first)!.presence).toMatchObject({ state: 'busy', load: { phone: 1, chat: 0, email: 0 } });
    expect(state.agent(next)!.presence).toMatchObject({ state: 'available', load: { phone: 0, chat: 0, email: 0 } });
    const { changes } = core.takeChanges();
    expect(changes.events.map((e) => [e.type, e.agentId])).toEqual([
      ['requeued', next],
      ['accepted', first],
      ['answered', first],
    ]);
    // Not again, and not for an offer that was rejected or failed (the PBX said it stopped ringing).
    expect(core.telephonyEvent(telephony('answered', 'c1', { decisionId: d.decisionId }), at(15)).applied).toBe(false);
    expect(lateAnsweredOffer({ event: 'answered' }, { id: 'r1', agentId: 'a1', status: 'failed' })).toBeNull();
    expect(lateAnsweredOffer({ event: 'answered', agentId: 'a2' }, { id: 'r1', agentId: 'a1', status: 'expired' })).toBeNull();
    expect(lateAnsweredOffer({ event: 'answered', decisionId: 'r0' }, { id: 'r1', agentId: 'a1', status: 'expired' })).toBeNull();
    expect(lateAnsweredOffer({ event: 'ended' }, { id: 'r1', agentId: 'a1', status: 'expired' })).toBeNull();
  });

  it('lateTalkedOffer: a talked ended of the expired offer, answered at ts − talk time, never before the expiry nor after now', () => {
    const expired = { id: 'r1', agentId: 'a1', status: 'expired' as const, offeredAt: at(0), resolvedAt: at(10) };
    const talked = (extra: Record<string, unknown>) => ({ event: 'ended' as const, leg: 'agent', durationSec: 30, ts: at(60).toISOString(), ...extra });
    expect(lateTalkedOffer(talked({ decisionId: 'r1' }), expired, null, at(61))).toEqual({ offer: expired, answeredAt: at(30) });
    expect(lateTalkedOffer(talked({ agentId: 'a1', durationSec: 55 }), expired, { id: 'r2', agentId: 'a2' }, at(61))).toEqual({ offer: expired, answeredAt: at(10) });
    expect(lateTalkedOffer(talked({ ts: at(90).toISOString() }), expired, null, at(61))).toEqual({ offer: expired, answeredAt: at(60) });
    // Naming neither while another offer rings: that offer's talk (answeredBeforeEnded), not this one's.
    expect(lateTalkedOffer(talked({}), expired, { id: 'r2', agentId: 'a2' }, at(61))).toBeNull();
    expect(lateTalkedOffer(talked({}), expired, null, at(61))).toMatchObject({ offer: expired });
    expect(lateTalkedOffer(talked({ decisionId: 'r2' }), expired, null, at(61))).toBeNull();
    expect(lateTalkedOffer(talked({ agentId: 'a2' }), expired, null, at(61))).toBeNull();
    expect(lateTalkedOffer(talked({ leg: 'caller' }), expired, null, at(61))).toBeNull();
    expect(lateTalkedOffer(talked({ durationSec: 0 }), expired, null, at(61))).toBeNull();
    expect(lateTalkedOffer(talked({}), { ...expired, status: 'rejected' }, null, at(61))).toBeNull();
  });

  it('answered → agent busy and customer remembered; ended → wrap-up from the queue settings; tick → available and offered the next call', () => {
    const queues = [coreQueue('q-phone', { settings: { wrapUpSeconds: 45 } })];
    const { core, state } = world({ agents: [agentRecord('a1')], queues });
    const d = core.decidePhone(call('c1'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    core.decidePhone(call('c2', { callerId: '+358409999999' }), at(1));
    core.takeChanges();

    expect(core.telephonyEvent(telephony('answered', 'c1', { decisionId: d.decisionId }), at(3))).toEqual({ applied: true, detail: 'agent busy' });
    const c1 = state.contactByCallId('c1')!;
    expect(c1).toMatchObject({ status: 'connected', answeredAt: at(3) });
    expect(state.reservation(d.decisionId)).toMatchObject({ status: 'accepted', resolvedAt: at(3) });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'busy', stateSince: at(3), load: { phone: 1, chat: 0, email: 0 } });
    expect(state.customer(c1.customerId!)).toMatchObject({ lastAgentId: 'a1', lastContactAt: at(3) });
    let taken = core.takeChanges();
    expect(timeline(taken.changes.events)).toEqual([
      { type: 'accepted', agentId: 'a1', reservationId: d.decisionId, detail: null },
      { type: 'answered', agentId: 'a1', reservationId: d.decisionId, detail: { telephonyTs: '2025-03-12T08:00:05Z' } },
    ]);
    expect(taken.signals).toEqual([`contact:${c1.id}`, 'agent:a1']);
    expect(core.telephonyEvent(telephony('answered', 'c1'), at(4))).toEqual({ applied: false, detail: 'contact is connected' });

    expect(core.telephonyEvent(telephony('ended', 'c1', { hangupBy: 'caller', durationSec: 60 }), at(63))).toEqual({ applied: true, detail: 'agent in wrap-up' });
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'ended', endedAt: at(63), endReason: 'ended' });
    expect(state.reservation(d.decisionId)).toMatchObject({ status: 'completed', resolvedAt: at(63) });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'wrap-up', stateSince: at(63), wrapUpUntil: at(108), idleSince: at(63), load: { phone: 0, chat: 0, email: 0 } });
    taken = core.takeChanges();
    expect(timeline(taken.changes.events)).toEqual([{ type: 'ended', agentId: 'a1', reservationId: d.decisionId, detail: { wrapUpSeconds: 45 } }]);
    expect(core.telephonyEvent(telephony('ended', 'c1'), at(64))).toEqual({ applied: false, detail: 'contact is ended' });
    expect(core.currentDecision('c1', at(64))).toEqual({ decisionId: d.decisionId, decision: 'reject', sipCode: 487, reason: 'contact-ended' });

    expect(core.tick(at(107))).toEqual({ unpolled: 0, expired: 0, overdue: 0, wrapUps: 0, swept: 0 });
    expect(core.tick(at(108))).toEqual({ unpolled: 0, expired: 0, overdue: 0, wrapUps: 1, swept: 0 });
    // The wrap-up ended and the waiting call was offered in the same step.
    expect(core.presenceOf('a1')).toMatchObject({ state: 'reserved', stateSince: at(108), idleSince: at(108), wrapUpUntil: null, load: { phone: 1, chat: 0, email: 0 } });
    const c2 = state.contactByCallId('c2')!;
    expect(c2).toMatchObject({ status: 'offered', agentId: 'a1', offerAttempts: 1 });
    expect(c2.explanation).toMatchObject({ rule: 'highest-priority', skippedContacts: [] });
    expect(core.currentDecision('c2', at(108))).toEqual({ decisionId: state.liveReservation(c2.id)!.id, decision: 'agent', agentId: 'a1', target: 'sip:a1@pbx.example' });
    taken = core.takeChanges();
    expect(taken.changes.events.map((e) => [e.type, e.detail])).toEqual([
      ['reserved', { rule: 'highest-priority', step: 0 }],
      ['offered', { expiresAt: at(118).toISOString() }],
    ]);
    // wrap-up ended (wrap-up → available at 108), then available → reserved at the same instant: no zero-length span.
    expect(taken.changes.agentStates).toEqual([{ agentId: 'a1', state: 'wrap-up', startedAt: at(63), endedAt: at(108) }]);
  });

  it('abandoned while queued: the contact is abandoned; while offered: the reservation is cancelled and the agent released', () => {
    const { core, state } = world({ agents: [] });
    core.decidePhone(call('c1'), NOW);
    core.takeChanges();
    expect(core.telephonyEvent(telephony('abandoned', 'c1'), at(20))).toEqual({ applied: true, detail: 'contact abandoned' });
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'abandoned', endedAt: at(20), endReason: 'abandoned' });
    expect(state.waiting('q-phone')).toEqual([]);
    expect(core.currentDecision('c1', at(20))).toMatchObject({ decision: 'reject', sipCode: 487, reason: 'contact-abandoned' });

    const w = world({ agents: [agentRecord('a1')] });
    const d = w.core.decidePhone(call('c2'), NOW);
    w.core.takeChanges();
    expect(w.core.telephonyEvent(telephony('ended', 'c2', { hangupBy: 'caller' }), at(4))).toEqual({ applied: true, detail: 'contact abandoned, agent released' });
    expect(w.state.reservation(d.decisionId)).toMatchObject({ status: 'cancelled', resolvedAt: at(4) });
    expect(w.core.presenceOf('a1')).toMatchObject({ state: 'available', stateSince: at(4), idleSince: at(4), load: { phone: 0, chat: 0, email: 0 } });
    const { changes, signals } = w.core.takeChanges();
    expect(timeline(changes.events)).toEqual([{ type: 'abandoned', agentId: 'a1', reservationId: d.decisionId, detail: { hangupBy: 'caller', telephonyTs: '2025-03-12T08:00:05Z' } }]);
    expect(changes.agentStates).toEqual([{ agentId: 'a1', state: 'reserved', startedAt: NOW, endedAt: at(4) }]);
    expect(signals).toContain('agent:a1');
  });

  it('an ended that overtook its answered, reporting talk time on the agent leg: the call was answered at ts − durationSec and ended; the late answered is a duplicate', () => {
    const queues = [coreQueue('q-phone', { settings: { wrapUpSeconds: 45 } })];
    const { core, state } = world({ agents: [agentRecord('a1')], queues });
    const d = core.decidePhone(call('c1'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    core.takeChanges();
    const ended = telephony('ended', 'c1', { decisionId: d.decisionId, agentId: 'a1', leg: 'agent', hangupBy: 'caller', durationSec: 120, ts: at(130).toISOString() });
    expect(core.telephonyEvent(ended, at(131))).toEqual({ applied: true, detail: 'answered and ended, agent in wrap-up' });
    const c = state.contactByCallId('c1')!;
    expect(c).toMatchObject({ status: 'ended', answeredAt: at(10), endedAt: at(131), endReason: 'ended' });
    expect(state.reservation(d.decisionId)).toMatchObject({ status: 'completed', resolvedAt: at(131) });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'wrap-up', stateSince: at(131), wrapUpUntil: at(176), load: { phone: 0, chat: 0, email: 0 } });
    expect(state.customer(c.customerId!)).toMatchObject({ lastAgentId: 'a1', lastContactAt: at(10) });
    const { changes } = core.takeChanges();
    expect(changes.events.map((e) => [e.type, e.at, e.agentId, e.reservationId, e.detail])).toEqual([
      ['accepted', at(10), 'a1', d.decisionId, null],
      ['answered', at(10), 'a1', d.decisionId, { inferredFrom: 'ended', hangupBy: 'caller', durationSec: 120, leg: 'agent', telephonyTs: at(130).toISOString() }],
      ['ended', at(131), 'a1', d.decisionId, { wrapUpSeconds: 45 }],
    ]);
    // The agent rang until the answer and talked until the end (occupancy reads these spans).
    expect(changes.agentStates).toEqual([
      { agentId: 'a1', state: 'reserved', startedAt: NOW, endedAt: at(10) },
      { agentId: 'a1', state: 'busy', startedAt: at(10), endedAt: at(131) },
    ]);
    expect(core.telephonyEvent(telephony('answered', 'c1', { decisionId: d.decisionId, agentId: 'a1', leg: 'agent', ts: at(10).toISOString() }), at(132))).toEqual({ applied: false, detail: 'contact is ended' });
    expect(core.takeChanges().changes.events).toEqual([]);

    // Without talk time on the agent leg a hang-up while ringing abandons the call, as before.
    for (const over of [{ leg: 'agent', durationSec: 0 }, { leg: 'caller', durationSec: 45 }, { durationSec: 45 }] as Partial<TelephonyEvent>[]) {
      const w = world({ agents: [agentRecord('a1')] });
      const r = w.core.decidePhone(call('c2'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
      expect(w.core.telephonyEvent(telephony('ended', 'c2', { decisionId: r.decisionId, hangupBy: 'caller', ...over }), at(50))).toEqual({ applied: true, detail: 'contact abandoned, agent released' });
      expect(w.state.contactByCallId('c2')).toMatchObject({ status: 'abandoned', answeredAt: null });
    }
  });

  it('agent_failed: the agent becomes not-responding, the contact goes to the next agent, and the failed agent is never offered it again', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 300 }), agentRecord('a2', { idleFor: 10 })] });
    const d = core.decidePhone(call('c1'), NOW);
    expect(d).toMatchObject({ agentId: 'a1' });
    core.takeChanges();
    expect(core.telephonyEvent(telephony('agent_failed', 'c1', { sipCode: 486 }), at(2))).toEqual({ applied: true, detail: 'agent not-responding, contact re-routed' });
    const c = state.contactByCallId('c1')!;
    expect(c).toMatchObject({ status: 'offered', agentId: 'a2', excludedAgentIds: ['a1'], offerAttempts: 2, arrivedAt: NOW, decisionId: d.decisionId });
    expect(state.reservation(d.decisionId)).toMatchObject({ status: 'failed', resolvedAt: at(2) });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'not-responding', stateSince: at(2), load: { phone: 0, chat: 0, email: 0 } });
    const next = state.liveReservation(c.id)!;
    expect(core.currentDecision('c1', at(2))).toEqual({ decisionId: next.id, decision: 'agent', agentId: 'a2', target: 'sip:a2@pbx.example' });
    const { changes } = core.takeChanges();
    expect(timeline(changes.events)).toEqual([
      { type: 'agent-failed', agentId: 'a1', reservationId: d.decisionId, detail: { why: 'telephony reported agent_failed (SIP 486)' } },
      { type: 'requeued', agentId: null, reservationId: null, detail: { keepsArrivedAt: NOW.toISOString() } },
      { type: 'reserved', agentId: 'a2', reservationId: next.id, detail: { rule: 'only-eligible', step: 0 } },
      { type: 'offered', agentId: 'a2', reservationId: next.id, detail: { expiresAt: at(12).toISOString() } },
    ]);
    expect(changes.reservations.get(d.decisionId)).toMatchObject({ isNew: false });

    // a2 rejects too; a1 declares itself available again: the contact, excluding both, waits.
    core.rejectOffer('a2', next.id, at(3));
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'queued', excludedAgentIds: ['a1', 'a2'] });
    core.setAgentState('a1', 'available', null, at(4));
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'queued' });
    expect(core.presenceOf('a1')?.state).toBe('available');
    expect(core.tick(at(5))).toEqual({ unpolled: 0, expired: 0, overdue: 0, wrapUps: 0, swept: 0 });
    expect(state.contactByCallId('c1')!.status).toBe('queued');
  });

  it('an event naming an earlier offer is not applied; a callback is not abandoned by the caller hanging up', () => {
    const { core, state } = world({ agents: [] });
    const d = core.decidePhone(call('c1'), NOW);
    expect(core.requestCallback('c1', at(30))).toMatchObject({ kind: 'callback', status: 'queued', arrivedAt: NOW });
    expect(core.takeChanges().changes.events.map((e) => [e.type, e.detail])).toEqual([
      ['queued', { queueId: 'q-phone', position: 1, estimatedWaitSeconds: null }],
      ['callback-requested', { keepsArrivedAt: NOW.toISOString() }],
    ]);
    expect(core.telephonyEvent(telephony('ended', 'c1'), at(31))).toEqual({ applied: false, detail: 'contact is queued' });
    expect(core.requestCallback('c1', at(32)).kind).toBe('callback');
    expect(core.takeChanges().changes.events).toEqual([]);

    const w = world({ agents: [agentRecord('a1'), agentRecord('a2')] });
    const first = w.core.decidePhone(call('c2'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    w.core.telephonyEvent(telephony('rejected', 'c2'), at(1));
    expect(w.core.telephonyEvent(telephony('answered', 'c2', { decisionId: 'some-other-offer' }), at(2))).toEqual({ applied: false, detail: 'event of an earlier offer' });
    // The call went straight to an agent, so its own decision id is the first offer's: after the
    // re-route it names an earlier offer, and so does the live offer's id with the first agent.
    expect(w.core.telephonyEvent(telephony('answered', 'c2', { decisionId: first.decisionId }), at(2))).toEqual({ applied: false, detail: 'event of an earlier offer' });
    const live = w.state.liveReservation(w.state.contactByCallId('c2')!.id)!;
    expect(live.agentId).not.toBe(first.agentId);
    expect(w.core.telephonyEvent(telephony('agent_failed', 'c2', { decisionId: live.id, agentId: first.agentId }), at(2))).toEqual({ applied: false, detail: 'event of an earlier offer' });
    expect(w.core.telephonyEvent(telephony('answered', 'c2', { decisionId: live.id, agentId: live.agentId }), at(2))).toEqual({ applied: true, detail: 'agent busy' });
    expect(d.decision).toBe('queue');
    expect(state.contactByCallId('c1')!.kind).toBe('callback');
  });

  it('failed: the contact fails and its agent is released', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    const d = core.decidePhone(call('c1'), NOW);
    core.takeChanges();
    expect(core.telephonyEvent(telephony('fallback_failed', 'c1', { sipCode: 503 }), at(1))).toEqual({ applied: true, detail: 'contact failed' });
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'failed', endedAt: at(1), endReason: 'fallback_failed' });
    expect(state.reservation(d.decisionId)?.status).toBe('cancelled');
    expect(core.presenceOf('a1')).toMatchObject({ state: 'available', load: { phone: 0, chat: 0, email: 0 } });
    expect(core.telephonyEvent(telephony('failed', 'c1'), at(2))).toEqual({ applied: false, detail: 'contact is failed' });
  });

  it('an offer times out at the tick: reservation expired, agent not-responding, contact re-queued keeping its place and routed again', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 300 }), agentRecord('a2', { idleFor: 10 })] });
    const d = core.decidePhone(call('c1'), NOW);
    core.takeChanges();
    expect(core.tick(at(9.999))).toEqual({ unpolled: 0, expired: 0, overdue: 0, wrapUps: 0, swept: 0 });
    expect(core.tick(at(10))).toEqual({ unpolled: 0, expired: 1, overdue: 0, wrapUps: 0, swept: 0 });
    expect(state.reservation(d.decisionId)).toMatchObject({ status: 'expired', resolvedAt: at(10) });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'not-responding', stateSince: at(10) });
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'offered', agentId: 'a2', arrivedAt: NOW, excludedAgentIds: ['a1'] });
    const { changes } = core.takeChanges();
    expect(changes.events.slice(0, 2).map((e) => [e.type, e.agentId, e.detail])).toEqual([
      ['timeout', 'a1', { why: 'agent a1 did not answer the offer of contact id-2 within its timeout; agent not-responding, contact back in queue keeping its place' }],
      ['requeued', null, { keepsArrivedAt: NOW.toISOString() }],
    ]);
    expect(changes.events.slice(2).map((e) => [e.type, e.agentId])).toEqual([['reserved', 'a2'], ['offered', 'a2']]);
  });
});

describe('RoutingCore: agents accepting, completing and transferring', () => {
  it('accept before expiry connects; accept at expiry applies the timeout, routes on and throws offer.expired', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 300 }), agentRecord('a2', { idleFor: 10 })] });
    const chat = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'ref-1', language: 'fi' }, NOW);
    const r = state.liveReservation(chat.id)!;
    expect(r).toMatchObject({ agentId: 'a1', expiresAt: at(20) });
    const accepted = core.acceptOffer('a1', r.id, at(19));
    expect(accepted).toMatchObject({ status: 'connected', answeredAt: at(19) });
    expect(core.takeChanges().changes.events.at(-1)).toMatchObject({ type: 'accepted', agentId: 'a1', detail: { explanation: `agent a1 accepted contact ${chat.id}` } });

    const late = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'ref-2', language: 'fi' }, at(30));
    const r2 = state.liveReservation(late.id)!;
    expect(r2.agentId).toBe('a2');
    core.takeChanges();
    const err = thrown(() => core.acceptOffer('a2', r2.id, at(50)));
    expect(err).toMatchObject({ kind: 'conflict', code: 'offer.expired', message: `offer ${r2.id} expired before it was accepted; the contact went to the next agent` });
    expect(state.reservation(r2.id)?.status).toBe('expired');
    expect(core.presenceOf('a2')?.state).toBe('not-responding');
    // a1 has a chat of three: the contact went to it.
    expect(state.contact(late.id)).toMatchObject({ status: 'offered', agentId: 'a1', excludedAgentIds: ['a2'] });
    const { changes } = core.takeChanges();
    expect(changes.events[0]).toMatchObject({ type: 'timeout', detail: { why: expect.stringContaining('(accepted too late)') } });

    expect(thrown(() => core.acceptOffer('a1', r2.id, at(51)))).toMatchObject({ kind: 'not-found', code: 'offer.not_found' });
    expect(thrown(() => core.acceptOffer('a2', r2.id, at(51)))).toMatchObject({ kind: 'conflict', code: 'offer.not_open', message: `offer ${r2.id} is expired` });
    expect(thrown(() => core.rejectOffer('a2', 'nope', at(51)))).toMatchObject({ kind: 'not-found', code: 'offer.not_found' });
  });

  it('complete: wrap-up seconds given by the agent, errors for a contact not in hand or not accepted', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    const chat = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'ref-1', language: 'fi' }, NOW);
    const r = state.liveReservation(chat.id)!;
    expect(thrown(() => core.complete('a1', chat.id, undefined, at(1)))).toMatchObject({ kind: 'conflict', code: 'contact.not_accepted' });
    expect(thrown(() => core.complete('a2', chat.id, undefined, at(1)))).toMatchObject({ kind: 'conflict', code: 'contact.not_in_hand' });
    expect(thrown(() => core.complete('a1', 'nope', undefined, at(1)))).toMatchObject({ kind: 'not-found', code: 'contact.not_found', message: 'contact nope does not exist' });
    core.acceptOffer('a1', r.id, at(2));
    const done = core.complete('a1', chat.id, 10, at(100));
    expect(done).toMatchObject({ status: 'ended', endReason: 'completed', endedAt: at(100) });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'wrap-up', wrapUpUntil: at(110) });
    expect(core.takeChanges().changes.events.at(-1)).toMatchObject({ type: 'completed', agentId: 'a1', reservationId: r.id, detail: { wrapUpSeconds: 10 } });
    // Without wrap-up the agent is available at once.
    core.tick(at(110));
    const chat2 = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'ref-2', language: 'fi' }, at(111));
    core.acceptOffer('a1', state.liveReservation(chat2.id)!.id, at(112));
    core.complete('a1', chat2.id, 0, at(120));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'available', stateSince: at(120), wrapUpUntil: null });
  });

  it('a ringing call is not accepted at the desk: the telephony answers it, and a later rejected still sends the caller to the next agent', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 300 }), agentRecord('a2', { idleFor: 10 })] });
    const d = core.decidePhone(call('c1'), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    core.takeChanges();
    expect(thrown(() => core.acceptOffer('a1', d.decisionId, at(2)))).toMatchObject({
      kind: 'conflict',
      code: 'offer.answer_on_phone',
      message: `offer ${d.decisionId} is a phone call: it is accepted by answering it on the phone (the telephony system reports the answer)`,
    });
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'offered', answeredAt: null });
    expect(state.reservation(d.decisionId)?.status).toBe('offered');
    expect(core.presenceOf('a1')?.state).toBe('reserved');
    expect(core.takeChanges().changes.events).toEqual([]);
    expect(core.telephonyEvent(telephony('rejected', 'c1', { decisionId: d.decisionId, agentId: 'a1', sipCode: 486 }), at(3))).toEqual({ applied: true, detail: 'agent not-responding, contact re-routed' });
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'offered', agentId: 'a2', excludedAgentIds: ['a1'] });
  });

  it('a call in progress is not completed at the desk: it ends when the telephony reports it; the agent ends the wrap-up after that', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    core.decidePhone(call('c1'), NOW);
    core.telephonyEvent(telephony('answered', 'c1'), at(2));
    const c = state.contactByCallId('c1')!;
    core.takeChanges();
    expect(thrown(() => core.complete('a1', c.id, 0, at(30)))).toMatchObject({
      kind: 'conflict',
      code: 'contact.call_in_progress',
      message: `contact ${c.id} is a phone call in progress: it ends when the telephony system reports the call ended`,
    });
    expect(state.contact(c.id)).toMatchObject({ status: 'connected', endedAt: null });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'busy', load: { phone: 1, chat: 0, email: 0 } });
    expect(core.takeChanges().changes.events).toEqual([]);
    // The agent is still on the call: the next call waits.
    expect(core.decidePhone(call('c2', { callerId: '+358409999999' }), at(31))).toMatchObject({ decision: 'queue' });
    expect(core.telephonyEvent(telephony('ended', 'c1', { leg: 'agent', durationSec: 58 }), at(60))).toEqual({ applied: true, detail: 'agent in wrap-up' });
    expect(thrown(() => core.complete('a1', c.id, 0, at(61)))).toMatchObject({ kind: 'conflict', code: 'contact.not_in_hand' });
    core.setAgentState('a1', 'available', null, at(62));
    expect(state.contactByCallId('c2')).toMatchObject({ status: 'offered', agentId: 'a1' });
  });

  it('a callback is accepted and completed at the desk: its caller hung up and the agent calls back', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { presence: presence('a1', { state: 'break', breakReason: 'lunch' }) })] });
    core.decidePhone(call('c1'), NOW);
    core.requestCallback('c1', at(20));
    core.setAgentState('a1', 'available', null, at(40));
    const c = state.contactByCallId('c1')!;
    expect(c).toMatchObject({ status: 'offered', agentId: 'a1', kind: 'callback' });
    expect(core.acceptOffer('a1', state.liveReservation(c.id)!.id, at(41))).toMatchObject({ status: 'connected', answeredAt: at(41) });
    expect(core.complete('a1', c.id, 0, at(200))).toMatchObject({ status: 'ended', endReason: 'completed', endedAt: at(200) });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'available', load: { phone: 0, chat: 0, email: 0 } });
  });

  it('a call in progress is not transferred at the desk: the telephony system transfers calls; nothing changes', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 300 }), agentRecord('a2', { idleFor: 10 })] });
    const d = core.decidePhone(call('c1'), NOW);
    core.telephonyEvent(telephony('answered', 'c1'), at(2));
    const c = state.contactByCallId('c1')!;
    core.takeChanges();
    for (const target of [{ agentId: 'a2' }, { queueId: 'q-phone' }]) {
      expect(thrown(() => core.transfer('a1', c.id, target, at(30)))).toMatchObject({
        kind: 'conflict',
        code: 'contact.transfer_on_phone',
        message: `contact ${c.id} is a phone call: it is transferred on the phone (the telephony system transfers calls), not from the desk`,
      });
    }
    expect(state.contact(c.id)).toMatchObject({ status: 'connected', agentId: 'a1', answeredAt: at(2) });
    expect(state.reservation(d.decisionId)?.status).toBe('accepted');
    expect(core.presenceOf('a1')).toMatchObject({ state: 'busy', load: { phone: 1, chat: 0, email: 0 } });
    expect(core.presenceOf('a2')).toMatchObject({ state: 'available', load: { phone: 0, chat: 0, email: 0 } });
    expect(core.takeChanges().changes.events).toEqual([]);
    // The caller's end after a 40-second talk is an answered call that ended.
    expect(core.telephonyEvent(telephony('ended', 'c1', { leg: 'agent', durationSec: 40 }), at(42))).toEqual({ applied: true, detail: 'agent in wrap-up' });
    expect(state.contact(c.id)).toMatchObject({ status: 'ended', answeredAt: at(2) });
  });

  it('transfer to an agent: the old reservation transferred, the agent released, a new offer (rule transfer)', () => {
    // A callback: the desk's to accept, complete and transfer (the agent calls the customer).
    const { core, state } = world({
      agents: [agentRecord('a1', { presence: presence('a1', { state: 'break', breakReason: 'lunch' }) }), agentRecord('a2', { presence: presence('a2', { state: 'break', breakReason: 'lunch' }) })],
    });
    core.decidePhone(call('c1'), NOW);
    core.requestCallback('c1', at(1));
    core.setAgentState('a1', 'available', null, at(1));
    const c = state.contactByCallId('c1')!;
    const d = { decisionId: state.liveReservation(c.id)!.id };
    core.acceptOffer('a1', d.decisionId, at(2));
    core.setAgentState('a2', 'available', null, at(2));
    core.takeChanges();
    expect(thrown(() => core.transfer('a1', c.id, { agentId: 'a2', queueId: 'q-phone' }, at(3)))).toMatchObject({ kind: 'unprocessable', code: 'validation.failed', violations: [{ field: 'agentId', rule: 'exactlyOne' }] });
    expect(thrown(() => core.transfer('a2', c.id, { agentId: 'a1' }, at(3)))).toMatchObject({ kind: 'conflict', code: 'contact.not_in_hand' });
    expect(thrown(() => core.transfer('a1', c.id, { queueId: 'q-chat' }, at(3)))).toMatchObject({ kind: 'unprocessable', violations: [{ field: 'queueId', rule: 'channel', message: 'queue q-chat is a chat queue' }] });
    expect(thrown(() => core.transfer('a1', c.id, { agentId: 'ghost' }, at(3)))).toMatchObject({ kind: 'not-found', code: 'agent.not_found' });

    const moved = core.transfer('a1', c.id, { agentId: 'a2' }, at(60));
    expect(moved).toMatchObject({ status: 'offered', agentId: 'a2', offerAttempts: 2, answeredAt: at(2) });
    expect(state.reservation(d.decisionId)).toMatchObject({ status: 'transferred', resolvedAt: at(60) });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'available', stateSince: at(60), load: { phone: 0, chat: 0, email: 0 } });
    expect(core.presenceOf('a2')).toMatchObject({ state: 'reserved', load: { phone: 1, chat: 0, email: 0 } });
    // The explanation is the transfer's now, with the routing that brought the callback to a1 (when a1 came back) before it.
    expect(state.contact(c.id)!.explanation).toMatchObject({
      decidedAt: at(60).toISOString(), rule: 'transfer', summary: `contact ${c.id} transferred by agent a1 → agent a2`, transferredBy: 'a1', eligibleAgentIds: ['a2'],
      earlierDecisions: [{ decidedAt: at(1).toISOString(), rule: 'highest-priority', summary: expect.stringContaining('agent a1') }],
    });
    const r2 = state.liveReservation(c.id)!;
    const { changes, signals } = core.takeChanges();
    expect(timeline(changes.events)).toEqual([
      { type: 'transferred', agentId: 'a1', reservationId: d.decisionId, detail: { toAgentId: 'a2', toQueueId: null } },
      { type: 'reserved', agentId: 'a2', reservationId: r2.id, detail: { rule: 'transfer', step: null } },
      { type: 'offered', agentId: 'a2', reservationId: r2.id, detail: { expiresAt: at(70).toISOString() } },
    ]);
    expect(signals).toEqual(expect.arrayContaining(['agent:a1', 'agent:a2', `contact:${c.id}`]));
    // a2 now has a call reserved: a second transfer to it is refused.
    expect(thrown(() => core.transfer('a2', c.id, { agentId: 'a2' }, at(61)))).toMatchObject({ kind: 'conflict', code: 'contact.not_in_hand' });
  });

  it('transfer to a queue: the contact is queued there anew (arrival now, not answered, only the sender excluded) and routed', () => {
    const skilled = { 'lang:fi': 5, 'topic:payments': 4 };
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 300, skills: skilled }), agentRecord('a2', { idleFor: 10, presence: presence('a2', { state: 'break', breakReason: 'coffee' }) })] });
    const chat = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'ref-1', language: 'sv' }, NOW);
    // q-chat takes the contact's language (sv): nobody speaks it, the chat waits.
    expect(state.contact(chat.id)).toMatchObject({ status: 'queued', language: 'sv' });
    expect(state.contact(chat.id)!.explanation).toMatchObject({ rule: 'no-eligible-agent', skippedByReason: { 'missing-skill': 1, 'wrong-state': 1 } });
    const fi = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'ref-2', language: 'fi' }, at(1));
    const r = state.liveReservation(fi.id)!;
    core.acceptOffer('a1', r.id, at(2));
    core.setAgentState('a2', 'available', null, at(3));
    core.takeChanges();
    const moved = core.transfer('a1', fi.id, { queueId: 'q-chat-2' }, at(40));
    // a1 sent it away and is excluded; a2 takes it. The new segment is not answered until a2 accepts.
    expect(moved).toMatchObject({ queueId: 'q-chat-2', arrivedAt: at(40), deadline: at(100), answeredAt: null, excludedAgentIds: ['a1'], status: 'offered', agentId: 'a2' });
    const { changes } = core.takeChanges();
    expect(changes.events.slice(0, 2).map((e) => [e.type, e.detail])).toEqual([
      ['transferred', { toAgentId: null, toQueueId: 'q-chat-2' }],
      // The old segment: arrived at 1 s, answered at 2 s, inside its 60 s target.
      ['queued', { queueId: 'q-chat-2', transferredFrom: 'q-chat', fromArrivedAt: at(1).toISOString(), fromAnsweredInTarget: true }],
    ]);
    expect(changes.events.slice(2).map((e) => [e.type, e.agentId])).toEqual([['reserved', 'a2'], ['offered', 'a2']]);
  });
});

describe('RoutingCore: chat, email and capacity across channels', () => {
  it('chats up to the chat capacity; an agent on a call gets no chat; an agent with a chat gets no call', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { presence: presence('a1', { capacity: { phone: 1, chat: 2, email: 0 } }) })] });
    const ids = [1, 2, 3].map((i) => core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: `ref-${i}`, language: 'fi' }, at(i)).id);
    expect(ids.map((id) => state.contact(id)!.status)).toEqual(['offered', 'offered', 'queued']);
    expect(core.presenceOf('a1')).toMatchObject({ state: 'reserved', load: { phone: 0, chat: 2, email: 0 } });
    expect(state.contact(ids[2])!.explanation).toMatchObject({ skippedAgents: [{ agentId: 'a1', reason: 'no-capacity', detail: 'chat load 2/2' }] });
    expect(core.decidePhone(call('c1'), at(4))).toMatchObject({ decision: 'queue' });
    expect(state.contactByCallId('c1')!.explanation).toMatchObject({ skippedAgents: [{ agentId: 'a1', reason: 'chat-in-progress' }] });

    const w = world({ agents: [agentRecord('a1')] });
    w.core.decidePhone(call('c1'), NOW);
    const chat = w.core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'ref-1', language: 'fi' }, at(1));
    expect(chat.status).toBe('queued');
    expect(chat.explanation).toMatchObject({ skippedAgents: [{ agentId: 'a1', reason: 'on-call' }] });
  });

  it('a new customer reference creates the customer; a known one is reused with its previous agent', () => {
    const customers = [{ id: 'cust-1', phoneNumber: null, externalRef: 'ref-known', lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, 3600) }];
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 1 }), agentRecord('a2', { idleFor: 900 })], customers });
    const known = core.createContact({ channel: 'email', queueId: 'q-email', customerRef: 'ref-known', language: 'fi', subject: 'Invoice' }, NOW);
    expect(known).toMatchObject({ customerId: 'cust-1', customerRef: 'ref-known', previousAgentId: 'a1', agentId: 'a1', subject: 'Invoice', callId: null, decision: null });
    const fresh = core.createContact({ channel: 'email', queueId: 'q-email', customerRef: 'ref-new', language: 'fi' }, NOW);
    const created = state.customerByRef('ref-new')!;
    expect(fresh.customerId).toBe(created.id);
    expect(core.takeChanges().changes.customers.get(created.id)).toEqual({ isNew: true, row: { id: created.id, phoneNumber: null, externalRef: 'ref-new', lastAgentId: null, lastContactAt: null } });
    expect(thrown(() => core.createContact({ channel: 'chat', queueId: 'q-email', customerRef: 'x', language: 'fi' }, NOW))).toMatchObject({
      kind: 'unprocessable', code: 'validation.failed', message: 'The queue serves another channel', violations: [{ field: 'queueId', rule: 'channel', message: 'queue q-email is a email queue' }],
    });
    expect(thrown(() => core.createContact({ channel: 'chat', queueId: 'q-none', customerRef: 'x', language: 'fi' }, NOW))).toMatchObject({ kind: 'not-found', code: 'queue.not_found' });
  });

  it('email blending and widening over waiting time: a call past its blending threshold keeps the agent who could take it; the tick offers it the call at 15 s', () => {
    const novice = agentRecord('novice', { skills: { 'lang:fi': 5, 'topic:payments': 2 } });
    // Emails need only Finnish; calls need payments ≥ 3 (≥ 2 after 15 s).
    const { core, state } = world({ agents: [novice], queues: [coreQueue('q-phone'), coreQueue('q-email', { channel: 'email', requiredSkills: [] })] });
    expect(core.decidePhone(call('c1'), NOW)).toMatchObject({ decision: 'queue' });
    expect(state.contactByCallId('c1')!.explanation).toMatchObject({ skippedAgents: [{ agentId: 'novice', reason: 'low-proficiency' }] });
    // At 14 s the novice is not yet eligible for the call: nothing to sweep, and an email goes to it.
    expect(core.tick(at(14))).toEqual({ unpolled: 0, expired: 0, overdue: 0, wrapUps: 0, swept: 0 });
    const early = core.createContact({ channel: 'email', queueId: 'q-email', customerRef: 'ref-1', language: 'fi' }, at(14));
    expect(early).toMatchObject({ status: 'offered', agentId: 'novice' });
    core.acceptOffer('novice', state.liveReservation(early.id)!.id, at(14.5));
    // At 16 s the call (waited past the phone threshold of 10 s) could go to the novice (step 1): the email is kept from it.
    const late = core.createContact({ channel: 'email', queueId: 'q-email', customerRef: 'ref-2', language: 'fi' }, at(16));
    expect(late.status).toBe('queued');
    expect(late.explanation).toMatchObject({ skippedAgents: [{ agentId: 'novice', reason: 'email-blending', detail: `could take phone contact ${state.contactByCallId('c1')!.id} waiting 16 s` }] });
    core.takeChanges();
    expect(core.tick(at(16))).toEqual({ unpolled: 0, expired: 0, overdue: 0, wrapUps: 0, swept: 1 });
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'offered', agentId: 'novice' });
    expect(state.contactByCallId('c1')!.explanation).toMatchObject({ rule: 'highest-priority', step: { index: 1, name: 'proficiency ≥ 2 is enough' } });
    expect(core.takeChanges().changes.events.map((e) => [e.type, e.detail])).toEqual([
      ['reserved', { rule: 'highest-priority', step: 1 }],
      ['offered', { expiresAt: at(26).toISOString() }],
    ]);
  });

  it('call draining: agents holding chats get no new chat while a call they could take waits past its threshold; the first to finish its chats is offered the call', () => {
    const chatOnly = agentRecord('chat-only', { configuredCapacity: { phone: 0, chat: 3, email: 5 }, presence: presence('chat-only', { capacity: { phone: 0, chat: 3, email: 5 }, load: { phone: 0, chat: 3, email: 0 } }) });
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 300 }), agentRecord('a2', { idleFor: 200 }), chatOnly] });
    const chat = (ref: string, t: number) => core.createContact({ channel: 'chat', queueId: 'q-chat-2', customerRef: ref, language: 'fi' }, at(t));
    const take = (t: number, ref: string) => {
      const c = chat(ref, t);
      core.acceptOffer(c.agentId!, state.liveReservation(c.id)!.id, at(t));
      return c;
    };
    const first = take(0, 'ref-1');
    const second = take(0, 'ref-2');
    expect([first.agentId, second.agentId]).toEqual(['a1', 'a2']);
    // Both agents hold a chat: the call waits (a call never shares an agent with a chat).
    expect(core.decidePhone(call('c1'), at(1))).toMatchObject({ decision: 'queue' });
    const callId = state.contactByCallId('c1')!.id;
    // 5 s into the call's wait (threshold 10 s): chats flow as before.
    expect(take(6, 'ref-3')).toMatchObject({ status: 'offered', agentId: 'a1' });
    // 11 s: the call is past its threshold; a new chat goes to neither agent who could take the call.
    const held = chat('ref-4', 12);
    expect(held.status).toBe('queued');
    expect(held.explanation).toMatchObject({
      rule: 'no-eligible-agent',
      skippedByReason: { 'call-draining': 2, 'no-capacity': 1 },
      skippedAgents: expect.arrayContaining([
        { agentId: 'a1', reason: 'call-draining', detail: `kept free for phone contact ${callId} waiting 11 s (2 chats in hand to finish first)` },
        { agentId: 'a2', reason: 'call-draining', detail: `kept free for phone contact ${callId} waiting 11 s (1 chat in hand to finish first)` },
      ]),
    });
    // a1 finishes one of its two chats: still draining, it is offered no chat.
    core.complete('a1', first.id, 0, at(20));
    expect(state.contact(held.id)!.status).toBe('queued');
    // a2 finishes its only chat: with wrap-up 0 it is free, and the call is offered to it.
    core.complete('a2', second.id, 0, at(25));
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'offered', agentId: 'a2' });
    expect(state.contactByCallId('c1')!.explanation).toMatchObject({ rule: 'highest-priority', waitedSeconds: 24 });
    expect(state.contact(held.id)!.status).toBe('queued');
    // The call placed, nothing holds a1 back: the sweep gives it the waiting chat.
    expect(core.tick(at(26))).toMatchObject({ swept: 1 });
    expect(state.contact(held.id)).toMatchObject({ status: 'offered', agentId: 'a1' });
  });

  it('a lent agent joins after the widening delay (75 s), only inside its loan window', () => {
    const inside = agentRecord('lent', {
      departmentId: 'billing',
      skills: { 'lang:fi': 5 },
      loans: [{ departmentId: 'collections', queueId: null, from: secondsBefore(NOW, 3600), to: at(3600) }],
    });
    const { core, state } = world({ agents: [inside] });
    core.decidePhone(call('c1'), NOW);
    expect(state.contactByCallId('c1')!.explanation).toMatchObject({ skippedAgents: [{ agentId: 'lent', reason: 'lent-not-yet-widened' }] });
    expect(core.tick(at(74))).toMatchObject({ swept: 0 });
    expect(core.tick(at(75))).toMatchObject({ swept: 1 });
    expect(state.contactByCallId('c1')).toMatchObject({ status: 'offered', agentId: 'lent' });
    expect(state.contactByCallId('c1')!.explanation).toMatchObject({ step: { index: 3, name: 'agents lent from other departments' } });

    // A loan that ended an hour ago: the agent is in the pool (near), skipped as outside its window, never offered.
    const over = agentRecord('lent', { departmentId: 'billing', skills: { 'lang:fi': 5 }, loans: [{ departmentId: 'collections', queueId: null, from: secondsBefore(NOW, 7200), to: secondsBefore(NOW, 3600) }] });
    const w = world({ agents: [over] });
    w.core.decidePhone(call('c2'), NOW);
    expect(w.state.contactByCallId('c2')!.explanation).toMatchObject({ skippedAgents: [{ agentId: 'lent', reason: 'outside-loan-window' }] });
    expect(w.core.tick(at(200))).toMatchObject({ swept: 0 });
    expect(w.state.contactByCallId('c2')!.status).toBe('queued');
    // A loan of another day is not even in the pool.
    const far = agentRecord('lent', { departmentId: 'billing', skills: { 'lang:fi': 5 }, loans: [{ departmentId: 'collections', queueId: null, from: at(3 * 86400), to: at(4 * 86400) }] });
    const f = world({ agents: [far] });
    f.core.decidePhone(call('c3'), NOW);
    expect(f.state.contactByCallId('c3')!.explanation).toMatchObject({ skippedAgents: [], skippedCount: 0 });
  });

  it('a callback keeps its place: it is offered before a call that arrived after it', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { presence: presence('a1', { state: 'break', breakReason: 'lunch' }) })] });
    core.decidePhone(call('early'), NOW);
    core.requestCallback('early', at(20));
    core.decidePhone(call('late', { callerId: '+358409999999' }), at(30));
    expect(core.queuePosition('late', at(31))).toMatchObject({ decision: 'queue', position: 2 });
    core.setAgentState('a1', 'available', null, at(40));
    expect(state.contactByCallId('early')).toMatchObject({ status: 'offered', agentId: 'a1', kind: 'callback' });
    expect(state.contactByCallId('late')!.status).toBe('queued');
    expect(core.queuePosition('late', at(41))).toMatchObject({ decision: 'queue', position: 1, decisionId: state.contactByCallId('late')!.decisionId });
  });
});

describe('RoutingCore: agent state', () => {
  it('logs in an agent without presence from its configuration (no phone capacity without a SIP URI); errors as the engine', () => {
    const { core } = world({ agents: [agentRecord('a1', { presence: null, phoneUri: null, configuredCapacity: { phone: 1, chat: 2, email: 4 } })] });
    expect(thrown(() => core.setAgentState('ghost', 'available', null, NOW))).toMatchObject({ kind: 'not-found', code: 'agent.not_found' });
    expect(thrown(() => core.setAgentState('a1', 'break', null, NOW))).toMatchObject({ kind: 'unprocessable', violations: [{ field: 'reason', rule: 'required', message: 'reason is required for state break' }] });
    const p = core.setAgentState('a1', 'break', 'lunch', NOW);
    expect(p).toEqual({
      agentId: 'a1', state: 'break', breakReason: 'lunch', capacity: { phone: 0, chat: 2, email: 4 }, load: { phone: 0, chat: 0, email: 0 }, stateSince: NOW, idleSince: NOW, wrapUpUntil: null,
      pendingState: null, pendingReason: null,
    });
    const { changes } = core.takeChanges();
    expect(changes.presence.get('a1')?.isNew).toBe(true);
    expect(changes.agentStates).toEqual([]);
    core.setAgentState('a1', 'available', null, at(600));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'available', breakReason: null, stateSince: at(600), idleSince: at(600) });
    expect(core.takeChanges().changes.agentStates).toEqual([{ agentId: 'a1', state: 'break', startedAt: NOW, endedAt: at(600) }]);
  });

  it('offline with contacts in hand is pending (refused when deleting); available with work in hand is busy, with offers only reserved; capacity never below the load', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { configuredCapacity: { phone: 1, chat: 1, email: 1 } })] });
    const first = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r1', language: 'fi' }, NOW);
    core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r2', language: 'fi' }, NOW);
    expect(thrown(() => core.setAgentState('a1', 'offline', null, at(1), { atOnce: true }))).toMatchObject({ kind: 'conflict', code: 'agent.has_contacts' });
    expect(core.setAgentState('a1', 'offline', null, at(1))).toMatchObject({ state: 'reserved', pendingState: 'offline', pendingReason: null, load: { chat: 2 } });
    // Both chats are still offers: the agent stays reserved (not on a contact), its clocks untouched; the pending offline is cancelled.
    const idleSince = core.presenceOf('a1')!.idleSince;
    let p = core.setAgentState('a1', 'available', null, at(2));
    expect(p).toMatchObject({ state: 'reserved', stateSince: NOW, idleSince, capacity: { phone: 1, chat: 2, email: 1 }, load: { phone: 0, chat: 2, email: 0 }, pendingState: null });
    core.acceptOffer('a1', state.liveReservation(first.id)!.id, at(3));
    p = core.setAgentState('a1', 'available', null, at(4));
    expect(p).toMatchObject({ state: 'busy', stateSince: at(3), load: { phone: 0, chat: 2, email: 0 } });
  });

  it('an agent whose last accepted contact ends with offers still open is reserved, not busy', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { configuredCapacity: { phone: 0, chat: 2, email: 0 } })] });
    const first = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r1', language: 'fi' }, NOW);
    core.acceptOffer('a1', state.liveReservation(first.id)!.id, at(1));
    core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r2', language: 'fi' }, at(2));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'busy', load: { chat: 2 } });
    core.complete('a1', first.id, 0, at(5));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'reserved', stateSince: at(5), load: { chat: 1 } });
  });
});

describe('RoutingCore: agents reconfigured (PUT /v1/agents/{id})', () => {
  it('a chat capacity lowered from 3 to 1 while holding 2 chats: both kept, nothing new until under 1, the capacity coming down with the load', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    const held = [1, 2].map((i) => core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: `r${i}`, language: 'fi' }, at(i)));
    expect(held.map((c) => c.agentId)).toEqual(['a1', 'a1']);
    core.takeChanges();

    state.putAgentStatics({ ...state.agent('a1')!, configuredCapacity: { phone: 1, chat: 1, email: 5 } });
    core.reconfigureAgents(['a1'], at(3));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'reserved', capacity: { phone: 1, chat: 2, email: 5 }, load: { chat: 2 } });
    const { changes, signals } = core.takeChanges();
    expect(changes.presence.get('a1')).toEqual({ isNew: false, row: core.presenceOf('a1') });
    expect(changes.agentStates).toEqual([]);
    expect(signals).toEqual(['agent:a1']);

    const third = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r3', language: 'fi' }, at(4));
    expect(third).toMatchObject({ status: 'queued', agentId: null });
    expect(third.explanation).toMatchObject({ skippedAgents: [{ agentId: 'a1', reason: 'no-capacity', detail: 'chat load 2/2' }] });

    core.acceptOffer('a1', state.liveReservation(held[0].id)!.id, at(5));
    core.complete('a1', held[0].id, 0, at(6));
    expect(core.presenceOf('a1')).toMatchObject({ capacity: { chat: 1 }, load: { chat: 1 } });
    expect(state.contact(third.id)).toMatchObject({ status: 'queued', agentId: null });

    core.rejectOffer('a1', state.liveReservation(held[1].id)!.id, at(7));
    // Rejected: not-responding, so the released chat's room is not offered yet; back available, it is.
    expect(core.presenceOf('a1')).toMatchObject({ state: 'not-responding', capacity: { chat: 1 }, load: { chat: 0 } });
    core.setAgentState('a1', 'available', null, at(8));
    expect(core.presenceOf('a1')).toMatchObject({ capacity: { chat: 1 }, load: { chat: 1 } });
    expect(state.liveReservationsOf('a1').map((r) => r.contactId)).toHaveLength(1);
  });

  it('a raised capacity, or an agent active again, is offered waiting work at once; an unchanged one changes nothing', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { configuredCapacity: { phone: 1, chat: 1, email: 5 }, presence: presence('a1', { capacity: { phone: 1, chat: 1, email: 5 } }) })] });
    const [first, second] = [1, 2].map((i) => core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: `r${i}`, language: 'fi' }, at(i)));
    expect([first.status, second.status]).toEqual(['offered', 'queued']);
    core.takeChanges();
    core.reconfigureAgents(['a1', 'ghost'], at(3));
    expect(core.takeChanges().changes.presence.size).toBe(0);

    state.putAgentStatics({ ...state.agent('a1')!, configuredCapacity: { phone: 1, chat: 2, email: 5 } });
    core.reconfigureAgents(['a1'], at(4));
    expect(state.contact(second.id)).toMatchObject({ status: 'offered', agentId: 'a1' });
    expect(core.presenceOf('a1')).toMatchObject({ capacity: { chat: 2 }, load: { chat: 2 } });
  });

  it('a deactivated agent keeps its contacts, is offered nothing when one ends, and may only go offline', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    const held = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r1', language: 'fi' }, NOW);
    core.acceptOffer('a1', state.liveReservation(held.id)!.id, at(1));
    state.putAgentStatics({ ...state.agent('a1')!, active: false });
    core.reconfigureAgents(['a1'], at(2));
    for (const [to, reason] of [['available', null], ['break', 'lunch']] as const) {
      expect(thrown(() => core.setAgentState('a1', to, reason, at(3)))).toMatchObject({ kind: 'conflict', code: 'agent.inactive', message: expect.stringContaining('deactivated') });
    }
    const waiting = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'r2', language: 'fi' }, at(4));
    expect(waiting.status).toBe('queued');
    core.complete('a1', held.id, 0, at(5));
    expect(state.contact(waiting.id)).toMatchObject({ status: 'queued', agentId: null });
    expect(core.setAgentState('a1', 'offline', null, at(6))).toMatchObject({ state: 'offline' });

    state.putAgentStatics({ ...state.agent('a1')!, active: true });
    core.setAgentState('a1', 'available', null, at(7));
    expect(state.contact(waiting.id)).toMatchObject({ status: 'offered', agentId: 'a1' });
  });
});

describe('RoutingCore: atomicity and change sets', () => {
  it('an operation that throws half-way leaves every record and the recorded changes as they were', () => {
    const { core, state, catalog } = world({ agents: [agentRecord('a1', { idleFor: 300 }), agentRecord('a2', { idleFor: 10 })] });
    const chat = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'ref-1', language: 'fi' }, NOW);
    const r = state.liveReservation(chat.id)!;
    core.acceptOffer('a1', r.id, at(1));
    core.takeChanges();
    const before = { contact: state.contact(chat.id), reservation: state.reservation(r.id), a1: state.agent('a1'), a2: state.agent('a2') };
    // The contact's queue vanished from the catalog: the transfer fails after reserving a2 and releasing a1.
    catalog.queues.delete('q-chat');
    expect(thrown(() => core.transfer('a1', chat.id, { agentId: 'a2' }, at(5)))).toMatchObject({ kind: 'not-found', code: 'queue.not_found' });
    expect(state.contact(chat.id)).toBe(before.contact);
    expect(state.reservation(r.id)).toBe(before.reservation);
    expect(state.agent('a1')).toBe(before.a1);
    expect(state.agent('a2')).toBe(before.a2);
    expect(state.liveReservation(chat.id)).toBe(before.reservation);
    expect(state.liveReservationsOf('a2')).toEqual([]);
    const { changes, signals } = core.takeChanges();
    expect([changes.contacts.size, changes.reservations.size, changes.presence.size, changes.events.length, changes.agentStates.length, signals.length]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('a failed decision undoes the customer it created and its waiting-list entry', () => {
    const { core, state, catalog } = world({ agents: [] });
    // A calendar that throws on the business-time deadline: the decision fails after the customer was made.
    const broken = coreQueue('q-phone', {});
    catalog.queues.set('q-phone', { ...broken, policy: { ...broken.policy, serviceTarget: { percent: 90, seconds: 30, basis: 'business' } }, calendar: { ...broken.calendar, isOpen: () => true, addBusinessSeconds: () => { throw new RangeError('calendar broken'); }, businessSecondsBetween: () => 0 } });
    expect(() => core.decidePhone(call('c1'), NOW)).toThrow('calendar broken');
    expect(state.customerByPhone('+358401234567')).toBeUndefined();
    expect(state.contactByCallId('c1')).toBeUndefined();
    expect(state.waiting('q-phone')).toEqual([]);
    expect(core.takeChanges().changes.customers.size).toBe(0);
  });

  it('takeChanges merges one take: a row inserted then updated is one insert of its last version; the next take updates', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    const chat = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'ref-1', language: 'fi' }, NOW);
    const r = state.liveReservation(chat.id)!;
    core.acceptOffer('a1', r.id, at(1));
    let { changes } = core.takeChanges();
    expect(changes.contacts.size).toBe(1);
    expect(changes.contacts.get(chat.id)).toEqual({ isNew: true, row: state.contact(chat.id) });
    expect(changes.contacts.get(chat.id)!.row.status).toBe('connected');
    expect(changes.reservations.get(r.id)).toMatchObject({ isNew: true, row: { status: 'accepted' } });
    expect(changes.customers.get(chat.customerId!)).toMatchObject({ isNew: true, row: { lastAgentId: 'a1', lastContactAt: at(1) } });
    expect(changes.events.map((e) => e.type)).toEqual(['queued', 'reserved', 'offered', 'accepted']);
    // available → reserved at NOW, reserved → busy at 1 s: two spans.
    expect(changes.agentStates).toEqual([
      { agentId: 'a1', state: 'available', startedAt: secondsBefore(NOW, 600), endedAt: NOW },
      { agentId: 'a1', state: 'reserved', startedAt: NOW, endedAt: at(1) },
    ]);

    core.complete('a1', chat.id, undefined, at(61));
    ({ changes } = core.takeChanges());
    expect(changes.contacts.get(chat.id)).toMatchObject({ isNew: false, row: { status: 'ended' } });
    expect(changes.presence.get('a1')).toMatchObject({ isNew: false, row: { state: 'wrap-up', wrapUpUntil: at(91) } });
    expect(changes.agentStates).toEqual([{ agentId: 'a1', state: 'busy', startedAt: at(1), endedAt: at(61) }]);
    // Rows handed out are versions: later changes do not alter them.
    const handed = changes.presence.get('a1')!.row;
    core.tick(at(91));
    expect(handed.state).toBe('wrap-up');
    expect(core.presenceOf('a1')?.state).toBe('available');
  });
});

describe('RoutingState', () => {
  it('rebuilds the indexes from a snapshot; prune forgets finished contacts but keeps their call decisions', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    const d = core.decidePhone(call('c1'), NOW);
    core.decidePhone(call('c2', { callerId: '+358409999999' }), at(1));
    core.telephonyEvent(telephony('answered', 'c1'), at(2));
    core.takeChanges();

    const again = RoutingState.from({
      agents: [...state.agents()],
      contacts: [state.contactByCallId('c1')!, state.contactByCallId('c2')!],
      reservations: [state.reservation(d.decisionId)!],
      customers: [state.customerByPhone('+358401234567')!, state.customerByPhone('+358409999999')!],
    });
    expect(again.liveReservation(state.contactByCallId('c1')!.id)?.id).toBe(d.decisionId);
    expect(again.liveReservationsOf('a1').map((r) => r.id)).toEqual([d.decisionId]);
    expect(again.waiting('q-phone').map((c) => c.callId)).toEqual(['c2']);
    expect(again.contactByCallId('c2')?.id).toBe(state.contactByCallId('c2')!.id);

    core.telephonyEvent(telephony('ended', 'c1'), at(60));
    core.takeChanges();
    expect(state.prune(at(60 + 600), 600_000)).toBe(0);
    expect(state.prune(at(60 + 601), 600_000)).toBe(1);
    expect(state.contactByCallId('c1')).toBeUndefined();
    expect(state.reservation(d.decisionId)).toBeUndefined();
    // A retried decision and a late event are answered as the tables would, and change nothing.
    expect(core.decidePhone(call('c1'), at(700))).toEqual(d);
    expect(core.telephonyEvent(telephony('ended', 'c1'), at(700))).toEqual({ applied: false, detail: 'contact is ended' });
    expect(core.currentDecision('c1', at(700))).toEqual({ decisionId: d.decisionId, decision: 'reject', sipCode: 487, reason: 'contact-ended' });
    expect(core.takeChanges().changes.contacts.size).toBe(0);
  });

  it('prune walks finished contacts oldest first, stops at the first it keeps, and past maxFinished forgets the oldest whatever their age', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    for (const [i, callId] of ['c1', 'c2', 'c3'].entries()) {
      core.decidePhone(call(callId), at(i * 100));
      core.telephonyEvent(telephony('abandoned', callId), at(i * 100 + 20));
    }
    const written = [...core.takeChanges().changes.reservations.values()].map((w) => w.row);
    expect(state.finishedCount).toBe(3);
    const c1Reservations = written.filter((r) => r.contactId === state.contactByCallId('c1')!.id).map((r) => r.id);
    expect(c1Reservations.length).toBe(1);
    expect(state.reservation(c1Reservations[0])).toMatchObject({ status: expect.not.stringMatching(/^(offered|accepted)$/) });

    // Over the cap of two: the oldest goes, young as it is; its resolved reservations go with it; its call keeps its answer.
    expect(state.prune(at(300), 600_000, 2)).toBe(1);
    expect(state.contactByCallId('c1')).toBeUndefined();
    for (const id of c1Reservations) expect(state.reservation(id)).toBeUndefined();
    expect(state.finishedCall('c1')).toMatchObject({ status: 'abandoned' });
    expect(state.finishedCount).toBe(2);

    // By age: c2 ended at 120 s, c3 at 220 s.
    expect(state.prune(at(120 + 600), 600_000)).toBe(0);
    expect(state.prune(at(121 + 600), 600_000)).toBe(1);
    expect(state.contactByCallId('c2')).toBeUndefined();
    expect(state.contactByCallId('c3')).toBeDefined();

    // A state loaded from a snapshot listing its contacts newest first still forgets the oldest first.
    const { core: core2, state: s2 } = world({ agents: [agentRecord('a1')] });
    for (const [i, callId] of ['d1', 'd2'].entries()) {
      core2.decidePhone(call(callId), at(i * 100));
      core2.telephonyEvent(telephony('abandoned', callId), at(i * 100 + 20));
    }
    const written2 = [...core2.takeChanges().changes.reservations.values()].map((w) => w.row);
    const loaded = RoutingState.from({ agents: [...s2.agents()], contacts: [s2.contactByCallId('d2')!, s2.contactByCallId('d1')!], reservations: written2.map((r) => s2.reservation(r.id)!), customers: [] });
    expect(loaded.prune(at(200), 600_000, 1)).toBe(1);
    expect(loaded.contactByCallId('d1')).toBeUndefined();
    expect(loaded.contactByCallId('d2')).toBeDefined();
  });

  it('pruneCustomers forgets customers no contact in memory refers to, keeping those put or added since its last run', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    core.decidePhone(call('c1'), NOW);
    core.telephonyEvent(telephony('answered', 'c1'), at(2));
    core.telephonyEvent(telephony('ended', 'c1'), at(60));
    core.takeChanges();
    const caller = state.customerByPhone('+358401234567')!;
    expect(caller).toMatchObject({ lastAgentId: 'a1', lastContactAt: at(2) });

    // Everything was put since the (first) previous run; then the call's contact, still in memory, keeps its customer.
    expect(state.pruneCustomers()).toBe(0);
    expect(state.pruneCustomers()).toBe(0);
    expect(state.customer(caller.id)).toBe(caller);

    // A customer the adapter has just read from the table survives the run right after, whatever refers to it.
    const read = { id: 'cu-read', phoneNumber: '+358405555555', externalRef: null, lastAgentId: null, lastContactAt: null };
    state.addCustomer(read);
    expect(state.prune(at(60 + 601), 600_000)).toBe(1);
    expect(state.pruneCustomers()).toBe(1);
    expect(state.customer(caller.id)).toBeUndefined();
    expect(state.customerByPhone('+358401234567')).toBeUndefined();
    expect(state.customerByPhone('+358405555555')).toBe(read);
    expect(state.pruneCustomers()).toBe(1);
    expect(state.customerByRef('cu-read')).toBeUndefined();
    expect(state.customerByPhone('+358405555555')).toBeUndefined();

    // Read back from the table at the caller's next call: the same customer, and its last agent is preferred.
    state.addCustomer(caller);
    core.decidePhone(call('c2'), at(700));
    expect(state.contactByCallId('c2')).toMatchObject({ customerId: caller.id, previousAgentId: 'a1' });
    expect(core.takeChanges().changes.customers.size).toBe(0);
  });

  it('keeps the static data of an agent apart from its presence, and mirrors a deleted agent', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    core.decidePhone(call('c1'), NOW);
    const p = state.agent('a1')!.presence;
    const { presence: _p, ...statics } = agentRecord('a1', { skills: { 'lang:fi': 1 }, departmentId: 'billing' });
    state.putAgentStatics(statics);
    expect(state.agent('a1')).toMatchObject({ departmentId: 'billing', skills: { 'lang:fi': 1 } });
    expect(state.agent('a1')!.presence).toBe(p);
    expect([...state.agentsOfDepartment('collections')]).toEqual([]);
    state.removeAgent('a1');
    expect(state.agent('a1')).toBeUndefined();
    expect(state.contactByCallId('c1')).toMatchObject({ agentId: null, status: 'offered' });
    expect(state.liveReservation(state.contactByCallId('c1')!.id)).toBeUndefined();
  });
});

