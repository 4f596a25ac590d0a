/**
 * Everything the live routing engine reads and writes, as plain SQL. The engine (apps/api/src/routing)
 * decides with libs/routing; this repository only stores and locks. Concurrency rules:
 * - a decision runs inside one transaction (`RoutingRepository.transaction`);
 * - an agent's capacity is taken by a conditional UPDATE (`tryReserveAgent`) that re-checks state,
 *   load and capacity under the row lock, and the checks of agent_presence forbid over-capacity;
 * - a contact is assigned by inserting a reservation; the partial unique index
 *   reservations_one_live_per_contact forbids a second live one;
 * - waiting contacts are claimed with FOR UPDATE SKIP LOCKED, expired offers likewise.
 * Personal data (caller number and name, subject) is stored but never returned in explanations.
 */
import { createHash } from 'node:crypto';
import { isEmbedded, runExclusively } from '../job-lock.js';
import { rowsOf } from '../query-rows.js';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import type { Channel } from '../../../core/src/channel.js';
import { uuidv7 } from '../../../core/src/ids.js';
import type { IdempotencyClaim, IdempotencyKeyRecord } from '../../../core/src/idempotency.js';
import type { AgentPresenceState } from '../entities/agent-presence.entity.js';
import type { ContactEventType, ContactKind, ContactStatus } from '../entities/contact.entity.js';
import type { ReservationStatus } from '../entities/reservation.entity.js';
import { DEFAULT_MAX_CONTACT_SECONDS, type ContactRecord, type CoreQueueSettings, type CustomerRecord, type LoanRecord } from '../../../routing/src/core/types.js';
import type { CustomerLinkPlan } from '../../../routing/src/core/customer-link.js';
import { applyCustomerLink, lockCustomersOf } from '../customer-links.js';
import type { PendingAgentState } from '../../../routing/src/model.js';

export interface RoutingQueueRow {
  id: string;
  key: string;
  departmentId: string;
  channel: Channel;
  language: string | null;
  targetPercent: number;
  targetSeconds: number;
  targetBasis: 'elapsed' | 'business';
  requiredSkills: { skill: string; minProficiency: number }[];
  calendar: { timeZone: string; holidayRegion: string | null; openingHours: { weekday: number; open: string; close: string }[]; closures: string[] };
  settings: RoutingSettingsRow | null;
}

export type RoutingSettingsRow = CoreQueueSettings;

export interface PresenceRow {
  agentId: string;
  departmentId: string;
  phoneUri: string | null;
  state: AgentPresenceState;
  breakReason: string | null;
  capacity: Record<Channel, number>;
  load: Record<Channel, number>;
  idleSince: Date;
  stateSince: Date;
  wrapUpUntil: Date | null;
  /** A break or offline asked for while working (taken once the last contact has ended and wrap-up is over); null: none. */
  pendingState: PendingAgentState | null;
  /** The reason of a pending break. */
  pendingReason: string | null;
  skills: Record<string, number>;
  /** Active loans of the agent near the decision time (only where the query asked for them). */
  loans: LoanRow[];
}

/** An active loan of an agent to another department (queueId null = all its queues), [from, to). */
export type LoanRow = LoanRecord;

/** A customer as a decision's snapshot reads it: the id and the last agent (never the number or reference). */
export interface SnapshotCustomer {
  id: string;
  lastAgentId: string | null;
  lastContactAt: Date | null;
}

type RawSnapshotCustomer = Omit<SnapshotCustomer, 'lastContactAt'> & { lastContactAt: string | null };

function snapshotCustomer(c: RawSnapshotCustomer | null): SnapshotCustomer | null {
  return c ? { ...c, lastContactAt: c.lastContactAt ? new Date(c.lastContactAt) : null } : null;
}

/** A contacts row as the engine reads it: the in-memory engine's record without the caller's personal data. */
export type ContactRow = Omit<ContactRecord, 'callerName' | 'calledNumber'>;

/**
 * A waiting contact as a routing decision reads it alongside its agents (contactSnapshot): the
 * fields the policy needs to hold agents back for it (email blending, call draining).
 */
export type WaitingContactRow = Pick<
  ContactRow,
  'id' | 'channel' | 'queueId' | 'language' | 'arrivedAt' | 'deadline' | 'customerId' | 'previousAgentId' | 'priorityBoostSeconds' | 'excludedAgentIds' | 'offerAttempts'
>;

/** What a new contact is inserted with: the row's own fields (the rest take their defaults) plus the caller's personal data, stored on the contact and never logged. */
export type NewContact = Pick<
  ContactRow,
  | 'id'
  | 'channel'
  | 'kind'
  | 'status'
  | 'queueId'
  | 'callId'
  | 'decisionId'
  | 'decision'
  | 'customerId'
  | 'customerRef'
  | 'language'
  | 'subject'
  | 'arrivedAt'
  | 'deadline'
  | 'previousAgentId'
  | 'agentId'
  | 'offerAttempts'
  | 'explanation'
> & {
  callerName: string | null;
  calledNumber: string | null;
};

/** What `endContact` saw (under lock) and did. */
export interface EndContactResult {
  contactId: string;
  status: ContactStatus;
  kind: ContactKind;
  reservationId: string | null;
  agentId: string | null;
  reservationStatus: ReservationStatus | null;
  /**
   * `earlier-offer`: the event named another offer than the live one; `retry`: the contact was
   * changed by a transaction that committed while this statement waited for its lock, so its
   * snapshot may miss that change's reservation — run it again (nothing changed in either case).
   */
  action: 'finish' | 'abandon' | 'none' | 'earlier-offer' | 'retry';
  /** The released agent's state after the statement. */
  agentState: AgentPresenceState | null;
  /**
   * Whether contacts wait (as the statement's snapshot saw) in the released agent's department's
   * queues, or anywhere when the agent has an active loan: false means offerWorkTo has nothing to do
   * (a contact queued concurrently is offered by its own routing or the next sweep).
   */
  mayHaveWork: boolean;
  /** The contact after the change (null when nothing changed). */
  contact: ContactRow | null;
}

/** What `acceptReservation` saw (under lock) and whether it applied. */
export interface AcceptResult {
  contactId: string;
  status: ContactStatus;
  reservationId: string | null;
  agentId: string | null;
  reservationStatus: ReservationStatus | null;
  expiresAt: Date | null;
  applied: boolean;
  /** As EndContactResult's `retry`: nothing changed, run it again. */
  stale: boolean;
  contact: ContactRow | null;
}

export interface ReservationRow {
  id: string;
  contactId: string;
  agentId: string;
  channel: Channel;
  status: ReservationStatus;
  offeredAt: Date;
  expiresAt: Date;
  resolvedAt: Date | null;
  /** When a long poll told the telephony of this call offer (null: not known to have). */
  deliveredAt: Date | null;
}

export interface ContactEventRow {
  id: string;
  contactId: string;
  at: Date;
  type: ContactEventType;
  agentId: string | null;
  reservationId: string | null;
  detail: Record<string, unknown> | null;
}

