/**
 * CSV formats of the forecasting command line (`vuoro forecast`, `vuoro import-history`). Plain
 * comma-separated text, a header line, no quoting (no field of these formats needs a comma).
 * Errors name the line (1 = the header) and the column.
 */
import { FIRST_SUPPORTED_YEAR as FIRST_YEAR, LAST_SUPPORTED_YEAR as LAST_YEAR } from '../../calendar/src/local-date.js';
import { localInstants } from '../../calendar/src/time-zone.js';
import type { ForecastPoint, HistoryPoint } from './forecast.js';

export interface CsvProblem {
  line: number;
  column: string;
  message: string;
}

export class CsvError extends Error {
  constructor(readonly problems: CsvProblem[]) {
    super(`${problems.length} problem(s) in the CSV:\n${problems.slice(0, 20).map((p) => `  line ${p.line}, column ${p.column}: ${p.message}`).join('\n')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`);
    this.name = 'CsvError';
  }
}

/** `YYYY-MM-DDTHH:MM` (a space is accepted instead of `T`; seconds `:00` are accepted and dropped). */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::00)?$/;
/** Consecutive history rows further apart than this are taken for a mistyped date, not a closure. */
const MAX_GAP_DAYS = 366;
/** A plain decimal number (no sign, exponent, hexadecimal or blanks inside). */
const DECIMAL = /^\d+(\.\d+)?$/;

/** Validates a local wall-clock timestamp (years FIRST_YEAR…LAST_YEAR); returns it normalised to `YYYY-MM-DDTHH:MM`, or null. */
export function normaliseLocalTimestamp(value: string): string | null {
  const m = TIMESTAMP.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  if (y < FIRST_YEAR || y > LAST_YEAR) return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59) return null;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`;
}

function splitLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  return lines;
}

function header(lines: string[], required: string[], optional: string[]): Map<string, number> {
  if (lines.length === 0) throw new CsvError([{ line: 1, column: '(header)', message: `the file is empty; expected the header ${required.join(',')}` }]);
  const cols = lines[0].split(',').map((c) => c.trim().toLowerCase());
  const problems: CsvProblem[] = [];
  for (const r of required) if (!cols.includes(r)) problems.push({ line: 1, column: r, message: `missing column "${r}" (header must contain ${required.join(',')}${optional.length ? ` and optionally ${optional.join(',')}` : ''})` });
  cols.forEach((c, i) => {
    if (![...required, ...optional].includes(c)) problems.push({ line: 1, column: c || `#${i + 1}`, message: `unknown column "${c}"` });
    if (cols.indexOf(c) !== i) problems.push({ line: 1, column: c, message: `column "${c}" appears twice` });
  });
  if (problems.length) throw new CsvError(problems);
  return new Map(cols.map((c, i) => [c, i]));
}

/**
 * The data rows after the header, skipping blank lines; a row whose field count differs from the
 * header's is reported once and not yielded. `field(name)` reads a column by its header name.
 */
function* dataRows(
  lines: string[],
  cols: Map<string, number>,
  problems: CsvProblem[],
): Generator<{ line: number; field: (name: string) => string; has: (name: string) => boolean }> {
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    if (lines[i].trim() === '') continue;
    const f = lines[i].split(',');
    if (f.length !== cols.size) {
      problems.push({ line, column: '(row)', message: `has ${f.length} fields, the header has ${cols.size}` });
      continue;
    }
    yield { line, field: (name) => f[cols.get(name)!], has: (name) => cols.has(name) };
  }
}

function number(raw: string | undefined, line: number, column: string, problems: CsvProblem[], opts: { integer?: boolean; positive?: boolean; max?: number }): number | undefined {
  const v = (raw ?? '').trim();
  if (v === '') {
    problems.push({ line, column, message: 'is empty' });
    return undefined;
  }
  const n = Number(v);
  if (v.startsWith('-') && Number.isFinite(n)) problems.push({ line, column, message: `"${v}" must be ${opts.positive ? 'greater than 0' : 'at least 0'}` });
  else if (!DECIMAL.test(v) || !Number.isFinite(n)) problems.push({ line, column, message: `"${v}" is not a number (digits, optionally a decimal point)` });
  else if (opts.max !== undefined && n > opts.max) problems.push({ line, column, message: `${v} is more than ${opts.max}` });
  else if (opts.integer && !Number.isInteger(n)) problems.push({ line, column, message: `"${v}" is not a whole number` });
  else if (opts.positive ? n <= 0 : n < 0) problems.push({ line, column, message: `"${v}" must be ${opts.positive ? 'greater than 0' : 'at least 0'}` });
  else return n;
  return undefined;
}

