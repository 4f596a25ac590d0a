import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { CHANNELS, type Channel } from '../../../../libs/core/src/channel.js';
import { LANGUAGES } from '../common/languages.js';
import { TARGET_BASES, type QueueEntity, type TargetBasis } from '../../../../libs/persistence/src/entities/queue.entity.js';


/** The default service targets per channel (PRODUCT.md); each queue may set its own. */
export const DEFAULT_TARGETS: Record<Channel, { percent: number; seconds: number; basis: TargetBasis }> = {
  phone: { percent: 90, seconds: 30, basis: 'elapsed' },
  chat: { percent: 80, seconds: 60, basis: 'elapsed' },
  // One business day of an 08:00–16:00 calendar.
  email: { percent: 90, seconds: 8 * 3600, basis: 'business' },
};

export class ServiceTargetDto {
  @ApiProperty({ example: 90, minimum: 0.01, maximum: 100, description: 'Share of contacts to answer within `seconds`, in percent.' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(100)
  percent: number;

  @ApiProperty({ type: 'integer', example: 30, minimum: 1, maximum: 60 * 60 * 24 * 30, description: 'Answer-time threshold in seconds (business seconds when basis is `business`).' })
  @IsInt()
  @Min(1)
  @Max(60 * 60 * 24 * 30)
  seconds: number;

  @ApiProperty({ enum: TARGET_BASES, example: 'elapsed', description: '`business` counts only the open hours of the queue calendar (email).' })
  @IsIn(TARGET_BASES)
  basis: TargetBasis;
}

export class RequiredSkillDto {
  @ApiProperty({ example: 'lang:fi' })
  @IsString()
  @Matches(/^(lang|topic|training):[a-z0-9][a-z0-9-]*$/, { message: 'skill must look like lang:fi or topic:disputes' })
  skill: string;

  @ApiProperty({ type: 'integer', example: 3, minimum: 1, maximum: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  minProficiency: number;
}

export class CreateQueueDto {
  @ApiProperty({ example: 'phone-fi' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'key must be lower-case letters, digits and dashes' })
  key: string;

  @ApiProperty({ example: 'Phone, Finnish' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  @IsUUID()
  departmentId: string;

  @ApiProperty({ enum: CHANNELS, example: 'phone' })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiPropertyOptional({ enum: LANGUAGES, example: 'fi', nullable: true })
  @IsOptional()
  @IsIn(LANGUAGES)
  language?: string | null;

  @ApiProperty({ example: '3d2c1b0a-9f8e-4d7c-b6a5-443322110000', description: 'Business hours and holidays of the queue.' })
  @IsUUID()
  calendarId: string;

  @ApiPropertyOptional({ type: ServiceTargetDto, description: 'Defaults: phone 90 % in 30 s; chat 80 % in 60 s; email 90 % in 1 business day (28,800 business seconds).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ServiceTargetDto)
  target?: ServiceTargetDto;

  @ApiProperty({ type: [RequiredSkillDto], example: [{ skill: 'lang:fi', minProficiency: 3 }] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RequiredSkillDto)
  requiredSkills: RequiredSkillDto[];
}

export class UpdateQueueDto extends CreateQueueDto {}

export class ListQueuesQueryDto {
  @ApiPropertyOptional({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;
}

export class QueueDto {
  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  id: string;

  @ApiProperty({ example: 'phone-fi' })
  key: string;

  @ApiProperty({ example: 'Phone, Finnish' })
  name: string;

  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  departmentId: string;

  @ApiProperty({ enum: CHANNELS, example: 'phone' })
  channel: Channel;

  @ApiProperty({ example: 'fi', nullable: true, type: String })
  language: string | null;

  @ApiProperty({ example: '3d2c1b0a-9f8e-4d7c-b6a5-443322110000' })
  calendarId: string;

  @ApiProperty({ type: ServiceTargetDto })
  target: ServiceTargetDto;

  @ApiProperty({ type: [RequiredSkillDto] })
  requiredSkills: RequiredSkillDto[];

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  updatedAt: string;

  static from(q: QueueEntity): QueueDto {
    return {
      id: q.id,
      key: q.key,
      name: q.name,
      departmentId: q.departmentId,
      channel: q.channel,
      language: q.language,
      calendarId: q.calendarId,
      target: { percent: q.targetPercent, seconds: q.targetSeconds, basis: q.targetBasis },
      requiredSkills: [...(q.requiredSkills ?? [])].sort((a, b) => a.skillKey.localeCompare(b.skillKey)).map((s) => ({ skill: s.skillKey, minProficiency: s.minProficiency })),
      createdAt: q.createdAt.toISOString(),
      updatedAt: q.updatedAt.toISOString(),
    };
  }
}
