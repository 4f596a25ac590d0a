import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../../../../libs/core/src/domain-error.js';
import type { Role } from '../../../../libs/core/src/role.js';
import { ApiKeyRepository } from '../../../../libs/persistence/src/repositories/api-key.repository.js';
import { ApiKeyCache } from './api-key-cache.js';
import { hashApiKey } from './api-key-secret.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';

export interface Caller {
  keyId: string;
  role: Role;
}

export type AuthenticatedRequest = Request & { caller?: Caller };

/**
 * Global guard: every operation needs `Authorization: Bearer <key>` unless marked @Public.
 * Active keys are cached in-process for ApiKeyCache.TTL_MS (revocation here evicts at once).
 * An operation without @Roles is admin-only, so a forgotten decorator fails closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private lastTouched = new Map<string, number>();

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyRepository,
    private readonly cache: ApiKeyCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new DomainError('unauthenticated', 'auth.missing_key', 'Send an API key as "Authorization: Bearer <key>"');
    }
    const hash = hashApiKey(match[1]);
    let key = this.cache.get(hash);
    if (!key) {
      key = await this.apiKeys.findActiveByHash(hash);
      if (key) this.cache.remember(hash, key);
    }
    if (!key) throw new DomainError('unauthenticated', 'auth.invalid_key', 'The API key is unknown or revoked');
    request.caller = { keyId: key.id, role: key.role };
    this.touch(key.id);

    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (key.role === 'admin' || allowed.includes(key.role)) return true;
    throw new DomainError('forbidden', 'auth.forbidden', `The role "${key.role}" may not call this operation`);
  }

  /** Records last use at most once a minute per key, without holding up the request. */
  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(id) ?? 0) < 60_000) return;
    this.lastTouched.set(id, now);
    this.apiKeys.touch(id, new Date(now)).catch(() => undefined);
  }
}
