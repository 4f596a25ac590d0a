import type { DataSource, EntityManager } from 'typeorm';
import type { MethodChoice } from '../../../forecasting/src/method-choice.js';
import type { Channel } from '../../../core/src/channel.js';
import { isUuid } from '../../../core/src/ids.js';
import type { IntervalColumns } from '../interval-columns.js';
import { runExclusively } from '../job-lock.js';
import { MAX_DURATION_END_REASON, SUPERVISOR_END_REASON, SWITCHED_END_REASON } from '../../../routing/src/core/types.js';
import { ForecastAlertEntity, type ForecastAlertKind, type ForecastAlertStatus } from '../entities/forecast-alert.entity.js';
import { IntradayReforecastEntity } from '../entities/intraday-reforecast.entity.js';

/** What forecasting needs to know about a queue: its channel, calendar (zone, holidays, closures) and department. */
export interface QueueForecastContext {
  id: string;
  key: string;
  departmentId: string;
  /** phone, chat or email: whether contacts arrive on holidays depends on it (holidayArrivalsOf). */
  channel: Channel;
  timeZone: string;
  holidayRegion: string | null;
  /** extra closure dates of the queue's calendar. */
  closures: string[];
}

export interface HistoryRow {
  intervalStart: Date;
  intervalMinutes: number;
  offered: number;
  ahtSeconds: number | null;
}

export interface ImportedInterval {
  queueId: string;
  intervalMinutes: number;
  intervalStart: Date;
  volume: number;
  ahtSeconds: number | null;
}

export interface AlertFilter {
  queueId?: string;
  status?: ForecastAlertStatus;
}

export interface SpikeObservation {
  queueId: string;
  localDate: string;
  kind: ForecastAlertKind;
  startedAt: Date;
  /** the day so far. */
  observed: number;
  expected: number;
  /** from `startedAt` on. */
  observedSinceStart: number;
  expectedSinceStart: number;
  /** the morning forecast of the whole day; the arrivals so far plus the re-forecast rest. */
  dayForecast: number;
  dayProjected: number;
  at: Date;
}

export interface ReforecastPoint {
  intervalStart: Date;
  volume: number;
  lower: number;
  upper: number;
  ahtSeconds: number | null;
}

/** A queue's stored forecasting method (table forecast_method_choices). */
export interface StoredMethodChoice {
  queueId: string;
  /** the interval length of the history it was chosen on. */
  intervalMinutes: number;
  /** the queue's local date the choice was made on, `YYYY-MM-DD`. */
  chosenOn: string;
  choice: MethodChoice;
  createdAt: Date;
}

/** Advisory-lock key of the intraday forecast job. */
export const INTRADAY_JOB_LOCK_KEY = 7_450_101;
/** Advisory-lock key of the job that chooses each queue's forecasting method ahead of demand. */
export const METHOD_CHOICE_JOB_LOCK_KEY = 7_450_102;

