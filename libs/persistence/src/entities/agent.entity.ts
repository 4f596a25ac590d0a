import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { AgentSkillEntity } from './agent-skill.entity.js';

/** An employee who can handle contacts. `displayName` and `phoneUri` are personal data: never logged. */
@Entity({ name: 'agents' })
export class AgentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'employee_number', type: 'text' })
  employeeNumber: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ name: 'department_id', type: 'uuid' })
  departmentId: string;

  @Column({ name: 'phone_uri', type: 'text', nullable: true })
  phoneUri: string | null;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone: string;

  @Column({ name: 'phone_capacity', type: 'smallint' })
  phoneCapacity: number;

  @Column({ name: 'chat_capacity', type: 'smallint' })
  chatCapacity: number;

  @Column({ name: 'email_capacity', type: 'smallint' })
  emailCapacity: number;

  @Column({ type: 'boolean' })
  active: boolean;

  @OneToMany(() => AgentSkillEntity, (skill) => skill.agent, { cascade: true, eager: true })
  skills: Relation<AgentSkillEntity[]>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
