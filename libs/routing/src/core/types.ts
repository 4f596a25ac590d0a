/**
 * The in-memory routing core's data: what one owner process keeps of the live routing state, and
 * the row changes it hands to the writer. Plain data mirroring the stored rows (contacts,
 * reservations, agent_presence, customers, contact_events), so that the writer stores a change
 * without translating it and the loader rebuilds the state from the tables after a restart or a
 * takeover. No I/O here: the core changes these records synchronously and records what changed.
 */
import type { Channel } from '../../../core/src/channel.js';
import type { IdempotencyClaim, IdempotencyKeyRecord } from '../../../core/src/idempotency.js';
import type { AgentState, BusinessClock, PendingAgentState, Queue, WideningStep } from '../model.js';
import type { CustomerLinkPlan } from './customer-link.js';

export type ContactStatus = 'queued' | 'offered' | 'connected' | 'ended' | 'abandoned' | 'rejected' | 'failed';
export type ContactKind = 'inbound' | 'callback';
export type ReservationStatus = 'offered' | 'accepted' | 'completed' | 'rejected' | 'expired' | 'cancelled' | 'failed' | 'transferred';
export type ContactEventType =
  | 'queued'
  | 'reserved'
  | 'offered'
  | 'accepted'
  | 'rejected'
  | 'timeout'
  | 'answered'
  | 'ended'
  | 'abandoned'
  | 'failed'
  | 'agent-failed'
  | 'requeued'
  | 'transferred'
  | 'callback-requested'
  | 'completed'
  | 'decision-rejected';

/** A queue's routing settings (queue_routing_settings, or the defaults). */
export interface CoreQueueSettings {
  wrapUpSeconds: number;
  offerTimeoutSeconds: number | null;
  callbackThresholdSeconds: number | null;
  fallbackTarget: string | null;
  meanHandleSeconds: number;
  /** The policy's knobs for this queue; null = the policy's default (DEFAULT_ROUTING_CONFIG, defaultWideningSteps). */
  wideningSteps: WideningStep[] | null;
  lentAgentDelaySeconds: number | null;
  previousAgentPreferenceSeconds: number | null;
  /** How far back the customer's last agent counts as the previous agent; null = PREVIOUS_AGENT_LOOKBACK_DAYS. */
  previousAgentLookbackDays: number | null;
  emailBlendingThresholdSeconds: number | null;
  /**
   * The longest a contact stays in an agent's hands (since its agent took it) before the routing
   * sweep ends it as if the end had been reported (a lost `ended`); null = the channel's default
   * (DEFAULT_MAX_CONTACT_SECONDS).
   */
  maxContactSeconds: number | null;
  /**
   * A waiting phone call that has long-polled its decision and then stopped is presumed gone (its
   * caller hung up and the `abandoned` was lost) once no poll came for the last poll's waitSeconds
   * plus this grace (never less than MIN_POLL_SILENCE_SECONDS after that poll began); null =
   * DEFAULT_POLL_GRACE_SECONDS. Phone queues only.
   */
  pollGraceSeconds: number | null;
}

/**
 * The grace after a long poll's wait when its queue does not say. The proxy polls again as soon as
 * a poll answers; 30 s covers a dozen of its 2-second timeouts in a row, an API instance restarting
 * or the routing owner moving (about 2 s), before a live caller is taken for gone.
 */
export const DEFAULT_POLL_GRACE_SECONDS = 30;
/**
 * However short the poll and its grace, a polled call is presumed gone no sooner than this after
 * its last poll began: a proxy that polls without waiting (waitSeconds=0, every second or two) is
 * not judged on a few missed polls. With waitSeconds at most 30 and the default grace, a call goes
 * 60 s after its last poll began — about as long as callers wait before they hang up (PRODUCT.md).
 */
export const MIN_POLL_SILENCE_SECONDS = 60;
/** The range a queue's pollGraceSeconds may be set in (the check queue_routing_settings_poll_grace_range). */
export const POLL_GRACE_SECONDS_RANGE = { min: 30, max: 3600 } as const;

/**
 * When a waiting call polled at `polledAt` for `waitSeconds` is presumed gone if no poll follows:
 * the poll's wait plus the queue's grace, at least MIN_POLL_SILENCE_SECONDS after `polledAt`. A call
 * that goes back to its queue after an offer that failed (the proxy got an agent and stopped
 * polling while it rang) counts as polled then with no wait.
 */
