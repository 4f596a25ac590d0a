import { applyDecorators, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import { FIRST_SUPPORTED_YEAR, isSupportedLocalDate, LAST_SUPPORTED_YEAR } from '../../../../libs/calendar/src/local-date.js';
import { DomainError, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import { isCustomerPhoneNumber, isCustomerRef } from '../../../../libs/routing/src/core/customer-link.js';

/** class-validator's type rules and the JavaScript type each one takes (isArray first: an array's other rules may be about its elements). */
const TYPE_RULES: Record<string, (v: unknown) => boolean> = {
  isArray: (v) => Array.isArray(v),
  isInt: (v) => typeof v === 'number',
  isNumber: (v) => typeof v === 'number',
  isString: (v) => typeof v === 'string',
  isBoolean: (v) => typeof v === 'boolean',
};

/**
 * Rules about a query parameter's text (QueryInteger): one broken is the field's one violation, as
 * its type and range rules fail on the same text too (`waitSeconds=2&waitSeconds=3` broke isInt,
 * min and max at once). In this order: several values are not judged as text.
 */
const QUERY_TEXT_RULES = ['singleValue', 'decimalInteger'];

/** What a JSON value is, for a message that must not repeat the value itself. */
function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Flattens class-validator's nested errors into `field` paths such as `skills[0].proficiency`; an
 * absent required field is one `required`, and a value of the wrong type one type rule (`isInt`,
 * `isString`, …).
 */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldViolation[] {
  const out: FieldViolation[] = [];
  for (const error of errors) {
    const isIndex = /^\d+$/.test(error.property);
    const field = parent ? (isIndex ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    // A required field that is absent broke one rule, not its type and length checks as well.
    if (error.value === undefined && error.constraints && !('whitelistValidation' in error.constraints)) {
      out.push({ field, rule: 'required', message: `${field} is required` });
      continue;
    }
    const textRule = QUERY_TEXT_RULES.find((rule) => error.constraints?.[rule] !== undefined);
    if (textRule) {
      out.push({ field, rule: textRule, message: error.constraints![textRule] });
      continue;
    }
    // A value of the wrong JSON type ("500" for a number) broke its type rule only: the range and
    // length rules fail on it too ("must not be less than 1" and "not greater than 10000000" at once).
    // (An array's other type rules are `each` rules about its elements: those stay as they are.)
    const typeRule = Object.keys(TYPE_RULES).find((rule) => error.constraints?.[rule] !== undefined && (rule === 'isArray' || !Array.isArray(error.value)) && !TYPE_RULES[rule](error.value));
    if (typeRule) {
      out.push({ field, rule: typeRule, message: `${error.constraints![typeRule]} (got ${jsonKind(error.value)})` });
      continue;
    }
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      out.push({ field, rule: rule === 'whitelistValidation' ? 'forbidden' : rule, message: rule === 'whitelistValidation' ? `${field} is not an allowed field` : message });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

type BodyCheck = (body: Record<string, unknown>) => boolean;
const BODY_CHECKS = new Map<abstract new (...args: never[]) => unknown, BodyCheck>();

/**
 * Registers a quick check of a hot request body (the telephony and agent endpoints): a body it
 * accepts skips class-validator's metadata walk, which costs far more than the request's own work.
 * The check must accept only what the DTO's decorators accept — built from class-validator's own
 * functions and the DTO's field list; anything it does not accept is validated the usual way, so
 * errors (422 `validation.failed` naming field and rule) always come from class-validator.
 */
export function registerBodyCheck(dto: abstract new (...args: never[]) => unknown, check: BodyCheck): void {
  BODY_CHECKS.set(dto, check);
}

/** The quick check registered for a DTO (for tests). */
export function bodyCheckFor(dto: abstract new (...args: never[]) => unknown): BodyCheck | undefined {
  return BODY_CHECKS.get(dto);
}

/** Whether `body` has only the `allowed` keys (forbidNonWhitelisted). */
export function onlyKeys(body: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key of Object.keys(body)) if (!allowed.has(key)) return false;
  return true;
}

class HotBodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype as (abstract new (...args: never[]) => unknown) | undefined;
    const check = metadata.type === 'body' && metatype ? BODY_CHECKS.get(metatype) : undefined;
    if (check && value !== null && typeof value === 'object' && !Array.isArray(value) && check(value as Record<string, unknown>)) {
      return Object.assign(Object.create(metatype!.prototype as object) as object, value);
    }
    return super.transform(value, metadata);
  }
}

/** The one global pipe: strip nothing silently — unknown fields are errors; transform to DTO classes. */
export function createValidationPipe(): ValidationPipe {
  return new HotBodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // Values only tell an absent field from an invalid one (flattenValidationErrors); they never
    // reach the problem answer or a log.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
      const violations = flattenValidationErrors(errors);
      return new DomainError(
        'unprocessable',
        'validation.failed',
        `The request is invalid: ${violations.map((v) => `${v.field} (${v.rule})`).join(', ')}`,
        violations,
      );
    },
  });
}

/**
 * A customer's phone number in any spelling of a plausible number (libs/routing
 * isCustomerPhoneNumber: 3–20 digits, optionally after `+` or `00`, spaces, dashes, dots and
 * parentheses ignored); 422 rule `phoneNumber`. The use case stores and looks it up in its one form
 * (PhoneNumbers). The message never repeats the value: a number is personal data.
 */
export function IsCustomerPhoneNumber(): PropertyDecorator {
  return ValidateBy({
    name: 'phoneNumber',
    validator: {
      validate: (v: unknown) => isCustomerPhoneNumber(v),
      defaultMessage: (args) => `${args?.property} must be a phone number: 3–20 digits, optionally after a leading + or 00; spaces, dashes, dots and parentheses are ignored, nothing else is taken`,
    },
  });
}

