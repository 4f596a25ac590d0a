import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotent hand-in of chats and emails (POST /v1/contacts with an `Idempotency-Key` header): each
 * key's first use, per API key, beside the contact it created and the fingerprint of its request
 * body (SHA-256 of the body's canonical JSON, libs/core idempotency.ts). Written in the same statement
 * or transaction as the contact (either routing engine), so a contact never exists without its key
 * nor a key without its contact (the foreign key). A key is remembered for 24 h: an older row is
 * ignored, replaced by a new first use, and deleted by the hourly clean-up (by created_at).
 */
export class ContactIdempotencyKeys1795640000000 implements MigrationInterface {
  name = 'ContactIdempotencyKeys1795640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contact_idempotency_keys (
        api_key_id uuid NOT NULL CONSTRAINT contact_idempotency_keys_api_key_fk REFERENCES api_keys (id) ON DELETE CASCADE,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        contact_id uuid NOT NULL CONSTRAINT contact_idempotency_keys_contact_fk REFERENCES contacts (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        CONSTRAINT contact_idempotency_keys_pkey PRIMARY KEY (api_key_id, idempotency_key),
        CONSTRAINT contact_idempotency_keys_contact_unique UNIQUE (contact_id),
        CONSTRAINT contact_idempotency_keys_key_valid CHECK (idempotency_key ~ '^[ -~]{1,255}$'),
        CONSTRAINT contact_idempotency_keys_hash_sha256 CHECK (request_hash ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE INDEX contact_idempotency_keys_created_idx ON contact_idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contact_idempotency_keys`);
  }
}
