import { finnishPublicHolidays } from '../../calendar/src/holidays.js';
import { addDays, dayOfWeek } from './calendar.js';
import { forecastAhead } from './forecast-ahead.js';
import type { HistoryPoint } from './forecast.js';
import { holidayArrivalsOf, HOLIDAY_MIN_DAYS } from './holiday-arrivals.js';

const pad = (n: number) => String(n).padStart(2, '0');
const HOLIDAYS = [2025, 2026, 2027].flatMap((y) => finnishPublicHolidays(y).map((h) => h.date));
/** Emails arrive round the clock, more by day: a share per hour summing to 1. */
const PROFILE = (() => {
  const shape = Array.from({ length: 24 }, (_, h) => 0.2 + Math.exp(-((h + 0.5 - 12) ** 2) / 18));
  const total = shape.reduce((a, b) => a + b, 0);
  return shape.map((v) => v / total);
})();

/**
 * Hourly history of an email queue from `from` to `to` (inclusive): 400 a weekday, 150 a Saturday
 * or Sunday, and `onHoliday(date)` on a Finnish public holiday.
 */
function emails(from: string, to: string, onHoliday: (date: string) => number): HistoryPoint[] {
  const out: HistoryPoint[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const weekend = dayOfWeek(d) === 0 || dayOfWeek(d) === 6;
    const total = HOLIDAYS.includes(d) ? onHoliday(d) : weekend ? 150 : 400;
    PROFILE.forEach((share, h) => out.push({ start: `${d}T${pad(h)}:00`, volume: total * share }));
  }
  return out;
}

const dayTotal = (points: { timestamp: string; volume: number }[], date: string) => points.filter((p) => p.timestamp.startsWith(date)).reduce((a, p) => a + p.volume, 0);

/**
 * An audit: email-fi had 153 emails on All Saints' Day 2026-10-31 (a Saturday) but its forecast was
 * 0 for Independence Day and Christmas, against ~160 on ordinary weekends. The business calendar
 * closes the agents, not the customers' mailboxes.
 */