export function pollDueBy(s: Pick<CoreQueueSettings, 'pollGraceSeconds'> | null | undefined, polledAt: Date, waitSeconds: number): Date {
  const grace = s?.pollGraceSeconds ?? DEFAULT_POLL_GRACE_SECONDS;
  return new Date(polledAt.getTime() + Math.max(waitSeconds + grace, MIN_POLL_SILENCE_SECONDS) * 1000);
}

/** Whether the lost-`abandoned` safety net watches the contact: an inbound phone call (a callback's caller is not on the line). */
export function watchedForPolls(c: { channel: Channel; kind: ContactKind }): boolean {
  return c.channel === 'phone' && c.kind === 'inbound';
}

/**
 * Whether the telephony system was told of an offer, so that its timing out says the agent did not
 * pick up: always, except for an inbound call's offer made after the call's first decision — that
 * one reaches the PBX only through a long poll (`delivered`: a poll answered with it). A PBX still
 * ringing the agent of an earlier offer that timed out is not polling; the offer made meanwhile to
 * the next agent never rang, and its timing out is no fault of that agent.
 */
export function offerReachedTelephony(r: { id: string }, c: { channel: Channel; kind: ContactKind; decisionId: string }, delivered: boolean): boolean {
  return delivered || !watchedForPolls(c) || r.id === c.decisionId;
}

/** How long a contact may stay in an agent's hands when its queue does not say: 4 h for a call or a chat, a day for an email. */
export const DEFAULT_MAX_CONTACT_SECONDS: Readonly<Record<Channel, number>> = { phone: 4 * 3600, chat: 4 * 3600, email: 24 * 3600 };
/** The range a queue's maxContactSeconds may be set in (5 minutes to 7 days; the check queue_routing_settings_max_contact_range). */
export const MAX_CONTACT_SECONDS_RANGE = { min: 300, max: 7 * 24 * 3600 } as const;

/** The maximum contact duration in force for a contact of `channel` in a queue with settings `s`. */
export function maxContactSecondsOf(s: Pick<CoreQueueSettings, 'maxContactSeconds'> | null | undefined, channel: Channel): number {
  return s?.maxContactSeconds ?? DEFAULT_MAX_CONTACT_SECONDS[channel];
}

/** The settings of a queue without a queue_routing_settings row (the API's DEFAULT_SETTINGS). */
export const DEFAULT_QUEUE_SETTINGS: CoreQueueSettings = {
  wrapUpSeconds: 30,
  offerTimeoutSeconds: null,
  callbackThresholdSeconds: null,
  fallbackTarget: null,
  meanHandleSeconds: 300,
  wideningSteps: null,
  lentAgentDelaySeconds: null,
  previousAgentPreferenceSeconds: null,
  previousAgentLookbackDays: null,
  emailBlendingThresholdSeconds: null,
  maxContactSeconds: null,
  pollGraceSeconds: null,
};

/** How far back the customer's last agent counts as its previous agent when a queue does not say. */
export const PREVIOUS_AGENT_LOOKBACK_DAYS = 30;

/** The policy queue's per-queue knobs from the queue's settings (null settings keep the policy's defaults). */
export function withPolicySettings(policy: Queue, s: CoreQueueSettings): Queue {
  return {
    ...policy,
    ...(s.wideningSteps !== null ? { widening: s.wideningSteps } : {}),
    ...(s.lentAgentDelaySeconds !== null ? { lentAgentDelaySeconds: s.lentAgentDelaySeconds } : {}),
    ...(s.previousAgentPreferenceSeconds !== null ? { previousAgentPreferenceSeconds: s.previousAgentPreferenceSeconds } : {}),
    ...(s.emailBlendingThresholdSeconds !== null ? { emailBlendingThresholdSeconds: s.emailBlendingThresholdSeconds } : {}),
  };
}

/** The customer's last agent when it was in contact within the queue's look-back (its previous agent for a contact of that queue), else null. */
export function previousAgentOf(customer: { lastAgentId: string | null; lastContactAt: Date | null } | null | undefined, s: CoreQueueSettings, now: Date): string | null {
  if (!customer?.lastAgentId || !customer.lastContactAt) return null;
  return now.getTime() - customer.lastContactAt.getTime() < (s.previousAgentLookbackDays ?? PREVIOUS_AGENT_LOOKBACK_DAYS) * 86_400_000 ? customer.lastAgentId : null;
}

/** A stored queue as the core routes it: the policy's queue, its business calendar and settings. */
export interface CoreQueue {
  id: string;
  departmentId: string;
  channel: Channel;
  /** null: the queue takes each contact's language (policy queue id `<id>#<language>`). */
  language: string | null;
  policy: Queue;
  calendar: QueueCalendar;
  settings: CoreQueueSettings;
}

