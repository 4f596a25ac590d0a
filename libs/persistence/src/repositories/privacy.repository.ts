import type { DataSource, EntityManager } from 'typeorm';
import { isUuid } from '../../../core/src/ids.js';
import { runExclusively } from '../job-lock.js';
import { ERASED_REF_PREFIX } from '../../../routing/src/core/customer-link.js';

/** What an erasure or a retention run removed (counts only: this goes to the audit log). */
export interface ErasureCounts {
  contacts: number;
  surveys: number;
  invitationsCancelled: number;
  customers: number;
  /** Idempotency-Key records of the erased contacts (a gateway's key and a hash of its request body), deleted. */
  idempotencyKeys: number;
}

/** An erasure's counts, and the contacts whose Idempotency-Key records it deleted (for the in-memory routing engine to forget them too; never logged or answered). */
export interface Erasure {
  counts: ErasureCounts;
  keysDeletedOf: string[];
}

/** One line of the audit log as read back (`detail`: counts only, no personal data). */
export interface AuditRecord {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  detail: Record<string, unknown>;
}

/** The audit entity type of a retention run (its entity id is the run's instant). */
export const RETENTION_RUN_ENTITY = 'retention-run';

type Raw = Record<string, unknown>;

/** One identifier of a customer to erase. */
export type CustomerIdentifier = { phoneNumber: string } | { customerRef: string } | { customerId: string };

async function run(m: EntityManager | DataSource, sql: string, params: unknown[] = []): Promise<{ rows: Raw[]; count: number }> {
  const r = (await m.query(sql, params)) as unknown;
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') return { rows: r[0] as Raw[], count: r[1] };
  return { rows: r as Raw[], count: (r as Raw[]).length };
}


/**
 * Erasure and retention of customers' personal data: the caller number and gateway reference
 * (customers), the caller name, customer reference and subject (contacts) and free-text comments
 * (surveys). Scores, channels, queues, agents and times stay, and so do the links between a
 * customer's contacts (the customer row is kept with its identifiers removed), so every aggregate
 * — NPS, FCR, repeat contacts — is the same before and after.
 */
export abstract class PrivacyRepository {
  /** A customer by id or by the gateway's reference; null when there is none (or it was erased). */
  abstract findCustomerId(refOrId: string): Promise<string | null>;
  /** A customer by exactly one identifier: the number it calls from, the gateway's reference or its id; null when none (or erased). */
  abstract findCustomerIdBy(by: CustomerIdentifier): Promise<string | null>;
  abstract eraseCustomer(customerId: string, actor: string, now: Date): Promise<Erasure>;
  /**
   * Removes personal data of everything that ended before `cutoff`: finished contacts' names,
   * references and subjects, comments answered before it, and the number and reference of every
   * customer with no contact since (answered or not — an unanswered call yesterday keeps its caller
   * a current customer — and none still open; one never answered: whose record is older).
   */
  abstract applyRetention(cutoff: Date, retentionDays: number, actor: string, now: Date): Promise<Erasure>;
  /** The retention runs' audit lines that happened in [from, to) (either end open when null), oldest first, a page at a time. */
  abstract retentionRuns(filter: { from: Date | null; to: Date | null; limit: number; offset: number }): Promise<{ items: AuditRecord[]; total: number }>;
  abstract runExclusively<T>(key: number, fn: () => Promise<T>): Promise<T | null>;
}

