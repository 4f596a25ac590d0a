/**
 * Plain data types of the routing policy. No I/O: the live engine (PostgreSQL) and the
 * discrete-event simulator both build these values and call the same pure functions.
 *
 * State and load: `state` is the agent's declared presence (what the agent or the telephony
 * system said last); `load` is the work actually in hand, per channel, including reservations
 * (offers not yet accepted). Routing trusts `load` for capacity and uses `state` only as a gate:
 * - `offline`, `break`, `not-responding`, `wrap-up` → the agent gets nothing;
 * - `available`, `reserved`, `busy` → the agent gets what its per-channel load allows:
 *   a phone contact in hand (phone load ≥ 1, reservation included) blocks every new contact;
 *   a call needs phone capacity and no chat in hand (emails in hand are parked during a call);
 *   chats and emails up to their capacities.
 * So `busy` with two chats of three can take a third chat, and `reserved` for a chat can take
 * another chat, while `reserved` for a call cannot take anything.
 * An agent with a `pendingState` (a break or offline asked for while on contacts or in wrap-up)
 * gets nothing new whatever its state: it only finishes what it holds.
 */
import type { Channel } from '../../core/src/channel.js';

export type { Channel };

export type AgentState = 'offline' | 'available' | 'reserved' | 'busy' | 'wrap-up' | 'break' | 'not-responding';

/** States in which an agent may receive new contacts (capacity permitting). */
export const ROUTABLE_STATES: readonly AgentState[] = ['available', 'reserved', 'busy'];

/**
 * What an agent asked to be next while it was still working (on a contact, with an offer out, or
 * in wrap-up): it keeps its real state, is offered nothing new, and takes this state when its last
 * contact has ended and its wrap-up is over.
 */
export type PendingAgentState = 'break' | 'offline';

export type ChannelCounts = Readonly<Record<Channel, number>>;

/** A window in which an agent of another department works for `departmentId` (or only `queueIds`). */
export interface LoanWindow {
  /** Borrowing department. */
  departmentId: string;
  /** Restrict the loan to these queues of the borrowing department; absent = all its queues. */
  queueIds?: readonly string[];
  /** Start (inclusive) and end (exclusive) of the loan. */
  from: Date;
  to: Date;
}

export interface Agent {
  id: string;
  /** Home department. */
  departmentId: string;
  state: AgentState;
  /** Why the agent is on break (lunch, training…), for explanations. */
  breakReason?: string;
  /** The state the agent goes to once it has finished its contacts (see PendingAgentState): it gets no new ones. */
  pendingState?: PendingAgentState;
  /** Skill → proficiency 1 (basic) … 5 (expert), e.g. { 'lang:fi': 5, 'topic:disputes': 3 }. */
  skills: Readonly<Record<string, number>>;
  /** Contacts the agent can hold at once per channel: phone 0|1, chat 0..n, email 0..n. */
  capacity: ChannelCounts;
  /** Contacts in hand per channel, reservations (offers) included. */
  load: ChannelCounts;
  /** Since when the agent has been without a new contact (used for longest-idle). */
  idleSince: Date;
  /**
   * State `wrap-up`: when the wrap-up ends and the agent is free again (the routing sweep makes it
   * available then). Only the wait estimate reads it; absent = not known (counted as a busy slot).
   */
  wrapUpUntil?: Date;
  /** Recent occupancy 0..1 supplied by the caller (e.g. last hour); falls back to current load ratio. */
  occupancy?: number;
  /** Loans of this agent to other departments. */
  lentTo?: readonly LoanWindow[];
}

export interface SkillRequirement {
  skill: string;
  minProficiency: number;
}

export interface ServiceTarget {
  /** Share of contacts to be handled within `seconds`, e.g. 90 (%). Used by reports and staffing. */
  percent: number;
  /** Target seconds from arrival: answer time for phone/chat, reply time for email. */
  seconds: number;
  /** 'elapsed' = wall-clock seconds; 'business' = open seconds of the queue's BusinessCalendar. */
  basis: 'elapsed' | 'business';
  /**
   * How long before the deadline the work must start to meet it (overrides the channel default
   * `RoutingConfig.startLeadSeconds`). 0 when the target measures the answer, the expected
   * handling time when it measures the reply (email).
   */
  startLeadSeconds?: number;
}

/**
 * One widening step. Steps are cumulative: once a contact has waited `afterSeconds` (elapsed),
 * agents matching this step become eligible in addition to those of earlier steps. Step 0, the
 * queue's own requirements with department agents only, is implicit.
 */
export interface WideningStep {
  afterSeconds: number;
  /** 'queue-skills': every queue requirement (language included); 'language-only': only the language. */
  skills: 'queue-skills' | 'language-only';
  /** 'department': agents of the queue's department; 'department-and-lent': also agents lent to it, inside their loan window. */
  agents: 'department' | 'department-and-lent';
  /** Requirement levels become min(level, minProficiency). */
  minProficiency?: number;
  /** Requirement levels are lowered by this much (never below 1). Applied before minProficiency. */
  minProficiencyDelta?: number;
  /** Label for explanations. */
  name?: string;
}

