import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Channel } from '../../../../libs/core/src/channel.js';
import { DomainError, unprocessable } from '../../../../libs/core/src/domain-error.js';
import { uuidv7 } from '../../../../libs/core/src/ids.js';
import { auditSample, quarterRange } from '../../../../libs/feedback/src/audit-sample.js';
import { redactComment } from '../../../../libs/feedback/src/comment-redaction.js';
import { toCsv } from '../../../../libs/feedback/src/csv.js';
import { retryDelaySeconds } from '../../../../libs/feedback/src/delivery.js';
import { classifyScore, npsSummary } from '../../../../libs/feedback/src/nps.js';
import { stratifiedSample } from '../../../../libs/feedback/src/sampling.js';
import { proportionSummary } from '../../../../libs/feedback/src/wilson.js';
import {
  FeedbackRepository,
  SURVEY_SAMPLING_LOCK_KEY,
  type FeedbackCountsRow,
  type FeedbackGroupBy,
  type FeedbackPeriod,
  type FeedbackSettings,
  type NewSurvey,
  type SurveyCandidate,
  type CommentFilter,
} from '../../../../libs/persistence/src/repositories/feedback.repository.js';
import { periodEnd, periodStartDate, startOfLocalDate } from '../../../../libs/reports/src/periods.js';
import { localDateOf } from '../../../../libs/calendar/src/time-zone.js';
import { daysBetween } from '../../../../libs/calendar/src/local-date.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ReportsRepository } from '../../../../libs/persistence/src/repositories/reports.repository.js';
import { GetResolutionReport } from '../reports/reports.use-cases.js';
import { FeedbackClock, FeedbackRandom } from './feedback-clock.js';
import { SurveyInvitationGateway } from './invitation-gateway.js';
import { hashSurveyToken, newSurveyToken, SURVEY_TOKEN_PATTERN } from './survey-token.js';

/** Reports count periods on the agency's clock. */
export const REPORT_TIME_ZONE = 'Europe/Helsinki';

@Injectable()
export class GetFeedbackSettings {
  constructor(private readonly feedback: FeedbackRepository) {}
  execute(): Promise<FeedbackSettings> {
    return this.feedback.settings();
  }
}

@Injectable()
export class UpdateFeedbackSettings {
  constructor(
    private readonly feedback: FeedbackRepository,
    private readonly clock: FeedbackClock,
  ) {}

  async execute(patch: { rates?: Partial<Record<Channel, number>>; cooldownDays?: number; responseHours?: number; queueRates?: { queueId: string; rate: number | null }[] }): Promise<FeedbackSettings> {
    if (patch.queueRates) patch = { ...patch, queueRates: patch.queueRates.map((q) => ({ queueId: q.queueId, rate: q.rate ?? null })) };
    const ids = (patch.queueRates ?? []).map((q) => q.queueId);
    const unknown = await this.feedback.unknownQueueIds(ids);
    if (unknown.length > 0) {
      throw unprocessable(
        'validation.failed',
        `unknown queue ${unknown.join(', ')}`,
        unknown.map((id) => ({ field: `queueRates[${ids.indexOf(id)}].queueId`, rule: 'exists', message: `queue ${id} does not exist` })),
      );
    }
    return this.feedback.saveSettings(patch, this.clock.now());
  }
}

/**
 * The sampling job: takes the ended contacts captured by the trigger, draws the stratified sample
 * (channel × queue, each with its rate; a customer not asked again within the cooldown) and writes
 * each survey with its outbox row in the same transaction. One instance at a time (advisory lock).
 */
@Injectable()
export class SampleEndedContacts {
  static readonly BATCH = 500;
  /**
   * Paced runs (the scheduled job) rest this many times a batch's own duration before the next
   * batch: a backlog is worked off at a quarter of one core's time instead of in one burst that
   * delays the routing decisions of the same second (8k candidates after a busy quarter of a minute
   * took ~1 s of back-to-back batches, and the decisions of that second waited up to 120 ms).
   */
  static readonly PACE = 3;
  private readonly logger = new Logger('SampleEndedContacts');