export class TypeOrmPrivacyRepository extends PrivacyRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async findCustomerId(refOrId: string): Promise<string | null> {
    if (refOrId.startsWith(ERASED_REF_PREFIX)) return null;
    const { rows } = isUuid(refOrId)
      ? await run(this.dataSource, `SELECT id FROM customers WHERE id = $1 OR external_ref = $2`, [refOrId, refOrId])
      : await run(this.dataSource, `SELECT id FROM customers WHERE external_ref = $1`, [refOrId]);
    return (rows[0]?.id as string | undefined) ?? null;
  }

  async findCustomerIdBy(by: CustomerIdentifier): Promise<string | null> {
    const [column, value] =
      'phoneNumber' in by ? ['phone_number', by.phoneNumber] : 'customerRef' in by ? ['external_ref', by.customerRef] : ['id', by.customerId];
    // An erased customer keeps neither number nor reference: only its id still finds it (erasing again changes nothing).
    if (column === 'external_ref' && value.startsWith(ERASED_REF_PREFIX)) return null;
    const { rows } = await run(this.dataSource, `SELECT id FROM customers WHERE ${column} = $1`, [value]);
    return (rows[0]?.id as string | undefined) ?? null;
  }

  eraseCustomer(customerId: string, actor: string, now: Date): Promise<Erasure> {
    return this.dataSource.transaction(async (m) => {
      await run(m, `SELECT id FROM customers WHERE id = $1 FOR UPDATE`, [customerId]);
      // The first uses of Idempotency-Keys of the customer's contacts: a gateway's key (its message id
      // may name the sender) and a hash of a body that held the reference, subject and number.
      const keys = await run(
        m,
        `DELETE FROM contact_idempotency_keys k USING contacts c WHERE c.id = k.contact_id AND c.customer_id = $1 RETURNING k.contact_id AS "contactId"`,
        [customerId],
      );
      const contacts = (
        await run(
          m,
          `UPDATE contacts SET customer_ref = NULL, caller_name = NULL, subject = NULL
           WHERE customer_id = $1 AND (customer_ref IS NOT NULL OR caller_name IS NOT NULL OR subject IS NOT NULL)`,
          [customerId],
        )
      ).count;
      const surveys = (await run(m, `UPDATE surveys SET comment = NULL, personal_data_erased_at = $2 WHERE customer_id = $1 AND personal_data_erased_at IS NULL`, [customerId, now])).count;
      const invitationsCancelled = (
        await run(
          m,
          `UPDATE survey_invitations i SET status = 'cancelled', token = NULL, lease_until = NULL, last_error = 'personal data erased', updated_at = $2
           FROM surveys s WHERE s.id = i.survey_id AND s.customer_id = $1 AND i.status IN ('pending', 'sending')`,
          [customerId, now],
        )
      ).count;
      const customers = (
        await run(m, `UPDATE customers SET phone_number = NULL, external_ref = '${ERASED_REF_PREFIX}' || id::text WHERE id = $1 AND (phone_number IS NOT NULL OR external_ref NOT LIKE '${ERASED_REF_PREFIX}%')`, [customerId])
      ).count;
      const keysDeletedOf = keys.rows.map((r) => r.contactId as string);
      const counts = { contacts, surveys, invitationsCancelled, customers, idempotencyKeys: keysDeletedOf.length };
      await run(m, `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, detail) VALUES ($1, $2, 'customer.personal-data-erased', 'customer', $3, $4)`, [
        now,
        actor,
        customerId,
        JSON.stringify(counts),
      ]);
      return { counts, keysDeletedOf };
    });
  }

  applyRetention(cutoff: Date, retentionDays: number, actor: string, now: Date): Promise<Erasure> {
    return this.dataSource.transaction(async (m) => {
      // A customer is inactive when nothing of theirs is recent: not the last answered contact
      // (last_contact_at, which only an agent's answer sets; the record's creation before any) and not
      // any contact at all — a call abandoned or never answered yesterday is a contact too, and so is
      // one still open (contacts_customer_idx).
      const stale = `SELECT cu.id FROM customers cu
        WHERE COALESCE(cu.last_contact_at, cu.created_at) < $1
          AND (cu.phone_number IS NOT NULL OR cu.external_ref NOT LIKE '${ERASED_REF_PREFIX}%')
          AND NOT EXISTS (
            SELECT 1 FROM contacts c WHERE c.customer_id = cu.id
              AND (c.arrived_at >= $1 OR c.ended_at >= $1 OR c.status NOT IN ('ended', 'abandoned', 'rejected', 'failed')))`;
      // The Idempotency-Key records of the contacts this run erases and of the customers it forgets
      // (read before their identifiers are blanked below).
      const keys = await run(
        m,
        `DELETE FROM contact_idempotency_keys k USING contacts c WHERE c.id = k.contact_id
           AND ((c.status IN ('ended', 'abandoned', 'rejected', 'failed') AND COALESCE(c.ended_at, c.arrived_at) < $1) OR c.customer_id IN (${stale}))
         RETURNING k.contact_id AS "contactId"`,
        [cutoff],
      );
      const contacts = (
        await run(
          m,
          `UPDATE contacts SET customer_ref = NULL, caller_name = NULL, subject = NULL
           WHERE status IN ('ended', 'abandoned', 'rejected', 'failed') AND COALESCE(ended_at, arrived_at) < $1
             AND (customer_ref IS NOT NULL OR caller_name IS NOT NULL OR subject IS NOT NULL)`,
          [cutoff],
        )
      ).count;
      const surveys = (
        await run(m, `UPDATE surveys SET comment = NULL, personal_data_erased_at = $2 WHERE comment IS NOT NULL AND responded_at < $1`, [cutoff, now])
      ).count;
      const invitationsCancelled = (
        await run(
          m,
          `UPDATE survey_invitations i SET status = 'cancelled', token = NULL, lease_until = NULL, last_error = 'personal data retention', updated_at = $2
           FROM surveys s WHERE s.id = i.survey_id AND i.status IN ('pending', 'sending') AND s.customer_id IN (${stale})`,
          [cutoff, now],
        )
      ).count;
      const customers = (await run(m, `UPDATE customers SET phone_number = NULL, external_ref = '${ERASED_REF_PREFIX}' || id::text WHERE id IN (${stale})`, [cutoff])).count;
      const keysDeletedOf = keys.rows.map((r) => r.contactId as string);
      const counts = { contacts, surveys, invitationsCancelled, customers, idempotencyKeys: keysDeletedOf.length };
      await run(m, `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, detail) VALUES ($1, $2, 'personal-data.retention', '${RETENTION_RUN_ENTITY}', $3, $4)`, [
        now,
        actor,
        now.toISOString(),
        JSON.stringify({ ...counts, retentionDays, cutoff: cutoff.toISOString() }),
      ]);
      return { counts, keysDeletedOf };
    });
  }

  async retentionRuns(f: { from: Date | null; to: Date | null; limit: number; offset: number }): Promise<{ items: AuditRecord[]; total: number }> {
    // audit_log_entity_idx (entity_type, entity_id, at): one run a day, so the type alone is few rows
    const where = `WHERE entity_type = '${RETENTION_RUN_ENTITY}' AND ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)`;
    const { rows } = await run(
      this.dataSource,
      `SELECT id::text, at, actor, action, entity_type, entity_id, detail FROM audit_log ${where} ORDER BY at, id LIMIT $3 OFFSET $4`,
      [f.from, f.to, f.limit, f.offset],
    );
    // counted apart: a page past the end still says how many there are
    const { rows: count } = await run(this.dataSource, `SELECT count(*)::int AS n FROM audit_log ${where}`, [f.from, f.to]);
    return {
      total: Number(count[0].n),
      items: rows.map((r) => ({
        id: r.id as string,
        at: r.at instanceof Date ? r.at : new Date(r.at as string),
        actor: r.actor as string,
        action: r.action as string,
        entityType: r.entity_type as string,
        entityId: r.entity_id as string,
        detail: r.detail as Record<string, unknown>,
      })),
    };
  }

  runExclusively<T>(key: number, fn: () => Promise<T>): Promise<T | null> {
    return runExclusively(this.dataSource, key, fn);
  }
}
