/**
 * Idempotent requests (the `Idempotency-Key` header of Stripe and of the IETF httpapi draft): a client
 * that retries a request after a timeout or a dropped connection sends the same key again, and gets
 * what the first request created instead of a second one. Plain rules both routing engines share:
 * which header values are keys, the canonical form of a request body that tells a retry from a
 * different request, how long a key is remembered, and the answer to a key used again.
 */
import { createHash } from 'node:crypto';
import { unprocessable, DomainError, type FieldViolation } from './domain-error.js';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** How long a key is remembered after its first use: a retry within this window gets the first request's result, a later one is a new request. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600_000;

/** The longest key (Stripe's limit). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * Why a header value is not a key, or null when it is one (or there is none): 1–255 printable ASCII
 * characters (space to tilde). A UUID or any opaque token of the client's fits.
 */
export function idempotencyKeyViolation(value: string | undefined): FieldViolation | null {
  if (value === undefined) return null;
  if (value.length < 1 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    return { field: IDEMPOTENCY_KEY_HEADER, rule: 'length', message: `${IDEMPOTENCY_KEY_HEADER} must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} characters long (it has ${value.length})` };
  }
  if (!PRINTABLE_ASCII.test(value)) {
    return { field: IDEMPOTENCY_KEY_HEADER, rule: 'printableAscii', message: `${IDEMPOTENCY_KEY_HEADER} must consist of printable ASCII characters (space to ~)` };
  }
  return null;
}

/** The key of a header value, or a 422 naming the header and the rule it broke. */
export function idempotencyKeyOf(value: string | undefined): string | undefined {
  const violation = idempotencyKeyViolation(value);
  if (violation) throw unprocessable('validation.failed', `The ${IDEMPOTENCY_KEY_HEADER} header is invalid`, [violation]);
  return value;
}

/**
 * A JSON value in one canonical text: object members sorted by name, members whose value is null or
 * absent left out (an optional field sent as null means what leaving it out means), no white space.
 * Two bodies a client would consider the same request — members reordered, re-indented, an optional
 * field null instead of absent — have the same canonical form; any other difference shows.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const members = Object.keys(value as Record<string, unknown>)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined && (value as Record<string, unknown>)[k] !== null)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${members.join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

/** The fingerprint of a request body: SHA-256 (hex) of its canonical form. A retry has the fingerprint of its first use. */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** What a request with a key claims: the key, whose it is (the API key that sent it) and what it asks (fingerprint). */
export interface IdempotencyClaim {
  apiKeyId: string;
  key: string;
  requestHash: string;
}

/** A key's first use as it is stored, beside what it created. */
export interface IdempotencyKeyRecord extends IdempotencyClaim {
  contactId: string;
  createdAt: Date;
}

/** The earliest first use still remembered at `now`: records created before this are expired (a key used again then is new). */
export function idempotencyCutoff(now: Date, retentionMs = IDEMPOTENCY_RETENTION_MS): Date {
  return new Date(now.getTime() - retentionMs);
}

/** Whether a stored first use is still remembered at `now`. */
export function isLiveIdempotencyKey(record: Pick<IdempotencyKeyRecord, 'createdAt'>, now: Date, retentionMs = IDEMPOTENCY_RETENTION_MS): boolean {
  return record.createdAt.getTime() >= idempotencyCutoff(now, retentionMs).getTime();
}

/** The map key of a claim (API key and key: a key is the same key only for the same API key). */
export function idempotencyScope(c: Pick<IdempotencyClaim, 'apiKeyId' | 'key'>): string {
  return `${c.apiKeyId}\n${c.key}`;
}

/**
 * A request with a key whose first use is `first` (live, or null: none remembered): the id of the
 * contact to answer with when it is a retry, null when the request is to be carried out; a 422
 * `idempotency.key_reused` naming the first use when the same key came with another body.
 */
export function replayOf(first: IdempotencyKeyRecord | null | undefined, claim: IdempotencyClaim, now: Date): string | null {
  if (!first || !isLiveIdempotencyKey(first, now)) return null;
  if (first.requestHash !== claim.requestHash) throw idempotencyKeyReused(claim.key, first);
  return first.contactId;
}

/** The answer to a key used again with a different request body: its first use, and what that created. */
export function idempotencyKeyReused(key: string, first: Pick<IdempotencyKeyRecord, 'contactId' | 'createdAt'>): DomainError {
  const firstUsedAt = first.createdAt.toISOString();
  const message = `${IDEMPOTENCY_KEY_HEADER} ${JSON.stringify(key)} was first used at ${firstUsedAt} (contact ${first.contactId}) with a different request body; use a new key for a new request`;
  return new DomainError('unprocessable', 'idempotency.key_reused', message, [{ field: IDEMPOTENCY_KEY_HEADER, rule: 'sameRequest', message }], undefined, {
    firstUsedAt,
    contactId: first.contactId,
  });
}
