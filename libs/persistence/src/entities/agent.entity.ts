import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  Unique,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { AgentSkillEntity } from './agent-skill.entity.js';
import { DepartmentEntity } from './department.entity.js';

/** An employee who can handle contacts. `displayName` and `phoneUri` are personal data: never logged. */
@Entity({ name: 'agents' })
@Unique('agents_employee_number_unique', ['employeeNumber'])
@Index('agents_department_idx', ['departmentId'])
@Check('agents_phone_uri_sip', `phone_uri IS NULL OR phone_uri ~ '^sips?:[^@[:space:]]+@[^[:space:]]+$'`)
@Check('agents_phone_capacity_range', `phone_capacity BETWEEN 0 AND 1`)
@Check('agents_chat_capacity_range', `chat_capacity BETWEEN 0 AND 10`)
@Check('agents_email_capacity_range', `email_capacity BETWEEN 0 AND 20`)
export class AgentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'employee_number', type: 'text' })
  employeeNumber: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ name: 'department_id', type: 'uuid' })
  departmentId: string;

  @ManyToOne(() => DepartmentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'agents_department_fk' })
  department?: Relation<DepartmentEntity>;

  @Column({ name: 'phone_uri', type: 'text', nullable: true })
  phoneUri: string | null;

  @Column({ name: 'time_zone', type: 'text', default: 'Europe/Helsinki' })
  timeZone: string;

  @Column({ name: 'phone_capacity', type: 'smallint', default: 1 })
  phoneCapacity: number;

  @Column({ name: 'chat_capacity', type: 'smallint', default: 3 })
  chatCapacity: number;

  @Column({ name: 'email_capacity', type: 'smallint', default: 5 })
  emailCapacity: number;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @OneToMany(() => AgentSkillEntity, (skill) => skill.agent, { cascade: true, eager: true })
  skills: Relation<AgentSkillEntity[]>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
