/**
 * The routing core: the live routing engine's state machine (apps/api/src/routing/routing-engine.ts
 * with the SQL of routing.repository.ts) over the in-memory RoutingState instead of PostgreSQL.
 * Synchronous and framework-free; the clock is each method's `now`. Decisions are the policy's
 * (libs/routing), made on the same facts the engine loads, and every state transition is the one
 * the engine's statements make, so contacts, reservations, presence, timelines and explanations
 * come out as the engine stores them.
 *
 * Each public method is one atomic operation: it either returns, with its row changes, timeline
 * events, agent state spans and wake-up keys recorded for `takeChanges()`, or throws having changed
 * nothing (RoutingState's undo journal puts back every replaced version). The one exception is the
 * engine's own: an agent accepting an offer that has expired gets conflict `offer.expired` AFTER the
 * expiry was applied (the engine commits it, then throws) — takeChanges() then holds it.
 *
 * There are no races in memory: the engine's lost-race paths (SKIP LOCKED reservations falling
 * through to the next ranked agent, `lostRaces`, `reservedInstead`, stale statements run again)
 * never happen, so the policy's first choice is always the agent reserved.
 */
import { uuidv7 } from '../../../core/src/ids.js';
import type { Channel } from '../../../core/src/channel.js';
import { conflict, DomainError, notFound, unprocessable } from '../../../core/src/domain-error.js';
import { isLiveIdempotencyKey, replayOf, type IdempotencyClaim, type IdempotencyKeyRecord } from '../../../core/src/idempotency.js';
import { capacityReason, takesCallsOnceChatsEnd } from '../eligibility.js';
import { estimateWaitDetails, type WaitEstimateContact } from '../estimate-wait.js';
import type { Explanation } from '../explanation.js';
import { DEFAULT_ROUTING_CONFIG, ROUTABLE_STATES, type Agent, type AgentState, type Contact, type Queue, type RoutingContext } from '../model.js';
import { resolveOffer, type Offer } from '../offers.js';
import { contactDeadline } from '../priority.js';
import { HELD_BACK_BY, pastBlendingThreshold, selectAgentForContact, selectContactForAgent } from '../routing-policy.js';
import { RoutingState, isFinished, type FinishedCall } from './routing-state.js';
import { linkResult, planCustomerLink, type CustomerLinkPlan, type CustomerLinkResult } from './customer-link.js';
import {
  answeredBeforeEnded,
  emptyChangeSet,
  MAX_CONTACT_SECONDS_RANGE,
  MAX_DURATION_END_REASON,
  maxContactSecondsOf,
  maxDurationDetail,
  NO_POLL_END_REASON,
  noPollDetail,
  pollDueBy,
  watchedForPolls,
  SUPERVISOR_END_REASON,
  supervisorEndDetail,
  type ContactCloser,
  eventConcernsLiveOffer,
  lateAnsweredOffer,
  lateTalkedOffer,
  offerReachedTelephony,
  DEFAULT_QUEUE_SETTINGS,
  previousAgentOf,
  queueTransfer,
  mergeChangeSets,
  switchEvents,
  telephonyDecidesAnswerAndEnd,
  waitsForOpening,
  withLink,
  type AgentRecord,
  type ChangeSet,
  type ContactEventType,
  type ContactRecord,
  type CoreCatalog,
  type CoreQueue,
  type CoreQueueSettings,
  type CustomerRecord,
  type LoanRecord,
  type NewContactInput,
  type PhoneDecision,
  type PhoneDecisionInput,
  type PresenceRecord,
  type QueueCalendar,
  type ReservationRecord,
  type ReservationStatus,
  type TelephonyEvent,
} from './types.js';

const DAY_MS = 24 * 3600 * 1000;

/** Why an offer went back to its queue when its agent logged out (the `requeued` event's `why`). */
export function offlineWithdrawal(agentId: string): string {
  return `offer withdrawn: agent ${agentId} went offline`;
}

/** Why a call's offer was withdrawn when the agent of its timed-out earlier offer answered it (answerLate). */
export function lateAnswerWithdrawal(agentId: string): string {
  return `offer withdrawn: agent ${agentId} answered the call after its own offer had timed out`;
}

/** Why a call's offer went back to its queue when it timed out before the telephony polled for it (offerReachedTelephony). */
export function undeliveredWithdrawal(agentId: string): string {
  return `offer withdrawn: it timed out before the telephony polled for it, so agent ${agentId}'s phone never rang`;
}

/** The refusals both engines give an agent's desk, worded once. */
export const deskRefusal = {
  hasContacts: (agentId: string): DomainError => conflict('agent.has_contacts', `agent ${agentId} still has contacts in hand or offered; finish them first`),
  /** Going offline with contacts accepted (in hand): they are finished first; offers only are withdrawn instead (offlineWithdrawsOffers). */
  hasContactsInHand: (agentId: string, inHand: number): DomainError =>
    conflict(
      'agent.has_contacts',
      `agent ${agentId} still has ${inHand} contact(s) in hand; finish them first (offers not yet accepted do not stop it going offline: they are withdrawn)`,
    ),
  notInHand: (contactId: string, agentId: string): DomainError => conflict('contact.not_in_hand', `contact ${contactId} is not in the hands of agent ${agentId}`),
  /** A phone call is answered on the phone: the telephony system reports it (telephonyDecidesAnswerAndEnd). */
  answerOnPhone: (reservationId: string): DomainError =>
    conflict('offer.answer_on_phone', `offer ${reservationId} is a phone call: it is accepted by answering it on the phone (the telephony system reports the answer)`),
  /** A phone call ends when the telephony system reports it ended (telephonyDecidesAnswerAndEnd). */
  callInProgress: (contactId: string): DomainError =>
    conflict('contact.call_in_progress', `contact ${contactId} is a phone call in progress: it ends when the telephony system reports the call ended`),
  /** A phone call is transferred by the telephony system (PBX), which holds the line (telephonyDecidesAnswerAndEnd). */
  transferOnPhone: (contactId: string): DomainError =>
    conflict('contact.transfer_on_phone', `contact ${contactId} is a phone call: it is transferred on the phone (the telephony system transfers calls), not from the desk`),
  /** A contact ended, abandoned, rejected or failed already: nothing to end (POST /v1/contacts/{id}/end). */
  finished: (contactId: string, status: string): DomainError => conflict('contact.finished', `contact ${contactId} is ${status} already: there is nothing to end`),
  inactive: (agentId: string): DomainError =>
    conflict('agent.inactive', `agent ${agentId} is deactivated (active: false) and can only be offline; reactivate it (PUT /v1/agents/${agentId} with active: true) to log it in`),
  transferToSelf: (): DomainError =>
    unprocessable('validation.failed', 'A contact is not transferred to its own agent', [{ field: 'agentId', rule: 'notSelf', message: 'agentId names the agent who holds the contact' }]),
  /** A transfer names exactly one target: null when it does. */
  transferTarget: (target: { agentId?: string; queueId?: string }): DomainError | null =>
    target.agentId && target.queueId
      ? unprocessable('validation.failed', 'Name exactly one transfer target', [{ field: 'agentId', rule: 'exactlyOne', message: 'give agentId or queueId, not both' }])
      : !target.agentId && !target.queueId
        ? unprocessable('validation.failed', 'Name a transfer target', [{ field: 'agentId', rule: 'exactlyOne', message: 'give agentId (an agent) or queueId (a queue)' }])
        : null,
};
/** The refusals both engines give a chat or email gateway, worded once. */
export const contactRefusal = {
  /** A chat to a closed queue: nobody would answer it before the opening, so it is not accepted (as a call gets SIP 480). */
  queueClosed: (queueId: string, opensAt: Date | null): DomainError =>
    new DomainError(
      'conflict',
      'queue.closed',
      `queue ${queueId} is closed; ${opensAt ? `it opens at ${opensAt.toISOString()}` : 'its calendar does not open again'}`,
      [{ field: 'queueId', rule: 'open', message: `queue ${queueId} is closed now` }],
      undefined,
      { queueId, opensAt: opensAt ? opensAt.toISOString() : null },
    ),
};

/**
 * Why a gateway may not withdraw a contact whose customer left (POST /v1/contacts/{id}/abandon), or
 * null when it may: a queued or offered chat, email or callback. An inbound call is the telephony's
 * to report (POST /v1/routing/events); a connected contact is in an agent's hands, who completes it
 * (with wrap-up) as any other; a finished one stays as it ended.
 */
export function abandonRefusal(c: Pick<ContactRecord, 'id' | 'channel' | 'kind' | 'status'>): DomainError | null {
  if (telephonyDecidesAnswerAndEnd(c)) {
    return conflict('contact.reported_by_telephony', `contact ${c.id} is a phone call: the telephony system reports it abandoned (POST /v1/routing/events)`);
  }
  if (c.status === 'connected') {
    return conflict('contact.connected', `contact ${c.id} is connected: the agent who holds it completes it (the customer's leaving does not end the agent's work on it)`);
  }
  if (c.status !== 'queued' && c.status !== 'offered') return conflict('contact.finished', `contact ${c.id} is ${c.status} already`);
  return null;
}

/**
 * Why a contact may not be switched from (NewContactInput.switchedFrom), or null when it may: it must
 * be waiting — queued, or offered when it is not an inbound call (a ringing call is the telephony's:
 * it is switched once it is back in line). `ref` is what the request named.
 */
export function switchRefusal(o: Pick<ContactRecord, 'id' | 'channel' | 'kind' | 'status'> | null | undefined, ref: string): DomainError | null {
  if (!o) return unprocessable('validation.failed', 'The contact switched from does not exist', [{ field: 'switchedFrom', rule: 'exists', message: `no contact has the id or call id ${ref}` }]);
  if (o.status === 'queued' || (o.status === 'offered' && !telephonyDecidesAnswerAndEnd(o))) return null;
  return conflict('contact.not_waiting', `contact ${o.id} is ${o.status}: only a waiting contact switches channel keeping its place`, [
    { field: 'switchedFrom', rule: 'waiting', message: `contact ${o.id} is ${o.status}${o.status === 'offered' ? ' (ringing at an agent)' : ''}, not waiting in line` },
  ]);
}

/** Refuses a chat to a queue closed at `now` (contactRefusal.queueClosed). */
export function refuseChatWhenClosed(channel: Channel, queueId: string, calendar: QueueCalendar, now: Date): void {
  if (channel === 'chat' && !calendar.isOpen(now)) throw contactRefusal.queueClosed(queueId, calendar.nextOpening?.(now) ?? null);
}

/** The stored explanation of an email that waits for its queue to open (waitsForOpening): no agent was looked at. */
export function waitingForOpeningExplanation(calendar: QueueCalendar, now: Date): Record<string, unknown> {
  const opensAt = calendar.nextOpening?.(now) ?? null;
  return {
    decidedAt: now.toISOString(),
    summary: `queue closed: the email waits for the queue to open${opensAt ? ` at ${opensAt.toISOString()}` : ''}`,
    rule: 'queue-closed',
    opensAt: opensAt ? opensAt.toISOString() : null,
    skippedAgents: [],
    skippedCount: 0,
  };
}

/** Languages a queue without its own language serves (policy queue ids `<queueId>#<language>`). */
const QUEUE_LANGUAGES = ['fi', 'sv', 'en'] as const;
const CHANNELS: readonly Channel[] = ['phone', 'chat', 'email'];
/** The engine's batch sizes: queued contacts read per queue, rounds of offerWorkTo, jobs per tick. */
const WAITING_PER_QUEUE = 20;
const OFFER_ROUNDS = 12;
const EXPIRE_BATCH = 200;
const OVERDUE_BATCH = 200;
const UNPOLLED_BATCH = 200;
const WRAP_UP_BATCH = 200;
const SWEEP_AGENTS = 50;
/** Presence states from which a release with a new state (wrap-up, not-responding) takes it. */
const WORKING_STATES: ReadonlySet<AgentState> = new Set(['available', 'reserved', 'busy', 'wrap-up']);

