import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Role } from '../../../../libs/core/src/role.js';
import { ProblemDto } from '../common/problem-details.js';

export const ROLES_KEY = 'vuoro:roles';
export const PUBLIC_KEY = 'vuoro:public';

/** The roles that may call an operation (admin may call every operation). Documents 401/403 too. */
export function Roles(...roles: Role[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth('api-key'),
    ApiUnauthorizedResponse({ description: 'No valid API key (`Authorization: Bearer <key>`).', type: ProblemDto }),
    ApiForbiddenResponse({ description: `The key's role may not call this operation. Allowed: admin, ${roles.filter((r) => r !== 'admin').join(', ') || '(admin only)'}.`, type: ProblemDto }),
  );
}

/** Reachable without a key (health, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