/**
 * A gateway's customer reference (libs/routing isCustomerRef): 1–200 characters, and not of the
 * `erased:` form an erased customer's row keeps; 422 rule `customerRef`. The value is not repeated.
 */
export function IsCustomerRef(): PropertyDecorator {
  return ValidateBy({
    name: 'customerRef',
    validator: {
      validate: (v: unknown) => isCustomerRef(v),
      defaultMessage: (args) => `${args?.property} must be the gateway's customer reference, 1–200 characters, not starting with "erased:" (the placeholder of an erased customer)`,
    },
  });
}

/** A local date field: `YYYY-MM-DD`, a date that exists, in the supported years (isSupportedLocalDate); 422 rule `localDate`. */
export function IsLocalDate(): PropertyDecorator {
  return ValidateBy({
    name: 'localDate',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && isSupportedLocalDate(v),
      defaultMessage: (args) => `${args?.property} must be a date YYYY-MM-DD that exists, in ${FIRST_SUPPORTED_YEAR}–${LAST_SUPPORTED_YEAR}`,
    },
  });
}

/**
 * The last date of a range (`to`) is not before its first (`field`, by default `from`); 422 rule
 * `afterFrom`. Judged with the per-field rules, so one 422 names every problem of the query (a bad
 * `from` or `to` is their own rule's, and this one is then not judged). Use cases keep their own
 * check for callers that do not come through the pipe.
 */
export function NotBeforeDate(field = 'from'): PropertyDecorator {
  const reversed = (to: unknown, args?: ValidationArguments): boolean => {
    const from = (args?.object as Record<string, unknown> | undefined)?.[field];
    return typeof from === 'string' && typeof to === 'string' && isSupportedLocalDate(from) && isSupportedLocalDate(to) && to < from;
  };
  return ValidateBy({
    name: 'afterFrom',
    validator: {
      validate: (to: unknown, args?: ValidationArguments) => !reversed(to, args),
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'to'} must be on or after ${field}`,
    },
  });
}

/**
 * A wall-clock time field: `YYYY-MM-DDTHH:MM` on a date that exists, in the supported years; 422 rule
 * `localTimestamp`. No time zone is applied: it is for series read on their own wall clock (every day
 * 24 hours long), where a daylight-saving gap does not exist.
 */
export function IsLocalTimestamp(): PropertyDecorator {
  return ValidateBy({
    name: 'localTimestamp',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) && isSupportedLocalDate(v.slice(0, 10)) && Number(v.slice(11, 13)) < 24 && Number(v.slice(14, 16)) < 60,
      defaultMessage: (args) => `${args?.property} must be a wall-clock time YYYY-MM-DDTHH:MM on a date that exists (hours 00–23, minutes 00–59), in ${FIRST_SUPPORTED_YEAR}–${LAST_SUPPORTED_YEAR}`,
    },
  });
}

/** Plain decimal integer text: digits, optionally after a minus sign (then the @Min rule names the range). */
const DECIMAL_INTEGER = /^-?[0-9]+$/;

/**
 * An integer query parameter, read from its text: given once (422 rule `singleValue`), in decimal
 * digits (rule `decimalInteger`). `Number()` alone took `%205`, `1e1`, `0x2` and `` (as 5, 10, 2
 * and 0). Goes with `@IsInt()` (or `@IsIn` of whole numbers) and the range rules, which judge the
 * number; a broken text rule is the field's only violation (flattenValidationErrors).
 */
export function QueryInteger(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value)),
    ValidateBy({
      name: 'singleValue',
      validator: {
        validate: (v: unknown) => typeof v !== 'object' || v === null,
        defaultMessage: (args) => `${args?.property} must be given once, as a single value`,
      },
    }),
    ValidateBy({
      name: 'decimalInteger',
      validator: {
        validate: (v: unknown) => typeof v === 'number',
        defaultMessage: (args) => `${args?.property} must be a whole number in decimal digits, such as 5`,
      },
    }),
  );
}

/**
 * An instant as RFC 3339 writes it (the ISO 8601 profile of OpenAPI's `date-time`): a date, a time
 * to the second with an optional fraction, and `Z` or a UTC offset. ISO 8601 alone also takes a
 * time without a zone (local to whom?), week and ordinal dates and a date without a time.
 */
const INSTANT = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

const LONG_MONTHS = new Set([1, 3, 5, 7, 8, 10, 12]);

/**
 * Whether `v` is an instant (INSTANT) on a date that exists, in the supported years (as
 * isSupportedLocalDate). On the telephony hot path (every call event): one regular expression and
 * arithmetic, no Date.
 */
export function isInstant(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = INSTANT.exec(v);
  if (m === null) return false;
  const year = Number(m[1]);
  if (year < FIRST_SUPPORTED_YEAR || year > LAST_SUPPORTED_YEAR) return false;
  const day = Number(m[3]);
  if (day <= 28) return true;
  const month = Number(m[2]);
  if (month !== 2) return day <= 30 || LONG_MONTHS.has(month);
  return day === 29 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** An instant field (isInstant); 422 rule `instant`. */
export function IsInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'instant',
    validator: {
      validate: isInstant,
      defaultMessage: (args) =>
        `${args?.property} must be a date-time with Z or a UTC offset (2026-11-22T10:00:05.123Z, 2026-11-22T12:00:05+02:00) on a date that exists, in ${FIRST_SUPPORTED_YEAR}–${LAST_SUPPORTED_YEAR}`,
    },
  });
}
