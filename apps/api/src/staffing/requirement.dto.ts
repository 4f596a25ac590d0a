import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
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
import { CHANNELS, type Channel } from '../../../../libs/core/src/channel.js';
import { DEADLINE_BASES, EMAIL_POLICIES, type DeadlineBasis, type EmailPolicy } from '../../../../libs/staffing/src/index.js';
import { IsNumberOrArray } from './number-or-array.validator.js';
import { STAFFING_LIMITS as L } from './staffing-limits.js';

export class StaffingTargetDto {
  @ApiProperty({ example: 80, exclusiveMinimum: true, minimum: 0, maximum: 99.99, description: 'Share of contacts to answer within `seconds`, percent: > 0 and < 100 (a queue can never promise 100 %).' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @IsPositive()
  @Max(99.99)
  percent: number;

  @ApiProperty({ example: 20, exclusiveMinimum: true, minimum: 0, maximum: L.maxTargetSeconds, description: `Answer-time threshold, seconds (> 0, at most ${L.maxTargetSeconds}). Email (horizon form): the reply deadline in open seconds.` })
  @IsNumber()
  @IsPositive()
  @Max(L.maxTargetSeconds)
  seconds: number;

  @ApiPropertyOptional({
    enum: DEADLINE_BASES,
    example: 'business',
    description: "Email (horizon form) only: how the reply deadline `seconds` is counted — `business` (default: open time only, the clock stops while the queue is closed) or `elapsed` (wall-clock time, e.g. 'within 24 hours'; mail that cannot meet it is due at the next opening). Phone and chat targets are wall-clock times (422 onlyForEmail).",
  })
  @IsOptional()
  @IsIn(DEADLINE_BASES)
  basis?: DeadlineBasis;
}

export class RequirementRequestDto {
  @ApiProperty({ enum: CHANNELS, example: 'phone', description: 'phone: Erlang C, or Erlang A with `patienceSeconds`. chat: Erlang C on agents × `concurrency` slots. email: not here — email staffing depends on when the backlog is due, so it needs the horizon form (`POST /v1/staffing/requirements/horizon`); a single email interval is answered 422.' })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({ type: 'integer', example: 30, minimum: 1, maximum: L.maxIntervalMinutes, description: 'Length of the interval the volume arrives in, minutes.' })
  @IsInt()
  @Min(1)
  @Max(L.maxIntervalMinutes)
  intervalMinutes: number;

  @ApiProperty({ example: 100, minimum: 0, maximum: L.maxVolume, description: `Contacts arriving in the interval (>= 0, at most ${L.maxVolume}; fractions allowed, as forecasts give them). The offered load volume × ahtSeconds / interval seconds may be at most ${L.maxOfferedLoad} Erlangs.` })
  @IsNumber()
  @Min(0)
  @Max(L.maxVolume)
  volume: number;

  @ApiProperty({ example: 180, exclusiveMinimum: true, minimum: 0, maximum: L.maxSeconds, description: 'Mean handle time (talk + hold + wrap-up), seconds. Chat: of one chat handled alone.' })
  @IsNumber()
  @IsPositive()
  @Max(L.maxSeconds)
  ahtSeconds: number;

  @ApiProperty({ type: StaffingTargetDto, example: { percent: 80, seconds: 20 } })
  @IsObject()
  @ValidateNested()
  @Type(() => StaffingTargetDto)
  target: StaffingTargetDto;

  @ApiPropertyOptional({ example: 300, exclusiveMinimum: true, minimum: 0, maximum: L.maxSeconds, description: 'Phone only: mean caller patience, seconds (exponential). Given: exact Erlang A with abandonment; absent: Erlang C (nobody hangs up).' })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(L.maxSeconds)
  patienceSeconds?: number;

  @ApiPropertyOptional({ example: 0.85, exclusiveMinimum: true, minimum: 0, maximum: 1, description: 'Optional cap on occupancy, a fraction > 0 and <= 1: at least volume × AHT / (interval × maxOccupancy) agents.' })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(1)
  maxOccupancy?: number;

  @ApiPropertyOptional({ example: 0.3, minimum: 0, maximum: 0.95, description: 'Share of paid time not available for contacts (breaks, meetings, sickness), a fraction 0–0.95. Given: the answer adds `agentsWithShrinkage` = ⌈agents / (1 − shrinkage)⌉.' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(0.95)
  shrinkage?: number;

  @ApiPropertyOptional({ type: 'integer', example: 3, minimum: 1, maximum: 10, description: 'Chat only, required there: chats one agent handles at once.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  concurrency?: number;

  @ApiPropertyOptional({ example: 0.2, minimum: 0, maximum: 1, default: 0, description: 'Chat only: g in aht(c) = ahtSeconds × (1 + g·(c − 1)), how much each extra concurrent chat slows every chat down (0 = not at all, 1 = concurrency gains nothing).' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  concurrencySlowdown?: number;
}

export const MODELS = ['erlang-c', 'erlang-a', 'chat-concurrency', 'email-backlog'] as const;
export type StaffingModel = (typeof MODELS)[number];

export class RequirementDto {
  @ApiProperty({ type: 'integer', example: 14, description: 'Smallest number of agents meeting the target (and the occupancy cap), before shrinkage.' })
  agents: number;

  @ApiPropertyOptional({ type: 'integer', example: 20, description: 'Only when `shrinkage` was given: ⌈agents / (1 − shrinkage)⌉, the agents to schedule.' })
  agentsWithShrinkage?: number;

  @ApiProperty({ example: 0.888350, description: 'Share (0–1) of all arriving contacts answered within the target seconds, at `agents`. Under Erlang A, callers who hang up count as not answered in time.' })
  serviceLevel: number;

  @ApiProperty({ example: 7.836, description: 'Average speed of answer, seconds: mean wait (Erlang C: of all contacts; Erlang A: of answered callers).' })
  asa: number;

  @ApiProperty({ example: 0.714286, description: 'Share (0–1) of agent time busy at `agents` (chat: share of the agents × concurrency slots busy).' })
  occupancy: number;

  @ApiProperty({ example: 0, description: 'Share (0–1) of arriving callers who hang up before an answer (0 without patienceSeconds).' })
  abandonment: number;

  @ApiProperty({ example: 10, description: 'Offered load in Erlangs: volume × AHT / interval seconds (chat: with the stretched AHT, in slots).' })
  offeredLoad: number;

  @ApiProperty({ enum: MODELS, example: 'erlang-c', description: 'The model used.' })
  model: StaffingModel;
}

export class HorizonQueueDto {
  @ApiProperty({ example: 'phone-fi', description: 'Your name for the queue, unique in the request (1–64 letters, digits, `-`, `_`, `.`, `:`); echoed in the answer.' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, { message: 'id must be 1–64 letters, digits, -, _, . or :' })
  id: string;

  @ApiProperty({ enum: CHANNELS, example: 'phone', description: 'phone: Erlang C / Erlang A; chat: concurrency; email: deadline-driven backlog over the whole series.' })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({ type: [Number], example: [12, 18.5, 25, 31], description: `Contacts arriving per interval (each >= 0 and <= ${L.maxVolume}); 1 to ${L.maxHorizonIntervals} intervals, every queue of the request the same count.` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(L.maxHorizonIntervals)
  @IsNumber({}, { each: true })
  @Min(0, { each: true })
  @Max(L.maxVolume, { each: true })
  volumes: number[];

  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' } }], example: 180, description: `Mean handle time, seconds (> 0, <= ${L.maxSeconds}): one value for every interval, or an array as long as volumes.` })
  @IsNumberOrArray(0, L.maxSeconds, { exclusiveMin: true, maxLength: L.maxHorizonIntervals })
  ahtSeconds: number | number[];

  @ApiProperty({ type: StaffingTargetDto, example: { percent: 80, seconds: 20 }, description: 'phone/chat: the service-level target. email: `seconds` is the reply deadline, in open (business) seconds unless `basis` is `elapsed`; the backlog plan meets every deadline (see `emailPolicy`), so `percent` cannot lower the requirement.' })
  @IsObject()
  @ValidateNested()
  @Type(() => StaffingTargetDto)
  target: StaffingTargetDto;

  @ApiPropertyOptional({ example: 300, exclusiveMinimum: true, minimum: 0, maximum: L.maxSeconds, description: 'Phone only: mean patience, seconds; given: Erlang A.' })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(L.maxSeconds)
  patienceSeconds?: number;

  @ApiPropertyOptional({ example: 0.85, exclusiveMinimum: true, minimum: 0, maximum: 1, description: 'Optional occupancy cap, fraction > 0 and <= 1 (email: share of an agent interval spent on email).' })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(1)
  maxOccupancy?: number;

  @ApiPropertyOptional({ oneOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' } }], example: 0.3, description: 'Shrinkage fraction 0–0.95: one value or one per interval. Given: `agentsWithShrinkage` is filled in.' })
  @IsOptional()
  @IsNumberOrArray(0, 0.95, { maxLength: L.maxHorizonIntervals })
  shrinkage?: number | number[];

  @ApiPropertyOptional({ type: 'integer', example: 3, minimum: 1, maximum: 10, description: 'Chat only, required there: chats one agent handles at once.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  concurrency?: number;

  @ApiPropertyOptional({ example: 0.2, minimum: 0, maximum: 1, description: 'Chat only: slowdown per extra concurrent chat (see the single-interval form).' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  concurrencySlowdown?: number;

  @ApiPropertyOptional({ type: [Boolean], example: [true, true, true, false], description: 'Which intervals are open (default: all), as long as volumes. Closed intervals get 0 agents; email business time runs only in open intervals.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.maxHorizonIntervals)
  @IsBoolean({ each: true })
  open?: boolean[];

  @ApiPropertyOptional({
    enum: EMAIL_POLICIES,
    example: 'level',
    default: 'level',
    description:
      'Email only: how the backlog is staffed. `level`: the fewest agents, the same in every open interval of the horizon, that meet every deadline — email is worked steadily and as early as that desk allows. `latest`: agents only when a deadline forces them (the fewest agent-hours, but piled into deadline intervals). Both work the backlog earliest deadline first; emails due after the horizon are not forced (`backlogEmailsAtEnd`).',
  })
  @IsOptional()
  @IsIn(EMAIL_POLICIES)
  emailPolicy?: EmailPolicy;
}

export class HorizonPoolDto {
  @ApiProperty({ example: 'frontline-fi', description: 'Your name for the pool, unique among the pools (1–64 letters, digits, `-`, `_`, `.`, `:`).' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, { message: 'id must be 1–64 letters, digits, -, _, . or :' })
  id: string;

  @ApiProperty({ type: [String], example: ['phone-fi', 'chat-fi', 'email-fi'], description: 'Ids of queues of the request answered by this pool\'s agents (1–50; a queue in at most one pool).' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(L.maxHorizonQueues)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, { each: true, message: 'queueIds must be queue ids' })
  queueIds: string[];

  @ApiPropertyOptional({ oneOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' } }], example: 0.3, description: 'Shrinkage of the pool\'s agents, 0–0.95: one value or one per interval. Given: `agentsWithShrinkage`.' })
  @IsOptional()
  @IsNumberOrArray(0, 0.95, { maxLength: L.maxHorizonIntervals })
  shrinkage?: number | number[];

  @ApiPropertyOptional({ example: 0.8, minimum: 0, maximum: 1, default: 0.8, description: 'Share of the phone and chat agents\' idle time (n·(1 − occupancy) per interval) that can go to email: switching costs and idle moments too short for an email make it less than 1.' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  idleUsableShare?: number;

  @ApiPropertyOptional({ enum: EMAIL_POLICIES, example: 'level', default: 'level', description: 'Policy of the pool\'s email backlog (see the queue field `emailPolicy`).' })
  @IsOptional()
  @IsIn(EMAIL_POLICIES)
  emailPolicy?: EmailPolicy;
}

export class HorizonRequestDto {
  @ApiProperty({ type: 'integer', example: 15, minimum: 1, maximum: L.maxIntervalMinutes, description: 'Length of every interval, minutes.' })
  @IsInt()
  @Min(1)
  @Max(L.maxIntervalMinutes)
  intervalMinutes: number;

  @ApiProperty({
    type: [HorizonQueueDto],
    description: `1 to ${L.maxHorizonQueues} queues with equally long series; queues × intervals at most ${L.maxHorizonItems} (e.g. a week of 15-minute intervals × 30 queues = 20,160), each interval's offered load at most ${L.maxOfferedLoad} Erlangs; the Erlang A queues (phone with patienceSeconds) at most ${L.maxErlangAWork} work units, Σ over their distinct (volume, AHT) intervals of max(1, Erlangs)^0.75 / 20 (a week of 10 typical phone queues uses a few hundred). The JSON body may be at most 1 MB.`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(L.maxHorizonQueues)
  @ValidateNested({ each: true })
  @Type(() => HorizonQueueDto)
  queues: HorizonQueueDto[];

  @ApiPropertyOptional({
    type: [HorizonPoolDto],
    description: `Blended pools (at most ${L.maxHorizonPools}): queues of different channels answered by the same agents. Per interval a pool needs Σ phone + Σ chat requirements (each keeps its own queueing margin: a call needs an agent without chats and blocks new chats) plus only the email agents its phone/chat agents\' usable idle time cannot cover — the routing engine gives calls to agents holding emails and holds emails back while calls wait, so email is a lower, interruptible priority that does not lower the phone or chat service level. The answer gives the separate sum beside it.`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.maxHorizonPools)
  @ValidateNested({ each: true })
  @Type(() => HorizonPoolDto)
  pools?: HorizonPoolDto[];
}

export class HorizonQueueRequirementsDto {
  @ApiProperty({ example: 'phone-fi' })
  id: string;

  @ApiProperty({ enum: CHANNELS, example: 'phone' })
  channel: Channel;

  @ApiProperty({ enum: MODELS, example: 'erlang-a' })
  model: StaffingModel;

  @ApiProperty({ type: 'integer', isArray: true, example: [3, 4, 5, 0], description: 'Agents needed per interval, before shrinkage.' })
  agents: number[];

  @ApiPropertyOptional({ type: 'integer', isArray: true, example: [5, 6, 8, 0], description: 'Only with shrinkage: agents to schedule per interval.' })
  agentsWithShrinkage?: number[];

  @ApiProperty({ type: [Number], example: [0.85, 0.83, 0.86, 1], description: 'Service level (0–1) per interval at those agents (email: 1, every deadline met).' })
  serviceLevel: number[];

  @ApiProperty({ type: [Number], example: [9.1, 11.4, 8.7, 0], description: 'ASA per interval, seconds (email: mean business-time response of the emails finished in the interval).' })
  asa: number[];

  @ApiProperty({ type: [Number], example: [0.62, 0.7, 0.71, 0], description: 'Occupancy (0–1) per interval.' })
  occupancy: number[];

  @ApiProperty({ type: [Number], example: [0.02, 0.025, 0.02, 0], description: 'Abandonment (0–1) per interval (phone with patience only, else 0).' })
  abandonment: number[];

  @ApiProperty({ type: 'integer', example: 5, description: 'Largest per-interval requirement (before shrinkage).' })
  peakAgents: number;

  @ApiProperty({ example: 3, description: 'Σ agents × interval length, in hours (before shrinkage).' })
  agentHours: number;

  @ApiPropertyOptional({ example: 12.5, description: 'Email only: emails still open at the end of the horizon (due after it).' })
  backlogEmailsAtEnd?: number;
}

export class HorizonPoolRequirementsDto {
  @ApiProperty({ example: 'frontline-fi' })
  id: string;

  @ApiProperty({ type: [String], example: ['phone-fi', 'chat-fi', 'email-fi'] })
  queueIds: string[];

  @ApiProperty({ type: 'integer', isArray: true, example: [12, 15, 16, 0], description: 'Agents the pool needs per interval, before shrinkage: interactiveAgents + emailAgents.' })
  agents: number[];

  @ApiPropertyOptional({ type: 'integer', isArray: true, example: [18, 22, 23, 0], description: 'Only with the pool\'s shrinkage: agents to schedule per interval.' })
  agentsWithShrinkage?: number[];

  @ApiProperty({ type: 'integer', isArray: true, example: [11, 14, 15, 0], description: 'Σ of the pool\'s phone and chat requirements per interval.' })
  interactiveAgents: number[];

  @ApiProperty({ type: 'integer', isArray: true, example: [1, 1, 1, 0], description: 'Agents added for email beyond the usable idle time, per interval.' })
  emailAgents: number[];

  @ApiProperty({ type: 'integer', isArray: true, example: [14, 17, 18, 0], description: 'Σ of the pool\'s queues staffed separately (email by its own policy), per interval, for comparison.' })
  separateAgents: number[];

  @ApiProperty({ type: [Number], example: [0.6, 0.2, 0.1, 0], description: 'Share (0–1) of the email work of each interval done in the phone/chat agents\' idle time.' })
  emailShareInIdleTime: number[];

  @ApiProperty({ type: 'integer', example: 16, description: 'Largest per-interval pool requirement.' })
  peakAgents: number;

  @ApiProperty({ example: 10.75, description: 'Σ agents × interval length, hours (before shrinkage).' })
  agentHours: number;

  @ApiProperty({ example: 12.25, description: 'The same for the queues staffed separately.' })
  separateAgentHours: number;

  @ApiProperty({ example: 4.5, description: 'Emails of the pool still open at the end of the horizon (due after it).' })
  backlogEmailsAtEnd: number;
}

export class HorizonRequirementsDto {
  @ApiProperty({ type: 'integer', example: 15 })
  intervalMinutes: number;

  @ApiProperty({ type: [HorizonQueueRequirementsDto] })
  queues: HorizonQueueRequirementsDto[];

  @ApiPropertyOptional({ type: [HorizonPoolRequirementsDto], description: 'Only when the request has pools: one per pool, in its order.' })
  pools?: HorizonPoolRequirementsDto[];
}
