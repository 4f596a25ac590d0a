import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { AgentEntity } from './agent.entity.js';

@Entity({ name: 'agent_skills' })
export class AgentSkillEntity {
  @PrimaryColumn({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @PrimaryColumn({ name: 'skill_key', type: 'text' })
  skillKey: string;

  @Column({ type: 'smallint' })
  proficiency: number;

  @ManyToOne(() => AgentEntity, (agent) => agent.skills, { onDelete: 'CASCADE', orphanedRowAction: 'delete' })
  @JoinColumn({ name: 'agent_id' })
  agent: Relation<AgentEntity>;
}
