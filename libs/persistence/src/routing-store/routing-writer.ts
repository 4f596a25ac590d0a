/**
 * The durable side of the in-memory routing core: each core operation yields a ChangeSet (the rows
 * it changed, in their latest version, and the timeline rows it appended); this writer stores the
 * change sets of all operations that arrive while a write is in flight as ONE statement, so one
 * commit (autocommit) answers a whole group of requests. BENCHMARKS.md, "Session 4: the ceiling",
 * measured why: the per-group statement is what costs, and it amortises over the group.
 *
 * The statement is a chain of data-modifying CTEs, each over its rows sent as array parameters
 * (binary arrays, or one JSON array on PGlite: see Column), one CTE per non-empty part (customers,
 * contacts, reservations, presence inserted or updated, events, state spans, survey candidates,
 * idempotency keys). Its
 * text depends only on which parts are present, so a connection can keep one prepared statement per
 * shape. Foreign keys hold: PostgreSQL checks them (and runs AFTER
 * triggers) when the whole statement has run, so CTE order does not matter for them.
 */
import { emptyChangeSet, isEmptyChangeSet, mergeChangeSets } from '../../../routing/src/core/types.js';
import { arrayTypeOf, binaryArray, type ElementType } from './binary-arrays.js';
import { applyCustomerLink } from '../customer-links.js';
import type { CustomerLinkPlan } from '../../../routing/src/core/customer-link.js';
import type { IdempotencyKeyRecord } from '../../../core/src/idempotency.js';
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
  /**
   * Runs `fn` in one transaction of this session (commits when it resolves, rolls back when it
   * throws). A group with customer links needs it (several statements, all or none).
   */
  transaction?<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
}

/**
 * One column of a part: the SQL column, the field of the part's recordset `x` that carries it (the
 * record property of that name unless `get` says otherwise) and its SQL type.
 *
 * The rows travel in one of two forms (WriteFormat):
 * - `binary` (a node-postgres connection): one parameter per field, an array in PostgreSQL's binary
 *   format (binary-arrays.ts), read with `unnest($1::uuid[], $2::text[], …)`. Each element is read by
 *   its type's receive function, with no text to parse: a contact row cost its backend ~3.5 µs this way
 *   against 14-31 µs as JSON (BENCHMARKS.md, Routing, session 25), and the API escapes nothing.
 * - `json` (the embedded PGlite database, whose query API sends no binary parameters): the rows as one
 *   JSON array, read with json_to_recordset (`json`, not `jsonb`: checked and read from the text,
 *   without first building jsonb's binary tree of the whole group).
 */
interface Column<R> {
  name: string;
  key: string;
  type: ElementType;
  /** The value when it is not the property `key` (a field of a nested object). */
  get?: (r: R) => unknown;
  /**
   * Written on insert only. Personal data is: routing never changes it, and privacy erasure may
   * have cleared it since the owner loaded the row, so an update must not write it back (nor send it).
   */
  insertOnly?: boolean;
  /**
   * A JSON document (a contact's decision and explanation, up to ~2.5 KB) that most updates do not
   * change: an update sends a flag instead when the stored row already holds this very object
   * (`stored`), and the column keeps its value.
   */
  keep?: boolean;
}

/** How the rows of a statement travel: binary arrays (a node-postgres connection) or one JSON array per part (PGlite). */
export type WriteFormat = 'binary' | 'json';

interface TableSpec<R> {
  table: string;
  key: string;
  /** The property holding the key (read only for the tables the writer updates). */
  keyProp: keyof R & string;
  /** The table has updated_at, set to now() by an update. */
  touch: boolean;
  columns: Column<R>[];
}

const CUSTOMERS: TableSpec<CustomerRecord> = {
  table: 'customers',
  key: 'id',
  keyProp: 'id',
  touch: false,
  columns: [
    { name: 'id', key: 'id', type: 'uuid' },
    { name: 'phone_number', key: 'phoneNumber', type: 'text', insertOnly: true },
    { name: 'external_ref', key: 'externalRef', type: 'text', insertOnly: true },
    { name: 'last_agent_id', key: 'lastAgentId', type: 'uuid' },
    { name: 'last_contact_at', key: 'lastContactAt', type: 'timestamptz' },
  ],
};

