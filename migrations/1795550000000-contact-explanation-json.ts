import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A contact's explanation becomes `json` (text kept as written) instead of `jsonb`. It is written
 * once per routing decision and read back whole (GET /v1/contacts/{id}/explanation, the routing
 * owner's load); nothing queries into it. Parsing ~2.4 KB of JSON into jsonb's binary form cost
 * PostgreSQL ~50-100 µs per phone contact inserted (2,000 phone explanations: jsonb 169-290 ms,
 * json 76-83 ms, the same rows and table otherwise); `json` is only checked for being valid JSON.
 *
 * Changing the type rewrites the table (ACCESS EXCLUSIVE while it runs: about a second per
 * hundred thousand contacts on a small server). The new type starts with its default storage, so
 * EXTERNAL (out of line, uncompressed: ContactExplanationOutOfLine1795490000000) is set again.
 */
export class ContactExplanationJson1795550000000 implements MigrationInterface {
  name = 'ContactExplanationJson1795550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE contacts ALTER COLUMN explanation TYPE json USING explanation::json;
      ALTER TABLE contacts ALTER COLUMN explanation SET STORAGE EXTERNAL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE contacts ALTER COLUMN explanation TYPE jsonb USING explanation::jsonb;
      ALTER TABLE contacts ALTER COLUMN explanation SET STORAGE EXTERNAL;
    `);
  }
}
