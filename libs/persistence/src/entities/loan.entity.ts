import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { AgentEntity } from './agent.entity.js';
import { DepartmentEntity } from './department.entity.js';
import { QueueEntity } from './queue.entity.js';

export const LOAN_STATUSES = ['active', 'declined', 'cancelled'] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];

/**
 * An agent lent from their home department to another for a window (an accepted borrowing
 * suggestion). While `active` and inside [startsAt, endsAt) routing offers the agent contacts of the
 * borrowing queue (`queueId`), or of every queue of the borrowing department when it is null.
 */
@Entity({ name: 'loans' })
@Index('loans_active_agent_idx', ['agentId', 'endsAt'], { where: `status = 'active'` })
@Index('loans_to_department_idx', ['toDepartmentId', 'startsAt'])
@Index('loans_from_department_idx', ['fromDepartmentId', 'startsAt'])
@Check('loans_status_valid', `status IN ('active', 'declined', 'cancelled')`)
@Check('loans_window_valid', `starts_at < ends_at`)
@Check('loans_departments_differ', `from_department_id <> to_department_id`)
export class LoanEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'loans_agent_fk' })
  agent?: Relation<AgentEntity>;

  @Column({ name: 'from_department_id', type: 'uuid' })
  fromDepartmentId: string;

  @ManyToOne(() => DepartmentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_department_id', foreignKeyConstraintName: 'loans_from_department_fk' })
  fromDepartment?: Relation<DepartmentEntity>;

  @Column({ name: 'to_department_id', type: 'uuid' })
  toDepartmentId: string;

  @ManyToOne(() => DepartmentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_department_id', foreignKeyConstraintName: 'loans_to_department_fk' })
  toDepartment?: Relation<DepartmentEntity>;

  @Column({ name: 'queue_id', type: 'uuid', nullable: true })
  queueId: string | null;

  @ManyToOne(() => QueueEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'loans_queue_fk' })
  queue?: Relation<QueueEntity>;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ type: 'text' })
  status: LoanStatus;

  /** Why the loan was made (e.g. the suggestion it came from). */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** The API key (name/prefix) that created the loan. */
  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  /** The API key that declined or cancelled it. */
  @Column({ name: 'decided_by', type: 'text', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decision_note', type: 'text', nullable: true })
  decisionNote: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** Who did what to which record, and when. Append-only. */
@Entity({ name: 'audit_log' })
@Index('audit_log_entity_idx', ['entityType', 'entityId', 'at'])
@Check('audit_log_action_not_blank', `length(btrim(action)) > 0`)
export class AuditLogEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType: string;

  @Column({ name: 'entity_id', type: 'text' })
  entityId: string;

  @Column({ type: 'jsonb' })
  detail: Record<string, unknown>;
}