  constructor(
    private readonly feedback: FeedbackRepository,
    private readonly clock: FeedbackClock,
    private readonly random: FeedbackRandom,
  ) {}

  /** `pace`: rest between batches (see PACE); `stopping`: checked between batches, ends the run early. */
  async execute(now: Date = this.clock.now(), options: { pace?: boolean; stopping?: () => boolean } = {}): Promise<{ ran: boolean; considered: number; invited: number }> {
    const started = performance.now();
    let batches = 0;
    const result = await this.feedback.runExclusively(SURVEY_SAMPLING_LOCK_KEY, async () => {
      const settings = await this.feedback.settings();
      const queueRate = new Map(settings.queueRates.map((q) => [q.queueId, q.rate]));
      let considered = 0;
      let invited = 0;
      while (batches < 100) {
        const t0 = performance.now();
        const r = await this.feedback.sampleBatch(SampleEndedContacts.BATCH, (candidates) => this.decide(candidates, settings, queueRate, now));
        batches++;
        considered += r.considered;
        invited += r.invited;
        if (r.considered < SampleEndedContacts.BATCH || options.stopping?.()) break;
        if (options.pace) await sleep((performance.now() - t0) * SampleEndedContacts.PACE);
      }
      return { considered, invited };
    });
    if (result && result.considered > 0) this.logger.log({ msg: 'ended contacts sampled', ...result, batches, ms: Math.round(performance.now() - started) });
    return result ? { ran: true, ...result } : { ran: false, considered: 0, invited: 0 };
  }

  private decide(candidates: SurveyCandidate[], settings: FeedbackSettings, queueRate: Map<string, number>, now: Date): NewSurvey[] {
    const byId = new Map(candidates.map((c) => [c.contactId, c]));
    const lastAsked = new Map(candidates.filter((c) => c.customerId).map((c) => [c.customerId!, c.lastInvitedAt]));
    const { sampled } = stratifiedSample({
      candidates: candidates.map((c) => ({ id: c.contactId, customerId: c.ended && c.reachable ? c.customerId : null, stratum: `${c.channel}:${c.queueId ?? '-'}` })),
      rateOf: (stratum) => {
        const [channel, queueId] = stratum.split(':');
        return queueRate.get(queueId) ?? settings.rates[channel as Channel] ?? 0;
      },
      lastAskedAt: (customerId) => lastAsked.get(customerId) ?? null,
      cooldownDays: settings.cooldownDays,
      now,
      random: this.random.next,
    });
    return sampled.map((s) => {
      const c = byId.get(s.id)!;
      const token = newSurveyToken();
      const invitationId = uuidv7();
      return {
        id: uuidv7(),
        contactId: c.contactId,
        customerId: c.customerId!,
        channel: c.channel,
        queueId: c.queueId,
        agentId: c.agentId,
        contactEndedAt: c.endedAt,
        tokenHash: hashSurveyToken(token),
        invitedAt: now,
        expiresAt: new Date(now.getTime() + settings.responseHours * 3_600_000),
        invitation: { id: invitationId, idempotencyKey: `survey-invitation-${invitationId}`, medium: c.channel === 'phone' ? 'sms' : 'email', token },
      };
    });
  }
}

/**
 * The delivery job: expires invitations of closed surveys, claims due ones with a lease (SKIP
 * LOCKED, so each goes to one instance), hands them to the gateway and records the outcome fenced
 * by the attempt number: sent (token forgotten), retry with backoff, or rejected / cancelled.
 */
@Injectable()
export class DeliverSurveyInvitations {
  static readonly LEASE_SECONDS = 60;
  private readonly logger = new Logger('DeliverSurveyInvitations');

  constructor(
    private readonly feedback: FeedbackRepository,
    private readonly clock: FeedbackClock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(SurveyInvitationGateway) private readonly gateway: SurveyInvitationGateway | null,
  ) {}

