import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A spike alert's size from where the spike began, and what it means for the day. `observed` /
 * `expected` stay the day so far; `observed_since_start` / `expected_since_start` are the arrivals
 * and the morning forecast from `started_at` on (the surge itself, not diluted by the normal morning
 * before it); `day_forecast` is the morning forecast of the whole day and `day_projected` the
 * arrivals so far plus the re-forecast rest of it. Alerts raised before this migration have none of
 * them (null).
 */
export class ForecastAlertSizes1795570000000 implements MigrationInterface {
  name = 'ForecastAlertSizes1795570000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE forecast_alerts
        ADD COLUMN observed_since_start numeric(12, 2),
        ADD COLUMN expected_since_start numeric(12, 2),
        ADD COLUMN day_forecast numeric(12, 2),
        ADD COLUMN day_projected numeric(12, 2),
        ADD CONSTRAINT forecast_alerts_sizes_non_negative CHECK (observed_since_start >= 0 AND expected_since_start >= 0 AND day_forecast >= 0 AND day_projected >= 0),
        ADD CONSTRAINT forecast_alerts_since_start_together CHECK ((observed_since_start IS NULL) = (expected_since_start IS NULL)),
        ADD CONSTRAINT forecast_alerts_day_together CHECK ((day_forecast IS NULL) = (day_projected IS NULL))
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE forecast_alerts
        DROP CONSTRAINT forecast_alerts_day_together,
        DROP CONSTRAINT forecast_alerts_since_start_together,
        DROP CONSTRAINT forecast_alerts_sizes_non_negative,
        DROP COLUMN day_projected,
        DROP COLUMN day_forecast,
        DROP COLUMN expected_since_start,
        DROP COLUMN observed_since_start
    `);
  }
}
