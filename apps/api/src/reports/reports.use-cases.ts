import { Injectable } from '@nestjs/common';
import { unprocessable, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import { addDays } from '../../../../libs/calendar/src/local-date.js';
import { backlogByAge } from '../../../../libs/reports/src/backlog.js';
import {
  contactFiguresByTarget, firstResponseFiguresByTarget, REPEAT_WINDOW_DAYS, replyFigures, resolutionFigures, type ThresholdPart,
} from '../../../../libs/reports/src/figures.js';
import { agentRollupSource, periodEnd, periodLabel, periodStart, REPORT_TIME_ZONE, startOfLocalDate, type Grain } from '../../../../libs/reports/src/periods.js';
import { reportRangeViolations } from '../../../../libs/reports/src/report-range.js';
import { emptyMetrics, mergeMetrics, type RollupMetrics } from '../../../../libs/reports/src/rollup.js';
import { ReportsRepository, type FeedName, type MetricsRow, type ReportQueueInfo } from '../../../../libs/persistence/src/repositories/reports.repository.js';
import { RoutingClock } from '../routing/routing-clock.js';
import { NO_QUEUE, RefreshReportRollups } from './report-rollup.job.js';
import type {
  BacklogQueryDto, BacklogReportDto, ChatReportDto, ChatReportQueryDto, ContactReportDto, ContactReportQueryDto, EmailReplyReportDto, GroupBy,
  ReportMetaDto, ReportQueryDto, ResolutionReportDto,
} from './reports.dto.js';

/**
 * 422 `validation.failed` naming each of the report's `queueId`, `departmentId` and `agentId` that
 * names nothing (rule `exists`), as the API answers an unknown reference in a request elsewhere: a
 * manager who pasted a wrong id is told so rather than shown empty rows. A queue or agent since
 * deleted whose roll-ups are still there is known (ReportsRepository.knownReferences): its history
 * stays readable.
 */
async function refuseUnknownReferences(repo: ReportsRepository, q: { queueId?: string; departmentId?: string; agentId?: string }): Promise<void> {
  if (!q.queueId && !q.departmentId && !q.agentId) return;
  const known = await repo.knownReferences(q);
  const problems: FieldViolation[] = [];
  if (q.queueId && !known.queueId) problems.push({ field: 'queueId', rule: 'exists', message: `queue ${q.queueId} does not exist` });
  if (q.departmentId && !known.departmentId) problems.push({ field: 'departmentId', rule: 'exists', message: `department ${q.departmentId} does not exist` });
  if (q.agentId && !known.agentId) problems.push({ field: 'agentId', rule: 'exists', message: `agent ${q.agentId} does not exist` });
  if (problems.length) throw unprocessable('validation.failed', 'The report names what does not exist', problems);
}

/**
 * 422 `validation.failed` rule `channel` when the report's `queueId` names a queue of another channel
 * than the report is of (`/email-backlog` and `/email-replies`: email, `/chat-first-response`: chat,
 * or the query's own `channel`): a filter that can match nothing is a mistake to point out, not empty
 * rows. A queue since deleted (not in `queues`) has no channel to compare: its history stays readable.
 */
function refuseQueueOfOtherChannel(queues: readonly ReportQueueInfo[], queueId: string | undefined, allowed: readonly string[] | undefined): void {
  if (!queueId || !allowed) return;
  const queue = queues.find((x) => x.id === queueId);
  if (!queue || allowed.includes(queue.channel)) return;
  throw unprocessable('validation.failed', 'The report names a queue of another channel', [
    { field: 'queueId', rule: 'channel', message: `queue ${queue.key} is a ${queue.channel} queue; this report is of ${allowed.join(', ')}` },
  ]);
}

/**
 * Brings the roll-ups up to date for a report (RefreshReportRollups.catchUp) and says how far they
 * got: `asOf`, when the contact feed was last advanced, and `complete`, whether the `feeds` reached
 * every row their sources held when the report was asked for. They do not while the job is behind a
 * heavy load or rebuilds every figure after a recount (README, Reports): a catch-up reads at most 20
 * batches, or waits at most 10 s for the job's run in flight.
 */
async function catchUpForReport(repo: ReportsRepository, refresh: RefreshReportRollups, feeds: readonly FeedName[]): Promise<{ asOf: string | null; complete: boolean }> {
  const heads = await repo.feedHeads();
  await refresh.catchUp();
  const positions = await repo.feedPositions();
  return {
    asOf: positions['contact-events']?.updatedAt.toISOString() ?? null,
    complete: feeds.every((f) => (positions[f]?.watermark ?? 0n) >= heads[f]),
  };
}

export interface GroupedRow {
  periodStart: number;
  group: string;
  groupLabel: string;
  metrics: RollupMetrics;
  /** The row's metrics per queue (they add up to `metrics`): each queue's contacts can be measured against its own target. */
  byQueue: Map<string, RollupMetrics>;
}

/**
 * Reads roll-up rows of one grain and sums them per period and group. Brings the roll-ups up to
 * date first (a no-op when the job has just run; skipped while another instance holds the lock).
 */
@Injectable()
export class LoadReportRows {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly refresh: RefreshReportRollups,
  ) {}

  /** The range's instants. Its rules are the query DTO's too (judged with the other fields there): checked again here for callers that do not come through the API's validation (the feedback report). */
  private range(q: ReportQueryDto, grain: Grain): { from: number; to: number } {
    const problems = reportRangeViolations(q.from, q.to, grain);
    if (problems.length) throw unprocessable('validation.failed', 'The report range is not valid', problems);
    return { from: periodStart(startOfLocalDate(q.from), grain), to: startOfLocalDate(addDays(q.to, 1)) };
  }

  async execute(q: ReportQueryDto, channels?: string[]): Promise<{ meta: ReportMetaDto; rows: GroupedRow[]; grain: Grain; queues: Map<string, ReportQueueInfo> }> {
    const grain = q.period ?? 'day';
    const groupBy: GroupBy = q.groupBy ?? 'queue';
    const { from, to } = this.range(q, grain);
    await refuseUnknownReferences(this.repo, q);
    const queues = await this.repo.queues();
    refuseQueueOfOtherChannel(queues, q.queueId, channels ?? (q.channel ? [q.channel] : undefined));
    const { asOf, complete } = await catchUpForReport(this.repo, this.refresh, ['contact-events', 'agent-states']);
    const byId = new Map<string, ReportQueueInfo>(queues.map((x) => [x.id, x]));
    const chosen = queues.filter(
      (x) => (!q.queueId || x.id === q.queueId) && (!q.departmentId || x.departmentId === q.departmentId) && (!q.channel || x.channel === q.channel) && (!channels || channels.includes(x.channel)),
    );
    // A queue since deleted (retention removed its contacts, its roll-ups stay) has rows under its
    // id, as a deleted agent's rows do. Its channel and department are no longer known: a channel or
    // department filter, or a report of one channel, leaves it out, and so does grouping by them.
    const byChannelOrDepartment = Boolean(q.departmentId || q.channel || channels);
    const deleted = q.queueId && !byId.has(q.queueId) && !byChannelOrDepartment ? [q.queueId] : [];
    const filtered = Boolean(q.queueId || byChannelOrDepartment);
    const groupOfQueue = (queueId: string): [string, string] | null => {
      const queue = byId.get(queueId);
      if (queue) return groupOf(queue, groupBy);
      return groupBy === 'queue' && queueId !== NO_QUEUE && !byChannelOrDepartment ? [queueId, queueId] : null;
    };
    const sums = new Map<string, GroupedRow>();
    const add = (start: Date, group: string, label: string, m: MetricsRow & { queueId: string }) => {
      const ps = start.getTime();
      const key = `${ps}|${group}`;
      const row = sums.get(key) ?? { periodStart: ps, group, groupLabel: label, metrics: emptyMetrics(), byQueue: new Map<string, RollupMetrics>() };
      mergeMetrics(row.metrics, m as RollupMetrics);
      const part = row.byQueue.get(m.queueId) ?? emptyMetrics();
      mergeMetrics(part, m as RollupMetrics);
      row.byQueue.set(m.queueId, part);
      sums.set(key, row);
    };
    if (groupBy === 'agent' || q.agentId) {
      // Agents' weeks are added up from their day rows, their quarters from their months (AGENT_ROLLUP_GRAINS).
      const source = agentRollupSource(grain);
      const rows = await this.repo.agentRollups({
        grain: source, from: new Date(from), to: new Date(to), agentIds: q.agentId ? [q.agentId] : undefined,
        queueIds: filtered ? [...chosen.map((x) => x.id), ...deleted] : undefined,
      });
      // Agent rows are labelled by name and employee number; one since deleted by its id.
      const labels = groupBy === 'agent' ? await this.repo.agentLabels([...new Set(rows.map((r) => r.agentId))]) : new Map<string, string>();
      for (const r of rows) {
        const start = source === grain ? r.periodStart : new Date(periodStart(r.periodStart.getTime(), grain));
        const group = groupBy === 'agent' ? ([r.agentId, labels.get(r.agentId) ?? r.agentId] as [string, string]) : groupOfQueue(r.queueId);
        if (group) add(start, ...group, r);
      }
    } else {
      const rows = await this.repo.queueRollups({ grain, from: new Date(from), to: new Date(to), queueIds: filtered ? [...chosen.map((x) => x.id), ...deleted] : undefined });
      for (const r of rows) {
        const group = groupOfQueue(r.queueId);
        if (group) add(r.periodStart, ...group, r);
      }
    }
    const rows = [...sums.values()].sort((a, b) => a.periodStart - b.periodStart || a.groupLabel.localeCompare(b.groupLabel));
    return {
      grain,
      rows,
      meta: { from: q.from, to: q.to, period: grain, groupBy, timeZone: REPORT_TIME_ZONE, asOf, complete },
      queues: byId,
    };
  }
}