  async execute(now: Date = this.clock.now(), limit = 100): Promise<{ expired: number; sent: number; retried: number; closed: number }> {
    const out = { expired: await this.feedback.expireInvitations(now), sent: 0, retried: 0, closed: 0 };
    if (!this.gateway) return out;
    const base = this.config.surveyLinkBaseUrl ?? 'http://localhost:3000/v1/surveys/';
    for (const inv of await this.feedback.claimDueInvitations(now, limit, DeliverSurveyInvitations.LEASE_SECONDS)) {
      const recipient = inv.medium === 'sms' ? (inv.phoneNumber ? { phoneNumber: inv.phoneNumber } : null) : inv.customerRef ? { customerRef: inv.customerRef } : null;
      if (!recipient) {
        if (await this.feedback.closeInvitation(inv.id, inv.attempts, 'cancelled', 'no recipient (personal data erased)', this.clock.now())) out.closed++;
        continue;
      }
      const result = await this.gateway
        .deliver({ idempotencyKey: inv.idempotencyKey, invitationId: inv.id, medium: inv.medium, recipient, language: inv.language, surveyUrl: `${base}${inv.token}`, expiresAt: inv.expiresAt.toISOString() })
        .catch((err: unknown) => ({ outcome: 'retry' as const, reason: err instanceof Error ? err.name : 'error' }));
      const at = this.clock.now();
      if (result.outcome === 'delivered') {
        if (await this.feedback.markSent(inv.id, inv.attempts, this.gateway.name, at)) out.sent++;
        else this.logger.warn({ msg: 'invitation sent after its claim was lost', invitationId: inv.id });
      } else if (result.outcome === 'retry') {
        const next = new Date(at.getTime() + retryDelaySeconds(inv.attempts) * 1000);
        if (await this.feedback.scheduleRetry(inv.id, inv.attempts, next, result.reason, at)) out.retried++;
        this.logger.warn({ msg: 'invitation delivery failed, retrying', invitationId: inv.id, attempt: inv.attempts, reason: result.reason, nextAttemptAt: next.toISOString() });
      } else {
        if (await this.feedback.closeInvitation(inv.id, inv.attempts, 'rejected', result.reason, at)) out.closed++;
        this.logger.warn({ msg: 'invitation rejected by the gateway', invitationId: inv.id, reason: result.reason });
      }
    }
    return out;
  }
}

@Injectable()
export class ListSurveyInvitations {
  constructor(private readonly feedback: FeedbackRepository) {}
  execute(filter: { status?: string; limit: number; offset: number }) {
    return this.feedback.listInvitations(filter);
  }
}

const QUESTIONS = [
  { key: 'npsScore', text: 'How likely is it that you would recommend us to a friend or colleague? (0–10)' },
  { key: 'resolvedFirstContact', text: 'Was your matter resolved at your first contact? (yes/no)' },
  { key: 'comment', text: 'Anything else you would like to tell us? (optional)' },
];

/** The public survey endpoints: the token is the only key. Unknown (or malformed) → 404, expired → 410, answered → 409. */
@Injectable()
export class OpenSurvey {
  constructor(
    private readonly feedback: FeedbackRepository,
    private readonly clock: FeedbackClock,
  ) {}

  async execute(token: string) {
    const s = SURVEY_TOKEN_PATTERN.test(token) ? await this.feedback.surveyByTokenHash(hashSurveyToken(token)) : null;
    if (!s) throw new DomainError('not-found', 'survey.not_found', 'No survey has this link');
    if (s.respondedAt) throw new DomainError('conflict', 'survey.already_answered', 'This survey has been answered already');
    if (s.expiresAt <= this.clock.now()) throw new DomainError('gone', 'survey.expired', 'This survey has closed');
    return { channel: s.channel, language: s.language, expiresAt: s.expiresAt, questions: QUESTIONS };
  }
}

@Injectable()
export class AnswerSurvey {
  constructor(
    private readonly feedback: FeedbackRepository,
    private readonly clock: FeedbackClock,
  ) {}