describe('holiday arrivals: holidays close the desk, emails keep arriving', () => {
  // 13 weeks to Monday 2026-11-23: one holiday (All Saints' Day) in it
  const history = emails('2026-08-25', '2026-11-23', () => 150);
  const events = { holidays: HOLIDAYS };

  it("'none' (calls, chats): a holiday has no arrivals, as before", () => {
    const r = forecastAhead({ history, intervalMinutes: 60, from: '2026-12-05', to: '2026-12-27', events: { ...events, holidayArrivals: 'none' } });
    for (const d of ['2026-12-06', '2026-12-24', '2026-12-25', '2026-12-26']) expect(dayTotal(r.points, d)).toBe(0);
    expect(r.holidayArrivals).toBeUndefined();
    // the default is 'none'
    expect(forecastAhead({ history, intervalMinutes: 60, from: '2026-12-05', to: '2026-12-27', events }).points).toEqual(r.points);
  });

  it("'continue' (email): with too few holidays to learn from, a holiday gets the forecast of its week's Sunday", () => {
    const r = forecastAhead({ history, intervalMinutes: 60, from: '2026-12-05', to: '2026-12-27', events: { ...events, holidayArrivals: 'continue' } });
    expect(r.holidayArrivals).toEqual({ factor: 1, learnedFrom: 1, reference: 'sunday' });
    const sunday = dayTotal(r.points, '2026-12-13');
    expect(sunday).toBeGreaterThan(140);
    expect(sunday).toBeLessThan(170);
    // Independence Day is a Sunday; Christmas Eve, Day and St Stephen's (Thu–Sat) are the Sunday 12-27's
    expect(dayTotal(r.points, '2026-12-06') / dayTotal(r.points, '2026-12-13')).toBeCloseTo(1, 1);
    for (const d of ['2026-12-24', '2026-12-25', '2026-12-26']) expect(dayTotal(r.points, d)).toBeCloseTo(dayTotal(r.points, '2026-12-27'), 6);
    expect(dayTotal(r.points, '2026-12-06')).toBeGreaterThan(140);
    // and with the Sunday's shape, hour by hour
    const eve = r.points.filter((p) => p.timestamp.startsWith('2026-12-24'));
    const sun = r.points.filter((p) => p.timestamp.startsWith('2026-12-27'));
    eve.forEach((p, h) => expect(p.volume).toBeCloseTo(sun[h].volume, 9));
    // ordinary days are as with 'none'
    const none = forecastAhead({ history, intervalMinutes: 60, from: '2026-12-05', to: '2026-12-27', events });
    expect(dayTotal(r.points, '2026-12-14')).toBeCloseTo(dayTotal(none.points, '2026-12-14'), 9);
  });

  it('a holiday at the end of the range takes its Sunday from past the range (Christmas Eve asked alone)', () => {
    const all = forecastAhead({ history, intervalMinutes: 60, from: '2026-12-05', to: '2026-12-27', events: { ...events, holidayArrivals: 'continue' } });
    const alone = forecastAhead({ history, intervalMinutes: 60, from: '2026-12-24', to: '2026-12-24', events: { ...events, holidayArrivals: 'continue' } });
    expect(alone.points).toHaveLength(24);
    expect(dayTotal(alone.points, '2026-12-24')).toBeGreaterThan(140);
    expect(dayTotal(alone.points, '2026-12-24')).toBeCloseTo(dayTotal(all.points, '2026-12-24'), 6);
  });

  it(`learns a holiday factor against the Sunday when the history has ${HOLIDAY_MIN_DAYS} or more holidays`, () => {
    // a year: the holidays brought twice a Sunday's email
    const year = emails('2025-11-24', '2026-11-23', () => 300);
    const r = forecastAhead({ history: year, intervalMinutes: 60, from: '2026-12-21', to: '2026-12-27', events: { ...events, holidayArrivals: 'continue' } });
    expect(r.holidayArrivals!.learnedFrom).toBeGreaterThanOrEqual(HOLIDAY_MIN_DAYS);
    expect(r.holidayArrivals!.factor).toBeCloseTo(2, 1);
    expect(dayTotal(r.points, '2026-12-25') / dayTotal(r.points, '2026-12-27')).toBeCloseTo(2, 1);
    expect(dayTotal(r.points, '2026-12-25')).toBeGreaterThan(270);
    expect(dayTotal(r.points, '2026-12-25')).toBeLessThan(330);
  });

  it("keeps holiday history out of the weekday model either way: a holiday's Sunday-like day does not pull its weekday down", () => {
    const year = emails('2025-11-24', '2026-11-23', () => 150);
    const on = forecastAhead({ history: year, intervalMinutes: 60, from: '2026-12-21', to: '2026-12-23', events: { ...events, holidayArrivals: 'continue' } });
    const off = forecastAhead({ history: year, intervalMinutes: 60, from: '2026-12-21', to: '2026-12-23', events });
    expect(on.points.map((p) => p.volume)).toEqual(off.points.map((p) => p.volume));
    expect(on.holidayArrivals!.factor).toBeCloseTo(1, 1);
  });

  it("closes the calendar's own closed dates whatever the holidays do", () => {
    const r = forecastAhead({ history, intervalMinutes: 60, from: '2026-12-14', to: '2026-12-24', calendar: { closedDates: ['2026-12-15'] }, events: { ...events, holidayArrivals: 'continue' } });
    expect(dayTotal(r.points, '2026-12-15')).toBe(0);
    expect(dayTotal(r.points, '2026-12-24')).toBeGreaterThan(140);
  });

  it('without Sunday arrivals (a queue with weekdays only), a holiday is its own weekday scaled by the learned factor', () => {
    const weekdays = emails('2025-11-24', '2026-11-23', () => 100).filter((p) => ![0, 6].includes(dayOfWeek(String(p.start).slice(0, 10))));
    const r = forecastAhead({ history: weekdays, intervalMinutes: 60, from: '2026-12-21', to: '2026-12-25', events: { ...events, holidayArrivals: 'continue' } });
    expect(r.holidayArrivals!.reference).toBe('own weekday');
    expect(r.holidayArrivals!.factor).toBeCloseTo(0.25, 1);
    expect(dayTotal(r.points, '2026-12-24')).toBeGreaterThan(80);
    expect(dayTotal(r.points, '2026-12-24')).toBeLessThan(120);
  });

  it('is chosen per channel by the service: emails continue, calls and chats do not', () => {
    expect(holidayArrivalsOf('email')).toBe('continue');
    expect(holidayArrivalsOf('phone')).toBe('none');
    expect(holidayArrivalsOf('chat')).toBe('none');
  });
});