/**
 * The threshold of each queue's share of a row: the request's for every queue when it gives one;
 * otherwise the queue's own target when it is measured in elapsed seconds, as the waits are. A target
 * in business time (email's default) cannot be read off elapsed waits: those contacts are left out of
 * the service level (the email-replies report measures them, replies by their deadline). Agent rows'
 * time without a queue has no contacts, and no threshold.
 */
function thresholdParts(r: GroupedRow, queues: Map<string, ReportQueueInfo>, requested: number | undefined): ThresholdPart[] {
  return [...r.byQueue].map(([queueId, metrics]) => {
    const queue = queues.get(queueId);
    const own = queue && queue.targetBasis === 'elapsed' ? queue.targetSeconds : null;
    return { metrics, thresholdSeconds: requested ?? (queue ? own : null) };
  });
}

function groupOf(queue: ReportQueueInfo, groupBy: GroupBy): [string, string] {
  switch (groupBy) {
    case 'channel':
      return [queue.channel, queue.channel];
    case 'department':
      return [queue.departmentId, queue.departmentKey];
    default:
      return [queue.id, queue.key];
  }
}

function base(r: GroupedRow, grain: Grain, groupBy: string) {
  return { periodStart: new Date(r.periodStart).toISOString(), period: periodLabel(r.periodStart, grain), groupBy, group: r.group, groupLabel: r.groupLabel };
}

