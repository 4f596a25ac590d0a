/**
 * How far ahead planning goes. Schedules and borrowing suggestions are made from the forecast, and
 * the forecast reaches FORECAST_REACH_DAYS calendar days past a queue's history (libs/forecasting
 * forecastAhead): with a history up to today, planning reaches as many days from today. A queue
 * whose history ends earlier reaches less far; its forecast refuses the dates past its own reach.
 */
import { addDays } from '../../calendar/src/local-date.js';
import { FORECAST_REACH_DAYS } from '../../forecasting/src/forecast-ahead.js';

/** Calendar days from today (today included) that planning reaches: the forecast's reach. */
export const PLANNING_REACH_DAYS = FORECAST_REACH_DAYS;

/** The last local date planning reaches on the local date `today`. */
export function lastPlannableDate(today: string): string {
  return addDays(today, PLANNING_REACH_DAYS - 1);
}