/** A queue's business calendar as routing uses it (libs/calendar's BusinessCalendar implements it). */
export type QueueCalendar = BusinessClock & {
  isOpen(at: Date): boolean;
  /** `from` when open then, else the start of the next opening; null when it never opens again. */
  nextOpening?(from: Date): Date | null;
};

/**
 * Whether a waiting contact of a queue waits for the queue to open before it is offered. An email
 * arrives at any hour and is answered in business time (its deadline is counted in the queue's open
 * seconds), so it is offered only while its queue is open: one that arrives at night waits for the
 * opening, not for whoever happens to be logged in. Calls and chats are refused while their queue
 * is closed (SIP 480, 409 queue.closed), so a waiting one was accepted while the queue was open and
 * is still served after closing time by the agents still at work.
 */
/** The end reason of a contact whose customer switched channel while waiting (switchEvents). */
export const SWITCHED_END_REASON = 'switched';

/**
 * A channel switch (NewContactInput.switchedFrom): the new contact keeps the original's place in
 * line — its arrivedAt, so its deadline in the new queue counts from the original arrival, as a
 * callback keeps the call's — and the original ends switched. Both timelines link the other: the
 * original's `ended` event (no agent, or the agent whose offer was withdrawn) and the new contact's
 * `queued` event.
 */
export function switchEvents(original: Pick<ContactRecord, 'id' | 'channel' | 'arrivedAt'>, switched: { id: string; channel: Channel; queueId: string }): {
  endReason: typeof SWITCHED_END_REASON;
  originalDetail: Record<string, unknown>;
  queuedDetail: Record<string, unknown>;
} {
  return {
    endReason: SWITCHED_END_REASON,
    originalDetail: { reason: 'switched', switchedTo: switched.id, toChannel: switched.channel },
    queuedDetail: { queueId: switched.queueId, switchedFrom: original.id, fromChannel: original.channel, keepsArrivedAt: original.arrivedAt.toISOString() },
  };
}

export function waitsForOpening(channel: Channel, calendar: Pick<QueueCalendar, 'isOpen'>, now: Date): boolean {
  return channel === 'email' && !calendar.isOpen(now);
}

/** Queue definitions and entry points, looked up synchronously (the owner keeps them loaded). */
export interface CoreCatalog {
  queue(queueId: string): CoreQueue | undefined;
  /** The queue an entry point (called number) maps to. */
  queueIdForCalledNumber(calledNumber: string): string | undefined;
  /**
   * The shortest maximum contact duration of any queue (seconds): the max-duration check looks only
   * at contacts held longer. Without it, MAX_CONTACT_SECONDS_RANGE.min.
   */
  shortestMaxContactSeconds?(): number;
}

/** An active loan of an agent to another department (queueId null = all its queues), [from, to). */
export interface LoanRecord {
  departmentId: string;
  queueId: string | null;
  from: Date;
  to: Date;
}

/** The agent_presence row of an agent who has logged in at least once. */
export interface PresenceRecord {
  agentId: string;
  state: AgentState;
  breakReason: string | null;
  capacity: Record<Channel, number>;
  load: Record<Channel, number>;
  stateSince: Date;
  idleSince: Date;
  wrapUpUntil: Date | null;
  /**
   * The break or offline the agent asked for while it was working (reserved, busy, wrap-up): it
   * keeps `state`, is offered nothing new, and takes this state (with `pendingReason` as its break
   * reason) once nothing is left in hand and its wrap-up is over. null: none asked for.
   */
  pendingState: PendingAgentState | null;
  /** The reason of a pending break (null otherwise). */
  pendingReason: string | null;
}

/** An agent: the static routing data (agents, agent_skills, loans rows) and its presence. */
export interface AgentRecord {
  agentId: string;
  departmentId: string;
  phoneUri: string | null;
  active: boolean;
  /** The agent's configured capacities (agents row); presence takes them on a declared state change. */
  configuredCapacity: Record<Channel, number>;
  skills: Record<string, number>;
  /** The agent's active loans (status 'active'), any window. */
  loans: LoanRecord[];
  /** null: never logged in (no agent_presence row yet). */
  presence: PresenceRecord | null;
}