const CONTACTS: TableSpec<ContactRecord> = {
  table: 'contacts',
  key: 'id',
  keyProp: 'id',
  touch: true,
  columns: [
    { name: 'id', key: 'id', type: 'uuid' },
    { name: 'channel', key: 'channel', type: 'text' },
    { name: 'kind', key: 'kind', type: 'text' },
    { name: 'status', key: 'status', type: 'text' },
    { name: 'queue_id', key: 'queueId', type: 'uuid' },
    { name: 'call_id', key: 'callId', type: 'text' },
    { name: 'decision_id', key: 'decisionId', type: 'uuid' },
    { name: 'decision', key: 'decision', type: 'jsonb', keep: true },
    { name: 'customer_id', key: 'customerId', type: 'uuid' },
    { name: 'customer_ref', key: 'customerRef', type: 'text', insertOnly: true },
    { name: 'caller_name', key: 'callerName', type: 'text', insertOnly: true },
    { name: 'called_number', key: 'calledNumber', type: 'text', insertOnly: true },
    { name: 'language', key: 'language', type: 'text' },
    { name: 'subject', key: 'subject', type: 'text', insertOnly: true },
    { name: 'arrived_at', key: 'arrivedAt', type: 'timestamptz' },
    { name: 'deadline', key: 'deadline', type: 'timestamptz' },
    { name: 'priority_boost_seconds', key: 'priorityBoostSeconds', type: 'int4' },
    { name: 'previous_agent_id', key: 'previousAgentId', type: 'uuid' },
    { name: 'excluded_agent_ids', key: 'excludedAgentIds', type: 'uuid[]' },
    { name: 'offer_attempts', key: 'offerAttempts', type: 'int4' },
    { name: 'agent_id', key: 'agentId', type: 'uuid' },
    { name: 'answered_at', key: 'answeredAt', type: 'timestamptz' },
    { name: 'ended_at', key: 'endedAt', type: 'timestamptz' },
    { name: 'end_reason', key: 'endReason', type: 'text' },
    { name: 'explanation', key: 'explanation', type: 'json', keep: true },
    { name: 'created_at', key: 'createdAt', type: 'timestamptz', insertOnly: true },
  ],
};

const RESERVATIONS: TableSpec<ReservationRecord> = {
  table: 'reservations',
  key: 'id',
  keyProp: 'id',
  touch: false,
  columns: [
    { name: 'id', key: 'id', type: 'uuid' },
    { name: 'contact_id', key: 'contactId', type: 'uuid' },
    { name: 'agent_id', key: 'agentId', type: 'uuid' },
    { name: 'channel', key: 'channel', type: 'text' },
    { name: 'status', key: 'status', type: 'text' },
    { name: 'offered_at', key: 'offeredAt', type: 'timestamptz' },
    { name: 'expires_at', key: 'expiresAt', type: 'timestamptz' },
    { name: 'resolved_at', key: 'resolvedAt', type: 'timestamptz' },
  ],
};

const PRESENCE: TableSpec<PresenceRecord> = {
  table: 'agent_presence',
  key: 'agent_id',
  keyProp: 'agentId',
  touch: true,
  columns: [
    { name: 'agent_id', key: 'agentId', type: 'uuid' },
    { name: 'state', key: 'state', type: 'text' },
    { name: 'break_reason', key: 'breakReason', type: 'text' },
    { name: 'phone_capacity', key: 'phoneCapacity', type: 'int2', get: (r) => r.capacity.phone },
    { name: 'chat_capacity', key: 'chatCapacity', type: 'int2', get: (r) => r.capacity.chat },
    { name: 'email_capacity', key: 'emailCapacity', type: 'int2', get: (r) => r.capacity.email },
    { name: 'phone_load', key: 'phoneLoad', type: 'int2', get: (r) => r.load.phone },
    { name: 'chat_load', key: 'chatLoad', type: 'int2', get: (r) => r.load.chat },
    { name: 'email_load', key: 'emailLoad', type: 'int2', get: (r) => r.load.email },
    { name: 'state_since', key: 'stateSince', type: 'timestamptz' },
    { name: 'idle_since', key: 'idleSince', type: 'timestamptz' },
    { name: 'wrap_up_until', key: 'wrapUpUntil', type: 'timestamptz' },
    { name: 'pending_state', key: 'pendingState', type: 'text' },
    { name: 'pending_reason', key: 'pendingReason', type: 'text' },
  ],
};

