import { Injectable } from '@nestjs/common';
import { DomainError } from '../../../../libs/core/src/domain-error.js';
import type { Role } from '../../../../libs/core/src/role.js';
import { ApiKeyRepository } from '../../../../libs/persistence/src/repositories/api-key.repository.js';
import type { Caller } from '../auth/api-key.guard.js';

/** Who acts: the API key's name and prefix (the audit log's actor) and the department it acts for. */
export interface Actor {
  actor: string;
  role: Role;
  keyId: string;
  /** null = every department. */
  departmentId: string | null;
}

/** The clock of planning (tests fix it). */
export abstract class PlanningClock {
  abstract now(): Date;
}
export class SystemPlanningClock extends PlanningClock {
  now(): Date {
    return new Date();
  }
}

@Injectable()
export class ResolveActor {
  constructor(private readonly keys: ApiKeyRepository) {}

  async execute(caller: Caller | undefined): Promise<Actor> {
    if (!caller) throw new DomainError('unauthenticated', 'auth.missing_key', 'Send an API key as "Authorization: Bearer <key>"');
    const key = await this.keys.findById(caller.keyId);
    if (!key) throw new DomainError('unauthenticated', 'auth.invalid_key', 'The API key is unknown or revoked');
    return { actor: `${key.name} [${key.keyPrefix}]`, role: caller.role, keyId: key.id, departmentId: key.departmentId ?? null };
  }
}
