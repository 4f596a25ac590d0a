/**
 * One customer across channels: a chat or email gateway (or the CRM) says that the customer of a
 * reference has a phone number, and the customer found by that reference and the one found by that
 * number (the caller of earlier calls) become one. Pure rules, shared by both routing engines: the
 * database engine applies the plan under row locks (libs/persistence customer-links.ts), the
 * in-memory core applies it to its state and hands it to the writer.
 *
 * A customer has at most one number (the column `customers.phone_number`, unique): the number a call
 * is matched by and a survey SMS goes to. The number given last wins:
 * - reference and number already on one customer: nothing changes;
 * - neither known: a new customer with both;
 * - only the reference known: its customer takes the number (replacing any other it had);
 * - only the number known, on a customer of calls alone (no reference): that customer takes the reference;
 * - both known on two customers, the number's one of calls alone: the two are merged — the
 *   reference's customer stays, takes the number and the more recent last agent, and the other's
 *   contacts and surveys move to it; the other row goes;
 * - the number known on the customer of ANOTHER reference: the number moves (that customer keeps
 *   its reference and history); two references are never merged — one row holds one reference, and a
 *   number shared or handed on (a household, a new subscriber) must not join two people's records.
 */
import type { CustomerRecord } from './types.js';
import { maxOf } from '../../../core/src/extremes.js';
import { isPlausiblePhoneNumber, normalisePhoneNumber } from '../../../core/src/phone-number.js';

/**
 * A customer's number as a request body gives it (a gateway's `phoneNumber`, an IVR's
 * `callbackNumber`, the CRM's, an erasure's): any spelling of a plausible number — `+358401234567`,
 * `0401234567`, `040 123 4567`, `+358 (0)40 123 4567`, `00358401234567` — which is stored and
 * looked up in its one form (libs/core normalisePhoneNumber), so that every spelling finds the same
 * customer as the SIP caller ID does. Anything else is refused (422 rule `phoneNumber`) rather than
 * stored to match nothing — and so are the `anonymous` or `unknown` a PBX sends for a withheld
 * number, which must never join every withheld caller to one customer.
 */
export function isCustomerPhoneNumber(v: unknown): v is string {
  return isPlausiblePhoneNumber(v);
}

/**
 * How a request body's number is documented (OpenAPI `pattern`): optional separators around an
 * optional `+` and 3–20 digits. The rule itself is isCustomerPhoneNumber (which also drops a `(0)`
 * and counts the digits of the number the spelling becomes).
 */
export const CUSTOMER_PHONE_NUMBER_PATTERN = '^[ .()-]*\\+?[ .()-]*([0-9][ .()-]*){3,20}$';

/** The stored form of a number isCustomerPhoneNumber accepted (`countryCode`: of a national number). */
export function customerPhoneNumber(v: string, countryCode: string): string {
  const n = normalisePhoneNumber(v, countryCode);
  if (n === null) throw new Error('customerPhoneNumber: not a plausible phone number (validate with isCustomerPhoneNumber first)');
  return n;
}

/**
 * The placeholder reference an erased customer keeps (`erased:<id>`: the row stays, so contacts stay
 * linked for aggregates). A gateway's reference must never take that form: handed in, it would find
 * the erased customer and join a new contact to its history.
 */
export const ERASED_REF_PREFIX = 'erased:';

/** A gateway's customer reference: 1–200 characters, not an erased customer's placeholder. */
export function isCustomerRef(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= 200 && !v.startsWith(ERASED_REF_PREFIX);
}

/**
 * The caller's number as a call's `callerId` gives it, or '' when it names no one: a withheld number
 * arrives as `anonymous`, `unknown`, `restricted`, `private` or empty (a SIP From of
 * `sip:anonymous@anonymous.invalid`, RFC 3323), and every such caller must not become one customer
 * whose last agent and history each of them inherits. A callerId with fewer than 3 digits is such a
 * marker; any other is kept as sent (callerNumber normalises those that are numbers first).
 */
