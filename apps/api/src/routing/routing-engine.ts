/**
 * The live routing engine. Decisions come from libs/routing (the same policy code the simulator
 * runs); this class loads the facts, calls the policy and stores the outcome atomically:
 * - each decision runs in one transaction; the agent's capacity is taken by a conditional UPDATE
 *   under its row lock (a lost race makes the policy choose again without that agent);
 * - a reservation row per offer, with a partial unique index "one live reservation per contact";
 * - every step is appended to the contact's timeline (contact_events).
 * Nothing personal is logged: ids, rules and counts only.
 */
import { Injectable, Logger } from '@nestjs/common';
import type { Channel } from '../../../../libs/core/src/channel.js';
import { conflict, DomainError, notFound, unprocessable } from '../../../../libs/core/src/domain-error.js';
import { isUuid, uuidv7 } from '../../../../libs/core/src/ids.js';
import { idempotencyCutoff, replayOf, type IdempotencyClaim } from '../../../../libs/core/src/idempotency.js';
import type { AgentPresenceState } from '../../../../libs/persistence/src/entities/agent-presence.entity.js';
import {
  RoutingRepository,
  type ContactRow,
  type NewContactEvent,
  type PresenceRow,
  type ReservationRow,
  type RoutingTx,
  type WaitingContactRow,
} from '../../../../libs/persistence/src/repositories/routing.repository.js';
import {
  capacityReason,
  contactDeadline,
  DEFAULT_ROUTING_CONFIG,
  HELD_BACK_BY,
  pastBlendingThreshold,
  ROUTABLE_STATES,
  resolveOffer,
  selectAgentForContact,
  selectContactForAgent,
  takesCallsOnceChatsEnd,
  withReservation,
  type Agent,
  type AgentSelection,
  type Contact,
  type Offer,
  type Queue,
  type RoutingContext,
  type WaitEstimateContact,
} from '../../../../libs/routing/src/index.js';
import { abandonRefusal, carriedOver, deskRefusal, isWorking, callbackCustomer, lateAnswerWithdrawal, offlineWithdrawal, undeliveredWithdrawal, queueDecision, refuseChatWhenClosed, storedExplanation, switchRefusal, transferExplanation, waitingForOpeningExplanation, wrapUp } from '../../../../libs/routing/src/core/routing-core.js';
import { linkResult, planCustomerLink, type CustomerLinkPlan, type CustomerLinkResult } from '../../../../libs/routing/src/core/customer-link.js';
import { DEFAULT_SETTINGS, RoutingCatalog, type QueueDefinition } from './routing-catalog.js';
import { RoutingClock } from './routing-clock.js';
import type { RoutingInvalidations } from '../persistence/routing-invalidations.js';
import {
  answeredBeforeEnded,
  eventConcernsLiveOffer,
  lateAnsweredOffer,
  lateTalkedOffer,
  offerReachedTelephony,
  MAX_DURATION_END_REASON,
  maxDurationDetail,
  NO_POLL_END_REASON,
  noPollDetail,
  pollDueBy,
  watchedForPolls,
  SUPERVISOR_END_REASON,
  supervisorEndDetail,
  type ContactCloser,
  previousAgentOf,
  queueTransfer,
  reportsTalkTime,
  switchEvents,
  telephonyDecidesAnswerAndEnd,
  waitsForOpening,
  type NewContactInput,
  type PhoneDecision,
  type PhoneDecisionInput,
  type TelephonyEvent,
} from '../../../../libs/routing/src/core/types.js';

export type { NewContactInput, PhoneDecision, PhoneDecisionInput, TelephonyEvent, TelephonyEventName } from '../../../../libs/routing/src/core/types.js';

/** An agent's offered or accepted reservation with its contact's queue, kind, subject, caller name and reference. */
export type AgentOfferRow = Awaited<ReturnType<RoutingRepository['reservationsOfAgent']>>[number];

/** How long a customer's last agent counts as "previous agent" (look-back window). */
const MAX_RACE_RETRIES = 5;
/**
 * How long a long poll's deadline waits in memory before it is stored (RoutingEngine.notePoll). Far
 * below any deadline (at least 60 s after a poll began), so the instance that runs the routing
 * sweep sees the polls every instance answered in time.
 */
const POLL_STORE_MS = 1000;
/** How many of the policy's ranked agents one reservation attempt may fall through. */
const RESERVE_BATCH = 16;

class DuplicateCall extends Error {}

function isRoutable(state: AgentPresenceState): boolean {
  return (ROUTABLE_STATES as readonly string[]).includes(state);
}

/** Languages a queue without its own language serves (policy queue ids `<queueId>#<language>`). */
const QUEUE_LANGUAGES = ['fi', 'sv', 'en'] as const;

/** The policy's ids of a stored queue: itself and its per-language variants (see policyQueue). */
function policyQueueIds(queueId: string): string[] {
  return [queueId, ...QUEUE_LANGUAGES.map((l) => `${queueId}#${l}`)];
}

/** The policy's view of a presence row (a lent agent's loans with the queue's policy ids). */
export function toAgent(p: PresenceRow): Agent {
  return {
    id: p.agentId,
    departmentId: p.departmentId,
    state: p.state,
    ...(p.breakReason ? { breakReason: p.breakReason } : {}),
    ...(p.pendingState ? { pendingState: p.pendingState } : {}),
    skills: p.skills,
    capacity: p.capacity,
    load: p.load,
    idleSince: p.idleSince,
    ...(p.state === 'wrap-up' && p.wrapUpUntil ? { wrapUpUntil: p.wrapUpUntil } : {}),
    ...(p.loans.length
      ? { lentTo: p.loans.map((l) => ({ departmentId: l.departmentId, from: l.from, to: l.to, ...(l.queueId ? { queueIds: policyQueueIds(l.queueId) } : {}) })) }
      : {}),
  };
}


function sqlState(err: unknown): { code?: string; constraint?: string } {
  const e = err as { driverError?: { code?: string; constraint?: string }; code?: string; constraint?: string } | null;
  return { code: e?.driverError?.code ?? e?.code, constraint: e?.driverError?.constraint ?? e?.constraint };
}

function isRetryable(err: unknown): boolean {
  const { code } = sqlState(err);
  return code === '40P01' || code === '40001';
}

/**
 * A contact inserted for a customer that a link merged into another meanwhile (the snapshot or
 * upsert read it just before the merge deleted it): nothing was written; read the customer again.
 */
function isCustomerMergedAway(err: unknown): boolean {
  const { code, constraint } = sqlState(err);
  return code === '23503' && constraint === 'contacts_customer_fk';
}

/**
 * A hand-in whose Idempotency-Key a concurrent request with the same key inserted first: the insert
 * waited for that request's commit and then failed, so nothing of this one was written.
 */
function isIdempotencyKeyTaken(err: unknown): boolean {
  const { code, constraint } = sqlState(err);
  return code === '23505' && constraint === 'contact_idempotency_keys_pkey';
}

/** How often linking a reference and a number is tried when concurrent writers keep taking one of them first. */
const MAX_LINK_ATTEMPTS = 5;

@Injectable()
export class RoutingEngine {
  private readonly logger = new Logger('RoutingEngine');
  /** In-process wake-ups for long polls and offer streams (other instances are seen by polling). */
  private readonly waiters = new Map<string, Set<() => void>>();
  /**
   * The poll deadlines of the long polls this instance answered since it last stored them (contact
   * id → deadline): stored together within POLL_STORE_MS, one statement for all, so that a poll
   * writes nothing itself (storePolls).
   */
  private polls = new Map<string, Date>();
  /** Call offers the long polls this instance answered with since it last stored them (storePolls: reservations.delivered_at). */
  private delivered = new Set<string>();
  private pollsTimer: NodeJS.Timeout | null = null;

  constructor(
    protected readonly repo: RoutingRepository,
    private readonly catalog: RoutingCatalog,
    protected readonly clock: RoutingClock,
    /** Given to the database engine: changed agents apply to their live presence (reconfigureAgents). The in-memory engine listens itself. */
    invalidations?: RoutingInvalidations,
  ) {
    invalidations?.subscribe((change) => (change.kind === 'agents' ? this.reconfigureAgents(change.agentIds) : undefined));
  }

  // ---------------------------------------------------------------- helpers

