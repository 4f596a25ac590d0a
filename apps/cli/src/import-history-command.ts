/**
 * `vuoro import-history <file.csv> [--interval 15|30|60] [--time-zone <IANA zone>]`
 *
 * The file: header `queue,timestamp,volume[,aht]`; `queue` is the queue's key (e.g. `phone-fi`) or id;
 * `timestamp` the local start of the interval `YYYY-MM-DDTHH:MM` in `--time-zone` (default: the
 * time zone of each queue's business calendar); `volume` the contacts offered (whole number ≥ 0);
 * `aht` the average handle time in seconds (> 0, may be empty). A local time that does not exist
 * (the spring-forward gap) is refused. One that happens twice (the autumn night the clocks go back)
 * takes two rows, as an export in local time repeats that hour: the first row in the file is the
 * earlier occurrence (summer time), the second the later; a single row for it is refused, as it
 * cannot be told which occurrence it counts. Every row is validated first (all
 * problems reported with line and column, nothing written); then all rows are upserted into
 * `interval_statistics` (source `import`) in one transaction, so a re-import of the same file
 * changes nothing and a failure leaves the database as it was.
 */
import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { isValidTimeZone, localInstants } from '../../../libs/calendar/src/time-zone.js';
import { CsvError, minuteOfDay, parseImportCsv, type CsvProblem } from '../../../libs/forecasting/src/csv.js';
import { TypeOrmForecastingRepository, type ImportedInterval } from '../../../libs/persistence/src/repositories/forecasting.repository.js';
import { parseOptions, UsageError } from './args.js';
import { ProgressBar } from './progress.js';

export const IMPORT_USAGE = 'usage: vuoro import-history <file.csv> [--interval 15|30|60] [--time-zone Europe/Helsinki]';

export async function runImportHistoryCommand(args: readonly string[], dataSource: DataSource, stdout: (text: string) => void): Promise<number> {
  const { options, positional } = parseOptions(args, ['interval', 'time-zone']);
  const file = positional[0];
  if (!file || positional.length > 1) throw new UsageError(IMPORT_USAGE);
  const interval = Number(options.get('interval') ?? 15);
  if (![15, 30, 60].includes(interval)) throw new UsageError('--interval must be 15, 30 or 60 (minutes)');
  const zoneOption = options.get('time-zone');
  if (zoneOption !== undefined && !isValidTimeZone(zoneOption)) throw new UsageError(`--time-zone "${zoneOption}" is not an IANA time zone (e.g. Europe/Helsinki)`);

  const rows = parseImportCsv(readFileSync(file, 'utf8'), interval);
  if (!options.has('interval') && rows.length >= 4) {
    // Without --interval the rows are 15-minute intervals: a file on a coarser grid throughout is
    // almost surely 30- or 60-minute data, which would be stored as quarter-hours a third or three
    // quarters empty — and overwrite the 15-minute rows of those quarters.
    const grid = [60, 30].find((m) => rows.every((r) => minuteOfDay(r.timestamp) % m === 0));
    if (grid) throw new UsageError(`every timestamp is on the ${grid}-minute grid: pass --interval ${grid} for ${grid}-minute intervals (or --interval 15 if they are quarter-hours)`);
  }
  const now = Date.now();
  const repo = new TypeOrmForecastingRepository(dataSource);
  const queues = await repo.queueContexts([...new Set(rows.map((r) => r.queue))]);
  const byRef = new Map<string, (typeof queues)[number]>();
  for (const q of queues) {
    byRef.set(q.key, q);
    byRef.set(q.id, q);
  }
  const problems: CsvProblem[] = [];
  const data: ImportedInterval[] = [];
  const seen = new Map<string, number>();
  /** lines of the rows at a local time that happened twice (autumn overlap), per queue, zone and time. */
  const ambiguous = new Map<string, number[]>();
  for (const r of rows) {
    const q = byRef.get(r.queue) ?? byRef.get(r.queue.toLowerCase());
    if (!q) {
      problems.push({ line: r.line, column: 'queue', message: `no queue has the key or id "${r.queue}"` });
      continue;
    }
    const zone = zoneOption ?? q.timeZone;
    const instants = localInstants(r.timestamp.slice(0, 10), minuteOfDay(r.timestamp), zone);
    if (instants.length === 0) {
      problems.push({ line: r.line, column: 'timestamp', message: `${r.timestamp} does not exist in ${zone} (daylight-saving gap)` });
      continue;
    }
    let epoch = instants[0];
    if (instants.length > 1) {
      // The clocks went back: this local time happened twice. Its first row in the file is the
      // earlier occurrence, its second the later one (an export in local time repeats the hour).
      const key = `${q.id} ${zone} ${r.timestamp}`;
      const rowsBefore = ambiguous.get(key);
      if (rowsBefore) rowsBefore.push(r.line);
      else ambiguous.set(key, [r.line]);
      epoch = instants[Math.min(rowsBefore?.length ?? 0, instants.length - 1)];
    }
    if (epoch > now) {
      problems.push({ line: r.line, column: 'timestamp', message: `${r.timestamp} has not begun yet in ${zone}: history is what has happened` });
      continue;
    }
    const key = `${q.id} ${epoch}`;
    if (seen.has(key)) {
      problems.push({ line: r.line, column: 'timestamp', message: `the same interval of queue ${q.key} as line ${seen.get(key)}` });
      continue;
    }
    seen.set(key, r.line);
    data.push({ queueId: q.id, intervalMinutes: interval, intervalStart: new Date(epoch), volume: r.volume, ahtSeconds: r.aht });
  }
  // One row for a time that happened twice: which of the two it counts cannot be told.
  for (const [key, lines] of ambiguous) {
    if (lines.length !== 1) continue;
    const [, zone, timestamp] = key.split(' ');
    problems.push({
      line: lines[0],
      column: 'timestamp',
      message: `${timestamp} happens twice in ${zone} (the clocks go back an hour that night) and the file has one row for it: give a row for each occurrence, the earlier first, or leave it out`,
    });
  }
  if (problems.length) throw new CsvError(problems.sort((a, b) => a.line - b.line));
  const bar = new ProgressBar('import-history', data.length);
  bar.update(0);
  const result = await repo.importHistory(data, (n) => bar.update(n));
  stdout(`imported ${data.length} intervals into ${new Set(data.map((d) => d.queueId)).size} queue(s): ${result.inserted} new, ${result.updated} updated\n`);
  return 0;
}