export interface RoutingCoreOptions {
  /** Ids of new rows (contacts, reservations, decisions, customers); time-ordered UUIDs (uuidv7) by default. */
  newId?: () => string;
}

/** Eligible agents a stored explanation names (best-ranked first); all are counted. */
const NAMED_ELIGIBLE = 10;

/**
 * A phone decision to wait in the queue: position, estimated wait (estimate-wait.ts, the figure the
 * wallboard gives for the same state; null when nobody logged in could serve the call), the queue's
 * fallback target and whether to offer a callback: when the estimate is past the queue's threshold,
 * or unknown, and the caller's number is known (`callerHasNumber`: a withheld caller has none to be
 * called back on). `contact`: the call's wait so far and the agents excluded from it (a re-estimate).
 */
export function queueDecision(
  queueId: string,
  settings: Pick<CoreQueueSettings, 'meanHandleSeconds' | 'fallbackTarget' | 'callbackThresholdSeconds'>,
  queue: Queue,
  decisionId: string,
  position: number,
  agents: readonly Agent[],
  now: Date,
  ctx: RoutingContext,
  callerHasNumber: boolean,
  contact?: WaitEstimateContact,
): PhoneDecision {
  const est = estimateWaitDetails(queue, position, agents, { meanHandleSeconds: settings.meanHandleSeconds }, now, ctx, contact);
  const seconds = est.seconds === null ? null : Math.round(est.seconds);
  return {
    decisionId,
    decision: 'queue',
    queueId,
    position,
    estimatedWaitSeconds: seconds,
    ...(settings.fallbackTarget ? { fallbackTarget: settings.fallbackTarget } : {}),
    ...(settings.callbackThresholdSeconds !== null ? { callbackOffered: callerHasNumber && (seconds === null || seconds > settings.callbackThresholdSeconds) } : {}),
  };
}

/**
 * The explanation as stored with the contact: ids, rules and counts; the skipped agents the policy
 * named (SkipTally), every one counted by reason; the 10 best-ranked eligible agents.
 */
export function storedExplanation(e: Explanation, now: Date, extra: Record<string, unknown> = {}): Record<string, unknown> {
  // The contact's exclusions do not say why an agent is excluded: the one who transferred it here did not turn it down.
  const by = extra.transferredBy;
  const skippedAgents = by ? e.skippedAgents.map((s) => (s.agentId === by && s.reason === 'excluded' ? { ...s, detail: TRANSFERRED_BY_DETAIL } : s)) : e.skippedAgents;
  return {
    decidedAt: now.toISOString(),
    summary: e.summary,
    rule: e.rule,
    step: e.step ? { index: e.step.index, name: e.step.name, afterSeconds: e.step.afterSeconds, requirements: e.step.requirements } : null,
    waitedSeconds: e.waitedSeconds ?? null,
    priority: e.priority
      ? { urgencySeconds: e.priority.urgencySeconds, timeToBreachSeconds: e.priority.timeToBreachSeconds, deadline: e.priority.deadline.toISOString(), basis: e.priority.basis }
      : null,
    eligibleAgentIds: (e.eligibleAgentIds ?? []).slice(0, NAMED_ELIGIBLE),
    eligibleCount: e.eligibleCount ?? e.eligibleAgentIds?.length ?? 0,
    skippedAgents,
    skippedCount: e.skippedCount,
    skippedByReason: e.skippedByReason,
    previousAgent: e.previousAgent ?? null,
    ...extra,
  };
}

/** Earlier decisions an explanation carries (the latest first). */
const EARLIER_DECISIONS = 10;

/** One decision before the one a contact's explanation explains: when, by which rule, and its summary. */
export interface EarlierDecision {
  decidedAt: string | null;
  rule: string;
  summary: string;
}

/**
 * What a new explanation of a contact carries over from the one it replaces: the decisions before
 * it since the contact's first transfer (`earlierDecisions`, latest first) and the agent who made
 * the latest transfer (`transferredBy`). A transfer being replaced (the contact routed in the queue
 * it was transferred to, or again after the agent it was transferred to turned it down) goes first
 * in the list; a routing decision being replaced is one of the same hand-over (a re-offer after a
 * rejection, the next try of a waiting contact), so only the list is carried, not that decision.
 */
export function carriedOver(previous: unknown): { earlierDecisions?: EarlierDecision[]; transferredBy?: string } {
  const prev = previous as { decidedAt?: string; rule?: string; summary?: string; earlierDecisions?: EarlierDecision[]; transferredBy?: string } | null | undefined;
  const earlier = prev?.rule === 'transfer' ? [earlierDecision(prev), ...(prev.earlierDecisions ?? [])].slice(0, EARLIER_DECISIONS) : (prev?.earlierDecisions ?? []);
  return {
    ...(earlier.length ? { earlierDecisions: earlier } : {}),
    ...(prev?.transferredBy ? { transferredBy: prev.transferredBy } : {}),
  };
}

function earlierDecision(e: { decidedAt?: string; rule?: string; summary?: string }): EarlierDecision {
  return { decidedAt: e.decidedAt ?? null, rule: e.rule ?? 'none', summary: e.summary ?? '' };
}

/** Why the agent who transferred a contact to a queue is not offered it there (it is among the contact's excluded agents). */
export const TRANSFERRED_BY_DETAIL = 'transferred this contact to the queue; it is not offered back to them';

/**
 * The explanation of a transfer: the agent who held the contact handed it to an agent or a queue.
 * It replaces the routing decision that brought the contact to that agent, which goes first in
 * `earlierDecisions` (a transfer to a queue is then routed there, and that decision carries both).
 */
export function transferExplanation(
  previous: unknown,
  args: { contactId: string; fromAgentId: string; toAgentId?: string; toQueueId?: string; now: Date },
): Record<string, unknown> {
  const prev = (previous ?? null) as { decidedAt?: string; rule?: string; summary?: string; earlierDecisions?: EarlierDecision[] } | null;
  const before: EarlierDecision[] = prev?.rule ? [earlierDecision(prev)] : [];
  const to = args.toAgentId ? `agent ${args.toAgentId}` : `queue ${args.toQueueId}`;
  return {
    decidedAt: args.now.toISOString(),
    summary: `contact ${args.contactId} transferred by agent ${args.fromAgentId} → ${to}`,
    rule: 'transfer',
    step: null,
    waitedSeconds: null,
    priority: null,
    eligibleAgentIds: args.toAgentId ? [args.toAgentId] : [],
    eligibleCount: args.toAgentId ? 1 : 0,
    skippedAgents: [],
    skippedCount: 0,
    skippedByReason: {},
    previousAgent: null,
    transferredBy: args.fromAgentId,
    earlierDecisions: [...before, ...(prev?.earlierDecisions ?? [])].slice(0, EARLIER_DECISIONS),
  };
}

/**
 * The wrap-up a finished contact gets, as its closing event records it (`wrapUpSeconds`, which the
 * reports average). Wrap-up is the agent's state (presence `wrap-up` until `wrapUpUntil`), not a
 * per-contact slot: an agent with other contacts still in hand (a second chat) goes on working them
 * and gets no wrap-up, so the event records 0, with the wrap-up asked for and why it was not applied.
 */
export function wrapUp(requestedSeconds: number, othersInHand: number): { wrapUpSeconds: number; requestedWrapUpSeconds?: number; wrapUpNotApplied?: string } {
  if (requestedSeconds <= 0 || othersInHand <= 0) return { wrapUpSeconds: requestedSeconds };
  return { wrapUpSeconds: 0, requestedWrapUpSeconds: requestedSeconds, wrapUpNotApplied: `agent has ${othersInHand} other contact(s) in hand` };
}

// ---------------------------------------------------------------- policy views of the records

function policyQueueIds(queueId: string): string[] {
  return [queueId, ...QUEUE_LANGUAGES.map((l) => `${queueId}#${l}`)];
}

/**
 * The policy queue for a contact: a queue without a language takes the contact's; a contact without
 * one is served by agents of any language (the queue's own policy, language '').
 */
function policyQueue(q: CoreQueue, language: string | null): Queue {
  if (q.language || !language) return q.policy;
  return { ...q.policy, id: `${q.id}#${language}`, language };
}

function routingContext(queues: Iterable<CoreQueue>, extra: Partial<RoutingContext> = {}): RoutingContext {
  const calendars: Record<string, CoreQueue['calendar']> = {};
  for (const q of queues) {
    calendars[q.id] = q.calendar;
    if (!q.language) for (const l of QUEUE_LANGUAGES) calendars[`${q.id}#${l}`] = q.calendar;
  }
  return { calendars, ...extra };
}

function policyContact(c: ContactRecord, policyQueueId: string): Contact {
  return {
    id: c.id,
    channel: c.channel,
    queueId: policyQueueId,
    arrivedAt: c.arrivedAt,
    customerRef: c.customerId ?? c.id,
    ...(c.previousAgentId ? { previousAgentId: c.previousAgentId } : {}),
    deadline: c.deadline,
    priorityBoostSeconds: c.priorityBoostSeconds,
    excludedAgentIds: c.excludedAgentIds,
    offerAttempts: c.offerAttempts,
  };
}

/** The SQL LOAN_NEAR window: a loan overlapping [now − 1 day, now + 1 day] (the policy decides whether now is inside). */
function loanNear(l: LoanRecord, now: Date): boolean {
  return l.from.getTime() < now.getTime() + DAY_MS && l.to.getTime() > now.getTime() - DAY_MS;
}

/** A loan that lets the agent serve queue `q` at `now` (waitingContacts, agentsWithRoomAndWaitingWork). */
function loanCoversNow(l: LoanRecord, q: CoreQueue, now: Date): boolean {
  return l.departmentId === q.departmentId && (l.queueId === null || l.queueId === q.id) && l.from.getTime() <= now.getTime() && l.to.getTime() > now.getTime();
}

function toAgent(a: AgentRecord, p: PresenceRecord, loans: readonly LoanRecord[]): Agent {
  return {
    id: a.agentId,
    departmentId: a.departmentId,
    state: p.state,
    ...(p.breakReason ? { breakReason: p.breakReason } : {}),
    ...(p.pendingState ? { pendingState: p.pendingState } : {}),
    skills: a.skills,
    // An agent without a SIP URI cannot take calls, whatever capacity its presence row still has.
    capacity: a.phoneUri !== null ? p.capacity : { ...p.capacity, phone: 0 },
    load: p.load,
    idleSince: p.idleSince,
    ...(p.state === 'wrap-up' && p.wrapUpUntil ? { wrapUpUntil: p.wrapUpUntil } : {}),
    ...(loans.length
      ? { lentTo: loans.map((l) => ({ departmentId: l.departmentId, from: l.from, to: l.to, ...(l.queueId ? { queueIds: policyQueueIds(l.queueId) } : {}) })) }
      : {}),
  };
}

function offerTimeoutSeconds(q: CoreQueue): number {
  return q.settings.offerTimeoutSeconds ?? DEFAULT_ROUTING_CONFIG.offerTimeoutSeconds[q.channel];
}

function offerOf(r: ReservationRecord, queueId: string): Offer {
  return { contactId: r.contactId, agentId: r.agentId, queueId, channel: r.channel, offeredAt: r.offeredAt, expiresAt: r.expiresAt };
}

function telephonyDetail(ev: TelephonyEvent): Record<string, unknown> {
  return {
    ...(ev.sipCode !== undefined ? { sipCode: ev.sipCode } : {}),
    ...(ev.hangupBy ? { hangupBy: ev.hangupBy } : {}),
    ...(ev.durationSec !== undefined ? { durationSec: ev.durationSec } : {}),
    ...(ev.leg ? { leg: ev.leg } : {}),
    telephonyTs: ev.ts,
  };
}

const callNotFound = (): DomainError => new DomainError('not-found', 'call.not_found', 'no routing decision for this call id');

