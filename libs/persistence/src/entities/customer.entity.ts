import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { AgentEntity } from './agent.entity.js';

/**
 * A customer as routing knows them: by caller number (phone) or by the gateway's opaque reference
 * (chat, email), with the last agent who served them. `phoneNumber` is personal data: never logged.
 */
@Entity({ name: 'customers' })
@Unique('customers_phone_number_unique', ['phoneNumber'])
@Unique('customers_external_ref_unique', ['externalRef'])
@Check('customers_identified', `phone_number IS NOT NULL OR external_ref IS NOT NULL`)
export class CustomerEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'phone_number', type: 'text', nullable: true })
  phoneNumber: string | null;

  @Column({ name: 'external_ref', type: 'text', nullable: true })
  externalRef: string | null;

  @Column({ name: 'last_agent_id', type: 'uuid', nullable: true })
  lastAgentId: string | null;

  @ManyToOne(() => AgentEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'last_agent_id', foreignKeyConstraintName: 'customers_last_agent_fk' })
  lastAgent?: Relation<AgentEntity>;

  @Column({ name: 'last_contact_at', type: 'timestamptz', nullable: true })
  lastContactAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
