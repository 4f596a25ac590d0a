/**
 * Forecasts are made on the wall clock (a day is its slots from midnight: the pattern people keep);
 * the intervals of the real day are instants. On an ordinary day the two agree; on the days the
 * clocks change they do not, and a forecast served or stored by instant must have every real
 * interval once.
 */
import { realIntervals } from '../../calendar/src/time-zone.js';
import type { ForecastPoint } from './forecast.js';

/**
 * Forecast points at the instants their intervals really start in `timeZone`, in time order
 * (libs/calendar realIntervals): a slot inside the spring-forward gap has no point, a slot of the
 * hour the clocks go back over has two — the earlier (summer time) first — and each keeps the
 * wall-clock slot's forecast. Arrivals follow the local clock (people write and call by the time
 * they see), and each of the two real hours is an hour of people living through 03:00–04:00, so
 * each gets the rate of that wall-clock hour; the day then holds 25 hours of arrivals, as it does.
 */
export function pointsAtInstants<T extends Pick<ForecastPoint, 'timestamp'>>(points: readonly T[], timeZone: string): (T & { start: number })[] {
  return realIntervals(points.map((p) => p.timestamp), timeZone).map(({ slot, start }) => ({ ...points[slot], start }));
}