/** A contacts row (personal data included: it is stored, never logged nor explained). */
export interface ContactRecord {
  id: string;
  channel: Channel;
  kind: ContactKind;
  status: ContactStatus;
  queueId: string | null;
  callId: string | null;
  decisionId: string;
  decision: Record<string, unknown> | null;
  customerId: string | null;
  customerRef: string | null;
  callerName: string | null;
  calledNumber: string | null;
  language: string | null;
  subject: string | null;
  arrivedAt: Date;
  deadline: Date;
  priorityBoostSeconds: number;
  previousAgentId: string | null;
  excludedAgentIds: string[];
  offerAttempts: number;
  agentId: string | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  explanation: Record<string, unknown> | null;
  createdAt: Date;
}

export interface ReservationRecord {
  id: string;
  contactId: string;
  agentId: string;
  channel: Channel;
  status: ReservationStatus;
  offeredAt: Date;
  expiresAt: Date;
  resolvedAt: Date | null;
}

/** A customers row: found by the caller's number (phone) or the gateway's reference (chat, email). */
export interface CustomerRecord {
  id: string;
  phoneNumber: string | null;
  externalRef: string | null;
  lastAgentId: string | null;
  lastContactAt: Date | null;
}

/** One contact_events row (the id is the table's sequence). */
export interface EventRecord {
  contactId: string;
  at: Date;
  type: ContactEventType;
  agentId: string | null;
  reservationId: string | null;
  detail: Record<string, unknown> | null;
}

/**
 * The rows one or more core operations changed: each changed row as it is now (insert when
 * `isNew`, else update of the whole row) and the timeline rows appended, in order. The writer
 * stores a change set in one statement and one commit; the core merges the change sets of
 * consecutive operations (a row inserted and then updated before the write stays one insert).
 */
export interface ChangeSet {
  contacts: Map<string, { row: ContactRecord; isNew: boolean }>;
  reservations: Map<string, { row: ReservationRecord; isNew: boolean }>;
  /** Keyed by agent id. */
  presence: Map<string, { row: PresenceRecord; isNew: boolean }>;
  customers: Map<string, { row: CustomerRecord; isNew: boolean }>;
  /**
   * Customer links (a reference and a number made one customer), in operation order: they change
   * identifiers, which `customers` never writes back on update, and they move a merged customer's
   * contacts and delete its row, so the writer applies them first, in one transaction with the rest
   * (libs/persistence customer-links.ts). A link's customer is then an update in `customers` (the
   * link inserts a new one), and a merged customer is not in it (see withLink).
   */
  customerLinks: CustomerLinkPlan[];
  events: EventRecord[];
  /**
   * Each presence state that ended (report_agent_states rows): recorded by the core at every state
   * change, because a change set keeps only a row's last version and a trigger on the stored row
   * would see one merged change.
   */
  agentStates: AgentStateSpan[];
  /**
   * Waiting calls' poll deadlines (contacts.poll_due_by, see pollDueBy) by contact id: recorded by
   * the polls in memory only and handed on by the tick, once a second, so that an owner that takes
   * over knows which calls were polled and until when. A poll itself writes nothing.
   */
  pollDeadlines: Map<string, Date>;
  /**
   * The first uses of `Idempotency-Key`s (POST /v1/contacts), inserted with their contacts in the
   * same statement: a contact handed in with a key never exists without its record, nor the record
   * without the contact (contact_idempotency_keys). Empty but for hand-ins that carry the header.
   */
  idempotencyKeys: IdempotencyKeyRecord[];
}

/** A state an agent was in over [startedAt, endedAt). */
export interface AgentStateSpan {
  agentId: string;
  state: AgentState;
  startedAt: Date;
  endedAt: Date;
}

export function emptyChangeSet(): ChangeSet {
  return { contacts: new Map(), reservations: new Map(), presence: new Map(), customers: new Map(), customerLinks: [], events: [], agentStates: [], pollDeadlines: new Map(), idempotencyKeys: [] };
}

export function isEmptyChangeSet(c: ChangeSet): boolean {
  return !c.contacts.size && !c.reservations.size && !c.presence.size && !c.customers.size && !c.customerLinks.length && !c.events.length && !c.agentStates.length && !c.pollDeadlines.size && !c.idempotencyKeys.length;
}

/**
 * The customer changes recorded before `link`, as they must be written after it: the merged
 * customer's row is gone (an insert or update of it recorded earlier is dropped: its contacts carry
 * the new customer in their later versions), and the link's customer is an update (the link's own
 * statements insert it when it is not in the table yet).
 */
