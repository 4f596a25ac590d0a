/**
 * The report facts of one finished contact, derived from its timeline (contact_events) as the
 * routing engine writes it. Nothing personal goes in or out: ids, channel, times and event types.
 *
 * - arrival: the first `queued` event (a transfer to another queue keeps the original arrival); a
 *   contact a customer switched to from another channel arrives when the contact it continues arrived
 *   (its `queued` event's `keepsArrivedAt`), as its place in line and its deadline do;
 * - answered: the first `accepted` event (a phone call's `answered` comes with it); its agent is the
 *   answering agent and wait = answer − arrival (for chat this is the first-response time);
 * - abandoned: the contact ended `abandoned` (wait = abandon − arrival); failed: ended `failed`;
 * - switched: the contact ended `switched` while it waited (the customer continued on another
 *   channel, keeping their place: the new contact is counted in its own queue), so it is neither
 *   answered nor lost here;
 * - handle time: each agent's spans from `accepted` to `transferred`, `completed`, `ended` or
 *   `failed`; wrap-up: the `wrapUpSeconds` recorded on the closing event. A contact the routing sweep
 *   ended for exceeding its queue's maximum duration (end reason `max-duration`: its real end was never
 *   reported) has no handle time: the span the sweep closed is hours of nothing, and the spans before a
 *   transfer are not the contact's whole handle time. Its last agent's share says so instead
 *   (endedByMaxDuration), and so does the fact. A contact a supervisor ended by hand (POST
 *   /v1/contacts/{id}/end, end reason `ended-by-supervisor`: for a contact whose end never came) is
 *   counted the same way (endedBySupervisor): the span up to the supervisor's end is the time until
 *   someone noticed, not work, and the wrap-up of 0 it records is none. One ended while still waiting
 *   or ringing has no handle time anyway; it is counted as failed, as before, and as endedBySupervisor;
 * - email reply: the `completed` event; its time in business seconds of the queue's calendar
 *   from arrival, and whether it came by the contact's deadline.
 * Contacts rejected before reaching a queue (decision-rejected) and open contacts have no facts.
 */
import type { Channel } from '../../core/src/channel.js';
import { MAX_DURATION_END_REASON, SUPERVISOR_END_REASON } from '../../routing/src/core/types.js';

export interface TimelineEvent {
  at: Date;
  type: string;
  agentId: string | null;
  detail: Record<string, unknown> | null;
}

export interface TimelineContact {
  id: string;
  channel: Channel;
  kind: 'inbound' | 'callback';
  status: string;
  queueId: string | null;
  deadline: Date;
  /** The contact's end reason (`switched`, `max-duration`, …); absent or null when unknown. */
  endReason?: string | null;
}

/** What a business calendar offers the facts (libs/calendar's BusinessCalendar fits). */
export interface BusinessTime {
  businessSecondsBetween(from: Date, to: Date): number;
}

export type ContactOutcome = 'answered' | 'abandoned' | 'failed' | 'switched';

/** The end reason of a contact whose customer switched channel (libs/routing switchEvents). */
const SWITCHED_END_REASON = 'switched';

/** One agent's part in a contact. */
export interface AgentShare {
  agentId: string;
  offers: number;
  /** 1 when this agent answered the contact first. */
  answered: number;
  /** 1 when the contact was abandoned while offered to (ringing at) this agent. */
  abandonedWhileOffered: number;
  handleSeconds: number;
  handleSpans: number;
  wrapUpSeconds: number;
  wrapUps: number;
  transfers: number;
  /** 1 when this agent closed the contact (completed or ended it). */
  closed: number;
  /** 1 when this agent held the contact when the routing sweep ended it for exceeding its maximum duration (that span is not handle time). */
  endedByMaxDuration: number;
  /** 1 when this agent held the contact when a supervisor ended it by hand (that span is not handle time either). */
  endedBySupervisor: number;
}

export interface ContactFact {
  contactId: string;
  channel: Channel;
  /** The queue the contact first arrived in (a transfer to another queue does not move it). */
  queueId: string;
  kind: 'inbound' | 'callback';
  arrivedAt: Date;
  outcome: ContactOutcome;
  /** Answer − arrival (answered), abandon − arrival (abandoned), end − arrival (failed). */
  waitSeconds: number;
  answeringAgentId: string | null;
  /** The agent who closed the contact: first-contact resolution is theirs. */
  closingAgentId: string | null;
  /** Null when unanswered, or ended by the routing sweep for exceeding its maximum duration or by a supervisor. */
  handleSeconds: number | null;
  wrapUpSeconds: number | null;
  /** Ended by the routing sweep after its queue's maximum contact duration (end reason `max-duration`). */
  endedByMaxDuration: boolean;
  /** Ended by hand by a supervisor (end reason `ended-by-supervisor`), in an agent's hands or not. */
  endedBySupervisor: boolean;
  transfers: number;
  callback: boolean;
  /** Email only: the reply (completed) time in business seconds from arrival. */
  replyBusinessSeconds: number | null;
  replyWithinDeadline: boolean | null;
  agents: AgentShare[];
}

const TERMINAL = new Set(['ended', 'abandoned', 'failed']);

export function isFinished(status: string): boolean {
  return TERMINAL.has(status);
}

const seconds = (from: Date, to: Date): number => Math.max(0, (to.getTime() - from.getTime()) / 1000);

/**
 * When a contact arrived, from its first `queued` event: the event's time, or the earlier arrival it
 * keeps (a contact the customer switched to keeps the place in line of the one it continues).
 */
export function arrivalTime(queuedAt: Date, keepsArrivedAt: unknown): Date {
  const kept = typeof keepsArrivedAt === 'string' ? new Date(keepsArrivedAt) : null;
  return kept && kept.getTime() < queuedAt.getTime() ? kept : queuedAt;
}

