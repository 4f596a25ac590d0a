import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['report_queue_rollups', 'report_agent_rollups'];

/**
 * `arrived`: the contacts that entered a queue in a period, counted when they arrive (their first
 * `queued` event), not when they finish (libs/reports rollup.ts). Before it a report counted a
 * contact only once it had ended, so the emails still open were missing from every row: a day of
 * 500 emails showed the 132 already replied to.
 *
 * The rows already rolled up get what the job would have counted: every counted contact
 * (offered or switched) arrived in its row, and so did every contact the job has read the arrival
 * of (its `queued` event behind the contact feed's watermark, not a gap) that has not finished yet
 * (no facts). Their periods are those of libs/reports periods.ts in SQL: 15-minute intervals
 * (Helsinki's offsets are whole hours, so a UTC quarter-hour is a local one), and the local day,
 * ISO week, month and quarter of Europe/Helsinki.
 */
export class ReportArrivals1795650000000 implements MigrationInterface {
  name = 'ReportArrivals1795650000000';

  async up(q: QueryRunner): Promise<void> {
    for (const t of TABLES) await q.query(`ALTER TABLE ${t} ADD COLUMN arrived integer NOT NULL DEFAULT 0`);
    await q.query(`UPDATE report_queue_rollups SET arrived = offered + switched WHERE offered + switched > 0`);
    await q.query(`
      WITH feed AS (
        SELECT watermark, ARRAY(SELECT (g->>'id')::bigint FROM jsonb_array_elements(gaps) g) AS gap_ids
        FROM report_feeds WHERE name = 'contact-events'),
      arrival AS (
        SELECT coalesce((e.detail->>'queueId')::uuid, c.queue_id) AS queue_id,
          CASE WHEN e.detail->>'keepsArrivedAt' ~ '^\\d{4}-\\d\\d-\\d\\dT' THEN least(e.at, (e.detail->>'keepsArrivedAt')::timestamptz) ELSE e.at END AS at
        FROM contact_events e
        JOIN contacts c ON c.id = e.contact_id
        CROSS JOIN feed
        WHERE e.type = 'queued' AND NOT (e.detail ? 'transferredFrom') AND e.id <= feed.watermark AND e.id <> ALL (feed.gap_ids)
          AND NOT EXISTS (SELECT 1 FROM report_contact_facts f WHERE f.contact_id = e.contact_id)),
      local AS (SELECT queue_id, at, at AT TIME ZONE 'Europe/Helsinki' AS l FROM arrival WHERE queue_id IS NOT NULL),
      periods AS (
        SELECT queue_id, 'interval' AS grain, to_timestamp(floor(extract(epoch FROM at) / 900) * 900) AS period_start FROM local
        UNION ALL SELECT queue_id, 'day', date_trunc('day', l) AT TIME ZONE 'Europe/Helsinki' FROM local
        UNION ALL SELECT queue_id, 'week', date_trunc('week', l) AT TIME ZONE 'Europe/Helsinki' FROM local
        UNION ALL SELECT queue_id, 'month', date_trunc('month', l) AT TIME ZONE 'Europe/Helsinki' FROM local
        UNION ALL SELECT queue_id, 'quarter', date_trunc('quarter', l) AT TIME ZONE 'Europe/Helsinki' FROM local)
      INSERT INTO report_queue_rollups AS r (grain, period_start, queue_id, arrived,
        offered, answered, abandoned, failed, callbacks, transfers, answered_wait_seconds, longest_wait_seconds,
        answered_wait_histogram, abandoned_wait_histogram, handled, handle_seconds, wrap_ups, wrap_up_seconds,
        replied, reply_seconds, reply_histogram, replied_within_deadline, fcr_handled, fcr_repeated, repeat_contacts,
        staffed_seconds, occupied_seconds)
      SELECT grain, period_start, queue_id, count(*), 0, 0, 0, 0, 0, 0, 0, 0, '{}', '{}', 0, 0, 0, 0, 0, 0, '{}', 0, 0, 0, 0, 0, 0
      FROM periods GROUP BY grain, period_start, queue_id
      ON CONFLICT (grain, period_start, queue_id) DO UPDATE SET arrived = r.arrived + EXCLUDED.arrived`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Rows that only the arrivals made (contacts still open) hold nothing else: they go too.
    await q.query(`DELETE FROM report_queue_rollups WHERE arrived > 0 AND offered = 0 AND switched = 0 AND fcr_repeated = 0 AND repeat_contacts = 0 AND staffed_seconds = 0`);
    for (const t of TABLES) await q.query(`ALTER TABLE ${t} DROP COLUMN arrived`);
  }
}
