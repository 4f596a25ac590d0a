import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A contact an agent sends to another queue starts a new segment there; the 'queued' event of that
 * segment keeps the old one (transferredFrom, fromArrivedAt, fromAnsweredInTarget), and a queue's
 * live statistics count the segments transferred out of it today from those events. This partial
 * index holds only those events, by time, so that read stays small however long the timeline grows.
 */
export class TransferredSegments1795530000000 implements MigrationInterface {
  name = 'TransferredSegments1795530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX contact_events_transferred_idx ON contact_events (at) WHERE type = 'queued' AND detail ->> 'transferredFrom' IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX contact_events_transferred_idx`);
  }
}
