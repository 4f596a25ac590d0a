import type { DataSource, EntityManager } from 'typeorm';
import type { Channel } from '../../../core/src/channel.js';
import { ERASED_REF_PREFIX } from '../../../routing/src/core/customer-link.js';
import { runExclusively } from '../job-lock.js';

/** Advisory-lock keys of the feedback jobs (one sampling run at a time keeps "not asked twice" exact). */
export const SURVEY_SAMPLING_LOCK_KEY = 7_455_001;
export const PERSONAL_DATA_RETENTION_LOCK_KEY = 7_455_002;


export interface FeedbackSettings {
  rates: Record<Channel, number>;
  cooldownDays: number;
  responseHours: number;
  queueRates: { queueId: string; rate: number }[];
  updatedAt: Date;
}

/** An ended contact waiting to be sampled, with what sampling needs to know. No personal data. */
export interface SurveyCandidate {
  contactId: string;
  channel: Channel;
  queueId: string | null;
  agentId: string | null;
  customerId: string | null;
  /** The customer can still be reached (number or gateway reference, not erased). */
  reachable: boolean;
  /**
   * The contact was served: it ended after an agent answered it. A contact ended unanswered (a
   * supervisor's end of a call still ringing, POST /v1/contacts/{id}/end) names the agent it rang at,
   * but the customer never spoke to anyone: no survey about it, nor a score for that agent.
   */
  ended: boolean;
  endedAt: Date;
  lastInvitedAt: Date | null;
}

export interface NewSurvey {
  id: string;
  contactId: string;
  customerId: string;
  channel: Channel;
  queueId: string | null;
  agentId: string | null;
  contactEndedAt: Date;
  tokenHash: string;
  invitedAt: Date;
  expiresAt: Date;
  invitation: { id: string; idempotencyKey: string; medium: 'sms' | 'email'; token: string };
}

/** An invitation claimed for delivery (holds the recipient only in memory, for the gateway). */
export interface ClaimedInvitation {
  id: string;
  surveyId: string;
  idempotencyKey: string;
  medium: 'sms' | 'email';
  token: string;
  attempts: number;
  expiresAt: Date;
  language: string | null;
  phoneNumber: string | null;
  customerRef: string | null;
}

export interface InvitationRow {
  id: string;
  surveyId: string;
  medium: 'sms' | 'email';
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  gateway: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

export interface SurveyRow {
  id: string;
  channel: Channel;
  expiresAt: Date;
  respondedAt: Date | null;
  language: string | null;
}

export type FeedbackPeriod = 'day' | 'week' | 'month' | 'quarter';
export type FeedbackGroupBy = 'none' | 'channel' | 'queue' | 'agent';

/** Surveys of contacts that ended on local dates `from` (inclusive) up to `until` (exclusive: the day after the last). */
export interface FeedbackReportFilter {
  from: string;
  until: string;
  timeZone: string;
  period: FeedbackPeriod;
  groupBy: FeedbackGroupBy;
  channel?: Channel;
  queueId?: string;
  agentId?: string;
}

export interface FeedbackCountsRow {
  period: string;
  group: string | null;
  invited: number;
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  fcrYes: number;
  fcrAnswers: number;
}

export interface AnsweredSurveyRow {
  id: string;
  channel: Channel;
  queueId: string | null;
  queueKey: string | null;
  agentId: string | null;
  contactEndedAt: Date;
  respondedAt: Date;
  npsScore: number;
  resolvedFirstContact: boolean;
}

/** Survey comments of contacts that ended on local dates `from` (inclusive) up to `until` (exclusive). */
export interface CommentFilter {
  from: string;
  until: string;
  timeZone: string;
  channel?: Channel;
  queueId?: string;
  agentId?: string;
  npsClass?: 'promoter' | 'passive' | 'detractor';
  limit: number;
  offset: number;
}

/** An answered survey's comment, with what the customer is known by — for masking the text only, never to be shown. */
export interface CommentRow {
  surveyId: string;
  channel: Channel;
  queueId: string | null;
  agentId: string | null;
  language: string | null;
  contactEndedAt: Date;
  respondedAt: Date;
  npsScore: number;
  resolvedFirstContact: boolean;
  comment: string;
  known: { names: string[]; refs: string[] };
}

type Raw = Record<string, unknown>;

/** TypeORM answers UPDATE/DELETE with `[rows, rowCount]` and other commands with the rows. */
async function run(m: EntityManager | DataSource, sql: string, params: unknown[] = []): Promise<{ rows: Raw[]; count: number }> {
  const r = (await m.query(sql, params)) as unknown;
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') return { rows: r[0] as Raw[], count: r[1] };
  return { rows: r as Raw[], count: (r as Raw[]).length };
}

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));