export function withLink(customers: ChangeSet['customers'], link: CustomerLinkPlan): void {
  if (link.merged) customers.delete(link.merged.id);
  const survivor = customers.get(link.customer.id);
  if (survivor?.isNew) customers.set(link.customer.id, { row: survivor.row, isNew: false });
}

/**
 * Appends `later` to `into` (both in operation order): a row keeps `isNew` from its first change
 * and the version of its last, so a row inserted and then updated before the write stays one insert;
 * the customer links of `later` apply to the customer changes of `into` (withLink).
 */
export function mergeChangeSets(into: ChangeSet, later: ChangeSet): ChangeSet {
  const mergeMap = <T>(a: Map<string, { row: T; isNew: boolean }>, b: Map<string, { row: T; isNew: boolean }>): void => {
    for (const [id, change] of b) {
      const before = a.get(id);
      a.set(id, { row: change.row, isNew: before ? before.isNew : change.isNew });
    }
  };
  mergeMap(into.contacts, later.contacts);
  mergeMap(into.reservations, later.reservations);
  mergeMap(into.presence, later.presence);
  for (const link of later.customerLinks) withLink(into.customers, link);
  mergeMap(into.customers, later.customers);
  into.customerLinks.push(...later.customerLinks);
  into.events.push(...later.events);
  into.agentStates.push(...later.agentStates);
  into.idempotencyKeys.push(...later.idempotencyKeys);
  for (const [id, at] of later.pollDeadlines) if (at.getTime() > (into.pollDeadlines.get(id)?.getTime() ?? Number.NEGATIVE_INFINITY)) into.pollDeadlines.set(id, at);
  return into;
}

/** `POST /v1/routing/decisions` (telephony contract): exactly one of agent, queue or reject. */
export type PhoneDecision =
  | { decisionId: string; decision: 'agent'; agentId: string; target: string }
  | { decisionId: string; decision: 'queue'; queueId: string; position: number; estimatedWaitSeconds: number | null; fallbackTarget?: string; callbackOffered?: boolean }
  | { decisionId: string; decision: 'reject'; sipCode: number; reason: string };

export interface PhoneDecisionInput {
  callId: string;
  callerId: string;
  callerName: string;
  calledNumber: string;
  language: string;
}

export type TelephonyEventName = 'answered' | 'ended' | 'abandoned' | 'rejected' | 'agent_failed' | 'fallback_failed' | 'failed';

/**
 * Whether a telephony event concerns the call's live offer (`live`: its reservation, null when the
 * call has none). Events of the agent's leg — answered, rejected, agent_failed — must name that
 * offer, when they name one: by its id (what the decision or the long poll answered), or by the
 * call's first decision id when that was a queue decision (the proxy may keep it), and by the
 * offer's agent. So a late or repeated event of an earlier offer — whose id is the call's first
 * decision id when the call went straight to an agent — never answers, rejects or fails the offer
 * made to the next agent. Events of the caller's leg — ended, abandoned, failed, fallback_failed —
 * concern the call whichever of its decision ids they carry.
 */
export function eventConcernsLiveOffer(
  ev: Pick<TelephonyEvent, 'event' | 'decisionId' | 'agentId'>,
  live: { id: string; agentId: string } | null,
  call: { decisionId: string; decision: Record<string, unknown> | null },
): boolean {
  if (!live) return true;
  if (ev.event === 'answered' || ev.event === 'rejected' || ev.event === 'agent_failed') {
    const byId = !ev.decisionId || ev.decisionId === live.id || (ev.decisionId === call.decisionId && call.decision?.decision !== 'agent');
    return byId && (!ev.agentId || ev.agentId === live.agentId);
  }
  return !ev.decisionId || ev.decisionId === live.id || ev.decisionId === call.decisionId;
}

/**
 * The timed-out offer a telephony `answered` is for when the PBX rang the agent past the offer's
 * timeout and the agent picked up: the call's most recently resolved offer, if it expired (not
 * rejected or failed: the PBX itself said those rang out) and the event names it — its decisionId,
 * its agent, or neither. null otherwise (the event is then of an earlier offer, or of none). The
 * engines connect such a call to that agent instead of leaving the customer, who is talking to
 * them, recorded as waiting and the agent as not responding.
 */
export function lateAnsweredOffer<R extends { id: string; agentId: string; status: ReservationStatus }>(
  ev: Pick<TelephonyEvent, 'event' | 'decisionId' | 'agentId'>,
  lastResolved: R | null | undefined,
): R | null {
  if (ev.event !== 'answered' || !lastResolved || lastResolved.status !== 'expired') return null;
  if (ev.decisionId && ev.decisionId !== lastResolved.id) return null;
  if (ev.agentId && ev.agentId !== lastResolved.agentId) return null;
  return lastResolved;
}

