import { localToEpoch, realIntervals } from '../../../../libs/calendar/src/time-zone.js';
import type { QueueEntity } from '../../../../libs/persistence/src/entities/queue.entity.js';
import { WeekClock } from './planning-model.js';
import { demandFromForecast } from './schedules.use-cases.js';

const TZ = 'Europe/Helsinki';
const pad = (n: number) => String(n).padStart(2, '0');
const queue = (channel: 'phone' | 'email') => ({ id: `q-${channel}`, channel, targetPercent: 90, targetSeconds: channel === 'phone' ? 30 : 8 * 3600 }) as QueueEntity;

/** A forecast of `date` as the API serves it: every real quarter-hour once, `perInterval` each. */
function dayPoints(date: string, perInterval: number) {
  const slots = Array.from({ length: 96 }, (_, i) => `${date}T${pad(Math.floor(i / 4))}:${pad((i % 4) * 15)}`);
  return realIntervals(slots, TZ).map(({ start }) => ({ start: new Date(start).toISOString(), volume: perInterval, aht: 300 }));
}

/**
 * Planning's week is 7 × 96 quarter-hours of the local wall clock (planning-model.ts); the
 * forecast has every real interval once. On the night the clocks go back the repeated hour's two
 * real occurrences fall into the same four wall-clock intervals.
 */
describe('demandFromForecast on the days the clocks change', () => {
  it('the 25-hour day: email arrivals of both occurrences of the repeated hour are work to do, summed', () => {
    const clock = new WeekClock('2026-10-19', TZ);
    const d = demandFromForecast(queue('email'), dayPoints('2026-10-25', 4), clock.horizon.intervals, (at) => clock.interval(at).index);
    const sunday = d.volumes.slice(6 * 96);
    expect(sunday.reduce((a, b) => a + b, 0)).toBe(100 * 4); // 25 hours of email, not 24
    expect(sunday.slice(12, 16)).toEqual([8, 8, 8, 8]);
  });

  it('the 25-hour day: a call rate stays a rate (each occurrence of 03:00 has the same one)', () => {
    const clock = new WeekClock('2026-10-19', TZ);
    const d = demandFromForecast(queue('phone'), dayPoints('2026-10-25', 4), clock.horizon.intervals, (at) => clock.interval(at).index);
    expect(d.volumes.slice(6 * 96 + 11, 6 * 96 + 17)).toEqual([4, 4, 4, 4, 4, 4]);
  });

  it('the 23-hour day: the wall-clock intervals that do not happen get nothing', () => {
    const clock = new WeekClock('2027-03-22', TZ);
    const d = demandFromForecast(queue('email'), dayPoints('2027-03-28', 4), clock.horizon.intervals, (at) => clock.interval(at).index);
    const sunday = d.volumes.slice(6 * 96);
    expect(sunday.slice(11, 17)).toEqual([4, 0, 0, 0, 0, 4]);
    expect(sunday.reduce((a, b) => a + b, 0)).toBe(92 * 4);
  });
});

describe('demandFromForecast: email within opening hours', () => {
  it('staffs only the open intervals; what arrived since the desk last closed is the first interval’s work', () => {
    const clock = new WeekClock('2026-11-30', TZ);
    // the weekend before (Friday 16:00 on) and the week, 4 emails a quarter-hour
    const points = ['2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', ...Array.from({ length: 6 }, (_, d) => `2026-12-0${d + 1}`)].flatMap((d) => dayPoints(d, 4));
    const open = Array.from({ length: 7 * 96 }, (_, t) => t % 96 >= 32 && t % 96 < 64 && t < 5 * 96);
    const carryFrom = new Date(localToEpoch('2026-11-27', 16 * 60, TZ));
    const d = demandFromForecast(queue('email'), points, clock.horizon.intervals, (at) => clock.interval(at).index, { open, carryFrom, start: clock.instant(0) });
    expect(d.volumes[0]).toBe(4 + 56 * 4 * 4); // Monday 00:00 and the 56 hours before it
    expect(d.volumes.slice(1, 96).every((v) => v === 4)).toBe(true);
    expect(d.required.filter((r, t) => r > 0 && !open[t])).toEqual([]);
    expect(d.required[32]).toBeGreaterThan(0);
    // without opening hours, as before: every interval staffed, nothing carried in
    const always = demandFromForecast(queue('email'), points, clock.horizon.intervals, (at) => clock.interval(at).index);
    expect(always.volumes[0]).toBe(4);
    expect(always.required[8]).toBeGreaterThan(0);
  });
});
