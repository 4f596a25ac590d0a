import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsLocalDate, NotBeforeDate } from '../common/validation.js';
import type { LetterBatchEntity } from '../../../../libs/persistence/src/entities/letter-batch.entity.js';


export class CreateLetterBatchDto {
  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d', description: 'The department whose customers get the letters (its queues see the calls).' })
  @IsUUID()
  departmentId: string;

  @ApiProperty({ example: '2026-03-10', description: 'Local date of the mailing (past or planned).' })
  @IsLocalDate()
  sentOn: string;

  @ApiProperty({ type: 'integer', example: 30000, minimum: 1, maximum: 10000000 })
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  letters: number;

  @ApiProperty({ example: 'Collection letters, March batch' })
  @IsString()
  @Length(1, 500)
  description: string;
}

export class UpdateLetterBatchDto extends CreateLetterBatchDto {}

export class ListLetterBatchesQueryDto {
  @ApiPropertyOptional({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'Sent on or after this date.' })
  @IsOptional()
  @IsLocalDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Sent on or before this date; not before `from` (422 rule afterFrom).' })
  @IsOptional()
  @IsLocalDate()
  @NotBeforeDate()
  to?: string;
}

export class LetterBatchDto {
  @ApiProperty({ example: '3c1f0d8e-2a4b-4c6d-8e0f-1a2b3c4d5e6f' })
  id: string;

  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  departmentId: string;

  @ApiProperty({ example: '2026-03-10' })
  sentOn: string;

  @ApiProperty({ type: 'integer', example: 30000 })
  letters: number;

  @ApiProperty({ example: 'Collection letters, March batch' })
  description: string;

  @ApiProperty({ example: '2026-03-02T10:00:00.000Z' })
  createdAt: string;

  static from(b: LetterBatchEntity): LetterBatchDto {
    return { id: b.id, departmentId: b.departmentId, sentOn: b.sentOn, letters: b.letters, description: b.description, createdAt: b.createdAt.toISOString() };
  }
}