/**
 * The timed-out offer an `ended` or `abandoned` reporting talk time (reportsTalkTime) is for when its
 * `answered` never came — lost on the way, or sent by a PBX that rang the agent past the offer's
 * timeout and then lost it: the call's most recently resolved offer, if it expired, and the time it
 * was answered (the event's `ts` less the talk time, never before the offer expired nor after `now`:
 * the agent was not-responding since then, and the time before it cannot be told from the ring).
 * The event must name that offer — its decisionId or its agent — when the call has an offer ringing
 * at another agent now (naming neither, the talk is that offer's: answeredBeforeEnded); with none
 * ringing, an event naming neither is the expired offer's too. Null otherwise: the event applies as
 * before (the caller left).
 */
export function lateTalkedOffer<R extends { id: string; agentId: string; status: ReservationStatus; offeredAt: Date; resolvedAt: Date | null }>(
  ev: Pick<TelephonyEvent, 'event' | 'decisionId' | 'agentId' | 'leg' | 'durationSec' | 'ts'>,
  lastResolved: R | null | undefined,
  live: { id: string; agentId: string } | null,
  now: Date,
): { offer: R; answeredAt: Date } | null {
  if (!reportsTalkTime(ev) || !lastResolved || lastResolved.status !== 'expired') return null;
  if (ev.decisionId && ev.decisionId !== lastResolved.id) return null;
  if (ev.agentId && ev.agentId !== lastResolved.agentId) return null;
  if (live && !ev.decisionId && !ev.agentId) return null;
  return { offer: lastResolved, answeredAt: talkStartedAt(ev, lastResolved.resolvedAt ?? lastResolved.offeredAt, now) };
}

/**
 * Whether the telephony system, not the agent's desk, says when the contact is answered and when it
 * ends: an inbound phone call. The telephony system sees the call; the desk only sees the offer, so
 * a desk accept or complete would disagree with the line (an agent marked busy while the phone still
 * rings, or free while still talking). A callback is the exception: its caller has hung up and the
 * agent calls back from the desk, so the desk accepts and completes it.
 */
export function telephonyDecidesAnswerAndEnd(c: { channel: Channel; kind: ContactKind }): boolean {
  return c.channel === 'phone' && c.kind !== 'callback';
}

/**
 * Whether an `ended` or `abandoned` says the call was talked: it reports the agent's leg
 * (`leg: 'agent'`) connected for `durationSec` > 0 seconds. durationSec of another leg (the caller's
 * includes waiting and ringing) or of none is no such evidence.
 */
export function reportsTalkTime(ev: Pick<TelephonyEvent, 'event' | 'leg' | 'durationSec'>): boolean {
  return (ev.event === 'ended' || ev.event === 'abandoned') && ev.leg === 'agent' && (ev.durationSec ?? 0) > 0;
}

/**
 * When an `ended` or `abandoned` of a call still ringing at its agent overtook the call's
 * `answered` (events reordered on the way), the time the call was answered: the event's `ts` less
 * the talk time it reports, never before the offer nor after `now` (the clocks of the telephony
 * system and of Vuoro may differ). Null when the event is no such evidence — no talk time on the
 * agent's leg, the call not ringing, a callback (its caller's call is over: the desk answers and ends it), or another
 * offer or agent named (by the rules `answered` follows) — and the event then applies as before.
 */
export function answeredBeforeEnded(
  ev: Pick<TelephonyEvent, 'event' | 'decisionId' | 'agentId' | 'leg' | 'durationSec' | 'ts'>,
  live: { id: string; agentId: string; status: ReservationStatus; offeredAt: Date } | null,
  call: { status: ContactStatus; kind: ContactKind; decisionId: string; decision: Record<string, unknown> | null },
  now: Date,
): Date | null {
  if (!reportsTalkTime(ev) || !live || live.status !== 'offered' || call.status !== 'offered' || call.kind === 'callback') return null;
  if (!eventConcernsLiveOffer({ event: 'answered', decisionId: ev.decisionId, agentId: ev.agentId }, live, call)) return null;
  return talkStartedAt(ev, live.offeredAt, now);
}

/**
 * When the talk an `ended` or `abandoned` reports began: its `ts` (or `now`, unreadable) less
 * `durationSec`, never before `notBefore` nor after `now` (the clocks of the telephony system and of
 * Vuoro may differ).
 */
