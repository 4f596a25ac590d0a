import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The raw `Idempotency-Key` request header (undefined when absent); the use case checks it
 * (libs/core idempotency.ts), so that an invalid key is answered 422 on the hot path too. Several
 * such headers arrive joined with ", " (Node's rule for unknown headers), which is then the key.
 */
export const IdempotencyKeyHeader = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<{ headers: IncomingHttpHeaders }>().headers['idempotency-key'];
  return Array.isArray(value) ? value.join(', ') : value;
});
