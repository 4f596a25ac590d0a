import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { AgentEntity } from './agent.entity.js';
import { ApiKeyEntity } from './api-key.entity.js';

/** Binds an agent-role API key to the agent it acts for. */
@Entity({ name: 'api_key_agents' })
@Index('api_key_agents_agent_idx', ['agentId'])
export class ApiKeyAgentEntity {
  @PrimaryColumn({ name: 'api_key_id', type: 'uuid' })
  apiKeyId: string;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'api_key_id', foreignKeyConstraintName: 'api_key_agents_api_key_fk' })
  apiKey?: Relation<ApiKeyEntity>;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'api_key_agents_agent_fk' })
  agent?: Relation<AgentEntity>;
}
