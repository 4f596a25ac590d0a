import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

export const DEPARTMENT_KINDS = ['customer-service', 'other'] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

@Entity({ name: 'departments' })
@Unique('departments_key_unique', ['key'])
@Check('departments_key_format', `key ~ '^[a-z0-9][a-z0-9-]{0,62}$'`)
@Check('departments_kind_valid', `kind IN ('customer-service', 'other')`)
@Check('departments_name_not_blank', `length(btrim(name)) > 0`)
export class DepartmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  kind: DepartmentKind;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