export abstract class FeedbackRepository {
  abstract settings(): Promise<FeedbackSettings>;
  /** Changes the given settings; `queueRates` replaces per-queue rates of the queues named (rate null removes one). */
  abstract saveSettings(patch: { rates?: Partial<Record<Channel, number>>; cooldownDays?: number; responseHours?: number; queueRates?: { queueId: string; rate: number | null }[] }, now: Date): Promise<FeedbackSettings>;
  abstract unknownQueueIds(ids: readonly string[]): Promise<string[]>;
  /**
   * One sampling batch in one transaction: claims up to `limit` captured ended contacts (SKIP LOCKED),
   * lets `decide` pick the surveys, writes surveys with their outbox rows and removes the batch.
   */
  abstract sampleBatch(limit: number, decide: (candidates: SurveyCandidate[]) => NewSurvey[]): Promise<{ considered: number; invited: number }>;
  abstract pendingCandidates(): Promise<number>;
  /** Marks open invitations of expired surveys as expired (and forgets their tokens). */
  abstract expireInvitations(now: Date): Promise<number>;
  /** Claims due invitations for delivery with a lease (SKIP LOCKED: each row to one instance). */
  abstract claimDueInvitations(now: Date, limit: number, leaseSeconds: number): Promise<ClaimedInvitation[]>;
  /** The sent marker; false when the claim was lost (lease ran out and another attempt took over). */
  abstract markSent(id: string, attempt: number, gateway: string, now: Date): Promise<boolean>;
  abstract scheduleRetry(id: string, attempt: number, nextAttemptAt: Date, error: string, now: Date): Promise<boolean>;
  abstract closeInvitation(id: string, attempt: number, status: 'rejected' | 'cancelled', error: string, now: Date): Promise<boolean>;
  abstract listInvitations(filter: { status?: string; limit: number; offset: number }): Promise<{ items: InvitationRow[]; total: number }>;
  abstract surveyByTokenHash(tokenHash: string): Promise<SurveyRow | null>;
  /** Records the answer once: 'answered', or why not. */
  abstract answer(tokenHash: string, a: { npsScore: number; resolvedFirstContact: boolean; comment: string | null }, now: Date): Promise<'answered' | 'already-answered' | 'expired' | 'unknown'>;
  abstract reportCounts(filter: FeedbackReportFilter): Promise<FeedbackCountsRow[]>;
  abstract answeredBetween(from: string, to: string, timeZone: string): Promise<AnsweredSurveyRow[]>;
  /**
   * Answered surveys' comments, by contact end (oldest first), a page at a time with the total. A
   * comment removed on erasure or by retention is gone; an erased customer's survey has none.
   */
  abstract comments(filter: CommentFilter): Promise<{ items: CommentRow[]; total: number }>;
  abstract runExclusively<T>(key: number, fn: () => Promise<T>): Promise<T | null>;
}

const SETTINGS_SQL = `SELECT s.phone_rate, s.chat_rate, s.email_rate, s.cooldown_days, s.response_hours, s.updated_at,
  COALESCE((SELECT jsonb_agg(jsonb_build_object('queueId', r.queue_id, 'rate', r.rate) ORDER BY r.queue_id) FROM feedback_queue_rates r), '[]'::jsonb) AS queue_rates
  FROM feedback_settings s WHERE s.id = 1`;