  /** Waits until `key` is signalled, `ms` pass or `signal` is aborted (the timer is cleared then). */
  waitFor(key: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const set = this.waiters.get(key) ?? new Set();
      this.waiters.set(key, set);
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (!set.size && this.waiters.get(key) === set) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  protected signal(...keys: (string | null | undefined)[]): void {
    for (const key of keys) if (key) for (const wake of [...(this.waiters.get(key) ?? [])]) wake();
  }

  private async tx<T>(fn: (tx: RoutingTx) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.repo.transaction(fn);
      } catch (err) {
        if (attempt < 3 && isRetryable(err)) continue;
        throw err;
      }
    }
  }

  /** Runs one statement outside a transaction, again on a deadlock or serialization failure. */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt < 3 && isRetryable(err)) continue;
        throw err;
      }
    }
  }

  /** A queue's definition; `tx`: the transaction it is read in, if any (see RoutingCatalog.queue). */
  private async definition(queueId: string, tx?: RoutingTx): Promise<QueueDefinition> {
    const def = await this.catalog.queue(queueId, tx);
    if (!def) throw notFound('queue', queueId);
    return def;
  }

  /**
   * The policy queue for a contact: a queue without a language takes the contact's; a contact
   * without one is served by agents of any language (the queue's own policy, language '').
   */
  private policyQueue(def: QueueDefinition, language: string | null): Queue {
    if (def.row.language || !language) return def.policy;
    return { ...def.policy, id: `${def.row.id}#${language}`, language };
  }

  private context(defs: Iterable<QueueDefinition>, extra: Partial<RoutingContext> = {}): RoutingContext {
    const calendars: Record<string, QueueDefinition['calendar']> = {};
    for (const d of defs) {
      calendars[d.row.id] = d.calendar;
      if (!d.row.language) for (const l of QUEUE_LANGUAGES) calendars[`${d.row.id}#${l}`] = d.calendar;
    }
    return { calendars, ...extra };
  }

  private offerTimeout(def: QueueDefinition): number {
    return def.settings.offerTimeoutSeconds ?? DEFAULT_ROUTING_CONFIG.offerTimeoutSeconds[def.row.channel];
  }

  private policyContact(c: WaitingContactRow, queue: Queue): Contact {
    return {
      id: c.id,
      channel: c.channel,
      queueId: queue.id,
      arrivedAt: c.arrivedAt,
      customerRef: c.customerId ?? c.id,
      ...(c.previousAgentId ? { previousAgentId: c.previousAgentId } : {}),
      deadline: c.deadline,
      priorityBoostSeconds: c.priorityBoostSeconds,
      excludedAgentIds: c.excludedAgentIds,
      offerAttempts: c.offerAttempts,
    };
  }

  /**
   * Asks the policy for the agents in rank order and takes the capacity of the best one that is
   * still free and not being taken by a concurrent decision (SKIP LOCKED). When the policy's first
   * choice was taken meanwhile, the explanation is that of the agent actually reserved.
   */
  private async chooseAndReserve(
    tx: RoutingTx,
    contact: Contact,
    queue: Queue,
    agents: Agent[],
    now: Date,
    ctx: RoutingContext,
  ): Promise<{ selection: AgentSelection; agentId: string | null; lost: string[] }> {
    let pool = agents;
    const lost: string[] = [];
    let selection = selectAgentForContact(contact, queue, pool, now, ctx);
    for (let attempt = 0; attempt < MAX_RACE_RETRIES && selection.agentId !== null; attempt++) {
      const ranked = (selection.explanation.eligibleAgentIds ?? [selection.agentId]).slice(0, RESERVE_BATCH);
      const got = await tx.tryReserveFirst(ranked, queue.channel, now);
      if (got === selection.agentId) return { selection, agentId: got, lost };
      const skipped = got ? ranked.slice(0, ranked.indexOf(got)) : ranked;
      lost.push(...skipped);
      const gone = new Set(skipped);
      pool = pool.filter((a) => !gone.has(a.id));
      const again = selectAgentForContact(contact, queue, pool, now, ctx);
      if (got) return { selection: again.agentId === got ? again : selection, agentId: got, lost };
      selection = again;
    }
    return { selection, agentId: null, lost };
  }

  private async recordOffer(
    tx: RoutingTx,
    args: { contactId: string; reservationId: string; agentId: string; channel: Channel; now: Date; timeoutSeconds: number; step?: unknown; rule?: unknown },
  ): Promise<NewContactEvent[]> {
    const expiresAt = new Date(args.now.getTime() + args.timeoutSeconds * 1000);
    await tx.insertReservation({ id: args.reservationId, contactId: args.contactId, agentId: args.agentId, channel: args.channel, offeredAt: args.now, expiresAt });
    return [
      { contactId: args.contactId, at: args.now, type: 'reserved', agentId: args.agentId, reservationId: args.reservationId, detail: { rule: args.rule ?? null, step: args.step ?? null } },
      { contactId: args.contactId, at: args.now, type: 'offered', agentId: args.agentId, reservationId: args.reservationId, detail: { expiresAt: expiresAt.toISOString() } },
    ];
  }

  private queueDecision(def: QueueDefinition, queue: Queue, decisionId: string, position: number, agents: Agent[], now: Date, ctx: RoutingContext, callerHasNumber: boolean, contact?: WaitEstimateContact): PhoneDecision {
    return queueDecision(def.row.id, def.settings, queue, decisionId, position, agents, now, ctx, callerHasNumber, contact);
  }

  // ---------------------------------------------------------------- telephony: decisions

  /** `POST /v1/routing/decisions`: idempotent on the SIP Call-ID. */
  async decidePhone(input: PhoneDecisionInput): Promise<PhoneDecision> {
    const now = this.clock.now();
    const queueId = await this.catalog.queueIdFor(input.calledNumber);
    const def = queueId ? await this.catalog.queue(queueId) : null;
    if (!def) return this.rejectCall(input, null, now, 404, 'unknown-called-number');
    if (def.row.channel !== 'phone') return this.rejectCall(input, def.row.id, now, 404, 'not-a-phone-queue');
    if (!def.calendar.isOpen(now)) return this.rejectCall(input, def.row.id, now, 480, 'closed');
    const fast = await this.decidePhoneFast(input, def, now);
    if (fast) return fast;
    return this.decidePhoneSlow(input, def, now);
  }

  /**
   * Fast path (two round trips): one snapshot of agents and caller, the policy's ranking, then one
   * atomic statement that reserves the best free agent and writes contact, reservation and timeline.
   * Null when no agent could be reserved or the call id is known (the slow path then answers).
   */
  private async decidePhoneFast(input: PhoneDecisionInput, def: QueueDefinition, now: Date): Promise<PhoneDecision | null> {
    const snap = await this.repo.direct.phoneSnapshot(def.row.departmentId, input.callerId || null, now);
    const customer = snap.customer;
    const previousAgentId = previousAgentOf(customer, def.settings, now);
    const queue = this.policyQueue(def, input.language);
    const ctx = this.context([def]);
    const contactId = uuidv7();
    const contact: Contact = { id: contactId, channel: 'phone', queueId: queue.id, arrivedAt: now, customerRef: customer?.id ?? contactId, ...(previousAgentId ? { previousAgentId } : {}) };
    const deadline = contactDeadline(contact, queue, ctx);
    contact.deadline = deadline;
    const selection = selectAgentForContact(contact, queue, snap.agents.map(toAgent), now, ctx);
    if (selection.agentId === null) return null;
    const reservationId = uuidv7();
    // Again on a deadlock (seen once in three-instances.spec under a full test run: the same call sent to two
    // instances at once, next to events and state changes): the statement is atomic, so a deadlock leaves nothing
    // written, and run again it reserves an agent or finds the call id known (null: the slow path answers).
    const got = await this.retrying(() => this.repo.direct.decidePhoneFast({
      rankedAgentIds: (selection.explanation.eligibleAgentIds ?? [selection.agentId]).slice(0, RESERVE_BATCH),
      contactId, queueId: def.row.id, callId: input.callId, reservationId, customerId: customer?.id ?? null, phoneNumber: input.callerId || null,
      callerName: input.callerName || null, calledNumber: input.calledNumber, language: input.language || def.row.language, now, deadline,
      previousAgentId, explanation: storedExplanation(selection.explanation, now), expiresAt: new Date(now.getTime() + this.offerTimeout(def) * 1000),
      firstChoice: selection.agentId, reservedDetail: { rule: selection.rule, step: selection.step.index },
    })).catch((err: unknown) => {
      // The caller's customer was merged into a chat or email customer meanwhile: the slow path reads it again.
      if (isCustomerMergedAway(err)) return null;
      throw err;
    });
    if (!got) return null;
    this.signal(`agent:${got.agentId}`);
    return { decisionId: reservationId, decision: 'agent', agentId: got.agentId, target: got.target };
  }

  /** Slow path: queue decisions, lost races and retried call ids, in one transaction. */
  private async decidePhoneSlow(input: PhoneDecisionInput, def: QueueDefinition, now: Date): Promise<PhoneDecision> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.decidePhoneSlowOnce(input, def, now);
      } catch (err) {
        if (attempt < MAX_RACE_RETRIES && isCustomerMergedAway(err)) continue;
        throw err;
      }
    }
  }

  private async decidePhoneSlowOnce(input: PhoneDecisionInput, def: QueueDefinition, now: Date): Promise<PhoneDecision> {
    const known = await this.repo.direct.findContactByCallId(input.callId);
    if (known?.decision) return known.decision as PhoneDecision;
    const customer = input.callerId ? await this.repo.customerByPhone(input.callerId) : null;
    const previousAgentId = previousAgentOf(customer, def.settings, now);
    const queue = this.policyQueue(def, input.language);
    const ctx = this.context([def]);
    const contactId = uuidv7();
    const contact: Contact = {
      id: contactId,
      channel: 'phone',
      queueId: queue.id,
      arrivedAt: now,
      customerRef: customer?.id ?? contactId,
      ...(previousAgentId ? { previousAgentId } : {}),
    };
    const deadline = contactDeadline(contact, queue, ctx);
    contact.deadline = deadline;
    try {
      const decision = await this.tx(async (tx) => {
        const presences = await tx.loggedInAgents(def.row.departmentId, now);
        const agents = presences.map(toAgent);
        const choice = await this.chooseAndReserve(tx, contact, queue, agents, now, ctx);
        const events: NewContactEvent[] = [{ contactId, at: now, type: 'queued', detail: { queueId: def.row.id } }];
        let decision: PhoneDecision;
        if (choice.agentId) {
          const reservationId = uuidv7();
          const target = presences.find((p) => p.agentId === choice.agentId)!.phoneUri!;
          decision = { decisionId: reservationId, decision: 'agent', agentId: choice.agentId, target };
        } else {
          const position = await tx.joinLine(def.row.id);
          decision = this.queueDecision(def, queue, uuidv7(), position, agents, now, ctx, customer !== null);
        }
        const inserted = await tx.insertContact({
          id: contactId,
          channel: 'phone',
          kind: 'inbound',
          status: choice.agentId ? 'offered' : 'queued',
          queueId: def.row.id,
          callId: input.callId,
          decisionId: decision.decisionId,
          decision,
          customerId: customer?.id ?? null,
          customerRef: null,
          callerName: input.callerName || null,
          calledNumber: input.calledNumber,
          language: input.language || def.row.language,
          subject: null,
          arrivedAt: now,
          deadline,
          previousAgentId,
          agentId: choice.agentId,
          offerAttempts: choice.agentId ? 1 : 0,
          explanation: storedExplanation(choice.selection.explanation, now, choice.lost.length ? { lostRaces: choice.lost } : {}),
        });
        if (!inserted) throw new DuplicateCall();
        if (choice.agentId && choice.selection.agentId) {
          events.push(
            ...(await this.recordOffer(tx, {
              contactId, reservationId: decision.decisionId, agentId: choice.agentId, channel: 'phone', now, timeoutSeconds: this.offerTimeout(def),
              step: choice.selection.step.index, rule: choice.selection.rule,
            })),
          );
        } else if (decision.decision === 'queue') {
          events[0].detail = { queueId: def.row.id, position: decision.position, estimatedWaitSeconds: decision.estimatedWaitSeconds };
        }
        await tx.addEvents(events);
        return decision;
      });
      if (decision.decision === 'agent') this.signal(`agent:${decision.agentId}`);
      return decision;
    } catch (err) {
      if (!(err instanceof DuplicateCall)) throw err;
      const existing = await this.repo.direct.findContactByCallId(input.callId);
      return existing!.decision as PhoneDecision;
    }
  }

  private async rejectCall(input: PhoneDecisionInput, queueId: string | null, now: Date, sipCode: number, reason: string): Promise<PhoneDecision> {
    const decision: PhoneDecision = { decisionId: uuidv7(), decision: 'reject', sipCode, reason };
    const contactId = uuidv7();
    try {
      await this.tx(async (tx) => {
        const inserted = await tx.insertContact({
          id: contactId, channel: 'phone', kind: 'inbound', status: 'rejected', queueId, callId: input.callId, decisionId: decision.decisionId, decision,
          customerId: null, customerRef: null, callerName: null, calledNumber: input.calledNumber, language: input.language || null, subject: null,
          arrivedAt: now, deadline: now, previousAgentId: null, agentId: null, offerAttempts: 0,
          explanation: { decidedAt: now.toISOString(), summary: `call rejected with SIP ${sipCode}: ${reason}`, rule: reason, skippedAgents: [], skippedCount: 0 },
        });
        if (!inserted) throw new DuplicateCall();
        await tx.updateContact(contactId, { endedAt: now, endReason: reason });
        await tx.addEvents([{ contactId, at: now, type: 'decision-rejected', detail: { sipCode, reason } }]);
      });
      return decision;
    } catch (err) {
      if (!(err instanceof DuplicateCall)) throw err;
      return (await this.repo.direct.findContactByCallId(input.callId))!.decision as PhoneDecision;
    }
  }

  /** The call's current decision: an agent once one is reserved, else position and estimated wait. */
  private async currentDecision(c: ContactRow): Promise<PhoneDecision | 'pending'> {
    if (c.status === 'rejected') return c.decision as PhoneDecision;
    if (c.status === 'ended' || c.status === 'abandoned' || c.status === 'failed') {
      return { decisionId: c.decisionId, decision: 'reject', sipCode: 487, reason: `contact-${c.status}` };
    }
    const live = await this.repo.direct.liveReservation(c.id);
    if (live) {
      const p = await this.repo.direct.findPresence(live.agentId);
      return { decisionId: live.id, decision: 'agent', agentId: live.agentId, target: p?.phoneUri ?? '' };
    }
    return 'pending';
  }

  /** `GET /v1/routing/decisions/{callId}?waitSeconds=N`: long poll until an agent is reserved. */
  async pollPhoneDecision(callId: string, waitSeconds: number): Promise<PhoneDecision> {
    const until = Date.now() + waitSeconds * 1000;
    let polled = false;
    for (;;) {
      const c = await this.repo.direct.findContactByCallId(callId);
      if (!c) throw new DomainError('not-found', 'call.not_found', `no routing decision for this call id`);
      // The caller is on the line now (libs/routing RoutingCore.recordPoll).
      if (!polled) {
        polled = true;
        if (watchedForPolls(c) && (c.status === 'queued' || c.status === 'offered')) this.notePoll(c.id, pollDueBy((await this.definition(c.queueId!)).settings, this.clock.now(), waitSeconds));
      }
      const current = await this.currentDecision(c);
      if (current !== 'pending') {
        // The telephony hears of the offer now: its timing out is the agent's (offerReachedTelephony).
        if (current.decision === 'agent') this.noteDelivered(current.decisionId);
        return current;
      }
      const left = until - Date.now();
      if (left <= 0) {
        const def = await this.definition(c.queueId!);
        const queue = this.policyQueue(def, c.language);
        const now = this.clock.now();
        const agents = (await this.repo.direct.loggedInAgents(def.row.departmentId, now)).map(toAgent);
        const position = await this.repo.direct.countWaitingAhead(def.row.id, c.arrivedAt);
        const waitedSeconds = (now.getTime() - new Date(c.arrivedAt).getTime()) / 1000;
        return this.queueDecision(def, queue, c.decisionId, Math.max(position, 1), agents, now, this.context([def]), c.customerId !== null, { waitedSeconds, excludedAgentIds: c.excludedAgentIds ?? [] });
      }
      await this.waitFor(`contact:${c.id}`, Math.min(left, 250));
    }
  }

  /** Keeps a poll's deadline for storePolls (the later one, when the call was polled again meanwhile). */
  private notePoll(contactId: string, dueBy: Date): void {
    const known = this.polls.get(contactId);
    if (!known || known < dueBy) this.polls.set(contactId, dueBy);
    this.armPollStore();
  }

  /** Keeps an offer a long poll answered with for storePolls (reservations.delivered_at). */
  private noteDelivered(reservationId: string): void {
    this.delivered.add(reservationId);
    this.armPollStore();
  }

  private armPollStore(): void {
    this.pollsTimer ??= setTimeout(() => {
      this.pollsTimer = null;
      this.storePolls().catch((err: unknown) => this.logger.warn({ msg: 'could not store poll deadlines; kept for the next try', err: String(err) }));
    }, POLL_STORE_MS).unref();
  }

  /**
   * Stores the poll deadlines noted since the last call (contacts.poll_due_by), in one statement.
   * Every instance stores those of the polls it answered — within POLL_STORE_MS, on every routing
   * tick, and before it shuts down — so the instance that runs the sweep reads them all. An instance
   * that dies loses at most the last second's: a call it was polled through has its previous
   * deadline, and the proxy's next poll, on another instance, moves it on. Failed: kept for the next.
   */
  async storePolls(): Promise<void> {
    if (!this.polls.size && !this.delivered.size) return;
    const batch = this.polls;
    const delivered = this.delivered;
    this.polls = new Map();
    this.delivered = new Set();
    try {
      if (batch.size) await this.repo.direct.storePollDeadlines(batch);
      if (delivered.size) await this.repo.direct.markOffersDelivered([...delivered], this.clock.now());
    } catch (err) {
      for (const [id, dueBy] of batch) if (!this.polls.has(id) || this.polls.get(id)! < dueBy) this.polls.set(id, dueBy);
      for (const id of delivered) this.delivered.add(id);
      throw err;
    }
  }

  /** The agent's offered and accepted reservations, in offer order (the agent desk's offers list and stream). */
  offersOfAgent(agentId: string): Promise<AgentOfferRow[]> {
    return this.repo.reservationsOfAgent(agentId);
  }

  /** The agent's presence (the desk stream's `presence` event); null when it has never set a state. */
  presenceOf(agentId: string): Promise<PresenceRow | null> {
    return this.repo.direct.findPresence(agentId);
  }

  // ---------------------------------------------------------------- chat and email

  /**
   * `POST /v1/contacts`: two round trips in the common case — one snapshot of agents and customer
   * (with the department's waiting calls and chats for an email's blending, its waiting calls for a
   * chat's draining), the policy's ranking, then one statement that inserts the contact offered to
   * the best free agent, or queued when the policy found none. A contact whose ranked agents were
   * all taken meanwhile takes the transactional path.
   */
  async createContact(input: NewContactInput): Promise<ContactRow> {
    return input.idempotency ? this.createContactOnce(input, input.idempotency) : this.createContactNow(input);
  }

  /**
   * A hand-in with an Idempotency-Key: a retry (the key's live first use, same body) gets the contact
   * that first use created, as it is now, and creates nothing; the same key with another body is a
   * 422 idempotency.key_reused. Otherwise the contact is created with the key's record in the same
   * statement or transaction. Two requests with the same key at once: both find none, both insert;
   * the second's insert waits for the first's commit and fails on the key, writing nothing, and it is
   * then answered as a retry of the first.
   */
  private async createContactOnce(input: NewContactInput, claim: IdempotencyClaim): Promise<ContactRow> {
    for (let attempt = 0; ; attempt++) {
      const replay = await this.retriedHandIn(claim);
      if (replay !== null) return replay;
      try {
        return await this.createContactNow(input);
      } catch (err) {
        if (attempt < 2 && isIdempotencyKeyTaken(err)) continue;
        throw err;
      }
    }
  }

  /**
   * The contact a hand-in with this Idempotency-Key claim is a retry of, as it is now: the key's
   * live first use with the same body; null when there is none (the request is new); 422
   * idempotency.key_reused when the key came with another body. Creates nothing. CreateContact asks
   * it when it refuses a request on the configuration of the moment (routing attributes no queue
   * serves now): a retry is answered as its first use was, whatever changed since.
   */
  async retriedHandIn(claim: IdempotencyClaim): Promise<ContactRow | null> {
    const now = this.clock.now();
    const replay = replayOf(await this.repo.direct.findIdempotencyKey(claim.apiKeyId, claim.key, idempotencyCutoff(now)), claim, now);
    // The key's record goes with its contact (foreign key, cascade): its contact exists.
    return replay === null ? null : (await this.repo.direct.findContact(replay))!;
  }

  private async createContactNow(input: NewContactInput): Promise<ContactRow> {
    const def = await this.definition(input.queueId);
    if (def.row.channel !== input.channel) {
      throw unprocessable('validation.failed', 'The queue serves another channel', [{ field: 'queueId', rule: 'channel', message: `queue ${def.row.id} is a ${def.row.channel} queue` }]);
    }
    const now = this.clock.now();
    refuseChatWhenClosed(def.row.channel, def.row.id, def.calendar, now);
    if (input.switchedFrom) return this.createSwitchedContact(input, input.switchedFrom, def, now);
    const snap = await this.repo.direct.contactSnapshot(def.row.departmentId, input.customerRef, now, HELD_BACK_BY[def.row.channel], input.phoneNumber ?? null);
    let customer = snap.customer;
    // With the customer's number: one customer for the reference and the number (linked at the first
    // such contact; afterwards the snapshot finds them one and nothing more is done).
    if (input.phoneNumber && (!customer || snap.phoneCustomer?.id !== customer.id)) customer = (await this.link(input.customerRef, input.phoneNumber)).customer;
    const previousAgentId = previousAgentOf(customer, def.settings, now);
    const queue = this.policyQueue(def, input.language);
    const id = uuidv7();
    const ctx = await this.heldBackContext(def, snap.waiting);
    const contact: Contact = {
      id, channel: input.channel, queueId: queue.id, arrivedAt: now, customerRef: customer?.id ?? id, ...(previousAgentId ? { previousAgentId } : {}),
      priorityBoostSeconds: 0, excludedAgentIds: [], offerAttempts: 0,
    };
    contact.deadline = contactDeadline(contact, queue, ctx);
    const selection = waitsForOpening(def.row.channel, def.calendar, now) ? null : selectAgentForContact(contact, queue, snap.agents.map(toAgent), now, ctx);
    const row = await this.repo.direct.createContactFast({
      rankedAgentIds: !selection || selection.agentId === null ? [] : (selection.explanation.eligibleAgentIds ?? [selection.agentId]).slice(0, RESERVE_BATCH),
      queueIfNone: !selection || selection.agentId === null, contactId: id, channel: input.channel, queueId: def.row.id, decisionId: uuidv7(), reservationId: uuidv7(),
      customerRef: input.customerRef, language: input.language || def.row.language, subject: input.subject ?? null, now, deadline: contact.deadline, previousAgentId,
      explanation: selection ? storedExplanation(selection.explanation, now) : waitingForOpeningExplanation(def.calendar, now), expiresAt: new Date(now.getTime() + this.offerTimeout(def) * 1000),
      firstChoice: selection?.agentId ?? null, reservedDetail: !selection || selection.agentId === null ? {} : { rule: selection.rule, step: selection.step.index },
      ...(input.idempotency ? { idempotency: input.idempotency } : {}),
    });
    if (row) {
      if (row.agentId) this.signal(`contact:${row.id}`, `agent:${row.agentId}`);
      return row;
    }
    return this.createContactInTx(input, def, now);
  }

  /**
   * `PUT /v1/customers/{customerRef}/phone-number`: the customer of the reference and the customer of
   * the number become one (libs/routing customer-link.ts).
   */
  async linkCustomer(customerRef: string, phoneNumber: string): Promise<CustomerLinkResult> {
    return linkResult(await this.link(customerRef, phoneNumber));
  }

  /**
   * Links a reference and a number in one transaction: both customers locked (in id order, so two
   * links of the same pair queue up), the plan made on what is locked, applied. Again when another
   * writer took the reference or the number between this read and the write (a unique violation:
   * a concurrent link, or a new caller's customer that READ COMMITTED did not show), and on a
   * deadlock (with an agent's accept updating the last agent of a customer being merged).
   */
  private async link(customerRef: string, phoneNumber: string): Promise<CustomerLinkPlan> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.repo.transaction(async (tx) => {
          const { byRef, byPhone } = await tx.lockCustomersOf(customerRef, phoneNumber);
          const plan = planCustomerLink(byRef, byPhone, customerRef, phoneNumber, uuidv7);
          await tx.applyCustomerLink(plan);
          return plan;
        });
      } catch (err) {
        if (attempt < MAX_LINK_ATTEMPTS && (isRetryable(err) || sqlState(err).code === '23505')) continue;
        throw err;
      }
    }
  }

  /** The queue of `channel` in a department for `language` (routing attributes instead of a queue id), via the catalog. */
  queueForAttributes(departmentId: string, channel: 'chat' | 'email', language: string): Promise<string | null> {
    return this.catalog.queueIdForAttributes(departmentId, channel, language);
  }

  /**
   * The context of a contact of `def` with the department's waiting contacts that can hold agents
   * back from it (HELD_BACK_BY): agents who could take a late call or chat get no email (email
   * blending), agents who could take a late call once their chats end get no new chat (call
   * draining). `waiting`: those contacts as a snapshot read them; null: read them in `tx`.
   */
  private async heldBackContext(def: QueueDefinition, waiting: readonly WaitingContactRow[] | null, tx: RoutingTx = this.repo.direct): Promise<RoutingContext> {
    const heldBy = HELD_BACK_BY[def.row.channel];
    if (!heldBy.length) return this.context([def]);
    waiting ??= await tx.waitingContacts(def.row.departmentId, [...heldBy], 20);
    const defs = await this.definitions(waiting, tx);
    const known = waiting.filter((w) => defs.has(w.queueId!));
    return this.context([def, ...defs.values()], {
      waitingContacts: known.map((w) => this.policyContact(w, this.policyQueue(defs.get(w.queueId!)!, w.language))),
      queues: known.map((w) => this.policyQueue(defs.get(w.queueId!)!, w.language)),
    });
  }

  private async createContactInTx(input: NewContactInput, def: QueueDefinition, now: Date): Promise<ContactRow> {
    const customer = await this.repo.customerByRef(input.customerRef);
    const previousAgentId = previousAgentOf(customer, def.settings, now);
    const queue = this.policyQueue(def, input.language);
    const id = uuidv7();
    const deadline = contactDeadline({ id, channel: input.channel, queueId: queue.id, arrivedAt: now, customerRef: customer.id }, queue, this.context([def]));
    await this.tx(async (tx) => {
      await tx.insertContact({
        id, channel: input.channel, kind: 'inbound', status: 'queued', queueId: def.row.id, callId: null, decisionId: uuidv7(), decision: null,
        customerId: customer.id, customerRef: input.customerRef, callerName: null, calledNumber: null, language: input.language || def.row.language,
        subject: input.subject ?? null, arrivedAt: now, deadline, previousAgentId, agentId: null, offerAttempts: 0, explanation: null,
      });
      if (input.idempotency) await tx.insertIdempotencyKey({ ...input.idempotency, contactId: id, createdAt: now });
      await tx.addEvents([{ contactId: id, at: now, type: 'queued', detail: { queueId: def.row.id } }]);
    });
    await this.routeContact(id, true);
    return (await this.repo.direct.findContact(id))!;
  }

  /** The contact switched from, by id or by a call's SIP Call-ID. */
  private async switchedFrom(tx: RoutingTx, ref: string, lock: 'none' | 'update'): Promise<ContactRow | null> {
    return (isUuid(ref) ? await tx.findContact(ref, lock) : null) ?? (await tx.findContactByCallId(ref, lock));
  }

  /**
   * A channel switch (NewContactInput.switchedFrom), in one transaction: the new contact, queued
   * with the original's arrivedAt (its place in line), and the original ended switched, its offer
   * withdrawn; both timelines link the other (switchEvents). Then routed as any waiting contact.
   */
  private async createSwitchedContact(input: NewContactInput, ref: string, def: QueueDefinition, now: Date): Promise<ContactRow> {
    // Refused before anything is written; checked again under the lock.
    const refusal = switchRefusal(await this.switchedFrom(this.repo.direct, ref, 'none'), ref);
    if (refusal) throw refusal;
    const customer = await this.repo.customerByRef(input.customerRef);
    const previousAgentId = previousAgentOf(customer, def.settings, now);
    const queue = this.policyQueue(def, input.language);
    const id = uuidv7();
    const after: { offerTo?: string; originalId?: string } = {};
    await this.tx(async (tx) => {
      const o = await this.switchedFrom(tx, ref, 'update');
      const again = switchRefusal(o, ref);
      if (again) throw again;
      const original = o!;
      const deadline = contactDeadline({ id, channel: input.channel, queueId: queue.id, arrivedAt: original.arrivedAt, customerRef: customer.id }, queue, this.context([def]));
      const r = await tx.liveReservation(original.id, true);
      if (r) {
        await tx.resolveReservation(r.id, 'cancelled', now);
        await tx.releaseAgent(r.agentId, original.channel, now);
        after.offerTo = r.agentId;
      }
      const switched = switchEvents(original, { id, channel: input.channel, queueId: def.row.id });
      await tx.insertContact({
        id, channel: input.channel, kind: 'inbound', status: 'queued', queueId: def.row.id, callId: null, decisionId: uuidv7(), decision: null,
        customerId: customer.id, customerRef: input.customerRef, callerName: null, calledNumber: null, language: input.language || def.row.language,
        subject: input.subject ?? null, arrivedAt: original.arrivedAt, deadline, previousAgentId, agentId: null, offerAttempts: 0, explanation: null,
      });
      if (input.idempotency) await tx.insertIdempotencyKey({ ...input.idempotency, contactId: id, createdAt: now });
      await tx.updateContact(original.id, { status: 'ended', endedAt: now, endReason: switched.endReason });
      await tx.addEvents([
        { contactId: original.id, at: now, type: 'ended', agentId: r?.agentId ?? null, reservationId: r?.id ?? null, detail: switched.originalDetail },
        { contactId: id, at: now, type: 'queued', detail: switched.queuedDetail },
      ]);
      after.originalId = original.id;
    });
    this.signal(`contact:${after.originalId}`, after.offerTo && `agent:${after.offerTo}`);
    await this.routeContact(id, true);
    if (after.offerTo) await this.offerWorkTo(after.offerTo);
    return (await this.repo.direct.findContact(id))!;
  }

  // ---------------------------------------------------------------- routing a waiting contact

  /** Offers a waiting contact to its best agent, if any. Returns the agent id. */
  async routeContact(contactId: string, recordMiss = false): Promise<string | null> {
    const now = this.clock.now();
    const result = await this.tx(async (tx) => {
      const c = await tx.findContact(contactId, 'skip-locked');
      if (!c || c.status !== 'queued' || !c.queueId) return null;
      const def = await this.definition(c.queueId, tx);
      if (waitsForOpening(def.row.channel, def.calendar, now)) {
        if (recordMiss) await tx.updateContact(c.id, { explanation: waitingForOpeningExplanation(def.calendar, now) });
        return null;
      }
      const queue = this.policyQueue(def, c.language);
      const agents = (await tx.loggedInAgents(def.row.departmentId, now)).map(toAgent);
      const ctx = await this.heldBackContext(def, null, tx);
      const contact = this.policyContact(c, queue);
      const choice = await this.chooseAndReserve(tx, contact, queue, agents, now, ctx);
      const explanation = storedExplanation(choice.selection.explanation, now, { ...(choice.lost.length ? { lostRaces: choice.lost } : {}), ...carriedOver(c.explanation) });
      if (!choice.agentId || choice.selection.agentId === null) {
        if (recordMiss) await tx.updateContact(c.id, { explanation });
        return null;
      }
      const reservationId = uuidv7();
      await tx.updateContact(c.id, { status: 'offered', agentId: choice.agentId, offerAttempts: c.offerAttempts + 1, explanation });
      await tx.addEvents(
        await this.recordOffer(tx, {
          contactId: c.id, reservationId, agentId: choice.agentId, channel: c.channel, now, timeoutSeconds: this.offerTimeout(def),
          step: choice.selection.step.index, rule: choice.selection.rule,
        }),
      );
      return choice.agentId;
    });
    if (result) this.signal(`contact:${contactId}`, `agent:${result}`);
    return result;
  }

  private async definitions(contacts: readonly Pick<ContactRow, 'queueId'>[], tx?: RoutingTx): Promise<Map<string, QueueDefinition>> {
    const defs = new Map<string, QueueDefinition>();
    for (const id of new Set(contacts.map((c) => c.queueId!))) {
      const def = await this.catalog.queue(id, tx);
      if (def) defs.set(id, def);
    }
    return defs;
  }

  /** Fills an agent's free capacity with the most urgent waiting contacts it may take. */
  async offerWorkTo(agentId: string): Promise<number> {
    // Most releases find nothing waiting: one read-only query instead of a transaction.
    if (!(await this.repo.direct.mayHaveWorkFor(agentId, this.clock.now()))) return 0;
    let offered = 0;
    for (let round = 0; round < 12; round++) {
      const now = this.clock.now();
      const contactId = await this.tx(async (tx) => {
        const p = await tx.findPresence(agentId, true, now);
        if (!p || !isRoutable(p.state) || p.pendingState) return null;
        const agent = toAgent(p);
        const channels: Channel[] = (['phone', 'chat', 'email'] as const).filter((ch) => agent.capacity[ch] > 0 && !capacityReason(agent, ch));
        // An agent with chats in hand and room for more drains for the late calls it could take once they end (call draining).
        const draining = channels.includes('chat') && agent.load.chat > 0 && takesCallsOnceChatsEnd(agent);
        const rows = await tx.waitingContacts(p.departmentId, draining ? [...channels, 'phone'] : channels, 20, p.loans.length ? { agentId, now } : null);
        if (!rows.length) return null;
        const defs = await this.definitions(rows, tx);
        const usable = rows.filter((r) => defs.has(r.queueId!) && !waitsForOpening(r.channel, defs.get(r.queueId!)!.calendar, now));
        const queues = new Map<string, Queue>();
        const contacts: Contact[] = [];
        for (const r of usable) {
          const q = this.policyQueue(defs.get(r.queueId!)!, r.language);
          if (draining && r.channel === 'phone' && !pastBlendingThreshold(r, q, now)) continue;
          queues.set(q.id, q);
          contacts.push(this.policyContact(r, q));
        }
        const ctx = this.context(defs.values());
        let pool = contacts;
        for (let attempt = 0; attempt < MAX_RACE_RETRIES; attempt++) {
          const sel = selectContactForAgent(agent, pool, queues, now, ctx);
          if (sel.contactId === null) return null;
          const c = await tx.findContact(sel.contactId, 'skip-locked');
          if (!c || c.status !== 'queued') {
            pool = pool.filter((x) => x.id !== sel.contactId);
            continue;
          }
          if (!(await tx.tryReserveAgent(agentId, c.channel, now))) return null;
          const def = defs.get(c.queueId!)!;
          const reservationId = uuidv7();
          await tx.updateContact(c.id, {
            status: 'offered', agentId, offerAttempts: c.offerAttempts + 1,
            explanation: storedExplanation(sel.explanation, now, { skippedContacts: (sel.explanation.skippedContacts ?? []).slice(0, 50), ...carriedOver(c.explanation) }),
          });
          await tx.addEvents(
            await this.recordOffer(tx, { contactId: c.id, reservationId, agentId, channel: c.channel, now, timeoutSeconds: this.offerTimeout(def), step: sel.step.index, rule: sel.explanation.rule }),
          );
          return c.id;
        }
        return null;
      });
      if (!contactId) break;
      offered++;
      this.signal(`contact:${contactId}`, `agent:${agentId}`);
    }
    return offered;
  }

  // ---------------------------------------------------------------- offers (agents)

  private async lockOffer(tx: RoutingTx, agentId: string, reservationId: string) {
    const r0 = await tx.findReservation(reservationId);
    if (!r0 || r0.agentId !== agentId) throw notFound('offer', reservationId);
    const c = (await tx.findContact(r0.contactId, 'update'))!;
    const r = (await tx.findReservation(reservationId, true))!;
    const p = (await tx.findPresence(agentId, true))!;
    return { c, r, p };
  }

  private offerOf(r: { contactId: string; agentId: string; channel: Channel; offeredAt: Date; expiresAt: Date }, queueId: string): Offer {
    return { contactId: r.contactId, agentId: r.agentId, queueId, channel: r.channel, offeredAt: r.offeredAt, expiresAt: r.expiresAt };
  }

  /**
   * An agent accepts an offer: one statement when the offer is open and not expired (the common
   * case); anything else (expired, not the agent's, already resolved, a phone call — answered on the
   * phone) takes the transactional path, which words the error and re-routes an expired offer.
   */
  async acceptOffer(agentId: string, reservationId: string): Promise<ContactRow> {
    const now = this.clock.now();
    for (let attempt = 0; attempt < MAX_RACE_RETRIES; attempt++) {
      const out = await this.retrying(() => this.repo.direct.acceptReservation({ reservationId, agentId, decisionId: null, now, events: [{ type: 'accepted', detail: null }], byAgent: true }));
      if (!out || !out.applied) {
        if (out?.stale) continue;
        break;
      }
      this.signal(`contact:${out.contactId}`, `agent:${agentId}`);
      return out.contact!;
    }
    return this.acceptOfferInTx(agentId, reservationId, now);
  }

  private async acceptOfferInTx(agentId: string, reservationId: string, now: Date): Promise<ContactRow> {
    const outcome = await this.tx(async (tx) => {
      const { c, r, p } = await this.lockOffer(tx, agentId, reservationId);
      if (r.status !== 'offered') throw conflict('offer.not_open', `offer ${reservationId} is ${r.status}`);
      if (telephonyDecidesAnswerAndEnd(c)) throw deskRefusal.answerOnPhone(reservationId);
      const def = await this.definition(c.queueId!, tx);
      const queue = this.policyQueue(def, c.language);
      const out = resolveOffer(this.offerOf(r, queue.id), 'accepted', toAgent(p), this.policyContact(c, queue), now);
      if (out.result === 'timeout') {
        await this.applyFailedOffer(tx, c, r.id, agentId, now, 'timeout', out.explanation);
        return 'expired' as const;
      }
      await tx.resolveReservation(r.id, 'accepted', now);
      await tx.updateContact(c.id, { status: 'connected', answeredAt: now });
      await tx.markBusy(agentId, now);
      if (c.customerId) await tx.rememberAgent(c.customerId, agentId, now);
      await tx.addEvents([{ contactId: c.id, at: now, type: 'accepted', agentId, reservationId: r.id, detail: { explanation: out.explanation } }]);
      return c.id;
    });
    if (outcome === 'expired') {
      await this.afterRequeue(reservationId);
      throw conflict('offer.expired', `offer ${reservationId} expired before it was accepted; the contact went to the next agent`);
    }
    this.signal(`contact:${outcome}`, `agent:${agentId}`);
    return (await this.repo.direct.findContact(outcome))!;
  }

  async rejectOffer(agentId: string, reservationId: string): Promise<void> {
    const now = this.clock.now();
    await this.tx(async (tx) => {
      const { c, r } = await this.lockOffer(tx, agentId, reservationId);
      if (r.status !== 'offered') throw conflict('offer.not_open', `offer ${reservationId} is ${r.status}`);
      await this.applyFailedOffer(tx, c, r.id, agentId, now, 'rejected', `agent ${agentId} rejected contact ${c.id}`);
    });
    await this.afterRequeue(reservationId);
  }

  /**
   * A rejected, timed-out or failed offer: the contact goes back to its queue keeping its place,
   * with the agent excluded from it; the agent becomes not-responding (the issue's rule for reject
   * and timeout alike; libs/routing's resolveOffer keeps a rejecting agent working — see report).
   */
  private async applyFailedOffer(tx: RoutingTx, c: ContactRow, reservationId: string, agentId: string, now: Date, kind: 'rejected' | 'timeout' | 'agent-failed', why: string): Promise<void> {
    await tx.resolveReservation(reservationId, kind === 'rejected' ? 'rejected' : kind === 'timeout' ? 'expired' : 'failed', now);
    await tx.releaseAgent(agentId, c.channel, now, { setState: 'not-responding' });
    const excluded = c.excludedAgentIds.includes(agentId) ? c.excludedAgentIds : [...c.excludedAgentIds, agentId];
    // A polled call back in line: the proxy stopped polling while it rang the agent, so it is owed a
    // new poll from now (as if polled now without waiting), not from its last poll.
    const owed = watchedForPolls(c) ? pollDueBy((await this.definition(c.queueId!, tx)).settings, now, 0) : undefined;
    if (owed && this.polls.has(c.id) && this.polls.get(c.id)! < owed) this.polls.set(c.id, owed);
    await tx.updateContact(c.id, { status: 'queued', agentId: null, excludedAgentIds: excluded }, owed);
    await tx.addEvents([
      { contactId: c.id, at: now, type: kind, agentId, reservationId, detail: { why } },
      { contactId: c.id, at: now, type: 'requeued', detail: { keepsArrivedAt: c.arrivedAt.toISOString() } },
    ]);
  }

  /**
   * An offer withdrawn without blame (its agent logged out; libs/routing RoutingCore.withdrawOffer):
   * reservation cancelled, agent released, the contact back in its queue keeping its place and not
   * excluded from the agent. The caller routes it again (afterRequeue) once committed.
   */
  private async withdrawOffer(tx: RoutingTx, r: ReservationRow, now: Date, why: string, owesPoll = true): Promise<void> {
    const c = await tx.findContact(r.contactId, 'update');
    await tx.resolveReservation(r.id, 'cancelled', now);
    await tx.releaseAgent(r.agentId, r.channel, now);
    if (!c) return;
    // Owed a new poll from now — unless the telephony never heard of the offer (undeliveredWithdrawal).
    const owed = owesPoll && watchedForPolls(c) ? pollDueBy((await this.definition(c.queueId!, tx)).settings, now, 0) : undefined;
    if (owed && this.polls.has(c.id) && this.polls.get(c.id)! < owed) this.polls.set(c.id, owed);
    await tx.updateContact(c.id, { status: 'queued', agentId: null }, owed);
    await tx.addEvents([{ contactId: c.id, at: now, type: 'requeued', agentId: r.agentId, reservationId: r.id, detail: { why, keepsArrivedAt: c.arrivedAt.toISOString() } }]);
  }

  private async afterRequeue(reservationId: string): Promise<void> {
    const r = await this.repo.direct.findReservation(reservationId);
    if (r) {
      await this.routeContact(r.contactId, true);
      this.signal(`agent:${r.agentId}`, `contact:${r.contactId}`);
    }
  }

  /** The agent completes a contact in hand: one statement in the common case (see acceptOffer). */
  async complete(agentId: string, contactId: string, wrapUpSeconds: number | undefined): Promise<ContactRow> {
    const now = this.clock.now();
    for (let attempt = 0; attempt < MAX_RACE_RETRIES; attempt++) {
      const out = await this.retrying(() =>
        this.repo.direct.endContact({ contactId, mode: 'complete', decisionId: null, agentId, wrapOverride: wrapUpSeconds ?? null, defaultWrap: DEFAULT_SETTINGS.wrapUpSeconds, now, detail: null }),
      );
      if (out?.action === 'retry') continue;
      if (out?.action !== 'finish') break;
      if (out.mayHaveWork) await this.offerWorkTo(agentId);
      this.signal(`agent:${agentId}`, `contact:${contactId}`);
      return out.contact!;
    }
    return this.completeInTx(agentId, contactId, wrapUpSeconds, now);
  }

  private async completeInTx(agentId: string, contactId: string, wrapUpSeconds: number | undefined, now: Date): Promise<ContactRow> {
    await this.tx(async (tx) => {
      const c = await tx.findContact(contactId, 'update');
      if (!c) throw notFound('contact', contactId);
      const r = await tx.liveReservation(c.id, true);
      // Ended already, or in another agent's hands (a repeated complete is a conflict, not a missing contact).
      if (!r || r.agentId !== agentId) throw deskRefusal.notInHand(contactId, agentId);
      if (r.status !== 'accepted') throw conflict('contact.not_accepted', `contact ${contactId} has not been accepted yet`);
      if (telephonyDecidesAnswerAndEnd(c)) throw deskRefusal.callInProgress(contactId);
      await this.finish(tx, c, r.id, agentId, now, wrapUpSeconds, 'completed');
    });
    await this.offerWorkTo(agentId);
    this.signal(`agent:${agentId}`, `contact:${contactId}`);
    return (await this.repo.direct.findContact(contactId))!;
  }

  /**
   * Ends a contact in hand: reservation completed, agent released into wrap-up when nothing else is
   * in hand. `reason` is the contact's end reason; the timeline event is `completed` for a completed
   * contact, else `ended`, its detail the wrap-up and `detail` (libs/routing RoutingCore.finish).
   */
  private async finish(
    tx: RoutingTx,
    c: ContactRow,
    reservationId: string,
    agentId: string,
    now: Date,
    wrapUpSeconds: number | undefined,
    reason: string,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    const def = await this.definition(c.queueId!, tx);
    const p = await tx.findPresence(agentId, true);
    const wrap = wrapUp(wrapUpSeconds ?? def.settings.wrapUpSeconds, p ? p.load.phone + p.load.chat + p.load.email - 1 : 0);
    await tx.resolveReservation(reservationId, 'completed', now);
    if (wrap.wrapUpSeconds > 0) {
      await tx.releaseAgent(agentId, c.channel, now, { setState: 'wrap-up', wrapUpUntil: new Date(now.getTime() + wrap.wrapUpSeconds * 1000) });
    } else {
      await tx.releaseAgent(agentId, c.channel, now);
    }
    await tx.updateContact(c.id, { status: 'ended', endedAt: now, endReason: reason });
    await tx.addEvents([{ contactId: c.id, at: now, type: reason === 'completed' ? 'completed' : 'ended', agentId, reservationId, detail: { ...wrap, ...detail } }]);
  }

  async transfer(agentId: string, contactId: string, target: { agentId?: string; queueId?: string }): Promise<ContactRow> {
    const targetProblem = deskRefusal.transferTarget(target);
    if (targetProblem) throw targetProblem;
    const now = this.clock.now();
    const toQueue = target.queueId ? await this.definition(target.queueId) : null;
    // Read before the transaction: on the embedded database the pool has one session, which the
    // transaction holds, so a read outside it from within would wait for itself.
    if (target.agentId && target.agentId !== agentId && !(await this.repo.agentExists(target.agentId))) throw notFound('agent', target.agentId);
    const result = await this.tx(async (tx) => {
      const c = await tx.findContact(contactId, 'update');
      if (!c) throw notFound('contact', contactId);
      const r = await tx.liveReservation(c.id, true);
      if (!r || r.agentId !== agentId || r.status !== 'accepted') throw deskRefusal.notInHand(contactId, agentId);
      if (telephonyDecidesAnswerAndEnd(c)) throw deskRefusal.transferOnPhone(contactId);
      if (toQueue && toQueue.row.channel !== c.channel) {
        throw unprocessable('validation.failed', 'The queue serves another channel', [{ field: 'queueId', rule: 'channel', message: `queue ${toQueue.row.id} is a ${toQueue.row.channel} queue` }]);
      }
      // A chat is not handed to a queue its calendar has closed (libs/routing RoutingCore.transfer).
      if (toQueue) refuseChatWhenClosed(c.channel, toQueue.row.id, toQueue.calendar, now);
      if (target.agentId === agentId) throw deskRefusal.transferToSelf();
      if (target.agentId && !(await tx.tryReserveAgent(target.agentId, c.channel, now))) {
        throw conflict('agent.unavailable', `agent ${target.agentId} cannot take a ${c.channel} contact now`);
      }
      await tx.resolveReservation(r.id, 'transferred', now);
      await tx.releaseAgent(agentId, c.channel, now);
      const events: NewContactEvent[] = [{ contactId: c.id, at: now, type: 'transferred', agentId, reservationId: r.id, detail: { toAgentId: target.agentId ?? null, toQueueId: target.queueId ?? null } }];
      const explanation = transferExplanation(c.explanation, { contactId: c.id, fromAgentId: agentId, toAgentId: target.agentId, toQueueId: target.queueId, now });
      if (target.agentId) {
        const def = await this.definition(c.queueId!, tx);
        await tx.updateContact(c.id, { status: 'offered', agentId: target.agentId, offerAttempts: c.offerAttempts + 1, explanation });
        events.push(...(await this.recordOffer(tx, { contactId: c.id, reservationId: uuidv7(), agentId: target.agentId, channel: c.channel, now, timeoutSeconds: this.offerTimeout(def), rule: 'transfer' })));
      } else {
        const q = this.policyQueue(toQueue!, c.language);
        const deadline = contactDeadline({ id: c.id, channel: c.channel, queueId: q.id, arrivedAt: now, customerRef: c.id }, q, this.context([toQueue!]));
        const moved = queueTransfer(c, agentId, toQueue!.row.id, deadline, now);
        await tx.updateContact(c.id, { ...moved.patch, explanation });
        events.push({ contactId: c.id, at: now, type: 'queued', detail: moved.queuedDetail });
      }
      await tx.addEvents(events);
      return target.agentId ? 'agent' : 'queue';
    });
    if (result === 'queue') await this.routeContact(contactId, true);
    await this.offerWorkTo(agentId);
    this.signal(`agent:${agentId}`, `agent:${target.agentId}`, `contact:${contactId}`);
    return (await this.repo.direct.findContact(contactId))!;
  }

  // ---------------------------------------------------------------- agent state

  /**
   * `PUT /v1/agents/{id}/state`. A break or offline asked for while the agent works (reserved,
   * busy, wrap-up) becomes its pending state, taken when its last contact has ended and its wrap-up
   * is over (libs/routing RoutingCore.setAgentState, whose rules the statements follow); available
   * cancels it. `atOnce` (deleting the agent): offline now, or 409 agent.has_contacts.
   */
  async setAgentState(agentId: string, state: 'available' | 'break' | 'offline', reason: string | null, opts: { atOnce?: boolean } = {}): Promise<PresenceRow> {
    const active = await this.repo.agentActive(agentId);
    if (active === null) throw notFound('agent', agentId);
    if (state === 'break' && !reason) {
      throw unprocessable('validation.failed', 'A break needs a reason', [{ field: 'reason', rule: 'required', message: 'reason is required for state break' }]);
    }
    if (!active && state !== 'offline') throw deskRefusal.inactive(agentId);
    const now = this.clock.now();
    const breakReason = state === 'break' ? reason : null;
    let withdrawn: string[] = [];
    const presence = await this.tx(async (tx) => {
      withdrawn = [];
      const p = await tx.findPresence(agentId, true);
      if (p && state !== 'available' && isWorking(p.state) && !opts.atOnce) return (await tx.setPendingState(agentId, state, breakReason))!;
      if (state === 'offline' && p && p.load.phone + p.load.chat + p.load.email > 0) {
        if (opts.atOnce) throw deskRefusal.hasContacts(agentId);
        // Offers only (not-responding, or a break taken then): withdrawn without blame; a contact in hand is finished first.
        const live = await tx.liveReservationsOfAgent(agentId);
        const inHand = live.filter((r) => r.status === 'accepted').length;
        if (inHand > 0) throw deskRefusal.hasContactsInHand(agentId, inHand);
        for (const r of live) {
          await this.withdrawOffer(tx, r, now, offlineWithdrawal(agentId));
          withdrawn.push(r.id);
        }
      }
      return (await tx.setState(agentId, state, breakReason, now))!;
    });
    if (state === 'available') await this.offerWorkTo(agentId);
    for (const id of withdrawn) await this.afterRequeue(id);
    this.signal(`agent:${agentId}`);
    return (await this.repo.direct.findPresence(agentId)) ?? presence;
  }

  /**
   * Agents whose configuration changed (PUT /v1/agents/{id}; published before it is answered): the
   * live presence takes the capacities in force at once (nothing held is taken away; an agent over
   * a lowered capacity is offered nothing new until it is under it, as releases bring the capacity
   * down), and a routable agent with room — more of it, or active again — is offered waiting work.
   */
  private async reconfigureAgents(agentIds: string[]): Promise<void> {
    for (const agentId of agentIds) {
      const p = await this.repo.direct.applyConfiguredCapacity(agentId);
      if (!p) continue;
      if (isRoutable(p.state)) await this.offerWorkTo(agentId);
      this.signal(`agent:${agentId}`);
    }
  }

  /**
   * The first step of deleting an agent (DeleteAgent): offline (409 agent.has_contacts while it holds
   * any contact), so that no offer reaches it before its row goes. Here every operation reads the
   * tables, which will say the agent is gone; the in-memory engine also refuses to log it in again.
   */
  async retireAgent(agentId: string): Promise<void> {
    await this.setAgentState(agentId, 'offline', null, { atOnce: true });
  }

  /** The delete did not happen after `retireAgent` (not found, refused, failed): the agent may log in again. */
  async restoreAgent(_agentId: string): Promise<void> {}

  // ---------------------------------------------------------------- telephony events

  /**
   * `POST /v1/routing/events`: unknown calls and duplicates are accepted and ignored. answered,
   * ended and abandoned — the events of every call — are one statement each when they apply; the
   * rest, events that do not apply (whose answer words why), and an ended or abandoned reporting talk
   * time for a call still ringing (its answered overtaken on the way), take the transactional path.
   */
  async telephonyEvent(ev: TelephonyEvent): Promise<{ applied: boolean; detail: string }> {
    const now = this.clock.now();
    // The statements take the ids as uuid: ids that cannot be ours (never a decision or agent we
    // named) are matched in the transaction's code instead, and answered as the memory engine does.
    const idsFit = (ev.decisionId === undefined || isUuid(ev.decisionId)) && (ev.agentId === undefined || isUuid(ev.agentId));
    if (idsFit && (ev.event === 'answered' || ev.event === 'ended' || ev.event === 'abandoned')) {
      const detail = this.telephonyDetail(ev);
      for (let attempt = 0; attempt < MAX_RACE_RETRIES; attempt++) {
        if (ev.event === 'answered') {
          const out = await this.retrying(() =>
            this.repo.direct.acceptReservation({ callId: ev.callId, agentId: ev.agentId ?? null, decisionId: ev.decisionId ?? null, now, events: [{ type: 'accepted', detail: null }, { type: 'answered', detail }], withContact: false }),
          );
          if (!out) return { applied: false, detail: 'unknown call id' };
          if (out.stale) continue;
          if (!out.applied) break;
          this.signal(`contact:${out.contactId}`, `agent:${out.agentId}`);
          return { applied: true, detail: 'agent busy' };
        }
        const out = await this.retrying(() =>
          this.repo.direct.endContact({
            callId: ev.callId, mode: ev.event as 'ended' | 'abandoned', decisionId: ev.decisionId ?? null, agentId: null, wrapOverride: null, defaultWrap: DEFAULT_SETTINGS.wrapUpSeconds, now, detail,
            talked: reportsTalkTime(ev), withContact: false,
          }),
        );
        if (!out) return { applied: false, detail: 'unknown call id' };
        if (out.action === 'retry') continue;
        if (out.action !== 'finish' && out.action !== 'abandon') break;
        if (out.agentId && out.mayHaveWork) await this.offerWorkTo(out.agentId);
        this.signal(`contact:${out.contactId}`, out.agentId && `agent:${out.agentId}`);
        if (out.action === 'finish') return { applied: true, detail: 'agent in wrap-up' };
        return { applied: true, detail: out.agentId ? 'contact abandoned, agent released' : 'contact abandoned' };
      }
    }
    return this.telephonyEventInTx(ev, now);
  }

  private telephonyDetail(ev: TelephonyEvent): Record<string, unknown> {
    return { ...(ev.sipCode !== undefined ? { sipCode: ev.sipCode } : {}), ...(ev.hangupBy ? { hangupBy: ev.hangupBy } : {}), ...(ev.durationSec !== undefined ? { durationSec: ev.durationSec } : {}), ...(ev.leg ? { leg: ev.leg } : {}), telephonyTs: ev.ts };
  }

  private async telephonyEventInTx(ev: TelephonyEvent, now: Date): Promise<{ applied: boolean; detail: string }> {
    const after: { route?: string; offerTo?: string; signal: string[] } = { signal: [] };
    const result = await this.tx(async (tx) => {
      const c = await tx.findContactByCallId(ev.callId, 'update');
      if (!c) return { applied: false, detail: 'unknown call id' };
      const r = await tx.liveReservation(c.id, true);
      const ofThisOffer = eventConcernsLiveOffer(ev, r, c);
      const open = c.status === 'queued' || c.status === 'offered';
      const detail = this.telephonyDetail(ev);
      if (ev.event === 'answered' && open && telephonyDecidesAnswerAndEnd(c) && !(ofThisOffer && r)) {
        const late = lateAnsweredOffer(ev, await tx.lastUnansweredReservation(c.id));
        if (late && (await this.answerLate(tx, c, late, r, now, now, detail, after))) return { applied: true, detail: 'answered after its offer timed out: agent busy' };
      }
      if ((ev.event === 'ended' || ev.event === 'abandoned') && open && telephonyDecidesAnswerAndEnd(c) && reportsTalkTime(ev)) {
        // Talked, though its answered never came: the agent of the timed-out offer took the call.
        const talked = lateTalkedOffer(ev, await tx.lastUnansweredReservation(c.id), r, now);
        if (talked && (await this.answerLate(tx, c, talked.offer, r, talked.answeredAt, now, { inferredFrom: ev.event, ...detail }, after))) {
          await this.finish(tx, c, talked.offer.id, talked.offer.agentId, now, undefined, 'ended');
          after.offerTo ??= talked.offer.agentId;
          return { applied: true, detail: 'answered after its offer timed out, and ended: agent in wrap-up' };
        }
      }
      if (!ofThisOffer) return { applied: false, detail: 'event of an earlier offer' };
      after.signal.push(`contact:${c.id}`);
      if (r) after.signal.push(`agent:${r.agentId}`);
      switch (ev.event) {
        case 'answered': {
          if (c.status !== 'offered' || !r || r.status !== 'offered') return { applied: false, detail: `contact is ${c.status}` };
          await this.answer(tx, c, r, now, detail);
          return { applied: true, detail: 'agent busy' };
        }
        // A caller who hangs up after being answered ends the call, whichever of the two the PBX reports.
        case 'ended':
        case 'abandoned': {
          if (c.status === 'connected' && r) {
            await this.finish(tx, c, r.id, r.agentId, now, undefined, 'ended');
            after.offerTo = r.agentId;
            return { applied: true, detail: 'agent in wrap-up' };
          }
          // It overtook the call's answered: the call was talked, so it was answered, then ended.
          const answeredAt = answeredBeforeEnded(ev, r, c, now);
          if (answeredAt && r) {
            await this.answer(tx, c, r, answeredAt, { inferredFrom: ev.event, ...detail });
            await this.finish(tx, c, r.id, r.agentId, now, undefined, 'ended');
            after.offerTo = r.agentId;
            return { applied: true, detail: 'answered and ended, agent in wrap-up' };
          }
          if (open && c.kind !== 'callback') return this.abandon(tx, c, r, now, detail, after);
          return { applied: false, detail: `contact is ${c.status}` };
        }
        case 'rejected':
        case 'agent_failed': {
          if (c.status !== 'offered' || !r || r.status !== 'offered') return { applied: false, detail: `contact is ${c.status}` };
          await this.applyFailedOffer(tx, c, r.id, r.agentId, now, ev.event === 'rejected' ? 'rejected' : 'agent-failed', `telephony reported ${ev.event}${ev.sipCode ? ` (SIP ${ev.sipCode})` : ''}`);
          after.route = c.id;
          return { applied: true, detail: 'agent not-responding, contact re-routed' };
        }
        case 'fallback_failed':
        case 'failed': {
          if (c.status === 'ended' || c.status === 'abandoned' || c.status === 'failed' || c.status === 'rejected') return { applied: false, detail: `contact is ${c.status}` };
          if (r) {
            await tx.resolveReservation(r.id, 'cancelled', now);
            await tx.releaseAgent(r.agentId, c.channel, now);
            after.offerTo = r.agentId;
          }
          await tx.updateContact(c.id, { status: 'failed', endedAt: now, endReason: ev.event });
          await tx.addEvents([{ contactId: c.id, at: now, type: 'failed', agentId: r?.agentId ?? null, reservationId: r?.id ?? null, detail }]);
          return { applied: true, detail: 'contact failed' };
        }
        default:
          return { applied: false, detail: 'unknown event' };
      }
    });
    if (after.route) await this.routeContact(after.route, true);
    if (after.offerTo) await this.offerWorkTo(after.offerTo);
    this.signal(...after.signal);
    return result;
  }

  /**
   * The agent picked up a call whose offer had timed out (lateAnsweredOffer): connected to them, an
   * offer made since withdrawn and its agent released without blame; the agent busy. Not when they
   * are logged out or on another call (false: nothing written).
   */
  private async answerLate(
    tx: RoutingTx,
    c: ContactRow,
    late: { id: string; agentId: string; resolvedAt: Date | null },
    live: ReservationRow | null,
    answeredAt: Date,
    now: Date,
    detail: Record<string, unknown>,
    after: { offerTo?: string; signal: string[] },
  ): Promise<boolean> {
    if (live?.status === 'accepted' || !(await tx.takeLateAnsweredCall(late.agentId, answeredAt))) return false;
    if (live) {
      await this.withdrawOffer(tx, live, now, lateAnswerWithdrawal(late.agentId));
      after.offerTo = live.agentId;
      after.signal.push(`agent:${live.agentId}`);
    }
    await tx.resolveReservation(late.id, 'accepted', answeredAt);
    await tx.updateContact(c.id, { status: 'connected', answeredAt, agentId: late.agentId });
    if (c.customerId) await tx.rememberAgent(c.customerId, late.agentId, answeredAt);
    await tx.addEvents([
      { contactId: c.id, at: answeredAt, type: 'accepted', agentId: late.agentId, reservationId: late.id, detail: { afterTimeout: true } },
      { contactId: c.id, at: answeredAt, type: 'answered', agentId: late.agentId, reservationId: late.id, detail: { ...detail, afterTimeout: true, offerExpiredAt: late.resolvedAt?.toISOString() ?? null } },
    ]);
    after.signal.push(`contact:${c.id}`, `agent:${late.agentId}`);
    return true;
  }

  /** The telephony answered the call at `at`: reservation accepted, contact connected, agent busy, customer's last agent remembered. */
  private async answer(tx: RoutingTx, c: ContactRow, r: { id: string; agentId: string }, at: Date, detail: Record<string, unknown>): Promise<void> {
    await tx.resolveReservation(r.id, 'accepted', at);
    await tx.updateContact(c.id, { status: 'connected', answeredAt: at });
    await tx.markBusy(r.agentId, at);
    if (c.customerId) await tx.rememberAgent(c.customerId, r.agentId, at);
    await tx.addEvents([
      { contactId: c.id, at, type: 'accepted', agentId: r.agentId, reservationId: r.id },
      { contactId: c.id, at, type: 'answered', agentId: r.agentId, reservationId: r.id, detail },
    ]);
  }

  private async abandon(tx: RoutingTx, c: ContactRow, r: { id: string; agentId: string } | null, now: Date, detail: Record<string, unknown>, after: { offerTo?: string }, endReason = 'abandoned') {
    if (r) {
      await tx.resolveReservation(r.id, 'cancelled', now);
      await tx.releaseAgent(r.agentId, c.channel, now);
      after.offerTo = r.agentId;
    }
    await tx.updateContact(c.id, { status: 'abandoned', endedAt: now, endReason });
    await tx.addEvents([{ contactId: c.id, at: now, type: 'abandoned', agentId: r?.agentId ?? null, reservationId: r?.id ?? null, detail }]);
    return { applied: true, detail: r ? 'contact abandoned, agent released' : 'contact abandoned' };
  }

  /**
   * `POST /v1/contacts/{id}/abandon`: the gateway says the customer of a queued or offered chat,
   * email or callback left; it ends abandoned, an outstanding offer is withdrawn and its agent
   * released and offered other work (abandonRefusal says what is refused).
   */
  async abandonContact(contactId: string): Promise<ContactRow> {
    const now = this.clock.now();
    const after: { offerTo?: string } = {};
    await this.tx(async (tx) => {
      const c = await tx.findContact(contactId, 'update');
      if (!c) throw notFound('contact', contactId);
      const refusal = abandonRefusal(c);
      if (refusal) throw refusal;
      await this.abandon(tx, c, await tx.liveReservation(c.id, true), now, { reportedBy: 'gateway' }, after);
    });
    if (after.offerTo) await this.offerWorkTo(after.offerTo);
    this.signal(`contact:${contactId}`, after.offerTo && `agent:${after.offerTo}`);
    return (await this.repo.direct.findContact(contactId))!;
  }

  /**
   * A waiting caller asked to be called back: the contact keeps its place and is routed in its turn.
   * `number`: keyed in to the IVR by a caller whose number is withheld (callbackCustomer).
   */
  async requestCallback(callId: string, number?: string): Promise<ContactRow> {
    const now = this.clock.now();
    const id = await this.tx(async (tx) => {
      const c = await tx.findContactByCallId(callId, 'update');
      if (!c) throw new DomainError('not-found', 'call.not_found', 'no routing decision for this call id');
      if (c.kind === 'callback') return c.id;
      if (c.status !== 'queued') throw conflict('contact.not_waiting', `the call is ${c.status}, not waiting`);
      const plan = callbackCustomer(c.customerId === null ? undefined : { phoneNumber: await tx.customerPhoneNumber(c.customerId) }, number);
      if (plan.kind === 'given') {
        const customer = await tx.customerWithNumber(plan.number);
        const previousAgentId = previousAgentOf(customer, (await this.definition(c.queueId!, tx)).settings, now);
        await tx.updateContact(c.id, { kind: 'callback', customerId: customer.id, ...(previousAgentId ? { previousAgentId } : {}) });
      } else {
        await tx.updateContact(c.id, { kind: 'callback' });
      }
      const detail = { keepsArrivedAt: c.arrivedAt.toISOString(), ...(plan.kind === 'given' ? { numberKeyedIn: true } : {}) };
      await tx.addEvents([{ contactId: c.id, at: now, type: 'callback-requested', detail }]);
      return c.id;
    });
    return (await this.repo.direct.findContact(id))!;
  }

  // ---------------------------------------------------------------- scheduled work

  /** Offers past their timeout: contact to the next agent, agent not-responding. */
  async expireOffers(now: Date): Promise<number> {
    const out = await this.tx(async (tx) => {
      const expired = await tx.expiredOffers(now, 200);
      const requeued: string[] = [];
      const gone: { contactId: string; agentId: string }[] = [];
      for (const r of expired) {
        const c = await tx.findContact(r.contactId, 'update');
        if (!c) continue;
        if (!offerReachedTelephony(r, c, r.deliveredAt !== null || this.delivered.has(r.id))) {
          // Never rang: no blame. A call whose poll deadline has passed meanwhile is presumed gone.
          const dueBy = await tx.pollDueOf(c.id);
          if (dueBy && dueBy <= now) {
            await this.abandon(tx, c, r, now, noPollDetail(dueBy), {}, NO_POLL_END_REASON);
            gone.push({ contactId: c.id, agentId: r.agentId });
            continue;
          }
          await this.withdrawOffer(tx, r, now, undeliveredWithdrawal(r.agentId), false);
          requeued.push(r.id);
          continue;
        }
        const def = await this.definition(c.queueId!, tx);
        const p = await tx.findPresence(r.agentId, true);
        const queue = this.policyQueue(def, c.language);
        const resolved = p ? resolveOffer(this.offerOf(r, queue.id), 'timeout', toAgent(p), this.policyContact(c, queue), now) : null;
        await this.applyFailedOffer(tx, c, r.id, r.agentId, now, 'timeout', resolved?.explanation ?? 'offer timed out');
        requeued.push(r.id);
      }
      return { requeued, gone };
    });
    for (const id of out.requeued) await this.afterRequeue(id);
    for (const g of out.gone) {
      this.polls.delete(g.contactId);
      await this.offerWorkTo(g.agentId);
      this.signal(`contact:${g.contactId}`, `agent:${g.agentId}`);
    }
    return out.requeued.length + out.gone.length;
  }

  /**
   * Waiting calls whose polls stopped (a lost `abandoned`): a call in line that was long-polled and
   * not polled again by its deadline ends abandoned, end reason `no-poll` (libs/routing RoutingCore's
   * endUnpolledCalls). Nobody held it, so no agent is released.
   */
  async endUnpolledCalls(now: Date): Promise<number> {
    const ended = await this.tx(async (tx) => {
      const ids: string[] = [];
      for (const due of await tx.unpolledCalls(now, 200)) {
        const c = await tx.findContact(due.contactId, 'update');
        if (!c || c.status !== 'queued' || !watchedForPolls(c)) continue;
        await this.abandon(tx, c, null, now, noPollDetail(new Date(due.dueBy)), {}, NO_POLL_END_REASON);
        ids.push(c.id);
      }
      return ids;
    });
    for (const id of ended) {
      this.polls.delete(id);
      this.signal(`contact:${id}`);
    }
    return ended.length;
  }

  /**
   * Contacts held past their queue's maximum duration (a lost `ended`): ended as if reported,
   * without wrap-up, with an `ended` event saying why; their agents released and offered work
   * (libs/routing RoutingCore's endOverdueContacts).
   */
  async endOverdueContacts(now: Date): Promise<number> {
    const agents = await this.tx(async (tx) => {
      const released: string[] = [];
      for (const due of await tx.overdueContacts(now, 200)) {
        const c = await tx.findContact(due.contactId, 'update');
        const r = c && (await tx.liveReservation(c.id, true));
        if (!c || c.status !== 'connected' || !r || r.status !== 'accepted') continue;
        await this.finish(tx, c, r.id, r.agentId, now, 0, MAX_DURATION_END_REASON, maxDurationDetail(due.maxContactSeconds));
        released.push(r.agentId);
      }
      return released;
    });
    for (const id of agents) {
      await this.offerWorkTo(id);
      this.signal(`agent:${id}`);
    }
    return agents.length;
  }

  /**
   * `POST /v1/contacts/{id}/end`: a supervisor ends a stuck contact (libs/routing
   * RoutingCore.endContact, whose rules this follows); 409 contact.finished when it has ended.
   */
  async endContact(contactId: string, by: ContactCloser): Promise<ContactRow> {
    const now = this.clock.now();
    const agentId = await this.tx(async (tx) => {
      const c = await tx.findContact(contactId, 'update');
      if (!c) throw notFound('contact', contactId);
      if (c.status === 'ended' || c.status === 'abandoned' || c.status === 'rejected' || c.status === 'failed') throw deskRefusal.finished(c.id, c.status);
      const r = await tx.liveReservation(c.id, true);
      if (c.status === 'connected' && r?.status === 'accepted') {
        await this.finish(tx, c, r.id, r.agentId, now, 0, SUPERVISOR_END_REASON, supervisorEndDetail(by, c.status, null));
        return r.agentId;
      }
      if (r) {
        await tx.resolveReservation(r.id, 'cancelled', now);
        await tx.releaseAgent(r.agentId, c.channel, now);
      }
      await tx.updateContact(c.id, { status: 'ended', endedAt: now, endReason: SUPERVISOR_END_REASON });
      await tx.addEvents([{ contactId: c.id, at: now, type: 'ended', agentId: null, reservationId: r?.id ?? null, detail: supervisorEndDetail(by, c.status, r?.agentId ?? null) }]);
      return r?.agentId ?? null;
    });
    if (agentId) await this.offerWorkTo(agentId);
    this.signal(`contact:${contactId}`, agentId && `agent:${agentId}`);
    return (await this.repo.direct.findContact(contactId))!;
  }

  async endWrapUps(now: Date): Promise<number> {
    const agents = await this.tx(async (tx) => {
      const ids = await tx.finishedWrapUps(now, 200);
      for (const id of ids) await tx.endWrapUp(id, now);
      return ids;
    });
    for (const id of agents) {
      await this.offerWorkTo(id);
      this.signal(`agent:${id}`);
    }
    return agents.length;
  }

  /** Widening over waiting time and anything missed: offers waiting work to agents with room. */
  async sweep(): Promise<number> {
    const agents = await this.repo.direct.agentsWithRoomAndWaitingWork(50, this.clock.now());
    let n = 0;
    for (const id of agents) n += await this.offerWorkTo(id);
    return n;
  }

  /**
   * One scheduler tick: every instance stores the poll deadlines it holds; only the instance holding
   * the advisory lock does the work, waiting calls whose polls stopped first (so that none is offered).
   */
  async tick(now = this.clock.now()): Promise<{ ran: boolean; unpolled: number; expired: number; overdue: number; wrapUps: number; swept: number }> {
    await this.storePolls();
    const got = await this.repo.withAdvisoryLock(ROUTING_JOB_LOCK, async () => {
      // Most ticks find nothing due: one read instead of four transactions.
      const due = await this.repo.direct.dueWork(now);
      const unpolled = due.unpolledCalls ? await this.endUnpolledCalls(now) : 0;
      const expired = due.expiredOffers ? await this.expireOffers(now) : 0;
      const overdue = due.overdueContacts ? await this.endOverdueContacts(now) : 0;
      const wrapUps = due.finishedWrapUps ? await this.endWrapUps(now) : 0;
      const swept = await this.sweep();
      return { unpolled, expired, overdue, wrapUps, swept };
    });
    if (!got) return { ran: false, unpolled: 0, expired: 0, overdue: 0, wrapUps: 0, swept: 0 };
    if (got.expired || got.wrapUps) this.logger.debug({ msg: 'routing tick', ...got });
    // Each one a lost abandoned: worth a line at the default level.
    if (got.unpolled) this.logger.warn({ msg: 'waiting calls whose polls stopped were ended abandoned (no-poll)', calls: got.unpolled });
    // Each one a lost end (or a desk that never completed): worth a line at the default level.
    if (got.overdue) this.logger.warn({ msg: 'contacts held past their maximum duration were ended', contacts: got.overdue });
    return { ran: true, ...got };
  }
}

/** Advisory lock key of the routing jobs ("vuoro-routing"). */
export const ROUTING_JOB_LOCK = 0x76_72_6f_75;
