/**
 * Bad simulation input: a `RangeError` naming the offending field (e.g. `queues[2].volumes[7]`)
 * and the rule it broke, so an API layer can turn it into a 4xx error naming the field.
 */
export class SimulationInputError extends RangeError {
  override readonly name = 'SimulationInputError';

  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field} ${rule}`);
  }
}

export function requireFiniteAtLeast(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new SimulationInputError(field, `must be a finite number >= ${min}`);
  }
  return value;
}

export function requirePositive(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new SimulationInputError(field, 'must be a finite number > 0');
  }
  return value;
}

export function requireInteger(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new SimulationInputError(field, `must be an integer >= ${min}`);
  }
  return value;
}

export function requireDate(field: string, value: unknown): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new SimulationInputError(field, 'must be a valid Date');
  }
  return value;
}