const EVENTS: TableSpec<EventRecord> = {
  table: 'contact_events',
  key: 'id',
  keyProp: 'contactId',
  touch: false,
  columns: [
    { name: 'contact_id', key: 'contactId', type: 'uuid' },
    { name: 'at', key: 'at', type: 'timestamptz' },
    { name: 'type', key: 'type', type: 'text' },
    { name: 'agent_id', key: 'agentId', type: 'uuid' },
    { name: 'reservation_id', key: 'reservationId', type: 'uuid' },
    { name: 'detail', key: 'detail', type: 'jsonb' },
  ],
};

const SPANS: TableSpec<AgentStateSpan> = {
  table: 'report_agent_states',
  key: 'id',
  keyProp: 'agentId',
  touch: false,
  columns: [
    { name: 'agent_id', key: 'agentId', type: 'uuid' },
    { name: 'state', key: 'state', type: 'text' },
    { name: 'started_at', key: 'startedAt', type: 'timestamptz' },
    { name: 'ended_at', key: 'endedAt', type: 'timestamptz' },
  ],
};

/**
 * The first uses of Idempotency-Keys (POST /v1/contacts), inserted only: a plain insert, so a key
 * the table holds already (live: the owner's memory and its look-up said it was free) fails the
 * group instead of leaving a contact without its key. An expired row of the key was deleted by that
 * look-up (RoutingTx.findIdempotencyKey).
 */
const IDEMPOTENCY_KEYS: TableSpec<IdempotencyKeyRecord> = {
  table: 'contact_idempotency_keys',
  key: 'api_key_id',
  keyProp: 'apiKeyId',
  touch: false,
  columns: [
    { name: 'api_key_id', key: 'apiKeyId', type: 'uuid' },
    { name: 'idempotency_key', key: 'key', type: 'text' },
    { name: 'request_hash', key: 'requestHash', type: 'text' },
    { name: 'contact_id', key: 'contactId', type: 'uuid' },
    { name: 'created_at', key: 'createdAt', type: 'timestamptz' },
  ],
};

/**
 * The JSON documents (`keep` columns) the tables hold, by object: the contact whose stored row has
 * this very object. Records are replaced, never changed in place, so an update whose row still
 * holds the object need not send it again. Marked once the group that wrote it has committed; after
 * a failed group the owner reloads its state, and the reloaded objects are not in here.
 */
const stored = new WeakMap<object, string>();

/** Whether the stored row of `id` already holds this very document. */
const isKept = (v: unknown, id: string): boolean => v !== null && typeof v === 'object' && stored.get(v) === id;

/** One CTE of the statement: its text given the number of its first parameter, and its parameters. */
interface Part {
  name: string;
  params: unknown[];
  sql: (first: number) => string;
}

/** One field of a part's recordset `x`: its name, SQL type and value per row. */
interface Field<R> {
  key: string;
  type: ElementType;
  value: (r: R) => unknown;
}

/** The property an update row carries (true) instead of a `keep` column's document the stored row already holds. */
const keptFlag = <R>(c: Column<R>): string => `${c.key}$kept`;

const fieldCache = new WeakMap<TableSpec<never>, { insert: Field<never>[]; update: Field<never>[] }>();

/**
 * The fields of a part's rows: every column for an insert; for an update the columns written on
 * update, a `keep` column's value left out (null) where the stored row holds it, and then one flag
 * per `keep` column saying so.
 */
function fieldsOf<R>(spec: TableSpec<R>, forUpdate: boolean): Field<R>[] {
  let cached = fieldCache.get(spec as TableSpec<never>) as { insert: Field<R>[]; update: Field<R>[] } | undefined;
  if (!cached) {
    const id = (r: R): string => r[spec.keyProp] as unknown as string;
    const getter = (c: Column<R>): ((r: R) => unknown) => c.get ?? ((r: R) => (r as Record<string, unknown>)[c.key]);
    const insert = spec.columns.map((c) => ({ key: c.key, type: c.type, value: getter(c) }));
    const update: Field<R>[] = spec.columns
      .filter((c) => !c.insertOnly)
      .map((c) => {
        const get = getter(c);
        return { key: c.key, type: c.type, value: c.keep ? (r: R) => (isKept(get(r), id(r)) ? null : get(r)) : get };
      });
    for (const c of spec.columns) {
      if (!c.keep) continue;
      const get = getter(c);
      update.push({ key: keptFlag(c), type: 'boolean', value: (r: R) => isKept(get(r), id(r)) });
    }
    cached = { insert, update };
    fieldCache.set(spec as TableSpec<never>, cached as { insert: Field<never>[]; update: Field<never>[] });
  }
  return forUpdate ? cached.update : cached.insert;
}

