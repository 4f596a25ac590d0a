export { finnishPublicHolidays, swedishPublicHolidays, holidaysFor, easterSunday, SUPPORTED_HOLIDAY_REGIONS } from './holidays.js';
export type { Holiday } from './holidays.js';
export { BusinessCalendar } from './business-calendar.js';
export type { BusinessCalendarSpec, OpeningHours, OpenInterval, IsoWeekday } from './business-calendar.js';
export { isValidTimeZone, localDateOf, localToEpoch } from './time-zone.js';
export { addDays, isoWeekday, isValidLocalDate } from './local-date.js';
