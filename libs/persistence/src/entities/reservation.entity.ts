import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { Channel } from '../../../core/src/channel.js';
import { AgentEntity } from './agent.entity.js';
import { ContactEntity } from './contact.entity.js';

export const RESERVATION_STATUSES = ['offered', 'accepted', 'completed', 'rejected', 'expired', 'cancelled', 'failed', 'transferred'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** An offer of a contact to an agent (a reservation of its capacity) and what became of it. */
@Entity({ name: 'reservations' })
@Index('reservations_one_live_per_contact', ['contactId'], { unique: true, where: `status IN ('offered', 'accepted')` })
@Index('reservations_expiring_idx', ['expiresAt'], { where: `status = 'offered'` })
@Index('reservations_agent_live_idx', ['agentId'], { where: `status IN ('offered', 'accepted')` })
@Check('reservations_status_valid', `status IN ('offered', 'accepted', 'completed', 'rejected', 'expired', 'cancelled', 'failed', 'transferred')`)
@Check('reservations_expiry_after_offer', `expires_at > offered_at`)
export class ReservationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId: string;

  @ManyToOne(() => ContactEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id', foreignKeyConstraintName: 'reservations_contact_fk' })
  contact?: Relation<ContactEntity>;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'reservations_agent_fk' })
  agent?: Relation<AgentEntity>;

  @Column({ type: 'text' })
  channel: Channel;

  @Column({ type: 'text' })
  status: ReservationStatus;

  @Column({ name: 'offered_at', type: 'timestamptz' })
  offeredAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  /** When a long poll told the telephony of this call offer (null: not known to have; see libs/routing offerReachedTelephony). */
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}