function talkStartedAt(ev: Pick<TelephonyEvent, 'ts' | 'durationSec'>, notBefore: Date, now: Date): Date {
  const endedAt = Date.parse(ev.ts);
  const reported = (Number.isFinite(endedAt) ? endedAt : now.getTime()) - (ev.durationSec ?? 0) * 1000;
  return new Date(Math.min(Math.max(reported, notBefore.getTime()), now.getTime()));
}

/**
 * The call legs an event may be about: the agent's phone (`agent`: its talk time is what
 * reportsTalkTime and answeredBeforeEnded read), the caller's leg (`caller`: its duration includes
 * waiting and ringing) and the queue's fallback target (`fallback`).
 */
export const CALL_LEGS = ['agent', 'caller', 'fallback'] as const;
export type CallLeg = (typeof CALL_LEGS)[number];

/** Who hung up: one of the call's parties (as CALL_LEGS), or `system` (the PBX or proxy released the call). */
export const HANGUP_PARTIES = ['caller', 'agent', 'fallback', 'system'] as const;
export type HangupParty = (typeof HANGUP_PARTIES)[number];

/**
 * The value of `allowed` that `value` names, whatever its case ("Agent", "AGENT" → "agent");
 * null when it names none (or is not a string). PBXs differ in how they spell these, and a value
 * that silently failed to match (`leg: "Agent"` reporting no talk time) would change what an event
 * means, so the API reads them in any case and stores the canonical spelling.
 */
export function canonicalTelephonyValue<T extends string>(value: unknown, allowed: readonly T[]): T | null {
  if (typeof value !== 'string') return null;
  const lower = value.toLowerCase();
  return allowed.find((a) => a === lower) ?? null;
}

export interface TelephonyEvent {
  event: TelephonyEventName;
  channel: Channel;
  callId: string;
  decisionId?: string;
  agentId?: string;
  /** A CALL_LEGS value in its canonical spelling, or what the PBX sent when it names none (stored, read as no leg of ours). */
  leg?: CallLeg | (string & {});
  sipCode?: number;
  /** A HANGUP_PARTIES value in its canonical spelling, or what the PBX sent when it names none (stored only). */
  hangupBy?: HangupParty | (string & {});
  durationSec?: number;
  ts: string;
}

/** A telephony event as the API takes it: `leg` and `hangupBy` as the PBX spelt them. */
export type TelephonyEventInput = Omit<TelephonyEvent, 'leg' | 'hangupBy'> & { leg?: string | null; hangupBy?: string | null };

/**
 * The event with `leg` and `hangupBy` in their canonical spelling when they name a known value in
 * any case (canonicalTelephonyValue), as sent when they name none — an unknown value is kept for the
 * timeline and means nothing to routing (an event must never be refused for it: a lost `ended` would
 * hold the agent until the queue's maximum duration) — and absent when not given.
 */
export function normalisedTelephonyEvent(input: TelephonyEventInput): TelephonyEvent {
  const { leg, hangupBy, ...rest } = input;
  const out: TelephonyEvent = { ...rest };
  if (leg !== undefined && leg !== null) out.leg = canonicalTelephonyValue(leg, CALL_LEGS) ?? leg;
  if (hangupBy !== undefined && hangupBy !== null) out.hangupBy = canonicalTelephonyValue(hangupBy, HANGUP_PARTIES) ?? hangupBy;
  return out;
}

export interface NewContactInput {
  channel: 'chat' | 'email';
  queueId: string;
  customerRef: string;
  language: string;
  subject?: string;
  /**
   * The waiting contact (id, or a call's SIP Call-ID) the customer switched channel from: the new
   * contact keeps its place in line (its arrivedAt) and the original ends (end reason switched).
   */
  switchedFrom?: string;
  /** The customer's phone number (isCustomerPhoneNumber, in its one form: customerPhoneNumber), when the gateway knows it: the reference and the number become one customer (customer-link.ts). */
  phoneNumber?: string;
  /**
   * The request's `Idempotency-Key` (libs/core idempotency.ts): the contact created is recorded as
   * the key's first use, in the same change set; a retry gets that contact instead of a new one.
   */
  idempotency?: IdempotencyClaim;
}

/** Who ended a contact by hand (POST /v1/contacts/{id}/end): the API key, its name and role, as the timeline records it. */
export interface ContactCloser {
  apiKeyId: string;
  keyName: string | null;
  role: string;
}

