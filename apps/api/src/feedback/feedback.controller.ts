import { Body, Controller, Get, Headers, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiGoneResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, Roles } from '../auth/roles.decorator.js';
import { ProblemDto } from '../common/problem-details.js';
import {
  AuditSampleQueryDto,
  CommentQueryDto,
  FeedbackReportDto,
  FeedbackReportQueryDto,
  FeedbackSettingsDto,
  InvitationDto,
  InvitationPageDto,
  InvitationQueryDto,
  SurveyAnswerDto,
  SurveyAnsweredDto,
  SurveyCommentDto,
  SurveyCommentPageDto,
  SurveyDto,
  UpdateFeedbackSettingsDto,
} from './feedback.dto.js';
import { AnswerSurvey, ExportAuditSample, GetFeedbackReport, GetFeedbackSettings, ListSurveyComments, ListSurveyInvitations, OpenSurvey, UpdateFeedbackSettings } from './feedback.use-cases.js';

/** format=csv, or Accept: text/csv unless format=json — as the /v1/reports/* reports. */
const wantsCsv = (format: string | undefined, accept: string | undefined) => format === 'csv' || (format !== 'json' && /\btext\/csv\b/.test(accept ?? ''));

const CSV_EXAMPLE = 'period,group,groupLabel,invited,responses,responseRate,promoters,passives,detractors,nps,npsCi95Low,npsCi95High,npsStandardError,fcrAnswers,fcrYes,fcrRate,fcrCi95Low,fcrCi95High,dataFcrHandled,dataFcrRepeated,dataFcrRate,dataFcrWindowComplete\r\n2026-10-01,phone,phone,1200,410,0.3417,280,90,40,58.5,52.4,64.6,3.1,405,320,0.7901,0.7481,0.8266,1130,141,0.8752,true\r\n';

@ApiTags('feedback')
@Controller('v1/feedback')
export class FeedbackController {
  constructor(
    private readonly getSettings: GetFeedbackSettings,
    private readonly updateSettings: UpdateFeedbackSettings,
    private readonly invitations: ListSurveyInvitations,
    private readonly report: GetFeedbackReport,
    private readonly auditSample: ExportAuditSample,
    private readonly comments: ListSurveyComments,
  ) {}

  @Get('settings')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Survey sampling settings: rate per channel and queue, cooldown per customer, how long a survey stays open' })
  @ApiOkResponse({ type: FeedbackSettingsDto })
  async settings(): Promise<FeedbackSettingsDto> {
    return FeedbackSettingsDto.from(await this.getSettings.execute());
  }

