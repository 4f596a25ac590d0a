/**
 * The durable side of the in-memory routing core: each core operation yields a ChangeSet (the rows
 * it changed, in their latest version, and the timeline rows it appended); this writer stores the
 * change sets of all operations that arrive while a write is in flight as ONE statement, so one
 * commit (autocommit) answers a whole group of requests. BENCHMARKS.md, "Session 4: the ceiling",
 * measured why: the per-group statement is what costs, and it amortises over the group.
 *
 * The statement is a chain of data-modifying CTEs over `unnest` of array parameters, one CTE per
 * non-empty part (customers, contacts, reservations, presence inserted or updated, events, state
 * spans, survey candidates). Its text depends only on which parts are present, so a connection can
 * keep one prepared statement per shape. Foreign keys hold: PostgreSQL checks them (and runs AFTER
 * triggers) when the whole statement has run, so CTE order does not matter for them.
 */
import { emptyChangeSet, isEmptyChangeSet, mergeChangeSets } from '../../../routing/src/core/types.js';
import type {
  AgentStateSpan,
  ChangeSet,
  ContactRecord,
  CustomerRecord,
  EventRecord,
  PresenceRecord,
  ReservationRecord,
} from '../../../routing/src/core/types.js';

/**
 * One dedicated database session: a node-postgres Client, or on the embedded PGlite database
 * TypeORM's query (PGlite is one session anyway). See sql-session.ts for both adapters. The
 * session must be the same connection for every call: `prepare()` sets a session setting.
 */
export interface SqlSession {
  query(sql: string, params?: unknown[]): Promise<unknown[]>;
}

/** One column of an unnest part: the array's element type, how the element becomes the column's value, and where it comes from. */
interface Column<R> {
  name: string;
  /** The array parameter's element type (`uuid` → `$n::uuid[]`). */
  type: string;
  /** The element's cast to the column type, when the array cannot carry it (jsonb and uuid[] travel as text). */
  cast?: string;
  /**
   * Written on insert only. Personal data is: routing never changes it, and privacy erasure may
   * have cleared it since the owner loaded the row, so an update must not write it back.
   */
  insertOnly?: boolean;
  value: (row: R) => unknown;
}

interface TableSpec<R> {
  table: string;
  key: string;
  /** The table has updated_at, set to now() by an update. */
  touch: boolean;
  columns: Column<R>[];
}

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

/**
 * Timestamps travel as ISO text: the same for both drivers, and independent of which JavaScript
 * realm made the Date (PGlite's serializer checks `instanceof Date`, which a Date from another
 * realm, e.g. structuredClone under a test runner's VM, fails).
 */
const iso = (d: Date | null): string | null => (d === null || d === undefined ? null : d.toISOString());

/** A uuid[] value as one array literal, so that a list of them fits one text[] parameter (PostgreSQL arrays of arrays must be rectangular). */
const uuidArrayLiteral = (ids: string[]): string => `{${ids.join(',')}}`;

const CUSTOMERS: TableSpec<CustomerRecord> = {
  table: 'customers',
  key: 'id',
  touch: false,
  columns: [
    { name: 'id', type: 'uuid', value: (r) => r.id },
    { name: 'phone_number', type: 'text', insertOnly: true, value: (r) => r.phoneNumber },
    { name: 'external_ref', type: 'text', insertOnly: true, value: (r) => r.externalRef },
    { name: 'last_agent_id', type: 'uuid', value: (r) => r.lastAgentId },
    { name: 'last_contact_at', type: 'timestamptz', value: (r) => iso(r.lastContactAt) },
  ],
};

