import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { QueueEntity } from './queue.entity.js';

export const FORECAST_ALERT_KINDS = ['spike-high', 'spike-low'] as const;
export type ForecastAlertKind = (typeof FORECAST_ALERT_KINDS)[number];
export const FORECAST_ALERT_STATUSES = ['open', 'acknowledged'] as const;
export type ForecastAlertStatus = (typeof FORECAST_ALERT_STATUSES)[number];

/** Today's arrivals left the prediction interval of the forecast: raised by the intraday job, one per queue, day and direction. */
@Entity({ name: 'forecast_alerts' })
@Unique('forecast_alerts_queue_day_kind_unique', ['queueId', 'localDate', 'kind'])
@Index('forecast_alerts_status_idx', ['status', 'startedAt'])
@Check('forecast_alerts_kind_valid', `kind IN ('spike-high', 'spike-low')`)
@Check('forecast_alerts_status_valid', `status IN ('open', 'acknowledged')`)
@Check('forecast_alerts_counts_non_negative', `observed >= 0 AND expected >= 0`)
@Check('forecast_alerts_acknowledged_consistent', `(status = 'acknowledged') = (acknowledged_at IS NOT NULL)`)
export class ForecastAlertEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'queue_id', type: 'uuid' })
  queueId: string;

  @ManyToOne(() => QueueEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'forecast_alerts_queue_fk' })
  queue?: Relation<QueueEntity>;

  /** The queue's local date of the spike. */
  @Column({ name: 'local_date', type: 'date' })
  localDate: string;

  @Column({ type: 'text' })
  kind: ForecastAlertKind;

  @Column({ type: 'text' })
  status: ForecastAlertStatus;

  /** Start of the first interval at which cumulative arrivals left the prediction interval. */
  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  /** Arrivals observed so far today and what the forecast expected for the same intervals (at the last check). */
  @Column({ type: 'numeric', precision: 12, scale: 2, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  observed: number;

  @Column({ type: 'numeric', precision: 12, scale: 2, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  expected: number;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;
}
