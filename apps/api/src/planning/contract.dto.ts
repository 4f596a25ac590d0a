import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsInstant } from '../common/validation.js';
import type { EmployeeContractEntity } from '../../../../libs/persistence/src/entities/planning.entity.js';
import { clockOf } from './shift-template.dto.js';

export const CLOCK_TIME_OR_MIDNIGHT = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export class AvailabilityWindowDto {
  @ApiProperty({ type: 'integer', example: 1, minimum: 1, maximum: 7, description: 'ISO weekday (1 = Monday).' })
  @IsIn([1, 2, 3, 4, 5, 6, 7])
  weekday: number;

  @ApiProperty({ example: '08:00', description: 'Local time HH:MM.' })
  @Matches(CLOCK_TIME_OR_MIDNIGHT, { message: 'from must be a time HH:MM' })
  from: string;

  @ApiProperty({ example: '17:00', description: 'Local time HH:MM (24:00 = midnight at the end of the day).' })
  @Matches(CLOCK_TIME_OR_MIDNIGHT, { message: 'to must be a time HH:MM' })
  to: string;
}

export class TimeOffDto {
  @ApiProperty({ example: '2026-12-21T00:00:00+02:00' })
  @IsInstant()
  from: string;

  @ApiProperty({ example: '2026-12-28T00:00:00+02:00' })
  @IsInstant()
  to: string;

  @ApiPropertyOptional({ example: 'holiday', description: 'A category, not a personal note (holiday, training, sick leave).' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  reason?: string;
}

export class ContractBodyDto {
  @ApiProperty({ example: 37.5, minimum: 1, maximum: 80, description: 'Paid hours per week at most.' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(1)
  @Max(80)
  maxWeeklyHours: number;

  @ApiPropertyOptional({ example: 30, minimum: 0, maximum: 80, description: 'Paid hours per week the plan should reach (reported when missed).' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(80)
  minWeeklyHours?: number;

  @ApiProperty({ type: 'integer', example: 240, minimum: 15, maximum: 960, description: 'Shortest paid shift, minutes.' })
  @IsInt()
  @Min(15)
  @Max(960)
  minShiftMinutes: number;

  @ApiProperty({ type: 'integer', example: 480, minimum: 15, maximum: 960, description: 'Longest paid shift, minutes.' })
  @IsInt()
  @Min(15)
  @Max(960)
  maxShiftMinutes: number;

  @ApiProperty({ type: 'integer', example: 2, minimum: 0, maximum: 7, description: 'Days without a shift in every week.' })
  @IsInt()
  @Min(0)
  @Max(7)
  minDaysOffPerWeek: number;

  @ApiPropertyOptional({ type: 'integer', example: 660, default: 660, minimum: 0, maximum: 1440, description: 'Rest between shifts, minutes (default 11 h).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  minRestMinutes?: number;

  @ApiPropertyOptional({ type: [AvailabilityWindowDto], description: 'When shifts may lie; absent = any time. A weekday without a window is a day off.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(28)
  @ValidateNested({ each: true })
  @Type(() => AvailabilityWindowDto)
  availability?: AvailabilityWindowDto[];

  @ApiPropertyOptional({ type: [TimeOffDto], description: 'Absences: no shift may overlap them.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => TimeOffDto)
  timeOff?: TimeOffDto[];
}

export class AvailabilityResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  weekday: number;
  @ApiProperty({ example: '08:00' })
  from: string;
  @ApiProperty({ example: '17:00' })
  to: string;
}

export class TimeOffResponseDto {
  @ApiProperty({ example: '2026-12-20T22:00:00.000Z' })
  from: string;
  @ApiProperty({ example: '2026-12-27T22:00:00.000Z' })
  to: string;
  @ApiPropertyOptional({ example: 'holiday', nullable: true, type: String })
  reason: string | null;
}

export class ContractDto {
  @ApiProperty({ example: '8a1f3c2d-4b5e-4f6a-9b8c-7d6e5f4a3b2c' })
  agentId: string;
  @ApiProperty({ example: 37.5 })
  maxWeeklyHours: number;
  @ApiPropertyOptional({ example: 30, nullable: true, type: Number })
  minWeeklyHours: number | null;
  @ApiProperty({ type: 'integer', example: 240 })
  minShiftMinutes: number;
  @ApiProperty({ type: 'integer', example: 480 })
  maxShiftMinutes: number;
  @ApiProperty({ type: 'integer', example: 2 })
  minDaysOffPerWeek: number;
  @ApiProperty({ type: 'integer', example: 660 })
  minRestMinutes: number;
  @ApiPropertyOptional({ type: [AvailabilityResponseDto], nullable: true, description: 'null = any time.' })
  availability: AvailabilityResponseDto[] | null;
  @ApiProperty({ type: [TimeOffResponseDto] })
  timeOff: TimeOffResponseDto[];
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  updatedAt: string;

  static from(c: EmployeeContractEntity): ContractDto {
    return {
      agentId: c.agentId,
      maxWeeklyHours: c.maxWeeklyHours,
      minWeeklyHours: c.minWeeklyHours,
      minShiftMinutes: c.minShiftMinutes,
      maxShiftMinutes: c.maxShiftMinutes,
      minDaysOffPerWeek: c.minDaysOffPerWeek,
      minRestMinutes: c.minRestMinutes,
      availability: c.availability?.map((w) => ({ weekday: w.weekday, from: clockOf(w.fromMinutes), to: clockOf(w.toMinutes) })) ?? null,
      timeOff: c.timeOff.map((o) => ({ from: new Date(o.from).toISOString(), to: new Date(o.to).toISOString(), reason: o.reason ?? null })),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}
