import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Loans of agents between departments (accepted borrowing suggestions) and the audit log.
 * The routing engine reads active loans: during [starts_at, ends_at) the agent is eligible for the
 * borrowing department's queue (or all its queues when queue_id is null); afterwards routing reverts.
 */
export class Loans1795430000000 implements MigrationInterface {
  name = 'Loans1795430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE loans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agent_id uuid NOT NULL CONSTRAINT loans_agent_fk REFERENCES agents (id) ON DELETE CASCADE,
        from_department_id uuid NOT NULL CONSTRAINT loans_from_department_fk REFERENCES departments (id) ON DELETE RESTRICT,
        to_department_id uuid NOT NULL CONSTRAINT loans_to_department_fk REFERENCES departments (id) ON DELETE RESTRICT,
        queue_id uuid CONSTRAINT loans_queue_fk REFERENCES queues (id) ON DELETE CASCADE,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        status text NOT NULL,
        reason text,
        created_by text NOT NULL,
        decided_by text,
        decision_note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT loans_status_valid CHECK (status IN ('active', 'declined', 'cancelled')),
        CONSTRAINT loans_window_valid CHECK (starts_at < ends_at),
        CONSTRAINT loans_departments_differ CHECK (from_department_id <> to_department_id)
      );
      CREATE INDEX loans_active_agent_idx ON loans (agent_id, ends_at) WHERE status = 'active';
      CREATE INDEX loans_to_department_idx ON loans (to_department_id, starts_at);
      CREATE INDEX loans_from_department_idx ON loans (from_department_id, starts_at);

      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        detail jsonb NOT NULL,
        CONSTRAINT audit_log_action_not_blank CHECK (length(btrim(action)) > 0)
      );
      CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_log;
      DROP TABLE loans;
    `);
  }
}