/** A callback asked for a call whose caller's number is withheld or unknown, without a number keyed in: there is no number to call back. */
export const noCallbackNumber = (): DomainError =>
  conflict('callback.no_number', "the caller's number is withheld or unknown, so there is no number to call back (an IVR that asks for one sends it as callbackNumber); the call keeps waiting in line");

/** A number keyed in for a caller whose own number is known and different (the number is not repeated: it is personal data). */
export const callbackNumberKnown = (): DomainError =>
  conflict('callback.number_known', "the caller's own number is known and the callback goes to it; callbackNumber is for a caller whose number is withheld. The call keeps waiting in line");

/**
 * Whose number a callback goes to: the caller's own (`own`), or the number keyed in to the IVR for a
 * caller whose number is withheld (`given`: find or make that number's customer). Throws
 * callback.no_number when there is neither, callback.number_known when both differ.
 */
export function callbackCustomer(caller: Pick<CustomerRecord, 'phoneNumber'> | undefined, keyedIn: string | undefined): { kind: 'own' } | { kind: 'given'; number: string } {
  const own = caller?.phoneNumber ?? null;
  if (own !== null) {
    if (keyedIn !== undefined && keyedIn !== own) throw callbackNumberKnown();
    return { kind: 'own' };
  }
  if (keyedIn === undefined) throw noCallbackNumber();
  return { kind: 'given', number: keyedIn };
}

// ---------------------------------------------------------------- presence transitions (the repository's UPDATEs)

function totalLoad(p: PresenceRecord): number {
  return p.load.phone + p.load.chat + p.load.email;
}

function isRoutable(state: AgentState): boolean {
  return ROUTABLE_STATES.includes(state);
}

/**
 * The capacities in force of an agent holding `load`: its configured ones (no calls without a SIP
 * URI), never below what it holds — contacts held when the capacity was lowered stay its, and it is
 * offered nothing new on that channel until it is under the new capacity. Every presence write that
 * changes the load or the configuration takes it (the repository's capacityInForceSql).
 */
export function capacityInForce(a: Pick<AgentRecord, 'phoneUri' | 'configuredCapacity'>, load: Record<Channel, number>): Record<Channel, number> {
  return {
    phone: Math.max(a.phoneUri === null ? 0 : a.configuredCapacity.phone, load.phone),
    chat: Math.max(a.configuredCapacity.chat, load.chat),
    email: Math.max(a.configuredCapacity.email, load.email),
  };
}

/** tryReserveAgent's condition: routable with no state pending, no call in hand, room on the channel, no chat in hand for a call (and a SIP URI). */
function canReserve(a: AgentRecord, p: PresenceRecord, channel: Channel): boolean {
  if (!isRoutable(p.state) || p.pendingState || p.load.phone !== 0 || p.load[channel] >= p.capacity[channel]) return false;
  return channel !== 'phone' || (p.load.chat === 0 && a.phoneUri !== null);
}

/** One more contact on `channel`; an available agent becomes reserved. */
function withReserved(p: PresenceRecord, channel: Channel, at: Date): PresenceRecord {
  const wasAvailable = p.state === 'available';
  return {
    ...p,
    load: { ...p.load, [channel]: p.load[channel] + 1 },
    state: wasAvailable ? 'reserved' : p.state,
    stateSince: wasAvailable ? at : p.stateSince,
  };
}

/** Whether the agent is still working on contacts (on one, with an offer out, or in wrap-up): a break or offline it asks for then waits (PresenceRecord.pendingState). */
export function isWorking(state: AgentState): boolean {
  return state === 'reserved' || state === 'busy' || state === 'wrap-up';
}

/**
 * The presence of an agent who has nothing left in hand and no wrap-up to do: its pending state
 * (break with the reason it gave, or offline) from `at`, else available — the agent_presence
 * statements' restingStateSql.
 */
function rested(p: PresenceRecord, at: Date): PresenceRecord {
  if (!p.pendingState) return { ...p, state: 'available', breakReason: null, stateSince: p.state === 'available' ? p.stateSince : at };
  return { ...p, state: p.pendingState, breakReason: p.pendingState === 'break' ? p.pendingReason : null, pendingState: null, pendingReason: null, stateSince: at };
}

/**
 * releaseAgent: one contact less on `channel`. Without `setState` a reserved or busy agent becomes
 * `held` (busy with a contact in hand, reserved with offers only) or, with nothing left, its
 * pending state or available; with it, a working agent takes that state (wrap-up, not-responding)
 * while break, offline and not-responding keep theirs. An agent with a state pending is not made
 * not-responding by an offer it let go: it asked to leave, and gets nothing new anyway.
 */
function withReleased(p: PresenceRecord, channel: Channel, at: Date, held: 'busy' | 'reserved', setState?: 'wrap-up' | 'not-responding', wrapUpUntil: Date | null = null): PresenceRecord {
  const left = totalLoad(p) - 1;
  const load = { ...p.load, [channel]: Math.max(p.load[channel] - 1, 0) };
  const idleSince = left <= 0 ? at : p.idleSince;
  if (setState === 'not-responding' && p.pendingState) setState = undefined;
  if (setState) {
    const working = WORKING_STATES.has(p.state);
    return {
      ...p,
      load,
      state: working ? setState : p.state,
      stateSince: working ? at : p.stateSince,
      wrapUpUntil: working ? wrapUpUntil : p.wrapUpUntil,
      idleSince,
    };
  }
  const holding = p.state === 'reserved' || p.state === 'busy';
  if (holding && left <= 0) return { ...rested(p, at), load, idleSince };
  return {
    ...p,
    load,
    state: holding ? held : p.state,
    stateSince: holding && held !== p.state ? at : p.stateSince,
    idleSince,
  };
}

interface Operation {
  changes: ChangeSet;
  signals: string[];
}

export class RoutingCore {
  private readonly newId: () => string;
  private pending: ChangeSet = emptyChangeSet();
  private pendingSignals: string[] = [];
  /** The running operation's changes (merged into `pending` when it returns). */
  private op: Operation | null = null;
  /** The policy's views of agents by record version (homeView). */
  private readonly homeViews = new WeakMap<AgentRecord, Agent>();

  constructor(
    readonly state: RoutingState,
    private readonly catalog: CoreCatalog,
    opts: RoutingCoreOptions = {},
  ) {
    this.newId = opts.newId ?? (() => uuidv7());
  }

  // ---------------------------------------------------------------- changes

  /**
   * Everything recorded since the last call, in operation order: each changed row in its latest
   * version (isNew when inserted since the last take), the timeline events, the presence state
   * spans, and the wake-up keys (each once).
   */
  takeChanges(): { changes: ChangeSet; signals: string[] } {
    const out = { changes: this.pending, signals: [...new Set(this.pendingSignals)] };
    this.pending = emptyChangeSet();
    this.pendingSignals = [];
    return out;
  }

  presenceOf(agentId: string): PresenceRecord | null {
    return this.state.agent(agentId)?.presence ?? null;
  }

  /** Runs one operation: its changes are kept when it returns, undone when it throws. */
  private atomically<T>(fn: () => T): T {
    if (this.op) return fn();
    this.state.begin();
    const op: Operation = { changes: emptyChangeSet(), signals: [] };
    this.op = op;
    try {
      const out = fn();
      this.state.commit();
      mergeChangeSets(this.pending, op.changes);
      this.pendingSignals.push(...op.signals);
      return out;
    } catch (err) {
      this.state.rollback();
      throw err;
    } finally {
      this.op = null;
    }
  }

  private get changes(): ChangeSet {
    if (!this.op) throw new Error('RoutingCore: a change outside an operation');
    return this.op.changes;
  }

  private note<T>(map: Map<string, { row: T; isNew: boolean }>, id: string, row: T, isNew: boolean): void {
    const before = map.get(id);
    map.set(id, { row, isNew: before ? before.isNew : isNew });
  }

  private saveContact(row: ContactRecord, isNew = false): ContactRecord {
    this.state.putContact(row);
    this.note(this.changes.contacts, row.id, row, isNew);
    return row;
  }

  private patchContact(c: ContactRecord, patch: Partial<ContactRecord>): ContactRecord {
    return this.saveContact({ ...c, ...patch });
  }

  private saveReservation(row: ReservationRecord, isNew = false): ReservationRecord {
    this.state.putReservation(row);
    this.note(this.changes.reservations, row.id, row, isNew);
    return row;
  }

  private resolveReservation(r: ReservationRecord, status: ReservationStatus, at: Date): void {
    this.saveReservation({ ...r, status, resolvedAt: at });
  }

  /** An update of the presence row; a state change that moves stateSince forward ends a state span (report_log_agent_state). */
  private savePresence(row: PresenceRecord, isNew = false): void {
    const before = this.state.agent(row.agentId)?.presence;
    if (before && !isNew && row.state !== before.state && row.stateSince.getTime() > before.stateSince.getTime()) {
      this.changes.agentStates.push({ agentId: row.agentId, state: before.state, startedAt: before.stateSince, endedAt: row.stateSince });
    }
    this.state.putPresence(row);
    this.note(this.changes.presence, row.agentId, row, isNew);
  }

  private saveCustomer(row: CustomerRecord, isNew = false): CustomerRecord {
    this.state.putCustomer(row);
    this.note(this.changes.customers, row.id, row, isNew);
    return row;
  }

  private event(contactId: string, at: Date, type: ContactEventType, agentId: string | null = null, reservationId: string | null = null, detail: Record<string, unknown> | null = null): void {
    this.changes.events.push({ contactId, at, type, agentId, reservationId, detail });
  }

  private signal(...keys: (string | null | undefined | false)[]): void {
    for (const key of keys) if (key) this.op!.signals.push(key);
  }

  // ---------------------------------------------------------------- facts the engine loads

  /** loggedInAgents / the pool of phoneSnapshot and contactSnapshot: active, not offline agents of the department and those lent to it near `now`. */
  private pool(departmentId: string, now: Date): Agent[] {
    const out: Agent[] = [];
    const home = this.state.agentsOfDepartment(departmentId);
    for (let i = 0; i < home.length; i++) {
      const a = home[i];
      if (a.active && a.presence && a.presence.state !== 'offline') out.push(this.homeView(a, a.presence));
    }
    for (const a of this.state.agentsLentTo(departmentId)) {
      if (!a.active || !a.presence || a.presence.state === 'offline') continue;
      const loans = a.loans.filter((l) => l.departmentId === departmentId && loanNear(l, now));
      if (loans.length) out.push(toAgent(a, a.presence, loans));
    }
    return out;
  }

  private queueOf(queueId: string): CoreQueue {
    const q = this.catalog.queue(queueId);
    if (!q) throw notFound('queue', queueId);
    return q;
  }

  /**
   * The context of a new or waiting contact of `q`, with the department's waiting contacts that can
   * hold agents back from it (the 20 most urgent of each queue, as the database engine reads them):
   * calls and chats for an email (email blending), calls for a chat (call draining). Only those past
   * their blending threshold hold anyone back, so only those are handed on: a chat decision with no
   * late call in the department makes no policy contact at all.
   */
  private heldBackContext(q: CoreQueue, now: Date): RoutingContext {
    const heldBy = HELD_BACK_BY[q.channel];
    if (!heldBy.length) return routingContext([q]);
    const queues: CoreQueue[] = [];
    const waiting: Contact[] = [];
    const policyQueues: Queue[] = [];
    for (const queueId of this.state.waitingQueueIds()) {
      const wq = this.catalog.queue(queueId);
      if (!wq || wq.departmentId !== q.departmentId || !heldBy.includes(wq.channel)) continue;
      queues.push(wq);
      for (const w of this.state.waiting(queueId, WAITING_PER_QUEUE)) {
        const pq = policyQueue(wq, w.language);
        if (!pastBlendingThreshold(w, pq, now)) continue;
        waiting.push(policyContact(w, pq.id));
        policyQueues.push(pq);
      }
    }
    return routingContext([q, ...queues], waiting.length ? { waitingContacts: waiting, queues: policyQueues } : {});
  }

