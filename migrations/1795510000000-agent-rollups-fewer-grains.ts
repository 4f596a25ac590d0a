import type { MigrationInterface, QueryRunner } from 'typeorm';

const ZONE = 'Europe/Helsinki';
const SUMS = [
  'offered', 'answered', 'abandoned', 'failed', 'callbacks', 'transfers', 'answered_wait_seconds', 'handled', 'handle_seconds', 'wrap_ups', 'wrap_up_seconds',
  'replied', 'reply_seconds', 'replied_within_deadline', 'fcr_handled', 'fcr_repeated', 'repeat_contacts', 'staffed_seconds', 'occupied_seconds',
];
const HISTOGRAMS = ['answered_wait_histogram', 'abandoned_wait_histogram', 'reply_histogram'];
/** A day row's week or quarter (reports' periods are Helsinki's; weeks are ISO weeks from Monday). */
const PERIOD = `date_trunc(g.grain, r.period_start AT TIME ZONE '${ZONE}') AT TIME ZONE '${ZONE}'`;
const REBUILT = `(VALUES ('week'), ('quarter')) AS g(grain)`;

/**
 * Agent roll-up rows are stored for 15-minute intervals, days and months; a report of an agent's
 * weeks adds up their day rows, of their quarters their month rows (libs/reports
 * AGENT_ROLLUP_GRAINS). The roll-up job touches the rows of nearly every agent in every batch under
 * load, and the week and quarter rows were two fifths of those upserts. Down rebuilds them from the
 * day rows.
 */
export class AgentRollupsFewerGrains1795510000000 implements MigrationInterface {
  name = 'AgentRollupsFewerGrains1795510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM report_agent_rollups WHERE grain NOT IN ('interval', 'day', 'month');
      ALTER TABLE report_agent_rollups DROP CONSTRAINT report_agent_rollups_grain_valid;
      ALTER TABLE report_agent_rollups ADD CONSTRAINT report_agent_rollups_grain_valid CHECK (grain IN ('interval', 'day', 'month'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE report_agent_rollups DROP CONSTRAINT report_agent_rollups_grain_valid;
      ALTER TABLE report_agent_rollups ADD CONSTRAINT report_agent_rollups_grain_valid CHECK (grain IN ('interval', 'day', 'week', 'month', 'quarter'));
    `);
    await q.query(`
      INSERT INTO report_agent_rollups (grain, agent_id, queue_id, period_start, ${SUMS.join(', ')}, longest_wait_seconds, ${HISTOGRAMS.join(', ')})
      SELECT g.grain, r.agent_id, r.queue_id, ${PERIOD}, ${SUMS.map((c) => `sum(r.${c})`).join(', ')}, max(r.longest_wait_seconds), ${HISTOGRAMS.map(() => `'{}'`).join(', ')}
      FROM report_agent_rollups r CROSS JOIN ${REBUILT}
      WHERE r.grain = 'day'
      GROUP BY 1, 2, 3, 4`);
    // Histograms: bucket by bucket (day rows store them without trailing empty buckets).
    for (const h of HISTOGRAMS) {
      await q.query(`
        UPDATE report_agent_rollups t SET ${h} = s.h
        FROM (
          SELECT grain, agent_id, queue_id, period_start, array_agg(v ORDER BY i) AS h
          FROM (
            SELECT g.grain, r.agent_id, r.queue_id, ${PERIOD} AS period_start, u.i, sum(u.v)::integer AS v
            FROM report_agent_rollups r CROSS JOIN ${REBUILT} CROSS JOIN LATERAL unnest(r.${h}) WITH ORDINALITY AS u(v, i)
            WHERE r.grain = 'day'
            GROUP BY 1, 2, 3, 4, 5
          ) b
          GROUP BY 1, 2, 3, 4
        ) s
        WHERE t.grain = s.grain AND t.agent_id = s.agent_id AND t.queue_id = s.queue_id AND t.period_start = s.period_start`);
    }
  }
}
