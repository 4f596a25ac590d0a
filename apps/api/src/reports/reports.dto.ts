import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min, ValidateBy, type ValidationArguments } from 'class-validator';
import { IsLocalDate, QueryInteger } from '../common/validation.js';
import { isSupportedLocalDate } from '../../../../libs/calendar/src/local-date.js';
import { CHANNELS, type Channel } from '../../../../libs/core/src/channel.js';
import { GRAINS, type Grain } from '../../../../libs/reports/src/periods.js';
import { reportRangeViolations, type RangeViolation } from '../../../../libs/reports/src/report-range.js';

export const GROUPS = ['queue', 'channel', 'department', 'agent'] as const;
export type GroupBy = (typeof GROUPS)[number];

/** Every report answers JSON or, asked so, CSV. */
export class ReportFormatQueryDto {
  @ApiPropertyOptional({ example: 'csv', enum: ['json', 'csv'], description: 'Answer as CSV (same as `Accept: text/csv`).' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

/**
 * The report range's rule `rule` that `to` breaks (libs/reports reportRangeViolations), judged with
 * the per-field rules so that one 422 names every problem (a bad `groupBy` and `to` before `from`
 * alike); not judged while `from` or `to` is itself invalid, and with an invalid `period` only the
 * rules of every grain.
 */
function rangeViolation(args: ValidationArguments | undefined, rule: RangeViolation['rule']): RangeViolation | undefined {
  const o = (args?.object ?? {}) as { from?: unknown; to?: unknown; period?: unknown };
  if (typeof o.from !== 'string' || typeof o.to !== 'string' || !isSupportedLocalDate(o.from) || !isSupportedLocalDate(o.to)) return undefined;
  const grain = o.period === undefined ? 'day' : (GRAINS as readonly unknown[]).includes(o.period) ? (o.period as Grain) : null;
  return reportRangeViolations(o.from, o.to, grain).find((v) => v.rule === rule);
}

function InReportRange(rule: RangeViolation['rule']): PropertyDecorator {
  return ValidateBy({
    name: rule,
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) => rangeViolation(args, rule) === undefined,
      defaultMessage: (args?: ValidationArguments) => rangeViolation(args, rule)?.message ?? `to breaks the rule ${rule}`,
    },
  });
}

/** Which periods, which contacts, grouped how. Periods are local to Europe/Helsinki. */
export class ReportQueryDto extends ReportFormatQueryDto {
  @ApiProperty({ example: '2026-10-01', description: 'First local date (Europe/Helsinki), `YYYY-MM-DD`; moved back to the start of its period (week, month, quarter).' })
  @IsLocalDate()
  from: string;

  @ApiProperty({ example: '2026-12-31', description: 'Last local date (inclusive), not before `from` (422 rule `afterFrom`). At most 31 days after `from` for `period=interval`, at most 3 years otherwise (rule `maxRange`).' })
  @IsLocalDate()
  @InReportRange('afterFrom')
  @InReportRange('maxRange')
  to: string;

  @ApiPropertyOptional({ example: 'month', enum: GRAINS, default: 'day', description: 'Period of each row: 15-minute interval, day, ISO week, month or quarter.' })
  @IsOptional()
  @IsIn(GRAINS)
  period?: Grain;

  @ApiPropertyOptional({ example: 'queue', enum: GROUPS, default: 'queue', description: 'One row per period and queue, channel, department or agent.' })
  @IsOptional()
  @IsIn(GROUPS)
  groupBy?: GroupBy;

  @ApiPropertyOptional({
    example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11',
    description:
      'Only this queue; 422 rule `exists` when no queue has this id, rule `channel` when it is a queue of another channel than the report (`/email-replies`: email, `/chat-first-response`: chat) or the query\'s `channel`. A queue since deleted (once retention removed its contacts) keeps its history in the roll-ups: it is read under its id (grouped by queue or agent, without a channel or department filter, which its rows can no longer be placed in).',
  })
  @IsOptional()
  @IsUUID()
  queueId?: string;

