import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A safety net for a lost `abandoned` of a waiting call: the time by which the telephony must poll
 * a call it has long-polled before the call is presumed gone (contacts.poll_due_by, null = never
 * polled; not indexed, so the batched updates that move it stay HOT — the routing sweep finds the
 * waiting calls through contacts_waiting_idx), and each phone queue's grace after a poll's wait
 * (queue_routing_settings.poll_grace_seconds, 30 s – 1 h, null = 30 s).
 */
export class LostAbandonSafetyNet1795600000000 implements MigrationInterface {
  name = 'LostAbandonSafetyNet1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts ADD COLUMN poll_due_by timestamptz`);
    await q.query(`
      ALTER TABLE queue_routing_settings
        ADD COLUMN poll_grace_seconds integer,
        ADD CONSTRAINT queue_routing_settings_poll_grace_range CHECK (poll_grace_seconds IS NULL OR poll_grace_seconds BETWEEN 30 AND 3600)
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE queue_routing_settings DROP COLUMN poll_grace_seconds`);
    await q.query(`ALTER TABLE contacts DROP COLUMN poll_due_by`);
  }
}
