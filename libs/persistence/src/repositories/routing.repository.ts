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
import { runExclusively } from '../job-lock.js';
import type { DataSource, EntityManager } from 'typeorm';
import type { Channel } from '../../../core/src/channel.js';
import type { AgentPresenceState } from '../entities/agent-presence.entity.js';
import type { ContactEventType, ContactKind, ContactStatus } from '../entities/contact.entity.js';
import type { ReservationStatus } from '../entities/reservation.entity.js';

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

export interface RoutingSettingsRow {
  wrapUpSeconds: number;
  offerTimeoutSeconds: number | null;
  callbackThresholdSeconds: number | null;
  fallbackTarget: string | null;
  meanHandleSeconds: number;
}

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
  skills: Record<string, number>;
}

export interface ContactRow {
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

export interface ReservationRow {
  id: string;
  contactId: string;
  agentId: string;
  channel: Channel;
  status: ReservationStatus;
  offeredAt: Date;
  expiresAt: Date;
  resolvedAt: Date | null;
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
  offeredToday: number;
}

const CONTACT_COLUMNS = `c.id, c.channel, c.kind, c.status, c.queue_id AS "queueId", c.call_id AS "callId", c.decision_id AS "decisionId",
  c.decision, c.customer_id AS "customerId", c.customer_ref AS "customerRef", c.language, c.subject, c.arrived_at AS "arrivedAt",
  c.deadline, c.priority_boost_seconds AS "priorityBoostSeconds", c.previous_agent_id AS "previousAgentId",
  c.excluded_agent_ids AS "excludedAgentIds", c.offer_attempts AS "offerAttempts", c.agent_id AS "agentId",
  c.answered_at AS "answeredAt", c.ended_at AS "endedAt", c.end_reason AS "endReason", c.explanation, c.created_at AS "createdAt"`;

const PRESENCE_COLUMNS = `p.agent_id AS "agentId", a.department_id AS "departmentId", a.phone_uri AS "phoneUri", p.state,
  p.break_reason AS "breakReason", p.phone_capacity, p.chat_capacity, p.email_capacity, p.phone_load, p.chat_load, p.email_load,
  p.idle_since AS "idleSince", p.state_since AS "stateSince", p.wrap_up_until AS "wrapUpUntil"`;

const RESERVATION_COLUMNS = `r.id, r.contact_id AS "contactId", r.agent_id AS "agentId", r.channel, r.status, r.offered_at AS "offeredAt",
  r.expires_at AS "expiresAt", r.resolved_at AS "resolvedAt"`;

type Raw = Record<string, unknown>;

/** TypeORM answers UPDATE/DELETE with `[rows, rowCount]` and other commands with the rows. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

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
    skills: (row.skills as Record<string, number> | undefined) ?? {},
  };
}

const LOAD_COLUMN: Record<Channel, string> = { phone: 'phone_load', chat: 'chat_load', email: 'email_load' };

/** The operations of one routing transaction. */
export class RoutingTx {
  constructor(readonly manager: EntityManager) {}

