import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A mailing of collection letters: calls follow a day or two later. Forecasting learns the uplift. */
@Entity({ name: 'letter_batches' })
export class LetterBatchEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'department_id', type: 'uuid' })
  departmentId: string;

  @Column({ name: 'sent_on', type: 'date' })
  sentOn: string;

  @Column({ type: 'integer' })
  letters: number;

  @Column({ type: 'text' })
  description: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