export interface Queue {
  id: string;
  departmentId: string;
  channel: Channel;
  /** Topic (and optionally language) requirements. */
  requiredSkills: readonly SkillRequirement[];
  /**
   * Language code; requires skill `lang:<language>` (at `languageMinProficiency`, unless listed in
   * requiredSkills). '' (a queue without a language, for a contact without one): no language skill.
   */
  language: string;
  languageMinProficiency?: number;
  serviceTarget: ServiceTarget;
  /** Widening steps; absent = `defaultWideningSteps(lentAgentDelaySeconds)`, [] = no widening. */
  widening?: readonly WideningStep[];
  /** Seconds after the language-only step before lent agents join (default steps only). */
  lentAgentDelaySeconds?: number;
  /** Seconds of the contact's wait during which the previous agent is preferred. */
  previousAgentPreferenceSeconds?: number;
  /** Phone/chat queues: once a contact has waited this long, agents who could take it get no emails. */
  emailBlendingThresholdSeconds?: number;
}

export interface Contact {
  id: string;
  channel: Channel;
  queueId: string;
  /** Queue entry; a callback or channel switch keeps the original value (and so its place). */
  arrivedAt: Date;
  /** Opaque customer reference (never a phone number or name). */
  customerRef: string;
  /** The customer's previous agent on any channel within the caller's look-back window. */
  previousAgentId?: string;
  /**
   * Precomputed deadline (arrivedAt + target, in the queue's basis). Optional: the engine may
   * store it at queue entry so that routing does not recompute business-time deadlines for a
   * large email backlog on every decision. Absent = computed from the queue.
   */
  deadline?: Date;
  /** Seconds subtracted from the contact's time to breach (VIP, repeated contact…). */
  priorityBoostSeconds?: number;
  /** Agents who rejected or did not answer an offer of this contact; never offered it again. */
  excludedAgentIds?: readonly string[];
  /** Offers made so far. */
  offerAttempts?: number;
}

export interface RoutingConfig {
  startLeadSeconds: Record<Channel, number>;
  offerTimeoutSeconds: Record<Channel, number>;
  previousAgentPreferenceSeconds: Record<Channel, number>;
  emailBlendingThresholdSeconds: Record<Channel, number>;
  lentAgentDelaySeconds: number;
  languageMinProficiency: number;
}

export const DEFAULT_ROUTING_CONFIG: RoutingConfig = {
  startLeadSeconds: { phone: 0, chat: 0, email: 600 },
  offerTimeoutSeconds: { phone: 10, chat: 20, email: 60 },
  previousAgentPreferenceSeconds: { phone: 20, chat: 30, email: 4 * 3600 },
  emailBlendingThresholdSeconds: { phone: 10, chat: 20, email: Infinity },
  lentAgentDelaySeconds: 30,
  languageMinProficiency: 3,
};

/** Minimal interface of a business calendar (libs/calendar's BusinessCalendar implements it). */
export interface BusinessClock {
  addBusinessSeconds(from: Date, seconds: number): Date;
  businessSecondsBetween(from: Date, to: Date): number;
}

export type QueueLookup = readonly Queue[] | Readonly<Record<string, Queue>> | ReadonlyMap<string, Queue>;

export interface RoutingContext {
  /** Business calendars by queue id, required for queues whose target basis is 'business'. */
  calendars?: Readonly<Record<string, BusinessClock>>;
  /** Other waiting contacts, for the email-blending rule in selectAgentForContact. */
  waitingContacts?: readonly Contact[];
  /** Queues of `waitingContacts`. */
  queues?: QueueLookup;
  config?: Partial<RoutingConfig>;
}

export function resolveConfig(ctx: RoutingContext | undefined): RoutingConfig {
  const c = ctx?.config;
  if (!c) return DEFAULT_ROUTING_CONFIG;
  const d = DEFAULT_ROUTING_CONFIG;
  return {
    startLeadSeconds: { ...d.startLeadSeconds, ...c.startLeadSeconds },
    offerTimeoutSeconds: { ...d.offerTimeoutSeconds, ...c.offerTimeoutSeconds },
    previousAgentPreferenceSeconds: { ...d.previousAgentPreferenceSeconds, ...c.previousAgentPreferenceSeconds },
    emailBlendingThresholdSeconds: { ...d.emailBlendingThresholdSeconds, ...c.emailBlendingThresholdSeconds },
    lentAgentDelaySeconds: c.lentAgentDelaySeconds ?? d.lentAgentDelaySeconds,
    languageMinProficiency: c.languageMinProficiency ?? d.languageMinProficiency,
  };
}

export function queueMap(queues: QueueLookup | undefined): ReadonlyMap<string, Queue> {
  if (!queues) return new Map();
  if (queues instanceof Map) return queues as ReadonlyMap<string, Queue>;
  if (Array.isArray(queues)) return new Map((queues as readonly Queue[]).map((q) => [q.id, q]));
  return new Map(Object.entries(queues as Readonly<Record<string, Queue>>));
}

export function waitedSeconds(contact: Contact, now: Date): number {
  return (now.getTime() - contact.arrivedAt.getTime()) / 1000;
}