  private queueDecision(q: CoreQueue, queue: Queue, decisionId: string, position: number, agents: Agent[], now: Date, ctx: RoutingContext, callerHasNumber: boolean, contact?: WaitEstimateContact): PhoneDecision {
    return queueDecision(q.id, q.settings, queue, decisionId, position, agents, now, ctx, callerHasNumber, contact);
  }

  // ---------------------------------------------------------------- shared steps

  /** Takes one unit of the agent's capacity (the caller checked canReserve). */
  private reserveAgent(agentId: string, channel: Channel, now: Date): void {
    const p = this.state.agent(agentId)!.presence!;
    this.savePresence(withReserved(p, channel, now));
  }

  /** Gives back one unit of capacity; a capacity above the configured one (lowered while held) comes down with the load. */
  private releaseAgent(agentId: string, channel: Channel, now: Date, setState?: 'wrap-up' | 'not-responding', wrapUpUntil: Date | null = null): void {
    const a = this.state.agent(agentId);
    const p = a?.presence;
    if (!a || !p) return;
    const released = withReleased(p, channel, now, this.heldState(agentId), setState, wrapUpUntil);
    this.savePresence({ ...released, capacity: capacityInForce(a, released.load) });
  }

  /** The working state of an agent with contacts left: busy with one accepted, reserved while all are offers (call after resolving the released one). */
  private heldState(agentId: string): 'busy' | 'reserved' {
    return this.state.holdsAccepted(agentId) ? 'busy' : 'reserved';
  }

  /** The reservation of an offer and its timeline (reserved, offered). */
  private recordOffer(a: { contactId: string; reservationId: string; agentId: string; channel: Channel; now: Date; timeoutSeconds: number; step?: number; rule?: string }): void {
    const expiresAt = new Date(a.now.getTime() + a.timeoutSeconds * 1000);
    this.saveReservation({ id: a.reservationId, contactId: a.contactId, agentId: a.agentId, channel: a.channel, status: 'offered', offeredAt: a.now, expiresAt, resolvedAt: null }, true);
    this.event(a.contactId, a.now, 'reserved', a.agentId, a.reservationId, { rule: a.rule ?? null, step: a.step ?? null });
    this.event(a.contactId, a.now, 'offered', a.agentId, a.reservationId, { expiresAt: expiresAt.toISOString() });
  }

  /**
   * An offer taken (agent accept or telephony answered): reservation accepted, contact connected,
   * agent busy, customer's last agent remembered. An agent who went on break or was marked
   * not-responding with the offer still out is busy too: it is working. A break is then kept as
   * pending (it begins again once nothing is left in hand), as one asked for while working is.
   */
  private accept(c: ContactRecord, r: ReservationRecord, now: Date): ContactRecord {
    this.resolveReservation(r, 'accepted', now);
    const p = this.state.agent(r.agentId)?.presence;
    if (p && isRoutable(p.state)) this.savePresence({ ...p, state: 'busy', stateSince: p.state === 'busy' ? p.stateSince : now });
    else if (p && (p.state === 'break' || p.state === 'not-responding')) {
      const resumes = p.state === 'break' && p.pendingState === null ? { pendingState: 'break' as const, pendingReason: p.breakReason } : {};
      this.savePresence({ ...p, state: 'busy', stateSince: now, breakReason: null, ...resumes });
    }
    const customer = c.customerId ? this.state.customer(c.customerId) : undefined;
    if (customer) this.saveCustomer({ ...customer, lastAgentId: r.agentId, lastContactAt: now });
    return this.patchContact(c, { status: 'connected', answeredAt: now });
  }

  /**
   * The agent picked up a call whose offer had timed out (lateAnsweredOffer, lateTalkedOffer): the
   * call is connected to them at `answeredAt` — an offer made since to someone else is withdrawn
   * `now`, that agent released without blame — and they are busy with it (from `answeredAt`, or from
   * their last state change if that came later: a state history never runs backwards). Not when the
   * agent is logged out or on another call (false: the event is then answered as not applied).
   */
  private answerLate(c: ContactRecord, late: ReservationRecord, live: ReservationRecord | undefined, answeredAt: Date, now: Date, detail: Record<string, unknown>): boolean {
    const a = this.state.agent(late.agentId);
    const p = a?.presence;
    if (!a || !p || p.state === 'offline' || p.load.phone > 0 || live?.status === 'accepted') return false;
    if (live) this.withdrawOffer(live, now, lateAnswerWithdrawal(late.agentId));
    const load = { ...p.load, phone: p.load.phone + 1 };
    const busySince = new Date(Math.max(answeredAt.getTime(), p.stateSince.getTime()));
    this.savePresence({ ...p, state: 'busy', stateSince: p.state === 'busy' ? p.stateSince : busySince, load, capacity: capacityInForce(a, load), wrapUpUntil: null });
    const row = this.saveReservation({ ...late, status: 'offered', resolvedAt: null });
    const connected = this.accept(this.patchContact(this.state.contact(c.id)!, { agentId: late.agentId }), row, answeredAt);
    this.event(c.id, answeredAt, 'accepted', late.agentId, late.id, { afterTimeout: true });
    this.event(c.id, answeredAt, 'answered', late.agentId, late.id, { ...detail, afterTimeout: true, offerExpiredAt: late.resolvedAt?.toISOString() ?? null });
    this.signal(`contact:${connected.id}`, `agent:${late.agentId}`);
    // The agent whose offer was withdrawn is free for other work now that the call is connected.
    if (live) {
      this.offerWorkTo(live.agentId, now);
      this.signal(`agent:${live.agentId}`);
    }
    return true;
  }

  /**
   * A rejected, timed-out or failed offer: the contact goes back to its queue keeping its place,
   * with the agent excluded from it; the agent becomes not-responding.
   */
  private applyFailedOffer(c: ContactRecord, r: ReservationRecord, now: Date, kind: 'rejected' | 'timeout' | 'agent-failed', why: string): void {
    this.resolveReservation(r, kind === 'rejected' ? 'rejected' : kind === 'timeout' ? 'expired' : 'failed', now);
    this.releaseAgent(r.agentId, c.channel, now, 'not-responding');
    const excluded = c.excludedAgentIds.includes(r.agentId) ? c.excludedAgentIds : [...c.excludedAgentIds, r.agentId];
    this.patchContact(c, { status: 'queued', agentId: null, excludedAgentIds: excluded });
    // A polled call back in line: the proxy stopped polling while it rang the agent, so it is owed a
    // new poll from now (as if polled now without waiting), not from its last poll.
    if (this.state.pollDueOf(c.id) !== undefined) this.state.extendPollDue(c.id, pollDueBy(this.catalog.queue(c.queueId!)?.settings, now, 0).getTime());
    this.event(c.id, now, kind, r.agentId, r.id, { why });
    this.event(c.id, now, 'requeued', null, null, { keepsArrivedAt: c.arrivedAt.toISOString() });
  }

  private afterRequeue(r: ReservationRecord, now: Date): void {
    this.routeContact(r.contactId, now);
    this.signal(`agent:${r.agentId}`, `contact:${r.contactId}`);
  }

  /**
   * Ends a contact in hand: reservation completed, agent released (into wrap-up when nothing else is
   * in hand). `closed`: ended by Vuoro or a supervisor rather than reported (timeline event `ended`,
   * the contact's end reason and what the event's detail adds).
   */
  private finish(
    c: ContactRecord,
    r: ReservationRecord,
    now: Date,
    wrapUpSeconds: number | undefined,
    reason: 'completed' | 'ended',
    closed?: { endReason: string; detail: Record<string, unknown> },
  ): ContactRecord {
    const q = c.queueId ? this.catalog.queue(c.queueId) : undefined;
    const p = this.state.agent(r.agentId)?.presence;
    const wrap = wrapUp(wrapUpSeconds ?? q?.settings.wrapUpSeconds ?? DEFAULT_QUEUE_SETTINGS.wrapUpSeconds, p ? totalLoad(p) - 1 : 0);
    this.resolveReservation(r, 'completed', now);
    if (wrap.wrapUpSeconds > 0) this.releaseAgent(r.agentId, c.channel, now, 'wrap-up', new Date(now.getTime() + wrap.wrapUpSeconds * 1000));
    else this.releaseAgent(r.agentId, c.channel, now);
    const ended = this.patchContact(c, { status: 'ended', endedAt: now, endReason: closed?.endReason ?? reason });
    this.event(c.id, now, reason, r.agentId, r.id, { ...wrap, ...closed?.detail });
    return ended;
  }

  /** A queued or offered contact the caller left: reservation cancelled and agent released, then offered other work. */
  private abandon(c: ContactRecord, r: ReservationRecord | undefined, now: Date, detail: Record<string, unknown>, endReason = 'abandoned'): { applied: boolean; detail: string } {
    if (r) {
      this.resolveReservation(r, 'cancelled', now);
      this.releaseAgent(r.agentId, c.channel, now);
    }
    this.patchContact(c, { status: 'abandoned', endedAt: now, endReason });
    this.event(c.id, now, 'abandoned', r?.agentId ?? null, r?.id ?? null, detail);
    if (r) this.offerWorkTo(r.agentId, now);
    this.signal(`contact:${c.id}`, r && `agent:${r.agentId}`);
    return { applied: true, detail: r ? 'contact abandoned, agent released' : 'contact abandoned' };
  }

  /** routeContact: offers a waiting contact to its best agent, if any (a miss is recorded in the explanation). */
  private routeContact(contactId: string, now: Date): string | null {
    const c = this.state.contact(contactId);
    if (!c || c.status !== 'queued' || !c.queueId) return null;
    // The engine throws here (after its own commit); a queue gone from the catalog leaves the contact waiting instead.
    const q = this.catalog.queue(c.queueId);
    if (!q) return null;
    if (waitsForOpening(q.channel, q.calendar, now)) {
      this.patchContact(c, { explanation: waitingForOpeningExplanation(q.calendar, now) });
      return null;
    }
    const queue = policyQueue(q, c.language);
    const ctx = this.heldBackContext(q, now);
    const sel = selectAgentForContact(policyContact(c, queue.id), queue, this.pool(q.departmentId, now), now, ctx);
    const explanation = storedExplanation(sel.explanation, now, carriedOver(c.explanation));
    if (sel.agentId === null) {
      this.patchContact(c, { explanation });
      return null;
    }
    const reservationId = this.newId();
    this.reserveAgent(sel.agentId, c.channel, now);
    this.patchContact(c, { status: 'offered', agentId: sel.agentId, offerAttempts: c.offerAttempts + 1, explanation });
    this.recordOffer({ contactId: c.id, reservationId, agentId: sel.agentId, channel: c.channel, now, timeoutSeconds: offerTimeoutSeconds(q), step: sel.step.index, rule: sel.rule });
    this.signal(`contact:${c.id}`, `agent:${sel.agentId}`);
    return sel.agentId;
  }

