import { IsNull, type DataSource } from 'typeorm';
import { ApiKeyEntity } from '../entities/api-key.entity.js';

export abstract class ApiKeyRepository {
  abstract findActiveByHash(keyHash: string): Promise<ApiKeyEntity | null>;
  abstract list(): Promise<ApiKeyEntity[]>;
  abstract findById(id: string): Promise<ApiKeyEntity | null>;
  abstract create(key: Pick<ApiKeyEntity, 'name' | 'role' | 'keyHash' | 'keyPrefix'> & { departmentId?: string | null }): Promise<ApiKeyEntity>;
  abstract revoke(id: string, at: Date): Promise<void>;
  abstract touch(id: string, at: Date): Promise<void>;
  /** Makes `keyHash` the one active bootstrap admin key, revoking an older bootstrap key. Idempotent. */
  abstract ensureBootstrapAdmin(keyHash: string, keyPrefix: string, at: Date): Promise<void>;
}

export const BOOTSTRAP_ADMIN_KEY_NAME = 'bootstrap-admin (ADMIN_API_KEY)';

export class TypeOrmApiKeyRepository extends ApiKeyRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get repo() {
    return this.dataSource.getRepository(ApiKeyEntity);
  }

  findActiveByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.repo.findOneBy({ keyHash, revokedAt: IsNull() });
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.repo.find({ order: { createdAt: 'ASC' } });
  }

  findById(id: string): Promise<ApiKeyEntity | null> {
    return this.repo.findOneBy({ id });
  }

  create(key: Pick<ApiKeyEntity, 'name' | 'role' | 'keyHash' | 'keyPrefix'> & { departmentId?: string | null }): Promise<ApiKeyEntity> {
    return this.repo.save(this.repo.create(key));
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.repo.update({ id, revokedAt: IsNull() }, { revokedAt: at });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }

  async ensureBootstrapAdmin(keyHash: string, keyPrefix: string, at: Date): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(ApiKeyEntity);
      const existing = await repo.findOneBy({ keyHash });
      if (existing) {
        if (existing.revokedAt) await repo.update({ id: existing.id }, { revokedAt: null });
      } else {
        await repo.save(repo.create({ name: BOOTSTRAP_ADMIN_KEY_NAME, role: 'admin', keyHash, keyPrefix }));
      }
      await tx
        .createQueryBuilder()
        .update(ApiKeyEntity)
        .set({ revokedAt: at })
        .where('name = :name AND key_hash <> :keyHash AND revoked_at IS NULL', { name: BOOTSTRAP_ADMIN_KEY_NAME, keyHash })
        .execute();
    });
  }
}
