import { BusinessCalendar } from './index.js';
import { localToEpoch } from './time-zone.js';

const allDays = ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, open: '00:00', close: '24:00' }));
const h = (iso: string) => new Date(iso);

describe('BusinessCalendar across the spring DST weekend (Helsinki, 30 March 2025)', () => {
  const roundTheClock = new BusinessCalendar({ timeZone: 'Europe/Helsinki', openingHours: allDays, closedDates: [] });

  it('has a 23-hour Sunday', () => {
    const [sunday] = roundTheClock.openIntervals('2025-03-30', '2025-03-30');
    expect(sunday!.start.toISOString()).toBe('2025-03-29T22:00:00.000Z');
    expect(sunday!.end.toISOString()).toBe('2025-03-30T21:00:00.000Z');
    expect((sunday!.end.getTime() - sunday!.start.getTime()) / 3600_000).toBe(23);
  });

  it('opens an 08:00 office at 05:00 UTC on Monday after the change (06:00 UTC on Friday before)', () => {
    const office = new BusinessCalendar({
      timeZone: 'Europe/Helsinki',
      openingHours: ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, open: '08:00', close: '16:00' })),
      closedDates: [],
    });
    const [friday, monday] = office.openIntervals('2025-03-28', '2025-03-31');
    expect(friday!.start.toISOString()).toBe('2025-03-28T06:00:00.000Z');
    expect(monday!.start.toISOString()).toBe('2025-03-31T05:00:00.000Z');
    expect(office.businessSecondsBetween(h('2025-03-28T12:00:00+02:00'), h('2025-03-31T12:00:00+03:00'))).toBe(8 * 3600);
  });

  it('maps a wall time inside the 03:00→04:00 gap forward', () => {
    expect(new Date(localToEpoch('2025-03-30', 3 * 60 + 30, 'Europe/Helsinki')).toISOString()).toBe('2025-03-30T01:30:00.000Z');
  });
});

describe('BusinessCalendar across the autumn DST weekend (Helsinki, 26 October 2025)', () => {
  const roundTheClock = new BusinessCalendar({ timeZone: 'Europe/Helsinki', openingHours: allDays, closedDates: [] });

  it('has a 25-hour Sunday', () => {
    expect(roundTheClock.businessSecondsBetween(h('2025-10-26T00:00:00+03:00'), h('2025-10-27T00:00:00+02:00'))).toBe(25 * 3600);
  });

  it('adds 48 business hours across the change as 48 real hours on a 24/7 calendar', () => {
    const from = h('2025-10-25T12:00:00+03:00');
    expect(roundTheClock.addBusinessSeconds(from, 48 * 3600).toISOString()).toBe(
      new Date(from.getTime() + 48 * 3600_000).toISOString(),
    );
  });

  it('maps an ambiguous wall time (03:30 happens twice) to its first occurrence', () => {
    expect(new Date(localToEpoch('2025-10-26', 3 * 60 + 30, 'Europe/Helsinki')).toISOString()).toBe('2025-10-26T00:30:00.000Z');
  });

  it('an overnight-open Saturday–Sunday calendar is open at the repeated hour', () => {
    expect(roundTheClock.isOpen(h('2025-10-26T00:30:00Z'))).toBe(true);
    expect(roundTheClock.isOpen(h('2025-10-26T01:30:00Z'))).toBe(true);
  });
});
