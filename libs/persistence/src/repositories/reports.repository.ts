/**
 * Reports: the roll-up tables and the feeds they are built from. All SQL of the reports feature is
 * here. Roll-up rows are written as additive deltas (counts and sums added, histograms added element
 * by element, the longest wait kept as a maximum), so a contact is counted once, when its facts are
 * first recorded, and a report reads a handful of pre-aggregated rows instead of contacts.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Channel } from '../../../core/src/channel.js';
import { runExclusively } from '../job-lock.js';
import { rowsOf } from '../query-rows.js';

/** The additive figures of a roll-up row, as libs/reports' RollupMetrics. */
export interface MetricsRow {
  arrived: number;
  offered: number;
  answered: number;
  abandoned: number;
  failed: number;
  switched: number;
  endedByMaxDuration: number;
  endedBySupervisor: number;
  callbacks: number;
  transfers: number;
  answeredWaitSeconds: number;
  longestWaitSeconds: number;
  answeredWaitHistogram: number[];
  abandonedWaitHistogram: number[];
  handled: number;
  handleSeconds: number;
  wrapUps: number;
  wrapUpSeconds: number;
  replied: number;
  replySeconds: number;
  replyHistogram: number[];
  repliedWithinDeadline: number;
  fcrHandled: number;
  fcrRepeated: number;
  repeatContacts: number;
  staffedSeconds: number;
  occupiedSeconds: number;
}

const METRIC_COLUMNS: [keyof MetricsRow, string, 'int' | 'float' | 'hist' | 'max'][] = [
  ['arrived', 'arrived', 'int'],
  ['offered', 'offered', 'int'],
  ['answered', 'answered', 'int'],
  ['abandoned', 'abandoned', 'int'],
  ['failed', 'failed', 'int'],
  ['switched', 'switched', 'int'],
  ['endedByMaxDuration', 'ended_by_max_duration', 'int'],
  ['endedBySupervisor', 'ended_by_supervisor', 'int'],
  ['callbacks', 'callbacks', 'int'],
  ['transfers', 'transfers', 'int'],
  ['answeredWaitSeconds', 'answered_wait_seconds', 'float'],
  ['longestWaitSeconds', 'longest_wait_seconds', 'max'],
  ['answeredWaitHistogram', 'answered_wait_histogram', 'hist'],
  ['abandonedWaitHistogram', 'abandoned_wait_histogram', 'hist'],
  ['handled', 'handled', 'int'],
  ['handleSeconds', 'handle_seconds', 'float'],
  ['wrapUps', 'wrap_ups', 'int'],
  ['wrapUpSeconds', 'wrap_up_seconds', 'float'],
  ['replied', 'replied', 'int'],
  ['replySeconds', 'reply_seconds', 'float'],
  ['replyHistogram', 'reply_histogram', 'hist'],
  ['repliedWithinDeadline', 'replied_within_deadline', 'int'],
  ['fcrHandled', 'fcr_handled', 'int'],
  ['fcrRepeated', 'fcr_repeated', 'int'],
  ['repeatContacts', 'repeat_contacts', 'int'],
  ['staffedSeconds', 'staffed_seconds', 'float'],
  ['occupiedSeconds', 'occupied_seconds', 'float'],
];

const SELECT_METRICS = METRIC_COLUMNS.map(([prop, col]) => `r.${col} AS "${prop}"`).join(', ');
const INSERT_COLUMNS = METRIC_COLUMNS.map(([, col]) => col).join(', ');
const SELECT_FROM_UNNEST = METRIC_COLUMNS.map(([, col, kind]) => (kind === 'hist' ? `x.${col}::integer[]` : `x.${col}`)).join(', ');
const UNNEST_PARAMS = (first: number) =>
  METRIC_COLUMNS.map(([, , kind], i) => `$${first + i}::${kind === 'int' ? 'integer' : kind === 'hist' ? 'text' : 'double precision'}[]`).join(', ');
