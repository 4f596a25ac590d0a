import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, type FieldViolation } from '../../../../libs/core/src/domain-error.js';

/** Flattens class-validator's nested errors into `field` paths such as `skills[0].proficiency`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldViolation[] {
  const out: FieldViolation[] = [];
  for (const error of errors) {
    const isIndex = /^\d+$/.test(error.property);
    const field = parent ? (isIndex ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      out.push({ field, rule: rule === 'whitelistValidation' ? 'forbidden' : rule, message: rule === 'whitelistValidation' ? `${field} is not an allowed field` : message });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** The one global pipe: strip nothing silently — unknown fields are errors; transform to DTO classes. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
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