  /** offerWorkTo: fills an agent's free capacity with the most urgent waiting contacts it may take. */
  private offerWorkTo(agentId: string, now: Date): number {
    let offered = 0;
    for (let round = 0; round < OFFER_ROUNDS; round++) {
      const a = this.state.agent(agentId);
      const p = a?.presence;
      // A deactivated agent keeps what it holds and is offered nothing (as it is in no pool); nor is one with a break or offline pending.
      if (!a || !p || !a.active || !isRoutable(p.state) || p.pendingState) break;
      const agent = toAgent(a, p, a.loans.filter((l) => loanNear(l, now)));
      const channels = CHANNELS.filter((ch) => agent.capacity[ch] > 0 && !capacityReason(agent, ch));
      // An agent with chats in hand and room for more drains for the late calls it could take once they end (call draining).
      const draining = channels.includes('chat') && agent.load.chat > 0 && takesCallsOnceChatsEnd(agent);
      const queues = new Map<string, Queue>();
      const coreQueues = new Map<string, CoreQueue>();
      const contacts: Contact[] = [];
      for (const queueId of this.state.waitingQueueIds()) {
        const q = this.catalog.queue(queueId);
        const drainsFor = draining && q?.channel === 'phone';
        if (!q || !(channels.includes(q.channel) || drainsFor) || waitsForOpening(q.channel, q.calendar, now)) continue;
        if (q.departmentId !== a.departmentId && !a.loans.some((l) => loanCoversNow(l, q, now))) continue;
        coreQueues.set(q.id, q);
        for (const w of this.state.waiting(queueId, WAITING_PER_QUEUE)) {
          const pq = policyQueue(q, w.language);
          if (drainsFor && !pastBlendingThreshold(w, pq, now)) continue;
          queues.set(pq.id, pq);
          contacts.push(policyContact(w, pq.id));
        }
      }
      if (!contacts.length) break;
      const sel = selectContactForAgent(agent, contacts, queues, now, routingContext(coreQueues.values()));
      if (sel.contactId === null) break;
      const c = this.state.contact(sel.contactId)!;
      if (!canReserve(a, p, c.channel)) break;
      const q = coreQueues.get(c.queueId!)!;
      const reservationId = this.newId();
      this.reserveAgent(agentId, c.channel, now);
      this.patchContact(c, {
        status: 'offered',
        agentId,
        offerAttempts: c.offerAttempts + 1,
        explanation: storedExplanation(sel.explanation, now, { skippedContacts: (sel.explanation.skippedContacts ?? []).slice(0, 50), ...carriedOver(c.explanation) }),
      });
      this.recordOffer({ contactId: c.id, reservationId, agentId, channel: c.channel, now, timeoutSeconds: offerTimeoutSeconds(q), step: sel.step.index, rule: sel.explanation.rule });
      this.signal(`contact:${c.id}`, `agent:${agentId}`);
      offered++;
    }
    return offered;
  }

  // ---------------------------------------------------------------- telephony: decisions

  /** `POST /v1/routing/decisions`: idempotent on the SIP Call-ID. */
  /**
   * The policy's view of an agent in its home department, made once per version of the agent's
   * record: records are replaced, never changed, and most of the 200 agents a decision looks at
   * have not changed since the previous one.
   */
  private homeView(a: AgentRecord, presence: PresenceRecord): Agent {
    let view = this.homeViews.get(a);
    if (!view) {
      view = toAgent(a, presence, []);
      this.homeViews.set(a, view);
    }
    return view;
  }

  decidePhone(input: PhoneDecisionInput, now: Date): PhoneDecision {
    return this.atomically(() => {
      const known = this.state.contactByCallId(input.callId)?.decision ?? this.state.finishedCall(input.callId)?.decision;
      if (known) return known as PhoneDecision;
      const queueId = this.catalog.queueIdForCalledNumber(input.calledNumber);
      const q = queueId ? this.catalog.queue(queueId) : undefined;
      if (!q) return this.rejectCall(input, null, now, 404, 'unknown-called-number');
      if (q.channel !== 'phone') return this.rejectCall(input, q.id, now, 404, 'not-a-phone-queue');
      if (!q.calendar.isOpen(now)) return this.rejectCall(input, q.id, now, 480, 'closed');

      let customer = input.callerId ? this.state.customerByPhone(input.callerId) : undefined;
      const previousAgentId = previousAgentOf(customer, q.settings, now);
      if (!customer && input.callerId) {
        customer = this.saveCustomer({ id: this.newId(), phoneNumber: input.callerId, externalRef: null, lastAgentId: null, lastContactAt: null }, true);
      }
      const queue = policyQueue(q, input.language);
      const ctx = routingContext([q]);
      const contactId = this.newId();
      const contact: Contact = { id: contactId, channel: 'phone', queueId: queue.id, arrivedAt: now, customerRef: customer?.id ?? contactId, ...(previousAgentId ? { previousAgentId } : {}) };
      contact.deadline = contactDeadline(contact, queue, ctx);
      const agents = this.pool(q.departmentId, now);
      const sel = selectAgentForContact(contact, queue, agents, now, ctx);
      let decision: PhoneDecision;
      if (sel.agentId !== null) {
        const reservationId = this.newId();
        decision = { decisionId: reservationId, decision: 'agent', agentId: sel.agentId, target: this.state.agent(sel.agentId)!.phoneUri! };
      } else {
        const position = this.state.countWaitingArrivedBy(q.id, now) + 1;
        decision = this.queueDecision(q, queue, this.newId(), position, agents, now, ctx, customer !== undefined);
      }
      this.saveContact(
        {
          id: contactId,
          channel: 'phone',
          kind: 'inbound',
          status: sel.agentId !== null ? 'offered' : 'queued',
          queueId: q.id,
          callId: input.callId,
          decisionId: decision.decisionId,
          decision: decision as unknown as Record<string, unknown>,
          customerId: customer?.id ?? null,
          customerRef: null,
          callerName: input.callerName || null,
          calledNumber: input.calledNumber,
          language: input.language || q.language,
          subject: null,
          arrivedAt: now,
          deadline: contact.deadline,
          priorityBoostSeconds: 0,
          previousAgentId,
          excludedAgentIds: [],
          offerAttempts: sel.agentId !== null ? 1 : 0,
          agentId: sel.agentId,
          answeredAt: null,
          endedAt: null,
          endReason: null,
          explanation: storedExplanation(sel.explanation, now),
          createdAt: now,
        },
        true,
      );
      if (sel.agentId !== null) {
        this.event(contactId, now, 'queued', null, null, { queueId: q.id });
        this.reserveAgent(sel.agentId, 'phone', now);
        this.recordOffer({ contactId, reservationId: decision.decisionId, agentId: sel.agentId, channel: 'phone', now, timeoutSeconds: offerTimeoutSeconds(q), step: sel.step.index, rule: sel.rule });
        this.signal(`agent:${sel.agentId}`);
      } else if (decision.decision === 'queue') {
        this.event(contactId, now, 'queued', null, null, { queueId: q.id, position: decision.position, estimatedWaitSeconds: decision.estimatedWaitSeconds });
      }
      return decision;
    });
  }

  private rejectCall(input: PhoneDecisionInput, queueId: string | null, now: Date, sipCode: number, reason: string): PhoneDecision {
    const decision: PhoneDecision = { decisionId: this.newId(), decision: 'reject', sipCode, reason };
    const contactId = this.newId();
    this.saveContact(
      {
        id: contactId,
        channel: 'phone',
        kind: 'inbound',
        status: 'rejected',
        queueId,
        callId: input.callId,
        decisionId: decision.decisionId,
        decision: decision as unknown as Record<string, unknown>,
        customerId: null,
        customerRef: null,
        callerName: null,
        calledNumber: input.calledNumber,
        language: input.language || null,
        subject: null,
        arrivedAt: now,
        deadline: now,
        priorityBoostSeconds: 0,
        previousAgentId: null,
        excludedAgentIds: [],
        offerAttempts: 0,
        agentId: null,
        answeredAt: null,
        endedAt: now,
        endReason: reason,
        explanation: { decidedAt: now.toISOString(), summary: `call rejected with SIP ${sipCode}: ${reason}`, rule: reason, skippedAgents: [], skippedCount: 0 },
        createdAt: now,
      },
      true,
    );
    this.event(contactId, now, 'decision-rejected', null, null, { sipCode, reason });
    return decision;
  }

  /** The call's current decision: an agent once one is reserved, the end of a finished call, else 'pending'. */
  currentDecision(callId: string, _now: Date): PhoneDecision | 'pending' {
    const c = this.state.contactByCallId(callId);
    if (!c) {
      const finished = this.state.finishedCall(callId);
      if (!finished) throw callNotFound();
      return this.finishedDecision(finished);
    }
    if (c.status === 'rejected') return c.decision as unknown as PhoneDecision;
    if (c.status === 'ended' || c.status === 'abandoned' || c.status === 'failed') {
      return { decisionId: c.decisionId, decision: 'reject', sipCode: 487, reason: `contact-${c.status}` };
    }
    const live = this.state.liveReservation(c.id);
    if (live) return { decisionId: live.id, decision: 'agent', agentId: live.agentId, target: this.state.agent(live.agentId)?.phoneUri ?? '' };
    return 'pending';
  }

  private finishedDecision(f: FinishedCall): PhoneDecision {
    if (f.status === 'rejected' && f.decision) return f.decision;
    return { decisionId: f.decisionId, decision: 'reject', sipCode: 487, reason: `contact-${f.status}` };
  }

  /** The long poll's answer when its wait is over: the current decision, or position and estimated wait. */
  queuePosition(callId: string, now: Date): PhoneDecision {
    const current = this.currentDecision(callId, now);
    if (current !== 'pending') return current;
    const c = this.state.contactByCallId(callId)!;
    const q = this.queueOf(c.queueId!);
    const queue = policyQueue(q, c.language);
    const position = this.state.countWaitingArrivedBy(q.id, c.arrivedAt);
    const waitedSeconds = (now.getTime() - c.arrivedAt.getTime()) / 1000;
    return this.queueDecision(q, queue, c.decisionId, Math.max(position, 1), this.pool(q.departmentId, now), now, routingContext([q]), c.customerId !== null, { waitedSeconds, excludedAgentIds: c.excludedAgentIds });
  }

  /**
   * A long poll answered with the call's offer (`decision: 'agent'`): the telephony knows of it, so
   * its timing out is the agent's (offerReachedTelephony). Memory only, as recordPoll.
   */
  offerDelivered(decision: PhoneDecision): void {
    if (decision.decision === 'agent') this.state.markOfferDelivered(decision.decisionId);
  }

  /**
   * The telephony long-polls a waiting call (GET /v1/routing/decisions/{callId}?waitSeconds=N): its
   * caller was on the line at `now`, so the call is not presumed gone before pollDueBy. Memory
   * only — not an operation, no row changes: the tick hands the deadlines to the writer (tick).
   * Calls other than a queued or ringing inbound call are not watched.
   */
  recordPoll(callId: string, waitSeconds: number, now: Date): void {
    const c = this.state.contactByCallId(callId);
    if (!c || !watchedForPolls(c) || (c.status !== 'queued' && c.status !== 'offered')) return;
    this.state.extendPollDue(c.id, pollDueBy(c.queueId ? this.catalog.queue(c.queueId)?.settings : null, now, waitSeconds).getTime());
  }

  // ---------------------------------------------------------------- customers

  /** `PUT /v1/customers/{customerRef}/phone-number`: the customer of the reference and that of the number become one. */
  linkCustomer(customerRef: string, phoneNumber: string, _now: Date): CustomerLinkResult {
    return this.atomically(() => linkResult(this.link(customerRef, phoneNumber)));
  }

  /**
   * Applies the link of a reference and a number to the state, as the database engine's
   * transaction does to the tables: a merged customer's contacts in memory move to the customer
   * (the link's statements move those in the tables) and it is forgotten; another reference's
   * customer loses the number. A new customer of both is an ordinary insert; any other link is
   * recorded for the writer, which applies it before the rows (ChangeSet.customerLinks).
   */
  private link(ref: string, phone: string): CustomerLinkPlan {
    const plan = planCustomerLink(this.state.customerByRef(ref) ?? null, this.state.customerByPhone(phone) ?? null, ref, phone, () => this.newId());
    if (plan.outcome === 'unchanged') return plan;
    if (plan.outcome === 'created' && !plan.numberTakenFrom) {
      this.saveCustomer(plan.customer, true);
      return plan;
    }
    withLink(this.changes.customers, plan);
    if (plan.merged) {
      for (const c of this.state.contactsOfCustomer(plan.merged.id)) this.saveContact({ ...c, customerId: plan.customer.id });
      this.state.removeCustomer(plan.merged.id);
    }
    const holder = plan.numberTakenFrom && this.state.customer(plan.numberTakenFrom.id);
    if (holder) this.saveCustomer({ ...holder, phoneNumber: null });
    this.saveCustomer(plan.customer);
    this.changes.customerLinks.push(plan);
    return plan;
  }

