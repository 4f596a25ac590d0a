import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['report_queue_rollups', 'report_agent_rollups'];

/**
 * Two figures the reports count apart (libs/reports contact-facts.ts, rollup.ts):
 * - `switched`: contacts whose customer switched channel while waiting (end reason `switched`), which
 *   were counted as offered and failed; a fact's outcome may now be `switched`;
 * - `ended_by_max_duration`: answered contacts the routing sweep ended after their queue's maximum
 *   duration (a lost `ended`), whose hours in an agent's hands were counted as handle time.
 * Rows already rolled up keep the figures they were counted with (0 in the new columns); to recount
 * them, empty the derived tables as README (Reports) says and the job rebuilds them from the timelines.
 */
export class ReportSwitchesAndMaxDuration1795610000000 implements MigrationInterface {
  name = 'ReportSwitchesAndMaxDuration1795610000000';

  async up(q: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      // DEFAULT 0: what the rows counted before say, and what a writer that does not know the columns means.
      await q.query(`ALTER TABLE ${t} ADD COLUMN switched integer NOT NULL DEFAULT 0, ADD COLUMN ended_by_max_duration integer NOT NULL DEFAULT 0`);
    }
    await q.query(`
      ALTER TABLE report_contact_facts DROP CONSTRAINT report_contact_facts_outcome_valid;
      ALTER TABLE report_contact_facts ADD CONSTRAINT report_contact_facts_outcome_valid CHECK (outcome IN ('answered', 'abandoned', 'failed', 'switched'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Before this schema a switched contact was counted as failed: its fact and its rows say so again.
    await q.query(`
      UPDATE report_contact_facts SET outcome = 'failed' WHERE outcome = 'switched';
      ALTER TABLE report_contact_facts DROP CONSTRAINT report_contact_facts_outcome_valid;
      ALTER TABLE report_contact_facts ADD CONSTRAINT report_contact_facts_outcome_valid CHECK (outcome IN ('answered', 'abandoned', 'failed'))`);
    for (const t of TABLES) {
      await q.query(`UPDATE ${t} SET offered = offered + switched, failed = failed + switched WHERE switched > 0`);
      await q.query(`ALTER TABLE ${t} DROP COLUMN switched, DROP COLUMN ended_by_max_duration`);
    }
  }
}
