import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsLocalDate, QueryInteger, NotBeforeDate } from '../common/validation.js';
import { INVITATION_STATUSES } from '../../../../libs/persistence/src/entities/feedback.entity.js';
import type { FeedbackSettings, InvitationRow } from '../../../../libs/persistence/src/repositories/feedback.repository.js';
import type { FeedbackReportRow, SurveyComment } from './feedback.use-cases.js';
import { PageQueryDto } from '../common/paging.dto.js';

export class ChannelRatesDto {
  @ApiPropertyOptional({ example: 0.2, minimum: 0, maximum: 1, description: 'Share of eligible ended phone contacts invited.' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  phone?: number;

  @ApiPropertyOptional({ example: 0.1, minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  chat?: number;

  @ApiPropertyOptional({ example: 0.1, minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  email?: number;
}

export class QueueRateDto {
  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  @IsUUID()
  queueId: string;

  @ApiProperty({ example: 0.25, nullable: true, type: Number, minimum: 0, maximum: 1, description: "The queue's own rate; null goes back to its channel's rate." })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  rate: number | null;
}

export class UpdateFeedbackSettingsDto {
  @ApiPropertyOptional({ type: ChannelRatesDto, description: 'Default sampling rate per channel.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelRatesDto)
  rates?: ChannelRatesDto;

  @ApiPropertyOptional({ type: 'integer', example: 90, minimum: 0, maximum: 3650, description: 'A customer is not invited again within this many days.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  cooldownDays?: number;

  @ApiPropertyOptional({ type: 'integer', example: 72, minimum: 1, maximum: 2160, description: 'How long a survey link stays open, hours.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2160)
  responseHours?: number;

  @ApiPropertyOptional({ type: [QueueRateDto], description: 'Per-queue rates (stratum = channel × queue) overriding the channel rate.' })
  @IsOptional()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => QueueRateDto)
  queueRates?: QueueRateDto[];
}

export class RatesDto {
  @ApiProperty({ example: 0.2 })
  phone: number;

  @ApiProperty({ example: 0.1 })
  chat: number;

  @ApiProperty({ example: 0.1 })
  email: number;
}

export class QueueRateOutDto {
  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  queueId: string;

  @ApiProperty({ example: 0.25 })
  rate: number;
}

export class FeedbackSettingsDto {
  @ApiProperty({ type: RatesDto })
  rates: RatesDto;

  @ApiProperty({ type: 'integer', example: 90 })
  cooldownDays: number;

  @ApiProperty({ type: 'integer', example: 72 })
  responseHours: number;

  @ApiProperty({ type: [QueueRateOutDto] })
  queueRates: QueueRateOutDto[];

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  updatedAt: string;

  static from(s: FeedbackSettings): FeedbackSettingsDto {
    return { rates: { ...s.rates }, cooldownDays: s.cooldownDays, responseHours: s.responseHours, queueRates: s.queueRates, updatedAt: s.updatedAt.toISOString() };
  }
}

export class InvitationQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INVITATION_STATUSES, example: 'pending' })
  @IsOptional()
  @IsIn(INVITATION_STATUSES)
  status?: string;
}

export class InvitationDto {
  @ApiProperty({ example: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' })
  id: string;

  @ApiProperty({ example: '7d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a' })
  surveyId: string;

  @ApiProperty({ enum: ['sms', 'email'], example: 'sms' })
  medium: string;

  @ApiProperty({ enum: INVITATION_STATUSES, example: 'sent' })
  status: string;

  @ApiProperty({ type: 'integer', example: 1 })
  attempts: number;

  @ApiProperty({ example: '2026-11-22T10:00:30.000Z' })
  nextAttemptAt: string;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'Why the last attempt failed (gateway status only).' })
  lastError: string | null;

  @ApiProperty({ example: 'webhook', nullable: true, type: String })
  gateway: string | null;

  @ApiProperty({ example: '2026-11-22T10:00:01.000Z', nullable: true, type: String })
  sentAt: string | null;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  createdAt: string;

  static from(r: InvitationRow): InvitationDto {
    return { ...r, nextAttemptAt: r.nextAttemptAt.toISOString(), sentAt: r.sentAt?.toISOString() ?? null, createdAt: r.createdAt.toISOString() };
  }
}

export class InvitationPageDto {
  @ApiProperty({ type: [InvitationDto] })
  items: InvitationDto[];

  @ApiProperty({ type: 'integer', example: 1 })
  total: number;
}

export class FeedbackReportQueryDto {
  @ApiProperty({ example: '2026-10-01', description: 'First local date (Europe/Helsinki), `YYYY-MM-DD`, of the contacts ended whose surveys are counted (inclusive). A period cut by the range counts only its days inside it.' })
  @IsLocalDate()
  from: string;

  @ApiProperty({
    example: '2026-12-31',
    description: 'Last local date (inclusive), as GET /v1/reports/* take it: `from=2026-10-01&to=2026-12-31` is the fourth quarter. On or after `from` (422 rule afterFrom); by day at most 400 days (rule maxRange).',
  })
  @IsLocalDate()
  @NotBeforeDate()
  to: string;

  @ApiPropertyOptional({ enum: ['day', 'week', 'month', 'quarter'], default: 'month', example: 'month', description: 'Weeks start on Monday.' })
  @IsOptional()
  @IsIn(['day', 'week', 'month', 'quarter'])
  period: 'day' | 'week' | 'month' | 'quarter' = 'month';

  @ApiPropertyOptional({ enum: ['none', 'channel', 'queue', 'agent'], default: 'none', example: 'channel' })
  @IsOptional()
  @IsIn(['none', 'channel', 'queue', 'agent'])
  groupBy: 'none' | 'channel' | 'queue' | 'agent' = 'none';

  @ApiPropertyOptional({ enum: ['phone', 'chat', 'email'], example: 'phone' })
  @IsOptional()
  @IsIn(['phone', 'chat', 'email'])
  channel?: 'phone' | 'chat' | 'email';

  @ApiPropertyOptional({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  @IsOptional()
  @IsUUID()
  queueId?: string;

  @ApiPropertyOptional({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11' })
  @IsOptional()
  @IsUUID()
  agentId?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', example: 'json', description: 'csv for CSV; without it, CSV when the Accept header asks for text/csv (as the /v1/reports/* reports).' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class FeedbackReportRowDto implements FeedbackReportRow {
  @ApiProperty({ example: '2026-10-01', nullable: true, type: String, description: 'First local date of the period; null in totals.' })
  period: string | null;

  @ApiProperty({ example: 'phone', nullable: true, type: String, description: 'Channel, queue id or agent id (per groupBy); null for none.' })
  group: string | null;

  @ApiProperty({
    example: 'Aino Virtanen (E1042)',
    nullable: true,
    type: String,
    description: "As the reports label their rows (GET /v1/reports/*' groupLabel): the channel, the queue's key, or the agent's name and employee number — an agent or queue since deleted by its id; null for none.",
  })
  groupLabel: string | null;

  @ApiProperty({ type: 'integer', example: 1200, description: 'Surveys sent out for contacts that ended in the period: invitations the gateway took, and surveys answered. A survey whose invitation still waits in the outbox, expired unsent (no SURVEY_WEBHOOK_URL, gateway down), was rejected by the gateway or cancelled by an erasure asked no one and is not counted, so responseRate is answers per invitation received.' })
  invited: number;

  @ApiProperty({ type: 'integer', example: 410 })
  responses: number;

  @ApiProperty({ example: 0.3417, nullable: true, type: Number })
  responseRate: number | null;

  @ApiProperty({ type: 'integer', example: 280 })
  promoters: number;

  @ApiProperty({ type: 'integer', example: 90 })
  passives: number;

  @ApiProperty({ type: 'integer', example: 40 })
  detractors: number;

  @ApiProperty({ example: 58.5, nullable: true, type: Number, description: 'NPS = 100 · (promoters − detractors) / responses.' })
  nps: number | null;

  @ApiProperty({ example: 52.4, nullable: true, type: Number, description: 'NPS − 1.96 · SE, SE = 100 · sqrt((pP + pD − (pP − pD)²) / n).' })
  npsCi95Low: number | null;

  @ApiProperty({ example: 64.6, nullable: true, type: Number })
  npsCi95High: number | null;

  @ApiProperty({ example: 3.1, nullable: true, type: Number })
  npsStandardError: number | null;

  @ApiProperty({ type: 'integer', example: 405 })
  fcrAnswers: number;

  @ApiProperty({ type: 'integer', example: 320 })
  fcrYes: number;

  @ApiProperty({ example: 0.7901, nullable: true, type: Number, description: 'Answered "yes, solved at the first contact" / answers.' })
  fcrRate: number | null;

  @ApiProperty({ example: 0.7481, nullable: true, type: Number, description: 'Wilson 95 % interval.' })
  fcrCi95Low: number | null;

  @ApiProperty({ example: 0.8266, nullable: true, type: Number })
  fcrCi95High: number | null;

  @ApiProperty({
    type: 'integer',
    example: 1130,
    description:
      'First-contact resolution from data, same period and group (GET /v1/reports/first-contact-resolution): answered contacts. By agent: contacts the agent closed. Placed by arrival (surveys by contact end).',
  })
  dataFcrHandled: number;

  @ApiProperty({ type: 'integer', example: 141, description: 'Of them, followed by another contact of the same customer, any channel, within 7 days.' })
  dataFcrRepeated: number;

  @ApiProperty({ example: 0.8752, nullable: true, type: Number, description: 'First-contact resolution from data: 1 − dataFcrRepeated / dataFcrHandled; null when nothing was handled. Compare with fcrRate.' })
  dataFcrRate: number | null;

  @ApiProperty({ example: true, nullable: true, type: Boolean, description: 'True when 7 days have passed since the end of the period (the data figure is final); null when the data report has no row.' })
  dataFcrWindowComplete: boolean | null;
}

export class FeedbackReportDto {
  @ApiProperty({ example: 'Europe/Helsinki' })
  timeZone: string;

  @ApiProperty({ example: '2026-10-01', description: 'First local date, as asked.' })
  from: string;

  @ApiProperty({ example: '2026-12-31', description: 'Last local date (inclusive), as asked.' })
  to: string;

  @ApiProperty({ example: 'month' })
  period: string;

  @ApiProperty({ example: 'channel' })
  groupBy: string;

  @ApiProperty({ type: [FeedbackReportRowDto] })
  rows: FeedbackReportRowDto[];

  @ApiProperty({ type: [FeedbackReportRowDto], description: 'One row per group over the whole range.' })
  totals: FeedbackReportRowDto[];
}

export class AuditSampleQueryDto {
  @ApiProperty({ example: '2026-Q4' })
  @Matches(/^\d{4}-Q[1-4]$/)
  quarter: string;

  @ApiPropertyOptional({ type: 'integer', example: 400, minimum: 1, maximum: 100000, default: 400 })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(100_000)
  size: number = 400;

  @ApiProperty({ type: 'integer', example: 20261122, minimum: 0, maximum: 2 ** 32 - 1, description: 'The same seed draws the same sample from the same answers.' })
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(2 ** 32 - 1)
  seed: number;
}

export class SurveyQuestionDto {
  @ApiProperty({ example: 'npsScore' })
  key: string;

  @ApiProperty({ example: 'How likely is it that you would recommend us to a friend or colleague? (0–10)' })
  text: string;
}

export class SurveyDto {
  @ApiProperty({ enum: ['phone', 'chat', 'email'], example: 'phone' })
  channel: string;

  @ApiProperty({ example: 'fi', nullable: true, type: String })
  language: string | null;

  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' })
  expiresAt: string;

  @ApiProperty({ type: [SurveyQuestionDto] })
  questions: SurveyQuestionDto[];
}

export class SurveyAnswerDto {
  @ApiProperty({ type: 'integer', example: 9, minimum: 0, maximum: 10, description: 'Would you recommend us? 0–10.' })
  @IsInt()
  @Min(0)
  @Max(10)
  npsScore: number;

  @ApiProperty({ example: true, description: 'Was your matter resolved at your first contact?' })
  @IsBoolean()
  resolvedFirstContact: boolean;

  @ApiPropertyOptional({ example: 'Friendly and quick, thank you.', maxLength: 2000, description: 'Free text: personal data may appear; never logged, removed on erasure and after the retention period.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class SurveyAnsweredDto {
  @ApiProperty({ example: 'answered' })
  status: string;

  @ApiProperty({ example: '2026-11-22T10:05:00.000Z' })
  answeredAt: string;
}

/** `GET /v1/feedback/comments`: which comments, by the local date their contact ended, a page at a time. */
export class CommentQueryDto extends PageQueryDto {
  @ApiProperty({ example: '2026-10-01', description: 'First local date (Europe/Helsinki) of the contacts ended whose comments are listed (inclusive), as GET /v1/feedback/reports counts them.' })
  @IsLocalDate()
  from: string;

  @ApiProperty({ example: '2026-12-31', description: 'Last local date (inclusive); on or after `from` (422 rule afterFrom), at most 3 years (rule maxRange).' })
  @IsLocalDate()
  @NotBeforeDate()
  to: string;

  @ApiPropertyOptional({ enum: ['phone', 'chat', 'email'], example: 'phone' })
  @IsOptional()
  @IsIn(['phone', 'chat', 'email'])
  channel?: 'phone' | 'chat' | 'email';

  @ApiPropertyOptional({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  @IsOptional()
  @IsUUID()
  queueId?: string;

  @ApiPropertyOptional({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', description: 'The agent who served the contact (an agent since deleted too).' })
  @IsOptional()
  @IsUUID()
  agentId?: string;

  @ApiPropertyOptional({ enum: ['promoter', 'passive', 'detractor'], example: 'detractor', description: 'Only answers of this NPS class (9–10, 7–8, 0–6).' })
  @IsOptional()
  @IsIn(['promoter', 'passive', 'detractor'])
  npsClass?: 'promoter' | 'passive' | 'detractor';

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', example: 'json', description: 'csv for CSV (the same page; X-Total-Count gives the total); without it, CSV when the Accept header asks for text/csv.' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class SurveyCommentDto {
  @ApiProperty({ example: '7d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a', description: 'The survey (as in the audit sample).' })
  surveyId: string;

  @ApiProperty({ enum: ['phone', 'chat', 'email'], example: 'phone' })
  channel: string;

  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', nullable: true, type: String })
  queueId: string | null;

  @ApiProperty({ example: 'phone-fi', nullable: true, type: String, description: "The queue's key (a queue since deleted: null, with queueId)." })
  queueLabel: string | null;

  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', nullable: true, type: String, description: 'The agent who served the contact.' })
  agentId: string | null;

  @ApiProperty({ example: 'Aino Virtanen (E1042)', nullable: true, type: String, description: "The agent's name and employee number, as the reports label agents; an agent since deleted by its id." })
  agentLabel: string | null;

  @ApiProperty({ example: 'fi', nullable: true, type: String, description: "The contact's language." })
  language: string | null;

  @ApiProperty({ example: '2026-11-02T08:15:00.000Z' })
  contactEndedAt: string;

  @ApiProperty({ example: '2026-11-02T08:40:12.000Z' })
  respondedAt: string;

  @ApiProperty({ type: 'integer', example: 3, minimum: 0, maximum: 10 })
  npsScore: number;

  @ApiProperty({ enum: ['promoter', 'passive', 'detractor'], example: 'detractor' })
  npsClass: string;

  @ApiProperty({ example: false })
  resolvedFirstContact: boolean;

  @ApiProperty({
    example: 'Jonotin pitkään, mutta [name] auttoi. Soittakaa [phone].',
    description:
      'What the customer wrote, masked: e-mail addresses ([email]), Finnish personal identity codes ([personal id]), phone-number-like runs of 7+ digits ([phone]), ' +
      'and the names ([name]) and gateway reference ([reference]) Vuoro holds for this customer. A name Vuoro does not know stays: the text is still free text.',
  })
  comment: string;

  static from(c: SurveyComment): SurveyCommentDto {
    return { ...c, contactEndedAt: c.contactEndedAt.toISOString(), respondedAt: c.respondedAt.toISOString() };
  }
}

export class SurveyCommentPageDto {
  @ApiProperty({ type: [SurveyCommentDto], description: 'Oldest contact end first.' })
  items: SurveyCommentDto[];

  @ApiProperty({ type: 'integer', example: 57 })
  total: number;

  @ApiProperty({ type: 'integer', example: 200 })
  limit: number;

  @ApiProperty({ type: 'integer', example: 0 })
  offset: number;
}
