import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import type { AgentEntity } from '../../../../libs/persistence/src/entities/agent.entity.js';
import { PageQueryDto } from '../common/paging.dto.js';
import { IsTimeZone } from '../common/is-time-zone.js';

export class AgentSkillDto {
  @ApiProperty({ example: 'lang:fi' })
  @IsString()
  @Matches(/^(lang|topic|training):[a-z0-9][a-z0-9-]*$/, { message: 'skill must look like lang:fi or topic:disputes' })
  skill: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, example: 4, description: '1 = learning … 5 = expert.' })
  @IsInt()
  @Min(1)
  @Max(5)
  proficiency: number;
}

export class AgentCapacityDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 1, example: 1, description: 'Calls at once (0 = takes no calls).' })
  @IsInt()
  @Min(0)
  @Max(1)
  phone: number;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 10, example: 3, description: 'Chats at once.' })
  @IsInt()
  @Min(0)
  @Max(10)
  chat: number;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 20, example: 5, description: 'Emails in progress at once.' })
  @IsInt()
  @Min(0)
  @Max(20)
  email: number;
}

export class CreateAgentDto {
  @ApiProperty({ example: 'E1042', description: 'The HR employee number; unique.' })
  @IsString()
  @Length(1, 50)
  employeeNumber: string;

  @ApiProperty({ example: 'Aino Virtanen', description: 'Personal data: shown to supervisors, never logged.' })
  @IsString()
  @Length(1, 200)
  displayName: string;

  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d', description: 'Home department.' })
  @IsUUID()
  departmentId: string;

  @ApiPropertyOptional({ example: 'sip:e1042@pbx.vuoro.example', nullable: true, type: String, description: 'SIP URI that a routing decision targets.' })
  @IsOptional()
  @IsString()
  @Matches(/^sips?:[^@\s]+@\S+$/, { message: 'phoneUri must be a SIP URI such as sip:e1042@pbx.example.com' })
  phoneUri?: string | null;

  @ApiPropertyOptional({ example: 'Europe/Helsinki', default: 'Europe/Helsinki' })
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({ type: AgentCapacityDto, description: 'Defaults: phone 1, chat 3, email 5.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AgentCapacityDto)
  capacity?: AgentCapacityDto;

  @ApiPropertyOptional({ default: true, example: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiProperty({ type: [AgentSkillDto], example: [{ skill: 'lang:fi', proficiency: 5 }, { skill: 'topic:payment-plans', proficiency: 3 }] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AgentSkillDto)
  skills: AgentSkillDto[];
}

export class UpdateAgentDto extends CreateAgentDto {}

export class ListAgentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({ example: 'lang:sv', description: 'Only agents with this skill.' })
  @IsOptional()
  @IsString()
  skill?: string;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}

export class AgentDto {
  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11' })
  id: string;

  @ApiProperty({ example: 'E1042' })
  employeeNumber: string;

  @ApiProperty({ example: 'Aino Virtanen' })
  displayName: string;

  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  departmentId: string;

  @ApiProperty({ example: 'sip:e1042@pbx.vuoro.example', nullable: true, type: String })
  phoneUri: string | null;

  @ApiProperty({ example: 'Europe/Helsinki' })
  timeZone: string;

  @ApiProperty({ type: AgentCapacityDto })
  capacity: AgentCapacityDto;

  @ApiProperty({ example: true })
  active: boolean;

  @ApiProperty({ type: [AgentSkillDto] })
  skills: AgentSkillDto[];

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  updatedAt: string;

  static from(a: AgentEntity): AgentDto {
    return {
      id: a.id,
      employeeNumber: a.employeeNumber,
      displayName: a.displayName,
      departmentId: a.departmentId,
      phoneUri: a.phoneUri,
      timeZone: a.timeZone,
      capacity: { phone: a.phoneCapacity, chat: a.chatCapacity, email: a.emailCapacity },
      active: a.active,
      skills: [...(a.skills ?? [])].sort((x, y) => x.skillKey.localeCompare(y.skillKey)).map((s) => ({ skill: s.skillKey, proficiency: s.proficiency })),
      createdAt: a.createdAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
    };
  }
}

export class AgentPageDto {
  @ApiProperty({ type: [AgentDto] })
  items: AgentDto[];

  @ApiProperty({ type: 'integer', example: 130 })
  total: number;

  @ApiProperty({ type: 'integer', example: 200 })
  limit: number;

  @ApiProperty({ type: 'integer', example: 0 })
  offset: number;
}
