import { RoutingState } from './routing-state.js';
import { agentRecord, at, NOW } from './core-fixtures.js';
import type { ContactRecord, ReservationRecord } from './types.js';

function contact(id: string, over: Partial<ContactRecord> = {}): ContactRecord {
  return {
    id, channel: 'chat', kind: 'inbound', status: 'offered', queueId: 'q-chat', callId: null, decisionId: `d-${id}`, decision: null, customerId: null,
    customerRef: null, callerName: null, calledNumber: null, language: 'fi', subject: null, arrivedAt: NOW, deadline: at(60), priorityBoostSeconds: 0,
    previousAgentId: null, excludedAgentIds: [], offerAttempts: 1, agentId: 'a1', answeredAt: null, endedAt: null, endReason: null, explanation: null, createdAt: NOW,
    ...over,
  };
}

function reservation(id: string, contactId: string, over: Partial<ReservationRecord> = {}): ReservationRecord {
  return { id, contactId, agentId: 'a1', channel: 'chat', status: 'offered', offeredAt: NOW, expiresAt: at(20), resolvedAt: null, ...over };
}

describe('RoutingState: an agent\'s live reservations', () => {
  it('lists the offered and accepted ones of that agent in offer order, and follows their changes', () => {
    const state = RoutingState.from({
      agents: [agentRecord('a1'), agentRecord('a2')],
      customers: [],
      contacts: ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => contact(id)),
      reservations: [
        reservation('r-late', 'c1', { offeredAt: at(5) }),
        reservation('r-accepted', 'c2', { status: 'accepted', offeredAt: at(-30) }),
        reservation('r-done', 'c3', { status: 'completed', offeredAt: at(-60), resolvedAt: at(-10) }),
        reservation('r-other', 'c4', { agentId: 'a2' }),
        reservation('r-early', 'c5', { offeredAt: at(-5) }),
      ],
    });
    expect(state.liveReservationsOf('a1').map((r) => r.id)).toEqual(['r-accepted', 'r-early', 'r-late']);
    expect(state.liveReservationsOf('a2').map((r) => r.id)).toEqual(['r-other']);
    expect(state.liveReservationsOf('nobody')).toEqual([]);

    state.putReservation({ ...state.reservation('r-early')!, status: 'rejected', resolvedAt: at(6) });
    state.putReservation(reservation('r-new', 'c3', { offeredAt: at(-40) }));
    expect(state.liveReservationsOf('a1').map((r) => r.id)).toEqual(['r-new', 'r-accepted', 'r-late']);
  });
});

describe('RoutingState: erasing a customer\'s personal data', () => {
  it("blanks the name, reference and subject of that customer's contacts only, and keeps the indexes", () => {
    const erased = contact('c1', { customerId: 'cu1', customerRef: 'web-1', callerName: 'Maija', subject: 'Invoice' });
    const queued = contact('c2', { customerId: 'cu1', status: 'queued', agentId: null, customerRef: 'web-1', subject: 'Again' });
    const other = contact('c3', { customerId: 'cu2', customerRef: 'web-2', callerName: 'Matti', subject: 'Other' });
    const anonymous = contact('c4', { customerRef: 'web-3', subject: 'No customer' });
    const state = RoutingState.from({ agents: [agentRecord('a1')], customers: [], contacts: [erased, queued, other, anonymous], reservations: [reservation('r1', 'c1')] });

    expect(state.erasePersonalDataOf(['cu1'])).toBe(2);
    expect(state.contact('c1')).toEqual({ ...erased, customerRef: null, callerName: null, subject: null });
    expect(state.contact('c2')).toEqual({ ...queued, customerRef: null, callerName: null, subject: null });
    expect(state.contact('c3')).toBe(other);
    expect(state.contact('c4')).toBe(anonymous);
    // Still waiting in its queue and still the live reservation's contact.
    expect(state.waiting('q-chat').map((c) => c.id)).toEqual(['c2']);
    expect(state.liveReservation('c1')?.id).toBe('r1');
    // Nothing left to blank.
    expect(state.erasePersonalDataOf(['cu1'])).toBe(0);
    expect(state.erasePersonalDataOf([])).toBe(0);
  });
});
