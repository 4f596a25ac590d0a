import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reference data of a contact centre: departments, skills, agents, business calendars, queues,
 * per-interval history, letter batches and API keys. Invariants are named constraints so that the
 * API can name the rule a rejected write broke.
 */
export class InitialSchema1795305600000 implements MigrationInterface {
  name = 'InitialSchema1795305600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE channels (
        key text PRIMARY KEY,
        name text NOT NULL
      );
      INSERT INTO channels (key, name) VALUES ('phone', 'Phone'), ('chat', 'Chat'), ('email', 'Email');

      CREATE TABLE departments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL,
        name text NOT NULL,
        kind text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT departments_key_unique UNIQUE (key),
        CONSTRAINT departments_key_format CHECK (key ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        CONSTRAINT departments_kind_valid CHECK (kind IN ('customer-service', 'other')),
        CONSTRAINT departments_name_not_blank CHECK (length(btrim(name)) > 0)
      );

      CREATE TABLE skills (
        key text PRIMARY KEY,
        kind text NOT NULL,
        name text NOT NULL,
        CONSTRAINT skills_key_format CHECK (key ~ '^(lang|topic|training):[a-z0-9][a-z0-9-]*$'),
        CONSTRAINT skills_kind_matches_key CHECK (
          (kind = 'language' AND key LIKE 'lang:%') OR
          (kind = 'topic' AND key LIKE 'topic:%') OR
          (kind = 'training' AND key LIKE 'training:%'))
      );

      CREATE TABLE agents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        employee_number text NOT NULL,
        display_name text NOT NULL,
        department_id uuid NOT NULL CONSTRAINT agents_department_fk REFERENCES departments (id) ON DELETE RESTRICT,
        phone_uri text,
        time_zone text NOT NULL DEFAULT 'Europe/Helsinki',
        phone_capacity smallint NOT NULL DEFAULT 1,
        chat_capacity smallint NOT NULL DEFAULT 3,
        email_capacity smallint NOT NULL DEFAULT 5,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT agents_employee_number_unique UNIQUE (employee_number),
        CONSTRAINT agents_phone_uri_sip CHECK (phone_uri IS NULL OR phone_uri ~ '^sips?:[^@[:space:]]+@[^[:space:]]+$'),
        CONSTRAINT agents_phone_capacity_range CHECK (phone_capacity BETWEEN 0 AND 1),
        CONSTRAINT agents_chat_capacity_range CHECK (chat_capacity BETWEEN 0 AND 10),
        CONSTRAINT agents_email_capacity_range CHECK (email_capacity BETWEEN 0 AND 20)
      );
      CREATE INDEX agents_department_idx ON agents (department_id);

      CREATE TABLE agent_skills (
        agent_id uuid NOT NULL CONSTRAINT agent_skills_agent_fk REFERENCES agents (id) ON DELETE CASCADE,
        skill_key text NOT NULL CONSTRAINT agent_skills_skill_fk REFERENCES skills (key) ON DELETE RESTRICT,
        proficiency smallint NOT NULL,
        PRIMARY KEY (agent_id, skill_key),
        CONSTRAINT agent_skills_proficiency_range CHECK (proficiency BETWEEN 1 AND 5)
      );
      CREATE INDEX agent_skills_skill_idx ON agent_skills (skill_key);

      CREATE TABLE business_calendars (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL,
        name text NOT NULL,
        time_zone text NOT NULL,
        holiday_region text,
        opening_hours jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT business_calendars_key_unique UNIQUE (key),
        CONSTRAINT business_calendars_opening_hours_array CHECK (jsonb_typeof(opening_hours) = 'array')
      );

      CREATE TABLE calendar_closures (
        calendar_id uuid NOT NULL CONSTRAINT calendar_closures_calendar_fk REFERENCES business_calendars (id) ON DELETE CASCADE,
        date date NOT NULL,
        name text NOT NULL,
        PRIMARY KEY (calendar_id, date)
      );

      CREATE TABLE queues (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL,
        name text NOT NULL,
        department_id uuid NOT NULL CONSTRAINT queues_department_fk REFERENCES departments (id) ON DELETE RESTRICT,
        channel text NOT NULL CONSTRAINT queues_channel_fk REFERENCES channels (key),
        language text,
        calendar_id uuid NOT NULL CONSTRAINT queues_calendar_fk REFERENCES business_calendars (id) ON DELETE RESTRICT,
        target_percent numeric(5, 2) NOT NULL,
        target_seconds integer NOT NULL,
        target_basis text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT queues_key_unique UNIQUE (key),
        CONSTRAINT queues_language_valid CHECK (language IS NULL OR language IN ('fi', 'sv', 'en')),
        CONSTRAINT queues_target_percent_range CHECK (target_percent > 0 AND target_percent <= 100),
        CONSTRAINT queues_target_seconds_positive CHECK (target_seconds > 0),
        CONSTRAINT queues_target_basis_valid CHECK (target_basis IN ('elapsed', 'business'))
      );
      CREATE INDEX queues_department_idx ON queues (department_id);

      CREATE TABLE queue_skills (
        queue_id uuid NOT NULL CONSTRAINT queue_skills_queue_fk REFERENCES queues (id) ON DELETE CASCADE,
        skill_key text NOT NULL CONSTRAINT queue_skills_skill_fk REFERENCES skills (key) ON DELETE RESTRICT,
        min_proficiency smallint NOT NULL,
        PRIMARY KEY (queue_id, skill_key),
        CONSTRAINT queue_skills_min_proficiency_range CHECK (min_proficiency BETWEEN 1 AND 5)
      );

      CREATE TABLE interval_statistics (
        queue_id uuid NOT NULL CONSTRAINT interval_statistics_queue_fk REFERENCES queues (id) ON DELETE CASCADE,
        interval_minutes smallint NOT NULL,
        interval_start timestamptz NOT NULL,
        offered integer NOT NULL,
        answered integer NOT NULL,
        abandoned integer NOT NULL,
        answered_within_target integer NOT NULL,
        aht_seconds numeric(8, 2),
        source text NOT NULL,
        PRIMARY KEY (queue_id, interval_minutes, interval_start),
        CONSTRAINT interval_statistics_minutes_valid CHECK (interval_minutes IN (15, 30, 60)),
        CONSTRAINT interval_statistics_counts_non_negative CHECK (offered >= 0 AND answered >= 0 AND abandoned >= 0 AND answered_within_target >= 0),
        CONSTRAINT interval_statistics_within_target_le_answered CHECK (answered_within_target <= answered),
        CONSTRAINT interval_statistics_aht_positive CHECK (aht_seconds IS NULL OR aht_seconds > 0),
        CONSTRAINT interval_statistics_source_valid CHECK (source IN ('demo', 'import', 'routing'))
      );

      CREATE TABLE letter_batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        department_id uuid NOT NULL CONSTRAINT letter_batches_department_fk REFERENCES departments (id) ON DELETE CASCADE,
        sent_on date NOT NULL,
        letters integer NOT NULL,
        description text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT letter_batches_letters_positive CHECK (letters > 0)
      );
      CREATE INDEX letter_batches_sent_on_idx ON letter_batches (sent_on);

      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL,
        key_hash text NOT NULL,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz,
        CONSTRAINT api_keys_key_hash_unique UNIQUE (key_hash),
        CONSTRAINT api_keys_role_valid CHECK (role IN ('admin', 'supervisor', 'manager', 'agent', 'telephony')),
        CONSTRAINT api_keys_key_hash_sha256 CHECK (key_hash ~ '^[0-9a-f]{64}$')
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE api_keys;
      DROP TABLE letter_batches;
      DROP TABLE interval_statistics;
      DROP TABLE queue_skills;
      DROP TABLE queues;
      DROP TABLE calendar_closures;
      DROP TABLE business_calendars;
      DROP TABLE agent_skills;
      DROP TABLE agents;
      DROP TABLE skills;
      DROP TABLE departments;
      DROP TABLE channels;
    `);
  }
}
