/**
 * Reads the routing state back from the tables: at the owner's start, after a takeover, and after
 * the writer failed (memory may then be ahead of the tables). One statement per table; the owner
 * runs it while its writer is idle, so contacts, reservations and presence (which only the owner
 * writes) agree with each other. Agents, skills and loans are edited elsewhere: a change there is
 * picked up with `loadAgentStatics`.
 */
import type { Channel } from '../../../core/src/channel.js';
import type { AgentState } from '../../../routing/src/model.js';
import type {
  AgentRecord,
  ContactKind,
  ContactRecord,
  ContactStatus,
  CustomerRecord,
  LoanRecord,
  PhoneDecision,
  PresenceRecord,
  ReservationRecord,
  ReservationStatus,
  RoutingSnapshot,
} from '../../../routing/src/core/types.js';
import { RoutingState } from '../../../routing/src/core/routing-state.js';
import type { SqlSession } from './routing-writer.js';

type Raw = Record<string, unknown>;

/** Calls finished this long ago are still loaded by default, so that a retried decision (same call id) is answered the same. */
export const DEFAULT_RECENT_FINISHED_MS = 10 * 60_000;

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));
const jsonObject = (v: unknown): Record<string, unknown> | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : (v as Record<string, unknown>);
/** uuid[] as the drivers return it (an array), or as PostgreSQL's text form should a driver leave it unparsed. */
const uuids = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? v.replace(/^\{|\}$/g, '').split(',').filter(Boolean) : []);

const CONTACT_COLUMNS = `id, channel, kind, status, queue_id, call_id, decision_id, decision, customer_id, customer_ref, caller_name, called_number,
  language, subject, arrived_at, deadline, priority_boost_seconds, previous_agent_id, excluded_agent_ids, offer_attempts, agent_id, answered_at,
  ended_at, end_reason, explanation, created_at`;

function contact(r: Raw): ContactRecord {
  return {
    id: r.id as string,
    channel: r.channel as Channel,
    kind: r.kind as ContactKind,
    status: r.status as ContactStatus,
    queueId: str(r.queue_id),
    callId: str(r.call_id),
    decisionId: r.decision_id as string,
    decision: jsonObject(r.decision),
    customerId: str(r.customer_id),
    customerRef: str(r.customer_ref),
    callerName: str(r.caller_name),
    calledNumber: str(r.called_number),
    language: str(r.language),
    subject: str(r.subject),
    arrivedAt: date(r.arrived_at),
    deadline: date(r.deadline),
    priorityBoostSeconds: Number(r.priority_boost_seconds),
    previousAgentId: str(r.previous_agent_id),
    excludedAgentIds: uuids(r.excluded_agent_ids),
    offerAttempts: Number(r.offer_attempts),
    agentId: str(r.agent_id),
    answeredAt: dateOrNull(r.answered_at),
    endedAt: dateOrNull(r.ended_at),
    endReason: str(r.end_reason),
    explanation: jsonObject(r.explanation),
    createdAt: date(r.created_at),
  };
}

const RESERVATION_COLUMNS = 'id, contact_id, agent_id, channel, status, offered_at, expires_at, resolved_at';

function reservation(r: Raw): ReservationRecord {
  return {
    id: r.id as string,
    contactId: r.contact_id as string,
    agentId: r.agent_id as string,
    channel: r.channel as Channel,
    status: r.status as ReservationStatus,
    offeredAt: date(r.offered_at),
    expiresAt: date(r.expires_at),
    resolvedAt: dateOrNull(r.resolved_at),
  };
}

const CUSTOMER_COLUMNS = 'id, phone_number, external_ref, last_agent_id, last_contact_at';

function customer(r: Raw): CustomerRecord {
  return {
    id: r.id as string,
    phoneNumber: str(r.phone_number),
    externalRef: str(r.external_ref),
    lastAgentId: str(r.last_agent_id),
    lastContactAt: dateOrNull(r.last_contact_at),
  };
}

const PRESENCE_COLUMNS = `agent_id, state, break_reason, phone_capacity, chat_capacity, email_capacity, phone_load, chat_load, email_load,
  state_since, idle_since, wrap_up_until, pending_state, pending_reason`;