  private q<T = Raw>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.manager.query(sql, params) as Promise<T[]>;
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
    patch: Partial<Pick<ContactRow, 'status' | 'kind' | 'agentId' | 'answeredAt' | 'endedAt' | 'endReason' | 'explanation' | 'offerAttempts' | 'excludedAgentIds' | 'queueId' | 'arrivedAt' | 'deadline' | 'decision'>>,
  ): Promise<void> {
    const columns: Record<string, string> = {
      status: 'status', kind: 'kind', agentId: 'agent_id', answeredAt: 'answered_at', endedAt: 'ended_at', endReason: 'end_reason',
      explanation: 'explanation', offerAttempts: 'offer_attempts', excludedAgentIds: 'excluded_agent_ids', queueId: 'queue_id',
      arrivedAt: 'arrived_at', deadline: 'deadline', decision: 'decision',
    };
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      params.push(v);
      sets.push(`${columns[k]} = $${params.length}`);
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

  /** Logged-in (not offline) active agents of a department, with their skills. */
  async loggedInAgents(departmentId: string): Promise<PresenceRow[]> {
    const rows = await this.q(
      `SELECT ${PRESENCE_COLUMNS},
         COALESCE((SELECT jsonb_object_agg(s.skill_key, s.proficiency) FROM agent_skills s WHERE s.agent_id = p.agent_id), '{}'::jsonb) AS skills
       FROM agent_presence p JOIN agents a ON a.id = p.agent_id
       WHERE a.department_id = $1 AND a.active AND p.state <> 'offline'`,
      [departmentId],
    );
    return rows.map(presence);
  }

  /**
   * One round trip for a phone decision: the logged-in agents of the department (as one JSON
   * value, cheaper to parse than rows) and the caller's customer record.
   */
  async phoneSnapshot(departmentId: string, phoneNumber: string | null): Promise<{ agents: PresenceRow[]; customer: { id: string; lastAgentId: string | null; lastContactAt: Date | null } | null }> {
    const [row] = await this.q<{ agents: (Omit<PresenceRow, 'idleSince' | 'stateSince' | 'wrapUpUntil'> & { idleSince: string; stateSince: string; wrapUpUntil: string | null })[]; customer: { id: string; lastAgentId: string | null; lastContactAt: string | null } | null }>(
      `SELECT
         (SELECT COALESCE(jsonb_agg(jsonb_build_object('agentId', p.agent_id, 'departmentId', a.department_id, 'phoneUri', a.phone_uri, 'state', p.state,
            'breakReason', p.break_reason, 'capacity', jsonb_build_object('phone', p.phone_capacity, 'chat', p.chat_capacity, 'email', p.email_capacity),
            'load', jsonb_build_object('phone', p.phone_load, 'chat', p.chat_load, 'email', p.email_load),
            'idleSince', p.idle_since, 'stateSince', p.state_since, 'wrapUpUntil', p.wrap_up_until,
            'skills', COALESCE((SELECT jsonb_object_agg(s.skill_key, s.proficiency) FROM agent_skills s WHERE s.agent_id = p.agent_id), '{}'::jsonb))), '[]'::jsonb)
          FROM agent_presence p JOIN agents a ON a.id = p.agent_id WHERE a.department_id = $1 AND a.active AND p.state <> 'offline') AS agents,
         (SELECT jsonb_build_object('id', c.id, 'lastAgentId', c.last_agent_id, 'lastContactAt', c.last_contact_at) FROM customers c WHERE c.phone_number = $2) AS customer`,
      [departmentId, phoneNumber],
    );
    return {
      agents: row.agents.map((a) => ({ ...a, idleSince: new Date(a.idleSince), stateSince: new Date(a.stateSince), wrapUpUntil: a.wrapUpUntil ? new Date(a.wrapUpUntil) : null })),
      customer: row.customer ? { ...row.customer, lastContactAt: row.customer.lastContactAt ? new Date(row.customer.lastContactAt) : null } : null,
    };
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
         WHERE p.agent_id = ANY($1::uuid[]) AND p.state IN ('available', 'reserved', 'busy') AND p.phone_load = 0
           AND p.phone_load < p.phone_capacity AND p.chat_load = 0 AND a.phone_uri IS NOT NULL
         ORDER BY array_position($1::uuid[], p.agent_id) LIMIT 1 FOR UPDATE OF p SKIP LOCKED),
       cust AS (
         INSERT INTO customers (phone_number) SELECT $7::text WHERE $7::text IS NOT NULL AND $6::uuid IS NULL
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
        d.now, d.deadline, d.previousAgentId, d.explanation, d.expiresAt, d.firstChoice, d.reservedDetail],
    );
    return rows[0] ? { agentId: rows[0].agentId, target: rows[0].target } : null;
  }

  async findPresence(agentId: string, lock = false): Promise<PresenceRow | null> {
    const rows = await this.q(
      `SELECT ${PRESENCE_COLUMNS},
         COALESCE((SELECT jsonb_object_agg(s.skill_key, s.proficiency) FROM agent_skills s WHERE s.agent_id = p.agent_id), '{}'::jsonb) AS skills
       FROM agent_presence p JOIN agents a ON a.id = p.agent_id WHERE p.agent_id = $1${lock ? ' FOR UPDATE OF p' : ''}`,
      [agentId],
    );
    return rows[0] ? presence(rows[0]) : null;
  }

  /**
   * Takes one unit of the agent's capacity on `channel` if, under the row lock, the agent is still
   * routable and has room (a call in hand blocks all; a call needs no chat in hand). False when
   * another transaction took it first.
   */
  async tryReserveAgent(agentId: string, channel: Channel): Promise<boolean> {
    const load = LOAD_COLUMN[channel];
    const cap = `${channel}_capacity`;
    const rows = await this.q(
      `UPDATE agent_presence SET ${load} = ${load} + 1,
         state = CASE WHEN state = 'available' THEN 'reserved' ELSE state END,
         state_since = CASE WHEN state = 'available' THEN now() ELSE state_since END, updated_at = now()
       WHERE agent_id = $1 AND state IN ('available', 'reserved', 'busy') AND phone_load = 0 AND ${load} < ${cap}
         ${channel === 'phone' ? 'AND chat_load = 0' : ''}
       RETURNING agent_id`,
      [agentId],
    );
    return rowsOf(rows).length > 0;
  }

  /**
   * Takes one unit of capacity from the first agent of `rankedAgentIds` (the policy's order) that
   * still has room and is not locked by a concurrent transaction (SKIP LOCKED: a decision never
   * waits behind another one for the same agent, it takes the next best). Null when none could.
   */
  async tryReserveFirst(rankedAgentIds: string[], channel: Channel): Promise<string | null> {
    if (!rankedAgentIds.length) return null;
    const load = LOAD_COLUMN[channel];
    const cap = `${channel}_capacity`;
    const rows = rowsOf<{ agentId: string }>(
      await this.q(
        `UPDATE agent_presence p SET ${load} = p.${load} + 1,
           state = CASE WHEN p.state = 'available' THEN 'reserved' ELSE p.state END,
           state_since = CASE WHEN p.state = 'available' THEN now() ELSE p.state_since END, updated_at = now()
         FROM (SELECT agent_id FROM agent_presence
               WHERE agent_id = ANY($1::uuid[]) AND state IN ('available', 'reserved', 'busy') AND phone_load = 0 AND ${load} < ${cap}
                 ${channel === 'phone' ? 'AND chat_load = 0' : ''}
               ORDER BY array_position($1::uuid[], agent_id) LIMIT 1 FOR UPDATE SKIP LOCKED) pick
         WHERE p.agent_id = pick.agent_id
         RETURNING p.agent_id AS "agentId"`,
        [rankedAgentIds],
      ),
    );
    return rows[0]?.agentId ?? null;
  }

  /**
   * Gives back one unit of capacity. Without `setState` a reserved/busy agent with nothing left
   * becomes available (busy when other work is in hand); with it, a working agent (available,
   * reserved, busy) takes that state (wrap-up, not-responding), while break keeps its state.
   */
  async releaseAgent(agentId: string, channel: Channel, at: Date, opts: { setState?: 'wrap-up' | 'not-responding'; wrapUpUntil?: Date | null } = {}): Promise<void> {
    const load = LOAD_COLUMN[channel];
    const total = `(phone_load + chat_load + email_load - 1)`;
    if (opts.setState) {
      await this.q(
        `UPDATE agent_presence SET ${load} = GREATEST(${load} - 1, 0),
           state = CASE WHEN state IN ('available', 'reserved', 'busy', 'wrap-up') THEN $2 ELSE state END,
           state_since = CASE WHEN state IN ('available', 'reserved', 'busy', 'wrap-up') THEN $3 ELSE state_since END,
           wrap_up_until = CASE WHEN state IN ('available', 'reserved', 'busy', 'wrap-up') THEN $4::timestamptz ELSE wrap_up_until END,
           idle_since = CASE WHEN ${total} <= 0 THEN $3 ELSE idle_since END, updated_at = now()
         WHERE agent_id = $1`,
        [agentId, opts.setState, at, opts.wrapUpUntil ?? null],
      );
      return;
    }
    await this.q(
      `UPDATE agent_presence SET ${load} = GREATEST(${load} - 1, 0),
         state = CASE WHEN state IN ('reserved', 'busy') THEN (CASE WHEN ${total} > 0 THEN 'busy' ELSE 'available' END) ELSE state END,
         state_since = CASE WHEN state IN ('reserved', 'busy') AND ${total} <= 0 THEN $2 ELSE state_since END,
         idle_since = CASE WHEN ${total} <= 0 THEN $2 ELSE idle_since END, updated_at = now()
       WHERE agent_id = $1`,
      [agentId, at],
    );
  }

  /** A routable agent who accepted a contact is busy. */
  async markBusy(agentId: string, at: Date): Promise<void> {
    await this.q(
      `UPDATE agent_presence SET state = 'busy', state_since = CASE WHEN state = 'busy' THEN state_since ELSE $2 END, updated_at = now()
       WHERE agent_id = $1 AND state IN ('available', 'reserved', 'busy')`,
      [agentId, at],
    );
  }

  /** Sets the declared state, refreshing capacity from the agent (never below the load in hand). */
  async setState(agentId: string, state: AgentPresenceState, breakReason: string | null, at: Date): Promise<PresenceRow | null> {
    await this.q(
      `INSERT INTO agent_presence (agent_id, state, break_reason, phone_capacity, chat_capacity, email_capacity, phone_load, chat_load,
         email_load, state_since, idle_since, wrap_up_until)
       SELECT a.id, $2, $3, CASE WHEN a.phone_uri IS NULL THEN 0 ELSE a.phone_capacity END, a.chat_capacity, a.email_capacity, 0, 0, 0, $4, $4, NULL
       FROM agents a WHERE a.id = $1
       ON CONFLICT (agent_id) DO UPDATE SET
         state = CASE WHEN EXCLUDED.state = 'available' AND agent_presence.phone_load + agent_presence.chat_load + agent_presence.email_load > 0
                      THEN 'busy' ELSE EXCLUDED.state END,
         break_reason = EXCLUDED.break_reason,
         phone_capacity = GREATEST(EXCLUDED.phone_capacity, agent_presence.phone_load),
         chat_capacity = GREATEST(EXCLUDED.chat_capacity, agent_presence.chat_load),
         email_capacity = GREATEST(EXCLUDED.email_capacity, agent_presence.email_load),
         state_since = CASE WHEN agent_presence.state = EXCLUDED.state THEN agent_presence.state_since ELSE EXCLUDED.state_since END,
         idle_since = CASE WHEN EXCLUDED.state = 'available' AND agent_presence.state <> 'available' THEN EXCLUDED.idle_since ELSE agent_presence.idle_since END,
         wrap_up_until = NULL, updated_at = now()`,
      [agentId, state, breakReason, at],
    );
    return this.findPresence(agentId);
  }

  async insertReservation(r: Omit<ReservationRow, 'resolvedAt' | 'status'>): Promise<void> {
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

  async findReservation(id: string, lock = false): Promise<ReservationRow | null> {
    const rows = await this.q<ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM reservations r WHERE r.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  }

  async resolveReservation(id: string, status: ReservationStatus, at: Date): Promise<void> {
    await this.q(`UPDATE reservations SET status = $2, resolved_at = $3 WHERE id = $1`, [id, status, at]);
  }

  /** Offers past their expiry, claimed so that one transaction handles each. */
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

  async endWrapUp(agentId: string, at: Date): Promise<void> {
    await this.q(
      `UPDATE agent_presence SET state = CASE WHEN phone_load + chat_load + email_load > 0 THEN 'busy' ELSE 'available' END,
         state_since = $2, idle_since = $2, wrap_up_until = NULL, updated_at = now()
       WHERE agent_id = $1 AND state = 'wrap-up'`,
      [agentId, at],
    );
  }

  /** Agents with room for work while contacts of their department wait. */
  async agentsWithRoomAndWaitingWork(limit: number): Promise<string[]> {
    const rows = await this.q<{ agentId: string }>(
      `SELECT p.agent_id AS "agentId" FROM agent_presence p JOIN agents a ON a.id = p.agent_id
       WHERE p.state IN ('available', 'reserved', 'busy') AND p.phone_load = 0 AND a.active
         AND EXISTS (SELECT 1 FROM contacts c JOIN queues q ON q.id = c.queue_id
                     WHERE c.status = 'queued' AND q.department_id = a.department_id
                       AND ((q.channel = 'phone' AND p.phone_load < p.phone_capacity AND p.chat_load = 0)
                         OR (q.channel = 'chat' AND p.chat_load < p.chat_capacity)
                         OR (q.channel = 'email' AND p.email_load < p.email_capacity)))
       ORDER BY p.idle_since LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.agentId);
  }

  /** Waiting contacts of a department's queues, the most urgent `perQueue` of each queue. */
  async waitingContacts(departmentId: string, channels: Channel[], perQueue: number): Promise<ContactRow[]> {
    if (!channels.length) return [];
    return this.q<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM queues q
       CROSS JOIN LATERAL (SELECT * FROM contacts c0 WHERE c0.queue_id = q.id AND c0.status = 'queued'
                           ORDER BY c0.deadline - make_interval(secs => c0.priority_boost_seconds), c0.arrived_at LIMIT $3) c
       WHERE q.department_id = $1 AND q.channel = ANY($2)`,
      [departmentId, channels, perQueue],
    );
  }

  /** Waiting contacts of one queue in arrival order (for position in line). */
  async waitingInQueue(queueId: string, limit: number): Promise<ContactRow[]> {
    return this.q<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.queue_id = $1 AND c.status = 'queued' ORDER BY c.arrived_at LIMIT $2`,
      [queueId, limit],
    );
  }

  async countWaitingAhead(queueId: string, arrivedAt: Date): Promise<number> {
    const rows = await this.q<{ n: number }>(
      `SELECT count(*)::int AS n FROM contacts c WHERE c.queue_id = $1 AND c.status = 'queued' AND c.arrived_at <= $2`,
      [queueId, arrivedAt],
    );
    return rows[0].n;
  }

  /** Remembers who served the customer (for previous-agent routing). */
  async rememberAgent(customerId: string, agentId: string, at: Date): Promise<void> {
    await this.q(`UPDATE customers SET last_agent_id = $2, last_contact_at = $3 WHERE id = $1`, [customerId, agentId, at]);
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
  /** Finds or creates the customer of a caller number / gateway reference; returns id and last agent. */
  abstract customerByPhone(phoneNumber: string): Promise<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }>;
  abstract customerByRef(ref: string): Promise<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }>;
  abstract contactEvents(contactId: string): Promise<ContactEventRow[]>;
  abstract reservationsOfAgent(agentId: string): Promise<(ReservationRow & { queueId: string | null; kind: ContactKind; subject: string | null; callerName: string | null; customerRef: string | null })[]>;
  abstract agentForApiKey(apiKeyId: string): Promise<string | null>;
  /** Creates an agent-role API key bound to `agentId` (one transaction). */
  abstract createAgentKey(agentId: string, name: string, keyHash: string, keyPrefix: string): Promise<string>;
  abstract agentExists(agentId: string): Promise<boolean>;
  abstract queueStats(queueId: string, since: Date): Promise<QueueStatsRow>;
  abstract presenceOfDepartment(departmentId: string): Promise<PresenceRow[]>;
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

  constructor(private readonly dataSource: DataSource) {
    super();
    this.directTx = new RoutingTx(dataSource.manager);
  }

  get direct(): RoutingTx {
    return this.directTx;
  }

  transaction<T>(fn: (tx: RoutingTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => fn(new RoutingTx(manager)));
  }

  private q<T = Raw>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(sql, params) as Promise<T[]>;
  }

  async queueForRouting(queueId: string): Promise<RoutingQueueRow | null> {
    const rows = await this.q<RoutingQueueRow & { targetPercent: string }>(
      `SELECT q.id, q.key, q.department_id AS "departmentId", q.channel, q.language, q.target_percent AS "targetPercent",
         q.target_seconds AS "targetSeconds", q.target_basis AS "targetBasis",
         COALESCE((SELECT jsonb_agg(jsonb_build_object('skill', s.skill_key, 'minProficiency', s.min_proficiency)) FROM queue_skills s WHERE s.queue_id = q.id), '[]'::jsonb) AS "requiredSkills",
         jsonb_build_object('timeZone', bc.time_zone, 'holidayRegion', bc.holiday_region, 'openingHours', bc.opening_hours,
           'closures', COALESCE((SELECT jsonb_agg(cc.date::text) FROM calendar_closures cc WHERE cc.calendar_id = bc.id), '[]'::jsonb)) AS calendar,
         CASE WHEN rs.queue_id IS NULL THEN NULL ELSE jsonb_build_object('wrapUpSeconds', rs.wrap_up_seconds, 'offerTimeoutSeconds', rs.offer_timeout_seconds,
           'callbackThresholdSeconds', rs.callback_threshold_seconds, 'fallbackTarget', rs.fallback_target, 'meanHandleSeconds', rs.mean_handle_seconds) END AS settings
       FROM queues q JOIN business_calendars bc ON bc.id = q.calendar_id LEFT JOIN queue_routing_settings rs ON rs.queue_id = q.id
       WHERE q.id = $1`,
      [queueId],
    );
    const r = rows[0];
    return r ? { ...r, targetPercent: Number(r.targetPercent) } : null;
  }

  async queueIdForCalledNumber(calledNumber: string): Promise<string | null> {
    const rows = await this.q<{ queueId: string }>(`SELECT queue_id AS "queueId" FROM entry_points WHERE called_number = $1`, [calledNumber]);
    return rows[0]?.queueId ?? null;
  }

  async customerByPhone(phoneNumber: string): Promise<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }> {
    const found = await this.q<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }>(
      `SELECT id, last_agent_id AS "lastAgentId", last_contact_at AS "lastContactAt" FROM customers WHERE phone_number = $1`,
      [phoneNumber],
    );
    if (found[0]) return found[0];
    const rows = await this.q<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }>(
      `INSERT INTO customers (phone_number) VALUES ($1) ON CONFLICT (phone_number) DO UPDATE SET phone_number = EXCLUDED.phone_number
       RETURNING id, last_agent_id AS "lastAgentId", last_contact_at AS "lastContactAt"`,
      [phoneNumber],
    );
    return rows[0];
  }

  async customerByRef(ref: string): Promise<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }> {
    const rows = await this.q<{ id: string; lastAgentId: string | null; lastContactAt: Date | null }>(
      `INSERT INTO customers (external_ref) VALUES ($1) ON CONFLICT (external_ref) DO UPDATE SET external_ref = EXCLUDED.external_ref
       RETURNING id, last_agent_id AS "lastAgentId", last_contact_at AS "lastContactAt"`,
      [ref],
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
    return this.q<ReservationRow & { queueId: string | null; kind: ContactKind; subject: string | null; callerName: string | null; customerRef: string | null }>(
      `SELECT ${RESERVATION_COLUMNS}, c.queue_id AS "queueId", c.kind, c.subject, c.caller_name AS "callerName", c.customer_ref AS "customerRef"
       FROM reservations r JOIN contacts c ON c.id = r.contact_id
       WHERE r.agent_id = $1 AND r.status IN ('offered', 'accepted') ORDER BY r.offered_at`,
      [agentId],
    );
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

  async queueStats(queueId: string, since: Date): Promise<QueueStatsRow> {
    const rows = await this.q<QueueStatsRow>(
      `SELECT count(*) FILTER (WHERE status = 'queued')::int AS waiting,
         min(arrived_at) FILTER (WHERE status = 'queued') AS "oldestArrivedAt",
         count(*) FILTER (WHERE arrived_at >= $2 AND answered_at IS NOT NULL)::int AS "answeredToday",
         count(*) FILTER (WHERE arrived_at >= $2 AND answered_at IS NOT NULL AND answered_at <= deadline)::int AS "answeredWithinTargetToday",
         count(*) FILTER (WHERE arrived_at >= $2 AND status = 'abandoned')::int AS "abandonedToday",
         count(*) FILTER (WHERE arrived_at >= $2)::int AS "offeredToday"
       FROM contacts WHERE queue_id = $1 AND (status = 'queued' OR arrived_at >= $2)`,
      [queueId, since],
    );
    return rows[0];
  }

  async presenceOfDepartment(departmentId: string): Promise<PresenceRow[]> {
    return this.directTx.loggedInAgents(departmentId);
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
      `INSERT INTO queue_routing_settings (queue_id, wrap_up_seconds, offer_timeout_seconds, callback_threshold_seconds, fallback_target, mean_handle_seconds)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (queue_id) DO UPDATE SET wrap_up_seconds = EXCLUDED.wrap_up_seconds, offer_timeout_seconds = EXCLUDED.offer_timeout_seconds,
         callback_threshold_seconds = EXCLUDED.callback_threshold_seconds, fallback_target = EXCLUDED.fallback_target,
         mean_handle_seconds = EXCLUDED.mean_handle_seconds, updated_at = now()`,
      [queueId, s.wrapUpSeconds, s.offerTimeoutSeconds, s.callbackThresholdSeconds, s.fallbackTarget, s.meanHandleSeconds],
    );
  }

  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T | null> {
    return runExclusively(this.dataSource, key, fn);
  }

}