/** The contact's end reason when the routing sweep closed it for exceeding its queue's maximum contact duration. */
export const MAX_DURATION_END_REASON = 'max-duration';
/** The contact's end reason when a supervisor ended it (POST /v1/contacts/{id}/end). */
export const SUPERVISOR_END_REASON = 'ended-by-supervisor';

/** The detail of the `ended` event of a contact closed for exceeding its queue's maximum contact duration (both engines write it). */
export function maxDurationDetail(maxContactSeconds: number): Record<string, unknown> {
  return {
    closedBy: MAX_DURATION_END_REASON,
    maxContactSeconds,
    note: `closed for exceeding the queue's maximum contact duration (${maxContactSeconds} s) without an end reported; no wrap-up`,
  };
}

/** The end reason of a waiting call the routing sweep presumed gone: polled, then no poll by its deadline (pollDueBy). */
export const NO_POLL_END_REASON = 'no-poll';

/** The detail of the `abandoned` event of a call presumed gone (both engines write it). */
export function noPollDetail(dueBy: Date): Record<string, unknown> {
  return {
    closedBy: NO_POLL_END_REASON,
    pollDueBy: dueBy.toISOString(),
    note: `presumed abandoned: the telephony long-polled this waiting call, then sent no poll by ${dueBy.toISOString()} and no abandoned`,
  };
}

/** The detail of the `ended` event of a contact a supervisor ended (both engines write it). */
export function supervisorEndDetail(by: ContactCloser, wasStatus: ContactStatus, offeredTo: string | null): Record<string, unknown> {
  return {
    closedBy: 'supervisor',
    endedBy: by,
    note: `ended by hand (${by.role} key ${by.keyName ?? by.apiKeyId})`,
    ...(wasStatus !== 'connected' ? { wasStatus } : {}),
    ...(offeredTo ? { offeredTo } : {}),
  };
}

/** What the loader reads from the tables to rebuild the state (see RoutingState). */
export interface RoutingSnapshot {
  agents: AgentRecord[];
  /** Contacts not finished (queued, offered, connected), and recent finished calls (for call-id idempotency). */
  contacts: ContactRecord[];
  /** Live reservations (offered, accepted), and the last offer of each loaded call still unanswered if it timed out (a late answer may yet name it). */
  reservations: ReservationRecord[];
  /** Customers worth keeping at hand (e.g. those of the loaded contacts); others are fetched on demand. */
  customers: CustomerRecord[];
  /**
   * Recent finished calls beyond those loaded in full (`contacts`), oldest first: only what a retried
   * decision or a late event is answered from (RoutingState.finishedCall).
   */
  finishedCalls?: FinishedCallRecord[];
  /** The poll deadlines (contacts.poll_due_by) of the loaded waiting calls that had been polled. */
  pollDeadlines?: { contactId: string; dueBy: Date }[];
}

/** A finished call as the owner remembers it once its contact is forgotten: enough to answer a retried decision or a late event. */
export interface FinishedCallRecord {
  callId: string;
  contactId: string;
  decisionId: string;
  /** The call's last decision (a phone contact's stored decision is always a PhoneDecision). */
  decision: PhoneDecision | null;
  status: ContactStatus;
  kind: ContactKind;
}

/**
 * A contact in hand sent by its agent to another queue: a new segment there. It arrives now with the
 * new queue's deadline and is no longer answered (the new queue counts it answered when one of its
 * agents takes it), and the transferring agent is excluded so it is not offered straight back.
 * The 'queued' event keeps the old segment — its queue, arrival and whether it was answered in
 * target — so the old queue's statistics still count the answer.
 */
export function queueTransfer(
  c: { queueId: string | null; arrivedAt: Date; answeredAt: Date | null; deadline: Date | null },
  fromAgentId: string,
  toQueueId: string,
  deadline: Date,
  now: Date,
): {
  patch: { status: 'queued'; agentId: null; queueId: string; arrivedAt: Date; deadline: Date; answeredAt: null; excludedAgentIds: string[] };
  queuedDetail: { queueId: string; transferredFrom: string | null; fromArrivedAt: string; fromAnsweredInTarget: boolean };
} {
  return {
    patch: { status: 'queued', agentId: null, queueId: toQueueId, arrivedAt: now, deadline, answeredAt: null, excludedAgentIds: [fromAgentId] },
    queuedDetail: {
      queueId: toQueueId,
      transferredFrom: c.queueId,
      fromArrivedAt: c.arrivedAt.toISOString(),
      fromAnsweredInTarget: c.answeredAt !== null && (c.deadline === null || c.answeredAt.getTime() <= c.deadline.getTime()),
    },
  };
}