export abstract class ForecastingRepository {
  /** Queues by id or key (both accepted), with their calendars. */
  abstract queueContexts(idsOrKeys?: readonly string[]): Promise<QueueForecastContext[]>;
  /** The queue's interval history, oldest first (optionally only `[from, to)`). */
  abstract history(queueId: string, from?: Date, to?: Date): Promise<HistoryRow[]>;
  /**
   * The same rows of `[from, to)` (only those that ended by `endedBy`, when given) in the compact
   * form forecasting hands to its worker thread: one database row of comma-separated columns, never
   * a JavaScript object per interval (IntervalColumns). Ordered by length, then start: oldest first
   * within each interval length.
   */
  abstract historyColumns(queueId: string, from: Date, to: Date, endedBy?: Date): Promise<IntervalColumns>;
  /**
   * Upserts imported intervals (source `import`) in ONE transaction: all rows or none. `onProgress`
   * is called with the number of rows written so far. Returns how many rows were new.
   */
  abstract importHistory(rows: readonly ImportedInterval[], onProgress?: (written: number) => void): Promise<{ inserted: number; updated: number }>;
  /**
   * The interval history from Vuoro's own contact records (source `routing`): per queue and interval,
   * the contacts that arrived before `now` (rejected calls excluded, and a contact whose customer
   * switched channel while waiting, end reason `switched`: the contact it became is counted in its own
   * queue from the same arrival, so the demand is counted once, where it was served) — offered,
   * answered, abandoned, answered by their deadline, and the average handle time (talk + wrap-up of
   * the answered contacts that ended; not of those whose end was never reported — ended by the routing
   * sweep after their queue's maximum duration, end reason `max-duration`, or by a supervisor's
   * POST /v1/contacts/{id}/end, `ended-by-supervisor` — time in an agent's hands that was no work). Recomputes every interval from three days before the queue's latest interval of
   * any source (all of its contacts when it has none), so outcomes that come later (an email answered
   * the next day) are counted and a pause of the job leaves no gap. The interval length is that of
   * the queue's existing history (15 minutes when it has none), so imported and routed history do
   * not mix lengths. An interval that has an imported or demo row keeps it. Returns the rows written.
   */
  abstract syncRoutedHistory(now: Date): Promise<number>;
  abstract listAlerts(filter: AlertFilter): Promise<ForecastAlertEntity[]>;
  abstract findAlert(id: string): Promise<ForecastAlertEntity | null>;
  /** Creates the day's alert of that kind, or refreshes its figures; an acknowledged alert stays acknowledged. */
  abstract recordSpike(spike: SpikeObservation): Promise<ForecastAlertEntity>;
  abstract acknowledgeAlert(id: string, at: Date): Promise<ForecastAlertEntity | null>;
  /** Replaces the stored re-forecast of the intervals in `[from, to)` in one transaction. */
  abstract replaceReforecast(queueId: string, intervalMinutes: number, from: Date, to: Date, points: readonly ReforecastPoint[], at: Date): Promise<void>;
  abstract reforecast(queueId: string, from: Date, to: Date): Promise<IntradayReforecastEntity[]>;
  /** The queue's latest method choice, if any. */
  abstract methodChoice(queueId: string): Promise<StoredMethodChoice | null>;
  /** Stores a choice unless a choice of a later day is already stored (an instance that chose late never overwrites a newer one). */
  abstract saveMethodChoice(choice: Omit<StoredMethodChoice, 'createdAt'>, at: Date): Promise<void>;
  /**
   * Runs `fn` only if no other instance holds the lock `key` (PostgreSQL advisory lock held on its
   * own connection for the duration); returns undefined when another instance holds it. The embedded
   * database is one process with one session, so there it simply runs `fn`.
   */
  abstract runExclusively<T>(key: number, fn: () => Promise<T>): Promise<T | undefined>;
}

const CHUNK = 2000;

