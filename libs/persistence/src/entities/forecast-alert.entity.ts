import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { QueueEntity } from './queue.entity.js';

export const FORECAST_ALERT_KINDS = ['spike-high', 'spike-low'] as const;
export type ForecastAlertKind = (typeof FORECAST_ALERT_KINDS)[number];
export const FORECAST_ALERT_STATUSES = ['open', 'acknowledged'] as const;
export type ForecastAlertStatus = (typeof FORECAST_ALERT_STATUSES)[number];

/** numeric columns as numbers (pg returns numeric as text); null stays null. */
const nullableNumber = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** Today's arrivals left the prediction interval of the forecast: raised by the intraday job, one per queue, day and direction. */
@Entity({ name: 'forecast_alerts' })
@Unique('forecast_alerts_queue_day_kind_unique', ['queueId', 'localDate', 'kind'])
@Index('forecast_alerts_status_idx', ['status', 'startedAt'])
@Check('forecast_alerts_kind_valid', `kind IN ('spike-high', 'spike-low')`)
@Check('forecast_alerts_status_valid', `status IN ('open', 'acknowledged')`)
@Check('forecast_alerts_counts_non_negative', `observed >= 0 AND expected >= 0`)
@Check('forecast_alerts_sizes_non_negative', `observed_since_start >= 0 AND expected_since_start >= 0 AND day_forecast >= 0 AND day_projected >= 0`)
@Check('forecast_alerts_since_start_together', `(observed_since_start IS NULL) = (expected_since_start IS NULL)`)
@Check('forecast_alerts_day_together', `(day_forecast IS NULL) = (day_projected IS NULL)`)
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

  /** Start of the interval where the surge (or drop) began (libs/forecasting spikeOnset). */
  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  /** Arrivals observed so far today and what the forecast expected for the same intervals (at the last check). */
  @Column({ type: 'numeric', precision: 12, scale: 2, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  observed: number;

  @Column({ type: 'numeric', precision: 12, scale: 2, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  expected: number;

  /** Arrivals and the morning forecast from `startedAt` to the last check (null: raised before these were kept). */
  @Column({ name: 'observed_since_start', type: 'numeric', precision: 12, scale: 2, nullable: true, transformer: nullableNumber })
  observedSinceStart: number | null;

  @Column({ name: 'expected_since_start', type: 'numeric', precision: 12, scale: 2, nullable: true, transformer: nullableNumber })
  expectedSinceStart: number | null;

  /** The morning forecast of the whole day, and the arrivals so far plus the re-forecast rest of it (at the last check). */
  @Column({ name: 'day_forecast', type: 'numeric', precision: 12, scale: 2, nullable: true, transformer: nullableNumber })
  dayForecast: number | null;

  @Column({ name: 'day_projected', type: 'numeric', precision: 12, scale: 2, nullable: true, transformer: nullableNumber })
  dayProjected: number | null;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;
}