export interface NewContactEvent {
  contactId: string;
  at: Date;
  type: ContactEventType;
  agentId?: string | null;
  reservationId?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface EntryPointRow {
  id: string;
  calledNumber: string;
  name: string;
  queueId: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface QueueStatsRow {
  waiting: number;
  oldestArrivedAt: Date | null;
  answeredToday: number;
  answeredWithinTargetToday: number;
  abandonedToday: number;
  /** Arrived today; those that ended switched (the customer continued on another channel) are not offered here. */
  offeredToday: number;
  /** Arrived today and ended switched. */
  switchedToday: number;
  /** Arrived today, still queued or offered, unanswered, and past the deadline at `now`. */
  overdueToday: number;
  /** Arrived today and completed by an agent: for an email, its reply. */
  completedToday: number;
  /** Of them, completed by the deadline (an email's counts business time of its queue's calendar). */
  completedWithinTargetToday: number;
  /** Arrived today, not ended (waiting, offered or in an agent's hands), and past the deadline at `now`: for an email, not replied in time. */
  openOverdueToday: number;
}

/** `GET /v1/contacts`: one queue's contacts, a page at a time. */
export interface ContactListFilter {
  queueId: string;
  /** Arrived at or after (null: any time). */
  from: Date | null;
  /** Arrived before (null: any time). */
  to: Date | null;
  /** true: not ended; false: ended; null: both. */
  open: boolean | null;
  limit: number;
  offset: number;
}

const CONTACT_COLUMNS = `c.id, c.channel, c.kind, c.status, c.queue_id AS "queueId", c.call_id AS "callId", c.decision_id AS "decisionId",
  c.decision, c.customer_id AS "customerId", c.customer_ref AS "customerRef", c.language, c.subject, c.arrived_at AS "arrivedAt",
  c.deadline, c.priority_boost_seconds AS "priorityBoostSeconds", c.previous_agent_id AS "previousAgentId",
  c.excluded_agent_ids AS "excludedAgentIds", c.offer_attempts AS "offerAttempts", c.agent_id AS "agentId",
  c.answered_at AS "answeredAt", c.ended_at AS "endedAt", c.end_reason AS "endReason", c.explanation, c.created_at AS "createdAt"`;

const PRESENCE_COLUMNS = `p.agent_id AS "agentId", a.department_id AS "departmentId", a.phone_uri AS "phoneUri", p.state,
  p.break_reason AS "breakReason", p.phone_capacity, p.chat_capacity, p.email_capacity, p.phone_load, p.chat_load, p.email_load,
  p.idle_since AS "idleSince", p.state_since AS "stateSince", p.wrap_up_until AS "wrapUpUntil", p.pending_state AS "pendingState",
  p.pending_reason AS "pendingReason"`;

/**
 * Loans read with an agent pool: 'active' loans whose window lies within a day of the decision
 * time ($now), so that an explanation can say "outside-loan-window" for a loan that starts later
 * today or ended earlier; whether `now` is inside the window is the policy's call (LoanWindow).
 */
const LOAN_NEAR = (now: string) => `l.status = 'active' AND l.starts_at < ${now}::timestamptz + interval '1 day' AND l.ends_at > ${now}::timestamptz - interval '1 day'`;

/** Agents of department `dep` plus agents with a loan to it near `now` (both SQL parameters). */
const POOL_OF = (dep: string, now: string) =>
  `(a.department_id = ${dep}::uuid OR (${now}::timestamptz IS NOT NULL AND a.id IN (SELECT l.agent_id FROM loans l WHERE l.to_department_id = ${dep}::uuid AND ${LOAN_NEAR(now)})))`;

/** The loans of agent `p` to department `dep` near `now`, as a jsonb array (null for the department's own agents). */
const LOANS_TO = (dep: string, now: string) =>
  `CASE WHEN a.department_id = ${dep}::uuid OR ${now}::timestamptz IS NULL THEN NULL ELSE (SELECT jsonb_agg(jsonb_build_object('departmentId', l.to_department_id, 'queueId', l.queue_id, 'from', l.starts_at, 'to', l.ends_at))
     FROM loans l WHERE l.agent_id = p.agent_id AND l.to_department_id = ${dep}::uuid AND ${LOAN_NEAR(now)}) END`;

function loansOf(raw: unknown): LoanRow[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((l: { departmentId: string; queueId: string | null; from: string | Date; to: string | Date }) => ({
    departmentId: l.departmentId,
    queueId: l.queueId ?? null,
    from: new Date(l.from),
    to: new Date(l.to),
  }));
}

/**
 * In one statement under READ COMMITTED, a row locked FOR UPDATE is the latest version, but other
 * rows are read from the statement's snapshot: a contact that is offered or connected without a
 * visible live reservation was changed by a transaction that committed while the statement waited
 * for the contact's lock. Such a statement writes nothing and is run again.
 */
/** First key of the two-key advisory locks on a queue's line (the second is the queue id's hash): joinLine. */
const QUEUE_LINE_LOCK_SPACE = 0x51554555; // 'QUEU'

const STALE = `(c.status IN ('offered', 'connected') AND r.id IS NULL)`;

/** The maximum contact duration in force for contact `c` whose queue's settings row is `rs` (libs/routing maxContactSecondsOf). */
const MAX_CONTACT_SECONDS = `COALESCE(rs.max_contact_seconds, CASE c.channel WHEN 'phone' THEN ${DEFAULT_MAX_CONTACT_SECONDS.phone}
  WHEN 'chat' THEN ${DEFAULT_MAX_CONTACT_SECONDS.chat} ELSE ${DEFAULT_MAX_CONTACT_SECONDS.email} END)`;

/**
 * Contacts in an agent's hands past their queue's maximum duration at \`now\` (a timestamptz
 * parameter), as a FROM/WHERE over reservations r, contacts c and settings rs. Read by index, not
 * by a scan of every contact in hand: a contact's id is time-ordered (UUIDv7, made when it arrived,
 * before any agent took it), so one taken before now − max has an id below the UUID of
 * now − (the shortest maximum of any queue) — plus a minute for the clocks of other instances —
 * and the range is read from the partial index of live reservations
 * (reservations_one_live_per_contact), which holds only what is offered or in hand. In steady
 * state that range is empty. (Contacts with random ids from before ids were time-ordered are not
 * found: a supervisor ends those.)
 */
const OVERDUE_CONTACTS = (now: string) => `reservations r JOIN contacts c ON c.id = r.contact_id LEFT JOIN queue_routing_settings rs ON rs.queue_id = c.queue_id
  WHERE r.status = 'accepted' AND c.status = 'connected'
    AND r.contact_id < (SELECT (lpad(to_hex(floor(extract(epoch FROM ${now}::timestamptz) * 1000)::bigint + 60000
          - 1000 * LEAST(${DEFAULT_MAX_CONTACT_SECONDS.phone}, ${DEFAULT_MAX_CONTACT_SECONDS.chat}, ${DEFAULT_MAX_CONTACT_SECONDS.email},
              (SELECT min(s.max_contact_seconds) FROM queue_routing_settings s))::bigint), 12, '0') || '00000000000000000000')::uuid)
    AND r.resolved_at + make_interval(secs => ${MAX_CONTACT_SECONDS}) <= ${now}::timestamptz`;

/**
 * Waiting calls presumed gone at \`now\` (a timestamptz parameter; libs/routing pollDueBy): inbound
 * calls in line that were long-polled and not polled again by their poll_due_by. Read through the
 * partial index of waiting contacts (contacts_waiting_idx, \`WHERE waiting\`), which holds only the
 * contacts in line — never the finished ones; poll_due_by is not indexed, so the batched updates
 * that move it stay HOT (test/persistence/unpolled-calls-reads.spec.ts).
 */
const UNPOLLED_CALLS = (now: string) => `contacts c WHERE c.waiting AND c.poll_due_by <= ${now}::timestamptz AND c.channel = 'phone' AND c.kind = 'inbound'`;

const RESERVATION_COLUMNS = `r.id, r.contact_id AS "contactId", r.agent_id AS "agentId", r.channel, r.status, r.offered_at AS "offeredAt",
  r.expires_at AS "expiresAt", r.resolved_at AS "resolvedAt", r.delivered_at AS "deliveredAt"`;

type Raw = Record<string, unknown>;


function presence(row: Raw): PresenceRow {
  return {
    agentId: row.agentId as string,
    departmentId: row.departmentId as string,
    phoneUri: (row.phoneUri as string | null) ?? null,
    state: row.state as AgentPresenceState,
    breakReason: (row.breakReason as string | null) ?? null,
    capacity: { phone: Number(row.phone_capacity), chat: Number(row.chat_capacity), email: Number(row.email_capacity) },
    load: { phone: Number(row.phone_load), chat: Number(row.chat_load), email: Number(row.email_load) },
    idleSince: row.idleSince as Date,
    stateSince: row.stateSince as Date,
    wrapUpUntil: (row.wrapUpUntil as Date | null) ?? null,
    pendingState: (row.pendingState as PendingAgentState | null) ?? null,
    pendingReason: (row.pendingReason as string | null) ?? null,
    skills: (row.skills as Record<string, number> | undefined) ?? {},
    loans: loansOf(row.loans),
  };
}

const LOAD_COLUMN: Record<Channel, string> = { phone: 'phone_load', chat: 'chat_load', email: 'email_load' };

/** The states in which an agent taking an offer becomes busy: the routable ones, and break or not-responding with the offer still out (libs/routing RoutingCore.accept). */
const ACCEPTING_STATES = `('available', 'reserved', 'busy', 'break', 'not-responding')`;

/**
 * The SET list that makes the agent row `ap` busy at `at` on taking an offer: a break it was on
 * becomes its pending state (it begins again once nothing is left in hand), unless one is pending.
 */
const BUSY_ON_ACCEPT = (at: string): string =>
  `state = 'busy', state_since = CASE WHEN ap.state = 'busy' THEN ap.state_since ELSE ${at} END,
   pending_state = CASE WHEN ap.state = 'break' AND ap.pending_state IS NULL THEN 'break' ELSE ap.pending_state END,
   pending_reason = CASE WHEN ap.state = 'break' AND ap.pending_state IS NULL THEN ap.break_reason ELSE ap.pending_reason END,
   break_reason = CASE WHEN ap.state = 'break' THEN NULL ELSE ap.break_reason END, updated_at = now()`;

/** What RoutingTx needs of a pg client or pool: a query by named (prepared) statement. */
interface PreparedQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const statementNames = new Map<string, string>();

/**
 * A stable name per SQL text, so that every routing statement is a prepared statement on each
 * pooled connection: parsed and planned once per connection instead of on every call (planning
 * the CTE statements cost PostgreSQL ~1 ms each, executing them ~0.2 ms).
 */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `vuoro_routing_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    if (statementNames.size >= 5000) statementNames.clear();
    statementNames.set(sql, name);
  }
  return name;
}

/** A logged-in agent as the pool queries return it: [agentId, agents row version (xmin), state, break reason, capacities ×3, loads ×3, idle since, state since, wrap-up until, loans, pending state]. */
type PoolTuple = [string, string, AgentPresenceState, string | null, number, number, number, number, number, number, string, string, string | null, unknown, PendingAgentState | null];

/** The logged-in agents of department `dep` and those lent to it near `now`, as one json array of PoolTuples. */
const POOL_AGENTS = (dep: string, now: string) => `(SELECT COALESCE(json_agg(json_build_array(p.agent_id, a.xmin::text, p.state, p.break_reason,
    p.phone_capacity, p.chat_capacity, p.email_capacity, p.phone_load, p.chat_load, p.email_load, p.idle_since, p.state_since, p.wrap_up_until,
    ${LOANS_TO(dep, now)}, p.pending_state)), '[]'::json)
  FROM agent_presence p JOIN agents a ON a.id = p.agent_id WHERE ${POOL_OF(dep, now)} AND a.active AND p.state <> 'offline')`;

/**
 * The agents' static routing data (department, SIP URI, skills) by agent id, each with the version
 * of its agents row (xmin: it changes with every update of the row, and the agent update writes the
 * row and the skills in one transaction). The pool queries return the version only, so a decision
 * reads presence rows, not 200 agents' skills; a changed agent is read again, on every instance.
 */
/**
 * The working state of an agent (`agentSql`) with contacts left: busy with one accepted, reserved
 * while all are still offers (libs/routing's heldState). `exceptSql` names a reservation the same
 * statement resolves, which its snapshot still sees live.
 */
function heldStateSql(agentSql: string, exceptSql = 'NULL::uuid'): string {
  return `(CASE WHEN EXISTS (SELECT 1 FROM reservations h WHERE h.agent_id = ${agentSql} AND h.status = 'accepted' AND h.id IS DISTINCT FROM ${exceptSql}) THEN 'busy' ELSE 'reserved' END)`;
}

/**
 * The state of an agent (presence row `ap`, '' for the updated table itself) left with nothing in
 * hand and no wrap-up: its pending state (break or offline) if it asked for one, else available
 * (libs/routing's `rested`); restedColumnsSql is what else taking it changes.
 */
function restedStateSql(ap = ''): string {
  return `COALESCE(${ap}pending_state, 'available')`;
}

/** The columns besides `state` that an agent's pending state changes when it is taken (`when`: the condition that it is, on the old row). */
function restedColumnsSql(when: string, ap = ''): string {
  return `break_reason = CASE WHEN ${when} THEN (CASE WHEN ${ap}pending_state = 'break' THEN ${ap}pending_reason END) ELSE ${ap}break_reason END,
    pending_state = CASE WHEN ${when} THEN NULL ELSE ${ap}pending_state END,
    pending_reason = CASE WHEN ${when} THEN NULL ELSE ${ap}pending_reason END`;
}

/**
 * The capacity columns set to those in force (libs/routing capacityInForce): the configured ones of
 * the agents row `cfg` (no calls without a SIP URI), never below the row's loads after the update
 * (`loads`: an expression per channel). Contacts held when a capacity was lowered stay the agent's,
 * and the capacity comes down to the configured one as they are released.
 */
function capacityInForceSql(loads: Record<Channel, string>): string {
  return `phone_capacity = GREATEST(CASE WHEN cfg.phone_uri IS NULL THEN 0 ELSE cfg.phone_capacity END, ${loads.phone}),
    chat_capacity = GREATEST(cfg.chat_capacity, ${loads.chat}), email_capacity = GREATEST(cfg.email_capacity, ${loads.email})`;
}

export class AgentStatics {
  /** Read again after this long even when the version is unchanged (a skills write that bypassed the agents row). */
  static readonly MAX_AGE_MS = 60_000;
  private readonly byId = new Map<string, { version: string; at: number; departmentId: string; phoneUri: string | null; skills: Record<string, number> }>();

  get(agentId: string, version?: string): { departmentId: string; phoneUri: string | null; skills: Record<string, number> } | null {
    const hit = this.byId.get(agentId);
    if (!hit) return null;
    if (version === undefined) return hit;
    return hit.version === version && Date.now() - hit.at < AgentStatics.MAX_AGE_MS ? hit : null;
  }

  set(agentId: string, data: { version: string; departmentId: string; phoneUri: string | null; skills: Record<string, number> }): void {
    if (this.byId.size >= 50_000) this.byId.clear();
    this.byId.set(agentId, { ...data, at: Date.now() });
  }
}

/** The operations of one routing transaction. */
export class RoutingTx {
  /**
   * `prepared`: where to send named statements (the pg pool outside a transaction); inside a
   * transaction, the transaction's own connection; null on the embedded database (TypeORM's query).
   */
  constructor(
    readonly manager: EntityManager,
    private readonly prepared: PreparedQueryable | 'transaction' | null = null,
    private readonly statics: AgentStatics | null = null,
  ) {}

  private connection(): PreparedQueryable | null {
    if (this.prepared === 'transaction') {
      return ((this.manager.queryRunner as unknown as { databaseConnection?: PreparedQueryable } | undefined)?.databaseConnection) ?? null;
    }
    return this.prepared;
  }

  /** One statement (prepared where possible); the rows, also for UPDATE/DELETE … RETURNING. */
  query<T = Raw>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.q<T>(sql, params);
  }

  private q<T = Raw>(sql: string, params: unknown[] = []): Promise<T[]> {
    const connection = this.connection();
    if (!connection) return this.manager.query(sql, params) as Promise<T[]>;
    return connection.query({ name: statementName(sql), text: sql, values: params }).then(
      (result) => result.rows as T[],
      (err: unknown) => {
        // The same error TypeORM raises, so that the problem-details filter and retries see no difference.
        throw new QueryFailedError(sql, params, err as Error);
      },
    );
  }

  /**
   * A queue's routing definition (policy, calendar, settings). The routing catalog reads it on the
   * connection of the transaction that needs it: read through the pool, a transaction waiting for it
   * would hold its connection while every other connection might be held the same way.
   */
  async queueForRouting(queueId: string): Promise<RoutingQueueRow | null> {
    const rows = await this.q<RoutingQueueRow & { targetPercent: string }>(
      `SELECT q.id, q.key, q.department_id AS "departmentId", q.channel, q.language, q.target_percent AS "targetPercent",
         q.target_seconds AS "targetSeconds", q.target_basis AS "targetBasis",
         COALESCE((SELECT jsonb_agg(jsonb_build_object('skill', s.skill_key, 'minProficiency', s.min_proficiency)) FROM queue_skills s WHERE s.queue_id = q.id), '[]'::jsonb) AS "requiredSkills",
         jsonb_build_object('timeZone', bc.time_zone, 'holidayRegion', bc.holiday_region, 'openingHours', bc.opening_hours,
           'closures', COALESCE((SELECT jsonb_agg(cc.date::text) FROM calendar_closures cc WHERE cc.calendar_id = bc.id), '[]'::jsonb)) AS calendar,
         CASE WHEN rs.queue_id IS NULL THEN NULL ELSE jsonb_build_object('wrapUpSeconds', rs.wrap_up_seconds, 'offerTimeoutSeconds', rs.offer_timeout_seconds,
           'callbackThresholdSeconds', rs.callback_threshold_seconds, 'fallbackTarget', rs.fallback_target, 'meanHandleSeconds', rs.mean_handle_seconds,
           'wideningSteps', rs.widening_steps, 'lentAgentDelaySeconds', rs.lent_agent_delay_seconds,
           'previousAgentPreferenceSeconds', rs.previous_agent_preference_seconds, 'previousAgentLookbackDays', rs.previous_agent_lookback_days,
           'emailBlendingThresholdSeconds', rs.email_blending_threshold_seconds, 'maxContactSeconds', rs.max_contact_seconds,
           'pollGraceSeconds', rs.poll_grace_seconds) END AS settings
       FROM queues q JOIN business_calendars bc ON bc.id = q.calendar_id LEFT JOIN queue_routing_settings rs ON rs.queue_id = q.id
       WHERE q.id = $1`,
      [queueId],
    );
    const r = rows[0];
    return r ? { ...r, targetPercent: Number(r.targetPercent) } : null;
  }

  async findContact(id: string, lock: 'none' | 'update' | 'skip-locked' = 'none'): Promise<ContactRow | null> {
    const suffix = lock === 'update' ? ' FOR UPDATE OF c' : lock === 'skip-locked' ? ' FOR UPDATE OF c SKIP LOCKED' : '';
    const rows = await this.q<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.id = $1${suffix}`, [id]);
    return rows[0] ?? null;
  }

  async findContactByCallId(callId: string, lock: 'none' | 'update' = 'none'): Promise<ContactRow | null> {
    const rows = await this.q<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.call_id = $1${lock === 'update' ? ' FOR UPDATE OF c' : ''}`, [callId]);
    return rows[0] ?? null;
  }

  /**
   * The live first use of an Idempotency-Key (created at or after `cutoff`), or null. An expired row
   * of the key is deleted by the same statement, so that the key's next first use can be inserted
   * (by either engine: a plain insert, which a live row makes fail).
   */
  async findIdempotencyKey(apiKeyId: string, key: string, cutoff: Date): Promise<IdempotencyKeyRecord | null> {
    const rows = await this.q<IdempotencyKeyRecord>(
      `WITH expired AS (DELETE FROM contact_idempotency_keys WHERE api_key_id = $1 AND idempotency_key = $2 AND created_at < $3 RETURNING 1)
       SELECT api_key_id AS "apiKeyId", idempotency_key AS key, request_hash AS "requestHash", contact_id AS "contactId", created_at AS "createdAt"
       FROM contact_idempotency_keys WHERE api_key_id = $1 AND idempotency_key = $2 AND created_at >= $3`,
      [apiKeyId, key, cutoff],
    );
    return rows[0] ?? null;
  }

  /** Records a key's first use (in the transaction that inserts its contact); 23505 contact_idempotency_keys_pkey when the key was taken meanwhile. */
  async insertIdempotencyKey(r: IdempotencyKeyRecord): Promise<void> {
    await this.q(
      `INSERT INTO contact_idempotency_keys (api_key_id, idempotency_key, request_hash, contact_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [r.apiKeyId, r.key, r.requestHash, r.contactId, r.createdAt],
    );
  }

  /** Deletes up to `limit` keys first used before `cutoff` (oldest first); how many. */
  async deleteExpiredIdempotencyKeys(cutoff: Date, limit: number): Promise<number> {
    const rows = await this.q<{ n: number }>(
      `WITH gone AS (
         DELETE FROM contact_idempotency_keys k USING (
           SELECT api_key_id, idempotency_key FROM contact_idempotency_keys WHERE created_at < $1 ORDER BY created_at LIMIT $2) old
         WHERE k.api_key_id = old.api_key_id AND k.idempotency_key = old.idempotency_key RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [cutoff, limit],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Inserts a contact; null when a contact with the same call id exists (the caller retried). */
  async insertContact(c: NewContact): Promise<string | null> {
    const rows = await this.q<{ id: string }>(
      `INSERT INTO contacts (id, channel, kind, status, queue_id, call_id, decision_id, decision, customer_id, customer_ref, caller_name,
         called_number, language, subject, arrived_at, deadline, priority_boost_seconds, previous_agent_id, excluded_agent_ids,
         offer_attempts, agent_id, explanation)
       VALUES ($20, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 0, $16, '{}', $17, $18, $19)
       ON CONFLICT (call_id) DO NOTHING RETURNING id`,
      [c.channel, c.kind, c.status, c.queueId, c.callId, c.decisionId, c.decision, c.customerId, c.customerRef, c.callerName,
        c.calledNumber, c.language, c.subject, c.arrivedAt, c.deadline, c.previousAgentId, c.offerAttempts, c.agentId, c.explanation, c.id],
    );
    return rows[0]?.id ?? null;
  }

  async updateContact(
    id: string,
    patch: Partial<
      Pick<ContactRow, 'status' | 'kind' | 'agentId' | 'answeredAt' | 'endedAt' | 'endReason' | 'explanation' | 'offerAttempts' | 'excludedAgentIds' | 'queueId' | 'arrivedAt' | 'deadline' | 'decision' | 'customerId' | 'previousAgentId'>
    >,
    /** A call that was polled is not presumed gone before this (poll_due_by moved on, never back; a call never polled stays so). */
    pollDueAtLeast?: Date,
  ): Promise<void> {
    const columns: Record<string, string> = {
      status: 'status', kind: 'kind', agentId: 'agent_id', answeredAt: 'answered_at', endedAt: 'ended_at', endReason: 'end_reason',
      explanation: 'explanation', offerAttempts: 'offer_attempts', excludedAgentIds: 'excluded_agent_ids', queueId: 'queue_id',
      arrivedAt: 'arrived_at', deadline: 'deadline', decision: 'decision', customerId: 'customer_id', previousAgentId: 'previous_agent_id',
    };
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      params.push(v);
      sets.push(`${columns[k]} = $${params.length}`);
    }
    if (pollDueAtLeast) {
      params.push(pollDueAtLeast);
      // GREATEST skips nulls: a call never polled must stay so.
      sets.push(`poll_due_by = CASE WHEN poll_due_by IS NULL THEN NULL ELSE GREATEST(poll_due_by, $${params.length}) END`);
    }
    if (!sets.length) return;
    await this.q(`UPDATE contacts SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
  }

  async addEvents(events: NewContactEvent[]): Promise<void> {
    if (!events.length) return;
    const params: unknown[] = [];
    const values = events.map((e) => {
      params.push(e.contactId, e.at, e.type, e.agentId ?? null, e.reservationId ?? null, e.detail ?? null);
      const n = params.length;
      return `($${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    });
    await this.q(`INSERT INTO contact_events (contact_id, at, type, agent_id, reservation_id, detail) VALUES ${values.join(', ')}`, params);
  }

  /**
   * Logged-in (not offline) active agents of a department, with their skills; with `now`, also the
   * agents lent to the department near `now`, with those loans.
   */
  async loggedInAgents(departmentId: string, now: Date | null = null): Promise<PresenceRow[]> {
    const [row] = await this.q<{ agents: PoolTuple[] | string }>(`SELECT ${POOL_AGENTS('$1', '$2')} AS agents`, [departmentId, now]);
    return this.withStatics(row.agents);
  }

  /**
   * One round trip for a phone decision: the logged-in agents of the department and those lent to
   * it near `now` (one json value of arrays: cheap for PostgreSQL to build and fast to parse; the
   * agents' static data comes from AgentStatics), and the caller's customer record.
   */
  async phoneSnapshot(departmentId: string, phoneNumber: string | null, now: Date): Promise<{ agents: PresenceRow[]; customer: { id: string; lastAgentId: string | null; lastContactAt: Date | null } | null }> {
    const [row] = await this.q<{ agents: PoolTuple[] | string; customer: { id: string; lastAgentId: string | null; lastContactAt: string | null } | null }>(
      `SELECT ${POOL_AGENTS('$1', '$3')} AS agents,
         (SELECT json_build_object('id', c.id, 'lastAgentId', c.last_agent_id, 'lastContactAt', c.last_contact_at) FROM customers c WHERE c.phone_number = $2) AS customer`,
      [departmentId, phoneNumber, now],
    );
    return {
      agents: await this.withStatics(row.agents),
      customer: row.customer ? { ...row.customer, lastContactAt: row.customer.lastContactAt ? new Date(row.customer.lastContactAt) : null } : null,
    };
  }

  /**
   * One round trip before a chat or email decision: the pool of agents (as phoneSnapshot), the
   * customer of the gateway's reference, if known, and the department's waiting contacts of
   * `waitingChannels` (the most urgent `perQueue` of each queue, as waitingContacts reads them) that
   * can hold agents back from the new contact: calls and chats for an email (email blending), calls
   * for a chat (call draining). With no waiting channels that part is left out of the statement.
   * With the customer's phone number, also the customer of that number (a column only then, so the
   * statement without one stays as it was).
   */
  async contactSnapshot(
    departmentId: string,
    customerRef: string,
    now: Date,
    waitingChannels: readonly Channel[] = [],
    phoneNumber: string | null = null,
    perQueue = 20,
  ): Promise<{ agents: PresenceRow[]; customer: SnapshotCustomer | null; phoneCustomer: SnapshotCustomer | null; waiting: WaitingContactRow[] }> {
    type WaitingJson = Omit<WaitingContactRow, 'arrivedAt' | 'deadline'> & { arrivedAt: string; deadline: string };
    const customerOf = (where: string) =>
      `(SELECT json_build_object('id', c.id, 'lastAgentId', c.last_agent_id, 'lastContactAt', c.last_contact_at) FROM customers c WHERE ${where})`;
    const withWaiting = waitingChannels.length > 0;
    const params: unknown[] = [departmentId, customerRef, now];
    let sql = `SELECT ${POOL_AGENTS('$1', '$3')} AS agents, ${customerOf('c.external_ref = $2')} AS customer`;
    if (withWaiting) {
      params.push(waitingChannels, perQueue);
      sql += `,
         (SELECT json_agg(json_build_object('id', c.id, 'channel', c.channel, 'queueId', c.queue_id, 'language', c.language, 'arrivedAt', c.arrived_at,
              'deadline', c.deadline, 'customerId', c.customer_id, 'previousAgentId', c.previous_agent_id, 'priorityBoostSeconds', c.priority_boost_seconds,
              'excludedAgentIds', c.excluded_agent_ids, 'offerAttempts', c.offer_attempts))
          FROM queues q
          CROSS JOIN LATERAL (SELECT * FROM contacts c0 WHERE c0.queue_id = q.id AND c0.waiting
                              ORDER BY c0.deadline - make_interval(secs => c0.priority_boost_seconds), c0.arrived_at LIMIT $5) c
          WHERE q.department_id = $1 AND q.channel = ANY($4::text[])) AS waiting`;
    }
    if (phoneNumber !== null) {
      params.push(phoneNumber);
      sql += `, ${customerOf(`c.phone_number = $${params.length}`)} AS "phoneCustomer"`;
    }
    const [row] = await this.q<{ agents: PoolTuple[] | string; customer: RawSnapshotCustomer | null; phoneCustomer?: RawSnapshotCustomer | null; waiting?: WaitingJson[] | null }>(sql, params);
    return {
      agents: await this.withStatics(row.agents),
      customer: snapshotCustomer(row.customer),
      phoneCustomer: snapshotCustomer(row.phoneCustomer ?? null),
      waiting: (row.waiting ?? []).map((w) => ({ ...w, arrivedAt: new Date(w.arrivedAt), deadline: new Date(w.deadline) })),
    };
  }

  /** The customers of a reference and of a number, locked (in id order) for linking them (libs/persistence customer-links.ts). */
  lockCustomersOf(ref: string, phoneNumber: string): Promise<{ byRef: CustomerRecord | null; byPhone: CustomerRecord | null }> {
    return lockCustomersOf(this, ref, phoneNumber);
  }

  /** Applies a customer link planned on the rows `lockCustomersOf` locked in this transaction. */
  applyCustomerLink(plan: CustomerLinkPlan): Promise<boolean> {
    return applyCustomerLink(this, plan);
  }

  /**
   * A new chat or email in one statement (atomic on its own): creates the customer if new, takes
   * one unit of capacity of the first free, unlocked agent of `rankedAgentIds` (SKIP LOCKED), and
   * inserts the contact offered to it with its reservation and timeline (queued, reserved, offered).
   * With no ranked agent free, the contact is inserted queued (timeline: queued) when `queueIfNone`,
   * else nothing is inserted and null returned (the caller routes it the transactional way).
   */
  async createContactFast(d: {
    rankedAgentIds: string[]; queueIfNone: boolean; contactId: string; channel: 'chat' | 'email'; queueId: string; decisionId: string; reservationId: string;
    customerRef: string; language: string | null; subject: string | null; now: Date; deadline: Date; previousAgentId: string | null;
    explanation: Record<string, unknown>; expiresAt: Date; firstChoice: string | null; reservedDetail: Record<string, unknown>;
    /** The request's Idempotency-Key: its first use is inserted with the contact (a key taken meanwhile fails the statement, 23505 contact_idempotency_keys_pkey). */
    idempotency?: IdempotencyClaim;
  }): Promise<ContactRow | null> {
    const load = LOAD_COLUMN[d.channel];
    const cap = `${d.channel}_capacity`;
    // Only with a key: the statement of a hand-in without one is unchanged.
    const key = d.idempotency
      ? {
          cte: `,
       ik AS (
         INSERT INTO contact_idempotency_keys (api_key_id, idempotency_key, request_hash, contact_id, created_at)
         SELECT $19::uuid, $20::text, $21::text, ins.id, $11::timestamptz FROM ins RETURNING 1)`,
          count: ' + (SELECT count(*) FROM ik)',
          params: [d.idempotency.apiKeyId, d.idempotency.key, d.idempotency.requestHash],
        }
      : { cte: '', count: '', params: [] };
    const rows = await this.q<ContactRow>(
      `WITH pick AS (
         SELECT p.agent_id FROM agent_presence p
         WHERE p.agent_id = ANY($1::uuid[]) AND p.state IN ('available', 'reserved', 'busy') AND p.pending_state IS NULL AND p.phone_load = 0 AND p.${load} < p.${cap}
         ORDER BY array_position($1::uuid[], p.agent_id) LIMIT 1 FOR UPDATE OF p SKIP LOCKED),
       cust AS (
         INSERT INTO customers (id, external_ref) VALUES ($18::uuid, $8::text)
         ON CONFLICT (external_ref) DO UPDATE SET external_ref = EXCLUDED.external_ref RETURNING id),
       ins AS (
         INSERT INTO contacts AS c (id, channel, kind, status, queue_id, call_id, decision_id, decision, customer_id, customer_ref, caller_name,
           called_number, language, subject, arrived_at, deadline, priority_boost_seconds, previous_agent_id, excluded_agent_ids, offer_attempts,
           agent_id, explanation)
         SELECT $3::uuid, $4::text, 'inbound', CASE WHEN pick.agent_id IS NULL THEN 'queued' ELSE 'offered' END, $5::uuid, NULL, $6::uuid, NULL,
           (SELECT id FROM cust), $8::text, NULL, NULL, $9::text, $10::text, $11::timestamptz, $12::timestamptz, 0, $13::uuid, '{}',
           CASE WHEN pick.agent_id IS NULL THEN 0 ELSE 1 END, pick.agent_id,
           CASE WHEN pick.agent_id IS NULL OR pick.agent_id = $16::uuid THEN $14::jsonb
                ELSE $14::jsonb || jsonb_build_object('reservedInstead', pick.agent_id, 'note', 'the first choice was being taken by a concurrent decision') END
         FROM (SELECT 1) one LEFT JOIN pick ON true
         WHERE pick.agent_id IS NOT NULL OR $2::boolean
         RETURNING ${CONTACT_COLUMNS}),
       upd AS (
         UPDATE agent_presence p SET ${load} = p.${load} + 1,
           state = CASE WHEN p.state = 'available' THEN 'reserved' ELSE p.state END,
           state_since = CASE WHEN p.state = 'available' THEN $11::timestamptz ELSE p.state_since END, updated_at = now()
         FROM ins WHERE p.agent_id = ins."agentId" RETURNING p.agent_id),
       res AS (
         INSERT INTO reservations (id, contact_id, agent_id, channel, status, offered_at, expires_at)
         SELECT $7::uuid, ins.id, ins."agentId", $4::text, 'offered', $11::timestamptz, $15::timestamptz FROM ins WHERE ins."agentId" IS NOT NULL RETURNING id),
       ev AS (
         INSERT INTO contact_events (contact_id, at, type, agent_id, reservation_id, detail)
         SELECT ins.id, $11::timestamptz, x.type, x.agent, x.res, x.detail FROM ins CROSS JOIN LATERAL (VALUES
           (1, 'queued', NULL::uuid, NULL::uuid, jsonb_build_object('queueId', $5::uuid::text)),
           (2, 'reserved', ins."agentId", $7::uuid, $17::jsonb),
           (3, 'offered', ins."agentId", $7::uuid, jsonb_build_object('expiresAt', $15::timestamptz))) AS x(n, type, agent, res, detail)
         WHERE x.n = 1 OR ins."agentId" IS NOT NULL ORDER BY x.n
         RETURNING 1)${key.cte}
       SELECT ins.*, (SELECT count(*) FROM upd) + (SELECT count(*) FROM res) + (SELECT count(*) FROM ev)${key.count} AS writes FROM ins`,
      [d.rankedAgentIds, d.queueIfNone, d.contactId, d.channel, d.queueId, d.decisionId, d.reservationId, d.customerRef, d.language, d.subject,
        d.now, d.deadline, d.previousAgentId, d.explanation, d.expiresAt, d.firstChoice, d.reservedDetail, uuidv7(), ...key.params],
    );
    const row = rows[0] as (ContactRow & { writes?: unknown }) | undefined;
    if (!row) return null;
    delete row.writes;
    return row;
  }

  /** Presence tuples completed with the agents' static data, read (once per agent version) when not known. */
  private async withStatics(raw: PoolTuple[] | string): Promise<PresenceRow[]> {
    const tuples = (typeof raw === 'string' ? JSON.parse(raw) : raw) as PoolTuple[];
    const statics = this.statics ?? new AgentStatics();
    const missing = tuples.filter((t) => !statics.get(t[0], t[1])).map((t) => t[0]);
    if (missing.length) {
      const rows = await this.q<{ id: string; version: string; departmentId: string; phoneUri: string | null; skills: Record<string, number> | null }>(
        `SELECT a.id, a.xmin::text AS version, a.department_id AS "departmentId", a.phone_uri AS "phoneUri",
           (SELECT json_object_agg(s.skill_key, s.proficiency) FROM agent_skills s WHERE s.agent_id = a.id) AS skills
         FROM agents a WHERE a.id = ANY($1::uuid[])`,
        [missing],
      );
      for (const r of rows) statics.set(r.id, { version: r.version, departmentId: r.departmentId, phoneUri: r.phoneUri, skills: r.skills ?? {} });
    }
    const out: PresenceRow[] = [];
    for (const t of tuples) {
      const a = statics.get(t[0], t[1]) ?? statics.get(t[0]);
      if (!a) continue; // deleted meanwhile
      out.push({
        agentId: t[0], departmentId: a.departmentId, phoneUri: a.phoneUri, state: t[2], breakReason: t[3],
        capacity: { phone: t[4], chat: t[5], email: t[6] }, load: { phone: t[7], chat: t[8], email: t[9] },
        idleSince: new Date(t[10]), stateSince: new Date(t[11]), wrapUpUntil: t[12] ? new Date(t[12]) : null, skills: a.skills, loans: loansOf(t[13]),
        // The pool names a pending state only (the reason is read with the agent's own presence).
        pendingState: t[14] ?? null, pendingReason: null,
      });
    }
    return out;
  }

  /**
   * The fast path of a phone decision, one statement (atomic on its own): reserves the first free,
   * unlocked agent of `rankedAgentIds` (SKIP LOCKED), creates the customer if new, inserts the
   * contact (offered), its reservation and its timeline. Returns null, having changed nothing but
   * possibly the customer, when no ranked agent could be reserved or the call id exists already.
   */
  async decidePhoneFast(d: {
    rankedAgentIds: string[]; contactId: string; queueId: string; callId: string; reservationId: string; customerId: string | null;
    phoneNumber: string | null; callerName: string | null; calledNumber: string; language: string | null; now: Date; deadline: Date;
    previousAgentId: string | null; explanation: Record<string, unknown>; expiresAt: Date; firstChoice: string; reservedDetail: Record<string, unknown>;
  }): Promise<{ agentId: string; target: string } | null> {
    const rows = await this.q<{ agentId: string; target: string }>(
      `WITH pick AS (
         SELECT p.agent_id, a.phone_uri FROM agent_presence p JOIN agents a ON a.id = p.agent_id
         WHERE p.agent_id = ANY($1::uuid[]) AND p.state IN ('available', 'reserved', 'busy') AND p.pending_state IS NULL AND p.phone_load = 0
           AND p.phone_load < p.phone_capacity AND p.chat_load = 0 AND a.phone_uri IS NOT NULL
         ORDER BY array_position($1::uuid[], p.agent_id) LIMIT 1 FOR UPDATE OF p SKIP LOCKED),
       cust AS (
         INSERT INTO customers (id, phone_number) SELECT $18::uuid, $7::text WHERE $7::text IS NOT NULL AND $6::uuid IS NULL
         ON CONFLICT (phone_number) DO UPDATE SET phone_number = EXCLUDED.phone_number RETURNING id),
       ins AS (
         INSERT INTO contacts (id, channel, kind, status, queue_id, call_id, decision_id, decision, customer_id, customer_ref, caller_name,
           called_number, language, subject, arrived_at, deadline, priority_boost_seconds, previous_agent_id, excluded_agent_ids, offer_attempts,
           agent_id, explanation)
         SELECT $2::uuid, 'phone', 'inbound', 'offered', $3::uuid, $4::text, $5::uuid,
           jsonb_build_object('decisionId', $5::uuid::text, 'decision', 'agent', 'agentId', pick.agent_id, 'target', pick.phone_uri),
           COALESCE($6::uuid, (SELECT id FROM cust)), NULL, $8::text, $9::text, $10::text, NULL, $11::timestamptz, $12::timestamptz, 0, $13::uuid, '{}', 1, pick.agent_id,
           CASE WHEN pick.agent_id = $16::uuid THEN $14::jsonb
                ELSE $14::jsonb || jsonb_build_object('reservedInstead', pick.agent_id, 'note', 'the first choice was being taken by a concurrent decision') END
         FROM pick
         ON CONFLICT (call_id) DO NOTHING
         RETURNING id, agent_id),
       upd AS (
         UPDATE agent_presence p SET phone_load = p.phone_load + 1,
           state = CASE WHEN p.state = 'available' THEN 'reserved' ELSE p.state END,
           state_since = CASE WHEN p.state = 'available' THEN $11::timestamptz ELSE p.state_since END, updated_at = now()
         FROM ins WHERE p.agent_id = ins.agent_id RETURNING p.agent_id),
       res AS (
         INSERT INTO reservations (id, contact_id, agent_id, channel, status, offered_at, expires_at)
         SELECT $5::uuid, ins.id, ins.agent_id, 'phone', 'offered', $11::timestamptz, $15::timestamptz FROM ins RETURNING id),
       ev AS (
         INSERT INTO contact_events (contact_id, at, type, agent_id, reservation_id, detail)
         SELECT ins.id, $11::timestamptz, x.type, x.agent, x.res, x.detail FROM ins CROSS JOIN LATERAL (VALUES
           ('queued', NULL::uuid, NULL::uuid, jsonb_build_object('queueId', $3::uuid::text)),
           ('reserved', ins.agent_id, $5::uuid, $17::jsonb),
           ('offered', ins.agent_id, $5::uuid, jsonb_build_object('expiresAt', $15::timestamptz))) AS x(type, agent, res, detail)
         RETURNING 1)
       SELECT ins.agent_id AS "agentId", pick.phone_uri AS target, (SELECT count(*) FROM upd) + (SELECT count(*) FROM res) + (SELECT count(*) FROM ev) AS writes
       FROM ins JOIN pick ON pick.agent_id = ins.agent_id`,
      [d.rankedAgentIds, d.contactId, d.queueId, d.callId, d.reservationId, d.customerId, d.phoneNumber, d.callerName, d.calledNumber, d.language,
        d.now, d.deadline, d.previousAgentId, d.explanation, d.expiresAt, d.firstChoice, d.reservedDetail, uuidv7()],
    );
    return rows[0] ? { agentId: rows[0].agentId, target: rows[0].target } : null;
  }

  /** The agent's presence and skills; with `now`, also its loans (to any department) near `now`. */
  /**
   * One statement for the end of a contact (telephony `ended`/`abandoned`, agent `complete`), atomic
   * on its own. Locks the contact (by call id or id), its live reservation and the agent, then:
   * - `finish` — `ended` on a connected call, or `complete` by the agent holding the accepted
   *   reservation of a contact that is not an inbound call (the telephony system ends those:
   *   libs/routing telephonyDecidesAnswerAndEnd): reservation completed, agent released (into
   *   wrap-up when `wrap` > 0 and nothing else is in hand), contact ended with `reason`, timeline
   *   event `reason` with the wrap-up applied (libs/routing wrapUp);
   * - `abandon` — `ended`/`abandoned` on a queued or offered contact that is not a callback:
   *   reservation cancelled, agent released, contact abandoned, timeline event with `detail`; with
   *   `talked` (the event reports talk time on the agent leg: libs/routing reportsTalkTime) none —
   *   the call was answered, by its ringing agent or by the agent of an offer that timed out, which
   *   the caller works out (libs/routing answeredBeforeEnded, lateTalkedOffer);
   * - nothing, when neither applies or `decisionId` names an earlier offer.
   * Returns what it saw and did (the caller words "not applied" and errors), and the contact after.
   */
  async endContact(d: {
    callId?: string; contactId?: string; mode: 'ended' | 'abandoned' | 'complete'; decisionId: string | null; agentId: string | null;
    wrapOverride: number | null; defaultWrap: number; now: Date; detail: Record<string, unknown> | null;
    /** `ended`/`abandoned` reporting talk time on the agent leg: a queued or offered call is not abandoned here. */
    talked?: boolean;
    /** false: `contact` stays null (the caller needs only what was seen and done). */
    withContact?: boolean;
  }): Promise<EndContactResult | null> {
    const contactOut = d.withContact === false ? 'u.id' : 'u.*';
    // The released agent's contacts left in hand, and whether it goes into wrap-up: computed on the
    // locked (latest) presence row, as releaseAgent does.
    const LEFT = '(ap.phone_load + ap.chat_load + ap.email_load - 1)';
    const WRAP = `(act.action = 'finish' AND act.wrap > 0 AND ${LEFT} <= 0)`;
    const NEXT = `(CASE WHEN ${LEFT} > 0 THEN ${heldStateSql('act.agent_id', 'act.reservation_id')} ELSE ${restedStateSql('ap.')} END)`;
    // Nothing left in hand and no wrap-up: a pending break or offline is taken.
    const RESTS = `(NOT ${WRAP} AND ap.state IN ('reserved', 'busy') AND ${LEFT} <= 0)`;
    const rows = await this.q<Raw>(
      `WITH c AS (
         SELECT c.id, c.status, c.kind, c.channel, c.decision_id, c.queue_id FROM contacts c
         WHERE ${d.callId !== undefined ? 'c.call_id = $1::text' : 'c.id = $1::uuid'} FOR UPDATE),
       r AS (
         SELECT r.id, r.agent_id, r.status FROM reservations r
         WHERE r.contact_id = (SELECT id FROM c) AND r.status IN ('offered', 'accepted') FOR UPDATE),
       p AS (SELECT p.agent_id, p.phone_load + p.chat_load + p.email_load - 1 AS left_in_hand FROM agent_presence p WHERE p.agent_id = (SELECT agent_id FROM r) FOR UPDATE),
       act AS (
         SELECT c.id AS contact_id, c.channel, r.id AS reservation_id, r.agent_id,
           CASE WHEN ($2 IN ('ended', 'abandoned') AND c.status = 'connected' AND r.id IS NOT NULL)
                  OR ($2 = 'complete' AND r.status = 'accepted' AND r.agent_id = $4::uuid AND (c.channel <> 'phone' OR c.kind = 'callback')) THEN 'finish'
                WHEN $2 IN ('ended', 'abandoned') AND c.status IN ('queued', 'offered') AND NOT $10::boolean AND c.kind <> 'callback' THEN 'abandon'
                ELSE 'none' END AS action,
           COALESCE($5::int, rs.wrap_up_seconds, $6::int) AS wrap, p.left_in_hand
         FROM c LEFT JOIN r ON true LEFT JOIN p ON true LEFT JOIN queue_routing_settings rs ON rs.queue_id = c.queue_id
         WHERE ($3::uuid IS NULL OR r.id IS NULL OR $3::uuid IN (r.id, c.decision_id)) AND NOT ${STALE}),
       res AS (
         UPDATE reservations SET status = CASE WHEN act.action = 'finish' THEN 'completed' ELSE 'cancelled' END, resolved_at = $7
         FROM act WHERE reservations.id = act.reservation_id AND act.action <> 'none' RETURNING reservations.id),
       pres AS (
         UPDATE agent_presence ap SET
           phone_load = GREATEST(ap.phone_load - (act.channel = 'phone')::int, 0),
           chat_load = GREATEST(ap.chat_load - (act.channel = 'chat')::int, 0),
           email_load = GREATEST(ap.email_load - (act.channel = 'email')::int, 0),
           ${capacityInForceSql({
             phone: `GREATEST(ap.phone_load - (act.channel = 'phone')::int, 0)`,
             chat: `GREATEST(ap.chat_load - (act.channel = 'chat')::int, 0)`,
             email: `GREATEST(ap.email_load - (act.channel = 'email')::int, 0)`,
           })},
           state = CASE WHEN ${WRAP} THEN (CASE WHEN ap.state IN ('available', 'reserved', 'busy', 'wrap-up') THEN 'wrap-up' ELSE ap.state END)
                        WHEN ap.state IN ('reserved', 'busy') THEN ${NEXT}
                        ELSE ap.state END,
           state_since = CASE WHEN ${WRAP} AND ap.state IN ('available', 'reserved', 'busy', 'wrap-up') THEN $7
                              WHEN NOT ${WRAP} AND ap.state IN ('reserved', 'busy') AND ap.state <> ${NEXT} THEN $7
                              ELSE ap.state_since END,
           wrap_up_until = CASE WHEN ${WRAP} AND ap.state IN ('available', 'reserved', 'busy', 'wrap-up') THEN $7 + make_interval(secs => act.wrap)
                                ELSE ap.wrap_up_until END,
           idle_since = CASE WHEN ${LEFT} <= 0 THEN $7 ELSE ap.idle_since END,
           ${restedColumnsSql(RESTS, 'ap.')},
           updated_at = now()
         FROM act JOIN agents cfg ON cfg.id = act.agent_id
         WHERE ap.agent_id = act.agent_id AND act.action <> 'none' RETURNING ap.state),
       upd AS (
         UPDATE contacts c SET status = CASE WHEN act.action = 'finish' THEN 'ended' ELSE 'abandoned' END, ended_at = $7,
           end_reason = CASE WHEN act.action = 'finish' THEN $8 ELSE 'abandoned' END, updated_at = now()
         FROM act WHERE c.id = act.contact_id AND act.action <> 'none'
         RETURNING ${CONTACT_COLUMNS}),
       ev AS (
         INSERT INTO contact_events (contact_id, at, type, agent_id, reservation_id, detail)
         SELECT act.contact_id, $7, CASE WHEN act.action = 'finish' THEN $8 ELSE 'abandoned' END, act.agent_id, act.reservation_id,
           -- The wrap-up applied, as libs/routing wrapUp() records it: none while other contacts are in hand.
           CASE WHEN act.action <> 'finish' THEN $9::jsonb
                WHEN act.wrap > 0 AND act.left_in_hand > 0
                  THEN jsonb_build_object('wrapUpSeconds', 0, 'requestedWrapUpSeconds', act.wrap, 'wrapUpNotApplied', 'agent has ' || act.left_in_hand || ' other contact(s) in hand')
                ELSE jsonb_build_object('wrapUpSeconds', act.wrap) END
         FROM act WHERE act.action <> 'none' RETURNING 1)
       SELECT c.id AS "seenContactId", c.status AS "seenStatus", c.kind AS "seenKind", r.id AS "seenReservationId", r.agent_id AS "seenAgentId",
         r.status AS "seenReservationStatus", CASE WHEN ${STALE} THEN 'retry' ELSE COALESCE(act.action, 'earlier-offer') END AS "action", (SELECT state FROM pres) AS "agentState",
         (SELECT count(*) FROM res) + (SELECT count(*) FROM ev) AS writes,
         (act.action IN ('finish', 'abandon') AND act.agent_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM contacts w JOIN queues wq ON wq.id = w.queue_id
            WHERE w.waiting AND (wq.department_id = (SELECT ag.department_id FROM agents ag WHERE ag.id = act.agent_id)
              OR EXISTS (SELECT 1 FROM loans l WHERE l.agent_id = act.agent_id AND l.status = 'active')))) AS "mayHaveWork", ${contactOut}
       FROM c LEFT JOIN r ON true LEFT JOIN act ON true LEFT JOIN upd u ON true`,
      [d.callId ?? d.contactId, d.mode, d.decisionId, d.agentId, d.wrapOverride, d.defaultWrap, d.now, d.mode === 'complete' ? 'completed' : 'ended', d.detail, d.talked === true],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      contactId: row.seenContactId as string,
      status: row.seenStatus as ContactStatus,
      kind: row.seenKind as ContactKind,
      reservationId: (row.seenReservationId as string | null) ?? null,
      agentId: (row.seenAgentId as string | null) ?? null,
      reservationStatus: (row.seenReservationStatus as ReservationStatus | null) ?? null,
      action: row.action as EndContactResult['action'],
      agentState: (row.agentState as AgentPresenceState | null) ?? null,
      mayHaveWork: row.mayHaveWork === true,
      contact: row.id && d.withContact !== false ? (row as unknown as ContactRow) : null,
    };
  }

  /**
   * One statement for taking an offer (telephony `answered` by call id, or an agent's accept by
   * reservation id), atomic on its own: reservation accepted, contact connected, agent busy, the
   * customer's last agent remembered, timeline events. An agent's accept at or after the offer's
   * expiry, or of an inbound call (answered on the phone: libs/routing telephonyDecidesAnswerAndEnd),
   * is not applied (the caller handles the timeout and words the refusal).
   */
  async acceptReservation(d: {
    callId?: string; reservationId?: string; agentId: string | null; decisionId: string | null; now: Date; events: { type: ContactEventType; detail: Record<string, unknown> | null }[];
    /** The agent accepted: the 'accepted' event's detail says so (`agent … accepted contact …`, as libs/routing's resolveOffer). */
    byAgent?: boolean;
    /** false: `contact` stays null (the caller needs only what was seen and done). */
    withContact?: boolean;
  }): Promise<AcceptResult | null> {
    const byCall = d.callId !== undefined;
    const contactOut = d.withContact === false ? 'u.id' : 'u.*';
    const rows = await this.q<Raw>(
      `WITH c AS (
         SELECT c.id, c.status, c.channel, c.kind, c.customer_id, c.decision_id, c.decision FROM contacts c
         WHERE ${byCall ? 'c.call_id = $1::text' : 'c.id = (SELECT r0.contact_id FROM reservations r0 WHERE r0.id = $1::uuid)'} FOR UPDATE),
       r AS (
         SELECT r.id, r.agent_id, r.status, r.expires_at FROM reservations r
         WHERE ${byCall ? "r.contact_id = (SELECT id FROM c) AND r.status IN ('offered', 'accepted')" : 'r.id = $1::uuid'} FOR UPDATE),
       p AS (SELECT p.agent_id, p.phone_load + p.chat_load + p.email_load - 1 AS left_in_hand FROM agent_presence p WHERE p.agent_id = (SELECT agent_id FROM r) FOR UPDATE),
       ok AS (
         SELECT c.id AS contact_id, c.customer_id, r.id AS reservation_id, r.agent_id FROM c JOIN r ON true JOIN p ON true
         WHERE r.status = 'offered' AND ${byCall ? "c.status = 'offered' AND ($2::uuid IS NULL OR r.agent_id = $2::uuid)" : "r.agent_id = $2::uuid AND $4::timestamptz < r.expires_at AND (c.channel <> 'phone' OR c.kind = 'callback')"}
           -- The offer's own id, or the call's first decision id when that was not an agent decision
           -- (then it named an earlier offer): libs/routing eventConcernsLiveOffer.
           AND ($3::uuid IS NULL OR $3::uuid = r.id OR ($3::uuid = c.decision_id AND c.decision->>'decision' IS DISTINCT FROM 'agent'))),
       res AS (UPDATE reservations SET status = 'accepted', resolved_at = $4 FROM ok WHERE reservations.id = ok.reservation_id RETURNING 1),
       pres AS (
         UPDATE agent_presence ap SET ${BUSY_ON_ACCEPT('$4')}
         FROM ok WHERE ap.agent_id = ok.agent_id AND ap.state IN ${ACCEPTING_STATES} RETURNING 1),
       cust AS (UPDATE customers cu SET last_agent_id = ok.agent_id, last_contact_at = $4 FROM ok WHERE cu.id = ok.customer_id RETURNING 1),
       upd AS (
         UPDATE contacts c SET status = 'connected', answered_at = $4, updated_at = now() FROM ok WHERE c.id = ok.contact_id
         RETURNING ${CONTACT_COLUMNS}),
       ev AS (
         INSERT INTO contact_events (contact_id, at, type, agent_id, reservation_id, detail)
         SELECT ok.contact_id, $4, e.value->>'type', ok.agent_id, ok.reservation_id,
           CASE WHEN $6::boolean AND e.value->>'type' = 'accepted' THEN jsonb_build_object('explanation', 'agent ' || ok.agent_id || ' accepted contact ' || ok.contact_id)
                ELSE NULLIF(e.value->'detail', 'null'::jsonb) END
         FROM ok CROSS JOIN LATERAL jsonb_array_elements($5::jsonb) WITH ORDINALITY AS e(value, n) ORDER BY e.n RETURNING 1)
       SELECT c.id AS "seenContactId", c.status AS "seenStatus", r.id AS "seenReservationId", r.agent_id AS "seenAgentId", r.status AS "seenReservationStatus",
         r.expires_at AS "seenExpiresAt", (SELECT count(*) FROM ok)::int AS applied, ${STALE} AS stale,
         (SELECT count(*) FROM res) + (SELECT count(*) FROM pres) + (SELECT count(*) FROM cust) + (SELECT count(*) FROM ev) AS writes, ${contactOut}
       FROM c LEFT JOIN r ON true LEFT JOIN upd u ON true`,
      [d.callId ?? d.reservationId, d.agentId, d.decisionId, d.now, JSON.stringify(d.events), d.byAgent === true],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      contactId: row.seenContactId as string,
      status: row.seenStatus as ContactStatus,
      reservationId: (row.seenReservationId as string | null) ?? null,
      agentId: (row.seenAgentId as string | null) ?? null,
      reservationStatus: (row.seenReservationStatus as ReservationStatus | null) ?? null,
      expiresAt: (row.seenExpiresAt as Date | null) ?? null,
      applied: Number(row.applied) > 0,
      stale: row.stale === true,
      contact: row.id && d.withContact !== false ? (row as unknown as ContactRow) : null,
    };
  }

  /**
   * Whether an agent is routable, has room on some channel and contacts wait that it may be offered
   * (its department's queues or those it is lent to at `now`): the cheap check before offerWorkTo's
   * transaction. Read-only, one round trip.
   */
  async mayHaveWorkFor(agentId: string, now: Date): Promise<boolean> {
    const rows = await this.q<{ ok: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM agent_presence p JOIN agents a ON a.id = p.agent_id
         WHERE p.agent_id = $1 AND a.active AND p.state IN ('available', 'reserved', 'busy') AND p.pending_state IS NULL AND p.phone_load = 0
           AND EXISTS (SELECT 1 FROM contacts c JOIN queues q ON q.id = c.queue_id
                       WHERE c.waiting
                         AND (q.department_id = a.department_id OR EXISTS (SELECT 1 FROM loans l WHERE l.agent_id = a.id AND l.status = 'active'
                                AND l.to_department_id = q.department_id AND (l.queue_id IS NULL OR l.queue_id = q.id) AND l.starts_at <= $2 AND l.ends_at > $2))
                         AND ((q.channel = 'phone' AND p.phone_load < p.phone_capacity AND p.chat_load = 0)
                           OR (q.channel = 'chat' AND p.chat_load < p.chat_capacity)
                           OR (q.channel = 'email' AND p.email_load < p.email_capacity)))) AS ok`,
      [agentId, now],
    );
    return rows[0].ok;
  }

  async findPresence(agentId: string, lock = false, now: Date | null = null): Promise<PresenceRow | null> {
    const rows = await this.q(
      `SELECT ${PRESENCE_COLUMNS},
         COALESCE((SELECT jsonb_object_agg(s.skill_key, s.proficiency) FROM agent_skills s WHERE s.agent_id = p.agent_id), '{}'::jsonb) AS skills,
         CASE WHEN $2::timestamptz IS NULL THEN NULL ELSE (SELECT jsonb_agg(jsonb_build_object('departmentId', l.to_department_id, 'queueId', l.queue_id, 'from', l.starts_at, 'to', l.ends_at))
           FROM loans l WHERE l.agent_id = p.agent_id AND ${LOAN_NEAR('$2')}) END AS loans
       FROM agent_presence p JOIN agents a ON a.id = p.agent_id WHERE p.agent_id = $1${lock ? ' FOR UPDATE OF p' : ''}`,
      [agentId, now],
    );
    return rows[0] ? presence(rows[0]) : null;
  }

  /**
   * Takes one unit of the agent's capacity on `channel` if, under the row lock, the agent is still
   * routable and has room (a call in hand blocks all; a call needs no chat in hand). False when
   * another transaction took it first.
   */
  async tryReserveAgent(agentId: string, channel: Channel, at: Date): Promise<boolean> {
    const load = LOAD_COLUMN[channel];
    const cap = `${channel}_capacity`;
    const rows = await this.q(
      `UPDATE agent_presence SET ${load} = ${load} + 1,
         state = CASE WHEN state = 'available' THEN 'reserved' ELSE state END,
         state_since = CASE WHEN state = 'available' THEN $2::timestamptz ELSE state_since END, updated_at = now()
       WHERE agent_id = $1 AND state IN ('available', 'reserved', 'busy') AND pending_state IS NULL AND phone_load = 0 AND ${load} < ${cap}
         ${channel === 'phone' ? 'AND chat_load = 0' : ''}
       RETURNING agent_id`,
      [agentId, at],
    );
    return rowsOf(rows).length > 0;
  }

  /**
   * Takes one unit of capacity from the first agent of `rankedAgentIds` (the policy's order) that
   * still has room and is not locked by a concurrent transaction (SKIP LOCKED: a decision never
   * waits behind another one for the same agent, it takes the next best). Null when none could.
   */
  async tryReserveFirst(rankedAgentIds: string[], channel: Channel, at: Date): Promise<string | null> {
    if (!rankedAgentIds.length) return null;
    const load = LOAD_COLUMN[channel];
    const cap = `${channel}_capacity`;
    const rows = rowsOf<{ agentId: string }>(
      await this.q(
        `UPDATE agent_presence p SET ${load} = p.${load} + 1,
           state = CASE WHEN p.state = 'available' THEN 'reserved' ELSE p.state END,
           state_since = CASE WHEN p.state = 'available' THEN $2::timestamptz ELSE p.state_since END, updated_at = now()
         FROM (SELECT agent_id FROM agent_presence
               WHERE agent_id = ANY($1::uuid[]) AND state IN ('available', 'reserved', 'busy') AND pending_state IS NULL AND phone_load = 0 AND ${load} < ${cap}
                 ${channel === 'phone' ? 'AND chat_load = 0' : ''}
               ORDER BY array_position($1::uuid[], agent_id) LIMIT 1 FOR UPDATE SKIP LOCKED) pick
         WHERE p.agent_id = pick.agent_id
         RETURNING p.agent_id AS "agentId"`,
        [rankedAgentIds, at],
      ),
    );
    return rows[0]?.agentId ?? null;
  }

  /**
   * Gives back one unit of capacity. Without `setState` a reserved/busy agent with nothing left
   * takes its pending state (break, offline) or becomes available (busy when other work is in hand,
   * reserved with offers only); with it, a working agent (available, reserved, busy, wrap-up) takes
   * that state (wrap-up, not-responding), while break keeps its state — except not-responding for
   * an agent with a state pending, which is released as without it (libs/routing withReleased).
   * A capacity above the configured one (lowered while held) comes down with the load.
   */
  async releaseAgent(agentId: string, channel: Channel, at: Date, opts: { setState?: 'wrap-up' | 'not-responding'; wrapUpUntil?: Date | null } = {}): Promise<void> {
    const load = LOAD_COLUMN[channel];
    const total = `(phone_load + chat_load + email_load - 1)`;
    const capacity = capacityInForceSql({ ...LOAD_COLUMN, [channel]: `GREATEST(${load} - 1, 0)` });
    const sets = `($2::text IS NOT NULL AND ($2::text = 'wrap-up' OR pending_state IS NULL))`;
    const takes = `(${sets} AND state IN ('available', 'reserved', 'busy', 'wrap-up'))`;
    const holds = `(NOT ${sets} AND state IN ('reserved', 'busy'))`;
    const next = `(CASE WHEN ${total} > 0 THEN ${heldStateSql('$1::uuid')} ELSE ${restedStateSql()} END)`;
    await this.q(
      `UPDATE agent_presence SET ${load} = GREATEST(${load} - 1, 0), ${capacity},
         state = CASE WHEN ${takes} THEN $2::text WHEN ${holds} THEN ${next} ELSE state END,
         state_since = CASE WHEN ${takes} OR (${holds} AND state <> ${next}) THEN $3 ELSE state_since END,
         wrap_up_until = CASE WHEN ${takes} THEN $4::timestamptz ELSE wrap_up_until END,
         idle_since = CASE WHEN ${total} <= 0 THEN $3 ELSE idle_since END,
         ${restedColumnsSql(`(${holds} AND ${total} <= 0)`)}, updated_at = now()
       FROM agents cfg WHERE agent_id = $1 AND cfg.id = agent_id`,
      [agentId, opts.setState ?? null, at, opts.wrapUpUntil ?? null],
    );
  }

  /**
   * The agent picked up a call after its offer had timed out (the engine's answerLate): the call is
   * theirs again and they are busy with it from `at` (or their last state change, if later: a state
   * history never runs backwards), whatever state the time-out left them in — unless they are
   * logged out or on another call. Whether it applied.
   */
  async takeLateAnsweredCall(agentId: string, at: Date): Promise<boolean> {
    const rows = await this.q(
      `UPDATE agent_presence SET phone_load = phone_load + 1, ${capacityInForceSql({ ...LOAD_COLUMN, phone: 'phone_load + 1' })},
         state = 'busy', state_since = CASE WHEN state = 'busy' THEN state_since ELSE GREATEST($2, state_since) END, wrap_up_until = NULL, updated_at = now()
       FROM agents cfg WHERE agent_id = $1 AND cfg.id = agent_id AND phone_load = 0 AND state <> 'offline'
       RETURNING agent_id`,
      [agentId, at],
    );
    return rows.length > 0;
  }

  /** An agent who accepted a contact is busy (BUSY_ON_ACCEPT). */
  async markBusy(agentId: string, at: Date): Promise<void> {
    await this.q(`UPDATE agent_presence ap SET ${BUSY_ON_ACCEPT('$2')} WHERE ap.agent_id = $1 AND ap.state IN ${ACCEPTING_STATES}`, [agentId, at]);
  }

  /**
   * The agent's configuration changed (capacities, SIP URI): its presence takes the capacities in
   * force, under the row lock. Null when it never logged in.
   */
  async applyConfiguredCapacity(agentId: string): Promise<PresenceRow | null> {
    await this.q(`UPDATE agent_presence SET ${capacityInForceSql(LOAD_COLUMN)}, updated_at = now() FROM agents cfg WHERE agent_id = $1 AND cfg.id = agent_id`, [agentId]);
    return this.findPresence(agentId);
  }

  /** Sets the declared state, refreshing capacity from the agent (never below the load in hand). */
  async setState(agentId: string, state: AgentPresenceState, breakReason: string | null, at: Date): Promise<PresenceRow | null> {
    // Declared available with work in hand: busy, or reserved while it is only offered.
    const next = `(CASE WHEN EXCLUDED.state = 'available' AND agent_presence.phone_load + agent_presence.chat_load + agent_presence.email_load > 0
                        THEN ${heldStateSql('$1::uuid')} ELSE EXCLUDED.state END)`;
    await this.q(
      `INSERT INTO agent_presence (agent_id, state, break_reason, phone_capacity, chat_capacity, email_capacity, phone_load, chat_load,
         email_load, state_since, idle_since, wrap_up_until)
       SELECT a.id, $2, $3, CASE WHEN a.phone_uri IS NULL THEN 0 ELSE a.phone_capacity END, a.chat_capacity, a.email_capacity, 0, 0, 0, $4, $4, NULL
       FROM agents a WHERE a.id = $1
       ON CONFLICT (agent_id) DO UPDATE SET
         state = ${next},
         break_reason = EXCLUDED.break_reason,
         phone_capacity = GREATEST(EXCLUDED.phone_capacity, agent_presence.phone_load),
         chat_capacity = GREATEST(EXCLUDED.chat_capacity, agent_presence.chat_load),
         email_capacity = GREATEST(EXCLUDED.email_capacity, agent_presence.email_load),
         state_since = CASE WHEN agent_presence.state = ${next} THEN agent_presence.state_since ELSE EXCLUDED.state_since END,
         idle_since = CASE WHEN EXCLUDED.state = 'available' AND agent_presence.state NOT IN ('available', 'reserved', 'busy') THEN EXCLUDED.idle_since ELSE agent_presence.idle_since END,
         wrap_up_until = NULL, pending_state = NULL, pending_reason = NULL, updated_at = now()`,
      [agentId, state, breakReason, at],
    );
    return this.findPresence(agentId);
  }

  /**
   * A break or offline asked for while the agent works: kept as its pending state (libs/routing
   * RoutingCore.setAgentState), its capacity refreshed from its configuration as a declared state is.
   */
  async setPendingState(agentId: string, state: PendingAgentState, reason: string | null): Promise<PresenceRow | null> {
    await this.q(
      `UPDATE agent_presence SET pending_state = $2, pending_reason = $3, ${capacityInForceSql(LOAD_COLUMN)}, updated_at = now()
       FROM agents cfg WHERE agent_id = $1 AND cfg.id = agent_id`,
      [agentId, state, reason],
    );
    return this.findPresence(agentId);
  }

  async insertReservation(r: Omit<ReservationRow, 'resolvedAt' | 'status' | 'deliveredAt'>): Promise<void> {
    await this.q(
      `INSERT INTO reservations (id, contact_id, agent_id, channel, status, offered_at, expires_at) VALUES ($1, $2, $3, $4, 'offered', $5, $6)`,
      [r.id, r.contactId, r.agentId, r.channel, r.offeredAt, r.expiresAt],
    );
  }

  async liveReservation(contactId: string, lock = false): Promise<ReservationRow | null> {
    const rows = await this.q<ReservationRow>(
      `SELECT ${RESERVATION_COLUMNS} FROM reservations r WHERE r.contact_id = $1 AND r.status IN ('offered', 'accepted')${lock ? ' FOR UPDATE' : ''}`,
      [contactId],
    );
    return rows[0] ?? null;
  }

  /**
   * The contact's offer resolved last without being taken — rejected, timed out, failed, or withdrawn
   * (a `requeued` event naming it) — read through the timeline's (contact_id, id) index, locked.
   */
  async lastUnansweredReservation(contactId: string): Promise<ReservationRow | null> {
    const rows = await this.q<ReservationRow>(
      `SELECT ${RESERVATION_COLUMNS} FROM reservations r
       WHERE r.id = (SELECT e.reservation_id FROM contact_events e
                     WHERE e.contact_id = $1 AND e.type IN ('rejected', 'timeout', 'agent-failed', 'requeued') AND e.reservation_id IS NOT NULL
                     ORDER BY e.id DESC LIMIT 1)
       FOR UPDATE`,
      [contactId],
    );
    return rows[0] ?? null;
  }

  async findReservation(id: string, lock = false): Promise<ReservationRow | null> {
    const rows = await this.q<ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM reservations r WHERE r.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  }

  async resolveReservation(id: string, status: ReservationStatus, at: Date): Promise<void> {
    await this.q(`UPDATE reservations SET status = $2, resolved_at = $3 WHERE id = $1`, [id, status, at]);
  }

  /**
   * Whether waiting calls' polls stopped, offers have expired, contacts been held too long or
   * wrap-ups ended by `now`: one read before the jobs' transactions.
   */
  async dueWork(now: Date): Promise<{ unpolledCalls: boolean; expiredOffers: boolean; overdueContacts: boolean; finishedWrapUps: boolean }> {
    const [row] = await this.q<{ unpolledCalls: boolean; expiredOffers: boolean; overdueContacts: boolean; finishedWrapUps: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${UNPOLLED_CALLS('$1')}) AS "unpolledCalls",
         EXISTS (SELECT 1 FROM reservations r WHERE r.status = 'offered' AND r.expires_at <= $1) AS "expiredOffers",
         EXISTS (SELECT 1 FROM ${OVERDUE_CONTACTS('$1')}) AS "overdueContacts",
         EXISTS (SELECT 1 FROM agent_presence WHERE state = 'wrap-up' AND wrap_up_until IS NOT NULL AND wrap_up_until <= $1) AS "finishedWrapUps"`,
      [now],
    );
    return row;
  }

  /** Waiting calls presumed gone at `now` (see UNPOLLED_CALLS), longest past their poll deadline first, claimed (SKIP LOCKED), with that deadline. */
  async unpolledCalls(now: Date, limit: number): Promise<{ contactId: string; dueBy: Date }[]> {
    return this.q<{ contactId: string; dueBy: Date }>(
      `SELECT c.id AS "contactId", c.poll_due_by AS "dueBy" FROM ${UNPOLLED_CALLS('$1')} ORDER BY c.poll_due_by LIMIT $2 FOR UPDATE OF c SKIP LOCKED`,
      [now, limit],
    );
  }

  /**
   * The poll deadlines of waiting calls (contacts.poll_due_by) from the long polls one instance
   * answered, in one statement: each moved on, never back; a call answered or finished meanwhile
   * is left alone. Not a business change of the contact: updated_at stays.
   */
  async storePollDeadlines(deadlines: ReadonlyMap<string, Date>): Promise<void> {
    if (!deadlines.size) return;
    await this.q(
      `UPDATE contacts c SET poll_due_by = x.due_by FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, due_by)
       WHERE c.id = x.id AND c.status IN ('queued', 'offered') AND (c.poll_due_by IS NULL OR c.poll_due_by < x.due_by)`,
      [[...deadlines.keys()], [...deadlines.values()]],
    );
  }

  /**
   * Call offers long polls answered with (libs/routing offerReachedTelephony), in one statement:
   * each marked once, while it is still out.
   */
  async markOffersDelivered(reservationIds: readonly string[], at: Date): Promise<void> {
    if (!reservationIds.length) return;
    await this.q(`UPDATE reservations SET delivered_at = $2 WHERE id = ANY($1::uuid[]) AND status = 'offered' AND delivered_at IS NULL`, [reservationIds, at]);
  }

  /** The call's poll deadline (contacts.poll_due_by): null when it was never long-polled. */
  async pollDueOf(contactId: string): Promise<Date | null> {
    const rows = await this.q<{ dueBy: Date | null }>(`SELECT poll_due_by AS "dueBy" FROM contacts WHERE id = $1`, [contactId]);
    return rows[0]?.dueBy ?? null;
  }

  /** Contacts held past their queue's maximum duration at `now` (see OVERDUE_CONTACTS), longest held first, claimed (SKIP LOCKED), with that maximum. */
  async overdueContacts(now: Date, limit: number): Promise<{ contactId: string; maxContactSeconds: number }[]> {
    return this.q<{ contactId: string; maxContactSeconds: number }>(
      `SELECT c.id AS "contactId", ${MAX_CONTACT_SECONDS} AS "maxContactSeconds" FROM ${OVERDUE_CONTACTS('$1')}
       ORDER BY r.resolved_at LIMIT $2 FOR UPDATE OF c SKIP LOCKED`,
      [now, limit],
    );
  }

  /** Offers past their expiry, claimed so that one transaction handles each. */
  /** The agent's offered and accepted reservations, in offer order, locked (the partial index of live reservations). */
  async liveReservationsOfAgent(agentId: string): Promise<ReservationRow[]> {
    return this.q<ReservationRow>(
      `SELECT ${RESERVATION_COLUMNS} FROM reservations r WHERE r.agent_id = $1 AND r.status IN ('offered', 'accepted') ORDER BY r.offered_at, r.id FOR UPDATE`,
      [agentId],
    );
  }

  async expiredOffers(now: Date, limit: number): Promise<ReservationRow[]> {
    return this.q<ReservationRow>(
      `SELECT ${RESERVATION_COLUMNS} FROM reservations r WHERE r.status = 'offered' AND r.expires_at <= $1
       ORDER BY r.expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
  }

  /** Agents whose wrap-up is over, claimed. */
  async finishedWrapUps(now: Date, limit: number): Promise<string[]> {
    const rows = await this.q<{ agentId: string }>(
      `SELECT agent_id AS "agentId" FROM agent_presence WHERE state = 'wrap-up' AND wrap_up_until IS NOT NULL AND wrap_up_until <= $1
       LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map((r) => r.agentId);
  }

  /** The agent's wrap-up is over: busy or reserved with something in hand, else its pending break or offline, else available. */
  async endWrapUp(agentId: string, at: Date): Promise<void> {
    await this.q(
      `UPDATE agent_presence SET state = CASE WHEN phone_load + chat_load + email_load > 0 THEN ${heldStateSql('$1::uuid')} ELSE ${restedStateSql()} END,
         ${restedColumnsSql('phone_load + chat_load + email_load = 0')},
         state_since = $2, idle_since = $2, wrap_up_until = NULL, updated_at = now()
       WHERE agent_id = $1 AND state = 'wrap-up'`,
      [agentId, at],
    );
  }

  /**
   * Agents with room for work while contacts wait in queues they may serve: their department's, or
   * a queue they are lent to at `now` (a loan to the department, or to that queue).
   */
  async agentsWithRoomAndWaitingWork(limit: number, now: Date): Promise<string[]> {
    const rows = await this.q<{ agentId: string }>(
      `SELECT p.agent_id AS "agentId" FROM agent_presence p JOIN agents a ON a.id = p.agent_id
       WHERE p.state IN ('available', 'reserved', 'busy') AND p.pending_state IS NULL AND p.phone_load = 0 AND a.active
         AND EXISTS (SELECT 1 FROM contacts c JOIN queues q ON q.id = c.queue_id
                     WHERE c.waiting
                       AND (q.department_id = a.department_id OR EXISTS (SELECT 1 FROM loans l WHERE l.agent_id = a.id AND l.status = 'active'
                              AND l.to_department_id = q.department_id AND (l.queue_id IS NULL OR l.queue_id = q.id) AND l.starts_at <= $2 AND l.ends_at > $2))
                       AND ((q.channel = 'phone' AND p.phone_load < p.phone_capacity AND p.chat_load = 0)
                         OR (q.channel = 'chat' AND p.chat_load < p.chat_capacity)
                         OR (q.channel = 'email' AND p.email_load < p.email_capacity)))
       ORDER BY p.idle_since LIMIT $1`,
      [limit, now],
    );
    return rows.map((r) => r.agentId);
  }

  /**
   * Waiting contacts of a department's queues, the most urgent `perQueue` of each queue; with
   * `lentAgent`, also of the queues that agent is lent to at `lentAgent.now`.
   */
  async waitingContacts(departmentId: string, channels: Channel[], perQueue: number, lentAgent: { agentId: string; now: Date } | null = null): Promise<ContactRow[]> {
    if (!channels.length) return [];
    return this.q<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM queues q
       CROSS JOIN LATERAL (SELECT * FROM contacts c0 WHERE c0.queue_id = q.id AND c0.waiting
                           ORDER BY c0.deadline - make_interval(secs => c0.priority_boost_seconds), c0.arrived_at LIMIT $3) c
       WHERE q.channel = ANY($2) AND (q.department_id = $1
         OR ($4::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM loans l WHERE l.agent_id = $4::uuid AND l.status = 'active' AND l.to_department_id = q.department_id
               AND (l.queue_id IS NULL OR l.queue_id = q.id) AND l.starts_at <= $5::timestamptz AND l.ends_at > $5::timestamptz)))`,
      [departmentId, channels, perQueue, lentAgent?.agentId ?? null, lentAgent?.now ?? null],
    );
  }

  /** Waiting contacts of one queue in arrival order (for position in line). */
  async waitingInQueue(queueId: string, limit: number): Promise<ContactRow[]> {
    return this.q<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.queue_id = $1 AND c.waiting ORDER BY c.arrived_at LIMIT $2`,
      [queueId, limit],
    );
  }

  async countWaitingAhead(queueId: string, arrivedAt: Date): Promise<number> {
    const rows = await this.q<{ n: number }>(
      `SELECT count(*)::int AS n FROM contacts c WHERE c.queue_id = $1 AND c.waiting AND c.arrived_at <= $2`,
      [queueId, arrivedAt],
    );
    return rows[0].n;
  }

  /** Remembers who served the customer (for previous-agent routing). */
  /** A customer's phone number (null: none, or erased). */
  async customerPhoneNumber(customerId: string): Promise<string | null> {
    const rows = await this.q<{ phoneNumber: string | null }>(`SELECT phone_number AS "phoneNumber" FROM customers WHERE id = $1`, [customerId]);
    return rows[0]?.phoneNumber ?? null;
  }

  /** The customer with this phone number, made in this transaction when there is none. */
  async customerWithNumber(phoneNumber: string): Promise<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }> {
    const cols = `id, last_agent_id AS "lastAgentId", last_contact_at AS "lastContactAt"`;
    const found = await this.q<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }>(`SELECT ${cols} FROM customers WHERE phone_number = $1`, [phoneNumber]);
    if (found[0]) return found[0];
    const rows = await this.q<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }>(
      `INSERT INTO customers (id, phone_number) VALUES ($2, $1) ON CONFLICT (phone_number) DO UPDATE SET phone_number = EXCLUDED.phone_number RETURNING ${cols}`,
      [phoneNumber, uuidv7()],
    );
    return rows[0];
  }

  async rememberAgent(customerId: string, agentId: string, at: Date): Promise<void> {
    await this.q(`UPDATE customers SET last_agent_id = $2, last_contact_at = $3 WHERE id = $1`, [customerId, agentId, at]);
  }

  /**
   * A call joining `queueId`'s line, in this transaction: waits for concurrent ones that joined first
   * to commit (a transaction-scoped advisory lock on the queue), then counts every contact waiting
   * there. Without the lock concurrent calls counted the same line and were told the same position.
   */
  async joinLine(queueId: string): Promise<number> {
    await this.q(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [QUEUE_LINE_LOCK_SPACE, queueId]);
    const rows = await this.q<{ n: number }>(`SELECT count(*)::int AS n FROM contacts c WHERE c.queue_id = $1 AND c.waiting`, [queueId]);
    return rows[0].n + 1;
  }

  /** Transaction-scoped advisory lock; false when another session holds it. */
  async tryAdvisoryLock(key: number): Promise<boolean> {
    const rows = await this.q<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock($1) AS ok`, [key]);
    return rows[0].ok;
  }
}