const UPDATE_SET = METRIC_COLUMNS.map(([, col, kind]) => {
  if (kind === 'max') return `${col} = GREATEST(r.${col}, EXCLUDED.${col})`;
  // Histograms are stored without trailing empty buckets (libs/reports histogram.ts), so the two
  // arrays may differ in length: sum element-wise, a missing bucket counting 0. Most deltas leave a
  // histogram empty and most rows hold none: skip the sum for them.
  if (kind === 'hist') {
    return `${col} = CASE WHEN cardinality(EXCLUDED.${col}) = 0 THEN r.${col} WHEN cardinality(r.${col}) = 0 THEN EXCLUDED.${col}
             ELSE ARRAY(SELECT COALESCE(a, 0) + COALESCE(b, 0) FROM unnest(r.${col}, EXCLUDED.${col}) WITH ORDINALITY AS u(a, b, i) ORDER BY i) END`;
  }
  return `${col} = r.${col} + EXCLUDED.${col}`;
}).join(',\n           ');

export type RollupGrain = 'interval' | 'day' | 'week' | 'month' | 'quarter';

export interface QueueRollupDelta {
  grain: RollupGrain;
  periodStart: Date;
  queueId: string;
  metrics: MetricsRow;
}

export interface AgentRollupDelta extends QueueRollupDelta {
  agentId: string;
}

export interface QueueRollupRow extends MetricsRow {
  queueId: string;
  periodStart: Date;
}

export interface AgentRollupRow extends QueueRollupRow {
  agentId: string;
}

export interface FeedState {
  watermark: string;
  gaps: { id: string; since: string }[];
}

export interface FeedItem {
  id: string;
  contactId: string;
  /**
   * Set when the event is the contact's arrival: its first `queued` event (a transfer's carries
   * `transferredFrom`). The queue it names (null: the contact's own) and the arrival it keeps
   * (a switched contact's), as libs/reports contactFacts reads them.
   */
  arrival: { queueId: string | null; at: Date; keepsArrivedAt: string | null } | null;
}

export interface ReportContactRow {
  id: string;
  channel: Channel;
  kind: 'inbound' | 'callback';
  status: string;
  queueId: string | null;
  arrivedAt: Date;
  deadline: Date;
  endReason: string | null;
  /** Its facts are recorded (it is in the roll-ups already). */
  counted: boolean;
}

export interface ReportEventRow {
  contactId: string;
  at: Date;
  type: string;
  agentId: string | null;
  queueId: string | null;
  wrapUpSeconds: number | null;
  /** A `queued` event of a contact switched to from another channel: the arrival it keeps (ISO). */
  keepsArrivedAt: string | null;
}

export interface NewFactRow {
  contactId: string;
  channel: Channel;
  queueId: string;
  closingAgentId: string | null;
  arrivedAt: Date;
  outcome: 'answered' | 'abandoned' | 'failed' | 'switched';
  waitSeconds: number;
  isRepeat: boolean;
  hasRepeat: boolean;
}

export interface RepeatLookup {
  contactId: string;
  isRepeat: boolean;
  hasRepeat: boolean;
  earlierContactIds: string[];
}

export interface MarkedFact {
  contactId: string;
  queueId: string;
  closingAgentId: string | null;
  arrivedAt: Date;
  outcome: string;
}

export interface AgentStateSpanRow {
  id: string;
  agentId: string;
  state: string;
  startedAt: Date;
  endedAt: Date;
}

export interface ReportQueueInfo {
  id: string;
  key: string;
  name: string;
  channel: Channel;
  departmentId: string;
  departmentKey: string;
  /** The queue's service target: seconds, elapsed or in business time of its calendar. */
  targetSeconds: number;
  targetBasis: 'elapsed' | 'business';
}

export interface BacklogRow {
  contactId: string;
  queueId: string;
  arrivedAt: Date;
  deadline: Date;
}

export type FeedName = 'contact-events' | 'agent-states';

/** The writes of one roll-up batch, all in one transaction. */
export class ReportsTx {
  constructor(private readonly m: EntityManager) {}

