import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The report facts of one finished contact: ids, outcome, wait and repeat flags, no personal data. */
@Entity({ name: 'report_contact_facts' })
@Check('report_contact_facts_outcome_valid', `outcome IN ('answered', 'abandoned', 'failed', 'switched')`)
export class ReportContactFactEntity {
  @PrimaryColumn({ name: 'contact_id', type: 'uuid' }) contactId: string;
  @Column({ type: 'text' }) channel: string;
  @Column({ name: 'queue_id', type: 'uuid' }) queueId: string;
  @Column({ name: 'closing_agent_id', type: 'uuid', nullable: true }) closingAgentId: string | null;
  @Column({ name: 'arrived_at', type: 'timestamptz' }) arrivedAt: Date;
  @Column({ type: 'text' }) outcome: string;
  @Column({ name: 'wait_seconds', type: 'double precision' }) waitSeconds: number;
  @Column({ name: 'is_repeat', type: 'boolean' }) isRepeat: boolean;
  @Column({ name: 'has_repeat', type: 'boolean' }) hasRepeat: boolean;
  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
}

/** An open email (ids and times only), for the backlog by age. */
@Entity({ name: 'report_email_backlog' })
@Index('report_email_backlog_queue_idx', ['queueId'])
export class ReportEmailBacklogEntity {
  @PrimaryColumn({ name: 'contact_id', type: 'uuid' }) contactId: string;
  @Column({ name: 'queue_id', type: 'uuid' }) queueId: string;
  @Column({ name: 'arrived_at', type: 'timestamptz' }) arrivedAt: Date;
  @Column({ type: 'timestamptz' }) deadline: Date;
}

/** A span an agent spent in one state, written by the trigger agent_presence_report_states. */
@Entity({ name: 'report_agent_states' })
@Check('report_agent_states_span_valid', `ended_at > started_at`)
export class ReportAgentStateEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'agent_id', type: 'uuid' }) agentId: string;
  @Column({ type: 'text' }) state: string;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt: Date;
  @Column({ name: 'ended_at', type: 'timestamptz' }) endedAt: Date;
}

/** How far the roll-up job has read a feed (contact_events, report_agent_states). */
@Entity({ name: 'report_feeds' })
@Check('report_feeds_name_valid', `name IN ('contact-events', 'agent-states')`)
export class ReportFeedEntity {
  @PrimaryColumn({ type: 'text' }) name: string;
  @Column({ type: 'bigint' }) watermark: string;
  /** Ids below the watermark not seen yet (a transaction still open, or rolled back), with when first missed. */
  @Column({ type: 'jsonb' }) gaps: { id: string; since: string }[];
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
