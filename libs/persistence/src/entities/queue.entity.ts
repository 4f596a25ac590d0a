import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Index,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import type { Channel } from '../../../core/src/channel.js';
import { BusinessCalendarEntity } from './business-calendar.entity.js';
import { ChannelEntity } from './channel.entity.js';
import { DepartmentEntity } from './department.entity.js';
import { SkillEntity } from './skill.entity.js';

export const TARGET_BASES = ['elapsed', 'business'] as const;
export type TargetBasis = (typeof TARGET_BASES)[number];

/** Where contacts of one department, channel and (usually) language wait for an agent. */
@Entity({ name: 'queues' })
@Unique('queues_key_unique', ['key'])
@Index('queues_department_idx', ['departmentId'])
@Check('queues_language_valid', `language IS NULL OR language IN ('fi', 'sv', 'en')`)
@Check('queues_target_percent_range', `target_percent > 0 AND target_percent <= 100`)
@Check('queues_target_seconds_positive', `target_seconds > 0`)
@Check('queues_target_basis_valid', `target_basis IN ('elapsed', 'business')`)
export class QueueEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'department_id', type: 'uuid' })
  departmentId: string;

  @ManyToOne(() => DepartmentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'queues_department_fk' })
  department?: Relation<DepartmentEntity>;

  @Column({ type: 'text' })
  channel: Channel;

  @ManyToOne(() => ChannelEntity)
  @JoinColumn({ name: 'channel', foreignKeyConstraintName: 'queues_channel_fk' })
  channelRef?: Relation<ChannelEntity>;

  @Column({ type: 'text', nullable: true })
  language: string | null;

  @Column({ name: 'calendar_id', type: 'uuid' })
  calendarId: string;

  @ManyToOne(() => BusinessCalendarEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'calendar_id', foreignKeyConstraintName: 'queues_calendar_fk' })
  calendar?: Relation<BusinessCalendarEntity>;

  /** Service target: `targetPercent` % of contacts answered within `targetSeconds` (business time for basis `business`). */
  @Column({ name: 'target_percent', type: 'numeric', precision: 5, scale: 2, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  targetPercent: number;

  @Column({ name: 'target_seconds', type: 'integer' })
  targetSeconds: number;

  @Column({ name: 'target_basis', type: 'text' })
  targetBasis: TargetBasis;

  @OneToMany(() => QueueSkillEntity, (skill) => skill.queue, { cascade: true, eager: true })
  requiredSkills: Relation<QueueSkillEntity[]>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

@Entity({ name: 'queue_skills' })
@Check('queue_skills_min_proficiency_range', `min_proficiency BETWEEN 1 AND 5`)
export class QueueSkillEntity {
  @PrimaryColumn({ name: 'queue_id', type: 'uuid' })
  queueId: string;

  @PrimaryColumn({ name: 'skill_key', type: 'text' })
  skillKey: string;

  @Column({ name: 'min_proficiency', type: 'smallint' })
  minProficiency: number;

  @ManyToOne(() => QueueEntity, (queue) => queue.requiredSkills, { onDelete: 'CASCADE', orphanedRowAction: 'delete' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'queue_skills_queue_fk' })
  queue: Relation<QueueEntity>;

  @ManyToOne(() => SkillEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'skill_key', foreignKeyConstraintName: 'queue_skills_skill_fk' })
  skill?: Relation<SkillEntity>;
}