@Injectable()
export class GetContactReport {
  constructor(private readonly load: LoadReportRows) {}

  async execute(q: ContactReportQueryDto): Promise<ContactReportDto> {
    const { meta, rows, grain, queues } = await this.load.execute(q);
    const shortAbandonSeconds = q.shortAbandonSeconds ?? 5;
    const agentRows = meta.groupBy === 'agent';
    const withOccupancy = agentRows && !q.queueId && !q.departmentId && !q.channel;
    return {
      ...meta,
      thresholdSeconds: q.thresholdSeconds ?? null,
      shortAbandonSeconds,
      rows: rows
        .filter((r) => !(agentRows && r.metrics.offered === 0 && r.metrics.answered === 0 && r.metrics.staffedSeconds === 0))
        .map((r) => ({
          ...base(r, grain, meta.groupBy),
          ...contactFiguresByTarget(r.metrics, thresholdParts(r, queues, q.thresholdSeconds), shortAbandonSeconds, withOccupancy, agentRows || Boolean(q.agentId)),
        })),
    };
  }
}

@Injectable()
export class GetEmailReplyReport {
  constructor(private readonly load: LoadReportRows) {}

  async execute(q: ReportQueryDto): Promise<EmailReplyReportDto> {
    const { meta, rows, grain } = await this.load.execute(q, ['email']);
    return { ...meta, rows: rows.filter((r) => r.metrics.replied > 0 || r.metrics.offered > 0).map((r) => ({ ...base(r, grain, meta.groupBy), ...replyFigures(r.metrics) })) };
  }
}

