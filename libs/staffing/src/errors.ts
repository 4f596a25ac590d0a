/**
 * Input validation for the staffing maths. Every public function checks its arguments and throws a
 * {@link StaffingInputError} (a `RangeError`) whose message names the parameter and the rule it
 * broke, e.g. `ahtSeconds must be > 0`. Callers (the REST layer) can map `parameter` to a 4xx
 * error naming the field.
 */
export class StaffingInputError extends RangeError {
  override readonly name = 'StaffingInputError';

  constructor(
    /** The offending parameter, as named in the API (e.g. `ahtSeconds`, `queues[3].volumes[12]`). */
    readonly parameter: string,
    /** The rule it broke, e.g. `must be > 0`. */
    readonly rule: string,
  ) {
    super(`${parameter} ${rule}`);
  }
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value);
}

/** A finite number > 0. */
export function requirePositive(name: string, value: unknown): number {
  if (!isNumber(value) || !Number.isFinite(value) || value <= 0) {
    throw new StaffingInputError(name, 'must be a finite number > 0');
  }
  return value;
}

/** A finite number ≥ 0. */
export function requireNonNegative(name: string, value: unknown): number {
  if (!isNumber(value) || !Number.isFinite(value) || value < 0) {
    throw new StaffingInputError(name, 'must be a finite number >= 0');
  }
  return value;
}

/** An integer ≥ min. */
export function requireInteger(name: string, value: unknown, min = 0): number {
  if (!isNumber(value) || !Number.isInteger(value) || value < min) {
    throw new StaffingInputError(name, `must be an integer >= ${min}`);
  }
  return value;
}

/** A fraction in (0, 1] when `allowZero` is false, [0, 1] when true. */
export function requireFraction(name: string, value: unknown, allowZero = false): number {
  if (!isNumber(value) || value > 1 || value < 0 || (!allowZero && value === 0)) {
    throw new StaffingInputError(name, allowZero ? 'must be a fraction between 0 and 1' : 'must be a fraction > 0 and <= 1');
  }
  return value;
}

/** A fraction in [0, 1) — shrinkage, where 1 would mean nobody is ever available. */
export function requireShrinkage(name: string, value: unknown): number {
  if (!isNumber(value) || value < 0 || value >= 1) {
    throw new StaffingInputError(name, 'must be a fraction >= 0 and < 1');
  }
  return value;
}

/**
 * Arrivals are given either as a rate per second, or as contacts per interval plus the interval
 * length in seconds (the usual forecast unit: "100 calls per 30 minutes").
 */
export interface ArrivalInput {
  /** Mean arrival rate λ in contacts per second. */
  arrivalRatePerSecond?: number;
  /** Contacts expected in one interval (used together with `intervalSeconds`). */
  contactsPerInterval?: number;
  /** Interval length in seconds, e.g. 900 or 1800. */
  intervalSeconds?: number;
}

/** λ in contacts per second from either form of {@link ArrivalInput}. */
export function resolveArrivalRate(input: ArrivalInput): number {
  if (input.arrivalRatePerSecond !== undefined) {
    if (input.contactsPerInterval !== undefined) {
      throw new StaffingInputError('arrivalRatePerSecond', 'must not be given together with contactsPerInterval');
    }
    return requireNonNegative('arrivalRatePerSecond', input.arrivalRatePerSecond);
  }
  if (input.contactsPerInterval === undefined) {
    throw new StaffingInputError('arrivalRatePerSecond', 'or contactsPerInterval with intervalSeconds is required');
  }
  const contacts = requireNonNegative('contactsPerInterval', input.contactsPerInterval);
  const seconds = requirePositive('intervalSeconds', input.intervalSeconds);
  return contacts / seconds;
}

/** Every element a finite number ≥ 0; the error names the first bad element, e.g. `volumes[12]`. */
export function requireEachNonNegative(name: string, values: readonly unknown[]): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !(v >= 0) || v === Infinity) requireNonNegative(`${name}[${i}]`, v);
  }
}

/** Every element a finite number > 0. */
export function requireEachPositive(name: string, values: readonly unknown[]): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !(v > 0) || v === Infinity) requirePositive(`${name}[${i}]`, v);
  }
}

/** Every element a shrinkage fraction in [0, 1). */
export function requireEachShrinkage(name: string, values: readonly unknown[]): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) requireShrinkage(`${name}[${i}]`, v);
  }
}
