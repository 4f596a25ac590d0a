import { Check, Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { QueueEntity } from './queue.entity.js';

/** How the live engine treats one queue; a queue without a row uses the defaults of the engine. */
@Entity({ name: 'queue_routing_settings' })
@Check('queue_routing_settings_wrap_up_range', `wrap_up_seconds BETWEEN 0 AND 3600`)
@Check('queue_routing_settings_offer_timeout_range', `offer_timeout_seconds IS NULL OR offer_timeout_seconds BETWEEN 1 AND 3600`)
@Check('queue_routing_settings_callback_threshold_positive', `callback_threshold_seconds IS NULL OR callback_threshold_seconds > 0`)
@Check('queue_routing_settings_fallback_sip', `fallback_target IS NULL OR fallback_target ~ '^sips?:[^@[:space:]]+@[^[:space:]]+$'`)
@Check('queue_routing_settings_mean_handle_positive', `mean_handle_seconds > 0`)
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

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