export class TypeOrmFeedbackRepository extends FeedbackRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async settings(m: EntityManager | DataSource = this.dataSource): Promise<FeedbackSettings> {
    const [r] = (await run(m, SETTINGS_SQL)).rows;
    return {
      rates: { phone: Number(r.phone_rate), chat: Number(r.chat_rate), email: Number(r.email_rate) },
      cooldownDays: Number(r.cooldown_days),
      responseHours: Number(r.response_hours),
      queueRates: (r.queue_rates as { queueId: string; rate: number | string }[]).map((q) => ({ queueId: q.queueId, rate: Number(q.rate) })),
      updatedAt: date(r.updated_at),
    };
  }

  async saveSettings(patch: { rates?: Partial<Record<Channel, number>>; cooldownDays?: number; responseHours?: number; queueRates?: { queueId: string; rate: number | null }[] }, now: Date): Promise<FeedbackSettings> {
    return this.dataSource.transaction(async (m) => {
      await run(
        m,
        `UPDATE feedback_settings SET phone_rate = COALESCE($1, phone_rate), chat_rate = COALESCE($2, chat_rate), email_rate = COALESCE($3, email_rate),
           cooldown_days = COALESCE($4, cooldown_days), response_hours = COALESCE($5, response_hours), updated_at = $6 WHERE id = 1`,
        [patch.rates?.phone ?? null, patch.rates?.chat ?? null, patch.rates?.email ?? null, patch.cooldownDays ?? null, patch.responseHours ?? null, now],
      );
      for (const q of patch.queueRates ?? []) {
        if (q.rate === null) await run(m, `DELETE FROM feedback_queue_rates WHERE queue_id = $1`, [q.queueId]);
        else
          await run(m, `INSERT INTO feedback_queue_rates (queue_id, rate, updated_at) VALUES ($1, $2, $3) ON CONFLICT (queue_id) DO UPDATE SET rate = EXCLUDED.rate, updated_at = EXCLUDED.updated_at`, [
            q.queueId,
            q.rate,
            now,
          ]);
      }
      return this.settings(m);
    });
  }

  async unknownQueueIds(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const { rows } = await run(this.dataSource, `SELECT u.id FROM unnest($1::uuid[]) AS u(id) WHERE NOT EXISTS (SELECT 1 FROM queues q WHERE q.id = u.id)`, [ids]);
    return rows.map((r) => r.id as string);
  }

  async sampleBatch(limit: number, decide: (candidates: SurveyCandidate[]) => NewSurvey[]): Promise<{ considered: number; invited: number }> {
    return this.dataSource.transaction(async (m) => {
      const { rows } = await run(
        m,
        // The candidates first (through survey_candidates_ended_idx), then only their contacts by key:
        // joining before the limit read every contact ever routed, per batch.
        `WITH sc AS (
           SELECT contact_id, ended_at FROM survey_candidates
           ORDER BY ended_at, contact_id
           LIMIT $1
           FOR UPDATE SKIP LOCKED
         )
         SELECT sc.contact_id, sc.ended_at, c.channel, c.queue_id, c.agent_id, c.customer_id, (c.status = 'ended' AND c.agent_id IS NOT NULL AND c.answered_at IS NOT NULL) AS ended,
           (cu.phone_number IS NOT NULL OR (cu.external_ref IS NOT NULL AND cu.external_ref NOT LIKE '${ERASED_REF_PREFIX}%')) AS reachable,
           (SELECT max(s.invited_at) FROM surveys s WHERE s.customer_id = c.customer_id) AS last_invited_at
         FROM sc
         JOIN contacts c ON c.id = sc.contact_id
         LEFT JOIN customers cu ON cu.id = c.customer_id
         ORDER BY sc.ended_at, sc.contact_id`,
        [limit],
      );
      if (rows.length === 0) return { considered: 0, invited: 0 };
      const candidates: SurveyCandidate[] = rows.map((r) => ({
        contactId: r.contact_id as string,
        channel: r.channel as Channel,
        queueId: (r.queue_id as string | null) ?? null,
        agentId: (r.agent_id as string | null) ?? null,
        customerId: (r.customer_id as string | null) ?? null,
        reachable: Boolean(r.reachable),
        ended: Boolean(r.ended),
        endedAt: date(r.ended_at),
        lastInvitedAt: dateOrNull(r.last_invited_at),
      }));
      const surveys = decide(candidates);
      if (surveys.length > 0) {
        await run(
          m,
          `INSERT INTO surveys (id, contact_id, customer_id, channel, queue_id, agent_id, contact_ended_at, token_hash, invited_at, expires_at)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::uuid[], $7::timestamptz[], $8::text[], $9::timestamptz[], $10::timestamptz[])`,
          [
            surveys.map((s) => s.id),
            surveys.map((s) => s.contactId),
            surveys.map((s) => s.customerId),
            surveys.map((s) => s.channel),
            surveys.map((s) => s.queueId),
            surveys.map((s) => s.agentId),
            surveys.map((s) => s.contactEndedAt),
            surveys.map((s) => s.tokenHash),
            surveys.map((s) => s.invitedAt),
            surveys.map((s) => s.expiresAt),
          ],
        );
        await run(
          m,
          `INSERT INTO survey_invitations (id, survey_id, idempotency_key, medium, status, token, attempts, next_attempt_at, created_at, updated_at)
           SELECT i.id, i.survey_id, i.key, i.medium, 'pending', i.token, 0, i.at, i.at, i.at
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS i(id, survey_id, key, medium, token, at)`,
          [
            surveys.map((s) => s.invitation.id),
            surveys.map((s) => s.id),
            surveys.map((s) => s.invitation.idempotencyKey),
            surveys.map((s) => s.invitation.medium),
            surveys.map((s) => s.invitation.token),
            surveys.map((s) => s.invitedAt),
          ],
        );
      }
      await run(m, `DELETE FROM survey_candidates WHERE contact_id = ANY($1::uuid[])`, [candidates.map((c) => c.contactId)]);
      return { considered: candidates.length, invited: surveys.length };
    });
  }

  async pendingCandidates(): Promise<number> {
    const { rows } = await run(this.dataSource, `SELECT count(*)::int AS n FROM survey_candidates`);
    return Number(rows[0].n);
  }

  async expireInvitations(now: Date): Promise<number> {
    const { count } = await run(
      this.dataSource,
      `UPDATE survey_invitations i SET status = 'expired', token = NULL, lease_until = NULL, updated_at = $1
       FROM surveys s
       WHERE s.id = i.survey_id AND s.expires_at <= $1
         AND (i.status = 'pending' OR (i.status = 'sending' AND i.lease_until <= $1))`,
      [now],
    );
    return count;
  }

  async claimDueInvitations(now: Date, limit: number, leaseSeconds: number): Promise<ClaimedInvitation[]> {
    const leaseUntil = new Date(now.getTime() + leaseSeconds * 1000);
    const { rows } = await run(
      this.dataSource,
      `WITH due AS (
         SELECT id FROM survey_invitations
         WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
         ORDER BY next_attempt_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE survey_invitations i SET status = 'sending', attempts = i.attempts + 1, lease_until = $3, next_attempt_at = $3, updated_at = $1
         FROM due WHERE i.id = due.id
         RETURNING i.id, i.survey_id, i.idempotency_key, i.medium, i.token, i.attempts
       )
       SELECT cl.*, s.expires_at, ct.language, cu.phone_number,
         CASE WHEN cu.external_ref LIKE '${ERASED_REF_PREFIX}%' THEN NULL ELSE cu.external_ref END AS customer_ref
       FROM claimed cl
       JOIN surveys s ON s.id = cl.survey_id
       LEFT JOIN contacts ct ON ct.id = s.contact_id
       LEFT JOIN customers cu ON cu.id = s.customer_id`,
      [now, limit, leaseUntil],
    );
    return rows.map((r) => ({
      id: r.id as string,
      surveyId: r.survey_id as string,
      idempotencyKey: r.idempotency_key as string,
      medium: r.medium as 'sms' | 'email',
      token: r.token as string,
      attempts: Number(r.attempts),
      expiresAt: date(r.expires_at),
      language: (r.language as string | null) ?? null,
      phoneNumber: (r.phone_number as string | null) ?? null,
      customerRef: (r.customer_ref as string | null) ?? null,
    }));
  }

  async markSent(id: string, attempt: number, gateway: string, now: Date): Promise<boolean> {
    const { count } = await run(
      this.dataSource,
      `UPDATE survey_invitations SET status = 'sent', sent_at = $3, token = NULL, lease_until = NULL, gateway = $4, last_error = NULL, updated_at = $3
       WHERE id = $1 AND status = 'sending' AND attempts = $2`,
      [id, attempt, now, gateway],
    );
    return count === 1;
  }

  async scheduleRetry(id: string, attempt: number, nextAttemptAt: Date, error: string, now: Date): Promise<boolean> {
    const { count } = await run(
      this.dataSource,
      `UPDATE survey_invitations SET status = 'pending', lease_until = NULL, next_attempt_at = $3, last_error = $4, updated_at = $5
       WHERE id = $1 AND status = 'sending' AND attempts = $2`,
      [id, attempt, nextAttemptAt, error.slice(0, 500), now],
    );
    return count === 1;
  }

  async closeInvitation(id: string, attempt: number, status: 'rejected' | 'cancelled', error: string, now: Date): Promise<boolean> {
    const { count } = await run(
      this.dataSource,
      `UPDATE survey_invitations SET status = $3, token = NULL, lease_until = NULL, last_error = $4, updated_at = $5
       WHERE id = $1 AND status = 'sending' AND attempts = $2`,
      [id, attempt, status, error.slice(0, 500), now],
    );
    return count === 1;
  }

  async listInvitations(filter: { status?: string; limit: number; offset: number }): Promise<{ items: InvitationRow[]; total: number }> {
    const where = filter.status ? `WHERE status = $3` : '';
    const params: unknown[] = [filter.limit, filter.offset, ...(filter.status ? [filter.status] : [])];
    const { rows } = await run(
      this.dataSource,
      `SELECT id, survey_id, medium, status, attempts, next_attempt_at, last_error, gateway, sent_at, created_at, count(*) OVER ()::int AS total
       FROM survey_invitations ${where} ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`,
      params,
    );
    // A page past the end has no row to carry the window count: count apart then.
    const total = rows.length
      ? Number(rows[0].total)
      : Number((await run(this.dataSource, `SELECT count(*)::int AS n FROM survey_invitations ${filter.status ? 'WHERE status = $1' : ''}`, filter.status ? [filter.status] : [])).rows[0].n);
    return {
      total,
      items: rows.map((r) => ({
        id: r.id as string,
        surveyId: r.survey_id as string,
        medium: r.medium as 'sms' | 'email',
        status: r.status as string,
        attempts: Number(r.attempts),
        nextAttemptAt: date(r.next_attempt_at),
        lastError: (r.last_error as string | null) ?? null,
        gateway: (r.gateway as string | null) ?? null,
        sentAt: dateOrNull(r.sent_at),
        createdAt: date(r.created_at),
      })),
    };
  }

  async surveyByTokenHash(tokenHash: string): Promise<SurveyRow | null> {
    const { rows } = await run(
      this.dataSource,
      `SELECT s.id, s.channel, s.expires_at, s.responded_at, c.language FROM surveys s LEFT JOIN contacts c ON c.id = s.contact_id WHERE s.token_hash = $1`,
      [tokenHash],
    );
    const r = rows[0];
    return r ? { id: r.id as string, channel: r.channel as Channel, expiresAt: date(r.expires_at), respondedAt: dateOrNull(r.responded_at), language: (r.language as string | null) ?? null } : null;
  }

  async answer(tokenHash: string, a: { npsScore: number; resolvedFirstContact: boolean; comment: string | null }, now: Date): Promise<'answered' | 'already-answered' | 'expired' | 'unknown'> {
    // An answer arriving while delivery still looks unconfirmed (the gateway failed after all)
    // cancels the pending retry in the same statement: the customer is not messaged again.
    // The survey of a customer erased since the link went out keeps the scores but not the comment:
    // free text would be personal data again on a customer whose data was erased on request.
    const { rows } = await run(
      this.dataSource,
      `WITH ans AS (
         UPDATE surveys SET responded_at = $2, nps_score = $3, resolved_first_contact = $4, comment = CASE WHEN personal_data_erased_at IS NULL THEN $5::text END
         WHERE token_hash = $1 AND responded_at IS NULL AND expires_at > $2 RETURNING id),
       stop AS (
         UPDATE survey_invitations i SET status = 'cancelled', token = NULL, last_error = 'answered before delivery was confirmed', updated_at = $2
         FROM ans WHERE i.survey_id = ans.id AND i.status = 'pending' RETURNING i.id)
       SELECT (SELECT count(*) FROM ans)::int AS answered, (SELECT count(*) FROM stop)::int AS cancelled`,
      [tokenHash, now, a.npsScore, a.resolvedFirstContact, a.comment],
    );
    if (Number(rows[0]?.answered) === 1) return 'answered';
    const s = await this.surveyByTokenHash(tokenHash);
    if (!s) return 'unknown';
    return s.respondedAt ? 'already-answered' : 'expired';
  }

  async reportCounts(f: FeedbackReportFilter): Promise<FeedbackCountsRow[]> {
    const group = { none: 'NULL::text', channel: 's.channel', queue: 's.queue_id::text', agent: 's.agent_id::text' }[f.groupBy];
    const params: unknown[] = [f.period, f.timeZone, f.from, f.until];
    const extra: string[] = [];
    if (f.channel) extra.push(`s.channel = $${params.push(f.channel)}`);
    if (f.queueId) extra.push(`s.queue_id = $${params.push(f.queueId)}::uuid`);
    if (f.agentId) extra.push(`s.agent_id = $${params.push(f.agentId)}::uuid`);
    const { rows } = await run(
      this.dataSource,
      `SELECT to_char(date_trunc($1, s.contact_ended_at AT TIME ZONE $2), 'YYYY-MM-DD') AS period, ${group} AS grp,
         -- invited: the invitation went out (or the customer answered, so it reached them); a survey whose
         -- invitation waits in the outbox, expired unsent, was rejected or cancelled by an erasure asked no one
         count(*) FILTER (WHERE i.status = 'sent' OR s.responded_at IS NOT NULL)::int AS invited,
         count(s.responded_at)::int AS responses,
         count(*) FILTER (WHERE s.nps_score >= 9)::int AS promoters,
         count(*) FILTER (WHERE s.nps_score BETWEEN 7 AND 8)::int AS passives,
         count(*) FILTER (WHERE s.nps_score <= 6)::int AS detractors,
         count(*) FILTER (WHERE s.resolved_first_contact)::int AS fcr_yes,
         count(s.resolved_first_contact)::int AS fcr_answers
       FROM surveys s LEFT JOIN survey_invitations i ON i.survey_id = s.id
       WHERE s.contact_ended_at >= ($3::date)::timestamp AT TIME ZONE $2 AND s.contact_ended_at < ($4::date)::timestamp AT TIME ZONE $2
         ${extra.map((e) => `AND ${e}`).join(' ')}
       GROUP BY 1, 2
       ORDER BY 1, 2 NULLS FIRST`,
      params,
    );
    return rows.map((r) => ({
      period: r.period as string,
      group: (r.grp as string | null) ?? null,
      invited: Number(r.invited),
      responses: Number(r.responses),
      promoters: Number(r.promoters),
      passives: Number(r.passives),
      detractors: Number(r.detractors),
      fcrYes: Number(r.fcr_yes),
      fcrAnswers: Number(r.fcr_answers),
    }));
  }

  async answeredBetween(from: string, to: string, timeZone: string): Promise<AnsweredSurveyRow[]> {
    const { rows } = await run(
      this.dataSource,
      `SELECT s.id, s.channel, s.queue_id, q.key AS queue_key, s.agent_id, s.contact_ended_at, s.responded_at, s.nps_score, s.resolved_first_contact
       FROM surveys s LEFT JOIN queues q ON q.id = s.queue_id
       WHERE s.responded_at IS NOT NULL
         AND s.contact_ended_at >= ($1::date)::timestamp AT TIME ZONE $3 AND s.contact_ended_at < ($2::date)::timestamp AT TIME ZONE $3
       ORDER BY s.id`,
      [from, to, timeZone],
    );
    return rows.map((r) => ({
      id: r.id as string,
      channel: r.channel as Channel,
      queueId: (r.queue_id as string | null) ?? null,
      queueKey: (r.queue_key as string | null) ?? null,
      agentId: (r.agent_id as string | null) ?? null,
      contactEndedAt: date(r.contact_ended_at),
      respondedAt: date(r.responded_at),
      npsScore: Number(r.nps_score),
      resolvedFirstContact: Boolean(r.resolved_first_contact),
    }));
  }

  async comments(f: CommentFilter): Promise<{ items: CommentRow[]; total: number }> {
    const params: unknown[] = [f.timeZone, f.from, f.until];
    const where = [
      `s.comment IS NOT NULL AND s.personal_data_erased_at IS NULL`,
      `s.contact_ended_at >= ($2::date)::timestamp AT TIME ZONE $1 AND s.contact_ended_at < ($3::date)::timestamp AT TIME ZONE $1`,
      // an erased customer's surveys lost their comments at the erasure; this keeps any written since out too
      `NOT EXISTS (SELECT 1 FROM customers cu WHERE cu.id = s.customer_id AND cu.external_ref LIKE '${ERASED_REF_PREFIX}%')`,
    ];
    if (f.channel) where.push(`s.channel = $${params.push(f.channel)}`);
    if (f.queueId) where.push(`s.queue_id = $${params.push(f.queueId)}::uuid`);
    if (f.agentId) where.push(`s.agent_id = $${params.push(f.agentId)}::uuid`);
    if (f.npsClass) where.push({ promoter: `s.nps_score >= 9`, passive: `s.nps_score BETWEEN 7 AND 8`, detractor: `s.nps_score <= 6` }[f.npsClass]);
    const sql = `FROM surveys s WHERE ${where.join(' AND ')}`;
    const { rows: count } = await run(this.dataSource, `SELECT count(*)::int AS n ${sql}`, params);
    const limit = `$${params.push(f.limit)}`;
    const offset = `$${params.push(f.offset)}`;
    const { rows } = await run(
      this.dataSource,
      `SELECT s.id, s.channel, s.queue_id, s.agent_id, ct.language, s.contact_ended_at, s.responded_at, s.nps_score, s.resolved_first_contact, s.comment,
         ARRAY(SELECT DISTINCT c.caller_name FROM contacts c WHERE c.customer_id = s.customer_id AND c.caller_name IS NOT NULL) AS names,
         ARRAY(SELECT r FROM (SELECT cu.external_ref AS r FROM customers cu WHERE cu.id = s.customer_id
                              UNION SELECT c.customer_ref FROM contacts c WHERE c.customer_id = s.customer_id) x WHERE r IS NOT NULL) AS refs
       FROM (SELECT s.* ${sql} ORDER BY s.contact_ended_at, s.id LIMIT ${limit} OFFSET ${offset}) s
       LEFT JOIN contacts ct ON ct.id = s.contact_id
       ORDER BY s.contact_ended_at, s.id`,
      params,
    );
    return {
      total: Number(count[0].n),
      items: rows.map((r) => ({
        surveyId: r.id as string,
        channel: r.channel as Channel,
        queueId: (r.queue_id as string | null) ?? null,
        agentId: (r.agent_id as string | null) ?? null,
        language: (r.language as string | null) ?? null,
        contactEndedAt: date(r.contact_ended_at),
        respondedAt: date(r.responded_at),
        npsScore: Number(r.nps_score),
        resolvedFirstContact: Boolean(r.resolved_first_contact),
        comment: r.comment as string,
        known: { names: (r.names as string[] | null) ?? [], refs: (r.refs as string[] | null) ?? [] },
      })),
    };
  }

  runExclusively<T>(key: number, fn: () => Promise<T>): Promise<T | null> {
    return runExclusively(this.dataSource, key, fn);
  }
}
