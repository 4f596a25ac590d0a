import type { DataSource } from 'typeorm';
import { LetterBatchEntity } from '../entities/letter-batch.entity.js';

export interface LetterBatchData {
  departmentId: string;
  sentOn: string;
  letters: number;
  description: string;
}

export interface LetterBatchFilter {
  departmentId?: string;
  /** inclusive local dates. */
  from?: string;
  to?: string;
}

export abstract class LetterBatchRepository {
  abstract list(filter: LetterBatchFilter): Promise<LetterBatchEntity[]>;
  abstract findById(id: string): Promise<LetterBatchEntity | null>;
  abstract create(data: LetterBatchData): Promise<LetterBatchEntity>;
  abstract update(id: string, data: LetterBatchData): Promise<LetterBatchEntity | null>;
  abstract delete(id: string): Promise<boolean>;
}

export class TypeOrmLetterBatchRepository extends LetterBatchRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  list(filter: LetterBatchFilter): Promise<LetterBatchEntity[]> {
    const qb = this.dataSource.getRepository(LetterBatchEntity).createQueryBuilder('b');
    if (filter.departmentId) qb.andWhere('b.department_id = :departmentId', { departmentId: filter.departmentId });
    if (filter.from) qb.andWhere('b.sent_on >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('b.sent_on <= :to', { to: filter.to });
    return qb.orderBy('b.sent_on', 'ASC').addOrderBy('b.created_at', 'ASC').take(5000).getMany();
  }

  findById(id: string): Promise<LetterBatchEntity | null> {
    return this.dataSource.getRepository(LetterBatchEntity).findOneBy({ id });
  }

  async create(data: LetterBatchData): Promise<LetterBatchEntity> {
    const repo = this.dataSource.getRepository(LetterBatchEntity);
    const saved = await repo.save(repo.create(data));
    return (await this.findById(saved.id))!;
  }

  async update(id: string, data: LetterBatchData): Promise<LetterBatchEntity | null> {
    const result = await this.dataSource.getRepository(LetterBatchEntity).update({ id }, data);
    return (result.affected ?? 0) > 0 ? this.findById(id) : null;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(LetterBatchEntity).delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
