import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An agent's next state: a break or offline asked for while the agent is working (an offer out, on
 * a contact, in wrap-up) no longer replaces its real state at once. The agent keeps that state, is
 * offered nothing new, and takes the pending one — a break with the reason it gave — when its last
 * contact has ended and its wrap-up is over; available cancels it. The state spans (the trigger on
 * agent_presence, report_agent_states) therefore record the break from the moment it really began.
 */
export class AgentNextState1795580000000 implements MigrationInterface {
  name = 'AgentNextState1795580000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE agent_presence
        ADD COLUMN pending_state text,
        ADD COLUMN pending_reason text,
        ADD CONSTRAINT agent_presence_pending_state_valid CHECK (pending_state IS NULL OR pending_state IN ('break', 'offline')),
        ADD CONSTRAINT agent_presence_pending_reason CHECK ((pending_state IS NOT DISTINCT FROM 'break') = (pending_reason IS NOT NULL))
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agent_presence DROP COLUMN pending_state, DROP COLUMN pending_reason`);
  }
}