function presence(r: Raw): PresenceRecord {
  return {
    agentId: r.agent_id as string,
    state: r.state as AgentState,
    breakReason: str(r.break_reason),
    capacity: { phone: Number(r.phone_capacity), chat: Number(r.chat_capacity), email: Number(r.email_capacity) },
    load: { phone: Number(r.phone_load), chat: Number(r.chat_load), email: Number(r.email_load) },
    stateSince: date(r.state_since),
    idleSince: date(r.idle_since),
    wrapUpUntil: dateOrNull(r.wrap_up_until),
    pendingState: str(r.pending_state) as PresenceRecord['pendingState'],
    pendingReason: str(r.pending_reason),
  };
}

/**
 * The static routing data of the given agents (all agents when `ids` is null): agents rows, skills
 * and active loans, in agent id order. Three statements.
 */
async function statics(session: SqlSession, ids: string[] | null): Promise<Omit<AgentRecord, 'presence'>[]> {
  const filter = (column: string) => (ids === null ? '' : ` AND ${column} = ANY($1::uuid[])`);
  const params = ids === null ? [] : [ids];
  const agents = (await session.query(
    `SELECT id, department_id, phone_uri, active, phone_capacity, chat_capacity, email_capacity FROM agents WHERE true${filter('id')} ORDER BY id`,
    params,
  )) as Raw[];
  const skills = (await session.query(`SELECT agent_id, skill_key, proficiency FROM agent_skills WHERE true${filter('agent_id')}`, params)) as Raw[];
  // Active loans of any window: LoanRecord's consumers decide whether `now` lies inside it (and an
  // explanation can name a loan that starts later or has just ended).
  const loans = (await session.query(
    `SELECT agent_id, to_department_id, queue_id, starts_at, ends_at FROM loans WHERE status = 'active'${filter('agent_id')} ORDER BY agent_id, starts_at, id`,
    params,
  )) as Raw[];
  const skillsOf = new Map<string, Record<string, number>>();
  for (const s of skills) {
    const agentId = s.agent_id as string;
    let map = skillsOf.get(agentId);
    if (!map) skillsOf.set(agentId, (map = {}));
    map[s.skill_key as string] = Number(s.proficiency);
  }
  const loansOf = new Map<string, LoanRecord[]>();
  for (const l of loans) {
    const agentId = l.agent_id as string;
    let list = loansOf.get(agentId);
    if (!list) loansOf.set(agentId, (list = []));
    list.push({ departmentId: l.to_department_id as string, queueId: str(l.queue_id), from: date(l.starts_at), to: date(l.ends_at) });
  }
  return agents.map((a) => ({
    agentId: a.id as string,
    departmentId: a.department_id as string,
    phoneUri: str(a.phone_uri),
    active: Boolean(a.active),
    configuredCapacity: { phone: Number(a.phone_capacity), chat: Number(a.chat_capacity), email: Number(a.email_capacity) },
    skills: skillsOf.get(a.id as string) ?? {},
    loans: loansOf.get(a.id as string) ?? [],
  }));
}

/**
 * A call that finished within the recent window is looked for among the calls that arrived at most
 * this long before the window (a day: longer calls do not happen; one that did would only lose its
 * retried-decision answer after a takeover).
 */
const LONGEST_CALL_MS = 24 * 3_600_000;

/**
 * `recent`: the calls finished since $1 (that arrived since $2), numbered from the last to end (n = 1).
 * Found among the calls of the window through contacts_queue_arrived_idx (and the rejected ones
 * without a queue), never by reading every contact.
 */
const RECENT_FINISHED_CALLS = `recent AS (
       SELECT id, row_number() OVER (ORDER BY ended_at DESC, id DESC) AS n FROM (
         SELECT id, ended_at FROM contacts
         WHERE queue_id = ANY(ARRAY(SELECT id FROM queues)) AND arrived_at >= $2::timestamptz
           AND call_id IS NOT NULL AND status IN ('ended', 'abandoned', 'rejected', 'failed') AND ended_at >= $1::timestamptz
         UNION
         SELECT id, ended_at FROM contacts
         WHERE queue_id IS NULL AND arrived_at >= $2::timestamptz AND call_id IS NOT NULL AND status = 'rejected' AND ended_at >= $1::timestamptz) f)`;

