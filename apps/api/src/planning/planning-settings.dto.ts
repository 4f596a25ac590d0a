import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, Matches, Max, Min, ValidateNested } from 'class-validator';
import type { DepartmentPlanningSettingsEntity } from '../../../../libs/persistence/src/entities/planning.entity.js';
import { CLOCK_TIME_OR_MIDNIGHT } from './contract.dto.js';
import { clockOf } from './shift-template.dto.js';

export class MinStaffWindowDto {
  @ApiProperty({ type: 'integer', example: 1, minimum: 1, maximum: 7, description: 'ISO weekday (1 = Monday).' })
  @IsIn([1, 2, 3, 4, 5, 6, 7])
  weekday: number;

  @ApiProperty({ example: '09:00', description: 'Local time HH:MM, on the 15-minute grid.' })
  @Matches(CLOCK_TIME_OR_MIDNIGHT, { message: 'from must be a time HH:MM' })
  from: string;

  @ApiProperty({ example: '15:00', description: 'Local time HH:MM (24:00 = midnight at the end of the day), on the 15-minute grid.' })
  @Matches(CLOCK_TIME_OR_MIDNIGHT, { message: 'to must be a time HH:MM' })
  to: string;

  @ApiProperty({ type: 'integer', example: 6, minimum: 0, maximum: 1000, description: 'Staff on shift and not on a break the department keeps, whatever it lends.' })
  @IsInt()
  @Min(0)
  @Max(1000)
  staff: number;
}

export class PlanningSettingsBodyDto {
  @ApiProperty({
    type: [MinStaffWindowDto],
    description: 'Minimum on-shift staffing of a department whose own work Vuoro does not forecast (no queues): the requirement of its generated schedule and what borrowing suggestions leave it. Overlapping windows: the highest counts.',
  })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => MinStaffWindowDto)
  minStaffOnShift: MinStaffWindowDto[];
}

export class PlanningSettingsDto {
  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  departmentId: string;
  @ApiProperty({ type: [MinStaffWindowDto] })
  minStaffOnShift: MinStaffWindowDto[];
  @ApiPropertyOptional({ example: '2026-11-22T10:00:00.000Z', nullable: true, type: String, description: 'null = never set (the department lends nobody while it has no queues).' })
  updatedAt: string | null;

  static from(departmentId: string, s: DepartmentPlanningSettingsEntity | null): PlanningSettingsDto {
    return {
      departmentId,
      minStaffOnShift: (s?.minStaffOnShift ?? []).map((w) => ({ weekday: w.weekday, from: clockOf(w.fromMinutes), to: clockOf(w.toMinutes), staff: w.staff })),
      updatedAt: s?.updatedAt.toISOString() ?? null,
    };
  }
}