/**
 * Parses the analyst's history CSV `timestamp,volume[,aht]` (timestamp = local start of the
 * interval, `YYYY-MM-DDTHH:MM`; volume ≥ 0; aht in seconds > 0, may be empty). All problems are
 * collected and thrown together as a CsvError.
 *
 * With `timeZone`, a local time may appear as often as it happens there: twice in the hour the
 * clocks go back over (an export in local time repeats that hour, as `vuoro import-history`
 * requires). Both rows are kept; forecasting sums them into the wall-clock slot (aggregateHistory,
 * prepareHistory) as it does with the service's history of those two intervals. A time the clocks
 * skip there (the spring-forward gap) is dropped when its volume is 0 and refused otherwise. Without
 * a zone every time may appear once.
 */
export function parseHistoryCsv(text: string, options: { timeZone?: string } = {}): HistoryPoint[] {
  const lines = splitLines(text);
  const cols = header(lines, ['timestamp', 'volume'], ['aht']);
  const problems: CsvProblem[] = [];
  const seen = new Map<string, number>();
  const times = new Map<string, number>();
  const out: HistoryPoint[] = [];
  const zone = options.timeZone;
  for (const { line, field, has } of dataRows(lines, cols, problems)) {
    const ts = normaliseLocalTimestamp(field('timestamp').trim());
    const happens = (t: string) => (zone ? Math.max(1, localInstants(t.slice(0, 10), minuteOfDay(t), zone).length) : 1);
    if (!ts) problems.push({ line, column: 'timestamp', message: `"${field('timestamp')}" is not a local time YYYY-MM-DDTHH:MM in ${FIRST_YEAR}–${LAST_YEAR}` });
    else if (seen.has(ts) && (times.get(ts) ?? 0) >= happens(ts)) {
      const twice = happens(ts) > 1 ? ` (it happens twice in ${zone}, the night the clocks go back; this is a third row)` : '';
      problems.push({ line, column: 'timestamp', message: `${ts} already appears on line ${seen.get(ts)}${twice}` });
    } else {
      if (!seen.has(ts)) seen.set(ts, line);
      times.set(ts, (times.get(ts) ?? 0) + 1);
    }
    const volume = number(field('volume'), line, 'volume', problems, {});
    let aht: number | undefined;
    if (has('aht') && field('aht').trim() !== '') aht = number(field('aht'), line, 'aht', problems, { positive: true });
    // A time the clocks skip (the spring-forward night): contacts there mean the file is on another
    // clock than the zone; an exporter that writes every slot of the day may give it as 0, which is dropped.
    if (ts && zone && localInstants(ts.slice(0, 10), minuteOfDay(ts), zone).length === 0) {
      if (volume !== undefined && volume > 0) {
        problems.push({ line, column: 'timestamp', message: `${ts} does not exist in ${zone} (the clocks go forward over it that night) but has ${volume} contacts: is the file in another time zone? (--time-zone)` });
      }
      continue;
    }
    if (ts && volume !== undefined) out.push({ start: ts, volume, ...(aht !== undefined ? { aht } : {}) });
  }
  if (problems.length) throw new CsvError(problems);
  if (out.length === 0) throw new CsvError([{ line: 2, column: '(row)', message: 'the file has no data rows' }]);
  out.sort((a, b) => ((a.start as string) < (b.start as string) ? -1 : 1));
  // One interval length for the whole file: a row off the others' grid is a typo, not a finer interval.
  const grid = historyIntervalMinutes(out);
  const offGrid = out.filter((p) => minuteOfDay(p.start as string) % grid !== 0);
  if (offGrid.length) {
    throw new CsvError(offGrid.map((p) => ({ line: seen.get(p.start as string)!, column: 'timestamp', message: `${p.start as string} is not on the ${grid}-minute grid of the other rows` })));
  }
  // A year-long hole is a mistyped date: modelled, it would be a series of millions of empty intervals.
  for (let i = 1; i < out.length; i++) {
    const gap = (Date.parse(`${out[i].start as string}Z`) - Date.parse(`${out[i - 1].start as string}Z`)) / 86_400_000;
    if (gap > MAX_GAP_DAYS) {
      const [earlier, later] = [out[i - 1].start as string, out[i].start as string];
      throw new CsvError([{ line: seen.get(later)!, column: 'timestamp', message: `${later} is ${Math.round(gap)} days after the previous interval (${earlier}, line ${seen.get(earlier)}); history with a gap of more than ${MAX_GAP_DAYS} days is refused as a mistyped date` }]);
    }
  }
  return out;
}

/** The most letters one mailing may have (as the service's letter batches). */
export const MAX_LETTERS = 10_000_000;
/** A plain whole number: digits only (no sign, decimal point, exponent or blanks inside). */
const WHOLE = /^\d+$/;

