import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_COUNTRY_CODE, isCountryCallingCode, normalisePhoneNumber } from '../libs/core/src/phone-number.js';
import { planNumberHolder, type StoredCustomer } from '../libs/routing/src/core/customer-link.js';

/** How many stored numbers one round of statements handles. */
const BATCH = 5000;

/**
 * Customers' numbers in their one form (libs/core normalisePhoneNumber). Until now a number was
 * stored as it came — a call's callerId as the trunk sent it, an IVR's callbackNumber as keyed in,
 * the CRM's as typed — so `0401234567` and `+358401234567` were two customers: the previous-agent
 * preference, repeat contacts and survey cooldowns split between them, and once every lookup
 * normalises, a row still holding `0401234567` could never be found by number again — not even by
 * an erasure by number, which would leave that person's number and history behind. So every stored
 * number that has another form is rewritten, and customers whose numbers turn out to be one number
 * become one customer, by the rules of a link (libs/routing planNumberHolder, as
 * PUT /v1/customers/{ref}/phone-number merges), in this migration's one transaction:
 * - a number no other customer holds in any spelling is rewritten in place;
 * - customers of calls alone (no reference) holding spellings of one number are merged into one
 *   holder — a customer with a reference if there is one, else the one already holding the number's
 *   form — their contacts and surveys moved to it, the more recent last agent kept, their rows
 *   deleted;
 * - two references are never merged (a shared or reassigned number must not join two people's
 *   records): the most recently active keeps the number, the others keep their reference and history
 *   without it, as when a link moves a number.
 * Numbers that are no plausible number (a SIP URI kept as the caller's identity) stay as they are,
 * and so does every row already in its form: only the other rows are read. One audit_log entry
 * records the counts (no number). National numbers take PHONE_DEFAULT_COUNTRY_CODE (default 358),
 * the same setting the service normalises with: set it before upgrading. An instance of the previous
 * version still routing on the same database meanwhile may hold a merged customer in memory; its
 * next write for it fails on the foreign key and is decided again, as after a concurrent link.
 *
 * `down` changes nothing: the spellings the numbers came in are not kept (they would be personal data
 * to erase besides), and merged customers stay merged. The previous version matches numbers byte for
 * byte, so after a revert a national callerId no longer finds the customer of its international form,
 * as before this migration.
 */
export class PhoneNumbersInOneForm1795660000000 implements MigrationInterface {
  name = 'PhoneNumbersInOneForm1795660000000';

  async up(q: QueryRunner): Promise<void> {
    const raw = process.env.PHONE_DEFAULT_COUNTRY_CODE?.trim() || DEFAULT_COUNTRY_CODE;
    const countryCode = raw.startsWith('+') ? raw.slice(1) : raw;
    if (!isCountryCallingCode(countryCode)) throw new Error('PHONE_DEFAULT_COUNTRY_CODE must be a country calling code: 1–3 digits, not starting with 0, e.g. 358');
    const candidates = (await q.query(`SELECT id FROM customers WHERE phone_number IS NOT NULL AND phone_number !~ '^[+][0-9]+$' ORDER BY id`)) as { id: string }[];
    // rewritten: numbers given their form (of the customers that hold them afterwards); merged: customers merged into another; numbersTakenFrom: references' customers left without the number.
    const counts = { rewritten: 0, merged: 0, numbersTakenFrom: 0 };
    for (let i = 0; i < candidates.length; i += BATCH) {
      const batch = await this.normaliseBatch(q, candidates.slice(i, i + BATCH).map((c) => c.id), countryCode);
      counts.rewritten += batch.rewritten;
      counts.merged += batch.merged;
      counts.numbersTakenFrom += batch.numbersTakenFrom;
    }
    if (counts.rewritten + counts.merged + counts.numbersTakenFrom === 0) return;
    await q.query(`INSERT INTO audit_log (at, actor, action, entity_type, entity_id, detail) VALUES (now(), 'system:migration', 'customer.phone-numbers-normalised', 'migration', $1, $2)`, [
      this.name,
      JSON.stringify({ ...counts, countryCode }),
    ]);
  }

