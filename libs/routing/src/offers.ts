/**
 * Offers (reservations): a contact is reserved for one agent until the agent accepts, rejects or
 * the offer times out. Pure functions return the new agent and contact values; the caller stores
 * them (atomically, in the live engine).
 *
 * - accepted (before expiry): the reservation becomes the active contact; agent state 'busy'.
 * - rejected: the reservation is released; the contact goes back to its queue with its original
 *   arrivedAt (so it keeps its place) and this agent excluded from it; the agent keeps working.
 * - timeout (or an accept arriving at/after expiry): as rejected, and the agent becomes
 *   'not-responding', so it gets nothing until it declares itself available again.
 * An excluded agent is offered the contact again only once it is past its service target and no
 * other agent can take it (routing-policy.ts, declinedMayRetry).
 */
import type { Agent, Channel, Contact, RoutingContext } from './model.js';
import { resolveConfig } from './model.js';
import { withReservation } from './routing-policy.js';

export interface Offer {
  contactId: string;
  agentId: string;
  queueId: string;
  channel: Channel;
  offeredAt: Date;
  expiresAt: Date;
}

export type OfferEvent = 'accepted' | 'rejected' | 'timeout';

export interface OfferOutcome {
  /** What actually happened (an accept after expiry counts as a timeout). */
  result: OfferEvent;
  agent: Agent;
  contact: Contact;
  /** True when the contact must be routed again (it is back in its queue). */
  requeue: boolean;
  explanation: string;
}

export function offerTimeoutSeconds(channel: Channel, ctx?: RoutingContext): number {
  return resolveConfig(ctx).offerTimeoutSeconds[channel];
}

/** Reserves `contact` for `agent`: returns the offer and the agent with the reservation in its load. */
export function makeOffer(contact: Contact, agent: Agent, now: Date, ctx?: RoutingContext): { offer: Offer; agent: Agent; contact: Contact } {
  const timeout = offerTimeoutSeconds(contact.channel, ctx);
  return {
    offer: {
      contactId: contact.id,
      agentId: agent.id,
      queueId: contact.queueId,
      channel: contact.channel,
      offeredAt: now,
      expiresAt: new Date(now.getTime() + timeout * 1000),
    },
    agent: withReservation(agent, contact.channel),
    contact: { ...contact, offerAttempts: (contact.offerAttempts ?? 0) + 1 },
  };
}

export function isOfferExpired(offer: Offer, now: Date): boolean {
  return now.getTime() >= offer.expiresAt.getTime();
}

/** Offers whose timeout has passed at `now` (to be resolved as 'timeout'). */
export function expiredOffers(offers: readonly Offer[], now: Date): Offer[] {
  return offers.filter((o) => isOfferExpired(o, now));
}

function release(agent: Agent, channel: Channel): Agent {
  const load = { ...agent.load, [channel]: Math.max(0, agent.load[channel] - 1) };
  const inHand = load.phone + load.chat + load.email;
  const state = agent.state === 'reserved' ? (inHand > 0 ? 'busy' : 'available') : agent.state;
  return { ...agent, load, state };
}

function backToQueue(contact: Contact, agentId: string): Contact {
  const excluded = contact.excludedAgentIds ?? [];
  return { ...contact, excludedAgentIds: excluded.includes(agentId) ? excluded : [...excluded, agentId] };
}

/** Decides the effect of an agent's answer (or silence) to an offer. */
export function resolveOffer(offer: Offer, event: OfferEvent, agent: Agent, contact: Contact, now: Date): OfferOutcome {
  if (agent.id !== offer.agentId) throw new RangeError(`agent ${agent.id} is not the one offered contact ${offer.contactId}`);
  if (contact.id !== offer.contactId) throw new RangeError(`contact ${contact.id} is not the one in the offer`);
  const result: OfferEvent = event === 'accepted' && isOfferExpired(offer, now) ? 'timeout' : event;
  if (result === 'accepted') {
    return {
      result,
      agent: { ...agent, state: 'busy' },
      contact,
      requeue: false,
      explanation: `agent ${agent.id} accepted contact ${contact.id}`,
    };
  }
  if (result === 'rejected') {
    return {
      result,
      agent: release(agent, offer.channel),
      contact: backToQueue(contact, agent.id),
      requeue: true,
      explanation: `agent ${agent.id} rejected contact ${contact.id}; contact back in queue ${contact.queueId} keeping its place, agent excluded from it`,
    };
  }
  const released = release(agent, offer.channel);
  return {
    result,
    agent: { ...released, state: 'not-responding' },
    contact: backToQueue(contact, agent.id),
    requeue: true,
    explanation:
      `agent ${agent.id} did not answer the offer of contact ${contact.id} within its timeout` +
      `${event === 'accepted' ? ' (accepted too late)' : ''}; agent not-responding, contact back in queue keeping its place`,
  };
}
