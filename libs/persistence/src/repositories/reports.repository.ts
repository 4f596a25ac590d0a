/**
 * Reports: the roll-up tables and the feeds they are built from. All SQL of the reports feature is
 * here. Roll-up rows are written as additive deltas (counts and sums added, histograms added element
 * by element, the longest wait kept as a maximum), so a contact is counted once, when its facts are
 * first recorded, and a report reads a handful of pre-aggregated rows instead of contacts.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Channel } from '../../../core/src/channel.js';
import { runExclusively } from '../job-lock.js';

/** The additive figures of a roll-up row, as libs/reports' RollupMetrics. */
export interface MetricsRow {
  offered: number;
  answered: number;
  abandoned: number;
  failed: number;
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
  ['offered', 'offered', 'int'],
  ['answered', 'answered', 'int'],
  ['abandoned', 'abandoned', 'int'],
  ['failed', 'failed', 'int'],
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
const RECORD_TYPES = METRIC_COLUMNS.map(([, col, kind]) => `${col} ${kind === 'int' ? 'integer' : kind === 'hist' ? 'integer[]' : 'double precision'}`).join(', ');
const INSERT_COLUMNS = METRIC_COLUMNS.map(([, col]) => col).join(', ');
const UPDATE_SET = METRIC_COLUMNS.map(([, col, kind]) => {
  if (kind === 'max') return `${col} = GREATEST(r.${col}, EXCLUDED.${col})`;
  // Most deltas leave a histogram untouched (all zeros): skip the element-wise sum for them.
  if (kind === 'hist') return `${col} = CASE WHEN EXCLUDED.${col} = '{${new Array(89).fill(0).join(',')}}'::integer[] THEN r.${col} ELSE ARRAY(SELECT a + b FROM unnest(r.${col}, EXCLUDED.${col}) WITH ORDINALITY AS u(a, b, i) ORDER BY i) END`;
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
}

export interface ReportContactRow {
  id: string;
  channel: Channel;
  kind: 'inbound' | 'callback';
  status: string;
  queueId: string | null;
  arrivedAt: Date;
  deadline: Date;
}

export interface ReportEventRow {
  contactId: string;
  at: Date;
  type: string;
  agentId: string | null;
  queueId: string | null;
  wrapUpSeconds: number | null;
}

export interface NewFactRow {
  contactId: string;
  channel: Channel;
  queueId: string;
  closingAgentId: string | null;
  arrivedAt: Date;
  outcome: 'answered' | 'abandoned' | 'failed';
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

  private q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.m.query(sql, params) as Promise<T[]>;
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
  contactEventsAfter(watermark: string, gapIds: string[], limit: number): Promise<FeedItem[]> {
    return this.q<FeedItem>(
      `(SELECT e.id::text AS id, e.contact_id AS "contactId" FROM contact_events e WHERE e.id > $1::bigint ORDER BY e.id LIMIT $2)
       UNION ALL
       (SELECT id::text, contact_id FROM contact_events WHERE id = ANY($3::bigint[]))`,
      [watermark, limit, gapIds],
    );
  }

  agentStatesAfter(watermark: string, gapIds: string[], limit: number): Promise<AgentStateSpanRow[]> {
    return this.q<AgentStateSpanRow>(
      `(SELECT s.id::text AS id, s.agent_id AS "agentId", s.state, s.started_at AS "startedAt", s.ended_at AS "endedAt" FROM report_agent_states s WHERE s.id > $1::bigint ORDER BY s.id LIMIT $2)
       UNION ALL
       (SELECT id::text, agent_id, state, started_at, ended_at FROM report_agent_states WHERE id = ANY($3::bigint[]))`,
      [watermark, limit, gapIds],
    );
  }

  contacts(ids: string[]): Promise<ReportContactRow[]> {
    return this.q<ReportContactRow>(
      `SELECT id, channel, kind, status, queue_id AS "queueId", arrived_at AS "arrivedAt", deadline FROM contacts WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** The timelines of `ids`, without the personal or free-text parts of the event details. */
  events(ids: string[]): Promise<ReportEventRow[]> {
    return this.q<ReportEventRow>(
      `SELECT contact_id AS "contactId", at, type, agent_id AS "agentId", detail->>'queueId' AS "queueId",
         CASE WHEN jsonb_typeof(detail->'wrapUpSeconds') = 'number' THEN (detail->>'wrapUpSeconds')::float8 END AS "wrapUpSeconds"
       FROM contact_events WHERE contact_id = ANY($1::uuid[]) ORDER BY contact_id, id`,
      [ids],
    );
  }

  async existingFacts(ids: string[]): Promise<Set<string>> {
    const rows = await this.q<{ id: string }>(`SELECT contact_id AS id FROM report_contact_facts WHERE contact_id = ANY($1::uuid[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /**
   * For each contact: was there another contact of the same customer within `windowDays` before it,
   * or after it, on any channel? The customer is matched by phone number or external reference (a
   * chat or email gateway that passes the caller's number as the reference links the channels).
   * Reads the personal columns inside the database only; nothing personal leaves this query.
   */
  repeats(ids: string[], windowDays: number): Promise<RepeatLookup[]> {
    return this.q<RepeatLookup>(
      `WITH cur AS (
         SELECT c.id, c.arrived_at AS at, COALESCE(cu.phone_number, cu.external_ref) AS ident
         FROM contacts c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ANY($1::uuid[])),
       peer AS (
         SELECT cur.id AS cur_id, cur.at, p.id AS peer_id, p.arrived_at AS peer_at
         FROM cur
         JOIN customers cu2 ON cu2.phone_number = cur.ident OR cu2.external_ref = cur.ident
         JOIN contacts p ON p.customer_id = cu2.id AND p.id <> cur.id AND p.status <> 'rejected'
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
       SELECT x."contactId", x.channel, x."queueId", x."closingAgentId", x."arrivedAt", x.outcome, x."waitSeconds", x."isRepeat", x."hasRepeat"
       FROM jsonb_to_recordset($1::jsonb) AS x("contactId" uuid, channel text, "queueId" uuid, "closingAgentId" uuid, "arrivedAt" timestamptz,
         outcome text, "waitSeconds" float8, "isRepeat" boolean, "hasRepeat" boolean)
       ON CONFLICT (contact_id) DO NOTHING`,
      [JSON.stringify(facts)],
    );
  }

  /** Flags earlier facts as followed by a repeat; returns those that were not flagged yet. */
  markRepeated(contactIds: string[]): Promise<MarkedFact[]> {
    if (!contactIds.length) return Promise.resolve([]);
    return this.q<MarkedFact>(
      `UPDATE report_contact_facts SET has_repeat = true WHERE contact_id = ANY($1::uuid[]) AND NOT has_repeat
       RETURNING contact_id AS "contactId", queue_id AS "queueId", closing_agent_id AS "closingAgentId", arrived_at AS "arrivedAt", outcome`,
      [contactIds],
    );
  }

  async addQueueRollups(rows: QueueRollupDelta[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 2000) {
      const chunk = rows.slice(i, i + 2000).map((r) => ({ grain: r.grain, queue_id: r.queueId, period_start: r.periodStart.toISOString(), ...snake(r.metrics) }));
      await this.q(
        `INSERT INTO report_queue_rollups AS r (grain, queue_id, period_start, ${INSERT_COLUMNS})
         SELECT grain, queue_id, period_start, ${INSERT_COLUMNS}
         FROM jsonb_to_recordset($1::jsonb) AS x(grain text, queue_id uuid, period_start timestamptz, ${RECORD_TYPES})
         ON CONFLICT (grain, queue_id, period_start) DO UPDATE SET
           ${UPDATE_SET}`,
        [JSON.stringify(chunk)],
      );
    }
  }

  async addAgentRollups(rows: AgentRollupDelta[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 2000) {
      const chunk = rows.slice(i, i + 2000).map((r) => ({ grain: r.grain, agent_id: r.agentId, queue_id: r.queueId, period_start: r.periodStart.toISOString(), ...snake(r.metrics) }));
      await this.q(
        `INSERT INTO report_agent_rollups AS r (grain, agent_id, queue_id, period_start, ${INSERT_COLUMNS})
         SELECT grain, agent_id, queue_id, period_start, ${INSERT_COLUMNS}
         FROM jsonb_to_recordset($1::jsonb) AS x(grain text, agent_id uuid, queue_id uuid, period_start timestamptz, ${RECORD_TYPES})
         ON CONFLICT (grain, agent_id, queue_id, period_start) DO UPDATE SET
           ${UPDATE_SET}`,
        [JSON.stringify(chunk)],
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

function snake(m: MetricsRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [prop, col] of METRIC_COLUMNS) out[col] = m[prop];
  return out;
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
  abstract emailBacklog(queueIds?: string[]): Promise<BacklogRow[]>;
  /** When each feed was last brought up to date. */
  abstract feedTimes(): Promise<Partial<Record<FeedName, Date>>>;
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
      `SELECT q.id, q.key, q.name, q.channel, q.department_id AS "departmentId", d.key AS "departmentKey"
       FROM queues q JOIN departments d ON d.id = q.department_id ORDER BY q.key`,
    ) as Promise<ReportQueueInfo[]>;
  }

  emailBacklog(queueIds?: string[]): Promise<BacklogRow[]> {
    return this.dataSource.query(
      `SELECT contact_id AS "contactId", queue_id AS "queueId", arrived_at AS "arrivedAt", deadline FROM report_email_backlog
       WHERE ($1::uuid[] IS NULL OR queue_id = ANY($1::uuid[]))`,
      [queueIds ?? null],
    ) as Promise<BacklogRow[]>;
  }

  async feedTimes(): Promise<Partial<Record<FeedName, Date>>> {
    const rows = (await this.dataSource.query(`SELECT name, updated_at AS "updatedAt" FROM report_feeds`)) as { name: FeedName; updatedAt: Date }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.updatedAt]));
  }
}
