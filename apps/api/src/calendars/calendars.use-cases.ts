import { Injectable } from '@nestjs/common';
import { conflict, notFound, unprocessable, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import type { BusinessCalendarEntity } from '../../../../libs/persistence/src/entities/business-calendar.entity.js';
import { BusinessCalendarRepository, type BusinessCalendarData } from '../../../../libs/persistence/src/repositories/business-calendar.repository.js';
import type { CreateCalendarDto } from './calendar.dto.js';

function toData(input: CreateCalendarDto): BusinessCalendarData {
  const violations: FieldViolation[] = [];
  input.openingHours.forEach((h, i) => {
    if (h.close <= h.open) violations.push({ field: `openingHours[${i}].close`, rule: 'afterOpen', message: 'close must be later than open' });
  });
  const seen = new Set<string>();
  (input.closures ?? []).forEach((c, i) => {
    if (seen.has(c.date)) violations.push({ field: `closures[${i}].date`, rule: 'unique', message: `${c.date} is listed twice` });
    seen.add(c.date);
  });
  if (violations.length) throw unprocessable('validation.failed', 'The calendar is inconsistent', violations);
  return {
    key: input.key,
    name: input.name,
    timeZone: input.timeZone,
    holidayRegion: input.holidayRegion ?? null,
    openingHours: input.openingHours.map((h) => ({ weekday: h.weekday, open: h.open, close: h.close })),
    closures: (input.closures ?? []).map((c) => ({ date: c.date, name: c.name })),
  };
}

@Injectable()
export class ListCalendars {
  constructor(private readonly calendars: BusinessCalendarRepository) {}
  execute(): Promise<BusinessCalendarEntity[]> {
    return this.calendars.list();
  }
}

@Injectable()
export class GetCalendar {
  constructor(private readonly calendars: BusinessCalendarRepository) {}
  async execute(id: string): Promise<BusinessCalendarEntity> {
    return (await this.calendars.findById(id)) ?? Promise.reject(notFound('calendar', id));
  }
}

@Injectable()
export class CreateCalendar {
  constructor(private readonly calendars: BusinessCalendarRepository) {}
  execute(input: CreateCalendarDto): Promise<BusinessCalendarEntity> {
    return this.calendars.create(toData(input));
  }
}

@Injectable()
export class UpdateCalendar {
  constructor(private readonly calendars: BusinessCalendarRepository) {}
  async execute(id: string, input: CreateCalendarDto): Promise<BusinessCalendarEntity> {
    return (await this.calendars.update(id, toData(input))) ?? Promise.reject(notFound('calendar', id));
  }
}

@Injectable()
export class DeleteCalendar {
  constructor(private readonly calendars: BusinessCalendarRepository) {}
  async execute(id: string): Promise<void> {
    const result = await this.calendars.deleteIfUnused(id);
    if (result.deleted) return;
    if (result.queues > 0) throw conflict('calendar.in_use', `${result.queues} queue(s) still use this calendar`);
    throw notFound('calendar', id);
  }
}
