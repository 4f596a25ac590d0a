import { Injectable } from '@nestjs/common';
import { DomainError } from '../../../../libs/core/src/domain-error.js';
import type { Role } from '../../../../libs/core/src/role.js';
import { ApiKeyRepository } from '../../../../libs/persistence/src/repositories/api-key.repository.js';
import { ApiKeyCache } from './api-key-cache.js';
import { hashApiKey } from './api-key-secret.js';

export interface Caller {
  keyId: string;
  role: Role;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Secrets whose hash is remembered (hashApiKey's SHA-256 was ~2 % of the routing thread, once per request). */
const MAX_HASHED = 1_000;

/**
 * Who is calling: `Authorization: Bearer <key>` → the active key's id and role. Used by the global
 * guard (every Nest route) and by the hot path (apps/api/src/http/hot-path.ts), so both read the
 * same cache and record last use the same way.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly lastTouched = new Map<string, number>();
  /**
   * The hash of each secret recently presented (a pure function of it, so never stale: whether the
   * key is active is still asked of the cache or PostgreSQL every time). Bounded: emptied when full.
   */
  private readonly hashes = new Map<string, string>();

  constructor(
    private readonly apiKeys: ApiKeyRepository,
    private readonly cache: ApiKeyCache,
  ) {}

  /** The caller of a header whose key is in the cache, or null (then `authenticate` must look it up). */
  cached(header: string | undefined): Caller | null {
    const match = header ? BEARER.exec(header) : null;
    if (!match) return null;
    const key = this.cache.get(this.hashOf(match[1]));
    if (!key) return null;
    this.touch(key.id);
    return { keyId: key.id, role: key.role };
  }

  /** The caller, looking the key up in PostgreSQL when it is not cached; 401 for a missing, unknown or revoked key. */
  async authenticate(header: string | undefined): Promise<Caller> {
    const match = BEARER.exec(header ?? '');
    if (!match) throw new DomainError('unauthenticated', 'auth.missing_key', 'Send an API key as "Authorization: Bearer <key>"');
    const hash = this.hashOf(match[1]);
    let key = this.cache.get(hash);
    if (!key) {
      key = await this.apiKeys.findActiveByHash(hash);
      if (key) this.cache.remember(hash, key);
    }
    if (!key) throw new DomainError('unauthenticated', 'auth.invalid_key', 'The API key is unknown or revoked');
    this.touch(key.id);
    return { keyId: key.id, role: key.role };
  }

  private hashOf(secret: string): string {
    let hash = this.hashes.get(secret);
    if (hash === undefined) {
      hash = hashApiKey(secret);
      if (this.hashes.size >= MAX_HASHED) this.hashes.clear();
      this.hashes.set(secret, hash);
    }
    return hash;
  }

  /** Records last use at most once a minute per key, without holding up the request. */
  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(id) ?? 0) < 60_000) return;
    this.lastTouched.set(id, now);
    this.apiKeys.touch(id, new Date(now)).catch(() => undefined);
  }
}

/** Whether `caller` may call an operation open to `allowed` (admin may call every operation). */
export function mayCall(caller: Caller, allowed: readonly Role[]): boolean {
  return caller.role === 'admin' || allowed.includes(caller.role);
}