export abstract class RoutingRepository {
  /** Runs `fn` in one READ COMMITTED transaction. */
  abstract transaction<T>(fn: (tx: RoutingTx) => Promise<T>): Promise<T>;
  /** Outside a transaction (reads and single statements). */
  abstract get direct(): RoutingTx;
  abstract queueForRouting(queueId: string): Promise<RoutingQueueRow | null>;
  abstract queueIdForCalledNumber(calledNumber: string): Promise<string | null>;
  /** The department's queue of `channel` in `language`, else its queue of `channel` without a language (null language: only that one). */
  abstract queueIdForAttributes(departmentId: string, channel: Channel, language: string | null): Promise<string | null>;
  /** Finds or creates the customer of a caller number / gateway reference; returns id and last agent. */
  abstract customerByPhone(phoneNumber: string): Promise<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }>;
  abstract customerByRef(ref: string): Promise<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }>;
  abstract contactEvents(contactId: string): Promise<ContactEventRow[]>;
  /** An agent's offered and accepted reservations with their contacts; `callbackNumber` (the number to call) only for a callback. */
  abstract reservationsOfAgent(
    agentId: string,
  ): Promise<(ReservationRow & { queueId: string | null; kind: ContactKind; subject: string | null; callerName: string | null; customerRef: string | null; callbackNumber: string | null })[]>;
  /** The number to call for a callback: its customer's (null for another kind, or a customer erased or without a number). */
  abstract callbackNumber(contactId: string): Promise<string | null>;
  /** The callback numbers of those of `contactIds` that are callbacks with a number (a page of contacts in one read). */
  abstract callbackNumbers(contactIds: string[]): Promise<Map<string, string>>;
  /** A queue's contacts by arrival (oldest first), optionally arrived in [from, to) and open (not ended) or ended; a page and the total. */
  abstract listContacts(filter: ContactListFilter): Promise<{ rows: ContactRow[]; total: number }>;
  abstract agentForApiKey(apiKeyId: string): Promise<string | null>;
  /** Creates an agent-role API key bound to `agentId` (one transaction). */
  abstract createAgentKey(agentId: string, name: string, keyHash: string, keyPrefix: string): Promise<string>;
  abstract agentExists(agentId: string): Promise<boolean>;
  /** Whether the agent is active (may log in); null when it does not exist. */
  abstract agentActive(agentId: string): Promise<boolean | null>;
  abstract queueStats(queueId: string, since: Date, now: Date): Promise<QueueStatsRow>;
  abstract listEntryPoints(): Promise<EntryPointRow[]>;
  abstract findEntryPoint(id: string): Promise<EntryPointRow | null>;
  abstract saveEntryPoint(id: string | null, data: { calledNumber: string; name: string; queueId: string }): Promise<EntryPointRow | null>;
  abstract deleteEntryPoint(id: string): Promise<boolean>;
  abstract saveSettings(queueId: string, s: RoutingSettingsRow): Promise<void>;
  /**
   * Runs `fn` only if this session gets the advisory lock `key` (held on one pooled connection for
   * the duration); null when another instance holds it. Used so that one instance runs the jobs.
   */
  abstract withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T | null>;
}