  // ---------------------------------------------------------------- chat and email

  /**
   * `POST /v1/contacts` with an Idempotency-Key: a retry — the key's first use recorded in memory,
   * or `stored` (the first use as the tables hold it, which the caller looks up when memory has no
   * live one) — gets the id of the contact the first use created and changes nothing; the same key
   * with another body is refused (422 idempotency.key_reused); otherwise the contact is created and
   * the key's first use recorded with it (createContact).
   */
  createContactOnce(input: NewContactInput & { idempotency: IdempotencyClaim }, now: Date, stored: IdempotencyKeyRecord | null): { created: ContactRecord } | { replayOf: string } {
    const replay = this.handInReplay(input.idempotency, now, stored);
    return replay !== null ? { replayOf: replay } : { created: this.createContact(input, now) };
  }

  /**
   * The contact a hand-in with this claim is a retry of: its key's live first use — in memory, or
   * `stored` (as the tables hold it) — with the same body; null when there is none (the request is
   * new); 422 idempotency.key_reused when the key came with another body. Changes nothing.
   */
  handInReplay(claim: IdempotencyClaim, now: Date, stored: IdempotencyKeyRecord | null): string | null {
    const held = this.state.idempotencyKey(claim);
    return replayOf(held && isLiveIdempotencyKey(held, now) ? held : stored, claim, now);
  }

  /** `POST /v1/contacts`: offered to the best agent at once, or queued (with an Idempotency-Key, recorded as the key's first use in the same change set). */
  createContact(input: NewContactInput, now: Date): ContactRecord {
    return this.atomically(() => {
      const q = this.queueOf(input.queueId);
      if (q.channel !== input.channel) {
        throw unprocessable('validation.failed', 'The queue serves another channel', [{ field: 'queueId', rule: 'channel', message: `queue ${q.id} is a ${q.channel} queue` }]);
      }
      refuseChatWhenClosed(q.channel, q.id, q.calendar, now);
      const original = input.switchedFrom ? (this.state.contact(input.switchedFrom) ?? this.state.contactByCallId(input.switchedFrom)) : undefined;
      if (input.switchedFrom) {
        const refusal = switchRefusal(original, input.switchedFrom);
        if (refusal) throw refusal;
      }
      // With the customer's number, the reference and the number are one customer first (customer-link.ts).
      const known = input.phoneNumber ? this.link(input.customerRef, input.phoneNumber).customer : this.state.customerByRef(input.customerRef);
      const previousAgentId = previousAgentOf(known, q.settings, now);
      const queue = policyQueue(q, input.language);
      const id = this.newId();
      const ctx = this.heldBackContext(q, now);
      const arrivedAt = original?.arrivedAt ?? now;
      const contact: Contact = {
        id, channel: input.channel, queueId: queue.id, arrivedAt, customerRef: known?.id ?? id, ...(previousAgentId ? { previousAgentId } : {}),
        priorityBoostSeconds: 0, excludedAgentIds: [], offerAttempts: 0,
      };
      contact.deadline = contactDeadline(contact, queue, ctx);
      const closed = waitsForOpening(q.channel, q.calendar, now);
      const sel = closed ? null : selectAgentForContact(contact, queue, this.pool(q.departmentId, now), now, ctx);
      const agentId = sel?.agentId ?? null;
      const decisionId = this.newId();
      const reservationId = this.newId();
      const customer = known ?? this.saveCustomer({ id: this.newId(), phoneNumber: null, externalRef: input.customerRef, lastAgentId: null, lastContactAt: null }, true);
      this.saveContact(
        {
          id,
          channel: input.channel,
          kind: 'inbound',
          status: agentId !== null ? 'offered' : 'queued',
          queueId: q.id,
          callId: null,
          decisionId,
          decision: null,
          customerId: customer.id,
          customerRef: input.customerRef,
          callerName: null,
          calledNumber: null,
          language: input.language || q.language,
          subject: input.subject ?? null,
          arrivedAt,
          deadline: contact.deadline,
          priorityBoostSeconds: 0,
          previousAgentId,
          excludedAgentIds: [],
          offerAttempts: agentId !== null ? 1 : 0,
          agentId,
          answeredAt: null,
          endedAt: null,
          endReason: null,
          explanation: sel ? storedExplanation(sel.explanation, now) : waitingForOpeningExplanation(q.calendar, now),
          createdAt: now,
        },
        true,
      );
      const switched = original && switchEvents(original, { id, channel: input.channel, queueId: q.id });
      let released: string | null = null;
      if (original && switched) {
        // The original's offer (a chat or email offered meanwhile) is withdrawn and its agent released.
        const r = this.state.liveReservation(original.id);
        if (r) {
          this.resolveReservation(r, 'cancelled', now);
          this.releaseAgent(r.agentId, original.channel, now);
        }
        this.patchContact(original, { status: 'ended', endedAt: now, endReason: switched.endReason });
        this.event(original.id, now, 'ended', r?.agentId ?? null, r?.id ?? null, switched.originalDetail);
        released = r?.agentId ?? null;
        this.signal(`contact:${original.id}`, r && `agent:${r.agentId}`);
      }
      if (input.idempotency) {
        const key: IdempotencyKeyRecord = { ...input.idempotency, contactId: id, createdAt: now };
        this.state.putIdempotencyKey(key);
        this.changes.idempotencyKeys.push(key);
      }
      this.event(id, now, 'queued', null, null, switched ? switched.queuedDetail : { queueId: q.id });
      if (sel && sel.agentId !== null) {
        this.reserveAgent(sel.agentId, input.channel, now);
        this.recordOffer({ contactId: id, reservationId, agentId: sel.agentId, channel: input.channel, now, timeoutSeconds: offerTimeoutSeconds(q), step: sel.step.index, rule: sel.rule });
        this.signal(`contact:${id}`, `agent:${sel.agentId}`);
      }
      if (released) this.offerWorkTo(released, now);
      return this.state.contact(id)!;
    });
  }

  // ---------------------------------------------------------------- offers (agents)

  /**
   * An agent accepts an offer; an expired offer is resolved as a timeout (and re-routed) before
   * conflict `offer.expired`. A phone call is not accepted here: it is answered on the phone.
   */
  acceptOffer(agentId: string, reservationId: string, now: Date): ContactRecord {
    const out = this.atomically((): { contact: ContactRecord } | { expired: true } => {
      const { c, r } = this.offerOfAgent(agentId, reservationId);
      if (telephonyDecidesAnswerAndEnd(c)) throw deskRefusal.answerOnPhone(reservationId);
      if (now.getTime() < r.expiresAt.getTime()) {
        const contact = this.accept(c, r, now);
        this.event(c.id, now, 'accepted', agentId, r.id, { explanation: `agent ${agentId} accepted contact ${c.id}` });
        this.signal(`contact:${c.id}`, `agent:${agentId}`);
        return { contact };
      }
      const q = this.queueOf(c.queueId!);
      const queue = policyQueue(q, c.language);
      const a = this.state.agent(agentId)!;
      const why = a.presence ? resolveOffer(offerOf(r, queue.id), 'accepted', toAgent(a, a.presence, []), policyContact(c, queue.id), now).explanation : 'offer timed out';
      this.applyFailedOffer(c, r, now, 'timeout', why);
      this.afterRequeue(r, now);
      return { expired: true };
    });
    if ('expired' in out) throw conflict('offer.expired', `offer ${reservationId} expired before it was accepted; the contact went to the next agent`);
    return out.contact;
  }

  rejectOffer(agentId: string, reservationId: string, now: Date): void {
    this.atomically(() => {
      const { c, r } = this.offerOfAgent(agentId, reservationId);
      this.applyFailedOffer(c, r, now, 'rejected', `agent ${agentId} rejected contact ${c.id}`);
      this.afterRequeue(r, now);
    });
  }

  /** lockOffer and the open-offer check of acceptOffer / rejectOffer. */
  private offerOfAgent(agentId: string, reservationId: string): { c: ContactRecord; r: ReservationRecord } {
    const r = this.state.reservation(reservationId);
    const c = r && this.state.contact(r.contactId);
    if (!r || r.agentId !== agentId || !c) throw notFound('offer', reservationId);
    if (r.status !== 'offered') throw conflict('offer.not_open', `offer ${reservationId} is ${r.status}`);
    return { c, r };
  }

  /**
   * The agent completes a contact in hand; the agent goes into wrap-up (or is offered work when there
   * is none). A phone call in progress is not completed here: it ends when the telephony reports it.
   */
  complete(agentId: string, contactId: string, wrapUpSeconds: number | undefined, now: Date): ContactRecord {
    return this.atomically(() => {
      const c = this.state.contact(contactId);
      if (!c) throw notFound('contact', contactId);
      const r = this.state.liveReservation(c.id);
      // Ended already, or in another agent's hands (a repeated complete is a conflict, not a missing contact).
      if (!r || r.agentId !== agentId) throw deskRefusal.notInHand(contactId, agentId);
      if (r.status !== 'accepted') throw conflict('contact.not_accepted', `contact ${contactId} has not been accepted yet`);
      if (telephonyDecidesAnswerAndEnd(c)) throw deskRefusal.callInProgress(contactId);
      const ended = this.finish(c, r, now, wrapUpSeconds, 'completed');
      this.offerWorkTo(agentId, now);
      this.signal(`agent:${agentId}`, `contact:${contactId}`);
      return ended;
    });
  }

  transfer(agentId: string, contactId: string, target: { agentId?: string; queueId?: string }, now: Date): ContactRecord {
    const targetProblem = deskRefusal.transferTarget(target);
    if (targetProblem) throw targetProblem;
    return this.atomically(() => {
      const toQueue = target.queueId ? this.queueOf(target.queueId) : null;
      const c = this.state.contact(contactId);
      if (!c) throw notFound('contact', contactId);
      const r = this.state.liveReservation(c.id);
      if (!r || r.agentId !== agentId || r.status !== 'accepted') throw deskRefusal.notInHand(contactId, agentId);
      if (telephonyDecidesAnswerAndEnd(c)) throw deskRefusal.transferOnPhone(contactId);
      if (toQueue && toQueue.channel !== c.channel) {
        throw unprocessable('validation.failed', 'The queue serves another channel', [{ field: 'queueId', rule: 'channel', message: `queue ${toQueue.id} is a ${toQueue.channel} queue` }]);
      }
      // A chat is not handed to a queue its calendar has closed, as a gateway's is not: nobody would
      // answer the customer there before the opening (the agent keeps it and picks another target).
      if (toQueue) refuseChatWhenClosed(c.channel, toQueue.id, toQueue.calendar, now);
      if (target.agentId) {
        if (target.agentId === agentId) throw deskRefusal.transferToSelf();
        const to = this.state.agent(target.agentId);
        if (!to) throw notFound('agent', target.agentId);
        if (!to.presence || !canReserve(to, to.presence, c.channel)) throw conflict('agent.unavailable', `agent ${target.agentId} cannot take a ${c.channel} contact now`);
        this.reserveAgent(target.agentId, c.channel, now);
      }
      this.resolveReservation(r, 'transferred', now);
      this.releaseAgent(agentId, c.channel, now);
      this.event(c.id, now, 'transferred', agentId, r.id, { toAgentId: target.agentId ?? null, toQueueId: target.queueId ?? null });
      const explanation = transferExplanation(c.explanation, { contactId: c.id, fromAgentId: agentId, toAgentId: target.agentId, toQueueId: target.queueId, now });
      if (target.agentId) {
        const q = this.queueOf(c.queueId!);
        this.patchContact(c, { status: 'offered', agentId: target.agentId, offerAttempts: c.offerAttempts + 1, explanation });
        this.recordOffer({ contactId: c.id, reservationId: this.newId(), agentId: target.agentId, channel: c.channel, now, timeoutSeconds: offerTimeoutSeconds(q), rule: 'transfer' });
      } else {
        const q = policyQueue(toQueue!, c.language);
        const deadline = contactDeadline({ id: c.id, channel: c.channel, queueId: q.id, arrivedAt: now, customerRef: c.id }, q, routingContext([toQueue!]));
        const moved = queueTransfer(c, agentId, toQueue!.id, deadline, now);
        this.patchContact(c, { ...moved.patch, explanation });
        this.event(c.id, now, 'queued', null, null, moved.queuedDetail);
        this.routeContact(c.id, now);
      }
      this.offerWorkTo(agentId, now);
      this.signal(`agent:${agentId}`, target.agentId && `agent:${target.agentId}`, `contact:${contactId}`);
      return this.state.contact(contactId)!;
    });
  }