  async execute(token: string, a: { npsScore: number; resolvedFirstContact: boolean; comment?: string }): Promise<{ status: 'answered'; answeredAt: Date }> {
    if (!SURVEY_TOKEN_PATTERN.test(token)) throw new DomainError('not-found', 'survey.not_found', 'No survey has this link');
    const now = this.clock.now();
    const comment = a.comment?.trim() ? a.comment.trim() : null;
    const r = await this.feedback.answer(hashSurveyToken(token), { npsScore: a.npsScore, resolvedFirstContact: a.resolvedFirstContact, comment }, now);
    if (r === 'unknown') throw new DomainError('not-found', 'survey.not_found', 'No survey has this link');
    if (r === 'already-answered') throw new DomainError('conflict', 'survey.already_answered', 'This survey has been answered already');
    if (r === 'expired') throw new DomainError('gone', 'survey.expired', 'This survey has closed');
    return { status: 'answered', answeredAt: now };
  }
}

export interface FeedbackReportRow {
  period: string | null;
  group: string | null;
  /** As the reports label their rows: the channel, the queue's key, the agent's name and employee number (an agent since deleted by its id); null for none. */
  groupLabel: string | null;
  invited: number;
  responses: number;
  responseRate: number | null;
  promoters: number;
  passives: number;
  detractors: number;
  nps: number | null;
  npsCi95Low: number | null;
  npsCi95High: number | null;
  npsStandardError: number | null;
  fcrAnswers: number;
  fcrYes: number;
  fcrRate: number | null;
  fcrCi95Low: number | null;
  fcrCi95High: number | null;
  /** First-contact resolution from data (no repeat contact within 7 days, any channel) for the same period and group. */
  dataFcrHandled: number;
  dataFcrRepeated: number;
  dataFcrRate: number | null;
  dataFcrWindowComplete: boolean | null;
}

/** The data figure's sums for one feedback row; `complete` is null while no data row was found. */
interface DataFcr {
  handled: number;
  repeated: number;
  complete: boolean | null;
}

const NO_DATA: DataFcr = { handled: 0, repeated: 0, complete: null };

const round = (x: number | null | undefined, digits: number): number | null => (x === null || x === undefined ? null : Math.round(x * 10 ** digits) / 10 ** digits);

function reportRow(period: string | null, group: string | null, groupLabel: string | null, c: Omit<FeedbackCountsRow, 'period' | 'group'>, d: DataFcr): FeedbackReportRow {
  const nps = npsSummary(c);
  const fcr = proportionSummary(c.fcrYes, c.fcrAnswers);
  return {
    period,
    group,
    groupLabel,
    invited: c.invited,
    responses: c.responses,
    responseRate: c.invited ? round(c.responses / c.invited, 4) : null,
    promoters: c.promoters,
    passives: c.passives,
    detractors: c.detractors,
    nps: round(nps.nps, 1),
    npsCi95Low: round(nps.ci95?.low, 1),
    npsCi95High: round(nps.ci95?.high, 1),
    npsStandardError: round(nps.standardError, 2),
    fcrAnswers: c.fcrAnswers,
    fcrYes: c.fcrYes,
    fcrRate: round(fcr.rate, 4),
    fcrCi95Low: round(fcr.ci95?.low, 4),
    fcrCi95High: round(fcr.ci95?.high, 4),
    dataFcrHandled: d.handled,
    dataFcrRepeated: d.repeated,
    // the same formula and rounding as the first-contact-resolution report
    dataFcrRate: d.handled ? round(1 - d.repeated / d.handled, 4) : null,
    dataFcrWindowComplete: d.complete,
  };
}

export const REPORT_COLUMNS: (keyof FeedbackReportRow)[] = [
  'period', 'group', 'groupLabel', 'invited', 'responses', 'responseRate', 'promoters', 'passives', 'detractors', 'nps', 'npsCi95Low', 'npsCi95High', 'npsStandardError',
  'fcrAnswers', 'fcrYes', 'fcrRate', 'fcrCi95Low', 'fcrCi95High', 'dataFcrHandled', 'dataFcrRepeated', 'dataFcrRate', 'dataFcrWindowComplete',
];

