/**
 * Typed domain errors with stable string codes. The API maps `kind` to an HTTP status in one
 * exception filter; the code and the message reach the client as problem+json.
 */
export type DomainErrorKind = 'not-found' | 'conflict' | 'unprocessable' | 'forbidden' | 'unauthenticated' | 'gone' | 'unavailable' | 'too-many-requests';

export interface FieldViolation {
  /** Dotted path of the offending field, e.g. `skills[0].proficiency`. */
  field: string;
  /** The rule it broke, e.g. `max`, `isIn`, `unique`. */
  rule: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly violations: FieldViolation[] = [],
    /** whole seconds after which a retry may succeed (an `unavailable` or `too-many-requests` error): the answer's Retry-After. */
    readonly retryAfterSeconds?: number,
    /** Members the problem+json answer carries besides the standard ones (RFC 9457 extension members), e.g. a closed queue's `opensAt`. */
    readonly extensions?: Readonly<Record<string, string | number | null>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (resource: string, id: string): DomainError =>
  new DomainError('not-found', `${resource}.not_found`, `${resource} ${id} does not exist`);

export const conflict = (code: string, message: string, violations: FieldViolation[] = []): DomainError =>
  new DomainError('conflict', code, message, violations);

export const unprocessable = (code: string, message: string, violations: FieldViolation[] = []): DomainError =>
  new DomainError('unprocessable', code, message, violations);

/** Capacity that is full now (a line of CPU-heavy work): 429 with Retry-After. */
export const tooManyRequests = (code: string, message: string, retryAfterSeconds: number): DomainError =>
  new DomainError('too-many-requests', code, message, [], retryAfterSeconds);

/** A service that could not answer now (a task that ran or waited past its limit): 503, with Retry-After when given. */
export const unavailable = (code: string, message: string, retryAfterSeconds?: number): DomainError =>
  new DomainError('unavailable', code, message, [], retryAfterSeconds);