const CONTACTS: TableSpec<ContactRecord> = {
  table: 'contacts',
  key: 'id',
  touch: true,
  columns: [
    { name: 'id', type: 'uuid', value: (r) => r.id },
    { name: 'channel', type: 'text', value: (r) => r.channel },
    { name: 'kind', type: 'text', value: (r) => r.kind },
    { name: 'status', type: 'text', value: (r) => r.status },
    { name: 'queue_id', type: 'uuid', value: (r) => r.queueId },
    { name: 'call_id', type: 'text', value: (r) => r.callId },
    { name: 'decision_id', type: 'uuid', value: (r) => r.decisionId },
    { name: 'decision', type: 'text', cast: 'jsonb', value: (r) => json(r.decision) },
    { name: 'customer_id', type: 'uuid', value: (r) => r.customerId },
    { name: 'customer_ref', type: 'text', insertOnly: true, value: (r) => r.customerRef },
    { name: 'caller_name', type: 'text', insertOnly: true, value: (r) => r.callerName },
    { name: 'called_number', type: 'text', insertOnly: true, value: (r) => r.calledNumber },
    { name: 'language', type: 'text', value: (r) => r.language },
    { name: 'subject', type: 'text', insertOnly: true, value: (r) => r.subject },
    { name: 'arrived_at', type: 'timestamptz', value: (r) => iso(r.arrivedAt) },
    { name: 'deadline', type: 'timestamptz', value: (r) => iso(r.deadline) },
    { name: 'priority_boost_seconds', type: 'int4', value: (r) => r.priorityBoostSeconds },
    { name: 'previous_agent_id', type: 'uuid', value: (r) => r.previousAgentId },
    { name: 'excluded_agent_ids', type: 'text', cast: 'uuid[]', value: (r) => uuidArrayLiteral(r.excludedAgentIds) },
    { name: 'offer_attempts', type: 'int4', value: (r) => r.offerAttempts },
    { name: 'agent_id', type: 'uuid', value: (r) => r.agentId },
    { name: 'answered_at', type: 'timestamptz', value: (r) => iso(r.answeredAt) },
    { name: 'ended_at', type: 'timestamptz', value: (r) => iso(r.endedAt) },
    { name: 'end_reason', type: 'text', value: (r) => r.endReason },
    { name: 'explanation', type: 'text', cast: 'jsonb', value: (r) => json(r.explanation) },
    { name: 'created_at', type: 'timestamptz', insertOnly: true, value: (r) => iso(r.createdAt) },
  ],
};

const RESERVATIONS: TableSpec<ReservationRecord> = {
  table: 'reservations',
  key: 'id',
  touch: false,
  columns: [
    { name: 'id', type: 'uuid', value: (r) => r.id },
    { name: 'contact_id', type: 'uuid', value: (r) => r.contactId },
    { name: 'agent_id', type: 'uuid', value: (r) => r.agentId },
    { name: 'channel', type: 'text', value: (r) => r.channel },
    { name: 'status', type: 'text', value: (r) => r.status },
    { name: 'offered_at', type: 'timestamptz', value: (r) => iso(r.offeredAt) },
    { name: 'expires_at', type: 'timestamptz', value: (r) => iso(r.expiresAt) },
    { name: 'resolved_at', type: 'timestamptz', value: (r) => iso(r.resolvedAt) },
  ],
};

const PRESENCE: TableSpec<PresenceRecord> = {
  table: 'agent_presence',
  key: 'agent_id',
  touch: true,
  columns: [
    { name: 'agent_id', type: 'uuid', value: (r) => r.agentId },
    { name: 'state', type: 'text', value: (r) => r.state },
    { name: 'break_reason', type: 'text', value: (r) => r.breakReason },
    { name: 'phone_capacity', type: 'int2', value: (r) => r.capacity.phone },
    { name: 'chat_capacity', type: 'int2', value: (r) => r.capacity.chat },
    { name: 'email_capacity', type: 'int2', value: (r) => r.capacity.email },
    { name: 'phone_load', type: 'int2', value: (r) => r.load.phone },
    { name: 'chat_load', type: 'int2', value: (r) => r.load.chat },
    { name: 'email_load', type: 'int2', value: (r) => r.load.email },
    { name: 'state_since', type: 'timestamptz', value: (r) => iso(r.stateSince) },
    { name: 'idle_since', type: 'timestamptz', value: (r) => iso(r.idleSince) },
    { name: 'wrap_up_until', type: 'timestamptz', value: (r) => iso(r.wrapUpUntil) },
  ],
};

