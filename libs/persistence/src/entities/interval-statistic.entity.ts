import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { QueueEntity } from './queue.entity.js';

/** Per-queue, per-interval contact counts: the history that forecasting learns from. */
@Entity({ name: 'interval_statistics' })
@Check('interval_statistics_minutes_valid', `interval_minutes IN (15, 30, 60)`)
@Check('interval_statistics_counts_non_negative', `offered >= 0 AND answered >= 0 AND abandoned >= 0 AND answered_within_target >= 0`)
@Check('interval_statistics_within_target_le_answered', `answered_within_target <= answered`)
@Check('interval_statistics_aht_positive', `aht_seconds IS NULL OR aht_seconds > 0`)
@Check('interval_statistics_source_valid', `source IN ('demo', 'import', 'routing')`)
export class IntervalStatisticEntity {
  @PrimaryColumn({ name: 'queue_id', type: 'uuid' })
  queueId: string;

  @ManyToOne(() => QueueEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'interval_statistics_queue_fk' })
  queue?: Relation<QueueEntity>;

  @PrimaryColumn({ name: 'interval_minutes', type: 'smallint' })
  intervalMinutes: number;

  @PrimaryColumn({ name: 'interval_start', type: 'timestamptz' })
  intervalStart: Date;

  @Column({ type: 'integer' })
  offered: number;

  @Column({ type: 'integer' })
  answered: number;

  @Column({ type: 'integer' })
  abandoned: number;

  @Column({ name: 'answered_within_target', type: 'integer' })
  answeredWithinTarget: number;

  @Column({ name: 'aht_seconds', type: 'numeric', precision: 8, scale: 2, nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  ahtSeconds: number | null;

  @Column({ type: 'text' })
  source: 'demo' | 'import' | 'routing';
}
