import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Columns of every roll-up row: counts, sums, the longest wait and three 89-bucket histograms (libs/reports histogram.ts). */
const METRICS = `
        offered integer NOT NULL,
        answered integer NOT NULL,
        abandoned integer NOT NULL,
        failed integer NOT NULL,
        callbacks integer NOT NULL,
        transfers integer NOT NULL,
        answered_wait_seconds double precision NOT NULL,
        longest_wait_seconds double precision NOT NULL,
        answered_wait_histogram integer[] NOT NULL,
        abandoned_wait_histogram integer[] NOT NULL,
        handled integer NOT NULL,
        handle_seconds double precision NOT NULL,
        wrap_ups integer NOT NULL,
        wrap_up_seconds double precision NOT NULL,
        replied integer NOT NULL,
        reply_seconds double precision NOT NULL,
        reply_histogram integer[] NOT NULL,
        replied_within_deadline integer NOT NULL,
        fcr_handled integer NOT NULL,
        fcr_repeated integer NOT NULL,
        repeat_contacts integer NOT NULL,
        staffed_seconds double precision NOT NULL,
        occupied_seconds double precision NOT NULL,`;

const checks = (table: string) => `
        CONSTRAINT ${table}_grain_valid CHECK (grain IN ('interval', 'day', 'week', 'month', 'quarter')),
        CONSTRAINT ${table}_histograms_valid CHECK (cardinality(answered_wait_histogram) = 89 AND cardinality(abandoned_wait_histogram) = 89 AND cardinality(reply_histogram) = 89)`;

/**
 * Reports: roll-ups kept up to date by a job that reads contact_events after a watermark (see
 * apps/api/src/reports/report-rollup.job.ts). Nothing here holds personal data and nothing refers
 * to contacts or customers by a foreign key, so erasing or deleting raw contacts leaves every
 * figure as it was.
 * - report_contact_facts: one row per finished contact (ids, outcome, wait, repeat flags);
 * - report_queue_rollups / report_agent_rollups: additive figures per grain (15-minute interval,
 *   day, week, month, quarter in Europe/Helsinki) and queue, or agent and queue;
 * - report_email_backlog: open emails (ids and times only);
 * - report_agent_states: agent state spans, written by a trigger on agent_presence, for occupancy;
 * - report_feeds: the watermark of each feed and the ids it has not seen yet below it (gaps).
 */
export class Reports1795450000000 implements MigrationInterface {
  name = 'Reports1795450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_contact_facts (
        contact_id uuid PRIMARY KEY,
        channel text NOT NULL,
        queue_id uuid NOT NULL,
        closing_agent_id uuid,
        arrived_at timestamptz NOT NULL,
        outcome text NOT NULL,
        wait_seconds double precision NOT NULL,
        is_repeat boolean NOT NULL,
        has_repeat boolean NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT report_contact_facts_outcome_valid CHECK (outcome IN ('answered', 'abandoned', 'failed'))
      );

      CREATE TABLE report_queue_rollups (
        grain text NOT NULL,
        queue_id uuid NOT NULL,
        period_start timestamptz NOT NULL,${METRICS}
        PRIMARY KEY (grain, queue_id, period_start),${checks('report_queue_rollups')}
      );
      CREATE INDEX report_queue_rollups_period_idx ON report_queue_rollups (grain, period_start);

      CREATE TABLE report_agent_rollups (
        grain text NOT NULL,
        agent_id uuid NOT NULL,
        queue_id uuid NOT NULL,
        period_start timestamptz NOT NULL,${METRICS}
        PRIMARY KEY (grain, agent_id, queue_id, period_start),${checks('report_agent_rollups')}
      );
      CREATE INDEX report_agent_rollups_period_idx ON report_agent_rollups (grain, period_start);

      CREATE TABLE report_email_backlog (
        contact_id uuid PRIMARY KEY,
        queue_id uuid NOT NULL,
        arrived_at timestamptz NOT NULL,
        deadline timestamptz NOT NULL
      );
      CREATE INDEX report_email_backlog_queue_idx ON report_email_backlog (queue_id);

      CREATE TABLE report_agent_states (
        id bigserial PRIMARY KEY,
        agent_id uuid NOT NULL,
        state text NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL,
        CONSTRAINT report_agent_states_span_valid CHECK (ended_at > started_at)
      );

      CREATE TABLE report_feeds (
        name text PRIMARY KEY,
        watermark bigint NOT NULL,
        gaps jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT report_feeds_name_valid CHECK (name IN ('contact-events', 'agent-states'))
      );

      CREATE FUNCTION report_log_agent_state() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF NEW.state IS DISTINCT FROM OLD.state AND NEW.state_since > OLD.state_since THEN
          INSERT INTO report_agent_states (agent_id, state, started_at, ended_at) VALUES (OLD.agent_id, OLD.state, OLD.state_since, NEW.state_since);
        END IF;
        RETURN NEW;
      END
      $fn$;
      CREATE TRIGGER agent_presence_report_states AFTER UPDATE OF state ON agent_presence
        FOR EACH ROW EXECUTE FUNCTION report_log_agent_state();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER agent_presence_report_states ON agent_presence;
      DROP FUNCTION report_log_agent_state();
      DROP TABLE report_feeds;
      DROP TABLE report_agent_states;
      DROP TABLE report_email_backlog;
      DROP TABLE report_agent_rollups;
      DROP TABLE report_queue_rollups;
      DROP TABLE report_contact_facts;
    `);
  }
}