const EVENTS: TableSpec<EventRecord> = {
  table: 'contact_events',
  key: 'id',
  touch: false,
  columns: [
    { name: 'contact_id', type: 'uuid', value: (r) => r.contactId },
    { name: 'at', type: 'timestamptz', value: (r) => iso(r.at) },
    { name: 'type', type: 'text', value: (r) => r.type },
    { name: 'agent_id', type: 'uuid', value: (r) => r.agentId },
    { name: 'reservation_id', type: 'uuid', value: (r) => r.reservationId },
    { name: 'detail', type: 'text', cast: 'jsonb', value: (r) => json(r.detail) },
  ],
};

const SPANS: TableSpec<AgentStateSpan> = {
  table: 'report_agent_states',
  key: 'id',
  touch: false,
  columns: [
    { name: 'agent_id', type: 'uuid', value: (r) => r.agentId },
    { name: 'state', type: 'text', value: (r) => r.state },
    { name: 'started_at', type: 'timestamptz', value: (r) => iso(r.startedAt) },
    { name: 'ended_at', type: 'timestamptz', value: (r) => iso(r.endedAt) },
  ],
};

/** One CTE of the statement: its text given the number of its first parameter, and its parameters (one array per column). */
interface Part {
  name: string;
  params: unknown[][];
  sql: (first: number) => string;
}

function source<R>(spec: TableSpec<R>, first: number, ordered: boolean): { from: string; value: (c: Column<R>) => string } {
  const arrays = spec.columns.map((c, i) => `$${first + i}::${c.type}[]`).join(', ');
  const names = spec.columns.map((c) => c.name).join(', ');
  return {
    from: ordered ? `unnest(${arrays}) WITH ORDINALITY AS x(${names}, n)` : `unnest(${arrays}) AS x(${names})`,
    value: (c) => (c.cast ? `x.${c.name}::${c.cast}` : `x.${c.name}`),
  };
}

function paramsOf<R>(spec: TableSpec<R>, rows: R[]): unknown[][] {
  return spec.columns.map((c) => rows.map((r) => c.value(r)));
}

/**
 * An INSERT part. `ordered`: rows are inserted in array order, so a serial key (contact_events,
 * report_agent_states) follows it; `where` filters rows; `after` names a CTE that must have run
 * before this one inserts anything (see RESERVATIONS below).
 */
function insertPart<R>(
  name: string,
  spec: TableSpec<R>,
  rows: R[],
  opts: { ordered?: boolean; returning?: string; where?: string; after?: string } = {},
): Part {
  return {
    name,
    params: paramsOf(spec, rows),
    sql: (first) => {
      const s = source(spec, first, opts.ordered ?? false);
      const conditions = [opts.where, opts.after ? `(SELECT count(*) FROM ${opts.after}) >= 0` : undefined].filter(Boolean);
      return `${name} AS (INSERT INTO ${spec.table} (${spec.columns.map((c) => c.name).join(', ')})
    SELECT ${spec.columns.map(s.value).join(', ')} FROM ${s.from}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}${opts.ordered ? ' ORDER BY x.n' : ''}
    RETURNING ${opts.returning ?? '1'})`;
    },
  };
}

/**
 * An UPDATE part: the whole row by key (columns written on insert only excepted). `returning` may
 * name the updated row's columns as `t.…` and, with `previous`, the row as it was before the
 * statement as `o.…` (the same table joined again reads the statement's snapshot).
 */
function updatePart<R>(name: string, full: TableSpec<R>, rows: R[], opts: { returning?: string; previous?: boolean } = {}): Part {
  const spec = { ...full, columns: full.columns.filter((c) => !c.insertOnly) };
  return {
    name,
    params: paramsOf(spec, rows),
    sql: (first) => {
      const s = source(spec, first, false);
      const sets = spec.columns.filter((c) => c.name !== spec.key).map((c) => `${c.name} = ${s.value(c)}`);
      if (spec.touch) sets.push('updated_at = now()');
      const previous = opts.previous ? { from: `, ${spec.table} o`, where: ` AND o.${spec.key} = x.${spec.key}` } : { from: '', where: '' };
      return `${name} AS (UPDATE ${spec.table} t SET ${sets.join(', ')}
    FROM ${s.from}${previous.from} WHERE t.${spec.key} = x.${spec.key}${previous.where}
    RETURNING ${opts.returning ?? '1'})`;
    },
  };
}

