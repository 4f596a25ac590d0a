import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = {
  report_queue_rollups: { before: 'grain, queue_id, period_start', after: 'grain, period_start, queue_id' },
  report_agent_rollups: { before: 'grain, agent_id, queue_id, period_start', after: 'grain, period_start, agent_id, queue_id' },
} as const;
const HISTOGRAMS = ['answered_wait_histogram', 'abandoned_wait_histogram', 'reply_histogram'] as const;

/**
 * Report roll-ups keyed period first: a report reads a range of the primary key and a roll-up batch
 * (contacts of the same hours) writes next to where the previous one did, so the separate period
 * indexes go (one index per row to maintain instead of two). Histograms are stored without their
 * trailing empty buckets (rows shrink from ~1.2 kB to ~250 bytes), so the check allows up to 89.
 */
export class ReportRollupKeys1795456000000 implements MigrationInterface {
  name = 'ReportRollupKeys1795456000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, key] of Object.entries(TABLES)) {
      await q.query(`
        ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey, ADD PRIMARY KEY (${key.after});
        DROP INDEX ${table}_period_idx;
        ALTER TABLE ${table} DROP CONSTRAINT ${table}_histograms_valid,
          ADD CONSTRAINT ${table}_histograms_valid CHECK (${HISTOGRAMS.map((h) => `cardinality(${h}) <= 89`).join(' AND ')});
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, key] of Object.entries(TABLES)) {
      await q.query(`
        UPDATE ${table} SET ${HISTOGRAMS.map((h) => `${h} = ${h} || array_fill(0, ARRAY[89 - cardinality(${h})])`).join(', ')};
        ALTER TABLE ${table} DROP CONSTRAINT ${table}_histograms_valid,
          ADD CONSTRAINT ${table}_histograms_valid CHECK (${HISTOGRAMS.map((h) => `cardinality(${h}) = 89`).join(' AND ')});
        CREATE INDEX ${table}_period_idx ON ${table} (grain, period_start);
        ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey, ADD PRIMARY KEY (${key.before});
      `);
    }
  }
}
