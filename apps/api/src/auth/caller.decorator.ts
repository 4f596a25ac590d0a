import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, Caller } from './api-key.guard.js';

/** The authenticated caller (API key id and role) set by the API-key guard. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller | undefined => ctx.switchToHttp().getRequest<AuthenticatedRequest>().caller);
