import { Injectable } from '@nestjs/common';
import type { ApiKeyEntity } from '../../../../libs/persistence/src/entities/api-key.entity.js';

/** The active key row as the repository found it (the guard reads id, role and what else it needs). */
export type CachedApiKey = ApiKeyEntity;

/**
 * Active API keys by hash, remembered in this process for `TTL_MS` so that a request does not look
 * its key up in PostgreSQL every time (the routing hot path). Only keys found active are cached;
 * an unknown key is looked up every time. A revocation through this process's API evicts the key
 * at once (`forget`); another instance stops accepting it within `TTL_MS` (README, Configuration).
 */
@Injectable()
export class ApiKeyCache {
  static readonly TTL_MS = 10_000;
  private static readonly MAX_ENTRIES = 10_000;
  private readonly byHash = new Map<string, { key: CachedApiKey; until: number }>();

  get(hash: string, now = Date.now()): CachedApiKey | null {
    const hit = this.byHash.get(hash);
    if (!hit) return null;
    if (hit.until <= now) {
      this.byHash.delete(hash);
      return null;
    }
    return hit.key;
  }

  remember(hash: string, key: CachedApiKey, now = Date.now()): void {
    if (this.byHash.size >= ApiKeyCache.MAX_ENTRIES) this.byHash.clear();
    this.byHash.set(hash, { key, until: now + ApiKeyCache.TTL_MS });
  }

  /** Evicts a key by id (revoked through this process). */
  forget(id: string): void {
    for (const [hash, entry] of this.byHash) if (entry.key.id === id) this.byHash.delete(hash);
  }

  clear(): void {
    this.byHash.clear();
  }
}
