import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '../../../../libs/core/src/domain-error.js';

/** Parses a UUID path parameter; a malformed one is a 400 naming the parameter. */
export function uuidParam(name = 'id'): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      new DomainError('unprocessable', 'validation.failed', `${name} must be a UUID`, [{ field: name, rule: 'isUuid', message: `${name} must be a UUID` }]),
  });
}