export class TypeOrmForecastingRepository extends ForecastingRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async queueContexts(idsOrKeys?: readonly string[]): Promise<QueueForecastContext[]> {
    const ids = (idsOrKeys ?? []).filter(isUuid);
    const rows: { id: string; key: string; department_id: string; channel: Channel; time_zone: string; holiday_region: string | null; closures: string[] | null }[] = await this.dataSource.query(
      `SELECT q.id, q.key, q.department_id, q.channel, c.time_zone, c.holiday_region,
              (SELECT array_agg(to_char(cc.date, 'YYYY-MM-DD') ORDER BY cc.date) FROM calendar_closures cc WHERE cc.calendar_id = c.id) AS closures
         FROM queues q JOIN business_calendars c ON c.id = q.calendar_id
        WHERE $1::boolean OR q.key = ANY($2::text[]) OR q.id = ANY($3::uuid[])
        ORDER BY q.key`,
      [idsOrKeys === undefined, [...(idsOrKeys ?? [])], ids],
    );
    return rows.map((r) => ({ id: r.id, key: r.key, departmentId: r.department_id, channel: r.channel, timeZone: r.time_zone, holidayRegion: r.holiday_region, closures: r.closures ?? [] }));
  }

  async history(queueId: string, from?: Date, to?: Date): Promise<HistoryRow[]> {
    const rows: { interval_start: Date; interval_minutes: number; offered: number; aht_seconds: string | null }[] = await this.dataSource.query(
      `SELECT interval_start, interval_minutes, offered, aht_seconds FROM interval_statistics
        WHERE queue_id = $1 AND ($2::timestamptz IS NULL OR interval_start >= $2) AND ($3::timestamptz IS NULL OR interval_start < $3)
        ORDER BY interval_start, interval_minutes`,
      [queueId, from?.toISOString() ?? null, to?.toISOString() ?? null],
    );
    return rows.map((r) => ({ intervalStart: new Date(r.interval_start), intervalMinutes: Number(r.interval_minutes), offered: Number(r.offered), ahtSeconds: r.aht_seconds === null ? null : Number(r.aht_seconds) }));
  }

  async historyColumns(queueId: string, from: Date, to: Date, endedBy?: Date): Promise<IntervalColumns> {
    // The rows in the primary key's order (an index scan, no sort) from a subquery, aggregated in one
    // pass: the four columns line up row for row. (ORDER BY inside each string_agg sorts four times
    // over on PostgreSQL 15, spilling to disk: 149 ms of server time for 3 years of quarter-hours,
    // against 52 ms.)
    const [row]: { count: number; shortest: number; first_ms: number | null; last_ms: number | null; start: string; minutes: string; offered: string; aht: string }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count, COALESCE(min(m), 0)::int AS shortest,
              floor(extract(epoch FROM min(s)) * 1000)::float8 AS first_ms, floor(extract(epoch FROM max(s)) * 1000)::float8 AS last_ms,
              COALESCE(string_agg(start, ','), '') AS start, COALESCE(string_agg(minutes, ','), '') AS minutes,
              COALESCE(string_agg(offered, ','), '') AS offered, COALESCE(string_agg(aht, ','), '') AS aht
         FROM (SELECT interval_minutes AS m, interval_start AS s,
                      floor(extract(epoch FROM interval_start) * 1000)::bigint::text AS start, interval_minutes::text AS minutes,
                      offered::text AS offered, COALESCE(aht_seconds::text, '') AS aht
                 FROM interval_statistics
                WHERE queue_id = $1 AND interval_start >= $2 AND interval_start < $3
                  AND ($4::timestamptz IS NULL OR interval_start + interval_minutes * interval '1 minute' <= $4)
                ORDER BY interval_minutes, interval_start) AS r`,
      [queueId, from.toISOString(), to.toISOString(), endedBy?.toISOString() ?? null],
    );
    return { count: row.count, shortestMinutes: row.shortest, firstStartMs: row.first_ms, lastStartMs: row.last_ms, start: row.start, minutes: row.minutes, offered: row.offered, aht: row.aht };
  }

  importHistory(rows: readonly ImportedInterval[], onProgress?: (written: number) => void): Promise<{ inserted: number; updated: number }> {
    return this.dataSource.transaction(async (tx: EntityManager) => {
      let inserted = 0;
      for (let i = 0; i < rows.length; i += CHUNK) {
        const part = rows.slice(i, i + CHUNK);
        // Imported rows carry volume (and AHT) only: answered = offered, abandoned = 0, answered_within_target = 0.
        const result: { inserted: boolean }[] = await tx.query(
          `INSERT INTO interval_statistics (queue_id, interval_minutes, interval_start, offered, answered, abandoned, answered_within_target, aht_seconds, source)
           SELECT q, m, s, o, o, 0, 0, h, 'import' FROM unnest($1::uuid[], $2::smallint[], $3::timestamptz[], $4::int[], $5::numeric[]) AS t(q, m, s, o, h)
           ON CONFLICT (queue_id, interval_minutes, interval_start) DO UPDATE
             SET offered = EXCLUDED.offered, answered = EXCLUDED.offered, abandoned = 0, answered_within_target = 0,
                 aht_seconds = EXCLUDED.aht_seconds, source = 'import'
           RETURNING (xmax = 0) AS inserted`,
          [part.map((r) => r.queueId), part.map((r) => r.intervalMinutes), part.map((r) => r.intervalStart.toISOString()), part.map((r) => r.volume), part.map((r) => r.ahtSeconds)],
        );
        inserted += result.filter((r) => r.inserted).length;
        onProgress?.(Math.min(rows.length, i + CHUNK));
      }
      // the queues' method choices were made on the history before this import: choose again
      await tx.query('DELETE FROM forecast_method_choices WHERE queue_id = ANY($1::uuid[])', [[...new Set(rows.map((r) => r.queueId))]]);
      return { inserted, updated: rows.length - inserted };
    });
  }

  async syncRoutedHistory(now: Date): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      // MATERIALIZED: each queue's interval and start are worked out once. Inlined, the planner
      // evaluated both subqueries for every contact row (~10 s for the demo's 9,600 contacts on the
      // embedded database, whose queries run in the API's own thread: routing stopped meanwhile).
      `WITH q AS MATERIALIZED (
         SELECT q.id,
           COALESCE((SELECT s.interval_minutes FROM interval_statistics s WHERE s.queue_id = q.id ORDER BY s.interval_start DESC, s.interval_minutes LIMIT 1), 15) AS minutes,
           (SELECT CASE WHEN max(s.interval_start) IS NULL THEN '-infinity'::timestamptz ELSE LEAST(max(s.interval_start), $1::timestamptz) - interval '3 days' END
            FROM interval_statistics s WHERE s.queue_id = q.id) AS since
         FROM queues q),
       agg AS (
         SELECT q.id AS queue_id, q.minutes,
           date_bin(make_interval(mins => q.minutes), c.arrived_at, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS interval_start,
           count(*)::int AS offered,
           count(c.answered_at)::int AS answered,
           (count(*) FILTER (WHERE c.status = 'abandoned'))::int AS abandoned,
           (count(*) FILTER (WHERE c.answered_at IS NOT NULL AND c.answered_at <= c.deadline))::int AS within_target,
           avg(EXTRACT(EPOCH FROM (c.ended_at - c.answered_at)) + COALESCE(w.wrap_up, 0))
             FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL AND COALESCE(c.end_reason, '') NOT IN ($2, $3)) AS aht
         FROM q
         JOIN contacts c ON c.queue_id = q.id AND c.arrived_at >= q.since AND c.arrived_at < $1
         LEFT JOIN LATERAL (
           SELECT max((e.detail->>'wrapUpSeconds')::float8) AS wrap_up FROM contact_events e
           WHERE e.contact_id = c.id AND jsonb_typeof(e.detail->'wrapUpSeconds') = 'number') w ON c.ended_at IS NOT NULL
         WHERE c.status <> 'rejected' AND c.end_reason IS DISTINCT FROM $4
         GROUP BY 1, 2, 3)
       INSERT INTO interval_statistics (queue_id, interval_minutes, interval_start, offered, answered, abandoned, answered_within_target, aht_seconds, source)
       SELECT queue_id, minutes, interval_start, offered, answered, abandoned, within_target, CASE WHEN round(aht::numeric, 1) > 0 THEN round(aht::numeric, 1) END, 'routing' FROM agg
       ON CONFLICT (queue_id, interval_minutes, interval_start) DO UPDATE
         SET offered = EXCLUDED.offered, answered = EXCLUDED.answered, abandoned = EXCLUDED.abandoned,
             answered_within_target = EXCLUDED.answered_within_target, aht_seconds = EXCLUDED.aht_seconds
         WHERE interval_statistics.source = 'routing'
       RETURNING 1`,
      [now, MAX_DURATION_END_REASON, SUPERVISOR_END_REASON, SWITCHED_END_REASON],
    );
    return rows.length;
  }

  listAlerts(filter: AlertFilter): Promise<ForecastAlertEntity[]> {
    return this.dataSource.getRepository(ForecastAlertEntity).find({
      where: { ...(filter.queueId ? { queueId: filter.queueId } : {}), ...(filter.status ? { status: filter.status } : {}) },
      order: { startedAt: 'DESC', kind: 'ASC' },
      take: 1000,
    });
  }

  findAlert(id: string): Promise<ForecastAlertEntity | null> {
    return this.dataSource.getRepository(ForecastAlertEntity).findOneBy({ id });
  }

  async recordSpike(s: SpikeObservation): Promise<ForecastAlertEntity> {
    const [row]: { id: string }[] = await this.dataSource.query(
      `INSERT INTO forecast_alerts (queue_id, local_date, kind, status, started_at, observed, expected, observed_since_start, expected_since_start, day_forecast, day_projected, detected_at, updated_at)
       VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8, $9, $10, $11, $11)
       ON CONFLICT (queue_id, local_date, kind) DO UPDATE SET started_at = EXCLUDED.started_at, observed = EXCLUDED.observed, expected = EXCLUDED.expected,
         observed_since_start = EXCLUDED.observed_since_start, expected_since_start = EXCLUDED.expected_since_start,
         day_forecast = EXCLUDED.day_forecast, day_projected = EXCLUDED.day_projected, updated_at = EXCLUDED.updated_at
       RETURNING id`,
      [s.queueId, s.localDate, s.kind, s.startedAt.toISOString(), s.observed, s.expected, s.observedSinceStart, s.expectedSinceStart, s.dayForecast, s.dayProjected, s.at.toISOString()],
    );
    return (await this.findAlert(row.id))!;
  }

  async acknowledgeAlert(id: string, at: Date): Promise<ForecastAlertEntity | null> {
    await this.dataSource.query(`UPDATE forecast_alerts SET status = 'acknowledged', acknowledged_at = $2 WHERE id = $1 AND status = 'open'`, [id, at.toISOString()]);
    return this.findAlert(id);
  }

  async replaceReforecast(queueId: string, intervalMinutes: number, from: Date, to: Date, points: readonly ReforecastPoint[], at: Date): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query('DELETE FROM intraday_reforecasts WHERE queue_id = $1 AND interval_start >= $2 AND interval_start < $3', [queueId, from.toISOString(), to.toISOString()]);
      if (!points.length) return;
      await tx.query(
        `INSERT INTO intraday_reforecasts (queue_id, interval_start, interval_minutes, volume, lower, upper, aht_seconds, created_at)
         SELECT $1, s, $2, v, l, u, h, $3 FROM unnest($4::timestamptz[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[]) AS t(s, v, l, u, h)`,
        [
          queueId,
          intervalMinutes,
          at.toISOString(),
          points.map((p) => p.intervalStart.toISOString()),
          points.map((p) => Math.round(p.volume * 1000) / 1000),
          points.map((p) => Math.round(p.lower * 1000) / 1000),
          points.map((p) => Math.round(p.upper * 1000) / 1000),
          points.map((p) => (p.ahtSeconds === null ? null : Math.round(p.ahtSeconds * 100) / 100)),
        ],
      );
    });
  }

  reforecast(queueId: string, from: Date, to: Date): Promise<IntradayReforecastEntity[]> {
    return this.dataSource
      .getRepository(IntradayReforecastEntity)
      .createQueryBuilder('r')
      .where('r.queue_id = :queueId AND r.interval_start >= :from AND r.interval_start < :to', { queueId, from, to })
      .orderBy('r.interval_start')
      .getMany();
  }

  async methodChoice(queueId: string): Promise<StoredMethodChoice | null> {
    const [row]: { interval_minutes: number; chosen_on: string; choice: MethodChoice; created_at: Date }[] = await this.dataSource.query(
      `SELECT interval_minutes, to_char(chosen_on, 'YYYY-MM-DD') AS chosen_on, choice, created_at FROM forecast_method_choices WHERE queue_id = $1`,
      [queueId],
    );
    return row ? { queueId, intervalMinutes: Number(row.interval_minutes), chosenOn: row.chosen_on, choice: row.choice, createdAt: new Date(row.created_at) } : null;
  }

  async saveMethodChoice(c: Omit<StoredMethodChoice, 'createdAt'>, at: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO forecast_method_choices (queue_id, interval_minutes, chosen_on, choice, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (queue_id) DO UPDATE SET interval_minutes = EXCLUDED.interval_minutes, chosen_on = EXCLUDED.chosen_on, choice = EXCLUDED.choice, created_at = EXCLUDED.created_at
        WHERE forecast_method_choices.chosen_on <= EXCLUDED.chosen_on`,
      [c.queueId, c.intervalMinutes, c.chosenOn, JSON.stringify(c.choice), at.toISOString()],
    );
  }

  async runExclusively<T>(key: number, fn: () => Promise<T>): Promise<T | undefined> {
    return (await runExclusively(this.dataSource, key, fn)) ?? undefined;
  }

}
