import { Check, Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { AgentEntity } from './agent.entity.js';

export const AGENT_STATES = ['offline', 'available', 'reserved', 'busy', 'wrap-up', 'break', 'not-responding'] as const;
export type AgentPresenceState = (typeof AGENT_STATES)[number];

/**
 * An agent's live presence: declared state and per-channel load (reservations included) against a
 * capacity copied from the agent when the state is set. The checks make over-capacity impossible
 * whichever API instance writes.
 */
@Entity({ name: 'agent_presence' })
@Check('agent_presence_state_valid', `state IN ('offline', 'available', 'reserved', 'busy', 'wrap-up', 'break', 'not-responding')`)
@Check('agent_presence_break_reason', `(state = 'break') = (break_reason IS NOT NULL)`)
@Check('agent_presence_phone_load_range', `phone_load >= 0 AND phone_load <= phone_capacity`)
@Check('agent_presence_chat_load_range', `chat_load >= 0 AND chat_load <= chat_capacity`)
@Check('agent_presence_email_load_range', `email_load >= 0 AND email_load <= email_capacity`)
@Check('agent_presence_call_excludes_chat', `phone_load = 0 OR chat_load = 0`)
@Check('agent_presence_offline_empty', `state <> 'offline' OR (phone_load = 0 AND chat_load = 0 AND email_load = 0)`)
@Check('agent_presence_pending_state_valid', `pending_state IS NULL OR pending_state IN ('break', 'offline')`)
@Check('agent_presence_pending_reason', `(pending_state IS NOT DISTINCT FROM 'break') = (pending_reason IS NOT NULL)`)
export class AgentPresenceEntity {
  @PrimaryColumn({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @OneToOne(() => AgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'agent_presence_agent_fk' })
  agent?: Relation<AgentEntity>;

  @Column({ type: 'text' })
  state: AgentPresenceState;

  @Column({ name: 'break_reason', type: 'text', nullable: true })
  breakReason: string | null;

  @Column({ name: 'phone_capacity', type: 'smallint' })
  phoneCapacity: number;

  @Column({ name: 'chat_capacity', type: 'smallint' })
  chatCapacity: number;

  @Column({ name: 'email_capacity', type: 'smallint' })
  emailCapacity: number;

  @Column({ name: 'phone_load', type: 'smallint' })
  phoneLoad: number;

  @Column({ name: 'chat_load', type: 'smallint' })
  chatLoad: number;

  @Column({ name: 'email_load', type: 'smallint' })
  emailLoad: number;

  @Column({ name: 'state_since', type: 'timestamptz' })
  stateSince: Date;

  @Column({ name: 'idle_since', type: 'timestamptz' })
  idleSince: Date;

  @Column({ name: 'wrap_up_until', type: 'timestamptz', nullable: true })
  wrapUpUntil: Date | null;

  /** A break or offline asked for while working: taken once the last contact has ended and wrap-up is over (null: none). */
  @Column({ name: 'pending_state', type: 'text', nullable: true })
  pendingState: 'break' | 'offline' | null;

  /** The reason of a pending break. */
  @Column({ name: 'pending_reason', type: 'text', nullable: true })
  pendingReason: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