/**
 * Timestamps as ISO text in the JSON form, each Date formatted once: JSON.stringify calls every
 * Date's toJSON from its slow path (~3 × the cost of plain strings), and one operation stamps many
 * rows with the same Date (its `now`). Records are replaced, never changed, so a Date's text never
 * goes stale.
 */
const isoTexts = new WeakMap<Date, string>();
function isoOf(d: Date): string {
  let text = isoTexts.get(d);
  if (text === undefined) {
    text = d.toISOString();
    isoTexts.set(d, text);
  }
  return text;
}

/** A part's rows as its parameters: one binary array per field, or one JSON array of row objects. */
function paramsOf<R>(fields: Field<R>[], rows: R[], format: WriteFormat): unknown[] {
  if (format === 'binary') return fields.map((f) => binaryArray(f.type, rows.map(f.value)));
  return [
    JSON.stringify(
      rows.map((r) => {
        const out: Record<string, unknown> = {};
        for (const f of fields) {
          const v = f.value(r);
          out[f.key] = v instanceof Date ? isoOf(v) : v;
        }
        return out;
      }),
    ),
  ];
}

/** The recordset `x` of a part's rows from its parameters starting at `first`, with `n` (array order) when `ordered`. */
function source<R>(fields: Field<R>[], first: number, ordered: boolean, format: WriteFormat): string {
  const names = fields.map((f) => `"${f.key}"`).join(', ');
  if (format === 'binary') {
    const arrays = `unnest(${fields.map((f, i) => `$${first + i}::${arrayTypeOf(f.type)}`).join(', ')})`;
    return ordered ? `${arrays} WITH ORDINALITY AS x(${names}, n)` : `${arrays} AS x(${names})`;
  }
  const defs = fields.map((f) => `"${f.key}" ${f.type}`).join(', ');
  return ordered
    ? `ROWS FROM (json_to_recordset($${first}::json) AS (${defs})) WITH ORDINALITY AS x(${names}, n)`
    : `json_to_recordset($${first}::json) AS x(${defs})`;
}

/** A column's value in SQL: its field of `x` (a uuid list arrives as text in the binary form). */
const valueOf = <R>(c: Column<R>, format: WriteFormat): string => (format === 'binary' && c.type === 'uuid[]' ? `x."${c.key}"::uuid[]` : `x."${c.key}"`);

/**
 * An INSERT part. `ordered`: rows are inserted in array order, so a serial key (contact_events,
 * report_agent_states) follows it; `where` filters rows; `after` names a CTE that must have run
 * before this one inserts anything (see RESERVATIONS below).
 */
function insertPart<R>(
  name: string,
  spec: TableSpec<R>,
  rows: R[],
  format: WriteFormat,
  opts: { ordered?: boolean; returning?: string; where?: string; after?: string } = {},
): Part {
  const fields = fieldsOf(spec, false);
  return {
    name,
    params: paramsOf(fields, rows, format),
    sql: (first) => {
      const conditions = [opts.where, opts.after ? `(SELECT count(*) FROM ${opts.after}) >= 0` : undefined].filter(Boolean);
      return `${name} AS (INSERT INTO ${spec.table} (${spec.columns.map((c) => c.name).join(', ')})
    SELECT ${spec.columns.map((c) => valueOf(c, format)).join(', ')} FROM ${source(fields, first, opts.ordered ?? false, format)}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}${opts.ordered ? ' ORDER BY x.n' : ''}
    RETURNING ${opts.returning ?? '1'})`;
    },
  };
}

/**
 * An UPDATE part: the whole row by key (columns written on insert only excepted; a `keep` column
 * flagged as stored keeps its value). `returning` may name the updated row's columns as `t.…` and, with
 * `previous`, the row as it was before the statement as `o.…` (the same table joined again reads
 * the statement's snapshot).
 */