function addDays(localDate: string, days: number): string {
  const d = new Date(`${localDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** `from` and `to` are local dates (Europe/Helsinki), both inclusive, as GET /v1/reports/* take them. */
type FeedbackReportQuery = { from: string; to: string; period: FeedbackPeriod; groupBy: FeedbackGroupBy; channel?: Channel; queueId?: string; agentId?: string };

/** The same query with the range half-open: `until` is the local date after `to`. */
type FeedbackRange = Omit<FeedbackReportQuery, 'to'> & { until: string };

const addData = (into: DataFcr, d: { handled: number; repeated: number; windowComplete: boolean }) => {
  into.handled += d.handled;
  into.repeated += d.repeated;
  into.complete = (into.complete ?? true) && d.windowComplete;
};

/**
 * First-contact resolution from data for the feedback report's rows, read from the
 * first-contact-resolution report (GetResolutionReport, its behaviour unchanged), keyed
 * `period|group` as the feedback report keys them.
 *
 * Mapping: the groups channel, queue (id) and agent (id) are the data report's own; `none` sums its
 * channel rows. The data report starts at the period containing `from`, so periods cut by the range
 * (`from` or `to` inside a period) are summed from its day rows over the days in the range; whole
 * periods are its own rows (at most ~3 years per call, its limit). Differences that remain: the data
 * report places a contact by its arrival, surveys by the contact's end (a contact across midnight can
 * fall in the neighbouring period); its agent is the one who closed the contact, a survey's the
 * contact's agent.
 */
@Injectable()
export class LoadDataResolution {
  constructor(private readonly resolution: GetResolutionReport) {}

  async execute(q: FeedbackRange): Promise<Map<string, DataFcr>> {
    const grain = q.period;
    const out = new Map<string, DataFcr>();
    const read = async (from: string, toExclusive: string, period: FeedbackPeriod) => {
      const r = await this.resolution.execute({
        from, to: addDays(toExclusive, -1), period, groupBy: q.groupBy === 'none' ? 'channel' : q.groupBy, channel: q.channel, queueId: q.queueId, agentId: q.agentId,
      });
      for (const row of r.rows) {
        const start = periodStartDate(localDateOf(Date.parse(row.periodStart), REPORT_TIME_ZONE), grain);
        const key = `${start}|${q.groupBy === 'none' ? '' : row.group}`;
        const d = out.get(key) ?? { ...NO_DATA };
        addData(d, row);
        out.set(key, d);
      }
    };
    const wholeFrom = periodStartDate(q.from, grain) === q.from ? q.from : nextPeriodStart(q.from, grain);
    const wholeTo = periodStartDate(q.until, grain);
    if (q.from < wholeFrom) await read(q.from, wholeFrom < q.until ? wholeFrom : q.until, 'day');
    for (let s = wholeFrom; s < wholeTo; ) {
      const chunkEnd = periodStartDate(addDays(s, 1000), grain);
      const e = chunkEnd < wholeTo ? chunkEnd : wholeTo;
      await read(s, e, grain);
      s = e;
    }
    if (wholeTo < q.until && wholeTo >= wholeFrom) await read(wholeTo, q.until, 'day');
    return out;
  }
}

/** The first local date of the period after the one containing `date`. */
function nextPeriodStart(date: string, grain: FeedbackPeriod): string {
  return localDateOf(periodEnd(startOfLocalDate(periodStartDate(date, grain)), grain), REPORT_TIME_ZONE);
}

/**
 * How feedback rows are labelled, as the reports label theirs (LoadReportRows): a channel by itself,
 * a queue by its key, an agent by name and employee number (ReportsRepository.agentLabels); a queue
 * or agent since deleted by its id. Agents are staff, not customers: no customer is named.
 */
@Injectable()
export class LabelFeedbackGroups {
  constructor(private readonly reports: ReportsRepository) {}

  async execute(groupBy: FeedbackGroupBy, ids: readonly (string | null)[]): Promise<(group: string | null) => string | null> {
    const present = [...new Set(ids.filter((id): id is string => id !== null))];
    let names = new Map<string, string>();
    if (groupBy === 'agent') names = await this.reports.agentLabels(present);
    else if (groupBy === 'queue' && present.length) names = new Map((await this.reports.queues()).map((x) => [x.id, x.key]));
    return (group) => (group === null || groupBy === 'none' ? null : (names.get(group) ?? group));
  }
}

/**
 * NPS (95 % CI) and surveyed FCR (Wilson 95 % CI) by period and channel / queue / agent; totals over
 * the range. Each row also carries first-contact resolution from data for the same period and group.
 */
@Injectable()
export class GetFeedbackReport {
  constructor(
    private readonly feedback: FeedbackRepository,
    private readonly dataResolution: LoadDataResolution,
    private readonly labels: LabelFeedbackGroups,
  ) {}

  async execute(q: FeedbackReportQuery) {
    if (q.to < q.from) throw unprocessable('validation.failed', 'to must not be before from', [{ field: 'to', rule: 'afterFrom', message: 'to must be on or after from' }]);
    if (q.period === 'day' && addDays(q.from, 400) <= q.to) throw unprocessable('validation.failed', 'at most 400 days by day', [{ field: 'to', rule: 'maxRange', message: 'a report by day covers at most 400 days' }]);
    const { to, ...rest } = q;
    const range: FeedbackRange = { ...rest, until: addDays(to, 1) };
    const counts = await this.feedback.reportCounts({ ...range, timeZone: REPORT_TIME_ZONE });
    const data = await this.dataResolution.execute(range);
    const dataOf = (period: string, group: string | null) => data.get(`${period}|${group ?? ''}`) ?? NO_DATA;
    const totals = new Map<string | null, Omit<FeedbackCountsRow, 'period' | 'group'>>();
    const dataTotals = new Map<string | null, DataFcr>();
    for (const r of counts) {
      const t = totals.get(r.group) ?? { invited: 0, responses: 0, promoters: 0, passives: 0, detractors: 0, fcrYes: 0, fcrAnswers: 0 };
      for (const k of ['invited', 'responses', 'promoters', 'passives', 'detractors', 'fcrYes', 'fcrAnswers'] as const) t[k] += r[k];
      totals.set(r.group, t);
    }
    // totals: the data figure of the group over the whole range, whether or not a period had surveys
    for (const [key, d] of data) {
      const group = key.slice(key.indexOf('|') + 1) || null;
      if (!totals.has(group)) continue;
      const t = dataTotals.get(group) ?? { ...NO_DATA };
      addData(t, { handled: d.handled, repeated: d.repeated, windowComplete: d.complete ?? true });
      dataTotals.set(group, t);
    }
    const labelOf = await this.labels.execute(q.groupBy, [...totals.keys()]);
    return {
      timeZone: REPORT_TIME_ZONE,
      ...q,
      rows: counts.map((r) => reportRow(r.period, r.group, labelOf(r.group), r, dataOf(r.period, r.group))),
      totals: [...totals.entries()].map(([group, t]) => reportRow(null, group, labelOf(group), t, dataTotals.get(group) ?? NO_DATA)),
    };
  }

  static csv(report: { rows: FeedbackReportRow[]; totals: FeedbackReportRow[] }): string {
    return toCsv(REPORT_COLUMNS, [...report.rows, ...report.totals.map((t) => ({ ...t, period: 'total' }))].map((r) => REPORT_COLUMNS.map((c) => r[c])));
  }
}

const AUDIT_COLUMNS = ['sample_no', 'survey_id', 'channel', 'queue_key', 'agent_id', 'contact_ended_local', 'responded_local', 'nps_score', 'nps_class', 'resolved_first_contact'];

function localTime(d: Date): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: REPORT_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(d).replace(' ', 'T');
}

/**
 * The quarterly sample an outside auditor takes: a simple random sample of the quarter's answers,
 * reproducible from the seed. Ids, channel, queue, agent, times and answers — no comment, no
 * customer, nothing personal.
 */
@Injectable()
export class ExportAuditSample {
  constructor(private readonly feedback: FeedbackRepository) {}

  async execute(q: { quarter: string; size: number; seed: number }): Promise<{ csv: string; frameSize: number; sampleSize: number }> {
    let range: { from: string; to: string };
    try {
      range = quarterRange(q.quarter);
    } catch {
      throw unprocessable('validation.failed', 'quarter looks like 2026-Q4', [{ field: 'quarter', rule: 'quarter', message: 'quarter must look like 2026-Q4' }]);
    }
    const frame = await this.feedback.answeredBetween(range.from, range.to, REPORT_TIME_ZONE);
    const sample = auditSample(frame, q.size, q.seed);
    const csv = toCsv(
      AUDIT_COLUMNS,
      sample.map((s, i) => [i + 1, s.id, s.channel, s.queueKey, s.agentId, localTime(s.contactEndedAt), localTime(s.respondedAt), s.npsScore, classifyScore(s.npsScore), s.resolvedFirstContact]),
    );
    return { csv, frameSize: frame.length, sampleSize: sample.length };
  }
}


export interface SurveyComment {
  surveyId: string;
  channel: Channel;
  queueId: string | null;
  queueLabel: string | null;
  agentId: string | null;
  agentLabel: string | null;
  language: string | null;
  contactEndedAt: Date;
  respondedAt: Date;
  npsScore: number;
  npsClass: 'promoter' | 'passive' | 'detractor';
  resolvedFirstContact: boolean;
  comment: string;
}

export const COMMENT_COLUMNS = [
  'surveyId', 'channel', 'queueId', 'queueLabel', 'agentId', 'agentLabel', 'language', 'contactEndedAt', 'respondedAt', 'npsScore', 'npsClass', 'resolvedFirstContact', 'comment',
] as const;

/**
 * `GET /v1/feedback/comments`: what customers wrote with their answers, for the manager. Surveys of
 * contacts that ended on the local dates from–to (inclusive, as the feedback report counts them),
 * a page at a time. No customer is named: the survey carries no customer field, and the text is
 * masked (libs/feedback redactComment) — e-mail addresses, identity codes, phone numbers, and the
 * names and reference Vuoro holds for the customer who wrote it. A comment removed on erasure (or
 * dropped when it came after one) or by the retention run is not there.
 */
@Injectable()
export class ListSurveyComments {
  static readonly MAX_DAYS = 3 * 366;

  constructor(
    private readonly feedback: FeedbackRepository,
    private readonly labels: LabelFeedbackGroups,
  ) {}

  async execute(q: { from: string; to: string; channel?: Channel; queueId?: string; agentId?: string; npsClass?: CommentFilter['npsClass']; limit: number; offset: number }): Promise<{ items: SurveyComment[]; total: number }> {
    const span = daysBetween(q.from, q.to);
    if (span < 0) throw unprocessable('validation.failed', 'to must not be before from', [{ field: 'to', rule: 'afterFrom', message: 'to must be on or after from' }]);
    if (span >= ListSurveyComments.MAX_DAYS) throw unprocessable('validation.failed', 'at most 3 years', [{ field: 'to', rule: 'maxRange', message: 'at most 3 years' }]);
    const { to, ...rest } = q;
    const page = await this.feedback.comments({ ...rest, until: addDays(to, 1), timeZone: REPORT_TIME_ZONE });
    const agentLabel = await this.labels.execute('agent', page.items.map((c) => c.agentId));
    const queueLabel = await this.labels.execute('queue', page.items.map((c) => c.queueId));
    return {
      total: page.total,
      items: page.items.map(({ known, ...c }) => ({
        ...c,
        queueLabel: queueLabel(c.queueId),
        agentLabel: agentLabel(c.agentId),
        npsClass: classifyScore(c.npsScore),
        comment: redactComment(c.comment, known),
      })),
    };
  }

  static csv(items: readonly SurveyComment[]): string {
    return toCsv(
      COMMENT_COLUMNS,
      items.map((c) => COMMENT_COLUMNS.map((k) => { const v = c[k]; return v instanceof Date ? v.toISOString() : v; })),
    );
  }
}
