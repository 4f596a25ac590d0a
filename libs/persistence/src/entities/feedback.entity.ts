import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import type { Channel } from '../../../core/src/channel.js';
import { ChannelEntity } from './channel.entity.js';
import { ContactEntity } from './contact.entity.js';
import { CustomerEntity } from './customer.entity.js';
import { QueueEntity } from './queue.entity.js';

const numeric = { to: (v: number) => v, from: (v: string) => Number(v) };

/** Survey sampling settings (one row): the default rate per channel, the cooldown, how long a survey stays open. */
@Entity({ name: 'feedback_settings' })
@Check('feedback_settings_singleton', `id = 1`)
@Check('feedback_settings_rates_range', `phone_rate BETWEEN 0 AND 1 AND chat_rate BETWEEN 0 AND 1 AND email_rate BETWEEN 0 AND 1`)
@Check('feedback_settings_cooldown_range', `cooldown_days BETWEEN 0 AND 3650`)
@Check('feedback_settings_response_hours_range', `response_hours BETWEEN 1 AND 2160`)
export class FeedbackSettingsEntity {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ name: 'phone_rate', type: 'numeric', precision: 5, scale: 4, transformer: numeric })
  phoneRate: number;

  @Column({ name: 'chat_rate', type: 'numeric', precision: 5, scale: 4, transformer: numeric })
  chatRate: number;

  @Column({ name: 'email_rate', type: 'numeric', precision: 5, scale: 4, transformer: numeric })
  emailRate: number;

  @Column({ name: 'cooldown_days', type: 'integer' })
  cooldownDays: number;

  @Column({ name: 'response_hours', type: 'integer' })
  responseHours: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A queue's own sampling rate, overriding its channel's default. */
@Entity({ name: 'feedback_queue_rates' })
@Check('feedback_queue_rates_rate_range', `rate BETWEEN 0 AND 1`)
export class FeedbackQueueRateEntity {
  @PrimaryColumn({ name: 'queue_id', type: 'uuid' })
  queueId: string;

  @ManyToOne(() => QueueEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'feedback_queue_rates_queue_fk' })
  queue?: Relation<QueueEntity>;

  @Column({ type: 'numeric', precision: 5, scale: 4, transformer: numeric })
  rate: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** An ended contact not yet sampled; written by the trigger contacts_feedback_ended, consumed by the sampling job. */
@Entity({ name: 'survey_candidates' })
@Index('survey_candidates_ended_idx', ['endedAt', 'contactId'])
export class SurveyCandidateEntity {
  @PrimaryColumn({ name: 'contact_id', type: 'uuid' })
  contactId: string;

  @ManyToOne(() => ContactEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id', foreignKeyConstraintName: 'survey_candidates_contact_fk' })
  contact?: Relation<ContactEntity>;

  @Column({ name: 'ended_at', type: 'timestamptz' })
  endedAt: Date;
}

/**
 * One survey of one ended contact. Channel, queue, agent and end time are copied from the contact
 * so that the figures survive erasure and retention. `comment` is personal data (free text).
 */
@Entity({ name: 'surveys' })
@Unique('surveys_contact_unique', ['contactId'])
@Unique('surveys_token_hash_unique', ['tokenHash'])
@Index('surveys_customer_invited_idx', ['customerId', 'invitedAt'])
@Index('surveys_contact_ended_idx', ['contactEndedAt'])
@Check('surveys_nps_score_range', `nps_score BETWEEN 0 AND 10`)
@Check('surveys_answer_complete', `(responded_at IS NULL) = (nps_score IS NULL) AND (responded_at IS NULL) = (resolved_first_contact IS NULL)`)
@Check('surveys_comment_answered', `comment IS NULL OR responded_at IS NOT NULL`)
@Check('surveys_expiry_after_invitation', `expires_at > invited_at`)
export class SurveyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'contact_id', type: 'uuid', nullable: true })
  contactId: string | null;

  @ManyToOne(() => ContactEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'contact_id', foreignKeyConstraintName: 'surveys_contact_fk' })
  contact?: Relation<ContactEntity>;

  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId: string | null;

  @ManyToOne(() => CustomerEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'surveys_customer_fk' })
  customer?: Relation<CustomerEntity>;

  @Column({ type: 'text' })
  channel: Channel;

  @ManyToOne(() => ChannelEntity)
  @JoinColumn({ name: 'channel', foreignKeyConstraintName: 'surveys_channel_fk' })
  channelRef?: Relation<ChannelEntity>;

  @Column({ name: 'queue_id', type: 'uuid', nullable: true })
  queueId: string | null;

  @ManyToOne(() => QueueEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'surveys_queue_fk' })
  queue?: Relation<QueueEntity>;

  /** The agent who served the contact; kept after the agent is deleted (no foreign key), as the report roll-ups keep it. */
  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId: string | null;

  @Column({ name: 'contact_ended_at', type: 'timestamptz' })
  contactEndedAt: Date;

  /** SHA-256 (hex) of the survey token; the token itself is never stored here. */
  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ name: 'invited_at', type: 'timestamptz' })
  invitedAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'responded_at', type: 'timestamptz', nullable: true })
  respondedAt: Date | null;

  @Column({ name: 'nps_score', type: 'smallint', nullable: true })
  npsScore: number | null;

  @Column({ name: 'resolved_first_contact', type: 'boolean', nullable: true })
  resolvedFirstContact: boolean | null;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ name: 'personal_data_erased_at', type: 'timestamptz', nullable: true })
  personalDataErasedAt: Date | null;
}

export const INVITATION_STATUSES = ['pending', 'sending', 'sent', 'rejected', 'cancelled', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/**
 * The outbox of survey invitations, written in the same transaction as the survey. `token` is the
 * plain survey token, kept only while the invitation is open (pending/sending) so a retry sends
 * the same link; it is cleared when the invitation is sent, rejected, cancelled or expired.
 */
@Entity({ name: 'survey_invitations' })
@Unique('survey_invitations_survey_unique', ['surveyId'])
@Unique('survey_invitations_idempotency_key_unique', ['idempotencyKey'])
@Index('survey_invitations_due_idx', ['nextAttemptAt'], { where: `status IN ('pending', 'sending')` })
@Check('survey_invitations_medium_valid', `medium IN ('sms', 'email')`)
@Check('survey_invitations_status_valid', `status IN ('pending', 'sending', 'sent', 'rejected', 'cancelled', 'expired')`)
@Check('survey_invitations_sent_marker', `(status = 'sent') = (sent_at IS NOT NULL)`)
@Check('survey_invitations_token_while_open', `(status IN ('pending', 'sending')) = (token IS NOT NULL)`)
@Check('survey_invitations_lease_while_sending', `(status = 'sending') = (lease_until IS NOT NULL)`)
@Check('survey_invitations_attempts_non_negative', `attempts >= 0`)
export class SurveyInvitationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'survey_id', type: 'uuid' })
  surveyId: string;

  @ManyToOne(() => SurveyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'survey_id', foreignKeyConstraintName: 'survey_invitations_survey_fk' })
  survey?: Relation<SurveyEntity>;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey: string;

  @Column({ type: 'text' })
  medium: 'sms' | 'email';

  @Column({ type: 'text' })
  status: InvitationStatus;

  @Column({ type: 'text', nullable: true })
  token: string | null;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt: Date;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  /** Why the last attempt failed (gateway status, no personal data). */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'text', nullable: true })
  gateway: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
