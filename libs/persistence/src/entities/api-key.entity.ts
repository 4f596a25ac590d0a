import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import type { Role } from '../../../core/src/role.js';
import { DepartmentEntity } from './department.entity.js';

/** An API key. Only the SHA-256 of the secret is stored; `keyPrefix` identifies it in lists and logs. */
@Entity({ name: 'api_keys' })
@Unique('api_keys_key_hash_unique', ['keyHash'])
@Check('api_keys_role_valid', `role IN ('admin', 'supervisor', 'manager', 'agent', 'telephony')`)
@Check('api_keys_key_hash_sha256', `key_hash ~ '^[0-9a-f]{64}$'`)
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ name: 'key_hash', type: 'text' })
  keyHash: string;

  @Column({ name: 'key_prefix', type: 'text' })
  keyPrefix: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  /** The department a manager (or supervisor) key acts for; null = every department. */
  @Column({ name: 'department_id', type: 'uuid', nullable: true })
  departmentId: string | null;

  @ManyToOne(() => DepartmentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'api_keys_department_fk' })
  department?: Relation<DepartmentEntity>;
}