/**
 * Survey candidates (feedback) of the contacts a part `source` ended: what the trigger
 * contacts_feedback_ended does for other writers, once per group instead of once per row (the
 * trigger is off for the writer's session, SetBasedWriterChecks1795480000000). `ended` selects the
 * rows of `source` that became ended.
 */
function surveyCandidatesPart(name: string, source: string, ended: string): Part {
  return {
    name,
    params: [],
    sql: () => `${name} AS (INSERT INTO survey_candidates (contact_id, ended_at)
    SELECT id, COALESCE(ended_at, now()) FROM ${source} WHERE ${ended}
    ON CONFLICT (contact_id) DO NOTHING RETURNING 1)`,
  };
}

function split<T>(changes: Map<string, { row: T; isNew: boolean }>): { inserts: T[]; updates: T[] } {
  const inserts: T[] = [];
  const updates: T[] = [];
  for (const { row, isNew } of changes.values()) (isNew ? inserts : updates).push(row);
  return { inserts, updates };
}

/** Statement text by shape (the names of the parts present), so that each shape is built once and can be prepared. */
const statementTexts = new Map<string, string>();

/**
 * The one statement that stores a change set; it answers one row `n`, the number of rows it wrote
 * (triggered rows not counted). Only non-empty parts are in it; the text is fixed per shape.
 */
export function changeSetStatement(c: ChangeSet): { sql: string; params: unknown[] } {
  const customers = split(c.customers);
  const contacts = split(c.contacts);
  const reservations = split(c.reservations);
  const presence = split(c.presence);
  const parts: Part[] = [];
  if (customers.inserts.length) parts.push(insertPart('cu_ins', CUSTOMERS, customers.inserts));
  if (customers.updates.length) parts.push(updatePart('cu_upd', CUSTOMERS, customers.updates));
  if (contacts.inserts.length) {
    parts.push(insertPart('co_ins', CONTACTS, contacts.inserts, { returning: 'id, status, ended_at' }));
    // A contact inserted already ended (a rejected call that ended, or one ended within the group).
    parts.push(surveyCandidatesPart('sc', 'co_ins', `status = 'ended'`));
  }
  if (contacts.updates.length) {
    parts.push(updatePart('co_upd', CONTACTS, contacts.updates, { returning: 't.id, t.status, t.ended_at, o.status AS previous_status', previous: true }));
    parts.push(surveyCandidatesPart('sc_upd', 'co_upd', `status = 'ended' AND previous_status IS DISTINCT FROM 'ended'`));
  }
  if (reservations.updates.length) parts.push(updatePart('re_upd', RESERVATIONS, reservations.updates));
  if (reservations.inserts.length) {
    // reservations_one_live_per_contact is a unique index, checked row by row as the insert runs,
    // not at the end of the statement: when a group expires a contact's offer and offers the
    // contact again, the old offer must be updated first. Reading re_upd's count in the insert's
    // WHERE (a one-time filter) runs that update to completion before the first row is inserted.
    const after = reservations.updates.length ? 're_upd' : undefined;
    parts.push(insertPart('re_ins', RESERVATIONS, reservations.inserts, { after }));
  }
  if (presence.inserts.length) parts.push(insertPart('pr_ins', PRESENCE, presence.inserts));
  if (presence.updates.length) parts.push(updatePart('pr_upd', PRESENCE, presence.updates));
  if (c.events.length) parts.push(insertPart('ev', EVENTS, c.events, { ordered: true }));
  // Zero-length spans are skipped, as the trigger skips them (report_agent_states_span_valid would
  // reject them, and with them the whole group): the core may change a state twice in one millisecond.
  if (c.agentStates.length) parts.push(insertPart('st', SPANS, c.agentStates, { ordered: true, where: 'x.ended_at > x.started_at' }));

  if (!parts.length) return { sql: 'SELECT 0 AS n', params: [] };
  const shape = parts.map((p) => p.name).join(',');
  let sql = statementTexts.get(shape);
  if (sql === undefined) {
    let next = 1;
    const ctes = parts.map((p) => {
      const text = p.sql(next);
      next += p.params.length;
      return text;
    });
    sql = `WITH\n  ${ctes.join(',\n  ')}\nSELECT (${parts.map((p) => `(SELECT count(*) FROM ${p.name})`).join(' + ')})::int AS n`;
    statementTexts.set(shape, sql);
  }
  return { sql, params: parts.flatMap((p) => p.params) };
}

