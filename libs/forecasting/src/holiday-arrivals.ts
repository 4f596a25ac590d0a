/**
 * Arrivals on holidays. A holiday (a public holiday of the queue's calendar or one of its own
 * closures) closes the queue's business calendar: its agents do not work. Whether contacts still
 * arrive is a property of the channel, and the service says which per queue (holidayArrivalsOf):
 *
 * - `none`: nothing arrives (a call to a closed queue is refused, chat is offered only while the
 *   queue is open); the forecast of a holiday is 0 — what forecastAhead always did.
 * - `continue`: customers keep writing (email). A holiday's arrivals are forecast like the Sunday
 *   of its week — public holidays in Finland and Sweden are kept like Sundays (offices and most
 *   shops closed, the working-time laws treat them alike), and the queue's own Sunday history says
 *   what a Sunday brings — scaled by a holiday factor learned from the history when it holds at
 *   least HOLIDAY_MIN_DAYS holidays with data: Σ holiday totals / Σ the Sundays of their weeks (with
 *   the learned letter-batch effects divided out of both). With fewer, the factor is 1. A queue
 *   without Sunday arrivals takes the holiday's own weekday as it would be on an ordinary week.
 *
 * Either way a holiday's history stays out of the weekday model's input (it is filled from the
 * same weekday a week before and after), so a Sunday-like Wednesday does not pull Wednesdays down.
 */
import type { Channel } from '../../core/src/channel.js';
import { addDays, dayOfWeek } from './calendar.js';
import { dayTotal, type DaySeries } from './day-series.js';

export type HolidayArrivals = 'none' | 'continue';

/** Holidays with data the history needs before a holiday factor is learned rather than taken as 1. */
export const HOLIDAY_MIN_DAYS = 3;

/**
 * The service's choice per channel. Email keeps arriving whatever the calendar says (the gateway
 * hands in mail at any hour, and email histories have mail on weekends and holidays); calls to a
 * closed queue are refused (480 closed) and chat is offered only while the queue is open, so
 * neither has arrivals on a closed day (their histories have none on weekends or holidays).
 */
export function holidayArrivalsOf(channel: Channel): HolidayArrivals {
  switch (channel) {
    case 'email':
      return 'continue';
    case 'phone':
    case 'chat':
      return 'none';
  }
}

/** How holiday arrivals were forecast (`continue`). */
export interface HolidayArrivalsFit {
  /** holiday total ÷ reference day total: learned, or 1 with fewer than HOLIDAY_MIN_DAYS holidays. */
  factor: number;
  /** holidays in the history with data that the factor was learned from. */
  learnedFrom: number;
  /** the day a holiday is forecast like. */
  reference: 'sunday' | 'own weekday';
}

/** The day a holiday's arrivals are forecast like: the Sunday of its ISO week (Mon–Sun), or itself when Sundays carry nothing. */
export function holidayReferenceDate(date: string, activeDows: readonly boolean[]): string {
  return activeDows[0] ? addDays(date, (7 - dayOfWeek(date)) % 7) : date;
}

/**
 * Learns the holiday factor: each holiday of the history with data (`holidayDays`, its raw slot
 * values), divided by its letter-batch factor, against its reference day in `input` (the history
 * as the model sees it: holidays filled, events divided out) — the Sunday of its week, or the one
 * before when that is past the history.
 */
export function fitHolidayArrivals(input: DaySeries, holidayDays: ReadonlyMap<string, readonly number[]>, eventFactor: (date: string) => number): HolidayArrivalsFit {
  const reference = input.activeDows[0] ? 'sunday' : 'own weekday';
  const index = new Map(input.dates.map((d, i) => [d, i]));
  let holidays = 0;
  let total = 0;
  let referenceTotal = 0;
  for (const [date, values] of holidayDays) {
    let ref = holidayReferenceDate(date, input.activeDows);
    if (!index.has(ref) && ref !== date) ref = addDays(ref, -7);
    const i = index.get(ref);
    if (i === undefined) continue;
    holidays++;
    total += dayTotal(values) / eventFactor(date);
    referenceTotal += dayTotal(input.values[i]);
  }
  const factor = holidays >= HOLIDAY_MIN_DAYS && referenceTotal > 0 ? total / referenceTotal : 1;
  return { factor, learnedFrom: holidays, reference };
}