/**
 * Parses the letter-batch CSV `sent_on,letters` of `vuoro forecast --letter-batches`: sent_on a
 * date `YYYY-MM-DD`, letters a plain whole number 1…MAX_LETTERS (`1e4`, `2.5e4`, `10000.0` or
 * `0x2710` are refused: a spreadsheet's rendering of a number is not taken as the count). Throws a
 * CsvError listing every problem (line and column).
 */
export function parseLetterBatchesCsv(text: string): { sentOn: string; letters: number }[] {
  const lines = splitLines(text);
  const cols = header(lines, ['sent_on', 'letters'], []);
  const problems: CsvProblem[] = [];
  const out: { sentOn: string; letters: number }[] = [];
  for (const { line, field } of dataRows(lines, cols, problems)) {
    const sentOn = field('sent_on').trim();
    const dateOk = /^\d{4}-\d{2}-\d{2}$/.test(sentOn) && normaliseLocalTimestamp(`${sentOn}T00:00`) !== null;
    if (!dateOk) problems.push({ line, column: 'sent_on', message: `"${sentOn}" is not a date YYYY-MM-DD in ${FIRST_YEAR}–${LAST_YEAR}` });
    const raw = field('letters').trim();
    const letters = Number(raw);
    if (!WHOLE.test(raw)) problems.push({ line, column: 'letters', message: `"${raw}" is not a plain whole number (digits only, e.g. 25000)` });
    else if (letters < 1 || letters > MAX_LETTERS) problems.push({ line, column: 'letters', message: `${raw} must be from 1 to ${MAX_LETTERS}` });
    else if (dateOk) out.push({ sentOn, letters });
  }
  if (problems.length) throw new CsvError(problems);
  return out;
}

/** Intervals missing from a history inside the hours it keeps (historyGaps). */
export interface HistoryGaps {
  /** missing intervals in all. */
  intervals: number;
  /** days with at least one missing interval. */
  days: number;
  /** the first run of missing intervals: its first and last interval's local start, and the rows around it. */
  first: { from: string; to: string; intervals: number; after: string | null; before: string | null } | null;
}

/**
 * The intervals a history leaves out inside the hours it keeps, which forecasting reads as 0
 * contacts: on each day with rows, an interval of the grid (`intervalMinutes`) in that weekday's
 * usual hours — the intervals at least half of its days with rows have — without a row, between
 * the history's first and last row. Days without any row are not gaps of this kind (forecasting
 * fills a whole missing day from the weeks around it, or takes it as closed), nor is an hour the
 * clocks skip in `timeZone`.
 */
export function historyGaps(points: readonly HistoryPoint[], intervalMinutes: number, options: { timeZone?: string } = {}): HistoryGaps {
  const starts = [...new Set(points.map((p) => String(p.start)))].sort();
  if (starts.length === 0) return { intervals: 0, days: 0, first: null };
  const perDay = 1440 / intervalMinutes;
  const byDate = new Map<string, Set<number>>();
  for (const t of starts) {
    const date = t.slice(0, 10);
    let slots = byDate.get(date);
    if (!slots) byDate.set(date, (slots = new Set()));
    slots.add(minuteOfDay(t) / intervalMinutes);
  }
  // each weekday's usual slots: those at least half of its days with rows have
  const weekday = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay();
  const counts = Array.from({ length: 7 }, () => ({ days: 0, slots: new Array<number>(perDay).fill(0) }));
  for (const [date, slots] of byDate) {
    const c = counts[weekday(date)];
    c.days++;
    for (const s of slots) c.slots[s]++;
  }
  const [firstStart, lastStart] = [starts[0], starts[starts.length - 1]];
  const pad = (n: number) => String(n).padStart(2, '0');
  const at = (date: string, s: number) => `${date}T${pad(Math.floor((s * intervalMinutes) / 60))}:${pad((s * intervalMinutes) % 60)}`;
  const skipped = (date: string, s: number) => options.timeZone !== undefined && localInstants(date, s * intervalMinutes, options.timeZone).length === 0;
  const missing: { date: string; slot: number }[] = [];
  let days = 0;
  for (const [date, slots] of [...byDate].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const c = counts[weekday(date)];
    const before = missing.length;
    for (let s = 0; s < perDay; s++) {
      const t = at(date, s);
      if (!slots.has(s) && 2 * c.slots[s] >= c.days && t > firstStart && t < lastStart && !skipped(date, s)) missing.push({ date, slot: s });
    }
    if (missing.length > before) days++;
  }
  if (missing.length === 0) return { intervals: 0, days: 0, first: null };
  // the first run of consecutive missing intervals of a day, and the rows either side of it
  let n = 1;
  while (n < missing.length && missing[n].date === missing[0].date && missing[n].slot === missing[n - 1].slot + 1) n++;
  const from = at(missing[0].date, missing[0].slot);
  const to = at(missing[n - 1].date, missing[n - 1].slot);
  const next = starts.findIndex((x) => x > to);
  const after = starts.filter((x) => x < from).pop() ?? null;
  return { intervals: missing.length, days, first: { from, to, intervals: n, after, before: next >= 0 ? starts[next] : null } };
}

