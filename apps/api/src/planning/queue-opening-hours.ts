import { BusinessCalendar } from '../../../../libs/calendar/src/business-calendar.js';
import { holidaysFor, SUPPORTED_HOLIDAY_REGIONS } from '../../../../libs/calendar/src/holidays.js';
import { addDays } from '../../../../libs/calendar/src/local-date.js';
import { localToEpoch } from '../../../../libs/calendar/src/time-zone.js';
import type { BusinessCalendarEntity } from '../../../../libs/persistence/src/entities/business-calendar.entity.js';
import { INTERVAL_MINUTES } from './planning-model.js';

/** A queue's business calendar with its region's public holidays of the years `fromYear`…`toYear` and its own closures. */
export function businessCalendarOf(calendar: BusinessCalendarEntity, fromYear: number, toYear: number): BusinessCalendar {
  const region = calendar.holidayRegion?.toUpperCase();
  const holidays: string[] = [];
  if (region && SUPPORTED_HOLIDAY_REGIONS.includes(region)) for (let y = fromYear; y <= toYear; y++) holidays.push(...holidaysFor(region, y).map((h) => h.date));
  return new BusinessCalendar({ timeZone: calendar.timeZone, openingHours: calendar.openingHours, closedDates: [...holidays, ...(calendar.closures ?? []).map((c) => c.date)] });
}

/**
 * When an email queue's work can be done on a planning axis of `days` local days from `fromDate`
 * (quarter-hours of the wall clock in the calendar's time zone): its open intervals, and — when the
 * axis begins in closed time — the instant the desk last closed before it (`carryFrom`): what
 * arrives from then until the axis begins waits for its first open interval, so it belongs to the
 * axis's work (a Monday's plan answers the weekend's email). Null when the axis begins open or the
 * calendar never was.
 */
export function emailOpeningHours(calendar: BusinessCalendarEntity, fromDate: string, days: number): { open: boolean[]; carryFrom: Date | null } {
  const year = Number(fromDate.slice(0, 4));
  const business = businessCalendarOf(calendar, year - 1, Number(addDays(fromDate, days).slice(0, 4)));
  const open = business.openWallClockIntervals(fromDate, days, INTERVAL_MINUTES);
  const start = new Date(localToEpoch(fromDate, 0, calendar.timeZone));
  return { open, carryFrom: open[0] ? null : business.previousClosing(start) };
}
