import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live routing engine: customers (for previous-agent routing), entry points (called number →
 * queue), per-queue routing settings, agent presence with per-channel loads, contacts with their
 * timeline, reservations (offers), and the binding of agent-role API keys to an agent.
 *
 * Invariants kept by PostgreSQL itself, whichever API instance writes:
 * - a contact has at most one live reservation (partial unique index), so it is never assigned twice;
 * - an agent's load never exceeds its capacity on any channel, and a call never shares an agent with
 *   a chat (checks on agent_presence);
 * - a phone contact's SIP Call-ID is unique, which makes routing decisions idempotent.
 */
export class RoutingEngine1795347945365 implements MigrationInterface {
  name = 'RoutingEngine1795347945365';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        phone_number text,
        external_ref text,
        last_agent_id uuid CONSTRAINT customers_last_agent_fk REFERENCES agents (id) ON DELETE SET NULL,
        last_contact_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT customers_phone_number_unique UNIQUE (phone_number),
        CONSTRAINT customers_external_ref_unique UNIQUE (external_ref),
        CONSTRAINT customers_identified CHECK (phone_number IS NOT NULL OR external_ref IS NOT NULL)
      );

      CREATE TABLE entry_points (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        called_number text NOT NULL,
        name text NOT NULL,
        queue_id uuid NOT NULL CONSTRAINT entry_points_queue_fk REFERENCES queues (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT entry_points_called_number_unique UNIQUE (called_number),
        CONSTRAINT entry_points_called_number_format CHECK (called_number ~ '^[+]?[0-9A-Za-z*#._-]{1,64}$')
      );
      CREATE INDEX entry_points_queue_idx ON entry_points (queue_id);

      CREATE TABLE queue_routing_settings (
        queue_id uuid PRIMARY KEY CONSTRAINT queue_routing_settings_queue_fk REFERENCES queues (id) ON DELETE CASCADE,
        wrap_up_seconds integer NOT NULL,
        offer_timeout_seconds integer,
        callback_threshold_seconds integer,
        fallback_target text,
        mean_handle_seconds integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT queue_routing_settings_wrap_up_range CHECK (wrap_up_seconds BETWEEN 0 AND 3600),
        CONSTRAINT queue_routing_settings_offer_timeout_range CHECK (offer_timeout_seconds IS NULL OR offer_timeout_seconds BETWEEN 1 AND 3600),
        CONSTRAINT queue_routing_settings_callback_threshold_positive CHECK (callback_threshold_seconds IS NULL OR callback_threshold_seconds > 0),
        CONSTRAINT queue_routing_settings_fallback_sip CHECK (fallback_target IS NULL OR fallback_target ~ '^sips?:[^@[:space:]]+@[^[:space:]]+$'),
        CONSTRAINT queue_routing_settings_mean_handle_positive CHECK (mean_handle_seconds > 0)
      );

      CREATE TABLE agent_presence (
        agent_id uuid PRIMARY KEY CONSTRAINT agent_presence_agent_fk REFERENCES agents (id) ON DELETE CASCADE,
        state text NOT NULL,
        break_reason text,
        phone_capacity smallint NOT NULL,
        chat_capacity smallint NOT NULL,
        email_capacity smallint NOT NULL,
        phone_load smallint NOT NULL,
        chat_load smallint NOT NULL,
        email_load smallint NOT NULL,
        state_since timestamptz NOT NULL,
        idle_since timestamptz NOT NULL,
        wrap_up_until timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT agent_presence_state_valid CHECK (state IN ('offline', 'available', 'reserved', 'busy', 'wrap-up', 'break', 'not-responding')),
        CONSTRAINT agent_presence_break_reason CHECK ((state = 'break') = (break_reason IS NOT NULL)),
        CONSTRAINT agent_presence_phone_load_range CHECK (phone_load >= 0 AND phone_load <= phone_capacity),
        CONSTRAINT agent_presence_chat_load_range CHECK (chat_load >= 0 AND chat_load <= chat_capacity),
        CONSTRAINT agent_presence_email_load_range CHECK (email_load >= 0 AND email_load <= email_capacity),
        CONSTRAINT agent_presence_call_excludes_chat CHECK (phone_load = 0 OR chat_load = 0),
        CONSTRAINT agent_presence_offline_empty CHECK (state <> 'offline' OR (phone_load = 0 AND chat_load = 0 AND email_load = 0))
      );

      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel text NOT NULL CONSTRAINT contacts_channel_fk REFERENCES channels (key),
        kind text NOT NULL,
        status text NOT NULL,
        queue_id uuid CONSTRAINT contacts_queue_fk REFERENCES queues (id) ON DELETE RESTRICT,
        call_id text,
        decision_id uuid NOT NULL,
        decision jsonb,
        customer_id uuid CONSTRAINT contacts_customer_fk REFERENCES customers (id) ON DELETE SET NULL,
        customer_ref text,
        caller_name text,
        called_number text,
        language text,
        subject text,
        arrived_at timestamptz NOT NULL,
        deadline timestamptz NOT NULL,
        priority_boost_seconds integer NOT NULL,
        previous_agent_id uuid CONSTRAINT contacts_previous_agent_fk REFERENCES agents (id) ON DELETE SET NULL,
        excluded_agent_ids uuid[] NOT NULL,
        offer_attempts integer NOT NULL,
        agent_id uuid CONSTRAINT contacts_agent_fk REFERENCES agents (id) ON DELETE SET NULL,
        answered_at timestamptz,
        ended_at timestamptz,
        end_reason text,
        explanation jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contacts_call_id_unique UNIQUE (call_id),
        CONSTRAINT contacts_kind_valid CHECK (kind IN ('inbound', 'callback')),
        CONSTRAINT contacts_status_valid CHECK (status IN ('queued', 'offered', 'connected', 'ended', 'abandoned', 'rejected', 'failed')),
        CONSTRAINT contacts_queue_unless_rejected CHECK (queue_id IS NOT NULL OR status = 'rejected'),
        CONSTRAINT contacts_phone_has_call_id CHECK (channel <> 'phone' OR call_id IS NOT NULL),
        CONSTRAINT contacts_offer_attempts_non_negative CHECK (offer_attempts >= 0)
      );
      CREATE INDEX contacts_waiting_idx ON contacts (queue_id, arrived_at) WHERE status = 'queued';
      CREATE INDEX contacts_queue_arrived_idx ON contacts (queue_id, arrived_at);
      CREATE INDEX contacts_customer_idx ON contacts (customer_id);

      CREATE TABLE contact_events (
        id bigserial PRIMARY KEY,
        contact_id uuid NOT NULL CONSTRAINT contact_events_contact_fk REFERENCES contacts (id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        type text NOT NULL,
        agent_id uuid,
        reservation_id uuid,
        detail jsonb,
        CONSTRAINT contact_events_type_valid CHECK (type IN ('queued', 'reserved', 'offered', 'accepted', 'rejected', 'timeout', 'answered',
          'ended', 'abandoned', 'failed', 'agent-failed', 'requeued', 'transferred', 'callback-requested', 'completed', 'decision-rejected'))
      );
      CREATE INDEX contact_events_contact_idx ON contact_events (contact_id, id);

      CREATE TABLE reservations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL CONSTRAINT reservations_contact_fk REFERENCES contacts (id) ON DELETE CASCADE,
        agent_id uuid NOT NULL CONSTRAINT reservations_agent_fk REFERENCES agents (id) ON DELETE CASCADE,
        channel text NOT NULL,
        status text NOT NULL,
        offered_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        resolved_at timestamptz,
        CONSTRAINT reservations_status_valid CHECK (status IN ('offered', 'accepted', 'completed', 'rejected', 'expired', 'cancelled', 'failed', 'transferred')),
        CONSTRAINT reservations_expiry_after_offer CHECK (expires_at > offered_at)
      );
      CREATE UNIQUE INDEX reservations_one_live_per_contact ON reservations (contact_id) WHERE status IN ('offered', 'accepted');
      CREATE INDEX reservations_expiring_idx ON reservations (expires_at) WHERE status = 'offered';
      CREATE INDEX reservations_agent_live_idx ON reservations (agent_id) WHERE status IN ('offered', 'accepted');

      CREATE TABLE api_key_agents (
        api_key_id uuid PRIMARY KEY CONSTRAINT api_key_agents_api_key_fk REFERENCES api_keys (id) ON DELETE CASCADE,
        agent_id uuid NOT NULL CONSTRAINT api_key_agents_agent_fk REFERENCES agents (id) ON DELETE CASCADE
      );
      CREATE INDEX api_key_agents_agent_idx ON api_key_agents (agent_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE api_key_agents;
      DROP TABLE reservations;
      DROP TABLE contact_events;
      DROP TABLE contacts;
      DROP TABLE agent_presence;
      DROP TABLE queue_routing_settings;
      DROP TABLE entry_points;
      DROP TABLE customers;
    `);
  }
}
