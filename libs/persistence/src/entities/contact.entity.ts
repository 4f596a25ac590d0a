import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn, type Relation } from 'typeorm';
import type { Channel } from '../../../core/src/channel.js';
import { AgentEntity } from './agent.entity.js';
import { ChannelEntity } from './channel.entity.js';
import { CustomerEntity } from './customer.entity.js';
import { QueueEntity } from './queue.entity.js';

export const CONTACT_STATUSES = ['queued', 'offered', 'connected', 'ended', 'abandoned', 'rejected', 'failed'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];
export type ContactKind = 'inbound' | 'callback';

/**
 * One contact (call, chat, email) from arrival to its end. `callerName`, `subject` and the
 * customer's number are personal data: stored for the agent, never logged.
 */
@Entity({ name: 'contacts' })
@Unique('contacts_call_id_unique', ['callId'])
@Index('contacts_waiting_idx', ['queueId', 'arrivedAt'], { where: `waiting` })
@Index('contacts_queue_arrived_idx', ['queueId', 'arrivedAt'])
@Index('contacts_customer_idx', ['customerId'])
@Check('contacts_kind_valid', `kind IN ('inbound', 'callback')`)
@Check('contacts_status_valid', `status IN ('queued', 'offered', 'connected', 'ended', 'abandoned', 'rejected', 'failed')`)
@Check('contacts_queue_unless_rejected', `queue_id IS NOT NULL OR status = 'rejected'`)
@Check('contacts_phone_has_call_id', `channel <> 'phone' OR call_id IS NOT NULL`)
@Check('contacts_offer_attempts_non_negative', `offer_attempts >= 0`)
export class ContactEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  channel: Channel;

  @ManyToOne(() => ChannelEntity)
  @JoinColumn({ name: 'channel', foreignKeyConstraintName: 'contacts_channel_fk' })
  channelRef?: Relation<ChannelEntity>;

  @Column({ type: 'text' })
  kind: ContactKind;

  @Column({ type: 'text' })
  status: ContactStatus;

  /**
   * `status = 'queued'`, computed by PostgreSQL. contacts_waiting_idx is partial on this column, not on
   * `status`: a column in an index predicate makes every update that changes it a non-HOT update
   * (a new entry in each of the table's indexes), and the answer and end of a contact change
   * `status` but not `waiting` (migration ContactsHotUpdates).
   */
  @Column({ type: 'boolean', generatedType: 'STORED', asExpression: `status = 'queued'`, insert: false, update: false })
  readonly waiting?: boolean;

  @Column({ name: 'queue_id', type: 'uuid', nullable: true })
  queueId: string | null;

  @ManyToOne(() => QueueEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'contacts_queue_fk' })
  queue?: Relation<QueueEntity>;

  @Column({ name: 'call_id', type: 'text', nullable: true })
  callId: string | null;

  @Column({ name: 'decision_id', type: 'uuid' })
  decisionId: string;

  /** The first routing decision answered for this contact (a retried request gets it again). */
  @Column({ type: 'jsonb', nullable: true })
  decision: Record<string, unknown> | null;

  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId: string | null;

  @ManyToOne(() => CustomerEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'contacts_customer_fk' })
  customer?: Relation<CustomerEntity>;

  @Column({ name: 'customer_ref', type: 'text', nullable: true })
  customerRef: string | null;

  @Column({ name: 'caller_name', type: 'text', nullable: true })
  callerName: string | null;

  @Column({ name: 'called_number', type: 'text', nullable: true })
  calledNumber: string | null;

  @Column({ type: 'text', nullable: true })
  language: string | null;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ name: 'arrived_at', type: 'timestamptz' })
  arrivedAt: Date;

  @Column({ type: 'timestamptz' })
  deadline: Date;

  @Column({ name: 'priority_boost_seconds', type: 'integer' })
  priorityBoostSeconds: number;

  @Column({ name: 'previous_agent_id', type: 'uuid', nullable: true })
  previousAgentId: string | null;

  @ManyToOne(() => AgentEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'previous_agent_id', foreignKeyConstraintName: 'contacts_previous_agent_fk' })
  previousAgent?: Relation<AgentEntity>;

  @Column({ name: 'excluded_agent_ids', type: 'uuid', array: true })
  excludedAgentIds: string[];

  @Column({ name: 'offer_attempts', type: 'integer' })
  offerAttempts: number;

  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId: string | null;

  @ManyToOne(() => AgentEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'contacts_agent_fk' })
  agent?: Relation<AgentEntity>;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: string | null;

  /**
   * A waiting call the telephony has long-polled: when it is presumed gone if no poll comes
   * (libs/routing pollDueBy); null = never polled. Written in batches at most once a second (the
   * database engine's instances, the in-memory engine's tick), never by the poll itself; not
   * indexed, so those updates stay HOT. The routing sweep reads it through contacts_waiting_idx.
   */
  @Column({ name: 'poll_due_by', type: 'timestamptz', nullable: true })
  pollDueBy: Date | null;

  /** The explanation of the latest routing decision (ids and rules only, no personal data); json, not jsonb: ContactExplanationJson1795550000000. */
  @Column({ type: 'json', nullable: true })
  explanation: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

export const CONTACT_EVENT_TYPES = [
  'queued', 'reserved', 'offered', 'accepted', 'rejected', 'timeout', 'answered', 'ended', 'abandoned', 'failed',
  'agent-failed', 'requeued', 'transferred', 'callback-requested', 'completed', 'decision-rejected',
] as const;
export type ContactEventType = (typeof CONTACT_EVENT_TYPES)[number];

/** The timeline of a contact: the source of reports and forecasting history. Append-only. */
@Entity({ name: 'contact_events' })
@Index('contact_events_contact_idx', ['contactId', 'id'])
@Index('contact_events_transferred_idx', ['at'], { where: `type = 'queued' AND detail ->> 'transferredFrom' IS NOT NULL` })
@Check(
  'contact_events_type_valid',
  `type IN ('queued', 'reserved', 'offered', 'accepted', 'rejected', 'timeout', 'answered',
          'ended', 'abandoned', 'failed', 'agent-failed', 'requeued', 'transferred', 'callback-requested', 'completed', 'decision-rejected')`,
)
export class ContactEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId: string;

  // Enforced by statement-level triggers (SetBasedWriterChecks1795480000000), not a row-level foreign key.
  @ManyToOne(() => ContactEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<ContactEntity>;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'text' })
  type: ContactEventType;

  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId: string | null;

  @Column({ name: 'reservation_id', type: 'uuid', nullable: true })
  reservationId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detail: Record<string, unknown> | null;
}
