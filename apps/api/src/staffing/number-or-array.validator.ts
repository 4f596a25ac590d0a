import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

function inRange(v: unknown, min: number, max: number, exclusiveMin: boolean): boolean {
  return typeof v === 'number' && Number.isFinite(v) && (exclusiveMin ? v > min : v >= min) && v <= max;
}

/**
 * A number in range, or a non-empty array of numbers in range (one per interval); the message
 * names the first bad element. Rule name: `isNumberOrArray`.
 */
export function IsNumberOrArray(min: number, max: number, opts: { exclusiveMin?: boolean; maxLength: number }, options?: ValidationOptions): PropertyDecorator {
  const exclusive = opts.exclusiveMin ?? false;
  const range = `${exclusive ? '>' : '>='} ${min} and <= ${max}`;
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isNumberOrArray',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args: ValidationArguments) => {
          const v = args.value as unknown;
          if (Array.isArray(v)) {
            if (v.length === 0 || v.length > opts.maxLength) return `${args.property} must have 1 to ${opts.maxLength} elements`;
            const bad = v.findIndex((x) => !inRange(x, min, max, exclusive));
            return `${args.property}[${bad}] must be a number ${range}`;
          }
          return `${args.property} must be a number ${range}, or an array of such numbers (one per interval)`;
        },
        ...options,
      },
      validator: {
        validate: (v: unknown) =>
          Array.isArray(v) ? v.length > 0 && v.length <= opts.maxLength && v.every((x) => inRange(x, min, max, exclusive)) : inRange(v, min, max, exclusive),
      },
    });
}
