import { agentRecord, at, coreQueue, NOW, thrown, world } from './core-fixtures.js';

/**
 * An agent who let an offer time out is not-responding, and may still hold other offers (a second
 * chat offered before the first timed out). Going offline then withdraws those offers without
 * blame — the contact back in its queue keeping its place, not excluded from the agent — and routes
 * them again; only a contact accepted (in hand) keeps the agent from logging out (409
 * agent.has_contacts). A break keeps the offers out: the agent is still at the desk.
 */
const queues = () => [coreQueue('q-chat', { channel: 'chat', language: null, settings: { wrapUpSeconds: 0, offerTimeoutSeconds: 20 } })];
const chat = (ref: string) => ({ channel: 'chat' as const, queueId: 'q-chat', customerRef: ref, language: 'fi' });

function notRespondingWithAnOfferOut() {
  const w = world({ agents: [agentRecord('a1'), agentRecord('a2', { presence: null })], queues: queues() });
  const first = w.core.createContact(chat('r1'), NOW);
  const second = w.core.createContact(chat('r2'), at(5));
  expect([first, second].map((c) => c.agentId)).toEqual(['a1', 'a1']);
  // The first offer times out: a1 not-responding, the second chat still offered to it.
  w.core.tick(at(21));
  expect(w.core.presenceOf('a1')).toMatchObject({ state: 'not-responding', load: { chat: 1 } });
  expect(w.state.contact(second.id)).toMatchObject({ status: 'offered', agentId: 'a1' });
  w.core.takeChanges();
  return { ...w, first, second };
}

describe('RoutingCore: offline with offers out', () => {
  it('withdraws the offer without blame, logs the agent out and offers the contact to the next agent', () => {
    const { core, state, second } = notRespondingWithAnOfferOut();
    const offer = state.liveReservation(second.id)!;
    const p = core.setAgentState('a1', 'offline', null, at(22));
    expect(p).toMatchObject({ state: 'offline', load: { phone: 0, chat: 0, email: 0 }, pendingState: null });
    expect(state.reservation(offer.id)).toMatchObject({ status: 'cancelled', resolvedAt: at(22) });
    expect(state.contact(second.id)).toMatchObject({ status: 'queued', agentId: null, arrivedAt: at(5), excludedAgentIds: [] });
    const taken = core.takeChanges();
    expect(taken.changes.events.filter((e) => e.contactId === second.id).map((e) => [e.type, e.agentId, e.reservationId, e.detail])).toEqual([
      ['requeued', 'a1', offer.id, { why: 'offer withdrawn: agent a1 went offline', keepsArrivedAt: at(5).toISOString() }],
    ]);
    // The next agent to log in gets both chats, the withdrawn one after the older one.
    core.setAgentState('a2', 'available', null, at(30));
    expect(state.liveReservationsOf('a2').map((r) => r.contactId)).toHaveLength(2);
  });

  it('refuses to log out an agent with a contact in hand, saying offers would not stop it, and changes nothing', () => {
    const { core, state, first } = notRespondingWithAnOfferOut();
    // a1 is back, takes the first chat again, then lets a third offer time out: not-responding with a chat in hand.
    core.setAgentState('a1', 'available', null, at(23));
    const held = state.liveReservationsOf('a1').find((r) => r.contactId !== first.id)!;
    core.acceptOffer('a1', held.id, at(24));
    const third = core.createContact(chat('r3'), at(30));
    expect(third).toMatchObject({ status: 'offered', agentId: 'a1' });
    core.tick(at(51));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'not-responding', load: { chat: 1 } });
    core.takeChanges();
    const err = thrown(() => core.setAgentState('a1', 'offline', null, at(61)));
    expect(err).toMatchObject({ kind: 'conflict', code: 'agent.has_contacts' });
    expect(err.message).toBe('agent a1 still has 1 contact(s) in hand; finish them first (offers not yet accepted do not stop it going offline: they are withdrawn)');
    expect(core.presenceOf('a1')).toMatchObject({ state: 'not-responding' });
    expect(core.takeChanges().changes.events).toEqual([]);
  });

  it('a break keeps the offer out; logging out from the break withdraws it', () => {
    const { core, state, second } = notRespondingWithAnOfferOut();
    core.setAgentState('a1', 'break', 'lunch', at(22));
    expect(core.presenceOf('a1')).toMatchObject({ state: 'break', load: { chat: 1 } });
    expect(state.contact(second.id)).toMatchObject({ status: 'offered', agentId: 'a1' });
    // Logging out from the break withdraws it, as from not-responding.
    core.setAgentState('a1', 'offline', null, at(23));
    expect(state.contact(second.id)).toMatchObject({ status: 'queued', agentId: null });
    expect(core.presenceOf('a1')).toMatchObject({ state: 'offline', load: { chat: 0 } });
  });

  it('deleting the agent (atOnce) is still refused while any offer is out', () => {
    const { core } = notRespondingWithAnOfferOut();
    expect(thrown(() => core.setAgentState('a1', 'offline', null, at(22), { atOnce: true }))).toMatchObject({ code: 'agent.has_contacts' });
  });
});
