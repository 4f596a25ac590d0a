import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Forecasting: spike alerts of the intraday job and the stored intraday re-forecasts. */
export class Forecasting1795392000000 implements MigrationInterface {
  name = 'Forecasting1795392000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE forecast_alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        queue_id uuid NOT NULL CONSTRAINT forecast_alerts_queue_fk REFERENCES queues (id) ON DELETE CASCADE,
        local_date date NOT NULL,
        kind text NOT NULL,
        status text NOT NULL,
        started_at timestamptz NOT NULL,
        observed numeric(12, 2) NOT NULL,
        expected numeric(12, 2) NOT NULL,
        detected_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        CONSTRAINT forecast_alerts_queue_day_kind_unique UNIQUE (queue_id, local_date, kind),
        CONSTRAINT forecast_alerts_kind_valid CHECK (kind IN ('spike-high', 'spike-low')),
        CONSTRAINT forecast_alerts_status_valid CHECK (status IN ('open', 'acknowledged')),
        CONSTRAINT forecast_alerts_counts_non_negative CHECK (observed >= 0 AND expected >= 0),
        CONSTRAINT forecast_alerts_acknowledged_consistent CHECK ((status = 'acknowledged') = (acknowledged_at IS NOT NULL))
      );
      CREATE INDEX forecast_alerts_status_idx ON forecast_alerts (status, started_at);

      CREATE TABLE intraday_reforecasts (
        queue_id uuid NOT NULL CONSTRAINT intraday_reforecasts_queue_fk REFERENCES queues (id) ON DELETE CASCADE,
        interval_start timestamptz NOT NULL,
        interval_minutes smallint NOT NULL,
        volume numeric(12, 3) NOT NULL,
        lower numeric(12, 3) NOT NULL,
        upper numeric(12, 3) NOT NULL,
        aht_seconds numeric(8, 2),
        created_at timestamptz NOT NULL,
        PRIMARY KEY (queue_id, interval_start),
        CONSTRAINT intraday_reforecasts_minutes_valid CHECK (interval_minutes IN (15, 30, 60)),
        CONSTRAINT intraday_reforecasts_volume_range CHECK (lower >= 0 AND lower <= volume AND volume <= upper)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE intraday_reforecasts;
      DROP TABLE forecast_alerts;
    `);
  }
}