  /**
   * A supervisor ends a stuck contact (POST /v1/contacts/{id}/end): one in hand is ended as if its
   * end had been reported, without wrap-up (the agent is released at once, to its pending state if
   * it asked for one, and offered work); one waiting or ringing is ended unanswered (its offer
   * cancelled). The timeline's `ended` event names who ended it. 409 contact.finished when it has
   * ended already.
   */
  endContact(contactId: string, by: ContactCloser, now: Date): ContactRecord {
    return this.atomically(() => {
      const c = this.state.contact(contactId);
      if (!c) throw notFound('contact', contactId);
      if (isFinished(c.status)) throw deskRefusal.finished(c.id, c.status);
      const r = this.state.liveReservation(c.id);
      if (c.status === 'connected' && r?.status === 'accepted') {
        const ended = this.finish(c, r, now, 0, 'ended', { endReason: SUPERVISOR_END_REASON, detail: supervisorEndDetail(by, c.status, null) });
        this.offerWorkTo(r.agentId, now);
        this.signal(`contact:${c.id}`, `agent:${r.agentId}`);
        return ended;
      }
      if (r) {
        this.resolveReservation(r, 'cancelled', now);
        this.releaseAgent(r.agentId, c.channel, now);
      }
      const ended = this.patchContact(c, { status: 'ended', endedAt: now, endReason: SUPERVISOR_END_REASON });
      this.event(c.id, now, 'ended', null, r?.id ?? null, supervisorEndDetail(by, c.status, r?.agentId ?? null));
      if (r) this.offerWorkTo(r.agentId, now);
      this.signal(`contact:${c.id}`, r && `agent:${r.agentId}`);
      return ended;
    });
  }

  // ---------------------------------------------------------------- agent state

  /**
   * The agent's declared state; capacity is refreshed from the agent's configuration (never below
   * the load in hand). A deactivated agent may only go offline (409 agent.inactive).
   *
   * A break or offline asked for while the agent is working — reserved (an offer out), busy (on a
   * contact) or in wrap-up — becomes its pending state: it keeps its real state and what it holds
   * (an offer out stays its to accept or reject), is offered nothing new, and takes the pending
   * state once nothing is left in hand and its wrap-up is over (releaseAgent, endWrapUps).
   * Available cancels a pending state. `atOnce` (deleting the agent): offline now or 409
   * agent.has_contacts, never pending. Offline for an agent not working but still holding offers
   * (not-responding, or on a break taken then, with a chat or email offer out) withdraws them
   * without blame (withdrawOffer) and routes their contacts again; with a contact accepted (in
   * hand) it is refused (409 agent.has_contacts), the contact to be finished first. A break keeps
   * the offers out: the agent is still at the desk, and they stay its to accept or let time out.
   */
  setAgentState(agentId: string, state: 'available' | 'break' | 'offline', reason: string | null, now: Date, opts: { atOnce?: boolean } = {}): PresenceRecord {
    return this.atomically(() => {
      const a = this.state.agent(agentId);
      if (!a) throw notFound('agent', agentId);
      if (state === 'break' && !reason) {
        throw unprocessable('validation.failed', 'A break needs a reason', [{ field: 'reason', rule: 'required', message: 'reason is required for state break' }]);
      }
      if (!a.active && state !== 'offline') throw deskRefusal.inactive(agentId);
      const p = a.presence;
      const breakReason = state === 'break' ? reason : null;
      if (p && state !== 'available' && isWorking(p.state) && !opts.atOnce) {
        this.savePresence({ ...p, pendingState: state, pendingReason: breakReason, capacity: capacityInForce(a, p.load) });
        this.signal(`agent:${agentId}`);
        return this.state.agent(agentId)!.presence!;
      }
      let withdrawn: ReservationRecord[] = [];
      if (state === 'offline' && p && totalLoad(p) > 0) {
        if (opts.atOnce) throw deskRefusal.hasContacts(agentId);
        const live = this.state.liveReservationsOf(agentId);
        const inHand = live.filter((r) => r.status === 'accepted').length;
        if (inHand > 0) throw deskRefusal.hasContactsInHand(agentId, inHand);
        withdrawn = live;
        for (const r of live) this.withdrawOffer(r, now, offlineWithdrawal(agentId));
      }
      return this.takeState(agentId, state, reason, now, withdrawn);
    });
  }

  /** setAgentState once it is not pending nor refused: the state from now, then the offers withdrawn on the way offered to others. */
  private takeState(agentId: string, state: 'available' | 'break' | 'offline', reason: string | null, now: Date, withdrawn: readonly ReservationRecord[]): PresenceRecord {
    const a = this.state.agent(agentId)!;
    const p = a.presence;
    const breakReason = state === 'break' ? reason : null;
    if (!p) {
      const load = { phone: 0, chat: 0, email: 0 };
      this.savePresence(
        { agentId, state, breakReason, capacity: capacityInForce(a, load), load, stateSince: now, idleSince: now, wrapUpUntil: null, pendingState: null, pendingReason: null },
        true,
      );
    } else {
      // Declared available with work in hand: busy, or reserved while it is only offered.
      const next = state === 'available' && totalLoad(p) > 0 ? this.heldState(agentId) : state;
      this.savePresence({
        ...p,
        state: next,
        breakReason,
        capacity: capacityInForce(a, p.load),
        stateSince: p.state === next ? p.stateSince : now,
        // Idle from now when coming back from break, wrap-up, not-responding or offline; a working agent's clock runs on.
        idleSince: state === 'available' && !isRoutable(p.state) ? now : p.idleSince,
        wrapUpUntil: null,
        pendingState: null,
        pendingReason: null,
      });
    }
    if (state === 'available') this.offerWorkTo(agentId, now);
    for (const r of withdrawn) this.afterRequeue(r, now);
    this.signal(`agent:${agentId}`);
    return this.state.agent(agentId)!.presence!;
  }

  /**
   * An offer withdrawn without blame (its agent logged out): reservation cancelled, agent released,
   * the contact back in its queue keeping its place and not excluded from the agent (a `requeued`
   * event naming the offer says why). The caller routes it again (afterRequeue).
   */
  private withdrawOffer(r: ReservationRecord, now: Date, why: string, owesPoll = true): void {
    const c = this.state.contact(r.contactId);
    this.resolveReservation(r, 'cancelled', now);
    this.releaseAgent(r.agentId, r.channel, now);
    if (!c) return;
    this.patchContact(c, { status: 'queued', agentId: null });
    // A polled call back in line is owed a new poll from now — unless the telephony never heard of
    // the offer (undeliveredWithdrawal): then it owes the poll it owed before.
    if (owesPoll && this.state.pollDueOf(c.id) !== undefined) this.state.extendPollDue(c.id, pollDueBy(this.catalog.queue(c.queueId!)?.settings, now, 0).getTime());
    this.event(c.id, now, 'requeued', r.agentId, r.id, { why, keepsArrivedAt: c.arrivedAt.toISOString() });
  }

  /**
   * Agents whose configuration changed (PUT /v1/agents/{id}: capacities, SIP URI, active): the
   * live presence takes the capacities in force at once (capacityInForce: nothing held is taken
   * away), and an active, routable agent with room — more of it, or active again — is offered
   * waiting work. Agents unknown or never logged in: nothing.
   */
  reconfigureAgents(agentIds: string[], now: Date): void {
    this.atomically(() => {
      for (const agentId of agentIds) {
        const a = this.state.agent(agentId);
        const p = a?.presence;
        if (!a || !p) continue;
        const capacity = capacityInForce(a, p.load);
        if (CHANNELS.some((ch) => capacity[ch] !== p.capacity[ch])) this.savePresence({ ...p, capacity });
        this.offerWorkTo(agentId, now);
        this.signal(`agent:${agentId}`);
      }
    });
  }

  // ---------------------------------------------------------------- telephony events

  /** `POST /v1/routing/events`: unknown calls, duplicates and events of an earlier offer are answered, not applied. */
  telephonyEvent(ev: TelephonyEvent, now: Date): { applied: boolean; detail: string } {
    return this.atomically(() => {
      const c = this.state.contactByCallId(ev.callId);
      if (!c) {
        const finished = this.state.finishedCall(ev.callId);
        return finished ? { applied: false, detail: `contact is ${finished.status}` } : { applied: false, detail: 'unknown call id' };
      }
      const r = this.state.liveReservation(c.id);
      const ofThisOffer = eventConcernsLiveOffer(ev, r ?? null, c);
      const open = c.status === 'queued' || c.status === 'offered';
      const detail = telephonyDetail(ev);
      if (open && telephonyDecidesAnswerAndEnd(c) && ev.event === 'answered' && !(ofThisOffer && r)) {
        const late = lateAnsweredOffer(ev, this.state.lastResolvedReservation(c.id));
        if (late && this.answerLate(c, late, r, now, now, detail)) return { applied: true, detail: 'answered after its offer timed out: agent busy' };
      }
      if (open && telephonyDecidesAnswerAndEnd(c) && (ev.event === 'ended' || ev.event === 'abandoned')) {
        // Talked, though its answered never came: the agent of the timed-out offer took the call.
        const talked = lateTalkedOffer(ev, this.state.lastResolvedReservation(c.id), r ?? null, now);
        if (talked && this.answerLate(c, talked.offer, r, talked.answeredAt, now, { inferredFrom: ev.event, ...detail })) {
          const held = this.state.reservation(talked.offer.id)!;
          this.finish(this.state.contact(c.id)!, held, now, undefined, 'ended');
          this.offerWorkTo(held.agentId, now);
          this.signal(`contact:${c.id}`, `agent:${held.agentId}`);
          return { applied: true, detail: 'answered after its offer timed out, and ended: agent in wrap-up' };
        }
      }
      if (!ofThisOffer) return { applied: false, detail: 'event of an earlier offer' };
      switch (ev.event) {
        case 'answered': {
          if (c.status !== 'offered' || !r || r.status !== 'offered') break;
          this.accept(c, r, now);
          this.event(c.id, now, 'accepted', r.agentId, r.id, null);
          this.event(c.id, now, 'answered', r.agentId, r.id, detail);
          this.signal(`contact:${c.id}`, `agent:${r.agentId}`);
          return { applied: true, detail: 'agent busy' };
        }
        // A caller who hangs up after being answered ends the call, whichever of the two the PBX reports.
        case 'ended':
        case 'abandoned': {
          if (c.status === 'connected' && r) {
            this.finish(c, r, now, undefined, 'ended');
            this.offerWorkTo(r.agentId, now);
            this.signal(`contact:${c.id}`, `agent:${r.agentId}`);
            return { applied: true, detail: 'agent in wrap-up' };
          }
          // It overtook the call's answered: the call was talked, so it was answered, then ended.
          const answeredAt = answeredBeforeEnded(ev, r ?? null, c, now);
          if (answeredAt && r) {
            const connected = this.accept(c, r, answeredAt);
            this.event(c.id, answeredAt, 'accepted', r.agentId, r.id, null);
            this.event(c.id, answeredAt, 'answered', r.agentId, r.id, { inferredFrom: ev.event, ...detail });
            this.finish(connected, this.state.reservation(r.id)!, now, undefined, 'ended');
            this.offerWorkTo(r.agentId, now);
            this.signal(`contact:${c.id}`, `agent:${r.agentId}`);
            return { applied: true, detail: 'answered and ended, agent in wrap-up' };
          }
          if (open && c.kind !== 'callback') return this.abandon(c, r, now, detail);
          break;
        }
        case 'rejected':
        case 'agent_failed': {
          if (c.status !== 'offered' || !r || r.status !== 'offered') break;
          this.applyFailedOffer(c, r, now, ev.event === 'rejected' ? 'rejected' : 'agent-failed', `telephony reported ${ev.event}${ev.sipCode ? ` (SIP ${ev.sipCode})` : ''}`);
          this.routeContact(c.id, now);
          this.signal(`contact:${c.id}`, `agent:${r.agentId}`);
          return { applied: true, detail: 'agent not-responding, contact re-routed' };
        }
        case 'fallback_failed':
        case 'failed': {
          if (isFinished(c.status)) break;
          if (r) {
            this.resolveReservation(r, 'cancelled', now);
            this.releaseAgent(r.agentId, c.channel, now);
          }
          this.patchContact(c, { status: 'failed', endedAt: now, endReason: ev.event });
          this.event(c.id, now, 'failed', r?.agentId ?? null, r?.id ?? null, detail);
          if (r) this.offerWorkTo(r.agentId, now);
          this.signal(`contact:${c.id}`, r && `agent:${r.agentId}`);
          return { applied: true, detail: 'contact failed' };
        }
        default:
          return { applied: false, detail: 'unknown event' };
      }
      this.signal(`contact:${c.id}`, r && `agent:${r.agentId}`);
      return { applied: false, detail: `contact is ${c.status}` };
    });
  }

