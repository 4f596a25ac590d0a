import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { AgentEntity } from './agent.entity.js';
import { SkillEntity } from './skill.entity.js';

@Entity({ name: 'agent_skills' })
@Index('agent_skills_skill_idx', ['skillKey'])
@Check('agent_skills_proficiency_range', `proficiency BETWEEN 1 AND 5`)
export class AgentSkillEntity {
  @PrimaryColumn({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @PrimaryColumn({ name: 'skill_key', type: 'text' })
  skillKey: string;

  @Column({ type: 'smallint' })
  proficiency: number;

  @ManyToOne(() => AgentEntity, (agent) => agent.skills, { onDelete: 'CASCADE', orphanedRowAction: 'delete' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'agent_skills_agent_fk' })
  agent: Relation<AgentEntity>;

  @ManyToOne(() => SkillEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'skill_key', foreignKeyConstraintName: 'agent_skills_skill_fk' })
  skill?: Relation<SkillEntity>;
}
