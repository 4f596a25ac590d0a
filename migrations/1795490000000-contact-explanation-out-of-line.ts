import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A contact's explanation (~1.4–1.6 KB of jsonb: the rule, the step, the ranked and skipped agents)
 * is written once per routing decision, but the row around it is written again at every status
 * change (offered, answered, ended): two or three updates per call. Kept inline, each update copied
 * it into the new row version and into the WAL (the explanation was ~80 % of a phone contact's
 * ~1.8 KB row; contacts never get HOT updates, since `status` is in contacts_waiting_idx's
 * predicate). Stored out of line, an update copies an 18-byte pointer instead (the routing writer
 * keeps the stored value when the explanation has not changed).
 *
 * STORAGE EXTERNAL: out of line without compression (pglz gained little on these documents and cost
 * CPU on every insert); toast_tuple_target 512: rows above it move their explanation out, which
 * keeps a contact row at ~250–450 bytes. Applies to rows written from now on.
 */
export class ContactExplanationOutOfLine1795490000000 implements MigrationInterface {
  name = 'ContactExplanationOutOfLine1795490000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE contacts ALTER COLUMN explanation SET STORAGE EXTERNAL;
      ALTER TABLE contacts SET (toast_tuple_target = 512);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE contacts RESET (toast_tuple_target);
      ALTER TABLE contacts ALTER COLUMN explanation SET STORAGE EXTENDED;
    `);
  }
}
