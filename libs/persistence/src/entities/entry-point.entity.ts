import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn, type Relation } from 'typeorm';
import { QueueEntity } from './queue.entity.js';

/** A called number (DID, service number) and the queue its calls enter. */
@Entity({ name: 'entry_points' })
@Unique('entry_points_called_number_unique', ['calledNumber'])
@Index('entry_points_queue_idx', ['queueId'])
@Check('entry_points_called_number_format', `called_number ~ '^[+]?[0-9A-Za-z*#._-]{1,64}$'`)
export class EntryPointEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'called_number', type: 'text' })
  calledNumber: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'queue_id', type: 'uuid' })
  queueId: string;

  @ManyToOne(() => QueueEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'entry_points_queue_fk' })
  queue?: Relation<QueueEntity>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
