import type { DataSource } from 'typeorm';
import { BusinessCalendarEntity, CalendarClosureEntity, type OpeningHoursRow } from '../entities/business-calendar.entity.js';
import { QueueEntity } from '../entities/queue.entity.js';

export interface BusinessCalendarData {
  key: string;
  name: string;
  timeZone: string;
  holidayRegion: string | null;
  openingHours: OpeningHoursRow[];
  closures: { date: string; name: string }[];
}

export abstract class BusinessCalendarRepository {
  abstract list(): Promise<BusinessCalendarEntity[]>;
  abstract findById(id: string): Promise<BusinessCalendarEntity | null>;
  abstract create(data: BusinessCalendarData): Promise<BusinessCalendarEntity>;
  abstract update(id: string, data: BusinessCalendarData): Promise<BusinessCalendarEntity | null>;
  abstract deleteIfUnused(id: string): Promise<{ deleted: boolean; queues: number }>;
}

export class TypeOrmBusinessCalendarRepository extends BusinessCalendarRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  list(): Promise<BusinessCalendarEntity[]> {
    return this.dataSource.getRepository(BusinessCalendarEntity).find({ order: { key: 'ASC' } });
  }

  findById(id: string): Promise<BusinessCalendarEntity | null> {
    return this.dataSource.getRepository(BusinessCalendarEntity).findOneBy({ id });
  }

  async create(data: BusinessCalendarData): Promise<BusinessCalendarEntity> {
    const repo = this.dataSource.getRepository(BusinessCalendarEntity);
    const saved = await repo.save(repo.create(data));
    return (await this.findById(saved.id))!;
  }

  async update(id: string, data: BusinessCalendarData): Promise<BusinessCalendarEntity | null> {
    const found = await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(BusinessCalendarEntity);
      const existing = await repo.createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id', { id }).getOne();
      if (!existing) return false;
      const { closures, ...fields } = data;
      await repo.update({ id }, fields);
      await tx.getRepository(CalendarClosureEntity).delete({ calendarId: id });
      if (closures.length) await tx.getRepository(CalendarClosureEntity).insert(closures.map((c) => ({ calendarId: id, ...c })));
      return true;
    });
    return found ? this.findById(id) : null;
  }

  deleteIfUnused(id: string): Promise<{ deleted: boolean; queues: number }> {
    return this.dataSource.transaction(async (tx) => {
      await tx.getRepository(BusinessCalendarEntity).createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id', { id }).getOne();
      const queues = await tx.getRepository(QueueEntity).countBy({ calendarId: id });
      if (queues > 0) return { deleted: false, queues };
      const result = await tx.getRepository(BusinessCalendarEntity).delete({ id });
      return { deleted: (result.affected ?? 0) > 0, queues };
    });
  }
}
