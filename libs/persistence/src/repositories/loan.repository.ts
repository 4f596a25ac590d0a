import type { DataSource, EntityManager } from 'typeorm';
import { LoanEntity, type LoanStatus } from '../entities/loan.entity.js';
import { appendAudit, type AuditEntry } from './planning.repository.js';

export interface LoanData {
  agentId: string;
  fromDepartmentId: string;
  toDepartmentId: string;
  queueId: string | null;
  startsAt: Date;
  endsAt: Date;
  reason: string | null;
  createdBy: string;
}

export interface LoanFilter {
  fromDepartmentId?: string;
  toDepartmentId?: string;
  /** Loans from or to this department (manager scoping). */
  involvingDepartmentId?: string;
  status?: LoanStatus;
  /** Loans overlapping [from, to). */
  from?: Date;
  to?: Date;
  agentId?: string;
}

/** Loan writes inside one transaction; `audit` appends to audit_log in the same transaction. */
export interface LoanTransaction {
  /** Locks the agents' rows in id order, so concurrent loans of one agent are checked one after the other. */
  lockAgents(agentIds: readonly string[]): Promise<void>;
  /** Active loans of the agent overlapping [from, to). */
  overlappingActive(agentId: string, from: Date, to: Date): Promise<LoanEntity[]>;
  insert(loan: LoanData): Promise<LoanEntity>;
  /** The loan, locked for update. */
  lock(id: string): Promise<LoanEntity | null>;
  decide(id: string, status: Exclude<LoanStatus, 'active'>, decidedBy: string, note: string | null): Promise<LoanEntity>;
  audit(entry: AuditEntry): Promise<void>;
}

export abstract class LoanRepository {
  abstract transaction<T>(fn: (tx: LoanTransaction) => Promise<T>): Promise<T>;
  abstract list(filter: LoanFilter, limit: number): Promise<LoanEntity[]>;
  abstract findById(id: string): Promise<LoanEntity | null>;
}

class TypeOrmLoanTransaction implements LoanTransaction {
  constructor(private readonly tx: EntityManager) {}

  async lockAgents(agentIds: readonly string[]): Promise<void> {
    const ids = [...new Set(agentIds)].sort();
    if (ids.length) await this.tx.query('SELECT id FROM agents WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [ids]);
  }

  overlappingActive(agentId: string, from: Date, to: Date): Promise<LoanEntity[]> {
    return this.tx
      .getRepository(LoanEntity)
      .createQueryBuilder('l')
      .where(`l.agent_id = :agentId AND l.status = 'active' AND l.starts_at < :to AND l.ends_at > :from`, { agentId, from, to })
      .orderBy('l.starts_at')
      .getMany();
  }

  async insert(loan: LoanData): Promise<LoanEntity> {
    const repo = this.tx.getRepository(LoanEntity);
    const saved = await repo.save(repo.create({ ...loan, status: 'active' }));
    return (await repo.findOneBy({ id: saved.id }))!;
  }

  async lock(id: string): Promise<LoanEntity | null> {
    const rows: { id: string }[] = await this.tx.query('SELECT id FROM loans WHERE id = $1 FOR UPDATE', [id]);
    return rows.length ? this.tx.getRepository(LoanEntity).findOneBy({ id }) : null;
  }

  async decide(id: string, status: Exclude<LoanStatus, 'active'>, decidedBy: string, note: string | null): Promise<LoanEntity> {
    await this.tx.getRepository(LoanEntity).update({ id }, { status, decidedBy, decisionNote: note });
    return (await this.tx.getRepository(LoanEntity).findOneBy({ id }))!;
  }

  audit(entry: AuditEntry): Promise<void> {
    return appendAudit(this.tx, entry);
  }
}

export class TypeOrmLoanRepository extends LoanRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  transaction<T>(fn: (tx: LoanTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => fn(new TypeOrmLoanTransaction(manager)));
  }

  list(filter: LoanFilter, limit: number): Promise<LoanEntity[]> {
    const qb = this.dataSource.getRepository(LoanEntity).createQueryBuilder('l');
    if (filter.fromDepartmentId) qb.andWhere('l.from_department_id = :fromDepartmentId', { fromDepartmentId: filter.fromDepartmentId });
    if (filter.toDepartmentId) qb.andWhere('l.to_department_id = :toDepartmentId', { toDepartmentId: filter.toDepartmentId });
    if (filter.involvingDepartmentId) qb.andWhere('(l.from_department_id = :dept OR l.to_department_id = :dept)', { dept: filter.involvingDepartmentId });
    if (filter.status) qb.andWhere('l.status = :status', { status: filter.status });
    if (filter.agentId) qb.andWhere('l.agent_id = :agentId', { agentId: filter.agentId });
    if (filter.from) qb.andWhere('l.ends_at > :from', { from: filter.from });
    if (filter.to) qb.andWhere('l.starts_at < :to', { to: filter.to });
    return qb.orderBy('l.starts_at', 'ASC').addOrderBy('l.id', 'ASC').take(limit).getMany();
  }

  findById(id: string): Promise<LoanEntity | null> {
    return this.dataSource.getRepository(LoanEntity).findOneBy({ id });
  }
}
