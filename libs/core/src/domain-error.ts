/**
 * Typed domain errors with stable string codes. The API maps `kind` to an HTTP status in one
 * exception filter; the code and the message reach the client as problem+json.
 */
export type DomainErrorKind = 'not-found' | 'conflict' | 'unprocessable' | 'forbidden' | 'unauthenticated' | 'gone' | 'unavailable';

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
