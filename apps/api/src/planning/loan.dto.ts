import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { IsInstant, IsLocalDate } from '../common/validation.js';
import { LOAN_STATUSES, type AuditLogEntity, type LoanEntity, type LoanStatus } from '../../../../libs/persistence/src/entities/loan.entity.js';

export class LoanItemDto {
  @ApiProperty({ example: '8a1f3c2d-4b5e-4f6a-9b8c-7d6e5f4a3b2c' })
  @IsUUID()
  agentId: string;

  @ApiProperty({ example: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918', description: 'The lending department: must be the agent’s own.' })
  @IsUUID()
  fromDepartmentId: string;

  @ApiProperty({ example: '3c1f0d8e-2a4b-4c6d-8e0f-1a2b3c4d5e6f', description: 'The borrowing queue (its department borrows).' })
  @IsUUID()
  queueId: string;

  @ApiProperty({ example: '2026-11-26T08:00:00Z' })
  @IsInstant()
  startsAt: string;

  @ApiProperty({ example: '2026-11-26T10:00:00Z' })
  @IsInstant()
  endsAt: string;
}

export class AcceptLoansDto {
  @ApiProperty({ type: [LoanItemDto], description: 'The loans of the accepted suggestion(s): all are made, or none.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => LoanItemDto)
  loans: LoanItemDto[];

  @ApiProperty({ example: 'Letter-batch spike: borrowing suggestion of 2026-11-26', description: 'Why (shown to the lending manager).' })
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class DecisionDto {
  @ApiProperty({ example: 'Month-end closing: we need everyone', description: 'Why the loan is declined or cancelled. The loan keeps it as `decisionNote`; its `reason` stays the one it was asked for with.' })
  @IsString()
  @Length(1, 500)
  reason: string;
}


export class LoanQueryDto {
  @ApiPropertyOptional({ example: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918' })
  @IsOptional()
  @IsUUID()
  fromDepartmentId?: string;

  @ApiPropertyOptional({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  @IsOptional()
  @IsUUID()
  toDepartmentId?: string;

  @ApiPropertyOptional({ enum: LOAN_STATUSES, example: 'active' })
  @IsOptional()
  @IsIn(LOAN_STATUSES)
  status?: LoanStatus;

  @ApiPropertyOptional({ example: '2026-11-26', description: 'Loans overlapping this UTC date.' })
  @IsOptional()
  @IsLocalDate()
  date?: string;
}

export class LoanDto {
  @ApiProperty({ example: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' })
  id: string;
  @ApiProperty({ example: '8a1f3c2d-4b5e-4f6a-9b8c-7d6e5f4a3b2c' })
  agentId: string;
  @ApiProperty({ example: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918' })
  fromDepartmentId: string;
  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  toDepartmentId: string;
  @ApiPropertyOptional({ example: '3c1f0d8e-2a4b-4c6d-8e0f-1a2b3c4d5e6f', nullable: true, type: String })
  queueId: string | null;
  @ApiProperty({ example: '2026-11-26T08:00:00.000Z' })
  startsAt: string;
  @ApiProperty({ example: '2026-11-26T10:00:00.000Z' })
  endsAt: string;
  @ApiProperty({ enum: LOAN_STATUSES, example: 'active' })
  status: LoanStatus;
  @ApiPropertyOptional({ example: 'Letter-batch spike', nullable: true, type: String, description: 'Why the loan was asked for (shown to the lending manager).' })
  reason: string | null;
  @ApiProperty({ example: 'cs supervisor [vuoro_Xk3p]' })
  createdBy: string;
  @ApiPropertyOptional({ example: null, nullable: true, type: String, description: 'Who declined or cancelled it (null while active).' })
  decidedBy: string | null;
  @ApiPropertyOptional({ example: null, nullable: true, type: String, description: 'Why it was declined or cancelled: the `reason` of that request (null while active).' })
  decisionNote: string | null;
  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' })
  createdAt: string;
  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' })
  updatedAt: string;

  static from(l: LoanEntity): LoanDto {
    return {
      id: l.id,
      agentId: l.agentId,
      fromDepartmentId: l.fromDepartmentId,
      toDepartmentId: l.toDepartmentId,
      queueId: l.queueId,
      startsAt: l.startsAt.toISOString(),
      endsAt: l.endsAt.toISOString(),
      status: l.status,
      reason: l.reason,
      createdBy: l.createdBy,
      decidedBy: l.decidedBy,
      decisionNote: l.decisionNote,
      createdAt: l.createdAt.toISOString(),
      updatedAt: l.updatedAt.toISOString(),
    };
  }
}

/** `customer`: erasures on request (counts only, no personal data), so that the data protection officer can show when one was carried out. */
export const AUDITED_ENTITY_TYPES = ['shift_template', 'contract', 'schedule', 'loan', 'department', 'customer'] as const;

export class AuditQueryDto {
  @ApiProperty({ enum: AUDITED_ENTITY_TYPES, example: 'loan' })
  @IsIn(AUDITED_ENTITY_TYPES)
  entityType: string;

  @ApiProperty({ example: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' })
  @IsUUID()
  entityId: string;
}

export class AuditEntryDto {
  @ApiProperty({ example: '42' })
  id: string;
  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' })
  at: string;
  @ApiProperty({ example: 'cs supervisor [vuoro_Xk3p]' })
  actor: string;
  @ApiProperty({ example: 'loan.created' })
  action: string;
  @ApiProperty({ example: 'loan' })
  entityType: string;
  @ApiProperty({ example: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' })
  entityId: string;
  @ApiProperty({ example: { reason: 'Letter-batch spike' }, type: Object })
  detail: Record<string, unknown>;

  static from(a: AuditLogEntity): AuditEntryDto {
    return { id: String(a.id), at: a.at.toISOString(), actor: a.actor, action: a.action, entityType: a.entityType, entityId: a.entityId, detail: a.detail };
  }
}
