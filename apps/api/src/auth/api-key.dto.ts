import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ROLES, type Role } from '../../../../libs/core/src/role.js';
import type { ApiKeyEntity } from '../../../../libs/persistence/src/entities/api-key.entity.js';

/** The roles POST /v1/api-keys makes keys for: every role but `agent`, whose keys are bound to an agent (POST /v1/agents/{id}/api-keys). */
export const API_KEY_ROLES = ROLES.filter((r): r is Exclude<Role, 'agent'> => r !== 'agent');

export class CreateApiKeyDto {
  @ApiProperty({ example: 'kamailio-edge-1', description: 'Who uses the key (a system or a person\'s role, not a personal name).' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({
    enum: API_KEY_ROLES,
    example: 'telephony',
    description:
      'Not `agent`: an agent key acts only for its agent, so it is made bound to one with POST /v1/agents/{id}/api-keys (here 422, rule isIn — an agent key bound to no agent would be refused by every desk endpoint).',
  })
  @IsIn(API_KEY_ROLES, {
    message: ({ value }) =>
      value === 'agent'
        ? 'role agent: an agent key is bound to its agent; make it with POST /v1/agents/{id}/api-keys'
        : `role must be one of ${API_KEY_ROLES.join(', ')} (agent keys: POST /v1/agents/{id}/api-keys)`,
  })
  role: Exclude<Role, 'agent'>;

  @ApiPropertyOptional({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d', description: 'The department the key acts for: a manager key with a department may decline only loans lent from it and sees only loans from or to it.' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;
}

export class ApiKeyDto {
  @ApiProperty({ example: '2f1d9a8e-4b59-4d0e-9a53-3c1b5e7f9a10' })
  id: string;

  @ApiProperty({ example: 'kamailio-edge-1' })
  name: string;

  @ApiProperty({ enum: ROLES, example: 'telephony' })
  role: Role;

  @ApiProperty({ example: 'vuoro_Xk3p', description: 'The first characters of the key, to recognise it.' })
  keyPrefix: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  createdAt: string;

  @ApiPropertyOptional({ example: null, nullable: true, type: String })
  revokedAt: string | null;

  @ApiPropertyOptional({ example: '2026-11-22T10:05:00.000Z', nullable: true, type: String })
  lastUsedAt: string | null;

  @ApiPropertyOptional({ example: null, nullable: true, type: String, description: 'The department the key acts for (null = all).' })
  departmentId: string | null;

  static from(key: ApiKeyEntity): ApiKeyDto {
    return {
      id: key.id,
      name: key.name,
      role: key.role,
      keyPrefix: key.keyPrefix,
      createdAt: key.createdAt.toISOString(),
      revokedAt: key.revokedAt?.toISOString() ?? null,
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      departmentId: key.departmentId ?? null,
    };
  }
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ example: 'vuoro_Xk3pQ9…', description: 'The secret. Shown only in this response: store it now.' })
  key: string;
}
