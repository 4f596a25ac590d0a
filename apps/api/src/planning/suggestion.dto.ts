import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsLocalDate, QueryInteger } from '../common/validation.js';
import { PLANNING_REACH_DAYS } from '../../../../libs/planning/src/reach.js';
import { LoanItemDto } from './loan.dto.js';

export class SuggestionQueryDto {
  @ApiProperty({ example: '2026-11-26', description: `The local day. Suggestions are made from its forecast, and planning reaches ${PLANNING_REACH_DAYS} days ahead (today included): a day past that is refused (422, rule \`horizon\`, naming the last date planning reaches).` })
  @IsLocalDate()
  date: string;

  @ApiPropertyOptional({ type: 'integer', example: 60, default: 60, minimum: 15, maximum: 480, description: 'Shortest loan block.' })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(15)
  @Max(480)
  minBlockMinutes?: number;

  @ApiPropertyOptional({ example: false, default: false, description: 'Apply the alternatives (email work deferred, callbacks) before loans, so that loans cover only what they leave. Default: listed as alternatives; loans cover the whole deficit left after break moves.' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  applyAlternatives?: boolean;
}

export class SuggestionIntervalDto {
  @ApiProperty({ example: '2026-11-26T08:00:00.000Z' })
  start: string;
  @ApiProperty({ example: 31.2, description: 'Forecast calls (intraday re-forecast when stored), after callbacks.' })
  volume: number;
  @ApiProperty({ type: 'integer', example: 11, description: 'Agents needed for the target (Erlang C).' })
  needed: number;
  @ApiProperty({ type: 'integer', example: 9, description: 'Agents of the queue on shift and not on a break (incl. active loans in).' })
  scheduled: number;
  @ApiProperty({ type: 'integer', example: 11, description: 'With every suggestion applied.' })
  withSuggestions: number;
  @ApiProperty({ example: 0.74 })
  serviceLevelWithout: number;
  @ApiProperty({ example: 0.92 })
  serviceLevelWith: number;
}

export class LenderCostDto {
  @ApiProperty({ example: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918' })
  departmentId: string;
  @ApiProperty({ example: 2, description: 'Agent-hours the lending department gives up.' })
  hours: number;
  @ApiProperty({ example: 'minimum staffing', enum: ['forecast', 'minimum staffing'], description: 'What the lender must keep: its own queues’ forecast → staffing requirement, or (no queues) its minimum on-shift staffing from its planning settings.' })
  basis: string;
  @ApiProperty({ type: 'integer', example: 6, description: 'Its fewest staff on shift (not on a break) during the block, earlier suggestions applied.' })
  staffOnShiftMin: number;
  @ApiProperty({ type: 'integer', example: 5, description: 'Its fewest staff left during the block with this loan.' })
  staffLeftMin: number;
  @ApiProperty({ type: 'integer', example: 4, description: 'The most staff it must keep in any interval of the block (requirement or minimum); staff left never falls below it.' })
  requiredStaffMax: number;
  @ApiPropertyOptional({ example: 0.95, nullable: true, type: Number, description: 'Its own phone queues’ lowest projected SL over the block without the loan (lenders with phone queues only).' })
  ownServiceLevelWithout: number | null;
  @ApiPropertyOptional({ example: 0.91, nullable: true, type: Number, description: 'The same with the loan.' })
  ownServiceLevelWith: number | null;
}

export class EmailDeferralSuggestionDto {
  @ApiProperty({ example: '8a1f3c2d-4b5e-4f6a-9b8c-7d6e5f4a3b2c', description: 'An agent of the borrowing department on an email shift.' })
  agentId: string;
  @ApiPropertyOptional({ example: 'c2b1a0f9-8e7d-4c6b-9a5f-4e3d2c1b0a9f', nullable: true, type: String, description: 'The email shift.' })
  shiftId: string | null;
  @ApiProperty({ example: '2026-11-26T08:00:00.000Z', description: 'The agent answers this phone queue instead of email from …' })
  startsAt: string;
  @ApiProperty({ example: '2026-11-26T09:00:00.000Z', description: '… until.' })
  endsAt: string;
  @ApiProperty({ example: 1 })
  hours: number;
  @ApiProperty({ type: 'integer', example: 4, description: 'Short agent-intervals it covers.' })
  coveredDeficit: number;
  @ApiProperty({ example: 0.84 })
  serviceLevelWithout: number;
  @ApiProperty({ example: 0.9 })
  serviceLevelWith: number;
  @ApiProperty({ example: 12.5, description: 'Emails left at the end of tomorrow without the deferral (all within their deadline).' })
  emailBacklogAtEndWithout: number;
  @ApiProperty({ example: 16.1, description: 'The same with it.' })
  emailBacklogAtEndWith: number;
  @ApiProperty({ example: 0, description: 'Emails past their deadline with it (0: the deadline allows the deferral).' })
  emailDeadlineMissesWith: number;
}

export class LoanSuggestionDto {
  @ApiProperty({ example: '8a1f3c2d-4b5e-4f6a-9b8c-7d6e5f4a3b2c' })
  agentId: string;
  @ApiProperty({ example: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918' })
  fromDepartmentId: string;
  @ApiProperty({ example: '2026-11-26T08:00:00.000Z' })
  startsAt: string;
  @ApiProperty({ example: '2026-11-26T10:00:00.000Z' })
  endsAt: string;
  @ApiProperty({ example: 2 })
  hours: number;
  @ApiProperty({ type: 'integer', example: 5, description: 'Short agent-intervals it covers.' })
  coveredDeficit: number;
  @ApiProperty({ example: 0.81, description: 'Lowest projected SL over the block before this loan (earlier suggestions applied).' })
  serviceLevelWithout: number;
  @ApiProperty({ example: 0.9 })
  serviceLevelWith: number;
  @ApiProperty({ type: LenderCostDto })
  lender: LenderCostDto;
  @ApiProperty({ type: LoanItemDto, description: 'POST this (in `loans`) to /v1/loans to accept.' })
  accept: LoanItemDto;
}

export class BreakMoveSuggestionDto {
  @ApiProperty({ example: 'c2b1a0f9-8e7d-4c6b-9a5f-4e3d2c1b0a9f' })
  shiftId: string;
  @ApiPropertyOptional({ example: '8a1f3c2d-4b5e-4f6a-9b8c-7d6e5f4a3b2c', nullable: true, type: String })
  agentId: string | null;
  @ApiProperty({ example: 'lunch' })
  breakName: string;
  @ApiProperty({ example: '2026-11-26T09:30:00.000Z' })
  from: string;
  @ApiProperty({ example: '2026-11-26T11:30:00.000Z' })
  to: string;
  @ApiProperty({ type: 'integer', example: 2 })
  coveredDeficit: number;
}

export class CallbackSuggestionDto {
  @ApiProperty({ example: '2026-11-26T09:00:00.000Z', description: 'Interval whose callers are offered a callback.' })
  start: string;
  @ApiProperty({ type: 'integer', example: 4 })
  calls: number;
  @ApiProperty({ example: ['2026-11-26T11:00:00.000Z'], type: [String], description: 'Intervals the callbacks are made in.' })
  calledBackIn: string[];
  @ApiProperty({ type: 'integer', example: 1 })
  coveredDeficit: number;
}

export class BorrowingSuggestionsDto {
  @ApiProperty({ example: '3c1f0d8e-2a4b-4c6d-8e0f-1a2b3c4d5e6f' })
  queueId: string;
  @ApiProperty({ example: '2026-11-26' })
  date: string;
  @ApiProperty({ example: 'intraday re-forecast', description: 'Forecast used (the stored intraday re-forecast where there is one).' })
  forecastMethod: string;
  @ApiProperty({ example: 0.9 })
  targetServiceLevel: number;
  @ApiProperty({ example: false, description: 'Whether deferrals and callbacks were applied before the loans (see applyAlternatives).' })
  alternativesApplied: boolean;
  @ApiProperty({ type: [BreakMoveSuggestionDto], description: 'Cheapest first: breaks moved inside their template window.' })
  breakMoves: BreakMoveSuggestionDto[];
  @ApiProperty({ type: [EmailDeferralSuggestionDto], description: 'Email work deferred: agents on email shifts answer the queue for blocks ≥ minBlockMinutes while every email still meets its deadline (today’s and tomorrow’s email forecast and desk, business-time deadlines). Advisory: tell the agent (routing offers calls by skills and capacity).' })
  emailDeferrals: EmailDeferralSuggestionDto[];
  @ApiProperty({ type: [CallbackSuggestionDto], description: 'Callbacks offered to up to 15 % of a short interval’s callers.' })
  callbacks: CallbackSuggestionDto[];
  @ApiProperty({ type: [LoanSuggestionDto], description: 'Loans from other departments (fewest people, blocks ≥ minBlockMinutes, least-loaded lenders that keep their own requirement or minimum staffing).' })
  loans: LoanSuggestionDto[];
  @ApiProperty({ type: 'integer', example: 0, description: 'Short agent-intervals no suggestion covers.' })
  remainingDeficit: number;
  @ApiProperty({ example: [], type: [String], description: 'Intervals still below the target with every suggestion.' })
  intervalsStillShort: string[];
  @ApiProperty({ type: [SuggestionIntervalDto] })
  intervals: SuggestionIntervalDto[];
}