  @Put('settings')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Change the survey sampling settings (fields left out stay as they are; a queue rate of null falls back to the channel rate)' })
  @ApiOkResponse({ type: FeedbackSettingsDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async update(@Body() body: UpdateFeedbackSettingsDto): Promise<FeedbackSettingsDto> {
    return FeedbackSettingsDto.from(await this.updateSettings.execute(body));
  }

  @Get('invitations')
  @Roles('supervisor')
  @ApiOperation({ summary: 'The survey invitation outbox: delivery state, attempts and the last gateway error (no recipients, no links)' })
  @ApiOkResponse({ type: InvitationPageDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async list(@Query() q: InvitationQueryDto): Promise<InvitationPageDto> {
    const page = await this.invitations.execute(q);
    return { items: page.items.map(InvitationDto.from), total: page.total };
  }

  @Get('reports')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'NPS with its 95 % interval and the surveyed first-contact resolution rate (Wilson interval) next to first-contact resolution from data (repeat contacts within 7 days) by period and channel, queue or agent (Europe/Helsinki); format=csv or Accept: text/csv for CSV' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: FeedbackReportDto, description: `JSON, or with format=csv text/csv such as:\n\n    ${CSV_EXAMPLE.split('\r\n').join('\n    ')}` })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description: 'validation.failed naming the field and rule: a bad date, range, period or grouping; a `queueId` or `agentId` that names no queue or agent (rule `exists`, as GET /v1/reports/first-contact-resolution answers).',
  })
  async reports(@Query() q: FeedbackReportQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response): Promise<FeedbackReportDto | string> {
    const { format, ...query } = q;
    const report = await this.report.execute(query);
    if (!wantsCsv(format, accept)) return report;
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="feedback-${q.from}-${q.to}-${q.period}.csv"`);
    return GetFeedbackReport.csv(report);
  }

  @Get('comments')
  @Roles('manager')
  @ApiOperation({
    summary: "What customers wrote with their survey answers, by the local dates their contacts ended (inclusive), a page at a time; format=csv or Accept: text/csv for CSV",
    description:
      'Manager only (as the audit sample): free text. No customer field, and the text masked — e-mail addresses, identity codes, phone numbers, and the names and reference Vuoro holds for the customer ' +
      '(a name it does not know stays). A comment removed on erasure or by the retention run is not listed, nor is one sent after its customer was erased. ' +
      'Filters: channel, queueId, agentId, npsClass. CSV cells that a spreadsheet would run as a formula are prefixed with an apostrophe.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: SurveyCommentPageDto, description: 'JSON, or with format=csv the same page as text/csv (header X-Total-Count: comments in the range).' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'validation.failed naming the field and rule (afterFrom, maxRange, localDate, …)' })
  async listComments(@Query() q: CommentQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response): Promise<SurveyCommentPageDto | string> {
    const { format, ...query } = q;
    const page = await this.comments.execute(query);
    if (!wantsCsv(format, accept)) return { items: page.items.map(SurveyCommentDto.from), total: page.total, limit: q.limit, offset: q.offset };
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="survey-comments-${q.from}-${q.to}.csv"`).setHeader('X-Total-Count', String(page.total));
    return ListSurveyComments.csv(page.items);
  }

  @Get('audit-sample')
  @Roles('manager')
  @ApiOperation({ summary: "A quarter's random sample of survey answers as an outside auditor takes it (CSV, reproducible from the seed, no personal data)" })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV; headers X-Sample-Frame-Size (answers in the quarter) and X-Sample-Seed.',
    content: { 'text/csv': { schema: { type: 'string', example: 'sample_no,survey_id,channel,queue_key,agent_id,contact_ended_local,responded_local,nps_score,nps_class,resolved_first_contact\r\n1,7d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a,phone,phone-fi,0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11,2026-11-02T10:15:00,2026-11-02T10:40:12,9,promoter,true\r\n' } } },
  })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async audit(@Query() q: AuditSampleQueryDto, @Res({ passthrough: true }) res: Response): Promise<string> {
    const r = await this.auditSample.execute(q);
    res
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="survey-audit-sample-${q.quarter}-seed-${q.seed}.csv"`)
      .setHeader('X-Sample-Frame-Size', String(r.frameSize))
      .setHeader('X-Sample-Seed', String(q.seed));
    return r.csv;
  }
}

/** The customer's side: reached by the link in the invitation, no API key — the token is the key. */
@ApiTags('surveys')
@Controller('v1/surveys')
@Public()
export class SurveysController {
  constructor(
    private readonly open: OpenSurvey,
    private readonly answer: AnswerSurvey,
  ) {}

  @Get(':token')
  @ApiOperation({ summary: 'Open a survey by the token of its link (public): the questions and until when it can be answered' })
  @ApiParam({ name: 'token', example: 'q3Jx0c5bH1n7yZ8a2LkR0v9WmE4sT6uP1dF3gH5jK7l', description: '43-character token from the invitation link.' })
  @ApiOkResponse({ type: SurveyDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'survey.not_found' })
  @ApiConflictResponse({ type: ProblemDto, description: 'survey.already_answered' })
  @ApiGoneResponse({ type: ProblemDto, description: 'survey.expired' })
  async get(@Param('token') token: string): Promise<SurveyDto> {
    const s = await this.open.execute(token);
    return { ...s, expiresAt: s.expiresAt.toISOString() };
  }

  @Post(':token/response')
  @ApiOperation({ summary: 'Answer a survey once (public): NPS 0–10, solved at the first contact yes/no, and an optional comment' })
  @ApiParam({ name: 'token', example: 'q3Jx0c5bH1n7yZ8a2LkR0v9WmE4sT6uP1dF3gH5jK7l' })
  @ApiCreatedResponse({ type: SurveyAnsweredDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'survey.not_found' })
  @ApiConflictResponse({ type: ProblemDto, description: 'survey.already_answered' })
  @ApiGoneResponse({ type: ProblemDto, description: 'survey.expired' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'validation.failed naming the field and rule' })
  async respond(@Param('token') token: string, @Body() body: SurveyAnswerDto): Promise<SurveyAnsweredDto> {
    const r = await this.answer.execute(token, body);
    return { status: r.status, answeredAt: r.answeredAt.toISOString() };
  }
}