/**
 * Everything the owner keeps in memory: all agents (active or not) with their presence, the
 * contacts not finished plus the calls finished within `recentFinishedMs` before `now` (for call-id
 * idempotency), the live reservations and the customers of the loaded contacts.
 *
 * The contacts are found through small indexes, never by reading every contact ever handled (a
 * takeover read all of them, ~1 s per million on this machine, while calls waited): a waiting
 * contact through `contacts_waiting_idx`; an offered or connected one through its live reservation
 * (`reservations_one_live_per_contact`: neither engine keeps one without the other, and the
 * database engine's STALE check relies on it too); a recently finished call among the calls of the
 * last day (`contacts_queue_arrived_idx`). Neither `status` nor `ended_at` is indexed on contacts,
 * so that answering and ending a call stay HOT updates.
 */
export async function loadRoutingSnapshot(session: SqlSession, now: Date, opts: { recentFinishedMs?: number; maxRecentFinished?: number } = {}): Promise<RoutingSnapshot> {
  const since = new Date(now.getTime() - (opts.recentFinishedMs ?? DEFAULT_RECENT_FINISHED_MS));
  const arrivedSince = new Date(since.getTime() - LONGEST_CALL_MS);
  const inFull = opts.maxRecentFinished ?? null;
  const agentStatics = await statics(session, null);
  const presenceRows = (await session.query(`SELECT ${PRESENCE_COLUMNS} FROM agent_presence`)) as Raw[];
  const contactRows = (await session.query(
    `WITH ${RECENT_FINISHED_CALLS},
     found AS (
       SELECT id FROM contacts WHERE waiting
       UNION
       SELECT contact_id FROM reservations WHERE status IN ('offered', 'accepted')
       UNION
       SELECT id FROM recent WHERE $3::int IS NULL OR n <= $3::int)
     SELECT ${CONTACT_COLUMNS}, poll_due_by FROM contacts
     WHERE id IN (SELECT id FROM found)
       AND (status IN ('queued', 'offered', 'connected')
         OR (call_id IS NOT NULL AND status IN ('ended', 'abandoned', 'rejected', 'failed') AND ended_at >= $1::timestamptz))
     ORDER BY arrived_at, id`,
    [since.toISOString(), arrivedSince.toISOString(), inFull],
  )) as Raw[];
  // The older ones of a busy window: only what answers their call id (a takeover after ten minutes
  // at ~1,000 calls a second would otherwise read ~600,000 contacts, explanations and all).
  const compactRows =
    inFull === null
      ? []
      : ((await session.query(
          `WITH ${RECENT_FINISHED_CALLS}
           SELECT c.id, c.call_id, c.decision_id, c.decision, c.status, c.kind FROM recent r JOIN contacts c ON c.id = r.id
           WHERE r.n > $3::int AND r.n <= $3::int + $4::int
           ORDER BY r.n DESC`,
          [since.toISOString(), arrivedSince.toISOString(), inFull, RoutingState.MAX_FINISHED_CALLS],
        )) as Raw[]);
  const reservationRows = (await session.query(
    `SELECT ${RESERVATION_COLUMNS} FROM reservations WHERE status IN ('offered', 'accepted') ORDER BY offered_at, id`,
  )) as Raw[];
  const contacts = contactRows.map(contact);
  // The offer that timed out last of each call still unanswered, which the agent may yet pick up
  // (libs/routing lateAnsweredOffer, lateTalkedOffer): found as the database engine finds it, by the
  // call's last unanswered-offer event (the timeline's (contact_id, id) index), and kept if it expired.
  const unanswered = contacts.filter((c) => c.channel === 'phone' && c.kind === 'inbound' && (c.status === 'queued' || c.status === 'offered')).map((c) => c.id);
  const expiredRows = unanswered.length
    ? ((await session.query(
        `SELECT ${RESERVATION_COLUMNS} FROM reservations
         WHERE status = 'expired' AND id IN (
           SELECT last.reservation_id FROM unnest($1::uuid[]) AS x(cid)
           CROSS JOIN LATERAL (SELECT e.reservation_id FROM contact_events e
                               WHERE e.contact_id = x.cid AND e.type IN ('rejected', 'timeout', 'agent-failed', 'requeued') AND e.reservation_id IS NOT NULL
                               ORDER BY e.id DESC LIMIT 1) last)
         ORDER BY offered_at, id`,
        [unanswered],
      )) as Raw[])
    : [];
  const customerIds = [...new Set(contacts.flatMap((c) => (c.customerId ? [c.customerId] : [])))];
  const customerRows = customerIds.length
    ? ((await session.query(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id`, [customerIds])) as Raw[])
    : [];
  const presenceOf = new Map(presenceRows.map((r) => [r.agent_id as string, presence(r)]));
  return {
    agents: agentStatics.map((a) => ({ ...a, presence: presenceOf.get(a.agentId) ?? null })),
    contacts,
    reservations: [...reservationRows, ...expiredRows].map(reservation),
    customers: customerRows.map(customer),
    // Calls in line or ringing that were long-polled: watched for a lost abandoned from where the last owner left them.
    pollDeadlines: contactRows
      .filter((r) => r.poll_due_by !== null && r.poll_due_by !== undefined && (r.status === 'queued' || r.status === 'offered'))
      .map((r) => ({ contactId: r.id as string, dueBy: date(r.poll_due_by) })),
    finishedCalls: compactRows.map((r) => ({
      callId: r.call_id as string,
      contactId: r.id as string,
      decisionId: r.decision_id as string,
      decision: jsonObject(r.decision) as PhoneDecision | null,
      status: r.status as ContactStatus,
      kind: r.kind as ContactKind,
    })),
  };
}

/** The static routing data of some agents again (after an agent, skill or loan change); unknown ids are left out. */
export async function loadAgentStatics(session: SqlSession, agentIds: string[]): Promise<Omit<AgentRecord, 'presence'>[]> {
  if (!agentIds.length) return [];
  return statics(session, agentIds);
}

/** The customers whose `column` is one of `keys`, in one statement however many are asked; keys without a customer are left out. */
async function fetchCustomersBy(session: SqlSession, column: 'id' | 'phone_number' | 'external_ref', keys: string[]): Promise<CustomerRecord[]> {
  const unique = [...new Set(keys)];
  if (!unique.length) return [];
  const rows = (await session.query(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE ${column} = ANY($1::${column === 'id' ? 'uuid' : 'text'}[]) ORDER BY id`, [unique])) as Raw[];
  return rows.map(customer);
}

/**
 * The customers with these phone numbers (callers not in memory); numbers without a customer are
 * left out. The numbers are unique in the table (customers_phone_number_unique), so there is at most
 * one row per number.
 */
export function fetchCustomersByPhones(session: SqlSession, phones: string[]): Promise<CustomerRecord[]> {
  return fetchCustomersBy(session, 'phone_number', phones);
}

/** The customers with these gateway references (chat, email), as `fetchCustomersByPhones` (customers_external_ref_unique). */
export function fetchCustomersByRefs(session: SqlSession, refs: string[]): Promise<CustomerRecord[]> {
  return fetchCustomersBy(session, 'external_ref', refs);
}

/** The customers with these ids (the owner reads its snapshot's customers again after publishing itself). */
export function fetchCustomersByIds(session: SqlSession, ids: string[]): Promise<CustomerRecord[]> {
  return fetchCustomersBy(session, 'id', ids);
}

/** The customer with this phone number (the routing-store spec reads customers back with it). */
export async function fetchCustomerByPhone(session: SqlSession, phone: string): Promise<CustomerRecord | null> {
  return (await fetchCustomersByPhones(session, [phone]))[0] ?? null;
}

/** The customer with this gateway reference (the routing-store spec reads customers back with it). */
export async function fetchCustomerByRef(session: SqlSession, ref: string): Promise<CustomerRecord | null> {
  return (await fetchCustomersByRefs(session, [ref]))[0] ?? null;
}
