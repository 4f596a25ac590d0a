import { Check, Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { QueueEntity } from './queue.entity.js';

/** How the live engine treats one queue; a queue without a row uses the defaults of the engine. */
@Entity({ name: 'queue_routing_settings' })
@Check('queue_routing_settings_wrap_up_range', `wrap_up_seconds BETWEEN 0 AND 3600`)
@Check('queue_routing_settings_offer_timeout_range', `offer_timeout_seconds IS NULL OR offer_timeout_seconds BETWEEN 1 AND 3600`)
@Check('queue_routing_settings_callback_threshold_positive', `callback_threshold_seconds IS NULL OR callback_threshold_seconds > 0`)
@Check('queue_routing_settings_fallback_sip', `fallback_target IS NULL OR fallback_target ~ '^sips?:[^@[:space:]]+@[^[:space:]]+$'`)
@Check('queue_routing_settings_mean_handle_positive', `mean_handle_seconds > 0`)
@Check('queue_routing_settings_widening_array', `widening_steps IS NULL OR jsonb_typeof(widening_steps) = 'array'`)
@Check('queue_routing_settings_lent_delay_range', `lent_agent_delay_seconds IS NULL OR lent_agent_delay_seconds BETWEEN 0 AND 86400`)
@Check('queue_routing_settings_previous_agent_range', `previous_agent_preference_seconds IS NULL OR previous_agent_preference_seconds BETWEEN 0 AND 604800`)
@Check('queue_routing_settings_lookback_range', `previous_agent_lookback_days IS NULL OR previous_agent_lookback_days BETWEEN 1 AND 365`)
@Check('queue_routing_settings_blending_range', `email_blending_threshold_seconds IS NULL OR email_blending_threshold_seconds BETWEEN 0 AND 86400`)
@Check('queue_routing_settings_max_contact_range', `max_contact_seconds IS NULL OR max_contact_seconds BETWEEN 300 AND 604800`)
@Check('queue_routing_settings_poll_grace_range', `poll_grace_seconds IS NULL OR poll_grace_seconds BETWEEN 30 AND 3600`)
export class QueueRoutingSettingsEntity {
  @PrimaryColumn({ name: 'queue_id', type: 'uuid' })
  queueId: string;

  @OneToOne(() => QueueEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'queue_routing_settings_queue_fk' })
  queue?: Relation<QueueEntity>;

  @Column({ name: 'wrap_up_seconds', type: 'integer' })
  wrapUpSeconds: number;

  @Column({ name: 'offer_timeout_seconds', type: 'integer', nullable: true })
  offerTimeoutSeconds: number | null;

  @Column({ name: 'callback_threshold_seconds', type: 'integer', nullable: true })
  callbackThresholdSeconds: number | null;

  @Column({ name: 'fallback_target', type: 'text', nullable: true })
  fallbackTarget: string | null;

  @Column({ name: 'mean_handle_seconds', type: 'integer' })
  meanHandleSeconds: number;

  /** libs/routing WideningStep[]; null = the default steps, [] = no widening. */
  @Column({ name: 'widening_steps', type: 'jsonb', nullable: true })
  wideningSteps: unknown[] | null;

  @Column({ name: 'lent_agent_delay_seconds', type: 'integer', nullable: true })
  lentAgentDelaySeconds: number | null;

  @Column({ name: 'previous_agent_preference_seconds', type: 'integer', nullable: true })
  previousAgentPreferenceSeconds: number | null;

  @Column({ name: 'previous_agent_lookback_days', type: 'integer', nullable: true })
  previousAgentLookbackDays: number | null;

  @Column({ name: 'email_blending_threshold_seconds', type: 'integer', nullable: true })
  emailBlendingThresholdSeconds: number | null;

  /** The longest a contact stays in an agent's hands before the routing sweep ends it; null = the channel's default. */
  @Column({ name: 'max_contact_seconds', type: 'integer', nullable: true })
  maxContactSeconds: number | null;

  /** A phone queue's grace after a long poll's wait before a call that stopped polling is presumed gone; null = 30 s (libs/routing pollDueBy). */
  @Column({ name: 'poll_grace_seconds', type: 'integer', nullable: true })
  pollGraceSeconds: number | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