export class TypeOrmRoutingRepository extends RoutingRepository {
  private readonly directTx: RoutingTx;

  private readonly prepared: boolean;
  private readonly statics = new AgentStatics();

  constructor(private readonly dataSource: DataSource) {
    super();
    // Named statements go straight to pg (TypeORM's query takes text only); not on the embedded database.
    this.prepared = !isEmbedded(dataSource) && dataSource.options.type === 'postgres';
    const pool = (): PreparedQueryable => (dataSource.driver as unknown as { master: PreparedQueryable }).master;
    this.directTx = new RoutingTx(dataSource.manager, this.prepared ? { query: (config) => pool().query(config) } : null, this.statics);
  }

  get direct(): RoutingTx {
    return this.directTx;
  }

  transaction<T>(fn: (tx: RoutingTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => fn(new RoutingTx(manager, this.prepared ? 'transaction' : null, this.statics)));
  }

  private q<T = Raw>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.directTx.query<T>(sql, params);
  }

  queueForRouting(queueId: string): Promise<RoutingQueueRow | null> {
    return this.directTx.queueForRouting(queueId);
  }

  async queueIdForCalledNumber(calledNumber: string): Promise<string | null> {
    const rows = await this.q<{ queueId: string }>(`SELECT queue_id AS "queueId" FROM entry_points WHERE called_number = $1`, [calledNumber]);
    return rows[0]?.queueId ?? null;
  }

  async queueIdForAttributes(departmentId: string, channel: Channel, language: string | null): Promise<string | null> {
    const rows = await this.q<{ id: string }>(
      `SELECT q.id FROM queues q WHERE q.department_id = $1 AND q.channel = $2 AND (q.language IS NULL OR q.language = $3)
       ORDER BY q.language IS NULL, q.key LIMIT 1`,
      [departmentId, channel, language],
    );
    return rows[0]?.id ?? null;
  }

  customerByPhone(phoneNumber: string): Promise<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }> {
    return this.directTx.customerWithNumber(phoneNumber);
  }

  async customerByRef(ref: string): Promise<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }> {
    const rows = await this.q<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }>(
      `INSERT INTO customers (id, external_ref) VALUES ($2, $1) ON CONFLICT (external_ref) DO UPDATE SET external_ref = EXCLUDED.external_ref
       RETURNING id, last_agent_id AS "lastAgentId", last_contact_at AS "lastContactAt"`,
      [ref, uuidv7()],
    );
    return rows[0];
  }

  contactEvents(contactId: string): Promise<ContactEventRow[]> {
    return this.q<ContactEventRow>(
      `SELECT e.id::text AS id, e.contact_id AS "contactId", e.at, e.type, e.agent_id AS "agentId", e.reservation_id AS "reservationId", e.detail
       FROM contact_events e WHERE e.contact_id = $1 ORDER BY e.id`,
      [contactId],
    );
  }

  reservationsOfAgent(agentId: string) {
    return this.q<ReservationRow & { queueId: string | null; kind: ContactKind; subject: string | null; callerName: string | null; customerRef: string | null; callbackNumber: string | null }>(
      `SELECT ${RESERVATION_COLUMNS}, c.queue_id AS "queueId", c.kind, c.subject, c.caller_name AS "callerName", c.customer_ref AS "customerRef",
         CASE WHEN c.kind = 'callback' THEN (SELECT cu.phone_number FROM customers cu WHERE cu.id = c.customer_id) END AS "callbackNumber"
       FROM reservations r JOIN contacts c ON c.id = r.contact_id
       WHERE r.agent_id = $1 AND r.status IN ('offered', 'accepted') ORDER BY r.offered_at`,
      [agentId],
    );
  }

  async listContacts(f: ContactListFilter): Promise<{ rows: ContactRow[]; total: number }> {
    // contacts_queue_arrived_idx (queue_id, arrived_at) serves the range and the order.
    const where = `c.queue_id = $1 AND ($2::timestamptz IS NULL OR c.arrived_at >= $2) AND ($3::timestamptz IS NULL OR c.arrived_at < $3)
      AND ($4::boolean IS NULL OR (c.ended_at IS NULL) = $4)`;
    const params = [f.queueId, f.from, f.to, f.open];
    const [rows, count] = await Promise.all([
      this.q<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE ${where} ORDER BY c.arrived_at, c.id LIMIT $5 OFFSET $6`, [...params, f.limit, f.offset]),
      this.q<{ n: number }>(`SELECT count(*)::int AS n FROM contacts c WHERE ${where}`, params),
    ]);
    return { rows, total: count[0]!.n };
  }

  /** The callback numbers of those of `contactIds` that are callbacks with a number (one read for a page of contacts). */
  async callbackNumbers(contactIds: string[]): Promise<Map<string, string>> {
    if (!contactIds.length) return new Map();
    const rows = await this.q<{ id: string; phoneNumber: string }>(
      `SELECT c.id, cu.phone_number AS "phoneNumber" FROM contacts c JOIN customers cu ON cu.id = c.customer_id
       WHERE c.id = ANY($1::uuid[]) AND c.kind = 'callback' AND cu.phone_number IS NOT NULL`,
      [contactIds],
    );
    return new Map(rows.map((r) => [r.id, r.phoneNumber]));
  }

  async callbackNumber(contactId: string): Promise<string | null> {
    const rows = await this.q<{ phoneNumber: string | null }>(
      `SELECT cu.phone_number AS "phoneNumber" FROM contacts c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1 AND c.kind = 'callback'`,
      [contactId],
    );
    return rows[0]?.phoneNumber ?? null;
  }

  async agentForApiKey(apiKeyId: string): Promise<string | null> {
    const rows = await this.q<{ agentId: string }>(`SELECT agent_id AS "agentId" FROM api_key_agents WHERE api_key_id = $1`, [apiKeyId]);
    return rows[0]?.agentId ?? null;
  }

  createAgentKey(agentId: string, name: string, keyHash: string, keyPrefix: string): Promise<string> {
    return this.dataSource.transaction(async (m) => {
      const [{ id }] = (await m.query(`INSERT INTO api_keys (name, role, key_hash, key_prefix) VALUES ($1, 'agent', $2, $3) RETURNING id`, [name, keyHash, keyPrefix])) as { id: string }[];
      await m.query(`INSERT INTO api_key_agents (api_key_id, agent_id) VALUES ($1, $2)`, [id, agentId]);
      return id;
    });
  }

  async agentExists(agentId: string): Promise<boolean> {
    return (await this.q(`SELECT 1 FROM agents WHERE id = $1`, [agentId])).length > 0;
  }

  async agentActive(agentId: string): Promise<boolean | null> {
    const rows = await this.q<{ active: boolean }>(`SELECT active FROM agents WHERE id = $1`, [agentId]);
    return rows.length ? Boolean(rows[0].active) : null;
  }

  /**
   * The queue's contacts waiting now and arrived since `since`, plus the segments answered here
   * today and then transferred by their agent to another queue (the contact row has moved on; the
   * 'queued' event of its next segment says where it came from: libs/routing queueTransfer).
   * A contact answered counts as answered, never as abandoned, whatever status it ended in: as the
   * reports count it (libs/reports contact-facts). A call refused at the door (a decision-rejected
   * contact: SIP 480 closed) never entered the queue and is not offered, as in the reports.
   */
  async queueStats(queueId: string, since: Date, now: Date): Promise<QueueStatsRow> {
    const rows = await this.q<QueueStatsRow>(
      `WITH here AS (
         SELECT count(*) FILTER (WHERE waiting)::int AS waiting,
           min(arrived_at) FILTER (WHERE waiting) AS "oldestArrivedAt",
           count(*) FILTER (WHERE arrived_at >= $2 AND answered_at IS NOT NULL)::int AS answered,
           count(*) FILTER (WHERE arrived_at >= $2 AND answered_at IS NOT NULL AND answered_at <= deadline)::int AS "inTarget",
           count(*) FILTER (WHERE arrived_at >= $2 AND status = 'abandoned' AND answered_at IS NULL)::int AS abandoned,
           count(*) FILTER (WHERE arrived_at >= $2 AND end_reason IS DISTINCT FROM 'switched' AND status <> 'rejected')::int AS offered,
           count(*) FILTER (WHERE arrived_at >= $2 AND end_reason = 'switched')::int AS switched,
           count(*) FILTER (WHERE arrived_at >= $2 AND status IN ('queued', 'offered') AND answered_at IS NULL AND deadline <= $3)::int AS overdue,
           count(*) FILTER (WHERE arrived_at >= $2 AND end_reason = 'completed')::int AS completed,
           count(*) FILTER (WHERE arrived_at >= $2 AND end_reason = 'completed' AND ended_at <= deadline)::int AS "completedInTarget",
           count(*) FILTER (WHERE arrived_at >= $2 AND status IN ('queued', 'offered', 'connected') AND deadline <= $3)::int AS "openOverdue"
         FROM contacts WHERE queue_id = $1 AND (waiting OR arrived_at >= $2)),
       moved AS (
         SELECT count(*)::int AS answered, count(*) FILTER (WHERE (e.detail ->> 'fromAnsweredInTarget')::boolean)::int AS "inTarget"
         FROM contact_events e
         WHERE e.type = 'queued' AND e.detail ->> 'transferredFrom' IS NOT NULL AND e.at >= $2
           AND e.detail ->> 'transferredFrom' = $1::text AND (e.detail ->> 'fromArrivedAt')::timestamptz >= $2)
       SELECT here.waiting, here."oldestArrivedAt", here.answered + moved.answered AS "answeredToday",
         here."inTarget" + moved."inTarget" AS "answeredWithinTargetToday", here.abandoned AS "abandonedToday",
         here.offered + moved.answered AS "offeredToday", here.switched AS "switchedToday", here.overdue AS "overdueToday",
         here.completed AS "completedToday", here."completedInTarget" AS "completedWithinTargetToday", here."openOverdue" AS "openOverdueToday"
       FROM here, moved`,
      [queueId, since, now],
    );
    return rows[0];
  }

  listEntryPoints(): Promise<EntryPointRow[]> {
    return this.q<EntryPointRow>(
      `SELECT id, called_number AS "calledNumber", name, queue_id AS "queueId", created_at AS "createdAt", updated_at AS "updatedAt" FROM entry_points ORDER BY called_number`,
    );
  }

  async findEntryPoint(id: string): Promise<EntryPointRow | null> {
    const rows = await this.q<EntryPointRow>(
      `SELECT id, called_number AS "calledNumber", name, queue_id AS "queueId", created_at AS "createdAt", updated_at AS "updatedAt" FROM entry_points WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async saveEntryPoint(id: string | null, data: { calledNumber: string; name: string; queueId: string }): Promise<EntryPointRow | null> {
    const rows = id
      ? await this.q<{ id: string }>(
          `UPDATE entry_points SET called_number = $2, name = $3, queue_id = $4, updated_at = now() WHERE id = $1 RETURNING id`,
          [id, data.calledNumber, data.name, data.queueId],
        )
      : await this.q<{ id: string }>(`INSERT INTO entry_points (called_number, name, queue_id) VALUES ($1, $2, $3) RETURNING id`, [data.calledNumber, data.name, data.queueId]);
    const first = rowsOf<{ id: string }>(rows)[0];
    return first ? this.findEntryPoint(first.id) : null;
  }

  async deleteEntryPoint(id: string): Promise<boolean> {
    const rows = await this.q(`DELETE FROM entry_points WHERE id = $1 RETURNING id`, [id]);
    return rowsOf(rows).length > 0;
  }

  async saveSettings(queueId: string, s: RoutingSettingsRow): Promise<void> {
    await this.q(
      `INSERT INTO queue_routing_settings (queue_id, wrap_up_seconds, offer_timeout_seconds, callback_threshold_seconds, fallback_target, mean_handle_seconds,
         widening_steps, lent_agent_delay_seconds, previous_agent_preference_seconds, previous_agent_lookback_days, email_blending_threshold_seconds,
         max_contact_seconds, poll_grace_seconds)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (queue_id) DO UPDATE SET wrap_up_seconds = EXCLUDED.wrap_up_seconds, offer_timeout_seconds = EXCLUDED.offer_timeout_seconds,
         callback_threshold_seconds = EXCLUDED.callback_threshold_seconds, fallback_target = EXCLUDED.fallback_target,
         mean_handle_seconds = EXCLUDED.mean_handle_seconds, widening_steps = EXCLUDED.widening_steps,
         lent_agent_delay_seconds = EXCLUDED.lent_agent_delay_seconds, previous_agent_preference_seconds = EXCLUDED.previous_agent_preference_seconds,
         previous_agent_lookback_days = EXCLUDED.previous_agent_lookback_days, email_blending_threshold_seconds = EXCLUDED.email_blending_threshold_seconds,
         max_contact_seconds = EXCLUDED.max_contact_seconds,
         poll_grace_seconds = EXCLUDED.poll_grace_seconds, updated_at = now()`,
      [
        queueId, s.wrapUpSeconds, s.offerTimeoutSeconds, s.callbackThresholdSeconds, s.fallbackTarget, s.meanHandleSeconds,
        s.wideningSteps === null ? null : JSON.stringify(s.wideningSteps), s.lentAgentDelaySeconds, s.previousAgentPreferenceSeconds,
        s.previousAgentLookbackDays, s.emailBlendingThresholdSeconds, s.maxContactSeconds, s.pollGraceSeconds,
      ],
    );
  }

  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T | null> {
    return runExclusively(this.dataSource, key, fn);
  }

}