function updatePart<R>(name: string, spec: TableSpec<R>, rows: R[], format: WriteFormat, opts: { returning?: string; previous?: boolean } = {}): Part {
  const columns = spec.columns.filter((c) => !c.insertOnly);
  const fields = fieldsOf(spec, true);
  const keyField = spec.columns.find((c) => c.name === spec.key)!.key;
  return {
    name,
    params: paramsOf(fields, rows, format),
    sql: (first) => {
      const sets = columns.filter((c) => c.name !== spec.key).map((c) => `${c.name} = ${c.keep ? `CASE WHEN x."${keptFlag(c)}" THEN t.${c.name} ELSE ${valueOf(c, format)} END` : valueOf(c, format)}`);
      if (spec.touch) sets.push('updated_at = now()');
      const previous = opts.previous ? { from: `, ${spec.table} o`, where: ` AND o.${spec.key} = x."${keyField}"` } : { from: '', where: '' };
      return `${name} AS (UPDATE ${spec.table} t SET ${sets.join(', ')}
    FROM ${source(fields, first, false, format)}${previous.from} WHERE t.${spec.key} = x."${keyField}"${previous.where}
    RETURNING ${opts.returning ?? '1'})`;
    },
  };
}

/** Marks the documents of the contacts a committed group wrote as stored (see `stored`). */
function markStored(contacts: ChangeSet['contacts']): void {
  for (const { row } of contacts.values()) {
    for (const c of CONTACTS.columns) {
      if (!c.keep) continue;
      const v = (row as unknown as Record<string, unknown>)[c.key];
      if (v !== null && typeof v === 'object') stored.set(v, row.id);
    }
  }
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

/** Statement text by format and shape (the names of the parts present), so that each shape is built once and can be prepared. */
const statementTexts = new Map<string, string>();

/**
 * The one statement that stores a change set; it answers one row `n`, the number of rows it wrote
 * (triggered rows not counted). Only non-empty parts are in it; the text is fixed per format and shape.
 */
export function changeSetStatement(c: ChangeSet, format: WriteFormat = 'binary'): { sql: string; params: unknown[] } {
  const customers = split(c.customers);
  const contacts = split(c.contacts);
  const reservations = split(c.reservations);
  const presence = split(c.presence);
  const parts: Part[] = [];
  if (customers.inserts.length) parts.push(insertPart('cu_ins', CUSTOMERS, customers.inserts, format));
  if (customers.updates.length) parts.push(updatePart('cu_upd', CUSTOMERS, customers.updates, format));
  if (contacts.inserts.length) {
    parts.push(insertPart('co_ins', CONTACTS, contacts.inserts, format, { returning: 'id, status, ended_at' }));
    // A contact inserted already ended (a rejected call that ended, or one ended within the group).
    parts.push(surveyCandidatesPart('sc', 'co_ins', `status = 'ended'`));
  }
  if (contacts.updates.length) {
    parts.push(updatePart('co_upd', CONTACTS, contacts.updates, format, { returning: 't.id, t.status, t.ended_at, o.status AS previous_status', previous: true }));
    parts.push(surveyCandidatesPart('sc_upd', 'co_upd', `status = 'ended' AND previous_status IS DISTINCT FROM 'ended'`));
  }
  if (reservations.updates.length) parts.push(updatePart('re_upd', RESERVATIONS, reservations.updates, format));
  if (reservations.inserts.length) {
    // reservations_one_live_per_contact is a unique index, checked row by row as the insert runs,
    // not at the end of the statement: when a group expires a contact's offer and offers the
    // contact again, the old offer must be updated first. Reading re_upd's count in the insert's
    // WHERE (a one-time filter) runs that update to completion before the first row is inserted.
    const after = reservations.updates.length ? 're_upd' : undefined;
    parts.push(insertPart('re_ins', RESERVATIONS, reservations.inserts, format, { after }));
  }
  if (presence.inserts.length) parts.push(insertPart('pr_ins', PRESENCE, presence.inserts, format));
  if (presence.updates.length) parts.push(updatePart('pr_upd', PRESENCE, presence.updates, format));
  if (c.events.length) parts.push(insertPart('ev', EVENTS, c.events, format, { ordered: true }));
  // Only in groups with a hand-in that carried an Idempotency-Key: other groups' statements are as before.
  if (c.idempotencyKeys.length) parts.push(insertPart('ik', IDEMPOTENCY_KEYS, c.idempotencyKeys, format));
  // Zero-length spans are skipped, as the trigger skips them (report_agent_states_span_valid would
  // reject them, and with them the whole group): the core may change a state twice in one millisecond.
  if (c.agentStates.length) parts.push(insertPart('st', SPANS, c.agentStates, format, { ordered: true, where: 'x."endedAt" > x."startedAt"' }));

  if (!parts.length) return { sql: 'SELECT 0 AS n', params: [] };
  const shape = `${format}:${parts.map((p) => p.name).join(',')}`;
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

/**
 * The statement that stores waiting calls' poll deadlines (ChangeSet.pollDeadlines: contacts.poll_due_by),
 * run after the group's statement — a row the group's statement updates may not be updated twice in
 * one statement. Each deadline moves on, never back; a call answered or finished meanwhile is left
 * alone (as RoutingTx.storePollDeadlines does for the database engine). The tick sends them at
 * most once a second, so this costs a statement a second at most, never one per poll.
 */
export function pollDeadlinesStatement(deadlines: ReadonlyMap<string, Date>, format: WriteFormat = 'binary'): { sql: string; params: unknown[] } {
  const where = `WHERE c.id = x.id AND c.status IN ('queued', 'offered') AND (c.poll_due_by IS NULL OR c.poll_due_by < x.due_by)`;
  if (format === 'binary') {
    return {
      sql: `UPDATE contacts c SET poll_due_by = x.due_by FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, due_by) ${where}`,
      params: [binaryArray('uuid', [...deadlines.keys()]), binaryArray('timestamptz', [...deadlines.values()])],
    };
  }
  return {
    sql: `UPDATE contacts c SET poll_due_by = x.due_by FROM json_to_recordset($1::json) AS x(id uuid, due_by timestamptz) ${where}`,
    params: [JSON.stringify([...deadlines].map(([id, at]) => ({ id, due_by: isoOf(at) })))],
  };
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
  private readonly format: WriteFormat;

  constructor(
    private readonly session: SqlSession,
    private readonly opts: {
      onGroup?: (info: GroupInfo) => void;
      /** The session is the writer's own connection (not the embedded database's one session, shared by the whole service). */
      dedicatedSession?: boolean;
      /** How rows travel: binary arrays need a node-postgres session (default on a dedicated one), JSON works on any. */
      format?: WriteFormat;
    } = {},
  ) {
    this.format = opts.format ?? (opts.dedicatedSession ? 'binary' : 'json');
  }

  /**
   * Session settings: the report trigger's span logging off (the writer inserts the core's spans
   * itself), and on a dedicated connection the plans of its statements. Every part joins its rows
   * to a table by primary key, which a nested loop over the key's index does best at any size; the
   * planner cannot see how many rows a JSON array holds (it assumes 100) and then hashes whole
   * tables. Join methods other than nested loops and sequential scans off, the one generic plan per
   * statement shape is always that, so planning each group (~0.3–0.7 ms) is not needed either —
   * PostgreSQL CPU per group 8.5–9 → 5.3–5.5 ms (BENCHMARKS.md, Routing, session 8). The embedded
   * database's one session serves the whole service, so its planner is left alone (and it has no
   * prepared statements to reuse).
   */
  async prepare(): Promise<void> {
    await this.session.query(`SET vuoro.routing_writer = 'on'`);
    if (!this.opts.dedicatedSession) return;
    for (const setting of ['plan_cache_mode = force_generic_plan', 'enable_hashjoin = off', 'enable_mergejoin = off', 'enable_seqscan = off']) {
      await this.session.query(`SET ${setting}`);
    }
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

  /**
   * A group that links customers (rare: a contact handed in with a number not yet its customer's, or
   * the CRM's PUT): one transaction — the links in operation order (each frees a number before it
   * gives it: the unique constraints are checked row by row), then the group's statement.
   */
  private withLinks(links: CustomerLinkPlan[], store: (s: SqlSession) => Promise<number>): Promise<number> {
    if (!this.session.transaction) return Promise.reject(new Error('GroupCommitWriter: customer links need a session with transactions'));
    return this.session.transaction(async (s) => {
      for (const link of links) await applyCustomerLink(s, link);
      return store(s);
    });
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
          const { sql, params } = changeSetStatement(merged, this.format);
          const polls = merged.pollDeadlines.size ? pollDeadlinesStatement(merged.pollDeadlines, this.format) : null;
          const store = async (s: SqlSession): Promise<number> => {
            const n = params.length ? Number(((await s.query(sql, params)) as { n: number | string }[])[0]?.n ?? 0) : 0;
            if (polls) await s.query(polls.sql, polls.params);
            return n;
          };
          rows = merged.customerLinks.length ? await this.withLinks(merged.customerLinks, store) : await store(this.session);
        }
        const ms = performance.now() - started;
        markStored(merged.contacts);
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
