import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The policy's per-queue knobs become routing settings a supervisor sets (PUT
 * /v1/queues/{id}/routing-settings), each null for the engine's default: the widening steps (jsonb,
 * libs/routing WideningStep[]; [] = no widening), the delay before lent agents join the default
 * steps, how long the customer's previous agent is preferred and how far back that agent counts,
 * and the wait after which agents who could take a phone or chat contact get no emails (blending).
 */
export class QueueRoutingPolicy1795540000000 implements MigrationInterface {
  name = 'QueueRoutingPolicy1795540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE queue_routing_settings
        ADD COLUMN widening_steps jsonb,
        ADD COLUMN lent_agent_delay_seconds integer,
        ADD COLUMN previous_agent_preference_seconds integer,
        ADD COLUMN previous_agent_lookback_days integer,
        ADD COLUMN email_blending_threshold_seconds integer,
        ADD CONSTRAINT queue_routing_settings_widening_array CHECK (widening_steps IS NULL OR jsonb_typeof(widening_steps) = 'array'),
        ADD CONSTRAINT queue_routing_settings_lent_delay_range CHECK (lent_agent_delay_seconds IS NULL OR lent_agent_delay_seconds BETWEEN 0 AND 86400),
        ADD CONSTRAINT queue_routing_settings_previous_agent_range CHECK (previous_agent_preference_seconds IS NULL OR previous_agent_preference_seconds BETWEEN 0 AND 604800),
        ADD CONSTRAINT queue_routing_settings_lookback_range CHECK (previous_agent_lookback_days IS NULL OR previous_agent_lookback_days BETWEEN 1 AND 365),
        ADD CONSTRAINT queue_routing_settings_blending_range CHECK (email_blending_threshold_seconds IS NULL OR email_blending_threshold_seconds BETWEEN 0 AND 86400)
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE queue_routing_settings
        DROP COLUMN widening_steps, DROP COLUMN lent_agent_delay_seconds, DROP COLUMN previous_agent_preference_seconds,
        DROP COLUMN previous_agent_lookback_days, DROP COLUMN email_blending_threshold_seconds
    `);
  }
}
