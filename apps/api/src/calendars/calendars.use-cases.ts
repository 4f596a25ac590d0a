import { Injectable } from '@nestjs/common';
import { conflict, notFound, unprocessable, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import type { BusinessCalendarEntity } from '../../../../libs/persistence/src/entities/business-calendar.entity.js';
import { BusinessCalendarRepository, type BusinessCalendarData } from '../../../../libs/persistence/src/repositories/business-calendar.repository.js';
import { BusinessCalendar } from '../../../../libs/calendar/src/business-calendar.js';
import { holidaysFor } from '../../../../libs/calendar/src/holidays.js';
import { RoutingInvalidations } from '../persistence/routing-invalidations.js';
import type { CalendarYearDto, CreateCalendarDto } from './calendar.dto.js';

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
  constructor(
    private readonly calendars: BusinessCalendarRepository,
    private readonly routing: RoutingInvalidations,
  ) {}
  async execute(id: string, input: CreateCalendarDto): Promise<BusinessCalendarEntity> {
    const calendar = await this.calendars.update(id, toData(input));
    if (!calendar) throw notFound('calendar', id);
    await this.routing.catalogChanged();
    return calendar;
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

/** A calendar's closed dates (public holidays + closures) and open hours for one year. */
@Injectable()
export class GetCalendarYear {
  constructor(private readonly calendars: BusinessCalendarRepository) {}

  async execute(id: string, year: number): Promise<CalendarYearDto> {
    const calendar = await this.calendars.findById(id);
    if (!calendar) throw notFound('calendar', id);
    const holidays = calendar.holidayRegion ? holidaysFor(calendar.holidayRegion, year) : [];
    const closures = (calendar.closures ?? []).filter((c) => c.date.startsWith(`${year}-`));
    const closedDates = [
      ...holidays.map((h) => ({ date: h.date, name: h.name, kind: 'public-holiday' as const })),
      ...closures.filter((c) => !holidays.some((h) => h.date === c.date)).map((c) => ({ date: c.date, name: c.name, kind: 'closure' as const })),
    ].sort((a, b) => a.date.localeCompare(b.date));
    const business = new BusinessCalendar({ timeZone: calendar.timeZone, openingHours: calendar.openingHours, closedDates: closedDates.map((d) => d.date) });
    const openSeconds = business
      .openIntervals(`${year}-01-01`, `${year}-12-31`)
      .reduce((sum, interval) => sum + (interval.end.getTime() - interval.start.getTime()) / 1000, 0);
    return { year, closedDates, openHours: Math.round(openSeconds / 36) / 100 };
  }
}
