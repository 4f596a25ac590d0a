import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { DepartmentEntity } from './department.entity.js';

/** A mailing of collection letters: calls follow a day or two later. Forecasting learns the uplift. */
@Entity({ name: 'letter_batches' })
@Index('letter_batches_sent_on_idx', ['sentOn'])
@Check('letter_batches_letters_positive', `letters > 0`)
export class LetterBatchEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'department_id', type: 'uuid' })
  departmentId: string;

  @ManyToOne(() => DepartmentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'letter_batches_department_fk' })
  department?: Relation<DepartmentEntity>;

  @Column({ name: 'sent_on', type: 'date' })
  sentOn: string;

  @Column({ type: 'integer' })
  letters: number;

  @Column({ type: 'text' })
  description: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