  /**
   * `POST /v1/contacts/{id}/abandon`: the gateway says the customer of a queued or offered chat,
   * email or callback left; it ends abandoned, an outstanding offer is withdrawn and its agent
   * released and offered other work (abandonRefusal says what is refused).
   */
  abandonContact(contactId: string, now: Date): ContactRecord {
    return this.atomically(() => {
      const c = this.state.contact(contactId);
      if (!c) throw notFound('contact', contactId);
      const refusal = abandonRefusal(c);
      if (refusal) throw refusal;
      this.abandon(c, this.state.liveReservation(c.id), now, { reportedBy: 'gateway' });
      return this.state.contact(contactId)!;
    });
  }

  /**
   * A waiting caller asked to be called back: the contact keeps its place and is routed in its turn.
   * `number`: the number the caller keyed in to the IVR (in its one form, as callers are found), for a caller whose
   * own number is withheld — it finds or makes that number's customer, whose previous agent is then
   * preferred as for any call. A caller whose number is known is called back on it (another number
   * is refused: callbackNumberKnown).
   */
  requestCallback(callId: string, now: Date, number?: string): ContactRecord {
    return this.atomically(() => {
      const c = this.state.contactByCallId(callId);
      if (!c) {
        const finished = this.state.finishedCall(callId);
        if (!finished) throw callNotFound();
        throw conflict('contact.not_waiting', `the call is ${finished.status}, not waiting`);
      }
      if (c.kind === 'callback') return c;
      if (c.status !== 'queued') throw conflict('contact.not_waiting', `the call is ${c.status}, not waiting`);
      const plan = callbackCustomer(c.customerId === null ? undefined : this.state.customer(c.customerId), number);
      let patch: Partial<ContactRecord> = { kind: 'callback' };
      if (plan.kind === 'given') {
        const q = c.queueId ? this.catalog.queue(c.queueId) : undefined;
        let customer = this.state.customerByPhone(plan.number);
        const previousAgentId = q ? previousAgentOf(customer, q.settings, now) : undefined;
        customer ??= this.saveCustomer({ id: this.newId(), phoneNumber: plan.number, externalRef: null, lastAgentId: null, lastContactAt: null }, true);
        patch = { ...patch, customerId: customer.id, ...(previousAgentId ? { previousAgentId } : {}) };
      }
      const row = this.patchContact(c, patch);
      this.event(c.id, now, 'callback-requested', null, null, { keepsArrivedAt: c.arrivedAt.toISOString(), ...(plan.kind === 'given' ? { numberKeyedIn: true } : {}) });
      return row;
    });
  }

  // ---------------------------------------------------------------- scheduled work

  /**
   * One scheduler tick: waiting calls whose polls stopped, offers past their timeout, contacts held
   * past their queue's maximum duration, wrap-ups over, then the sweep (widening over waiting time
   * happens here). The poll deadlines changed since the last tick go with its changes.
   */
  tick(now: Date): { unpolled: number; expired: number; overdue: number; wrapUps: number; swept: number } {
    const out = this.atomically(() => {
      // First: a call presumed gone is never offered by this tick's work.
      const unpolled = this.endUnpolledCalls(now);
      const expired = this.expireOffers(now);
      const overdue = this.endOverdueContacts(now);
      const wrapUps = this.endWrapUps(now);
      const swept = this.sweep(now);
      return { unpolled, expired, overdue, wrapUps, swept };
    });
    mergeChangeSets(this.pending, { ...emptyChangeSet(), pollDeadlines: this.state.takePollDeadlines() });
    return out;
  }

  /**
   * Waiting calls presumed gone (a lost `abandoned`): a call the telephony long-polled and then
   * stopped polling, past its deadline (pollDueBy), while it waits in line, ends abandoned — end
   * reason `no-poll`, an `abandoned` event saying so — and its place goes to the callers behind it.
   * Never a call that was not polled (a proxy that does not long-poll), one ringing at an agent
   * (its offer times out first and puts it back in line with a new deadline), nor a callback.
   * Deadlines of calls answered or finished meanwhile are dropped here.
   */
  private endUnpolledCalls(now: Date): number {
    let ended = 0;
    for (const { contactId, dueBy } of this.state.pollsDueBy(now.getTime(), UNPOLLED_BATCH)) {
      const c = this.state.contact(contactId);
      if (!c || !watchedForPolls(c) || (c.status !== 'queued' && c.status !== 'offered')) {
        this.state.forgetPollDue(contactId);
        continue;
      }
      if (c.status !== 'queued') continue;
      this.abandon(c, undefined, now, noPollDetail(new Date(dueBy)), NO_POLL_END_REASON);
      this.state.forgetPollDue(contactId);
      ended++;
    }
    return ended;
  }

  /**
   * Contacts in an agent's hands for longer than their queue's maximum contact duration (the
   * telephony's `ended` was lost, the desk never completed): ended as if reported — timeline event
   * `ended` saying why, no wrap-up — and the agent released (to its pending state, if it asked for
   * one) and offered work. Reads only the reservations held longer than the shortest maximum of any
   * queue (RoutingState.heldSince), not every contact in hand.
   */
  private endOverdueContacts(now: Date): number {
    const shortest = this.catalog.shortestMaxContactSeconds?.() ?? MAX_CONTACT_SECONDS_RANGE.min;
    const released: string[] = [];
    for (const r of this.state.heldSince(new Date(now.getTime() - shortest * 1000))) {
      if (released.length >= OVERDUE_BATCH) break;
      const c = this.state.contact(r.contactId);
      if (!c || c.status !== 'connected') continue;
      const max = maxContactSecondsOf(c.queueId ? this.catalog.queue(c.queueId)?.settings : null, c.channel);
      if ((r.resolvedAt ?? r.offeredAt).getTime() + max * 1000 > now.getTime()) continue;
      this.finish(c, r, now, 0, 'ended', { endReason: MAX_DURATION_END_REASON, detail: maxDurationDetail(max) });
      this.signal(`contact:${c.id}`);
      released.push(r.agentId);
    }
    for (const agentId of released) {
      this.offerWorkTo(agentId, now);
      this.signal(`agent:${agentId}`);
    }
    return released.length;
  }

  /** Offers past their timeout: agent not-responding, contact back in its queue, then routed again. */
  private expireOffers(now: Date): number {
    const due = [...this.state.openOffers()]
      .filter((r) => r.expiresAt.getTime() <= now.getTime())
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : 1))
      .slice(0, EXPIRE_BATCH);
    const done: ReservationRecord[] = [];
    let gone = 0;
    for (const r of due) {
      const c = this.state.contact(r.contactId);
      if (!c) continue;
      if (!offerReachedTelephony(r, c, this.state.offerDelivered(r.id))) {
        // Never rang: no blame. A call whose poll deadline has passed meanwhile is presumed gone.
        const dueBy = this.state.pollDueOf(c.id);
        if (dueBy !== undefined && dueBy <= now.getTime()) {
          this.abandon(c, r, now, noPollDetail(new Date(dueBy)), NO_POLL_END_REASON);
          this.state.forgetPollDue(c.id);
          gone++;
          continue;
        }
        this.withdrawOffer(r, now, undeliveredWithdrawal(r.agentId), false);
        done.push(r);
        continue;
      }
      const q = c.queueId ? this.catalog.queue(c.queueId) : undefined;
      const queueId = q ? policyQueue(q, c.language).id : (c.queueId ?? '');
      const a = this.state.agent(r.agentId);
      const why = a?.presence ? resolveOffer(offerOf(r, queueId), 'timeout', toAgent(a, a.presence, []), policyContact(c, queueId), now).explanation : 'offer timed out';
      this.applyFailedOffer(c, r, now, 'timeout', why);
      done.push(r);
    }
    for (const r of done) this.afterRequeue(r, now);
    return done.length + gone;
  }

  private endWrapUps(now: Date): number {
    const due: PresenceRecord[] = [];
    for (const a of this.state.agents()) {
      const p = a.presence;
      if (p && p.state === 'wrap-up' && p.wrapUpUntil && p.wrapUpUntil.getTime() <= now.getTime()) due.push(p);
    }
    due.sort((a, b) => a.wrapUpUntil!.getTime() - b.wrapUpUntil!.getTime() || (a.agentId < b.agentId ? -1 : 1));
    const ids = due.slice(0, WRAP_UP_BATCH).map((p) => p.agentId);
    for (const id of ids) {
      const p = this.state.agent(id)!.presence!;
      // Its pending break or offline, if it asked for one, begins now.
      const next = totalLoad(p) > 0 ? { ...p, state: this.heldState(id) } : rested(p, now);
      this.savePresence({ ...next, stateSince: now, idleSince: now, wrapUpUntil: null });
    }
    for (const id of ids) {
      this.offerWorkTo(id, now);
      this.signal(`agent:${id}`);
    }
    return ids.length;
  }

  /** agentsWithRoomAndWaitingWork (longest idle first), each offered work. */
  private sweep(now: Date): number {
    const waitingQueues: CoreQueue[] = [];
    for (const queueId of this.state.waitingQueueIds()) {
      const q = this.catalog.queue(queueId);
      if (q && !waitsForOpening(q.channel, q.calendar, now)) waitingQueues.push(q);
    }
    if (!waitingQueues.length) return 0;
    const candidates: AgentRecord[] = [];
    for (const a of this.state.agents()) {
      const p = a.presence;
      if (!a.active || !p || !isRoutable(p.state) || p.pendingState || p.load.phone !== 0) continue;
      const hasWork = waitingQueues.some(
        (q) =>
          (q.departmentId === a.departmentId || a.loans.some((l) => loanCoversNow(l, q, now))) &&
          (q.channel === 'phone' ? p.load.phone < p.capacity.phone && p.load.chat === 0 : p.load[q.channel] < p.capacity[q.channel]),
      );
      if (hasWork) candidates.push(a);
    }
    candidates.sort((a, b) => a.presence!.idleSince.getTime() - b.presence!.idleSince.getTime() || (a.agentId < b.agentId ? -1 : 1));
    let n = 0;
    for (const a of candidates.slice(0, SWEEP_AGENTS)) n += this.offerWorkTo(a.agentId, now);
    return n;
  }
}
