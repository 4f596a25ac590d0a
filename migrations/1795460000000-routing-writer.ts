import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The span logging of Reports1795450000000, unchanged: a state change that moved state_since forward ends the old state's span. */
const LOG_SPAN = `
        IF NEW.state IS DISTINCT FROM OLD.state AND NEW.state_since > OLD.state_since THEN
          INSERT INTO report_agent_states (agent_id, state, started_at, ended_at) VALUES (OLD.agent_id, OLD.state, OLD.state_since, NEW.state_since);
        END IF;`;

/**
 * The in-memory routing core's writer (libs/persistence/src/routing-store) stores a group of change
 * sets in one statement, and a change set holds only the last version of each agent_presence row:
 * a trigger on the stored row would see one merged change where the agent went through several
 * states. The writer therefore inserts the state spans itself (the core records each one) and sets
 * `vuoro.routing_writer = 'on'` on its session, which turns the trigger off for that session only;
 * every other writer of agent_presence keeps the trigger's spans.
 */
export class RoutingWriter1795460000000 implements MigrationInterface {
  name = 'RoutingWriter1795460000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION report_log_agent_state() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF current_setting('vuoro.routing_writer', true) = 'on' THEN
          RETURN NEW;
        END IF;${LOG_SPAN}
        RETURN NEW;
      END
      $fn$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION report_log_agent_state() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN${LOG_SPAN}
        RETURN NEW;
      END
      $fn$;
    `);
  }
}
