import { BusinessCalendar, finnishPublicHolidays, isValidTimeZone } from './index.js';

const weekdays = ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, open: '08:00', close: '16:00' }));
const office = () =>
  new BusinessCalendar({
    timeZone: 'Europe/Helsinki',
    openingHours: weekdays,
    closedDates: finnishPublicHolidays(2025).map((h) => h.date),
  });
const h = (iso: string) => new Date(iso);

describe('BusinessCalendar on a weekend', () => {
  it('is closed on Saturday and Sunday and opens Monday 08:00', () => {
    const cal = office();
    expect(cal.isOpen(h('2025-01-11T12:00:00+02:00'))).toBe(false);
    expect(cal.isOpen(h('2025-01-12T12:00:00+02:00'))).toBe(false);
    expect(cal.nextOpening(h('2025-01-11T12:00:00+02:00'))?.toISOString()).toBe(h('2025-01-13T08:00:00+02:00').toISOString());
  });

  it('counts no business seconds over a weekend', () => {
    const cal = office();
    expect(cal.businessSecondsBetween(h('2025-01-10T16:00:00+02:00'), h('2025-01-13T08:00:00+02:00'))).toBe(0);
    expect(cal.businessSecondsBetween(h('2025-01-10T15:00:00+02:00'), h('2025-01-13T09:00:00+02:00'))).toBe(7200);
  });

  it('returns a negative amount when to is before from', () => {
    const cal = office();
    expect(cal.businessSecondsBetween(h('2025-01-13T09:00:00+02:00'), h('2025-01-10T15:00:00+02:00'))).toBe(-7200);
  });
});

describe('BusinessCalendar on a holiday', () => {
  it('is closed all day on Independence Day (Saturday in 2025) and on Christmas Eve (Wednesday)', () => {
    const cal = office();
    expect(cal.isOpen(h('2025-12-24T10:00:00+02:00'))).toBe(false);
    expect(cal.isOpen(h('2025-12-23T10:00:00+02:00'))).toBe(true);
    expect(cal.nextOpening(h('2025-12-23T16:00:00+02:00'))?.toISOString()).toBe(h('2025-12-29T08:00:00+02:00').toISOString());
  });

  it('lists no open interval for Easter weekend Friday–Monday', () => {
    const cal = office();
    const intervals = cal.openIntervals('2025-04-17', '2025-04-22');
    expect(intervals.map((i) => i.start.toISOString())).toEqual([
      h('2025-04-17T08:00:00+03:00').toISOString(),
      h('2025-04-22T08:00:00+03:00').toISOString(),
    ]);
  });
});

describe('BusinessCalendar opening boundaries', () => {
  it('is open at opening time and closed at closing time', () => {
    const cal = office();
    expect(cal.isOpen(h('2025-01-13T08:00:00+02:00'))).toBe(true);
    expect(cal.isOpen(h('2025-01-13T07:59:59+02:00'))).toBe(false);
    expect(cal.isOpen(h('2025-01-13T15:59:59+02:00'))).toBe(true);
    expect(cal.isOpen(h('2025-01-13T16:00:00+02:00'))).toBe(false);
  });

  it('nextOpening returns the instant itself when already open', () => {
    const at = h('2025-01-13T10:00:00+02:00');
    expect(office().nextOpening(at)).toEqual(at);
  });

  it('nextOpening is null for a calendar without opening hours', () => {
    const cal = new BusinessCalendar({ timeZone: 'Europe/Helsinki', openingHours: [], closedDates: [] });
    expect(cal.nextOpening(h('2025-01-13T10:00:00Z'))).toBeNull();
    expect(() => cal.addBusinessSeconds(h('2025-01-13T10:00:00Z'), 60)).toThrow(/never opens/);
  });

  it('supports split hours and a close at 24:00', () => {
    const cal = new BusinessCalendar({
      timeZone: 'Europe/Helsinki',
      openingHours: [
        { weekday: 1, open: '08:00', close: '11:00' },
        { weekday: 1, open: '12:00', close: '24:00' },
      ],
      closedDates: [],
    });
    const monday = cal.openIntervals('2025-01-13', '2025-01-13');
    expect(monday).toEqual([
      { start: h('2025-01-13T08:00:00+02:00'), end: h('2025-01-13T11:00:00+02:00') },
      { start: h('2025-01-13T12:00:00+02:00'), end: h('2025-01-14T00:00:00+02:00') },
    ]);
    expect(cal.isOpen(h('2025-01-13T23:59:59+02:00'))).toBe(true);
    expect(cal.isOpen(h('2025-01-13T11:30:00+02:00'))).toBe(false);
    expect(cal.addBusinessSeconds(h('2025-01-13T10:00:00+02:00'), 2 * 3600).toISOString()).toBe(
      h('2025-01-13T13:00:00+02:00').toISOString(),
    );
  });

  it('merges overlapping opening hours of the same day', () => {
    const cal = new BusinessCalendar({
      timeZone: 'Europe/Helsinki',
      openingHours: [
        { weekday: 2, open: '08:00', close: '12:00' },
        { weekday: 2, open: '10:00', close: '14:00' },
      ],
      closedDates: [],
    });
    expect(cal.businessSecondsBetween(h('2025-01-14T00:00:00+02:00'), h('2025-01-15T00:00:00+02:00'))).toBe(6 * 3600);
  });

  it('uses the calendar time zone, not the host one', () => {
    const stockholm = new BusinessCalendar({ timeZone: 'Europe/Stockholm', openingHours: weekdays, closedDates: [] });
    // 08:30 in Helsinki is 07:30 in Stockholm.
    expect(stockholm.isOpen(h('2025-01-13T08:30:00+02:00'))).toBe(false);
    expect(stockholm.isOpen(h('2025-01-13T09:30:00+02:00'))).toBe(true);
  });
});