export function identifiedCaller(callerId: string): string {
  let digits = 0;
  for (let i = 0; i < callerId.length && digits < 3; i++) {
    const c = callerId.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  return digits >= 3 ? callerId : '';
}

/**
 * The identity of a call's caller, as customers are found by it: a plausible number in its one form
 * (normalisePhoneNumber: `0401234567` from the IVR and `+358401234567` from the SIP trunk are the
 * same customer); otherwise as before — '' for a withheld number (identifiedCaller), anything else
 * (a SIP URI with letters) as sent.
 */
export function callerNumber(callerId: string, countryCode: string): string {
  return normalisePhoneNumber(callerId, countryCode) ?? identifiedCaller(callerId);
}

export type CustomerLinkOutcome = 'unchanged' | 'created' | 'linked' | 'merged';

/** A customer's identifiers as they were (what a plan expects to find in the table). */
export interface CustomerIdentity {
  id: string;
  phoneNumber: string | null;
  externalRef: string | null;
}

export interface CustomerLinkPlan {
  outcome: CustomerLinkOutcome;
  /** The customer of the reference and the number afterwards (last agent included). */
  customer: CustomerRecord;
  /** Its identifiers before; null when it is new. */
  before: CustomerIdentity | null;
  /** A customer of calls alone merged into it: its contacts and surveys move, its row goes. */
  merged: CustomerIdentity | null;
  /** The customer of another reference that held the number: it keeps its reference, not the number. */
  numberTakenFrom: CustomerIdentity | null;
  /** The reference's customer had another number, now dropped. */
  numberReplaced: boolean;
}

/** What linking a reference and a number did, as the API answers it (no number, no other customer named). */
export interface CustomerLinkResult {
  customerId: string;
  outcome: CustomerLinkOutcome;
}

export function linkResult(plan: CustomerLinkPlan): CustomerLinkResult {
  return { customerId: plan.customer.id, outcome: plan.outcome };
}

const identity = (c: CustomerRecord): CustomerIdentity => ({ id: c.id, phoneNumber: c.phoneNumber, externalRef: c.externalRef });

/**
 * The last agent of two customers becoming one: the more recent contact's agent. A contact whose
 * agent was deleted (last_agent_id set null) names nobody: then the other's agent, if any.
 */
export function moreRecentLastAgent(a: CustomerRecord, b: CustomerRecord): Pick<CustomerRecord, 'lastAgentId' | 'lastContactAt'> {
  const named = [a, b].filter((c) => c.lastAgentId !== null && c.lastContactAt !== null);
  if (named.length) {
    const best = named.reduce((x, y) => (y.lastContactAt!.getTime() > x.lastContactAt!.getTime() ? y : x));
    return { lastAgentId: best.lastAgentId, lastContactAt: best.lastContactAt };
  }
  const times = [a.lastContactAt, b.lastContactAt].filter((t): t is Date => t !== null);
  return { lastAgentId: null, lastContactAt: times.length ? new Date(maxOf(times.map((t) => t.getTime()))) : null };
}

/**
 * What linking `ref` and `phone` changes, given the customer found by each (null: none).
 * `newId` names a new customer (called only when one is made).
 */
export function planCustomerLink(byRef: CustomerRecord | null, byPhone: CustomerRecord | null, ref: string, phone: string, newId: () => string): CustomerLinkPlan {
  const none = { merged: null, numberTakenFrom: null, numberReplaced: false };
  if (byRef && byPhone && byRef.id === byPhone.id) return { outcome: 'unchanged', customer: byRef, before: identity(byRef), ...none };
  const fresh = (): CustomerRecord => ({ id: newId(), phoneNumber: phone, externalRef: ref, lastAgentId: null, lastContactAt: null });
  if (!byRef && !byPhone) return { outcome: 'created', customer: fresh(), before: null, ...none };
  if (!byRef) {
    const holder = byPhone!;
    if (holder.externalRef === null) return { outcome: 'linked', customer: { ...holder, externalRef: ref }, before: identity(holder), ...none };
    return { outcome: 'created', customer: fresh(), before: null, ...none, numberTakenFrom: identity(holder) };
  }
  const numberReplaced = byRef.phoneNumber !== null;
  if (!byPhone) return { outcome: 'linked', customer: { ...byRef, phoneNumber: phone }, before: identity(byRef), ...none, numberReplaced };
  if (byPhone.externalRef === null) {
    return {
      outcome: 'merged',
      customer: { ...byRef, phoneNumber: phone, ...moreRecentLastAgent(byRef, byPhone) },
      before: identity(byRef),
      merged: identity(byPhone),
      numberTakenFrom: null,
      numberReplaced,
    };
  }
  return { outcome: 'linked', customer: { ...byRef, phoneNumber: phone }, before: identity(byRef), merged: null, numberTakenFrom: identity(byPhone), numberReplaced };
}

/** A customer as it is stored (its created_at too): what the normalisation of stored numbers plans on. */
export interface StoredCustomer extends CustomerRecord {
  createdAt: Date;
}

/** How the customers whose stored numbers are spellings of one number become one holder of it. */
export interface NumberHolderPlan {
  /** The customer that holds the number in its one form afterwards (with the more recent last agent of those merged into it). */
  holder: CustomerRecord;
  /** Customers of calls alone merged into the holder: their contacts and surveys move to it, their rows go. */
  merged: string[];
  /** Customers of other references that had a spelling of the number: they keep their reference and history, not the number. */
  numberTakenFrom: string[];
}

/** Latest activity first (last contact, else when made), then the greater id: the customer a number was given to last. */
function moreRecentFirst(a: StoredCustomer, b: StoredCustomer): number {
  const at = (c: StoredCustomer) => (c.lastContactAt ?? c.createdAt).getTime();
  return at(b) - at(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * The customers whose stored numbers are spellings of `phone` (its one form), made one holder of it
 * by the rules of a link (planCustomerLink), since a number is one line whatever its spelling:
 * - the holder is a customer with a reference when there is one (the most recently active of them),
 *   else the one that already has the number in its one form, else the most recently active;
 * - every customer of calls alone (no reference) is merged into the holder — its contacts and
 *   surveys move, the more recent last agent stays — as a link merges the caller into the reference;
 * - another reference's customer keeps its reference and history and loses the number: two
 *   references are never merged (a shared or reassigned number must not join two people's records).
 */
export function planNumberHolder(members: readonly StoredCustomer[], phone: string): NumberHolderPlan {
  if (!members.length) throw new Error('planNumberHolder: no customer holds the number');
  const byRecency = [...members].sort(moreRecentFirst);
  const withRef = byRecency.filter((c) => c.externalRef !== null);
  const holder = withRef[0] ?? byRecency.find((c) => c.phoneNumber === phone) ?? byRecency[0];
  const merged = byRecency.filter((c) => c !== holder && c.externalRef === null);
  const lastAgent = merged.reduce<Pick<CustomerRecord, 'lastAgentId' | 'lastContactAt'>>(
    (acc, c) => moreRecentLastAgent({ ...holder, ...acc }, c),
    { lastAgentId: holder.lastAgentId, lastContactAt: holder.lastContactAt },
  );
  const { createdAt: _made, ...record } = holder;
  return {
    holder: { ...record, phoneNumber: phone, ...lastAgent },
    merged: merged.map((c) => c.id),
    numberTakenFrom: withRef.filter((c) => c !== holder).map((c) => c.id),
  };
}
