import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { QueueEntity } from './queue.entity.js';

const numeric = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** The rest of a day re-forecast from the arrivals seen so far (intraday job); planning reads it instead of the week-ahead forecast. */
@Entity({ name: 'intraday_reforecasts' })
@Check('intraday_reforecasts_minutes_valid', `interval_minutes IN (15, 30, 60)`)
@Check('intraday_reforecasts_volume_range', `lower >= 0 AND lower <= volume AND volume <= upper`)
export class IntradayReforecastEntity {
  @PrimaryColumn({ name: 'queue_id', type: 'uuid' })
  queueId: string;

  @ManyToOne(() => QueueEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'intraday_reforecasts_queue_fk' })
  queue?: Relation<QueueEntity>;

  @PrimaryColumn({ name: 'interval_start', type: 'timestamptz' })
  intervalStart: Date;

  @Column({ name: 'interval_minutes', type: 'smallint' })
  intervalMinutes: number;

  @Column({ type: 'numeric', precision: 12, scale: 3, transformer: numeric })
  volume: number;

  @Column({ type: 'numeric', precision: 12, scale: 3, transformer: numeric })
  lower: number;

  @Column({ type: 'numeric', precision: 12, scale: 3, transformer: numeric })
  upper: number;

  @Column({ name: 'aht_seconds', type: 'numeric', precision: 8, scale: 2, nullable: true, transformer: numeric })
  ahtSeconds: number | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
