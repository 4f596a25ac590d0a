import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A safety net for a lost `ended`: the longest a contact may stay in an agent's hands, per queue
 * (null = the channel's default: 4 h for a call or a chat, 24 h for an email). Past it, the routing
 * sweep ends the contact as if its end had been reported and releases the agent.
 */
export class MaxContactDuration1795590000000 implements MigrationInterface {
  name = 'MaxContactDuration1795590000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE queue_routing_settings
        ADD COLUMN max_contact_seconds integer,
        ADD CONSTRAINT queue_routing_settings_max_contact_range CHECK (max_contact_seconds IS NULL OR max_contact_seconds BETWEEN 300 AND 604800)
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE queue_routing_settings DROP COLUMN max_contact_seconds`);
  }
}
