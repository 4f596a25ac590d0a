import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each queue's forecasting method, chosen once a day by a backtest (libs/forecasting
 * method-choice.ts) and kept here so every instance and every restart uses the same choice without
 * repeating the backtest. One row per queue: the latest choice, made on the history's stored
 * interval length (`interval_minutes`) and used for forecasts at every interval length. `choice` is the
 * MethodChoice (label, weights, the methods' backtest WAPEs); `chosen_on` the queue's local date.
 */
export class ForecastMethodChoices1795560000000 implements MigrationInterface {
  name = 'ForecastMethodChoices1795560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE forecast_method_choices (
        queue_id uuid NOT NULL CONSTRAINT forecast_method_choices_queue_fk REFERENCES queues (id) ON DELETE CASCADE,
        interval_minutes integer NOT NULL,
        chosen_on date NOT NULL,
        choice jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT forecast_method_choices_pk PRIMARY KEY (queue_id),
        CONSTRAINT forecast_method_choices_minutes_valid CHECK (interval_minutes BETWEEN 1 AND 1440),
        CONSTRAINT forecast_method_choices_choice_object CHECK (jsonb_typeof(choice) = 'object')
      )
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE forecast_method_choices');
  }
}