  private async q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return rowsOf<T>(await this.m.query(sql, params));
  }

  async feed(name: FeedName): Promise<FeedState> {
    const rows = await this.q<FeedState>(`SELECT watermark::text AS watermark, gaps FROM report_feeds WHERE name = $1 FOR UPDATE`, [name]);
    return rows[0] ?? { watermark: '0', gaps: [] };
  }

  async saveFeed(name: FeedName, state: FeedState, now: Date): Promise<void> {
    await this.q(
      `INSERT INTO report_feeds (name, watermark, gaps, updated_at) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (name) DO UPDATE SET watermark = EXCLUDED.watermark, gaps = EXCLUDED.gaps, updated_at = EXCLUDED.updated_at`,
      [name, state.watermark, JSON.stringify(state.gaps), now],
    );
  }

  /** Events after the watermark (in id order, at most `limit`) and any of the gap ids that have appeared. */
  async contactEventsAfter(watermark: string, gapIds: string[], limit: number): Promise<FeedItem[]> {
    const arrival = `CASE WHEN e.type = 'queued' AND NOT (e.detail ? 'transferredFrom') THEN true END AS arrival,
         CASE WHEN e.type = 'queued' THEN e.at END AS at, CASE WHEN e.type = 'queued' THEN e.detail->>'queueId' END AS "queueId",
         CASE WHEN e.type = 'queued' THEN e.detail->>'keepsArrivedAt' END AS "keepsArrivedAt"`;
    const rows = await this.q<{ id: string; contactId: string; arrival: boolean | null; at: Date | null; queueId: string | null; keepsArrivedAt: string | null }>(
      `(SELECT e.id::text AS id, e.contact_id AS "contactId", ${arrival} FROM contact_events e WHERE e.id > $1::bigint ORDER BY e.id LIMIT $2)
       UNION ALL
       (SELECT e.id::text, e.contact_id, ${arrival} FROM contact_events e WHERE e.id = ANY($3::bigint[]))`,
      [watermark, limit, gapIds],
    );
    return rows.map((r) => ({
      id: r.id,
      contactId: r.contactId,
      arrival: r.arrival ? { queueId: r.queueId, at: r.at!, keepsArrivedAt: r.keepsArrivedAt } : null,
    }));
  }

  agentStatesAfter(watermark: string, gapIds: string[], limit: number): Promise<AgentStateSpanRow[]> {
    return this.q<AgentStateSpanRow>(
      `(SELECT s.id::text AS id, s.agent_id AS "agentId", s.state, s.started_at AS "startedAt", s.ended_at AS "endedAt" FROM report_agent_states s WHERE s.id > $1::bigint ORDER BY s.id LIMIT $2)
       UNION ALL
       (SELECT id::text, agent_id, state, started_at, ended_at FROM report_agent_states WHERE id = ANY($3::bigint[]))`,
      [watermark, limit, gapIds],
    );
  }

  /**
   * The contacts `ids`, each with whether its facts are recorded already (counted). The facts are
   * read by key for `ids` only: written as a plain EXISTS, the planner hashed the whole facts table
   * for every batch (a sequential scan that grows with every contact ever counted).
   */
  contacts(ids: string[]): Promise<ReportContactRow[]> {
    return this.q<ReportContactRow>(
      `SELECT c.id, c.channel, c.kind, c.status, c.queue_id AS "queueId", c.arrived_at AS "arrivedAt", c.deadline, c.end_reason AS "endReason",
         f.contact_id IS NOT NULL AS counted
       FROM contacts c LEFT JOIN report_contact_facts f ON f.contact_id = c.id AND f.contact_id = ANY($1::uuid[])
       WHERE c.id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** The timelines of `ids`, without the personal or free-text parts of the event details. */
  events(ids: string[]): Promise<ReportEventRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.q<ReportEventRow>(
      `SELECT contact_id AS "contactId", at, type, agent_id AS "agentId", detail->>'queueId' AS "queueId",
         CASE WHEN type = 'queued' THEN detail->>'keepsArrivedAt' END AS "keepsArrivedAt",
         CASE WHEN jsonb_typeof(detail->'wrapUpSeconds') = 'number' THEN (detail->>'wrapUpSeconds')::float8 END AS "wrapUpSeconds"
       FROM contact_events WHERE contact_id = ANY($1::uuid[]) ORDER BY contact_id, id`,
      [ids],
    );
  }

  /**
   * For each contact: was there another contact of the same customer within `windowDays` before it,
   * or after it, on any channel? The customer is matched by phone number or external reference (a
   * chat or email gateway that passes the caller's number as the reference links the channels).
   * Reads the personal columns inside the database only; nothing personal leaves this query. Each
   * contact's customer is read by key, once (a join let the planner hash the whole customers table
   * for every batch; not materialised, the lookup was copied into the peer join's condition); a
   * contact without one has no identity and so no peers. A contact that ended switched is nobody's
   * peer: the customer went on in the contact they switched to (same arrival), which is not a repeat
   * of the one it continues.
   */
  repeats(ids: string[], windowDays: number): Promise<RepeatLookup[]> {
    return this.q<RepeatLookup>(
      `WITH cur AS MATERIALIZED (
         SELECT c.id, c.arrived_at AS at,
           (SELECT COALESCE(cu.phone_number, cu.external_ref) FROM customers cu WHERE cu.id = c.customer_id) AS ident
         FROM contacts c WHERE c.id = ANY($1::uuid[])),
       peer AS (
         SELECT cur.id AS cur_id, cur.at, p.id AS peer_id, p.arrived_at AS peer_at
         FROM cur
         JOIN customers cu2 ON cu2.phone_number = cur.ident OR cu2.external_ref = cur.ident
         JOIN contacts p ON p.customer_id = cu2.id AND p.id <> cur.id AND p.status <> 'rejected' AND p.end_reason IS DISTINCT FROM 'switched'
           AND p.arrived_at BETWEEN cur.at - make_interval(days => $2) AND cur.at + make_interval(days => $2))
       SELECT cur_id AS "contactId",
         bool_or(peer_at < at OR (peer_at = at AND peer_id < cur_id)) AS "isRepeat",
         bool_or(peer_at > at OR (peer_at = at AND peer_id > cur_id)) AS "hasRepeat",
         COALESCE(array_agg(peer_id) FILTER (WHERE peer_at < at OR (peer_at = at AND peer_id < cur_id)), '{}') AS "earlierContactIds"
       FROM peer GROUP BY cur_id`,
      [ids, windowDays],
    );
  }

  async insertFacts(facts: NewFactRow[]): Promise<void> {
    if (!facts.length) return;
    await this.q(
      `INSERT INTO report_contact_facts (contact_id, channel, queue_id, closing_agent_id, arrived_at, outcome, wait_seconds, is_repeat, has_repeat)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::text[], $7::float8[], $8::boolean[], $9::boolean[])
       ON CONFLICT (contact_id) DO NOTHING`,
      [
        arrayLiteral(facts.map((f) => f.contactId)), arrayLiteral(facts.map((f) => f.channel)), arrayLiteral(facts.map((f) => f.queueId)),
        arrayLiteral(facts.map((f) => f.closingAgentId ?? 'NULL')), arrayLiteral(facts.map((f) => f.arrivedAt.toISOString())), arrayLiteral(facts.map((f) => f.outcome)),
        arrayLiteral(facts.map((f) => f.waitSeconds)), arrayLiteral(facts.map((f) => String(f.isRepeat))), arrayLiteral(facts.map((f) => String(f.hasRepeat))),
      ],
    );
  }

  /**
   * Flags earlier facts as followed by a repeat; returns those that were not flagged yet. For an
   * UPDATE, TypeORM's `query` answers `[rows, rowCount]` instead of the rows (the roll-up then added
   * no late repeat at all): the UPDATE sits in a CTE, and `q` unwraps that answer besides (rowsOf).
   */
  markRepeated(contactIds: string[]): Promise<MarkedFact[]> {
    if (!contactIds.length) return Promise.resolve([]);
    return this.q<MarkedFact>(
      `WITH marked AS (
         UPDATE report_contact_facts SET has_repeat = true WHERE contact_id = ANY($1::uuid[]) AND NOT has_repeat
         RETURNING contact_id AS "contactId", queue_id AS "queueId", closing_agent_id AS "closingAgentId", arrived_at AS "arrivedAt", outcome)
       SELECT * FROM marked`,
      [contactIds],
    );
  }

  /** Adds the deltas to the queue rows: one multi-row upsert per 10,000 rows. */
  async addQueueRollups(rows: QueueRollupDelta[]): Promise<void> {
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
      const chunk = rows.slice(i, i + UPSERT_CHUNK);
      await this.q(
        `INSERT INTO report_queue_rollups AS r (grain, queue_id, period_start, ${INSERT_COLUMNS})
         SELECT x.grain, x.queue_id, x.period_start, ${SELECT_FROM_UNNEST}
         FROM unnest($1::text[], $2::uuid[], $3::timestamptz[], ${UNNEST_PARAMS(4)}) AS x(grain, queue_id, period_start, ${INSERT_COLUMNS})
         ON CONFLICT (grain, period_start, queue_id) DO UPDATE SET
           ${UPDATE_SET}`,
        [arrayLiteral(chunk.map((r) => r.grain)), arrayLiteral(chunk.map((r) => r.queueId)), arrayLiteral(chunk.map((r) => r.periodStart.toISOString())), ...metricArrays(chunk)],
      );
    }
  }

  /** Adds the deltas to the agent rows: one multi-row upsert per 10,000 rows. */
  async addAgentRollups(rows: AgentRollupDelta[]): Promise<void> {
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
      const chunk = rows.slice(i, i + UPSERT_CHUNK);
      await this.q(
        `INSERT INTO report_agent_rollups AS r (grain, agent_id, queue_id, period_start, ${INSERT_COLUMNS})
         SELECT x.grain, x.agent_id, x.queue_id, x.period_start, ${SELECT_FROM_UNNEST}
         FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::timestamptz[], ${UNNEST_PARAMS(5)}) AS x(grain, agent_id, queue_id, period_start, ${INSERT_COLUMNS})
         ON CONFLICT (grain, period_start, agent_id, queue_id) DO UPDATE SET
           ${UPDATE_SET}`,
        [arrayLiteral(chunk.map((r) => r.grain)), arrayLiteral(chunk.map((r) => r.agentId)), arrayLiteral(chunk.map((r) => r.queueId)), arrayLiteral(chunk.map((r) => r.periodStart.toISOString())), ...metricArrays(chunk)],
      );
    }
  }

  async upsertBacklog(rows: BacklogRow[]): Promise<void> {
    if (!rows.length) return;
    await this.q(
      `INSERT INTO report_email_backlog (contact_id, queue_id, arrived_at, deadline)
       SELECT x."contactId", x."queueId", x."arrivedAt", x.deadline FROM jsonb_to_recordset($1::jsonb) AS x("contactId" uuid, "queueId" uuid, "arrivedAt" timestamptz, deadline timestamptz)
       ON CONFLICT (contact_id) DO UPDATE SET queue_id = EXCLUDED.queue_id, arrived_at = EXCLUDED.arrived_at, deadline = EXCLUDED.deadline`,
      [JSON.stringify(rows)],
    );
  }

  async removeBacklog(contactIds: string[]): Promise<void> {
    if (contactIds.length) await this.q(`DELETE FROM report_email_backlog WHERE contact_id = ANY($1::uuid[])`, [contactIds]);
  }
}

const UPSERT_CHUNK = 10_000;

/**
 * The metric columns of a batch as one array parameter each (unnest: no JSON to parse), histograms
 * as array literals without trailing empty buckets ('{3,0,1}'; '{}' when empty).
 */
function metricArrays(rows: { metrics: MetricsRow }[]): string[] {
  return METRIC_COLUMNS.map(([prop, , kind]) =>
    kind === 'hist' ? arrayLiteral(rows.map((r) => `"{${trimmed(r.metrics[prop] as number[]).join(',')}}"`)) : arrayLiteral(rows.map((r) => r.metrics[prop] as number)),
  );
}

/**
 * A PostgreSQL array literal of values that need no quoting (numbers, uuids, ISO timestamps, keys)
 * or are quoted already: cheaper than the driver's element-by-element escaping for large batches.
 */
function arrayLiteral(values: readonly (string | number)[]): string {
  return `{${values.join(',')}}`;
}

function trimmed(h: readonly number[]): readonly number[] {
  let n = h.length;
  while (n > 0 && !h[n - 1]) n--;
  return n === h.length ? h : h.slice(0, n);
}

export interface RollupQuery {
  grain: RollupGrain;
  from: Date;
  to: Date;
  queueIds?: string[];
  agentIds?: string[];
}

export abstract class ReportsRepository {
  /** Runs `fn` in one transaction. */
  abstract transaction<T>(fn: (tx: ReportsTx) => Promise<T>): Promise<T>;
  /** Runs `fn` only where no other instance holds the advisory lock `key` (null otherwise). */
  abstract exclusively<T>(key: number, fn: () => Promise<T>): Promise<T | null>;
  abstract queueRollups(q: RollupQuery): Promise<QueueRollupRow[]>;
  abstract agentRollups(q: RollupQuery): Promise<AgentRollupRow[]>;
  abstract queues(): Promise<ReportQueueInfo[]>;
  /**
   * Whether the ids a report is asked for name something (each true when not given): a queue in the
   * catalog or in the queue roll-ups (a queue since deleted, once retention removed its contacts,
   * keeps its history there), a department in the catalog, an agent among the agents or in the agent
   * roll-ups (an agent since deleted keeps theirs). Reads the roll-ups' quarter and month rows only.
   */
  abstract knownReferences(ids: { queueId?: string; departmentId?: string; agentId?: string }): Promise<{ queueId: boolean; departmentId: boolean; agentId: boolean }>;
  /** How agent rows are labelled: each agent's name and employee number, by id (an agent since deleted is missing). */
  abstract agentLabels(agentIds: readonly string[]): Promise<Map<string, string>>;
  abstract emailBacklog(queueIds?: string[]): Promise<BacklogRow[]>;
  /** The newest row of each feed's source (contact_events, report_agent_states): what a catch-up has to reach. */
  abstract feedHeads(): Promise<Record<FeedName, bigint>>;
  /** Each feed's watermark and when it was last brought up to date (none before the first run, or after a recount emptied the feeds). */
  abstract feedPositions(): Promise<Partial<Record<FeedName, { watermark: bigint; updatedAt: Date }>>>;
}

export class TypeOrmReportsRepository extends ReportsRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  transaction<T>(fn: (tx: ReportsTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((m) => fn(new ReportsTx(m)));
  }

  exclusively<T>(key: number, fn: () => Promise<T>): Promise<T | null> {
    return runExclusively(this.dataSource, key, fn);
  }

  queueRollups(q: RollupQuery): Promise<QueueRollupRow[]> {
    return this.dataSource.query(
      `SELECT r.queue_id AS "queueId", r.period_start AS "periodStart", ${SELECT_METRICS}
       FROM report_queue_rollups r
       WHERE r.grain = $1 AND r.period_start >= $2 AND r.period_start < $3 AND ($4::uuid[] IS NULL OR r.queue_id = ANY($4::uuid[]))
       ORDER BY r.period_start`,
      [q.grain, q.from, q.to, q.queueIds ?? null],
    ) as Promise<QueueRollupRow[]>;
  }

  agentRollups(q: RollupQuery): Promise<AgentRollupRow[]> {
    return this.dataSource.query(
      `SELECT r.agent_id AS "agentId", r.queue_id AS "queueId", r.period_start AS "periodStart", ${SELECT_METRICS}
       FROM report_agent_rollups r
       WHERE r.grain = $1 AND r.period_start >= $2 AND r.period_start < $3
         AND ($4::uuid[] IS NULL OR r.queue_id = ANY($4::uuid[])) AND ($5::uuid[] IS NULL OR r.agent_id = ANY($5::uuid[]))
       ORDER BY r.period_start`,
      [q.grain, q.from, q.to, q.queueIds ?? null, q.agentIds ?? null],
    ) as Promise<AgentRollupRow[]>;
  }

  queues(): Promise<ReportQueueInfo[]> {
    return this.dataSource.query(
      `SELECT q.id, q.key, q.name, q.channel, q.department_id AS "departmentId", d.key AS "departmentKey",
         q.target_seconds AS "targetSeconds", q.target_basis AS "targetBasis"
       FROM queues q JOIN departments d ON d.id = q.department_id ORDER BY q.key`,
    ) as Promise<ReportQueueInfo[]>;
  }

  async knownReferences(ids: { queueId?: string; departmentId?: string; agentId?: string }): Promise<{ queueId: boolean; departmentId: boolean; agentId: boolean }> {
    // Every contact counted in a queue row is in its quarter row; every agent row grain adds up into the month rows.
    const [row] = (await this.dataSource.query(
      `SELECT $1::uuid IS NULL OR EXISTS (SELECT 1 FROM queues WHERE id = $1)
           OR EXISTS (SELECT 1 FROM report_queue_rollups WHERE grain = 'quarter' AND queue_id = $1) AS "queueId",
         $2::uuid IS NULL OR EXISTS (SELECT 1 FROM departments WHERE id = $2) AS "departmentId",
         $3::uuid IS NULL OR EXISTS (SELECT 1 FROM agents WHERE id = $3)
           OR EXISTS (SELECT 1 FROM report_agent_rollups WHERE grain = 'month' AND agent_id = $3) AS "agentId"`,
      [ids.queueId ?? null, ids.departmentId ?? null, ids.agentId ?? null],
    )) as { queueId: boolean; departmentId: boolean; agentId: boolean }[];
    return row;
  }

  async agentLabels(agentIds: readonly string[]): Promise<Map<string, string>> {
    if (!agentIds.length) return new Map();
    const rows = (await this.dataSource.query(`SELECT id, display_name AS "name", employee_number AS "number" FROM agents WHERE id = ANY($1::uuid[])`, [agentIds])) as { id: string; name: string; number: string }[];
    return new Map(rows.map((r) => [r.id, `${r.name} (${r.number})`]));
  }

  emailBacklog(queueIds?: string[]): Promise<BacklogRow[]> {
    return this.dataSource.query(
      `SELECT contact_id AS "contactId", queue_id AS "queueId", arrived_at AS "arrivedAt", deadline FROM report_email_backlog
       WHERE ($1::uuid[] IS NULL OR queue_id = ANY($1::uuid[]))`,
      [queueIds ?? null],
    ) as Promise<BacklogRow[]>;
  }

  async feedHeads(): Promise<Record<FeedName, bigint>> {
    const [row] = (await this.dataSource.query(
      `SELECT (SELECT coalesce(max(id), 0) FROM contact_events)::text AS events, (SELECT coalesce(max(id), 0) FROM report_agent_states)::text AS spans`,
    )) as { events: string; spans: string }[];
    return { 'contact-events': BigInt(row.events), 'agent-states': BigInt(row.spans) };
  }

  async feedPositions(): Promise<Partial<Record<FeedName, { watermark: bigint; updatedAt: Date }>>> {
    const rows = (await this.dataSource.query(`SELECT name, watermark::text AS watermark, updated_at AS "updatedAt" FROM report_feeds`)) as { name: FeedName; watermark: string; updatedAt: Date }[];
    return Object.fromEntries(rows.map((r) => [r.name, { watermark: BigInt(r.watermark), updatedAt: r.updatedAt }]));
  }
}
