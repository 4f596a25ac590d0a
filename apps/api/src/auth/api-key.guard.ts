import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../../../../libs/core/src/domain-error.js';
import type { Role } from '../../../../libs/core/src/role.js';
import { ApiKeyAuthenticator, mayCall, type Caller } from './api-key-authenticator.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';

export type { Caller } from './api-key-authenticator.js';

export type AuthenticatedRequest = Request & { caller?: Caller };

/**
 * Global guard: every operation needs `Authorization: Bearer <key>` unless marked @Public.
 * Active keys are cached in-process for ApiKeyCache.TTL_MS (revocation here evicts at once).
 * An operation without @Roles is admin-only, so a forgotten decorator fails closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = await this.authenticator.authenticate(request.headers.authorization);
    request.caller = caller;
    if (mayCall(caller, this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [])) return true;
    throw new DomainError('forbidden', 'auth.forbidden', `The role "${caller.role}" may not call this operation`);
  }
}
