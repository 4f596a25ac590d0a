import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsInstant } from '../common/validation.js';
import { CHANNELS, type Channel } from '../../../../libs/core/src/channel.js';
import { StaffingTargetDto } from './requirement.dto.js';
import { STAFFING_LIMITS as L } from './staffing-limits.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const SKILL = /^(lang|topic|training):[a-z0-9][a-z0-9-]*$/;
export const SIM_LANGUAGES = ['fi', 'sv', 'en'] as const;
export const DISTRIBUTIONS = ['exponential', 'lognormal', 'constant'] as const;

export class SimSkillRequirementDto {
  @ApiProperty({ example: 'topic:payment-plans' })
  @Matches(SKILL, { message: 'skill must look like lang:fi or topic:disputes' })
  skill: string;

  @ApiProperty({ type: 'integer', example: 3, minimum: 1, maximum: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  minProficiency: number;
}

export class SimQueueDto {
  @ApiProperty({ example: 'phone-fi', description: 'Your name for the queue, unique in the request.' })
  @Matches(ID, { message: 'id must be 1–64 letters, digits, -, _, . or :' })
  id: string;

  @ApiProperty({ enum: CHANNELS, example: 'phone' })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiPropertyOptional({ enum: SIM_LANGUAGES, example: 'fi', default: 'fi', description: 'Agents need skill lang:<language> (proficiency >= 3), as in live routing.' })
  @IsOptional()
  @IsIn(SIM_LANGUAGES)
  language?: string;

  @ApiPropertyOptional({ type: [SimSkillRequirementDto], example: [], description: 'Further skills an agent needs (at most 10).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => SimSkillRequirementDto)
  requiredSkills?: SimSkillRequirementDto[];

  @ApiProperty({ type: [Number], example: [100, 100, 100, 100], description: `Expected contacts per interval (>= 0, <= 10,000; Poisson arrivals at a constant rate within the interval). 1 to ${L.maxSimulationIntervals} intervals, every queue the same count; all queues together at most ${L.maxSimulationContacts} expected contacts.` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(L.maxSimulationIntervals)
  @IsNumber({}, { each: true })
  @Min(0, { each: true })
  @Max(10_000, { each: true })
  volumes: number[];

  @ApiProperty({ example: 180, exclusiveMinimum: true, minimum: 0, maximum: L.maxSeconds, description: 'Mean handle time, seconds.' })
  @IsNumber()
  @IsPositive()
  @Max(L.maxSeconds)
  ahtSeconds: number;

  @ApiPropertyOptional({ enum: DISTRIBUTIONS, example: 'exponential', default: 'exponential', description: 'Distribution of handle times (exponential is the Erlang assumption).' })
  @IsOptional()
  @IsIn(DISTRIBUTIONS)
  handleTimeDistribution?: (typeof DISTRIBUTIONS)[number];

  @ApiPropertyOptional({ example: 0.8, exclusiveMinimum: true, minimum: 0, maximum: 5, description: 'Coefficient of variation of handle times; required with `lognormal`.' })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(5)
  handleTimeCv?: number;

  @ApiPropertyOptional({ example: 300, exclusiveMinimum: true, minimum: 0, maximum: L.maxSeconds, description: 'Phone and chat only: mean patience, seconds (exponential, the Erlang A assumption). Absent: nobody gives up.' })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(L.maxSeconds)
  patienceSeconds?: number;

  @ApiPropertyOptional({ example: 0.05, minimum: 0, maximum: 10, default: 0, description: 'Over-dispersion d of the interval counts: each interval\'s rate is multiplied by a Gamma(1/d, d) factor (gamma–Poisson, count variance m + d·m²). 0: Poisson.' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(10)
  dispersion?: number;

  @ApiProperty({ type: StaffingTargetDto, example: { percent: 80, seconds: 20 }, description: 'Answer within `seconds` of elapsed time (email: reply, i.e. end of handling).' })
  @IsObject()
  @ValidateNested()
  @Type(() => StaffingTargetDto)
  target: StaffingTargetDto;
}

export class SimSkillDto {
  @ApiProperty({ example: 'lang:fi' })
  @Matches(SKILL, { message: 'skill must look like lang:fi or topic:disputes' })
  skill: string;

  @ApiProperty({ type: 'integer', example: 5, minimum: 1, maximum: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  proficiency: number;
}

export class SimCapacityDto {
  @ApiProperty({ type: 'integer', example: 1, minimum: 0, maximum: 1, description: 'Calls at once.' })
  @IsInt()
  @Min(0)
  @Max(1)
  phone: number;

  @ApiProperty({ type: 'integer', example: 2, minimum: 0, maximum: 10, description: 'Chats at once.' })
  @IsInt()
  @Min(0)
  @Max(10)
  chat: number;

  @ApiProperty({ type: 'integer', example: 0, minimum: 0, maximum: 20, description: 'Emails in progress at once.' })
  @IsInt()
  @Min(0)
  @Max(20)
  email: number;
}

export class SimBreakDto {
  @ApiProperty({ example: '2026-03-09T11:30:00Z' })
  @IsInstant()
  start: string;

  @ApiProperty({ example: '2026-03-09T12:00:00Z' })
  @IsInstant()
  end: string;
}

export class SimShiftDto {
  @ApiProperty({ example: '2026-03-09T08:00:00Z', description: 'Logged in from here.' })
  @IsInstant()
  start: string;

  @ApiProperty({ example: '2026-03-09T16:00:00Z', description: 'Takes nothing new from here; finishes what is in hand.' })
  @IsInstant()
  end: string;

  @ApiPropertyOptional({ type: [SimBreakDto], example: [{ start: '2026-03-09T11:30:00Z', end: '2026-03-09T12:00:00Z' }], description: 'At most 5, inside the shift.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => SimBreakDto)
  breaks?: SimBreakDto[];
}

export class SimAgentDto {
  @ApiProperty({ example: 'a-001', description: 'Unique in the request.' })
  @Matches(ID, { message: 'id must be 1–64 letters, digits, -, _, . or :' })
  id: string;

  @ApiProperty({ type: [SimSkillDto], example: [{ skill: 'lang:fi', proficiency: 5 }], description: 'At most 20.' })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SimSkillDto)
  skills: SimSkillDto[];

  @ApiProperty({ type: SimCapacityDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SimCapacityDto)
  capacity: SimCapacityDto;

  @ApiProperty({ type: [SimShiftDto], description: '1 to 10 shifts, not overlapping.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => SimShiftDto)
  shifts: SimShiftDto[];
}

export class SimStaffingDto {
  @ApiProperty({ example: 'phone-fi', description: 'A queue of the request.' })
  @Matches(ID, { message: 'queueId must be 1–64 letters, digits, -, _, . or :' })
  queueId: string;

  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 0, maximum: 1_000 }, example: [14, 14, 14, 14], description: 'Agents logged in per interval (integers 0–1,000), as long as the volumes. Expanded into agents with exactly the queue\'s skills and capacity for its channel only, logged in for the intervals where they are counted; like any agent they may also take contacts of other queues whose skills they meet.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(L.maxSimulationIntervals)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(1_000, { each: true })
  agents: number[];

  @ApiPropertyOptional({ type: 'integer', example: 1, minimum: 1, maximum: 10, default: 1, description: 'Chat/email queues: contacts one expanded agent holds at once (phone: always 1).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  concurrency?: number;
}

export class SimulationRequestDto {
  @ApiProperty({ example: '2026-03-09T08:00:00Z', description: 'Start of the first interval (ISO 8601).' })
  @IsInstant()
  start: string;

  @ApiProperty({ type: 'integer', example: 30, minimum: 1, maximum: L.maxIntervalMinutes })
  @IsInt()
  @Min(1)
  @Max(L.maxIntervalMinutes)
  intervalMinutes: number;

  @ApiProperty({ type: 'integer', example: 42, minimum: 0, maximum: 2_147_483_647, description: 'The same request and seed give the same answer.' })
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  seed: number;

  @ApiPropertyOptional({ type: 'integer', example: 2, minimum: 0, default: 0, description: 'Leading intervals simulated but left out of the totals (start from a typical state); fewer than the intervals.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  warmupIntervals?: number;

  @ApiProperty({ type: [SimQueueDto], description: `1 to ${L.maxSimulationQueues} queues.` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(L.maxSimulationQueues)
  @ValidateNested({ each: true })
  @Type(() => SimQueueDto)
  queues: SimQueueDto[];

  @ApiPropertyOptional({ type: [SimAgentDto], description: `Agents with skills, capacities and shifts. Together with the agents expanded from \`staffing\` at most ${L.maxSimulationAgents}; expected contacts × agents at most ${L.maxSimulationWork.toLocaleString('en')}.` })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.maxSimulationAgents)
  @ValidateNested({ each: true })
  @Type(() => SimAgentDto)
  agents?: SimAgentDto[];

  @ApiPropertyOptional({ type: [SimStaffingDto], description: 'Or simply agent counts per queue and interval (at most one entry per queue). `agents` and `staffing` may be combined; at least one agent overall.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.maxSimulationQueues)
  @ValidateNested({ each: true })
  @Type(() => SimStaffingDto)
  staffing?: SimStaffingDto[];

  @ApiPropertyOptional({
    example: 10,
    minimum: L.minTaskTimeoutSeconds,
    maximum: L.taskTimeoutSeconds,
    default: L.taskTimeoutSeconds,
    description: `Give up after this many seconds (waiting for a worker thread included): the answer is then 422 \`staffing.timeout\`. The simulation runs in a worker thread, off the API's event loop; at most ${L.taskTimeoutSeconds} s.`,
  })
  @IsOptional()
  @IsNumber()
  @Min(L.minTaskTimeoutSeconds)
  @Max(L.taskTimeoutSeconds)
  timeoutSeconds?: number;
}

export class SimStatsDto {
  @ApiProperty({ type: 'integer', example: 100, description: 'Contacts that arrived.' })
  offered: number;

  @ApiProperty({ type: 'integer', example: 97 })
  answered: number;

  @ApiProperty({ type: 'integer', example: 2 })
  abandoned: number;

  @ApiProperty({ type: 'integer', example: 1, description: 'Still waiting when the window ended.' })
  waitingAtEnd: number;

  @ApiProperty({ type: 'integer', example: 88, description: 'Answered within the target seconds (email: replied within).' })
  answeredWithinTarget: number;

  @ApiProperty({ example: 0.88, nullable: true, type: Number, description: 'answeredWithinTarget / offered, 0–1 (abandoned count as misses); null when nothing was offered.' })
  serviceLevel: number | null;

  @ApiProperty({ example: 7.9, nullable: true, type: Number, description: 'Mean wait of answered contacts, seconds; null when none was answered.' })
  asa: number | null;

  @ApiProperty({ example: 0.02, nullable: true, type: Number, description: 'abandoned / offered, 0–1; null when nothing was offered.' })
  abandonment: number | null;
}

export class SimChannelStatsDto extends SimStatsDto {
  @ApiProperty({ example: 0.71, nullable: true, type: Number, description: 'Share (0–1) of the staffed time of agents able to take the channel with at least one contact of it in hand; null when nobody was staffed.' })
  occupancy: number | null;
}

export class SimChannelsDto {
  @ApiPropertyOptional({ type: SimChannelStatsDto })
  phone?: SimChannelStatsDto;

  @ApiPropertyOptional({ type: SimChannelStatsDto })
  chat?: SimChannelStatsDto;

  @ApiPropertyOptional({ type: SimChannelStatsDto })
  email?: SimChannelStatsDto;
}

export class SimIntervalDto {
  @ApiProperty({ type: 'integer', example: 0 })
  index: number;

  @ApiProperty({ example: '2026-03-09T08:00:00.000Z' })
  start: string;

  @ApiProperty({ type: SimChannelsDto, description: 'Per channel of the request\'s queues, by arrival interval.' })
  byChannel: SimChannelsDto;
}

export class SimQueueStatsDto extends SimStatsDto {
  @ApiProperty({ example: 'phone-fi' })
  queueId: string;
}

export class SimTotalsDto {
  @ApiProperty({ type: SimChannelsDto })
  byChannel: SimChannelsDto;

  @ApiProperty({ type: SimChannelStatsDto, description: 'Every channel together.' })
  all: SimChannelStatsDto;

  @ApiProperty({ type: [SimQueueStatsDto] })
  byQueue: SimQueueStatsDto[];
}

export class SimulationResultDto {
  @ApiProperty({ type: 'integer', example: 42 })
  seed: number;

  @ApiProperty({ type: 'integer', example: 30 })
  intervalMinutes: number;

  @ApiProperty({ type: 'integer', example: 312, description: 'Agents simulated (explicit plus expanded from counts).' })
  agents: number;

  @ApiProperty({ type: 'integer', example: 4012, description: 'Contacts that arrived in the whole window (warm-up included).' })
  contactsArrived: number;

  @ApiProperty({ type: [SimIntervalDto] })
  intervals: SimIntervalDto[];

  @ApiProperty({ type: SimTotalsDto, description: 'The window after the warm-up intervals.' })
  totals: SimTotalsDto;
}
