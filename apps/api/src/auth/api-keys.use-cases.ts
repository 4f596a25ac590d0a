import { Injectable } from '@nestjs/common';
import { notFound } from '../../../../libs/core/src/domain-error.js';
import type { Role } from '../../../../libs/core/src/role.js';
import type { ApiKeyEntity } from '../../../../libs/persistence/src/entities/api-key.entity.js';
import { ApiKeyRepository } from '../../../../libs/persistence/src/repositories/api-key.repository.js';
import { ApiKeyCache } from './api-key-cache.js';
import { generateApiKey, hashApiKey, keyPrefix } from './api-key-secret.js';

@Injectable()
export class CreateApiKey {
  constructor(private readonly keys: ApiKeyRepository) {}

  /** Any role but agent: an agent key is bound to its agent when it is made (CreateAgentKey). */
  async execute(input: { name: string; role: Exclude<Role, 'agent'>; departmentId?: string }): Promise<{ key: ApiKeyEntity; secret: string }> {
    const secret = generateApiKey();
    const key = await this.keys.create({ name: input.name, role: input.role, keyHash: hashApiKey(secret), keyPrefix: keyPrefix(secret), departmentId: input.departmentId ?? null });
    return { key, secret };
  }
}

@Injectable()
export class ListApiKeys {
  constructor(private readonly keys: ApiKeyRepository) {}

  execute(): Promise<ApiKeyEntity[]> {
    return this.keys.list();
  }
}

@Injectable()
export class RevokeApiKey {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly cache: ApiKeyCache,
  ) {}

  async execute(id: string, now: Date): Promise<ApiKeyEntity> {
    const key = await this.keys.findById(id);
    if (!key) throw notFound('api_key', id);
    await this.keys.revoke(id, now);
    this.cache.forget(id);
    return (await this.keys.findById(id))!;
  }
}

/** Makes ADMIN_API_KEY a working admin key at every start; a changed value revokes the old one. */
@Injectable()
export class BootstrapAdminKey {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly cache: ApiKeyCache,
  ) {}

  async execute(secret: string, now: Date): Promise<void> {
    await this.keys.ensureBootstrapAdmin(hashApiKey(secret), keyPrefix(secret), now);
    this.cache.clear(); // an older bootstrap key may just have been revoked
  }
}