  @ApiPropertyOptional({ example: '6a1f0f7e-4c55-4d8e-9b1a-2f1f7d9b7c10', description: 'Only the queues of this department; 422 rule `exists` when no department has this id.' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({ example: 'phone', enum: CHANNELS, description: 'Only the queues of this channel.' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({
    example: '3d7e1c1a-8f55-4a0e-9d3c-5b0c7a2e9f41',
    description: 'Only this agent (rows of groupBy=agent); 422 rule `exists` when no agent has this id and none had (an agent since deleted keeps their rows, labelled by id).',
  })
  @IsOptional()
  @IsUUID()
  agentId?: string;
}

export class ContactReportQueryDto extends ReportQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    example: 30,
    minimum: 0,
    maximum: 86400,
    description:
      "Service-level threshold in seconds, for every row. Without it each queue's contacts are measured against the queue's own target (`target.seconds`; rows of several queues measure each contact against its own queue's), and a queue whose target is in business time (email) is left out of the service level: its contacts' waits here are wall-clock, and its service level is the email-replies report's `withinDeadlineShare`. Each row says what it used (`thresholdSeconds`). Exact on histogram edges: every 5 s to 120 s, 15 s to 300 s, 60 s to 1800 s; interpolated between (then `exact` is false).",
  })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(86_400)
  thresholdSeconds?: number;

  @ApiPropertyOptional({ type: 'integer', example: 5, default: 5, minimum: 0, maximum: 600, description: 'Abandons after at most this many seconds are short abandons (reported apart).' })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(600)
  shortAbandonSeconds?: number;
}

export class ChatReportQueryDto extends ReportQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    example: 60,
    minimum: 0,
    maximum: 86400,
    description:
      "First responses within this many seconds count as within target, for every row. Without it each chat queue's own target (`target.seconds`) is used for its chats (a target in business time is not applied); each row says what it used (`thresholdSeconds`).",
  })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(86_400)
  thresholdSeconds?: number;
}

