import type { DataSource } from 'typeorm';
import { AgentEntity } from '../entities/agent.entity.js';
import { DepartmentEntity } from '../entities/department.entity.js';
import { QueueEntity } from '../entities/queue.entity.js';

export abstract class DepartmentRepository {
  abstract list(): Promise<DepartmentEntity[]>;
  abstract findById(id: string): Promise<DepartmentEntity | null>;
  abstract save(department: Partial<DepartmentEntity>): Promise<DepartmentEntity>;
  /** Deletes when nothing refers to it; returns what still does otherwise. */
  abstract deleteIfUnused(id: string): Promise<{ deleted: boolean; agents: number; queues: number }>;
}

export class TypeOrmDepartmentRepository extends DepartmentRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  list(): Promise<DepartmentEntity[]> {
    return this.dataSource.getRepository(DepartmentEntity).find({ order: { name: 'ASC' } });
  }

  findById(id: string): Promise<DepartmentEntity | null> {
    return this.dataSource.getRepository(DepartmentEntity).findOneBy({ id });
  }

  save(department: Partial<DepartmentEntity>): Promise<DepartmentEntity> {
    return this.dataSource.getRepository(DepartmentEntity).save(department);
  }

  deleteIfUnused(id: string): Promise<{ deleted: boolean; agents: number; queues: number }> {
    return this.dataSource.transaction(async (tx) => {
      // Lock the department so no agent or queue is attached while we decide.
      await tx.getRepository(DepartmentEntity).createQueryBuilder('d').setLock('pessimistic_write').where('d.id = :id', { id }).getOne();
      const agents = await tx.getRepository(AgentEntity).countBy({ departmentId: id });
      const queues = await tx.getRepository(QueueEntity).countBy({ departmentId: id });
      if (agents > 0 || queues > 0) return { deleted: false, agents, queues };
      const result = await tx.getRepository(DepartmentEntity).delete({ id });
      return { deleted: (result.affected ?? 0) > 0, agents, queues };
    });
  }
}
