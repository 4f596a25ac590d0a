import { assignBatch, expiredOffers, isOfferExpired, makeOffer, resolveOffer, selectAgentForContact, selectContactForAgent } from './index.js';
import { NOW, agent, contact, queue } from './spec-fixtures.js';

const phone = queue('q-phone', { channel: 'phone' });
const chat = queue('q-chat', { channel: 'chat' });
const at = (s: number) => new Date(NOW.getTime() + s * 1000);

describe('offers and reservations', () => {
  it('a phone offer expires after 10 s by default and reserves the agent', () => {
    const { offer, agent: reserved, contact: offered } = makeOffer(contact('p1', phone, 3), agent('a1'), NOW);
    expect(offer.expiresAt).toEqual(at(10));
    expect(reserved.state).toBe('reserved');
    expect(reserved.load.phone).toBe(1);
    expect(offered.offerAttempts).toBe(1);
    expect(isOfferExpired(offer, at(9.999))).toBe(false);
    expect(isOfferExpired(offer, at(10))).toBe(true);
  });

  it('the timeout is configurable per channel', () => {
    const { offer } = makeOffer(contact('c1', chat, 0), agent('a1'), NOW, { config: { offerTimeoutSeconds: { phone: 10, chat: 45, email: 60 } } });
    expect(offer.expiresAt).toEqual(at(45));
  });

  it('a reserved phone agent is not offered a chat meanwhile', () => {
    const { agent: reserved } = makeOffer(contact('p1', phone, 0), agent('a1'), NOW);
    expect(selectAgentForContact(contact('c1', chat, 0), chat, [reserved], NOW).agentId).toBeNull();
  });

  it('accepting makes the agent busy and keeps the contact', () => {
    const made = makeOffer(contact('p1', phone, 3), agent('a1'), NOW);
    const out = resolveOffer(made.offer, 'accepted', made.agent, made.contact, at(4));
    expect(out.result).toBe('accepted');
    expect(out.requeue).toBe(false);
    expect(out.agent).toMatchObject({ state: 'busy', load: { phone: 1, chat: 0, email: 0 } });
  });

  it('on reject the contact goes back keeping its place and the agent is excluded from it', () => {
    const original = contact('p1', phone, 3);
    const made = makeOffer(original, agent('a1'), NOW);
    const out = resolveOffer(made.offer, 'rejected', made.agent, made.contact, at(2));
    expect(out.requeue).toBe(true);
    expect(out.contact.arrivedAt).toEqual(original.arrivedAt);
    expect(out.contact.excludedAgentIds).toEqual(['a1']);
    expect(out.agent).toMatchObject({ state: 'available', load: { phone: 0, chat: 0, email: 0 } });
    const again = selectAgentForContact(out.contact, phone, [out.agent, agent('a2')], at(2));
    expect(again.agentId).toBe('a2');
    expect(again.explanation.skippedAgents).toContainEqual(expect.objectContaining({ agentId: 'a1', reason: 'excluded' }));
  });

  it('on timeout the agent becomes not-responding and gets nothing more', () => {
    const made = makeOffer(contact('p1', phone, 3), agent('a1'), NOW);
    expect(expiredOffers([made.offer], at(10))).toEqual([made.offer]);
    const out = resolveOffer(made.offer, 'timeout', made.agent, made.contact, at(10));
    expect(out.agent).toMatchObject({ state: 'not-responding', load: { phone: 0, chat: 0, email: 0 } });
    expect(out.contact.excludedAgentIds).toEqual(['a1']);
    expect(selectAgentForContact(contact('p2', phone, 0), phone, [out.agent], at(10)).explanation.skippedAgents[0]).toMatchObject({
      reason: 'wrong-state',
      detail: 'state not-responding',
    });
  });

  it('an accept arriving after the timeout counts as a timeout', () => {
    const made = makeOffer(contact('p1', phone, 3), agent('a1'), NOW);
    const out = resolveOffer(made.offer, 'accepted', made.agent, made.contact, at(11));
    expect(out.result).toBe('timeout');
    expect(out.explanation).toContain('accepted too late');
  });

  it('releasing one chat reservation leaves a busy agent busy', () => {
    const chatting = agent('a1', { state: 'busy', load: { phone: 0, chat: 1, email: 0 } });
    const made = makeOffer(contact('c2', chat, 0), chatting, NOW);
    expect(made.agent.state).toBe('busy');
    const out = resolveOffer(made.offer, 'rejected', made.agent, made.contact, at(1));
    expect(out.agent).toMatchObject({ state: 'busy', load: { chat: 1 } });
  });

  it('refuses to resolve an offer with the wrong agent', () => {
    const made = makeOffer(contact('p1', phone, 3), agent('a1'), NOW);
    expect(() => resolveOffer(made.offer, 'accepted', agent('a2'), made.contact, at(1))).toThrow(RangeError);
  });

  describe('agents who turned a contact down', () => {
    const declinedBy = (waited: number, ...ids: string[]) => contact('p9', phone, waited, { excludedAgentIds: ids });

    it('are skipped while the contact is within its target, even when nobody else is free', () => {
      const sel = selectAgentForContact(declinedBy(20, 'a1', 'a2'), phone, [agent('a1'), agent('a2')], NOW);
      expect(sel.agentId).toBeNull();
      expect(sel.explanation.skippedByReason).toEqual({ excluded: 2 });
      expect(selectContactForAgent(agent('a1'), [declinedBy(20, 'a1')], [phone], NOW).contactId).toBeNull();
    });

    it('are offered it again once it is past its target and no other agent can take it: the one who turned it down longest ago first', () => {
      const sel = selectAgentForContact(declinedBy(45, 'a2', 'a1'), phone, [agent('a1'), agent('a2')], NOW);
      expect(sel).toMatchObject({ agentId: 'a2', rule: 'declined-before' });
      expect(sel.explanation.summary).toMatch(/offered again to the agent who turned it down longest ago/);
      const [assigned] = assignBatch([declinedBy(45, 'a2', 'a1')], [agent('a1'), agent('a2')], [phone], NOW);
      expect(assigned).toMatchObject({ agentId: 'a2', rule: 'declined-before' });
      const taken = selectContactForAgent(agent('a1'), [declinedBy(45, 'a1')], [phone], NOW);
      expect(taken.contactId).toBe('p9');
      expect(taken.explanation.summary).toMatch(/turned it down before/);
    });

    it('an agent-side pick of a contact it turned down is explained as declined-before, not listing that contact as skipped', () => {
      // A more urgent contact it cannot take (Swedish) is still named; the one it took is not.
      const sv = queue('q-sv', { language: 'sv' });
      const swedish = contact('s1', sv, 50);
      const taken = selectContactForAgent(agent('a1'), [declinedBy(45, 'a1'), swedish], [phone, sv], NOW);
      expect(taken).toMatchObject({ contactId: 'p9', explanation: { rule: 'declined-before' } });
      expect(taken.explanation.skippedContacts).toEqual([expect.objectContaining({ contactId: 's1', reason: 'missing-skill' })]);
      // A contact taken without a decline keeps the rule highest-priority.
      expect(selectContactForAgent(agent('a1'), [contact('p8', phone, 5)], [phone], NOW).explanation.rule).toBe('highest-priority');
    });

    it('still come after any other agent who can take it, and only when they could take it otherwise', () => {
      expect(selectAgentForContact(declinedBy(45, 'a1'), phone, [agent('a1'), agent('a3')], NOW).agentId).toBe('a3');
      expect(selectAgentForContact(declinedBy(45, 'a1'), phone, [agent('a1', { state: 'not-responding' })], NOW).agentId).toBeNull();
      expect(selectAgentForContact(declinedBy(45, 'a1'), phone, [agent('a1', { skills: { 'lang:sv': 5, 'topic:payments': 4 } })], NOW).agentId).toBeNull();
      // an agent takes a contact it did not turn down before one it did
      const fresh = contact('p8', phone, 5);
      expect(selectContactForAgent(agent('a1'), [declinedBy(45, 'a1'), fresh], [phone], NOW).contactId).toBe('p8');
    });
  });
});