export class BacklogQueryDto extends ReportFormatQueryDto {
  @ApiPropertyOptional({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', description: 'Only this email queue; 422 rule `exists` when no queue has this id (nor had: a deleted one has no open emails, and an empty list), rule `channel` when it is not an email queue.' })
  @IsOptional()
  @IsUUID()
  queueId?: string;
}

export class ReportRowBaseDto {
  @ApiProperty({ example: '2026-09-30T21:00:00.000Z', description: 'Start of the period (UTC instant).' })
  periodStart: string;

  @ApiProperty({ example: '2026-10', description: 'The period on the local clock of Europe/Helsinki: `2026-10-05T08:15+03:00`, `2026-10-05`, `2026-W41`, `2026-10`, `2026-Q4`.' })
  period: string;

  @ApiProperty({ example: 'queue', enum: GROUPS })
  groupBy: string;

  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', description: 'Queue id, channel, department id or agent id.' })
  group: string;

  @ApiProperty({ example: 'phone-fi', description: "Queue key, channel, department key, or the agent's name and employee number (`Aino Virtanen (E1042)`; an agent since deleted by its id). No customer is named." })
  groupLabel: string;
}

const ROW_THRESHOLD =
  "The threshold this row's contacts were measured against (s): the request's `thresholdSeconds`, or else the queue's own target. Null when the row's queues have different targets (each contact was measured against its own queue's) or when none of them has a target in elapsed seconds (email: business time), and then the service level is null.";

export class ContactReportRowDto extends ReportRowBaseDto {
  @ApiProperty({ type: 'integer', example: 30, nullable: true, description: ROW_THRESHOLD }) thresholdSeconds: number | null;
  @ApiProperty({
    type: 'integer',
    example: 1215,
    nullable: true,
    description:
      'Contacts that arrived in the queue in the period, counted as they arrive, finished or not: `offered + switched + open`. A contact transferred to another queue arrived in its first one. Null on agent rows (and with `agentId`).',
  })
  arrived: number | null;
  @ApiProperty({
    type: 'integer',
    example: 9,
    nullable: true,
    description: "Of the contacts that arrived in the period, those not finished yet: an email not replied to, a call or chat still waiting or in an agent's hands. Null on agent rows.",
  })
  open: number | null;
  @ApiProperty({ type: 'integer', example: 1200, description: 'Finished contacts that arrived in the period and were answered, abandoned or failed in the queue (agent rows: offers received). Contacts still open are not here (see `open`), nor those whose customer switched channel (see `switched`).' }) offered: number;
  @ApiProperty({ type: 'integer', example: 1130 }) answered: number;
  @ApiProperty({ type: 'integer', example: 61, description: 'All abandoned contacts (agent rows: abandoned while ringing at the agent).' }) abandoned: number;
  @ApiProperty({ example: 14, description: 'Of the abandoned, those that waited ≤ shortAbandonSeconds.' }) shortAbandoned: number;
  @ApiProperty({ type: 'integer', example: 9, description: 'Failed contacts: a telephony failure, or ended unanswered by a supervisor (see `endedBySupervisor`).' }) failed: number;
  @ApiProperty({
    type: 'integer',
    example: 6,
    description:
      'Contacts whose customer switched channel while waiting (POST /v1/contacts with `switchedFrom`): not lost, so not offered, abandoned or failed here, and in neither service level; the contact they switched to is counted in its own queue from the same arrival.',
  })
  switched: number;
  @ApiProperty({
    type: 'integer',
    example: 1,
    description:
      "Answered contacts the routing sweep ended after their queue's maximum duration (end reason `max-duration`: their end was never reported). Counted in `answered`, but their time in an agent's hands is left out of `averageHandleSeconds` and `averageWrapUpSeconds` (agent rows: the agent who held it then).",
  })
  endedByMaxDuration: number;
  @ApiProperty({
    type: 'integer',
    example: 2,
    description:
      "Contacts a supervisor ended by hand (POST /v1/contacts/{id}/end, end reason `ended-by-supervisor`: their end never came). One in an agent's hands is counted in `answered`, but its time in the agent's hands, up to the supervisor's end, is left out of `averageHandleSeconds` and `averageWrapUpSeconds`, as with `endedByMaxDuration`; one ended while waiting or ringing is counted in `failed`. Agent rows: those the agent held when they were ended.",
  })
  endedBySupervisor: number;
  @ApiProperty({ example: 1030, nullable: true, type: Number, description: 'Answered within their threshold (null when no threshold applies to the row).' }) answeredWithinThreshold: number | null;
  @ApiProperty({ example: 20, nullable: true, type: Number }) abandonedWithinThreshold: number | null;
  @ApiProperty({
    example: 0.9115,
    nullable: true,
    type: Number,
    description: 'Answered within T / answered, over the contacts a threshold applies to (without `thresholdSeconds`, not those of queues with a target in business time).',
  })
  serviceLevel: number | null;
  @ApiProperty({ example: 0.8781, nullable: true, type: Number, description: 'Asterisk SL2: (answered + abandoned within T) / (answered + abandoned), over the same contacts as serviceLevel.' }) serviceLevelAsterisk: number | null;
  @ApiProperty({ example: true, description: 'False when a threshold is not a histogram edge (interpolated).' }) exact: boolean;
  @ApiProperty({ example: 12.4, nullable: true, type: Number, description: 'Average speed of answer (s).' }) averageSpeedOfAnswerSeconds: number | null;
  @ApiProperty({ example: 7.5, nullable: true, type: Number, description: 'Median wait of answered contacts (s), from the histogram, placed inside its bucket by the sum of the waits (exact for a single wait).' }) medianWaitSeconds: number | null;
  @ApiProperty({ example: 31.2, nullable: true, type: Number, description: '90th percentile wait of answered contacts (s), from the histogram as the median.' }) p90WaitSeconds: number | null;
  @ApiProperty({ example: 184, nullable: true, type: Number }) longestWaitSeconds: number | null;
  @ApiProperty({ example: 291.6, nullable: true, type: Number, description: 'Average handle time (s) of the answered contacts, without those ended by the maximum duration (`endedByMaxDuration`) or by a supervisor (`endedBySupervisor`).' }) averageHandleSeconds: number | null;
  @ApiProperty({ example: 30, nullable: true, type: Number, description: 'Average wrap-up (s) recorded when the answered contacts ended, without those ended by the maximum duration or by a supervisor (their wrap-up of 0 is none).' }) averageWrapUpSeconds: number | null;
  @ApiProperty({ example: 0.82, nullable: true, type: Number, description: 'Agent rows without a queue filter: (reserved + busy + wrap-up) / logged-in time not on a break.' }) occupancy: number | null;
  @ApiProperty({ type: 'integer', example: 17 }) transfers: number;
  @ApiProperty({ type: 'integer', example: 4 }) callbacks: number;
}

export class ReportMetaDto {
  @ApiProperty({ example: '2026-10-01' }) from: string;
  @ApiProperty({ example: '2026-12-31' }) to: string;
  @ApiProperty({ example: 'month', enum: GRAINS }) period: string;
  @ApiProperty({ example: 'queue', enum: GROUPS }) groupBy: string;
  @ApiProperty({ example: 'Europe/Helsinki' }) timeZone: string;
  @ApiProperty({ example: '2026-11-22T10:15:02.000Z', nullable: true, type: String, description: 'When the roll-ups were last brought up to date.' }) asOf: string | null;
  @ApiProperty({ example: true, description: 'True when the roll-ups had counted every contact event (and, for row reports, every agent state span) recorded before the report was asked for. False while the roll-up job is behind (a heavy load, or a recount rebuilding every figure from the contact timelines), and the figures are partial until it has caught up.' }) complete: boolean;
}

export class ContactReportDto extends ReportMetaDto {
  @ApiProperty({ type: 'integer', example: 30, nullable: true, description: "The requested threshold; null: each queue's own target (each row's `thresholdSeconds`)." }) thresholdSeconds: number | null;
  @ApiProperty({ type: 'integer', example: 5 }) shortAbandonSeconds: number;
  @ApiProperty({ type: [ContactReportRowDto] }) rows: ContactReportRowDto[];
}

export class EmailReplyRowDto extends ReportRowBaseDto {
  @ApiProperty({ type: 'integer', example: 320, description: 'Emails that arrived in the period and have been replied to.' }) replied: number;
  @ApiProperty({ example: 14400, nullable: true, type: Number, description: 'Median reply time in business seconds of the queue calendar.' }) medianReplyBusinessSeconds: number | null;
  @ApiProperty({ example: 86400, nullable: true, type: Number }) p90ReplyBusinessSeconds: number | null;
  @ApiProperty({ example: 30211.5, nullable: true, type: Number }) averageReplyBusinessSeconds: number | null;
  @ApiProperty({ type: 'integer', example: 290 }) repliedWithinDeadline: number;
  @ApiProperty({ example: 0.9063, nullable: true, type: Number, description: 'Replied by the contact\'s deadline / replied.' }) withinDeadlineShare: number | null;
}

export class EmailReplyReportDto extends ReportMetaDto {
  @ApiProperty({ type: [EmailReplyRowDto] }) rows: EmailReplyRowDto[];
}

export class ChatRowDto extends ReportRowBaseDto {
  @ApiProperty({ type: 'integer', example: 60, nullable: true, description: ROW_THRESHOLD }) thresholdSeconds: number | null;
  @ApiProperty({ type: 'integer', example: 410 }) answered: number;
  @ApiProperty({ example: 18.5, nullable: true, type: Number, description: 'Median first-response time (s): arrival to the agent taking the chat.' }) medianFirstResponseSeconds: number | null;
  @ApiProperty({ example: 52.5, nullable: true, type: Number }) p90FirstResponseSeconds: number | null;
  @ApiProperty({ example: 24.1, nullable: true, type: Number }) averageFirstResponseSeconds: number | null;
  @ApiProperty({ example: 380, nullable: true, type: Number }) withinThreshold: number | null;
  @ApiProperty({ example: 0.9268, nullable: true, type: Number }) withinThresholdShare: number | null;
  @ApiProperty({ example: true }) exact: boolean;
}

export class ChatReportDto extends ReportMetaDto {
  @ApiProperty({ type: 'integer', example: 60, nullable: true, description: "The requested threshold; null: each chat queue's own target (each row's `thresholdSeconds`)." }) thresholdSeconds: number | null;
  @ApiProperty({ type: [ChatRowDto] }) rows: ChatRowDto[];
}

export class ResolutionRowDto extends ReportRowBaseDto {
  @ApiProperty({ type: 'integer', example: 1130, description: 'Answered contacts (agent rows: closed by the agent).' }) handled: number;
  @ApiProperty({ type: 'integer', example: 141, description: 'Of them, followed by another contact of the same customer, any channel, within 7 days.' }) repeated: number;
  @ApiProperty({ example: 0.8752, nullable: true, type: Number, description: 'First-contact resolution from data: 1 − repeated / handled.' }) firstContactResolution: number | null;
  @ApiProperty({ type: 'integer', example: 150, description: 'Contacts of the period that repeated an earlier contact within 7 days.' }) repeatContacts: number;
  @ApiProperty({ example: true, description: 'True when 7 days have passed since the end of the period (the figure is final).' }) windowComplete: boolean;
}

export class ResolutionReportDto extends ReportMetaDto {
  @ApiProperty({ type: 'integer', example: 7 }) repeatWindowDays: number;
  @ApiProperty({ type: [ResolutionRowDto] }) rows: ResolutionRowDto[];
}

export class BacklogBandDto {
  @ApiProperty({ example: '1-2d', description: 'Age band (wall-clock days since arrival).' }) band: string;
  @ApiProperty({ type: 'integer', example: 12 }) count: number;
  @ApiProperty({ type: 'integer', example: 3 }) pastDeadline: number;
}

export class BacklogQueueDto {
  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11' }) queueId: string;
  @ApiProperty({ example: 'email-fi' }) queueKey: string;
  @ApiProperty({ type: 'integer', example: 57 }) open: number;
  @ApiProperty({ type: 'integer', example: 9 }) pastDeadline: number;
  @ApiProperty({ example: 523000, nullable: true, type: 'integer' }) oldestAgeSeconds: number | null;
  @ApiProperty({ type: [BacklogBandDto] }) bands: BacklogBandDto[];
}

export class BacklogReportDto {
  @ApiProperty({ example: '2026-11-22T10:15:00.000Z', description: 'The instant the ages are measured at.' }) at: string;
  @ApiProperty({ example: '2026-11-22T10:15:02.000Z', nullable: true, type: String }) asOf: string | null;
  @ApiProperty({ example: true, description: 'True when the backlog had counted every contact event recorded before the report was asked for (see the row reports\' complete).' }) complete: boolean;
  @ApiProperty({ type: [BacklogQueueDto] }) queues: BacklogQueueDto[];
}