/**
 * The intraday check on a holiday. Ascension Day, Thursday 2026-05-14: an email queue keeps
 * receiving mail (forecast like the Sunday of its week), a phone queue is closed. The check used to
 * see the holiday's own arrivals as an outlier day and compare the imputed Thursday instead, so a
 * surge of email on a holiday went unseen.
 */
describe('holiday arrivals: the intraday check of a holiday', () => {
  const events = { holidays: HOLIDAYS };
  const TODAY = '2026-05-14';
  const history = emails('2025-11-24', '2026-05-13', () => 150);
  /** the holiday's arrivals 00:00–10:59 at `factor` × a Sunday's. */
  const today = (factor: number): HistoryPoint[] => PROFILE.slice(0, 11).map((share, h) => ({ start: `${TODAY}T${pad(h)}:00`, volume: 150 * factor * share }));
  const check = (seen: HistoryPoint[]) => forecastAhead({ history: [...history, ...seen], intervalMinutes: 60, from: TODAY, to: TODAY, events: { ...events, holidayArrivals: 'continue' }, reforecastOnSpikeOnly: true });
  const sum = (xs: readonly HistoryPoint[]) => xs.reduce((a, p) => a + p.volume, 0);

  it('email: a surge on a holiday is a spike against the holiday forecast, and the rest of the day is re-forecast', () => {
    const seen = today(2.5);
    const calm = check(today(1));
    const r = check(seen);
    expect(r.intraday).toMatchObject({ date: TODAY, observedSlots: 11, spike: 'high' });
    // the holiday's own arrivals, not the Thursday filled in for the model
    expect(r.intraday!.observed).toBeCloseTo(sum(seen), 9);
    // against the holiday's morning forecast (a Sunday's)
    expect(r.intraday!.expected).toBeCloseTo(sum(today(1)), -1);
    expect(r.intraday!.dayForecast).toBeGreaterThan(140);
    expect(r.intraday!.dayForecast).toBeLessThan(170);
    expect(r.intraday!.onsetStart).toBe(`${TODAY}T00:00`);
    // the rest of the day goes up with it
    expect(r.points.map((p) => p.timestamp)).toEqual(Array.from({ length: 13 }, (_, i) => `${TODAY}T${pad(11 + i)}:00`));
    expect(dayTotal(r.points, TODAY)).toBeGreaterThan(1.3 * dayTotal(calm.points, TODAY));
    // an ordinary holiday morning is no spike, and keeps the morning forecast
    expect(calm.intraday).toMatchObject({ spike: null });
    expect(calm.intraday!.observed).toBeCloseTo(sum(today(1)), 9);
  });

  it('phone: a closed holiday has nothing to check, a call or two or none', () => {
    const phone = history.filter((p) => {
      const d = String(p.start).slice(0, 10);
      const h = Number(String(p.start).slice(11, 13));
      return ![0, 6].includes(dayOfWeek(d)) && !HOLIDAYS.includes(d) && h >= 8 && h < 16;
    });
    for (const calls of [0, 2]) {
      const seen = [8, 9, 10].map((h) => ({ start: `${TODAY}T${pad(h)}:00`, volume: h === 9 ? calls : 0 }));
      const r = forecastAhead({ history: [...phone, ...seen], intervalMinutes: 60, from: TODAY, to: TODAY, events: { ...events, holidayArrivals: 'none' }, reforecastOnSpikeOnly: true });
      expect(r.intraday?.spike ?? null).toBeNull();
      expect(r.points.map((p) => p.timestamp)).toEqual([`${TODAY}T11:00`, `${TODAY}T12:00`, `${TODAY}T13:00`, `${TODAY}T14:00`, `${TODAY}T15:00`]);
      for (const p of r.points) expect(p.volume).toBe(0);
    }
  });
});
