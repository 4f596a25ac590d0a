import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where the routing owner (ROUTING_ENGINE=memory) can be reached: the instance holding the routing
 * advisory lock writes its address and a fresh secret here when it takes over; the other instances
 * forward routing operations to that address with the secret (apps/api/src/routing/routing-forwarding.ts).
 * One row at most.
 */
export class RoutingOwner1795470000000 implements MigrationInterface {
  name = 'RoutingOwner1795470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE routing_owner (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        instance_id uuid NOT NULL,
        url text CHECK (url IS NULL OR url ~ '^https?://'),
        secret text NOT NULL CHECK (length(secret) >= 32),
        since timestamptz NOT NULL DEFAULT now()
      )
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE routing_owner');
  }
}
