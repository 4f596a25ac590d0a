import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsNumber, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { IsInstant, IsLocalDate } from '../common/validation.js';
import { PLANNING_REACH_DAYS } from '../../../../libs/planning/src/reach.js';


export class GenerateScheduleDto {
  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  @IsUUID()
  departmentId: string;

  @ApiProperty({
    example: '2026-11-23',
    description: `Monday of the ISO week (local date). The week is planned from its forecast, and planning reaches ${PLANNING_REACH_DAYS} days ahead (today included), as the forecast does past a queue's history: a week that runs past that is refused (422, rule \`horizon\`, naming the last date planning reaches).`,
  })
  @IsLocalDate()
  weekStart: string;

  @ApiPropertyOptional({ example: ['3c1f0d8e-2a4b-4c6d-8e0f-1a2b3c4d5e6f'], type: [String], description: 'Queues to plan (default: every queue of the department).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  queueIds?: string[];

  @ApiPropertyOptional({ example: 0.25, default: 0, minimum: 0, maximum: 0.6, description: 'Share of on-shift time lost to other things; the plan schedules ⌈required / (1 − shrinkage)⌉.' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(0.6)
  shrinkage?: number;

  @ApiPropertyOptional({ type: 'integer', example: 10, default: 10, minimum: 1, maximum: 60, description: 'HiGHS time limit of the LP bound and the MIP together, seconds (the MIP gets what the LP left, at least 1 s): the best schedule found by then is returned with its gap to the LP bound. The forecasts and requirements before and the assignment of agents after come on top (a queue whose forecasting method of the day has not been chosen yet — the service chooses them at start-up and after midnight — adds a backtest of seconds).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  timeLimitSeconds?: number;
}

export class ScheduleQueryDto {
  @ApiPropertyOptional({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({ example: '2026-11-23' })
  @IsOptional()
  @IsLocalDate()
  weekStart?: string;
}

export class CoverageQueryDto {
  @ApiPropertyOptional({ example: '2026-11-26', description: 'One local day of the week (default: the whole week).' })
  @IsOptional()
  @IsLocalDate()
  date?: string;

  @ApiPropertyOptional({ example: '3c1f0d8e-2a4b-4c6d-8e0f-1a2b3c4d5e6f', description: 'One queue (default: every queue of the schedule).' })
  @IsOptional()
  @IsUUID()
  queueId?: string;
}

export class BreakBodyDto {
  @ApiProperty({ example: 'lunch' })
  @IsString()
  @Length(1, 50)
  name: string;

  @ApiProperty({ example: false })
  @IsBoolean()
  paid: boolean;

  @ApiProperty({ example: '2026-11-26T10:30:00+02:00' })
  @IsInstant()
  startsAt: string;

  @ApiProperty({ example: '2026-11-26T11:00:00+02:00' })
  @IsInstant()
  endsAt: string;
}

export class AddShiftDto {
  @ApiPropertyOptional({ example: '8a1f3c2d-4b5e-4f6a-9b8c-7d6e5f4a3b2c', nullable: true, type: String, description: 'The agent (null = an unassigned shift).' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  agentId?: string | null;

  @ApiPropertyOptional({ example: '3c1f0d8e-2a4b-4c6d-8e0f-1a2b3c4d5e6f', nullable: true, type: String, description: 'The queue the shift works on (one of the schedule’s queues); null or absent = the department’s own work.' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  queueId?: string | null;

  @ApiProperty({ example: '2026-11-26T07:00:00+02:00', description: 'On the 15-minute grid of local time.' })
  @IsInstant()
  startsAt: string;

  @ApiProperty({ example: '2026-11-26T15:30:00+02:00' })
  @IsInstant()
  endsAt: string;

  @ApiPropertyOptional({ type: [BreakBodyDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @ValidateNested({ each: true })
  @Type(() => BreakBodyDto)
  breaks?: BreakBodyDto[];
}

export class MoveShiftDto {
  @ApiPropertyOptional({ type: 'integer', example: 60, minimum: -1440, maximum: 1440, description: 'Move the shift and its breaks by this many minutes (a multiple of 15).' })
  @IsOptional()
  @IsInt()
  @Min(-1440)
  @Max(1440)
  moveByMinutes?: number;

  @ApiPropertyOptional({ example: '8a1f3c2d-4b5e-4f6a-9b8c-7d6e5f4a3b2c', nullable: true, type: String, description: 'Give the shift to another agent (null = unassign).' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  agentId?: string | null;

  @ApiPropertyOptional({ example: '3c1f0d8e-2a4b-4c6d-8e0f-1a2b3c4d5e6f', description: 'Work another queue of the schedule.' })
  @IsOptional()
  @IsUUID()
  queueId?: string;
}

export class BreakResponseDto {
  @ApiProperty({ example: 'lunch' })
  name: string;
  @ApiProperty({ example: false })
  paid: boolean;
  @ApiProperty({ example: '2026-11-26T08:30:00.000Z' })
  startsAt: string;
  @ApiProperty({ example: '2026-11-26T09:00:00.000Z' })
  endsAt: string;
}

export class ShiftDto {
  @ApiProperty({ example: 'c2b1a0f9-8e7d-4c6b-9a5f-4e3d2c1b0a9f' })
  id: string;
  @ApiPropertyOptional({ example: '8a1f3c2d-4b5e-4f6a-9b8c-7d6e5f4a3b2c', nullable: true, type: String })
  agentId: string | null;
  @ApiPropertyOptional({ example: '3c1f0d8e-2a4b-4c6d-8e0f-1a2b3c4d5e6f', nullable: true, type: String, description: 'null = the department’s own work.' })
  queueId: string | null;
  @ApiPropertyOptional({ example: '0b6f2c1e-8d4a-4e3b-9f2a-1c5d7e9f0a2b', nullable: true, type: String })
  templateId: string | null;
  @ApiProperty({ example: '2026-11-26T06:00:00.000Z' })
  startsAt: string;
  @ApiProperty({ example: '2026-11-26T14:30:00.000Z' })
  endsAt: string;
  @ApiProperty({ type: 'integer', example: 480 })
  paidMinutes: number;
  @ApiProperty({ type: [BreakResponseDto] })
  breaks: BreakResponseDto[];
}

export class UncoveredIntervalDto {
  @ApiPropertyOptional({ example: '3c1f0d8e-2a4b-4c6d-8e0f-1a2b3c4d5e6f', nullable: true, type: String, description: 'null = own work below the department’s minimum staffing.' })
  queueId: string | null;
  @ApiProperty({ example: '2026-11-26T08:00:00.000Z' })
  start: string;
  @ApiProperty({ type: 'integer', example: 2, description: 'Scheduled agents missing.' })
  shortfall: number;
}

export class ContractViolationDto {
  @ApiProperty({ example: '8a1f3c2d-4b5e-4f6a-9b8c-7d6e5f4a3b2c' })
  agentId: string;
  @ApiPropertyOptional({ example: 'c2b1a0f9-8e7d-4c6b-9a5f-4e3d2c1b0a9f', nullable: true, type: String })
  shiftId: string | null;
  @ApiProperty({ example: 'weekly-hours' })
  rule: string;
  @ApiProperty({ example: '45 h in week 0 > 37.5' })
  detail: string;
}

export class ScheduleFiguresDto {
  @ApiProperty({ example: 'Optimal', description: 'HiGHS status of the MIP (e.g. "Time limit reached": the best schedule found in time); "contract fill" for a department without queues (its staff work their contracts, the minimum on-shift staffing covered first).' })
  solverStatus: string;
  @ApiProperty({ type: 'integer', example: 2613 })
  patterns: number;
  @ApiProperty({ example: 3092, description: 'Paid staff-hours of the MIP shift mix.' })
  mipStaffHours: number;
  @ApiProperty({ example: 3086.17, description: 'Staff-hours of the LP relaxation: the lower bound.' })
  lpStaffHours: number;
  @ApiProperty({ example: 3092 })
  mipObjective: number;
  @ApiPropertyOptional({ example: 3086.17, nullable: true, type: Number, description: 'Objective of the LP relaxation (staff-hours + shortfall penalty): a lower bound on mipObjective.' })
  lpObjective: number | null;
  @ApiProperty({ example: 0.0019, description: '(mipObjective − lpObjective) / lpObjective.' })
  gapToLpBound: number;
  @ApiProperty({ example: 3040, description: 'Staff-hours assigned to named agents at generation.' })
  assignedStaffHours: number;
  @ApiProperty({ type: 'integer', example: 3, description: 'Shifts of the mix no agent could take within the contracts.' })
  unassignedShifts: number;
  @ApiProperty({ type: 'integer', example: 10 })
  timeLimitSeconds: number;
  @ApiProperty({ example: 4.1 })
  seconds: number;
}

export class ScheduleDto {
  @ApiProperty({ example: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a' })
  id: string;
  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  departmentId: string;
  @ApiProperty({ example: '2026-11-23' })
  weekStart: string;
  @ApiProperty({ example: 'draft', enum: ['draft', 'published'] })
  status: string;
  @ApiProperty({ example: 'Europe/Helsinki' })
  timeZone: string;
  @ApiProperty({ example: ['3c1f0d8e-2a4b-4c6d-8e0f-1a2b3c4d5e6f'], type: [String] })
  queueIds: string[];
  @ApiProperty({ example: 0.25 })
  shrinkage: number;
  @ApiProperty({ type: ScheduleFiguresDto, description: 'What the generator reported.' })
  figures: ScheduleFiguresDto;
  @ApiProperty({ example: 3040, description: 'Paid staff-hours of the shifts now (after hand edits).' })
  staffHours: number;
  @ApiProperty({ type: 'integer', example: 452 })
  shiftCount: number;
  @ApiProperty({ type: [UncoveredIntervalDto], description: 'Intervals still short of the requirement with the shifts now (never an infeasibility error).' })
  uncovered: UncoveredIntervalDto[];
  @ApiProperty({ type: [ContractViolationDto], description: 'Contract rules the shifts now break (hand edits may break them; generation does not).' })
  contractViolations: ContractViolationDto[];
  @ApiProperty({ type: 'integer', example: 2, description: 'Active agents of the department without a contract: not scheduled.' })
  agentsWithoutContract: number;
  @ApiProperty({ example: 'test supervisor [vuoro_Xk3p]' })
  generatedBy: string;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  generatedAt: string;
  @ApiPropertyOptional({ example: null, nullable: true, type: String })
  publishedAt: string | null;
  @ApiPropertyOptional({ type: [ShiftDto], description: 'The shifts (GET of one schedule only).' })
  shifts?: ShiftDto[];
}

export class CoverageIntervalDto {
  @ApiProperty({ example: '2026-11-26T08:00:00.000Z' })
  start: string;
  @ApiProperty({ type: 'integer', example: 12, description: 'Agents on shift and not on a break.' })
  scheduled: number;
  @ApiProperty({ example: 9, description: 'scheduled × (1 − shrinkage).' })
  available: number;
  @ApiProperty({ type: 'integer', example: 10, description: 'Agents needed (forecast → staffing maths).' })
  required: number;
  @ApiProperty({ type: 'integer', example: 14, description: '⌈required / (1 − shrinkage)⌉.' })
  requiredScheduled: number;
  @ApiProperty({ type: 'integer', example: 2 })
  shortfall: number;
  @ApiPropertyOptional({ example: 0.87, nullable: true, type: Number, description: 'Expected service level at ⌊available⌋ agents (Erlang C; phone and chat).' })
  expectedServiceLevel: number | null;
}

export class QueueCoverageDto {
  @ApiPropertyOptional({ example: '3c1f0d8e-2a4b-4c6d-8e0f-1a2b3c4d5e6f', nullable: true, type: String, description: 'null = the department’s own work, required = its minimum on-shift staffing.' })
  queueId: string | null;
  @ApiProperty({ example: 'phone', description: 'phone, chat, email or own-work.' })
  channel: string;
  @ApiProperty({ type: 'integer', example: 6, description: 'Σ shortfall over the intervals shown, in agent-intervals (2 agents short for 3 intervals = 6; × 15 minutes = agent-minutes short).' })
  shortfallAgentIntervals: number;
  @ApiProperty({ type: 'integer', example: 6, deprecated: true, description: 'The same figure as `shortfallAgentIntervals`, under its first name, which read as a count of intervals (that is `uncoveredIntervals`). Kept for existing clients.' })
  shortfallIntervals: number;
  @ApiProperty({ type: 'integer', example: 3, description: 'Intervals shown with a shortfall.' })
  uncoveredIntervals: number;
  @ApiProperty({ type: [CoverageIntervalDto] })
  intervals: CoverageIntervalDto[];
}

export class CoverageDto {
  @ApiProperty({ example: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a' })
  scheduleId: string;
  @ApiProperty({ example: '2026-11-26T00:00:00+02:00 local', description: 'First interval shown.' })
  from: string;
  @ApiProperty({ example: '2026-11-27T00:00:00+02:00 local', description: 'End of the last interval shown.' })
  to: string;
  @ApiProperty({ type: 'integer', example: 15 })
  intervalMinutes: number;
  @ApiProperty({ type: [QueueCoverageDto] })
  queues: QueueCoverageDto[];
}

export class ShiftEditResultDto {
  @ApiPropertyOptional({ type: ShiftDto, nullable: true, description: 'The shift after the edit (null after a delete).' })
  shift: ShiftDto | null;
  @ApiProperty({ example: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a' })
  scheduleId: string;
  @ApiProperty({ example: 3048 })
  staffHours: number;
  @ApiProperty({ type: CoverageDto, description: 'Coverage of the day(s) the edit touched, recomputed.' })
  coverage: CoverageDto;
  @ApiProperty({ type: [ContractViolationDto], description: 'Contract rules the affected agents’ shifts now break.' })
  contractViolations: ContractViolationDto[];
}
