import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A contact row is written three times in a call's life (routed, answered, ended), and each update
 * was a non-HOT update: PostgreSQL may keep a new row version on its page without touching the
 * indexes (a heap-only tuple) only when no column an index uses changes, and `status` was in
 * contacts_waiting_idx's predicate. So answering and ending a call each added an entry to all five
 * of the table's indexes (WAL of bench:routing: ~8 index insertions per contact for these updates).
 *
 * The waiting index is now partial on `waiting`, a stored generated column (`status = 'queued'`),
 * which changes only when a contact enters or leaves the queue. Fillfactor 70 leaves room on each
 * page for the new versions of the rows just inserted there (80 kept 68 % of the updates HOT in
 * bench:routing, 70 kept 82 %); the page's dead versions are pruned when it is next read.
 * Adding the stored column rewrites the table once (an exclusive lock for as long as that takes).
 *
 * TypeORM reads a generated column's expression from its own `typeorm_metadata` table (which its
 * migration runner creates when an entity has one), keyed by the database's name and schema: the
 * schema diff (migration:generate, the migrations spec) needs the row.
 */
export class ContactsHotUpdates1795520000000 implements MigrationInterface {
  name = 'ContactsHotUpdates1795520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE contacts ADD COLUMN waiting boolean GENERATED ALWAYS AS (status = 'queued') STORED NOT NULL;
      DROP INDEX contacts_waiting_idx;
      CREATE INDEX contacts_waiting_idx ON contacts (queue_id, arrived_at) WHERE waiting;
      ALTER TABLE contacts SET (fillfactor = 70);
      CREATE TABLE IF NOT EXISTS typeorm_metadata (
        "type" character varying NOT NULL, "database" character varying, "schema" character varying,
        "table" character varying, "name" character varying, "value" text
      );
      INSERT INTO typeorm_metadata ("database", "schema", "table", "type", "name", "value")
        VALUES (current_database(), current_schema(), 'contacts', 'GENERATED_COLUMN', 'waiting', 'status = ''queued''');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // typeorm_metadata stays: TypeORM's migration runner creates it itself before it runs or reverts a migration.
    await q.query(`
      DELETE FROM typeorm_metadata WHERE "type" = 'GENERATED_COLUMN' AND "table" = 'contacts' AND "name" = 'waiting';
      ALTER TABLE contacts RESET (fillfactor);
      DROP INDEX contacts_waiting_idx;
      CREATE INDEX contacts_waiting_idx ON contacts (queue_id, arrived_at) WHERE status = 'queued';
      ALTER TABLE contacts DROP COLUMN waiting;
    `);
  }
}
