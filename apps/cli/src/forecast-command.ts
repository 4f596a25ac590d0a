/**
 * `vuoro forecast --history <in.csv> --horizon <intervals> --out <out.csv|-> [--interval <minutes>]
 *   [--level 0.8] [--holidays FI|SE|none] [--letter-batches <batches.csv>] [--method auto|<method>]
 *   [--time-zone Europe/Helsinki] [--holiday-arrivals none|continue]`
 *
 * in.csv: `timestamp,volume[,aht]`, timestamp = local start of the interval `YYYY-MM-DDTHH:MM` in
 * `--time-zone` (default Europe/Helsinki): the hour the clocks go back over may have two rows, as a
 * local-time export repeats it (and `vuoro import-history` requires); the forecast sums them into
 * that wall-clock interval, as the service does with a queue's history; a row in the hour they go
 * forward over is refused if it has contacts (the file is on another clock) and dropped if 0.
 * out.csv: `timestamp,volume,lower,upper[,aht]` for the `horizon` intervals that follow the history,
 * in the calendar pattern learned from it (days of the week that never carry data are left out;
 * holidays are given as 0, or with `--holiday-arrivals continue` — for email, which keeps arriving —
 * like the Sunday of their week, see libs/forecasting holiday-arrivals.ts). The forecast reaches FORECAST_REACH_DAYS (400) days past the history: a
 * `--horizon` beyond that is a usage error naming the most intervals this history allows. No
 * database is opened. `--method auto` (the default) chooses the method as the service chooses a
 * queue's (libs/forecasting chooseQueueMethod: a week-ahead backtest of the default, the same-slot
 * means, DSHW and MSTL over the history's last 8 weeks) and says what it chose on stderr.
 *
 * Missing rows. An interval without a row on a day that has rows, inside the hours that weekday
 * usually has, is read as 0 contacts, and stderr says how many there are and where the first run
 * is (csv.ts historyGaps). Warned rather than refused: ACD exports commonly leave out the intervals
 * in which nothing arrived, and padding them by hand is busywork; but a lost hour of an export looks
 * the same and pulls the forecast down, so the analyst gets what is needed to check. A day without
 * any row is not read as 0: it is filled from the weeks around it (or is a holiday).
 *
 * batches.csv (`--letter-batches`): `sent_on,letters`, letters a plain whole number 1…10,000,000
 * (`1e4` or `25000.0` are refused with the line and column, as is any other problem).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { holidaysFor, SUPPORTED_HOLIDAY_REGIONS } from '../../../libs/calendar/src/holidays.js';
import { isValidTimeZone } from '../../../libs/calendar/src/time-zone.js';
import { formatForecastCsv, HISTORY_INTERVALS, historyGaps, historyIntervalMinutes, parseHistoryCsv, parseLetterBatchesCsv, type HistoryGaps } from '../../../libs/forecasting/src/csv.js';
import { aggregateHistory, FORECAST_REACH_DAYS, forecastAhead, ForecastHorizonError } from '../../../libs/forecasting/src/forecast-ahead.js';
import type { HolidayArrivals } from '../../../libs/forecasting/src/holiday-arrivals.js';
import { chooseQueueMethod, fixedChoice, isDefaultChoice, modelForChoice, SELECTABLE_METHODS, type MethodChoice, type SelectableMethod } from '../../../libs/forecasting/src/method-choice.js';
import { parseOptions, UsageError } from './args.js';

export const FORECAST_USAGE = `usage: vuoro forecast --history <in.csv> --horizon <intervals> --out <out.csv|-> [--interval 15|30|60] [--level 0.8] [--holidays ${SUPPORTED_HOLIDAY_REGIONS.join('|')}|none] [--letter-batches <sent_on,letters csv>] [--method auto|${SELECTABLE_METHODS.join('|')}] [--time-zone Europe/Helsinki] [--holiday-arrivals none|continue]
  in.csv: timestamp,volume[,aht]; a row missing inside the hours the history keeps is read as 0 contacts (exports leave out empty intervals), with a warning on stderr naming how many and the first
  letter batches: sent_on,letters with letters a plain whole number (25000, not 2.5e4)`;

export function runForecastCommand(args: readonly string[], stdout: (text: string) => void, stderr: (text: string) => void): number {
  const { options } = parseOptions(args, ['history', 'horizon', 'out', 'interval', 'level', 'holidays', 'letter-batches', 'method', 'time-zone', 'holiday-arrivals']);
  const historyFile = options.get('history');
  const out = options.get('out');
  const horizon = Number(options.get('horizon'));
  if (!historyFile || !out || !options.has('horizon')) throw new UsageError(FORECAST_USAGE);
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 100_000) throw new UsageError('--horizon must be a whole number of intervals from 1 to 100000');
  const interval = options.has('interval') ? Number(options.get('interval')) : undefined;
  if (interval !== undefined && !(HISTORY_INTERVALS as readonly number[]).includes(interval)) throw new UsageError(`--interval must be one of ${HISTORY_INTERVALS.join(', ')} (minutes)`);
  const level = options.has('level') ? Number(options.get('level')) : 0.8;
  if (!(level > 0 && level < 1)) throw new UsageError('--level must be between 0 and 1 (e.g. 0.8)');
  const region = (options.get('holidays') ?? 'FI').toUpperCase();
  if (region !== 'NONE' && !SUPPORTED_HOLIDAY_REGIONS.includes(region)) throw new UsageError(`--holidays must be none or one of ${SUPPORTED_HOLIDAY_REGIONS.join(', ')}`);
  const method = options.get('method') ?? 'auto';
  if (method !== 'auto' && !(SELECTABLE_METHODS as readonly string[]).includes(method)) throw new UsageError(`--method must be auto or one of ${SELECTABLE_METHODS.join(', ')}`);

  const holidayArrivals = (options.get('holiday-arrivals') ?? 'none') as HolidayArrivals;
  if (holidayArrivals !== 'none' && holidayArrivals !== 'continue') throw new UsageError('--holiday-arrivals must be none (calls, chats: nothing arrives on a holiday) or continue (email: arrivals go on)');
  const timeZone = options.get('time-zone') ?? 'Europe/Helsinki';
  if (!isValidTimeZone(timeZone)) throw new UsageError(`--time-zone "${timeZone}" is not an IANA time zone (e.g. Europe/Helsinki)`);

  let history = parseHistoryCsv(readFileSync(historyFile, 'utf8'), { timeZone });
  const stored = historyIntervalMinutes(history);
  const gaps = historyGaps(history, stored, { timeZone });
  if (interval !== undefined && (interval < stored || interval % stored !== 0)) {
    throw new UsageError(`--interval ${interval} cannot be made of the history's ${stored}-minute intervals; use a multiple of ${stored} (or leave --interval out)`);
  }
  history = aggregateHistory(history, interval ?? stored);
  const firstYear = Number(String(history[0].start).slice(0, 4));
  const lastYear = Number(String(history[history.length - 1].start).slice(0, 4));
  const holidays: string[] = [];
  if (region !== 'NONE') for (let y = firstYear; y <= lastYear + 2; y++) holidays.push(...holidaysFor(region, y).map((h) => h.date));
  const letterBatches = options.has('letter-batches') ? parseLetterBatchesCsv(readFileSync(options.get('letter-batches')!, 'utf8')) : undefined;
  const events = holidays.length || letterBatches ? { holidays, letterBatches, holidayArrivals } : undefined;
  const intervalMinutes = interval ?? stored;
  let result: ReturnType<typeof forecastAhead>;
  let choice: MethodChoice;
  try {
    choice = method === 'auto' ? chooseQueueMethod({ history, intervalMinutes, events }) : fixedChoice(method as SelectableMethod, intervalMinutes);
    result = forecastAhead({ history, intervalMinutes, horizonIntervals: horizon, intervalLevel: level, events, ...(isDefaultChoice(choice) ? {} : { method: modelForChoice(choice) }) });
  } catch (e) {
    // The forecast reaches FORECAST_REACH_DAYS past the history: the real maximum of --horizon depends on the history's days and hours.
    if (e instanceof ForecastHorizonError) {
      throw new UsageError(`--horizon ${horizon} is more than this history allows: at most ${e.maxIntervals} intervals of ${interval ?? stored} minutes (the forecast reaches ${FORECAST_REACH_DAYS} days past the history, to ${e.lastDate})`);
    }
    throw e;
  }
  if (gaps.intervals > 0) stderr(`${describeGaps(gaps, stored)}\n`);
  const csv = formatForecastCsv(result.points);
  if (out === '-') stdout(csv);
  else writeFileSync(out, csv);
  if (method === 'auto') stderr(`${describeChoice(choice)}\n`);
  stderr(`forecast: ${result.points.length} intervals of ${result.intervalMinutes} minutes from ${result.points[0]?.timestamp ?? '-'}, method ${result.method}${out === '-' ? '' : `, written to ${out}`}\n`);
  return 0;
}

/**
 * The warning about rows missing inside the history's hours. Warned, not refused: an ACD export
 * commonly leaves out the intervals nothing arrived in, and refusing would make the analyst pad the
 * file with zeros by hand; but a lost hour of an export also looks like this, and read as 0 it pulls
 * the forecast down, so the analyst is told how many and where the first is, to check.
 */