describe('BusinessCalendar validation', () => {
  const base = { timeZone: 'Europe/Helsinki', openingHours: weekdays, closedDates: [] as string[] };

  it('rejects an unknown time zone naming the field', () => {
    expect(() => new BusinessCalendar({ ...base, timeZone: 'Europe/Atlantis' })).toThrow(RangeError);
    expect(() => new BusinessCalendar({ ...base, timeZone: 'Europe/Atlantis' })).toThrow(/timeZone/);
  });

  it('rejects a malformed opening time naming the field', () => {
    const bad = [{ weekday: 1 as const, open: '8:00', close: '16:00' }];
    expect(() => new BusinessCalendar({ ...base, openingHours: bad })).toThrow(/openingHours\[0\]\.open/);
    const bad2 = [{ weekday: 1 as const, open: '08:00', close: '24:30' }];
    expect(() => new BusinessCalendar({ ...base, openingHours: bad2 })).toThrow(/openingHours\[0\]\.close/);
  });

  it('rejects a close that is not later than open', () => {
    const bad = [...weekdays, { weekday: 6 as const, open: '12:00', close: '12:00' }];
    expect(() => new BusinessCalendar({ ...base, openingHours: bad })).toThrow(/openingHours\[5\]\.close/);
  });

  it('rejects a bad weekday and a bad closed date', () => {
    const bad = [{ weekday: 0 as unknown as 1, open: '08:00', close: '16:00' }];
    expect(() => new BusinessCalendar({ ...base, openingHours: bad })).toThrow(/openingHours\[0\]\.weekday/);
    expect(() => new BusinessCalendar({ ...base, closedDates: ['2025-02-30'] })).toThrow(/closedDates\[0\]/);
  });

  it('isValidTimeZone recognises IANA zones', () => {
    expect(isValidTimeZone('Europe/Helsinki')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('BusinessCalendar on a planning grid', () => {
  const cal = () => new BusinessCalendar({ timeZone: 'Europe/Helsinki', openingHours: weekdays, closedDates: [...finnishPublicHolidays(2025), ...finnishPublicHolidays(2026)].map((x) => x.date) });

  it('marks the open quarter-hours of each wall-clock day, holidays closed', () => {
    // Monday 2025-12-22 … Sunday 12-28: Christmas Eve, Day and St Stephen's Day are holidays
    const open = cal().openWallClockIntervals('2025-12-22', 7, 15);
    expect(open).toHaveLength(7 * 96);
    const perDay = Array.from({ length: 7 }, (_, d) => open.slice(d * 96, (d + 1) * 96).filter(Boolean).length);
    expect(perDay).toEqual([32, 32, 0, 0, 0, 0, 0]);
    expect(open.indexOf(true)).toBe(32); // 08:00
    expect(open.lastIndexOf(true, 95)).toBe(63); // 15:45
  });

  it('keeps 96 intervals on the days the clocks change, the same wall-clock hours open', () => {
    const spring = cal().openWallClockIntervals('2026-03-30', 1, 15); // Monday after the change
    const sunday = cal().openWallClockIntervals('2026-03-29', 1, 15);
    expect(spring.filter(Boolean)).toHaveLength(32);
    expect(sunday).toHaveLength(96);
    const week = new BusinessCalendar({ timeZone: 'Europe/Helsinki', openingHours: [{ weekday: 7, open: '00:00', close: '24:00' }], closedDates: [] }).openWallClockIntervals('2026-03-29', 1, 15);
    // the skipped hour 03:00–03:59 lasts no time: not open
    expect(week.filter(Boolean)).toHaveLength(92);
    expect(week.slice(12, 16)).toEqual([false, false, false, false]);
  });

  it('finds the last closing before an instant: Friday 16:00 before a Monday, the day before Christmas Eve before the holidays end', () => {
    expect(cal().previousClosing(h('2025-12-22T00:00:00+02:00'))?.toISOString()).toBe(h('2025-12-19T16:00:00+02:00').toISOString());
    expect(cal().previousClosing(h('2025-12-29T00:00:00+02:00'))?.toISOString()).toBe(h('2025-12-23T16:00:00+02:00').toISOString());
    expect(cal().previousClosing(h('2025-12-22T16:00:00+02:00'))?.toISOString()).toBe(h('2025-12-22T16:00:00+02:00').toISOString());
    expect(cal().previousClosing(h('2025-12-22T15:59:00+02:00'))?.toISOString()).toBe(h('2025-12-19T16:00:00+02:00').toISOString());
    expect(new BusinessCalendar({ timeZone: 'Europe/Helsinki', openingHours: [], closedDates: [] }).previousClosing(h('2025-12-22T00:00:00+02:00'))).toBeNull();
  });
});
