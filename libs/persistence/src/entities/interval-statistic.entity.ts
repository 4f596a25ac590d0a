import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Per-queue, per-interval contact counts: the history that forecasting learns from. */
@Entity({ name: 'interval_statistics' })
export class IntervalStatisticEntity {
  @PrimaryColumn({ name: 'queue_id', type: 'uuid' })
  queueId: string;

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
