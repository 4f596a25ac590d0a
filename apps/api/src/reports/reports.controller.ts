import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { toCsv } from '../../../../libs/reports/src/csv.js';
import { Roles } from '../auth/roles.decorator.js';
import { ProblemDto } from '../common/problem-details.js';
import {
  BacklogQueryDto, BacklogReportDto, ChatReportDto, ChatReportQueryDto, ContactReportDto, ContactReportQueryDto, EmailReplyReportDto, ReportQueryDto,
  ResolutionReportDto,
} from './reports.dto.js';
import { GetChatReport, GetContactReport, GetEmailBacklog, GetEmailReplyReport, GetResolutionReport } from './reports.use-cases.js';

const BASE = ['periodStart', 'period', 'groupBy', 'group', 'groupLabel'];
const CONTACT_COLUMNS = [
  ...BASE, 'offered', 'answered', 'abandoned', 'shortAbandoned', 'failed', 'answeredWithinThreshold', 'abandonedWithinThreshold', 'serviceLevel',
  'serviceLevelAsterisk', 'exact', 'averageSpeedOfAnswerSeconds', 'medianWaitSeconds', 'p90WaitSeconds', 'longestWaitSeconds', 'averageHandleSeconds',
  'averageWrapUpSeconds', 'occupancy', 'transfers', 'callbacks', 'switched', 'endedByMaxDuration', 'thresholdSeconds', 'arrived', 'open', 'endedBySupervisor',
];
const EMAIL_COLUMNS = [...BASE, 'replied', 'medianReplyBusinessSeconds', 'p90ReplyBusinessSeconds', 'averageReplyBusinessSeconds', 'repliedWithinDeadline', 'withinDeadlineShare'];
const CHAT_COLUMNS = [...BASE, 'answered', 'medianFirstResponseSeconds', 'p90FirstResponseSeconds', 'averageFirstResponseSeconds', 'withinThreshold', 'withinThresholdShare', 'exact', 'thresholdSeconds'];
const RESOLUTION_COLUMNS = [...BASE, 'handled', 'repeated', 'firstContactResolution', 'repeatContacts', 'windowComplete'];
const BACKLOG_COLUMNS = ['queueId', 'queueKey', 'band', 'count', 'pastDeadline'];

const wantsCsv = (format: string | undefined, accept: string | undefined): boolean => format === 'csv' || (format !== 'json' && /\btext\/csv\b/.test(accept ?? ''));

/** Answers the report as JSON, or as CSV (one line per row) when asked for. */
function answer<T extends { rows: object[] }>(res: Response, csv: boolean, report: T, columns: string[], name: string): T | string {
  if (!csv) return report;
  res.type('text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  return toCsv(columns, report.rows as Record<string, unknown>[]);
}

const UNPROCESSABLE =
  'validation.failed, naming every field and rule at once: a bad date, period, grouping or threshold, a range whose `to` is before `from` (rule `afterFrom`) or too long (`maxRange`). ' +
  'Then, for a request that passes those: a `queueId`, `departmentId` or `agentId` that names nothing (rule `exists`; a queue or agent since deleted whose history is in the roll-ups is read).';

const CSV_NOTE = 'Also as CSV: `Accept: text/csv` or `?format=csv`. Figures come from roll-ups (no personal data); periods are local to Europe/Helsinki.';

@ApiTags('reports')
@Controller('v1/reports')
export class ReportsController {
  constructor(
    private readonly contacts: GetContactReport,
    private readonly email: GetEmailReplyReport,
    private readonly chat: GetChatReport,
    private readonly resolution: GetResolutionReport,
    private readonly backlog: GetEmailBacklog,
  ) {}

  @Get('contacts')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Offered, answered, abandoned (short apart), service level (two definitions), ASA, waits, handle and wrap-up, occupancy, transfers, callbacks', description: CSV_NOTE })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: ContactReportDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: UNPROCESSABLE })
  async contactReport(@Query() q: ContactReportQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response): Promise<ContactReportDto | string> {
    return answer(res, wantsCsv(q.format, accept), await this.contacts.execute(q), CONTACT_COLUMNS, 'contacts');
  }

  @Get('email-replies')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Email reply times in business time of the queue calendar: median, p90, average and the share replied by the deadline', description: CSV_NOTE })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: EmailReplyReportDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: UNPROCESSABLE })
  async emailReport(@Query() q: ReportQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response): Promise<EmailReplyReportDto | string> {
    return answer(res, wantsCsv(q.format, accept), await this.email.execute(q), EMAIL_COLUMNS, 'email-replies');
  }

  @Get('email-backlog')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Open emails per queue by age band, and how many are past their deadline', description: CSV_NOTE })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: BacklogReportDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'validation.failed: a bad format or queueId, or a queueId that names no queue (rule `exists`).' })
  async emailBacklog(@Query() q: BacklogQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response): Promise<BacklogReportDto | string> {
    const report = await this.backlog.execute(q);
    const rows = report.queues.flatMap((x) => x.bands.map((b) => ({ queueId: x.queueId, queueKey: x.queueKey, ...b })));
    const out = answer(res, wantsCsv(q.format, accept), { rows }, BACKLOG_COLUMNS, 'email-backlog');
    return typeof out === 'string' ? out : report;
  }

  @Get('chat-first-response')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Chat first-response time (arrival to an agent taking the chat): median, p90, average, share within the threshold', description: CSV_NOTE })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: ChatReportDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: UNPROCESSABLE })
  async chatReport(@Query() q: ChatReportQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response): Promise<ChatReportDto | string> {
    return answer(res, wantsCsv(q.format, accept), await this.chat.execute(q), CHAT_COLUMNS, 'chat-first-response');
  }

  @Get('first-contact-resolution')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'First-contact resolution from data: answered contacts not followed by another contact of the same customer within 7 days, any channel', description: CSV_NOTE })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: ResolutionReportDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: UNPROCESSABLE })
  async resolutionReport(@Query() q: ReportQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response): Promise<ResolutionReportDto | string> {
    return answer(res, wantsCsv(q.format, accept), await this.resolution.execute(q), RESOLUTION_COLUMNS, 'first-contact-resolution');
  }
}
