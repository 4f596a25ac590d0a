import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import type { Channel } from '../../../core/src/channel.js';

export const TARGET_BASES = ['elapsed', 'business'] as const;
export type TargetBasis = (typeof TARGET_BASES)[number];

/** Where contacts of one department, channel and (usually) language wait for an agent. */
@Entity({ name: 'queues' })
export class QueueEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'department_id', type: 'uuid' })
  departmentId: string;

  @Column({ type: 'text' })
  channel: Channel;

  @Column({ type: 'text', nullable: true })
  language: string | null;

  @Column({ name: 'calendar_id', type: 'uuid' })
  calendarId: string;

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
export class QueueSkillEntity {
  @PrimaryColumn({ name: 'queue_id', type: 'uuid' })
  queueId: string;

  @PrimaryColumn({ name: 'skill_key', type: 'text' })
  skillKey: string;

  @Column({ name: 'min_proficiency', type: 'smallint' })
  minProficiency: number;

  @ManyToOne(() => QueueEntity, (queue) => queue.requiredSkills, { onDelete: 'CASCADE', orphanedRowAction: 'delete' })
  @JoinColumn({ name: 'queue_id' })
  queue: Relation<QueueEntity>;
}
