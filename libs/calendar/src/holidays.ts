/**
 * Public holidays per region: Finland (FI) and Sweden (SE). Add a region by adding a generator to
 * `REGIONS`. Each list holds the days a customer-service office of the region is closed: the
 * official public holidays and the eves that are closing days de facto (named in each generator's
 * comment).
 */
import { addDays, formatLocalDate, isoWeekday } from './local-date.js';

export interface Holiday {
  /** Local calendar date, `YYYY-MM-DD`. */
  date: string;
  /** English name. */
  name: string;
  /** Name in the region's language (Finnish for FI, Swedish for SE). */
  localName: string;
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new RangeError(`year must be an integer between 1583 and 9999, got ${year}`);
  }
}

/** Western (Gregorian) Easter Sunday — the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  assertYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatLocalDate(year, month, day);
}

/** The first date in [from, from + 6 days] falling on the ISO weekday. */
function weekdayOnOrAfter(from: string, weekday: number): string {
  for (let i = 0; i < 7; i++) {
    const d = addDays(from, i);
    if (isoWeekday(d) === weekday) return d;
  }
  throw new Error('unreachable');
}

/**
 * Finnish public holidays (and the de-facto holidays Midsummer Eve and Christmas Eve, on which
 * offices are closed), sorted by date.
 */
export function finnishPublicHolidays(year: number): Holiday[] {
  assertYear(year);
  const easter = easterSunday(year);
  const y = (m: number, d: number) => formatLocalDate(year, m, d);
  const midsummerEve = weekdayOnOrAfter(y(6, 19), 5); // Friday 19–25 June
  const list: Holiday[] = [
    { date: y(1, 1), name: "New Year's Day", localName: 'Uudenvuodenpäivä' },
    { date: y(1, 6), name: 'Epiphany', localName: 'Loppiainen' },
    { date: addDays(easter, -2), name: 'Good Friday', localName: 'Pitkäperjantai' },
    { date: easter, name: 'Easter Sunday', localName: 'Pääsiäispäivä' },
    { date: addDays(easter, 1), name: 'Easter Monday', localName: '2. pääsiäispäivä' },
    { date: y(5, 1), name: 'May Day', localName: 'Vappu' },
    { date: addDays(easter, 39), name: 'Ascension Day', localName: 'Helatorstai' },
    { date: addDays(easter, 49), name: 'Whit Sunday', localName: 'Helluntaipäivä' },
    { date: midsummerEve, name: 'Midsummer Eve', localName: 'Juhannusaatto' },
    { date: addDays(midsummerEve, 1), name: 'Midsummer Day', localName: 'Juhannuspäivä' }, // Saturday 20–26 June
    { date: weekdayOnOrAfter(y(10, 31), 6), name: "All Saints' Day", localName: 'Pyhäinpäivä' }, // Saturday 31 Oct–6 Nov
    { date: y(12, 6), name: 'Independence Day', localName: 'Itsenäisyyspäivä' },
    { date: y(12, 24), name: 'Christmas Eve', localName: 'Jouluaatto' },
    { date: y(12, 25), name: 'Christmas Day', localName: 'Joulupäivä' },
    { date: y(12, 26), name: "St Stephen's Day", localName: 'Tapaninpäivä' },
  ];
  return list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * Swedish public holidays (allmänna helgdagar, lag 1989:253; the national day 6 June since 2005)
 * and the de-facto holidays Midsummer Eve, Christmas Eve and New Year's Eve, on which offices are
 * closed, sorted by date. Two can fall on one date (Whit Sunday on 6 June in 2049): both are listed.
 */
export function swedishPublicHolidays(year: number): Holiday[] {
  assertYear(year);
  const easter = easterSunday(year);
  const y = (m: number, d: number) => formatLocalDate(year, m, d);
  const midsummerEve = weekdayOnOrAfter(y(6, 19), 5); // Friday 19–25 June
  const list: Holiday[] = [
    { date: y(1, 1), name: "New Year's Day", localName: 'Nyårsdagen' },
    { date: y(1, 6), name: 'Epiphany', localName: 'Trettondedag jul' },
    { date: addDays(easter, -2), name: 'Good Friday', localName: 'Långfredagen' },
    { date: easter, name: 'Easter Sunday', localName: 'Påskdagen' },
    { date: addDays(easter, 1), name: 'Easter Monday', localName: 'Annandag påsk' },
    { date: y(5, 1), name: 'May Day', localName: 'Första maj' },
    { date: addDays(easter, 39), name: 'Ascension Day', localName: 'Kristi himmelsfärdsdag' },
    { date: y(6, 6), name: 'National Day of Sweden', localName: 'Sveriges nationaldag' },
    { date: addDays(easter, 49), name: 'Whit Sunday', localName: 'Pingstdagen' },
    { date: midsummerEve, name: 'Midsummer Eve', localName: 'Midsommarafton' },
    { date: addDays(midsummerEve, 1), name: 'Midsummer Day', localName: 'Midsommardagen' }, // Saturday 20–26 June
    { date: weekdayOnOrAfter(y(10, 31), 6), name: "All Saints' Day", localName: 'Alla helgons dag' }, // Saturday 31 Oct–6 Nov
    { date: y(12, 24), name: 'Christmas Eve', localName: 'Julafton' },
    { date: y(12, 25), name: 'Christmas Day', localName: 'Juldagen' },
    { date: y(12, 26), name: "St Stephen's Day", localName: 'Annandag jul' },
    { date: y(12, 31), name: "New Year's Eve", localName: 'Nyårsafton' },
  ];
  // a stable sort: on a shared date the order above (the national day before Whit Sunday) stays
  return list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

const REGIONS: Record<string, (year: number) => Holiday[]> = {
  FI: finnishPublicHolidays,
  SE: swedishPublicHolidays,
};

/** Region codes `holidaysFor` supports. */
export const SUPPORTED_HOLIDAY_REGIONS: readonly string[] = Object.keys(REGIONS);

/** Public holidays of a region (ISO 3166-1 alpha-2 code, case-insensitive). */
export function holidaysFor(region: string, year: number): Holiday[] {
  const key = typeof region === 'string' ? region.trim().toUpperCase() : '';
  const gen = REGIONS[key];
  if (!gen) {
    throw new RangeError(
      `unknown holiday region '${String(region)}'; supported regions: ${SUPPORTED_HOLIDAY_REGIONS.join(', ')}`,
    );
  }
  return gen(year);
}
