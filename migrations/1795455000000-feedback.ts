import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer feedback: sampling settings, the ended contacts waiting to be sampled, surveys and the
 * outbox of survey invitations.
 *
 * Ended contacts are captured by a trigger on `contacts` (status → 'ended'), in the same
 * transaction as the routing engine's own update: no contact is missed and none is seen twice,
 * whatever order concurrent transactions commit in (a watermark over a sequence can skip an id
 * that commits late), and the routing engine's code is not touched. The cost on the routing path
 * is one small insert per ended contact.
 *
 * Personal data: a survey holds no phone number, name or address — the delivery reads the
 * recipient from `customers` when it sends. The survey token is stored only as a SHA-256 hash; the
 * outbox keeps the token itself only until the invitation is sent (a check enforces it).
 */
export class Feedback1795455000000 implements MigrationInterface {
  name = 'Feedback1795455000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE feedback_settings (
        id smallint PRIMARY KEY,
        phone_rate numeric(5, 4) NOT NULL,
        chat_rate numeric(5, 4) NOT NULL,
        email_rate numeric(5, 4) NOT NULL,
        cooldown_days integer NOT NULL,
        response_hours integer NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT feedback_settings_singleton CHECK (id = 1),
        CONSTRAINT feedback_settings_rates_range CHECK (phone_rate BETWEEN 0 AND 1 AND chat_rate BETWEEN 0 AND 1 AND email_rate BETWEEN 0 AND 1),
        CONSTRAINT feedback_settings_cooldown_range CHECK (cooldown_days BETWEEN 0 AND 3650),
        CONSTRAINT feedback_settings_response_hours_range CHECK (response_hours BETWEEN 1 AND 2160)
      );
      INSERT INTO feedback_settings (id, phone_rate, chat_rate, email_rate, cooldown_days, response_hours, updated_at)
        VALUES (1, 0.1, 0.1, 0.1, 90, 72, now());

      CREATE TABLE feedback_queue_rates (
        queue_id uuid PRIMARY KEY CONSTRAINT feedback_queue_rates_queue_fk REFERENCES queues (id) ON DELETE CASCADE,
        rate numeric(5, 4) NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT feedback_queue_rates_rate_range CHECK (rate BETWEEN 0 AND 1)
      );

      CREATE TABLE survey_candidates (
        contact_id uuid PRIMARY KEY CONSTRAINT survey_candidates_contact_fk REFERENCES contacts (id) ON DELETE CASCADE,
        ended_at timestamptz NOT NULL
      );

      CREATE FUNCTION feedback_capture_ended_contact() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO survey_candidates (contact_id, ended_at) VALUES (NEW.id, COALESCE(NEW.ended_at, now()))
          ON CONFLICT (contact_id) DO NOTHING;
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER contacts_feedback_ended AFTER UPDATE OF status ON contacts FOR EACH ROW
        WHEN (NEW.status = 'ended' AND OLD.status IS DISTINCT FROM 'ended')
        EXECUTE FUNCTION feedback_capture_ended_contact();

      CREATE TABLE surveys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid CONSTRAINT surveys_contact_fk REFERENCES contacts (id) ON DELETE SET NULL,
        customer_id uuid CONSTRAINT surveys_customer_fk REFERENCES customers (id) ON DELETE SET NULL,
        channel text NOT NULL CONSTRAINT surveys_channel_fk REFERENCES channels (key),
        queue_id uuid CONSTRAINT surveys_queue_fk REFERENCES queues (id) ON DELETE SET NULL,
        agent_id uuid CONSTRAINT surveys_agent_fk REFERENCES agents (id) ON DELETE SET NULL,
        contact_ended_at timestamptz NOT NULL,
        token_hash text NOT NULL,
        invited_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        responded_at timestamptz,
        nps_score smallint,
        resolved_first_contact boolean,
        comment text,
        personal_data_erased_at timestamptz,
        CONSTRAINT surveys_contact_unique UNIQUE (contact_id),
        CONSTRAINT surveys_token_hash_unique UNIQUE (token_hash),
        CONSTRAINT surveys_nps_score_range CHECK (nps_score BETWEEN 0 AND 10),
        CONSTRAINT surveys_answer_complete CHECK ((responded_at IS NULL) = (nps_score IS NULL) AND (responded_at IS NULL) = (resolved_first_contact IS NULL)),
        CONSTRAINT surveys_comment_answered CHECK (comment IS NULL OR responded_at IS NOT NULL),
        CONSTRAINT surveys_expiry_after_invitation CHECK (expires_at > invited_at)
      );
      CREATE INDEX surveys_customer_invited_idx ON surveys (customer_id, invited_at);
      CREATE INDEX surveys_contact_ended_idx ON surveys (contact_ended_at);

      CREATE TABLE survey_invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        survey_id uuid NOT NULL CONSTRAINT survey_invitations_survey_fk REFERENCES surveys (id) ON DELETE CASCADE,
        idempotency_key text NOT NULL,
        medium text NOT NULL,
        status text NOT NULL,
        token text,
        attempts integer NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        lease_until timestamptz,
        last_error text,
        gateway text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT survey_invitations_survey_unique UNIQUE (survey_id),
        CONSTRAINT survey_invitations_idempotency_key_unique UNIQUE (idempotency_key),
        CONSTRAINT survey_invitations_medium_valid CHECK (medium IN ('sms', 'email')),
        CONSTRAINT survey_invitations_status_valid CHECK (status IN ('pending', 'sending', 'sent', 'rejected', 'cancelled', 'expired')),
        CONSTRAINT survey_invitations_sent_marker CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
        CONSTRAINT survey_invitations_token_while_open CHECK ((status IN ('pending', 'sending')) = (token IS NOT NULL)),
        CONSTRAINT survey_invitations_lease_while_sending CHECK ((status = 'sending') = (lease_until IS NOT NULL)),
        CONSTRAINT survey_invitations_attempts_non_negative CHECK (attempts >= 0)
      );
      CREATE INDEX survey_invitations_due_idx ON survey_invitations (next_attempt_at) WHERE status IN ('pending', 'sending');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE survey_invitations;
      DROP TABLE surveys;
      DROP TRIGGER contacts_feedback_ended ON contacts;
      DROP FUNCTION feedback_capture_ended_contact();
      DROP TABLE survey_candidates;
      DROP TABLE feedback_queue_rates;
      DROP TABLE feedback_settings;
    `);
  }
}
