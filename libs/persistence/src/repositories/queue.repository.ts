import type { DataSource } from 'typeorm';
import type { Channel } from '../../../core/src/channel.js';
import { QueueEntity, QueueSkillEntity, type TargetBasis } from '../entities/queue.entity.js';

export interface QueueFilter {
  departmentId?: string;
  channel?: Channel;
}

export interface QueueData {
  key: string;
  name: string;
  departmentId: string;
  channel: Channel;
  language: string | null;
  calendarId: string;
  targetPercent: number;
  targetSeconds: number;
  targetBasis: TargetBasis;
  requiredSkills: { skillKey: string; minProficiency: number }[];
}

export abstract class QueueRepository {
  abstract list(filter: QueueFilter): Promise<QueueEntity[]>;
  abstract findById(id: string): Promise<QueueEntity | null>;
  abstract create(data: QueueData): Promise<QueueEntity>;
  abstract update(id: string, data: QueueData): Promise<QueueEntity | null>;
  abstract delete(id: string): Promise<boolean>;
}

export class TypeOrmQueueRepository extends QueueRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  list(filter: QueueFilter): Promise<QueueEntity[]> {
    return this.dataSource.getRepository(QueueEntity).find({
      where: { ...(filter.departmentId ? { departmentId: filter.departmentId } : {}), ...(filter.channel ? { channel: filter.channel } : {}) },
      order: { key: 'ASC' },
    });
  }

  findById(id: string): Promise<QueueEntity | null> {
    return this.dataSource.getRepository(QueueEntity).findOneBy({ id });
  }

  async create(data: QueueData): Promise<QueueEntity> {
    const repo = this.dataSource.getRepository(QueueEntity);
    const saved = await repo.save(repo.create(data));
    return (await this.findById(saved.id))!;
  }

  async update(id: string, data: QueueData): Promise<QueueEntity | null> {
    const found = await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(QueueEntity);
      const existing = await repo.createQueryBuilder('q').setLock('pessimistic_write').where('q.id = :id', { id }).getOne();
      if (!existing) return false;
      const { requiredSkills, ...fields } = data;
      await repo.update({ id }, fields);
      await tx.getRepository(QueueSkillEntity).delete({ queueId: id });
      if (requiredSkills.length) await tx.getRepository(QueueSkillEntity).insert(requiredSkills.map((s) => ({ queueId: id, ...s })));
      return true;
    });
    return found ? this.findById(id) : null;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(QueueEntity).delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