interface Pending {
  changeSet: ChangeSet;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface GroupInfo {
  /** Change sets in the group. */
  changeSets: number;
  /** Rows the statement wrote (rows written by triggers not counted). */
  rows: number;
  /** Time from sending the statement to its commit. */
  ms: number;
}

/**
 * Group commit over one session: one group (one statement, one commit) in flight at a time; the
 * change sets written meanwhile are merged, in arrival order, into the next group.
 *
 * After a failed group the writer refuses everything (the queued writes and every later one reject
 * with the group's error) until `reset()`: the owner's memory is then ahead of the tables, and it
 * must reload its state from the database before writing again.
 */
export class GroupCommitWriter {
  private queue: Pending[] = [];
  private busy = false;
  private failure: unknown = null;
  private failed = false;
  private drains: { resolve: () => void; reject: (err: unknown) => void }[] = [];

  constructor(
    private readonly session: SqlSession,
    private readonly opts: { onGroup?: (info: GroupInfo) => void } = {},
  ) {}

  /** Turns the report trigger's span logging off for this session: the writer inserts the core's spans itself. */
  async prepare(): Promise<void> {
    await this.session.query(`SET vuoro.routing_writer = 'on'`);
    // A generic plan cannot see how many rows each unnest array holds and joins the updates by
    // scanning whole tables; planning each group for its arrays costs ~0.3 ms and measured faster
    // (bench:routing, memory engine: 201 → 312 decisions/s).
    await this.session.query(`SET plan_cache_mode = force_custom_plan`);
  }

  /** Resolves when a group containing `c` has committed; rejects if that group (or an earlier one since the last reset) failed. */
  write(c: ChangeSet): Promise<void> {
    if (this.failed) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ changeSet: c, resolve, reject });
      if (!this.busy) {
        this.busy = true;
        // Start on the next microtask, so that the writes issued in the same synchronous run (one
        // burst of operations) share the first group instead of the first one going alone.
        queueMicrotask(() => void this.run());
      }
    });
  }

  /** Waits until nothing is queued or in flight; rejects with the failure if the writer has failed. */
  drain(): Promise<void> {
    if (!this.busy) return this.failed ? Promise.reject(this.failure) : Promise.resolve();
    return new Promise((resolve, reject) => this.drains.push({ resolve, reject }));
  }

  /** Accepts writes again after a failure (the owner has reloaded its state from the tables). */
  reset(): void {
    this.failed = false;
    this.failure = null;
  }

  /** Writes groups until the queue is empty or a group fails. */
  private async run(): Promise<void> {
    while (this.queue.length && !this.failed) {
      const group = this.queue;
      this.queue = [];
      const merged = emptyChangeSet();
      for (const p of group) mergeChangeSets(merged, p.changeSet);
      try {
        const started = performance.now();
        let rows = 0;
        if (!isEmptyChangeSet(merged)) {
          const { sql, params } = changeSetStatement(merged);
          const result = (await this.session.query(sql, params)) as { n: number | string }[];
          rows = Number(result[0]?.n ?? 0);
        }
        const ms = performance.now() - started;
        for (const p of group) p.resolve();
        try {
          this.opts.onGroup?.({ changeSets: group.length, rows, ms });
        } catch {
          // A failing observer (metrics) must not turn a committed group into a failed writer.
        }
      } catch (err) {
        this.failed = true;
        this.failure = err;
        const refused = this.queue;
        this.queue = [];
        for (const p of group) p.reject(err);
        for (const p of refused) p.reject(err);
      }
    }
    this.busy = false;
    const drains = this.drains;
    this.drains = [];
    for (const d of drains) (this.failed ? d.reject(this.failure) : d.resolve());
  }
}
