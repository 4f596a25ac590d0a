import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['report_queue_rollups', 'report_agent_rollups'];

/**
 * `ended_by_supervisor` (libs/reports contact-facts.ts, rollup.ts): contacts a supervisor ended by
 * hand (POST /v1/contacts/{id}/end, end reason `ended-by-supervisor`), whose end never came. Queue
 * rows count all of them; agent rows those the agent held. One in an agent's hands was counted with
 * the span up to the supervisor's end as handle time (hours of nothing, as a contact the routing
 * sweep ends after the maximum duration); now that span and the wrap-up of 0 are left out.
 * Rows already rolled up keep the figures they were counted with (0 in the new column, the span as
 * handle time); to recount them, empty the derived tables as README (Reports) says and the job
 * rebuilds them from the timelines.
 */
export class ReportEndedBySupervisor1795670000000 implements MigrationInterface {
  name = 'ReportEndedBySupervisor1795670000000';

  async up(q: QueryRunner): Promise<void> {
    // DEFAULT 0: what the rows counted before say, and what a writer that does not know the column means.
    for (const t of TABLES) await q.query(`ALTER TABLE ${t} ADD COLUMN ended_by_supervisor integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Rows counted since keep their handle times without the supervisor-ended spans: no column holds
    // them to add back (a recount under the older version would count them again).
    for (const t of TABLES) await q.query(`ALTER TABLE ${t} DROP COLUMN ended_by_supervisor`);
  }
}
