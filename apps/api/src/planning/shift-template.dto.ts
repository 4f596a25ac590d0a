import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import type { ShiftTemplateEntity } from '../../../../libs/persistence/src/entities/planning.entity.js';

export const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
export const clockOf = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export class BreakRuleDto {
  @ApiProperty({ example: 'lunch' })
  @IsString()
  @Length(1, 50)
  name: string;

  @ApiProperty({ type: 'integer', example: 30, minimum: 5, maximum: 120, description: 'A multiple of the 15-minute planning interval.' })
  @IsInt()
  @Min(5)
  @Max(120)
  lengthMinutes: number;

  @ApiProperty({ example: false, description: 'Paid breaks count as paid time; neither kind answers contacts.' })
  @IsBoolean()
  paid: boolean;

  @ApiProperty({ type: 'integer', example: 210, minimum: 0, maximum: 900, description: 'Earliest start of the break, minutes after the shift start.' })
  @IsInt()
  @Min(0)
  @Max(900)
  earliestAfterStartMinutes: number;

  @ApiProperty({ type: 'integer', example: 270, minimum: 0, maximum: 900, description: 'Latest start of the break, minutes after the shift start.' })
  @IsInt()
  @Min(0)
  @Max(900)
  latestAfterStartMinutes: number;
}

export class ShiftTemplateBodyDto {
  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  @IsUUID()
  departmentId: string;

  @ApiProperty({ example: 'Day 8 h' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ example: '08:00', description: 'Earliest start, local time HH:MM (a multiple of 15 minutes).' })
  @Matches(CLOCK_TIME, { message: 'earliestStart must be a time HH:MM' })
  earliestStart: string;

  @ApiProperty({ example: '09:30', description: 'Latest start, local time HH:MM.' })
  @Matches(CLOCK_TIME, { message: 'latestStart must be a time HH:MM' })
  latestStart: string;

  @ApiPropertyOptional({ type: 'integer', example: 15, default: 15, minimum: 15, maximum: 240, description: 'Step between candidate starts.' })
  @IsOptional()
  @IsInt()
  @Min(15)
  @Max(240)
  startStepMinutes?: number;

  @ApiProperty({ type: 'integer', example: 510, minimum: 60, maximum: 960, description: 'Presence from start to end, unpaid breaks included.' })
  @IsInt()
  @Min(60)
  @Max(960)
  lengthMinutes: number;

  @ApiPropertyOptional({ type: [BreakRuleDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @ValidateNested({ each: true })
  @Type(() => BreakRuleDto)
  breaks?: BreakRuleDto[];

  @ApiPropertyOptional({ example: [1, 2, 3, 4, 5], type: 'integer', isArray: true, description: 'ISO weekdays (1 = Monday) the template may be used on; default every day.' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn([1, 2, 3, 4, 5, 6, 7], { each: true })
  weekdays?: number[];
}

export class ListShiftTemplatesQueryDto {
  @ApiPropertyOptional({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;
}

export class BreakRuleResponseDto {
  @ApiProperty({ example: 'lunch' })
  name: string;
  @ApiProperty({ type: 'integer', example: 30 })
  lengthMinutes: number;
  @ApiProperty({ example: false })
  paid: boolean;
  @ApiProperty({ type: 'integer', example: 210 })
  earliestAfterStartMinutes: number;
  @ApiProperty({ type: 'integer', example: 270 })
  latestAfterStartMinutes: number;
}

export class ShiftTemplateDto {
  @ApiProperty({ example: '0b6f2c1e-8d4a-4e3b-9f2a-1c5d7e9f0a2b' })
  id: string;
  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  departmentId: string;
  @ApiProperty({ example: 'Day 8 h' })
  name: string;
  @ApiProperty({ example: '08:00' })
  earliestStart: string;
  @ApiProperty({ example: '09:30' })
  latestStart: string;
  @ApiProperty({ type: 'integer', example: 15 })
  startStepMinutes: number;
  @ApiProperty({ type: 'integer', example: 510 })
  lengthMinutes: number;
  @ApiProperty({ type: 'integer', example: 480, description: 'Length minus unpaid breaks.' })
  paidMinutes: number;
  @ApiProperty({ type: [BreakRuleResponseDto] })
  breaks: BreakRuleResponseDto[];
  @ApiProperty({ example: [1, 2, 3, 4, 5], type: 'integer', isArray: true })
  weekdays: number[];
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  updatedAt: string;

  static from(t: ShiftTemplateEntity): ShiftTemplateDto {
    return {
      id: t.id,
      departmentId: t.departmentId,
      name: t.name,
      earliestStart: clockOf(t.earliestStartMinutes),
      latestStart: clockOf(t.latestStartMinutes),
      startStepMinutes: t.startStepMinutes,
      lengthMinutes: t.lengthMinutes,
      paidMinutes: t.lengthMinutes - t.breaks.filter((b) => !b.paid).reduce((s, b) => s + b.lengthMinutes, 0),
      breaks: t.breaks.map((b) => ({ ...b })),
      weekdays: [...t.weekdays],
      updatedAt: t.updatedAt.toISOString(),
    };
  }
}
