/**
 * A customer link (libs/routing customer-link.ts) applied to the tables, inside the caller's
 * transaction: the database engine after planning it on the rows it has just locked, the in-memory
 * engine's writer (one transaction for the group that carries it, before the group's statement).
 *
 * The unique constraints on `customers` (phone_number, external_ref) are checked row by row, so the
 * steps free a number before they give it: the merged customer's contacts and surveys move and its
 * row goes, the other reference's customer loses the number, and only then does the customer take
 * it. Each row involved is locked first and must still hold the identifiers the plan was made from:
 * one that an erasure or the retention job has blanked since (the in-memory engine plans before it
 * writes) is left as the erasure left it — a link never writes an erased number or reference back.
 */
import type { CustomerLinkPlan } from '../../routing/src/core/customer-link.js';
import type { CustomerRecord } from '../../routing/src/core/types.js';
import { rowsOf } from './query-rows.js';

/** What is used of a session or transaction: one statement at a time, its rows (TypeORM's pair for UPDATE is fine: not read). */
export interface CustomerLinkSession {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

interface IdentityRow {
  id: string;
  phone_number: string | null;
  external_ref: string | null;
}

/** The columns of a customer as CustomerRecord reads them (`customerRow`). */
export const CUSTOMER_RECORD_COLUMNS = 'id, phone_number, external_ref, last_agent_id, last_contact_at';

export function customerRow(r: Record<string, unknown>): CustomerRecord {
  const at = r.last_contact_at;
  return {
    id: r.id as string,
    phoneNumber: (r.phone_number as string | null) ?? null,
    externalRef: (r.external_ref as string | null) ?? null,
    lastAgentId: (r.last_agent_id as string | null) ?? null,
    lastContactAt: at === null || at === undefined ? null : at instanceof Date ? at : new Date(at as string),
  };
}

/**
 * Locks the customers of a reference and of a number (in id order, as every linker does, so two
 * links of the same pair wait for each other instead of deadlocking) and returns them.
 */
export async function lockCustomersOf(s: CustomerLinkSession, ref: string, phone: string): Promise<{ byRef: CustomerRecord | null; byPhone: CustomerRecord | null }> {
  const rows = rowsOf<Record<string, unknown>>(
    await s.query(`SELECT ${CUSTOMER_RECORD_COLUMNS} FROM customers WHERE external_ref = $1 OR phone_number = $2 ORDER BY id FOR UPDATE`, [ref, phone]),
  ).map(customerRow);
  return { byRef: rows.find((c) => c.externalRef === ref) ?? null, byPhone: rows.find((c) => c.phoneNumber === phone) ?? null };
}

/**
 * Applies `plan`; false when the customer was erased since it was planned (nothing changed then).
 * A row the plan names that is not in the table yet is one the same write inserts after this (the
 * in-memory engine's group): the customer is inserted here with the identifiers it had, the others
 * are left to that insert.
 */
export async function applyCustomerLink(s: CustomerLinkSession, plan: CustomerLinkPlan): Promise<boolean> {
  if (plan.outcome === 'unchanged') return true;
  const c = plan.customer;
  const ids = [c.id, plan.merged?.id, plan.numberTakenFrom?.id].filter((id): id is string => !!id);
  const rows = rowsOf<IdentityRow>(await s.query(`SELECT id, phone_number, external_ref FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]));
  const found = new Map(rows.map((r) => [r.id, r]));
  const holds = (r: IdentityRow | undefined, want: { phoneNumber: string | null; externalRef: string | null }): boolean =>
    r !== undefined && r.phone_number === want.phoneNumber && r.external_ref === want.externalRef;

  const current = found.get(c.id);
  if (current) {
    if (!plan.before || !holds(current, plan.before)) return false;
  } else {
    await s.query(`INSERT INTO customers (id, phone_number, external_ref) VALUES ($1, $2, $3)`, [c.id, plan.before?.phoneNumber ?? null, plan.before ? plan.before.externalRef : c.externalRef]);
  }
  if (plan.merged && holds(found.get(plan.merged.id), plan.merged)) {
    await s.query(`UPDATE contacts SET customer_id = $1 WHERE customer_id = $2`, [c.id, plan.merged.id]);
    await s.query(`UPDATE surveys SET customer_id = $1 WHERE customer_id = $2`, [c.id, plan.merged.id]);
    await s.query(`DELETE FROM customers WHERE id = $1`, [plan.merged.id]);
  }
  if (plan.numberTakenFrom && holds(found.get(plan.numberTakenFrom.id), plan.numberTakenFrom)) {
    await s.query(`UPDATE customers SET phone_number = NULL WHERE id = $1`, [plan.numberTakenFrom.id]);
  }
  await s.query(`UPDATE customers SET phone_number = $2, external_ref = $3, last_agent_id = $4, last_contact_at = $5 WHERE id = $1`, [
    c.id,
    c.phoneNumber,
    c.externalRef,
    c.lastAgentId,
    c.lastContactAt,
  ]);
  return true;
}
