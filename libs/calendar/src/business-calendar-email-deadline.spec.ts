import { BusinessCalendar, finnishPublicHolidays } from './index.js';

/** Monday–Friday 08:00–16:00 in Helsinki, closed on Finnish public holidays. */
function officeCalendar(years: number[] = [2025]): BusinessCalendar {
  return new BusinessCalendar({
    timeZone: 'Europe/Helsinki',
    openingHours: ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, open: '08:00', close: '16:00' })),
    closedDates: years.flatMap((y) => finnishPublicHolidays(y).map((h) => h.date)),
  });
}
const ONE_BUSINESS_DAY = 8 * 3600;

describe('email received Friday 15:30 with a one-business-day deadline', () => {
  it('is due Monday 15:30 on an ordinary weekend', () => {
    const cal = officeCalendar();
    const received = new Date('2025-01-10T15:30:00+02:00'); // Friday
    expect(cal.addBusinessSeconds(received, ONE_BUSINESS_DAY).toISOString()).toBe(
      new Date('2025-01-13T15:30:00+02:00').toISOString(),
    );
  });

  it('is due Tuesday 15:30 when Monday is a holiday (Epiphany, 6 Jan 2025)', () => {
    const cal = officeCalendar();
    const received = new Date('2025-01-03T15:30:00+02:00'); // Friday
    expect(cal.addBusinessSeconds(received, ONE_BUSINESS_DAY).toISOString()).toBe(
      new Date('2025-01-07T15:30:00+02:00').toISOString(),
    );
  });

  it('is due Monday 15:30 local summer time over the spring DST weekend', () => {
    const cal = officeCalendar();
    const received = new Date('2025-03-28T15:30:00+02:00'); // Friday, EET
    expect(cal.addBusinessSeconds(received, ONE_BUSINESS_DAY).toISOString()).toBe(
      new Date('2025-03-31T15:30:00+03:00').toISOString(), // Monday, EEST
    );
  });

  it('is due Monday 15:30 local winter time over the autumn DST weekend', () => {
    const cal = officeCalendar();
    const received = new Date('2025-10-24T15:30:00+03:00'); // Friday, EEST
    expect(cal.addBusinessSeconds(received, ONE_BUSINESS_DAY).toISOString()).toBe(
      new Date('2025-10-27T15:30:00+02:00').toISOString(), // Monday, EET
    );
  });

  it('received on Saturday starts counting at Monday 08:00', () => {
    const cal = officeCalendar();
    const received = new Date('2025-01-11T11:00:00+02:00');
    expect(cal.addBusinessSeconds(received, ONE_BUSINESS_DAY).toISOString()).toBe(
      new Date('2025-01-13T16:00:00+02:00').toISOString(),
    );
  });

  it('ends exactly at closing time rather than at the next opening', () => {
    const cal = officeCalendar();
    const at = new Date('2025-01-13T15:00:00+02:00');
    expect(cal.addBusinessSeconds(at, 3600).toISOString()).toBe(new Date('2025-01-13T16:00:00+02:00').toISOString());
    expect(cal.addBusinessSeconds(at, 3601).toISOString()).toBe(new Date('2025-01-14T08:00:01+02:00').toISOString());
  });

  it('walks the Christmas and New Year holidays across a year boundary', () => {
    const cal = officeCalendar([2025, 2026]);
    // Tuesday 23 Dec 2025 15:00; 24–26 Dec closed; Mon 29, Tue 30, Wed 31 open; 1 Jan closed; Fri 2 Jan open.
    const from = new Date('2025-12-23T15:00:00+02:00');
    const due = cal.addBusinessSeconds(from, 3600 + 4 * ONE_BUSINESS_DAY);
    expect(due.toISOString()).toBe(new Date('2026-01-02T16:00:00+02:00').toISOString());
    expect(cal.businessSecondsBetween(from, due)).toBe(3600 + 4 * ONE_BUSINESS_DAY);
  });

  it('adds a year of business time day by day and inverts with businessSecondsBetween', () => {
    const cal = officeCalendar([2025, 2026]);
    const from = new Date('2025-01-02T09:15:00+02:00');
    const seconds = 240 * ONE_BUSINESS_DAY + 1234;
    const due = cal.addBusinessSeconds(from, seconds);
    expect(cal.businessSecondsBetween(from, due)).toBe(seconds);
    expect(cal.isOpen(new Date(due.getTime() - 1000))).toBe(true);
  });

  it('returns from itself for zero seconds and rejects negative amounts', () => {
    const cal = officeCalendar();
    const sat = new Date('2025-01-11T11:00:00+02:00');
    expect(cal.addBusinessSeconds(sat, 0)).toEqual(sat);
    expect(() => cal.addBusinessSeconds(sat, -1)).toThrow(RangeError);
  });
});
