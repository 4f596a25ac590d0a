import { expiredOffers, isOfferExpired, makeOffer, resolveOffer, selectAgentForContact } from './index.js';
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
});