function describeGaps(g: HistoryGaps, minutes: number): string {
  const f = g.first!;
  const run = f.intervals === 1 ? f.from : `${f.from} to ${f.to.slice(11)}`;
  const around = [f.after && `after the row of ${f.after}`, f.before && `before the row of ${f.before}`].filter(Boolean).join(', ');
  return `warning: ${g.intervals} ${minutes}-minute interval${g.intervals === 1 ? '' : 's'} missing inside the history's hours on ${g.days} day${g.days === 1 ? '' : 's'}, read as 0 contacts; the first: ${run} (${f.intervals} interval${f.intervals === 1 ? '' : 's'}${around ? `, ${around}` : ''}). If the export left out intervals with no contacts, this is right; otherwise add the missing rows.`;
}

/** The choice in one line: what was chosen and each method's backtest WAPE. */
function describeChoice(c: MethodChoice): string {
  if (c.origins === 0) return 'method choice: vuoro-default (the history is too short to backtest)';
  const wapes = SELECTABLE_METHODS.filter((m) => m in c.candidateWape).map((m) => `${m} ${c.candidateWape[m] ?? '–'} %`);
  return `method choice: ${c.label} (week-ahead backtest over ${c.origins} weeks, scored on ${c.scoredIntervalMinutes}-minute slots; WAPE ${wapes.join(', ')})`;
}

