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
  /**
   * Deletes a queue that has never had a contact. Contacts are kept for the reports and their
   * timelines (contacts_queue_fk is ON DELETE RESTRICT), so a queue with any is not deleted and
   * the answer says how many it has; `deleted: false, contacts: 0` means there is no such queue.
   */
  abstract deleteIfUnused(id: string): Promise<{ deleted: boolean; contacts: number }>;
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

  deleteIfUnused(id: string): Promise<{ deleted: boolean; contacts: number }> {
    return this.dataSource.transaction(async (tx) => {
      // Lock the queue so that no contact enters it while we decide (a contact's insert takes a
      // share lock on the queue row through contacts_queue_fk).
      const existing = await tx.getRepository(QueueEntity).createQueryBuilder('q').setLock('pessimistic_write').where('q.id = :id', { id }).getOne();
      if (!existing) return { deleted: false, contacts: 0 };
      const [{ contacts }] = (await tx.query(`SELECT count(*)::int AS contacts FROM contacts WHERE queue_id = $1`, [id])) as { contacts: number }[];
      if (contacts > 0) return { deleted: false, contacts };
      const result = await tx.getRepository(QueueEntity).delete({ id });
      return { deleted: (result.affected ?? 0) > 0, contacts: 0 };
    });
  }
}
