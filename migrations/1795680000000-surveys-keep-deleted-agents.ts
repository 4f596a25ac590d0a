import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A survey keeps the id of the agent who served the contact after the agent is deleted, as the
 * report roll-ups do (report_agent_rollups.agent_id has no foreign key): the feedback report by agent
 * then shows a deleted agent's answers on a row of their own, labelled by the id, as GET /v1/reports/*
 * do — not merged with every other deleted agent's into one row without an agent. The id names no one
 * once the agent row is gone.
 *
 * Surveys whose agent was deleted before this migration already lost the id (ON DELETE SET NULL).
 * Down puts the foreign key back, first clearing the ids of agents deleted since.
 */
export class SurveysKeepDeletedAgents1795680000000 implements MigrationInterface {
  name = 'SurveysKeepDeletedAgents1795680000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE surveys DROP CONSTRAINT surveys_agent_fk`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE surveys s SET agent_id = NULL WHERE agent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.id = s.agent_id)`);
    await q.query(`ALTER TABLE surveys ADD CONSTRAINT surveys_agent_fk FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE SET NULL`);
  }
}
