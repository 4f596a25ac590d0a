/**
 * A queue's interval history as the database sends it for forecasting: ONE row whose columns are
 * the values of every interval, comma-separated, plus the few aggregates the API thread needs. The
 * API thread (which also serves routing, and on the embedded database runs the query itself) only
 * passes the four strings on; the forecasting worker decodes them (`decodeIntervalColumns`).
 *
 * Why text: on PostgreSQL, 105,120 rows (3 years of quarter-hours) as rows cost the API thread
 * 150 ms of parsing (a Date per row), as float8 rows 68 ms, as these four strings 5 ms; on the
 * embedded database 8,736 rows cost 46 ms as rows and 6 ms as strings.
 *
 * No runtime imports: the worker thread loads this file without the persistence layer.
 */
import type { IntervalRows } from '../../forecasting/src/interval-rows.js';

export interface IntervalColumns {
  /** rows read. */
  count: number;
  /** the shortest interval length among them, minutes (0: no rows). */
  shortestMinutes: number;
  /** the first and the last interval start, epoch ms (null: no rows). */
  firstStartMs: number | null;
  lastStartMs: number | null;
  /**
   * comma-separated decimals, shortest interval length first and oldest first within each length:
   * interval start (epoch ms), length (minutes), contacts offered, AHT in seconds (empty where unknown).
   */
  start: string;
  minutes: string;
  offered: string;
  aht: string;
}

const POWERS = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/**
 * `count` comma-separated decimals (`-12`, `245.37`; empty: NaN). Exactly Number(text) for each:
 * the digits are read as a whole number (exact below 2^53) and divided once by a power of ten, which
 * rounds correctly as Number's parsing does.
 */
export function decodeNumberColumn(text: string, count: number): Float64Array {
  const out = new Float64Array(count);
  if (count === 0) {
    if (text !== '') throw new RangeError('values in a column of 0');
    return out;
  }
  let k = 0;
  let value = 0;
  let decimals = -1;
  let negative = false;
  let digits = false;
  for (let p = 0; p <= text.length; p++) {
    const c = p < text.length ? text.charCodeAt(p) : 44;
    if (c === 44) {
      if (k >= count) throw new RangeError(`more than ${count} values in a column`);
      const whole = negative ? -value : value;
      out[k++] = !digits ? Number.NaN : decimals > 0 ? whole / POWERS[decimals] : whole;
      value = 0;
      decimals = -1;
      negative = false;
      digits = false;
    } else if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits = true;
      if (decimals >= 0) decimals++;
    } else if (c === 46) decimals = 0;
    else if (c === 45) negative = true;
    else throw new RangeError(`not a decimal in a column: ${JSON.stringify(text[p])}`);
  }
  if (k !== count) throw new RangeError(`${k} values in a column of ${count}`);
  return out;
}

/** The columns as numbers (AHT NaN where unknown). */
export function decodeIntervalColumns(c: IntervalColumns): IntervalRows {
  return { start: decodeNumberColumn(c.start, c.count), minutes: decodeNumberColumn(c.minutes, c.count), volume: decodeNumberColumn(c.offered, c.count), aht: decodeNumberColumn(c.aht, c.count) };
}
