import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `reservations.delivered_at`: when a long poll told the telephony of a call offer (libs/routing
 * offerReachedTelephony). An offer made to a call after its first decision reaches the PBX only
 * through a poll; one that times out before any poll answered with it never rang, and its agent is
 * not marked not-responding for it. Null for every offer made before: those are taken as delivered
 * only if they were the call's first decision — an offer still out at the upgrade and never polled
 * for would time out without blame, which is what it deserved.
 */
export class OfferDelivery1795690000000 implements MigrationInterface {
  name = 'OfferDelivery1795690000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reservations ADD COLUMN delivered_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reservations DROP COLUMN delivered_at`);
  }
}