/** Interval lengths a history may have (each divides a day and an hour or a day evenly). */
export const HISTORY_INTERVALS = [5, 6, 10, 15, 20, 30, 60] as const;

/** Minutes since midnight of a `YYYY-MM-DDTHH:MM` timestamp. */
export const minuteOfDay = (ts: string): number => Number(ts.slice(11, 13)) * 60 + Number(ts.slice(14, 16));

/**
 * The interval length of a history: the longest of HISTORY_INTERVALS whose grid holds at least 90 %
 * of the rows (the rest are then reported as off the grid), 5 minutes when none does.
 */
export function historyIntervalMinutes(points: readonly HistoryPoint[]): number {
  for (const m of [...HISTORY_INTERVALS].reverse()) {
    const on = points.filter((p) => minuteOfDay(p.start as string) % m === 0).length;
    if (on >= 0.9 * points.length) return m;
  }
  return HISTORY_INTERVALS[0];
}

/** `timestamp,volume,lower,upper[,aht]` with volumes rounded to 0.01 and AHT to 0.1 s. */
export function formatForecastCsv(points: readonly ForecastPoint[]): string {
  const withAht = points.some((p) => p.aht !== undefined && Number.isFinite(p.aht));
  const r = (x: number, d: number) => String(Math.round(x * 10 ** d) / 10 ** d);
  const lines = [withAht ? 'timestamp,volume,lower,upper,aht' : 'timestamp,volume,lower,upper'];
  for (const p of points) lines.push([p.timestamp, r(p.volume, 2), r(p.lower, 2), r(p.upper, 2), ...(withAht ? [p.aht !== undefined && Number.isFinite(p.aht) ? r(p.aht, 1) : ''] : [])].join(','));
  return `${lines.join('\n')}\n`;
}

/** The most contacts one imported interval may hold (the column is a 32-bit integer). */
const MAX_IMPORTED_VOLUME = 2_147_483_647;

/** One row of the history-import CSV `queue,timestamp,volume[,aht]`. */
export interface ImportRow {
  line: number;
  /** queue key (e.g. `phone-fi`) or id. */
  queue: string;
  /** local wall-clock start, `YYYY-MM-DDTHH:MM`. */
  timestamp: string;
  volume: number;
  aht: number | null;
}

/**
 * Parses and validates the history-import CSV `queue,timestamp,volume[,aht]`: volume a whole
 * number ≥ 0, aht seconds > 0 or empty, timestamps on the `intervalMinutes` grid. Throws a
 * CsvError listing every problem (line and column). Duplicates are the caller's to find, on the
 * instants in the queue's time zone: the same local time is two intervals on the night the clocks
 * go back.
 */
export function parseImportCsv(text: string, intervalMinutes: number): ImportRow[] {
  const lines = splitLines(text);
  const cols = header(lines, ['queue', 'timestamp', 'volume'], ['aht']);
  const problems: CsvProblem[] = [];
  const out: ImportRow[] = [];
  for (const { line, field, has } of dataRows(lines, cols, problems)) {
    const queue = field('queue').trim();
    if (!queue) problems.push({ line, column: 'queue', message: 'is empty' });
    const raw = field('timestamp').trim();
    const ts = normaliseLocalTimestamp(raw);
    if (!ts) problems.push({ line, column: 'timestamp', message: `"${raw}" is not a local time YYYY-MM-DDTHH:MM in ${FIRST_YEAR}–${LAST_YEAR}` });
    else if (minuteOfDay(ts) % intervalMinutes !== 0) problems.push({ line, column: 'timestamp', message: `${ts} is not the start of a ${intervalMinutes}-minute interval` });
    const volume = number(field('volume'), line, 'volume', problems, { integer: true, max: MAX_IMPORTED_VOLUME });
    let aht: number | null = null;
    if (has('aht') && field('aht').trim() !== '') {
      const a = number(field('aht'), line, 'aht', problems, { positive: true });
      // stored to the hundredth of a second (numeric(8,2), > 0): judged as it will be stored
      const stored = a === undefined ? undefined : Math.round(a * 100) / 100;
      if (stored !== undefined && stored >= 1e6) problems.push({ line, column: 'aht', message: `${a} seconds is too long (at most 999999.99)` });
      else if (stored !== undefined && stored <= 0) problems.push({ line, column: 'aht', message: `${a} seconds rounds to 0.00 (handle times are kept to the hundredth of a second; at least 0.005)` });
      else aht = a ?? null;
    }
    if (queue && ts && volume !== undefined) out.push({ line, queue, timestamp: ts, volume, aht });
  }
  if (problems.length) throw new CsvError(problems);
  return out;
}