@Injectable()
export class GetChatReport {
  constructor(private readonly load: LoadReportRows) {}

  async execute(q: ChatReportQueryDto): Promise<ChatReportDto> {
    const { meta, rows, grain, queues } = await this.load.execute(q, ['chat']);
    return {
      ...meta,
      thresholdSeconds: q.thresholdSeconds ?? null,
      rows: rows
        .filter((r) => r.metrics.offered > 0 || r.metrics.answered > 0)
        .map((r) => ({ ...base(r, grain, meta.groupBy), ...firstResponseFiguresByTarget(r.metrics, thresholdParts(r, queues, q.thresholdSeconds)) })),
    };
  }
}

/**
 * First-contact resolution from data (repeat contacts within 7 days, any channel). Exported by the
 * module so that the surveyed FCR can be shown next to it.
 */
@Injectable()
export class GetResolutionReport {
  constructor(
    private readonly load: LoadReportRows,
    private readonly clock: RoutingClock,
  ) {}

  async execute(q: ReportQueryDto): Promise<ResolutionReportDto> {
    const { meta, rows, grain } = await this.load.execute(q);
    const now = this.clock.now().getTime();
    return {
      ...meta,
      repeatWindowDays: REPEAT_WINDOW_DAYS,
      rows: rows
        .filter((r) => r.metrics.fcrHandled > 0 || r.metrics.repeatContacts > 0 || r.metrics.offered > 0)
        .map((r) => ({ ...base(r, grain, meta.groupBy), ...resolutionFigures(r.metrics, periodEnd(r.periodStart, grain), now) })),
    };
  }
}

@Injectable()
export class GetEmailBacklog {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly refresh: RefreshReportRollups,
    private readonly clock: RoutingClock,
  ) {}

  async execute(q: BacklogQueryDto): Promise<BacklogReportDto> {
    await refuseUnknownReferences(this.repo, q);
    const all = await this.repo.queues();
    refuseQueueOfOtherChannel(all, q.queueId, ['email']);
    const { asOf, complete } = await catchUpForReport(this.repo, this.refresh, ['contact-events']);
    const now = this.clock.now();
    const queues = all.filter((x) => x.channel === 'email' && (!q.queueId || x.id === q.queueId));
    const items = await this.repo.emailBacklog(queues.map((x) => x.id));
    return {
      at: now.toISOString(),
      asOf,
      complete,
      queues: queues.map((x) => ({ queueId: x.id, queueKey: x.key, ...backlogByAge(items.filter((i) => i.queueId === x.id), now) })),
    };
  }
}

export { NO_QUEUE };