/** The facts of a finished contact; null while it is open or when it never reached a queue. */
export function contactFacts(contact: TimelineContact, events: readonly TimelineEvent[], calendar: BusinessTime | null = null): ContactFact | null {
  if (!isFinished(contact.status) || !contact.queueId || events.length === 0) return null;
  const shares = new Map<string, AgentShare>();
  const share = (agentId: string): AgentShare => {
    let s = shares.get(agentId);
    if (!s) {
      s = { agentId, offers: 0, answered: 0, abandonedWhileOffered: 0, handleSeconds: 0, handleSpans: 0, wrapUpSeconds: 0, wrapUps: 0, transfers: 0, closed: 0, endedByMaxDuration: 0, endedBySupervisor: 0 };
      shares.set(agentId, s);
    }
    return s;
  };
  const first = events.find((e) => e.type === 'queued') ?? events[0];
  const arrivedAt = arrivalTime(first.at, first.detail?.keepsArrivedAt);
  const firstQueue = typeof first.detail?.queueId === 'string' ? first.detail.queueId : contact.queueId;
  let answeredAt: Date | null = null;
  let answeringAgentId: string | null = null;
  let closingAgentId: string | null = null;
  let endAt: Date | null = null;
  let completedAt: Date | null = null;
  let offeredTo: string | null = null;
  let handle: { agentId: string; since: Date } | null = null;
  let handleTotal = 0;
  let wrapTotal: number | null = null;
  let transfers = 0;
  let callback = contact.kind === 'callback';
  let abandoned = false;
  const endedByMaxDuration = contact.endReason === MAX_DURATION_END_REASON;
  const endedBySupervisor = contact.endReason === SUPERVISOR_END_REASON;
  // Its end was never reported: whoever ended it (the sweep, a supervisor) did so when it was noticed.
  const lostEnd = endedByMaxDuration || endedBySupervisor;

  const closeSpan = (at: Date): void => {
    if (!handle) return;
    const s = share(handle.agentId);
    const d = seconds(handle.since, at);
    s.handleSeconds += d;
    s.handleSpans += 1;
    handleTotal += d;
    handle = null;
  };

  for (const e of events) {
    switch (e.type) {
      case 'offered':
        if (e.agentId) {
          share(e.agentId).offers += 1;
          offeredTo = e.agentId;
        }
        break;
      case 'rejected':
      case 'timeout':
      case 'agent-failed':
      case 'requeued':
        offeredTo = null;
        break;
      case 'accepted':
        if (!e.agentId) break;
        if (!answeredAt) {
          answeredAt = e.at;
          answeringAgentId = e.agentId;
          share(e.agentId).answered = 1;
        }
        closeSpan(e.at);
        handle = { agentId: e.agentId, since: e.at };
        offeredTo = null;
        break;
      case 'transferred':
        transfers += 1;
        if (e.agentId) share(e.agentId).transfers += 1;
        closeSpan(e.at);
        break;
      case 'callback-requested':
        callback = true;
        break;
      case 'completed':
      case 'ended': {
        const agentId = e.agentId ?? (handle as { agentId: string } | null)?.agentId ?? null;
        endAt = e.at;
        if (lostEnd && e.type === 'ended') {
          // The sweep's or the supervisor's end: the span it closes, and the wrap-up of 0 it records,
          // are not work. (Ended while waiting or ringing, no agent held it: there is no span.)
          handle = null;
          if (agentId) {
            closingAgentId = agentId;
            const s = share(agentId);
            s.closed = 1;
            if (endedByMaxDuration) s.endedByMaxDuration = 1;
            else s.endedBySupervisor = 1;
          }
          break;
        }
        closeSpan(e.at);
        if (e.type === 'completed') completedAt = e.at;
        if (agentId) {
          closingAgentId = agentId;
          const s = share(agentId);
          s.closed = 1;
          const wrap = e.detail?.wrapUpSeconds;
          if (typeof wrap === 'number' && Number.isFinite(wrap)) {
            s.wrapUpSeconds += wrap;
            s.wrapUps += 1;
            wrapTotal = (wrapTotal ?? 0) + wrap;
          }
        }
        break;
      }
      case 'abandoned':
        abandoned = true;
        endAt = e.at;
        if (e.agentId ?? offeredTo) share((e.agentId ?? offeredTo)!).abandonedWhileOffered = 1;
        break;
      case 'failed':
        closeSpan(e.at);
        endAt = e.at;
        break;
      default:
        break;
    }
  }

  const outcome: ContactOutcome = answeredAt
    ? 'answered'
    : abandoned || contact.status === 'abandoned'
      ? 'abandoned'
      : contact.endReason === SWITCHED_END_REASON
        ? 'switched'
        : 'failed';
  const waitEnd = answeredAt ?? endAt ?? events[events.length - 1].at;
  const replied = contact.channel === 'email' && completedAt !== null;
  return {
    contactId: contact.id,
    channel: contact.channel,
    queueId: firstQueue,
    kind: contact.kind,
    arrivedAt,
    outcome,
    waitSeconds: seconds(arrivedAt, waitEnd),
    answeringAgentId,
    closingAgentId,
    handleSeconds: answeredAt && !lostEnd ? handleTotal : null,
    wrapUpSeconds: answeredAt ? wrapTotal : null,
    endedByMaxDuration,
    endedBySupervisor,
    transfers,
    callback,
    replyBusinessSeconds: replied ? (calendar ? calendar.businessSecondsBetween(arrivedAt, completedAt!) : seconds(arrivedAt, completedAt!)) : null,
    replyWithinDeadline: replied ? completedAt!.getTime() <= contact.deadline.getTime() : null,
    agents: [...shares.values()],
  };
}
