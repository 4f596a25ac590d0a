import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shift planning: shift templates per department, employee contracts per agent, schedules per
 * department and ISO week with their shifts, and an optional department on API keys (a manager key
 * of department X may decline only loans lent from X).
 *
 * Times inside templates and contracts are minutes after local midnight of the department's time
 * zone; shifts and breaks are stored as instants. A schedule keeps the demand (requirement per queue
 * and interval) it was generated for, so coverage after a hand edit is recomputed at once.
 *
 * A shift without a queue (queue_id null) is the department's own work (payments, legal, back
 * office: work Vuoro does not forecast). department_planning_settings holds what such a department
 * keeps on shift whatever it lends: minimum staff per weekday window.
 */
export class Planning1795440000000 implements MigrationInterface {
  name = 'Planning1795440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE shift_templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        department_id uuid NOT NULL CONSTRAINT shift_templates_department_fk REFERENCES departments (id) ON DELETE CASCADE,
        name text NOT NULL,
        earliest_start_minutes integer NOT NULL,
        latest_start_minutes integer NOT NULL,
        start_step_minutes integer NOT NULL,
        length_minutes integer NOT NULL,
        breaks jsonb NOT NULL,
        weekdays jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT shift_templates_department_name_unique UNIQUE (department_id, name),
        CONSTRAINT shift_templates_name_not_blank CHECK (length(btrim(name)) > 0),
        CONSTRAINT shift_templates_start_window_valid CHECK (earliest_start_minutes >= 0 AND earliest_start_minutes <= latest_start_minutes AND latest_start_minutes < 1440),
        CONSTRAINT shift_templates_length_valid CHECK (length_minutes > 0 AND length_minutes <= 960),
        CONSTRAINT shift_templates_step_positive CHECK (start_step_minutes > 0)
      );

      CREATE TABLE employee_contracts (
        agent_id uuid PRIMARY KEY CONSTRAINT employee_contracts_agent_fk REFERENCES agents (id) ON DELETE CASCADE,
        max_weekly_hours numeric(5, 2) NOT NULL,
        min_weekly_hours numeric(5, 2),
        min_shift_minutes integer NOT NULL,
        max_shift_minutes integer NOT NULL,
        min_days_off_per_week smallint NOT NULL,
        min_rest_minutes integer NOT NULL,
        availability jsonb,
        time_off jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT employee_contracts_weekly_hours_valid CHECK (max_weekly_hours > 0 AND max_weekly_hours <= 80 AND (min_weekly_hours IS NULL OR (min_weekly_hours >= 0 AND min_weekly_hours <= max_weekly_hours))),
        CONSTRAINT employee_contracts_shift_length_valid CHECK (min_shift_minutes > 0 AND min_shift_minutes <= max_shift_minutes AND max_shift_minutes <= 960),
        CONSTRAINT employee_contracts_days_off_valid CHECK (min_days_off_per_week BETWEEN 0 AND 7),
        CONSTRAINT employee_contracts_rest_valid CHECK (min_rest_minutes BETWEEN 0 AND 1440)
      );

      CREATE TABLE schedules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        department_id uuid NOT NULL CONSTRAINT schedules_department_fk REFERENCES departments (id) ON DELETE CASCADE,
        week_start date NOT NULL,
        status text NOT NULL,
        time_zone text NOT NULL,
        interval_minutes smallint NOT NULL,
        demands jsonb NOT NULL,
        figures jsonb NOT NULL,
        generated_by text NOT NULL,
        generated_at timestamptz NOT NULL,
        published_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT schedules_department_week_unique UNIQUE (department_id, week_start),
        CONSTRAINT schedules_status_valid CHECK (status IN ('draft', 'published')),
        CONSTRAINT schedules_published_consistent CHECK ((status = 'published') = (published_at IS NOT NULL)),
        CONSTRAINT schedules_week_start_monday CHECK (extract(isodow FROM week_start) = 1),
        CONSTRAINT schedules_interval_minutes_valid CHECK (interval_minutes IN (15, 30, 60))
      );

      CREATE TABLE schedule_shifts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        schedule_id uuid NOT NULL CONSTRAINT schedule_shifts_schedule_fk REFERENCES schedules (id) ON DELETE CASCADE,
        agent_id uuid CONSTRAINT schedule_shifts_agent_fk REFERENCES agents (id) ON DELETE SET NULL,
        queue_id uuid CONSTRAINT schedule_shifts_queue_fk REFERENCES queues (id) ON DELETE CASCADE,
        template_id uuid CONSTRAINT schedule_shifts_template_fk REFERENCES shift_templates (id) ON DELETE SET NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        breaks jsonb NOT NULL,
        CONSTRAINT schedule_shifts_window_valid CHECK (starts_at < ends_at)
      );
      CREATE INDEX schedule_shifts_schedule_idx ON schedule_shifts (schedule_id, starts_at);
      CREATE INDEX schedule_shifts_agent_idx ON schedule_shifts (agent_id, starts_at);

      CREATE TABLE department_planning_settings (
        department_id uuid PRIMARY KEY CONSTRAINT department_planning_settings_department_fk REFERENCES departments (id) ON DELETE CASCADE,
        min_staff_on_shift jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT department_planning_settings_min_staff_valid CHECK (jsonb_typeof(min_staff_on_shift) = 'array')
      );

      ALTER TABLE api_keys ADD COLUMN department_id uuid CONSTRAINT api_keys_department_fk REFERENCES departments (id) ON DELETE RESTRICT;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE api_keys DROP COLUMN department_id;
      DROP TABLE department_planning_settings;
      DROP TABLE schedule_shifts;
      DROP TABLE schedules;
      DROP TABLE employee_contracts;
      DROP TABLE shift_templates;
    `);
  }
}
