/**
 * `vuoro import-history <file.csv> [--interval 15|30|60] [--time-zone <IANA zone>]`
 *
 * The file: header `queue,timestamp,volume[,aht]`; `queue` is the queue's key (e.g. `phone-fi`) or id;
 * `timestamp` the local start of the interval `YYYY-MM-DDTHH:MM` in `--time-zone` (default: the
 * time zone of each queue's business calendar); `volume` the contacts offered (whole number ≥ 0);
 * `aht` the average handle time in seconds (> 0, may be empty). Every row is validated first (all
 * problems reported with line and column, nothing written); then all rows are upserted into
 * `interval_statistics` (source `import`) in one transaction, so a re-import of the same file
 * changes nothing and a failure leaves the database as it was.
 */
import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { isValidTimeZone, localToEpoch, wallTime } from '../../../libs/calendar/src/time-zone.js';
import { CsvError, minuteOfDay, parseImportCsv, type CsvProblem } from '../../../libs/forecasting/src/csv.js';
import { TypeOrmForecastingRepository, type ImportedInterval } from '../../../libs/persistence/src/repositories/forecasting.repository.js';
import { parseOptions, UsageError } from './args.js';
import { ProgressBar } from './progress.js';

export const IMPORT_USAGE = 'usage: vuoro import-history <file.csv> [--interval 15|30|60] [--time-zone Europe/Helsinki]';

/** The local wall time of an instant as `YYYY-MM-DDTHH:MM`. */
function localTimestamp(epochMs: number, timeZone: string): string {
  const w = wallTime(epochMs, timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}`;
}

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
  for (const r of rows) {
    const q = byRef.get(r.queue) ?? byRef.get(r.queue.toLowerCase());
    if (!q) {
      problems.push({ line: r.line, column: 'queue', message: `no queue has the key or id "${r.queue}"` });
      continue;
    }
    const zone = zoneOption ?? q.timeZone;
    const minutes = Number(r.timestamp.slice(11, 13)) * 60 + Number(r.timestamp.slice(14, 16));
    const epoch = localToEpoch(r.timestamp.slice(0, 10), minutes, zone);
    if (localTimestamp(epoch, zone) !== r.timestamp) {
      problems.push({ line: r.line, column: 'timestamp', message: `${r.timestamp} does not exist in ${zone} (daylight-saving gap)` });
      continue;
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
  if (problems.length) throw new CsvError(problems);
  const bar = new ProgressBar('import-history', data.length);
  bar.update(0);
  const result = await repo.importHistory(data, (n) => bar.update(n));
  stdout(`imported ${data.length} intervals into ${new Set(data.map((d) => d.queueId)).size} queue(s): ${result.inserted} new, ${result.updated} updated\n`);
  return 0;
}