  async down(): Promise<void> {
    // Nothing to undo (see above): the numbers stay in their one form.
  }

  /** One batch of customers whose numbers may have another form: with every customer holding those forms, locked, planned and rewritten set-wise. */
  private async normaliseBatch(q: QueryRunner, ids: string[], countryCode: string): Promise<{ rewritten: number; merged: number; numbersTakenFrom: number }> {
    const read = async (where: string, params: unknown[]): Promise<StoredCustomer[]> =>
      ((await q.query(`SELECT id, phone_number, external_ref, last_agent_id, last_contact_at, created_at FROM customers WHERE ${where} ORDER BY id FOR UPDATE`, params)) as Record<string, unknown>[]).map(stored);
    const forms = new Map<string, string>(); // id → the number's form, of the batch's rows that have another
    for (const c of await read(`id = ANY($1::uuid[])`, [ids])) {
      const form = c.phoneNumber === null ? null : normalisePhoneNumber(c.phoneNumber, countryCode);
      if (form !== null && form !== c.phoneNumber) forms.set(c.id, form);
    }
    if (!forms.size) return { rewritten: 0, merged: 0, numbersTakenFrom: 0 };
    const groups = new Map<string, StoredCustomer[]>();
    for (const c of await read(`id = ANY($1::uuid[]) OR phone_number = ANY($2::text[])`, [[...forms.keys()], [...new Set(forms.values())]])) {
      const form = forms.get(c.id) ?? c.phoneNumber!;
      groups.set(form, [...(groups.get(form) ?? []), c]);
    }
    const merges: { from: string; to: string }[] = [];
    const takenFrom: string[] = [];
    const holders: { id: string; phone: string; lastAgentId: string | null; lastContactAt: Date | null }[] = [];
    let rewritten = 0;
    for (const [phone, members] of groups) {
      const plan = planNumberHolder(members, phone);
      for (const from of plan.merged) merges.push({ from, to: plan.holder.id });
      takenFrom.push(...plan.numberTakenFrom);
      holders.push({ id: plan.holder.id, phone, lastAgentId: plan.holder.lastAgentId, lastContactAt: plan.holder.lastContactAt });
      if (members.find((c) => c.id === plan.holder.id)!.phoneNumber !== phone) rewritten++;
    }
    // A number is freed (its merged rows deleted, or cleared from another reference's customer) before it is given: the unique constraint is checked row by row.
    if (merges.length) {
      const from = merges.map((m) => m.from);
      const to = merges.map((m) => m.to);
      await q.query(`UPDATE contacts c SET customer_id = m.holder FROM unnest($1::uuid[], $2::uuid[]) AS m(merged, holder) WHERE c.customer_id = m.merged`, [from, to]);
      await q.query(`UPDATE surveys s SET customer_id = m.holder FROM unnest($1::uuid[], $2::uuid[]) AS m(merged, holder) WHERE s.customer_id = m.merged`, [from, to]);
      await q.query(`DELETE FROM customers WHERE id = ANY($1::uuid[])`, [from]);
    }
    if (takenFrom.length) await q.query(`UPDATE customers SET phone_number = NULL WHERE id = ANY($1::uuid[])`, [takenFrom]);
    await q.query(
      `UPDATE customers c SET phone_number = h.phone, last_agent_id = h.agent, last_contact_at = h.at
       FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[]) AS h(id, phone, agent, at) WHERE c.id = h.id`,
      [holders.map((h) => h.id), holders.map((h) => h.phone), holders.map((h) => h.lastAgentId), holders.map((h) => h.lastContactAt)],
    );
    return { rewritten, merged: merges.length, numbersTakenFrom: takenFrom.length };
  }
}

function stored(r: Record<string, unknown>): StoredCustomer {
  const date = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(v as string));
  return {
    id: r.id as string,
    phoneNumber: (r.phone_number as string | null) ?? null,
    externalRef: (r.external_ref as string | null) ?? null,
    lastAgentId: (r.last_agent_id as string | null) ?? null,
    lastContactAt: date(r.last_contact_at),
    createdAt: date(r.created_at)!,
  };
}
