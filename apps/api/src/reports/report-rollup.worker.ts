/**
 * Worker-thread entry of the report roll-up job (see report-rollup-thread.ts): every `refreshMs` the
 * same RollupSchedule run as in the API's own thread, on two connections of its own, under the
 * same advisory lock. Its log lines go to the parent, which writes them with the app's logger. On
 * `stop` it lets the batch in flight commit, closes its connections and ends.
 */
import 'reflect-metadata';
import { Logger, type LoggerService, type LogLevel } from '@nestjs/common';
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadsPriority } from '../common/thread-priority.js';
import { createDataSource } from '../../../../libs/persistence/src/data-source.js';
import { TypeOrmReportsRepository } from '../../../../libs/persistence/src/repositories/reports.repository.js';
import { TypeOrmRoutingRepository } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { RoutingCatalog } from '../routing/routing-catalog.js';
import { ROLLUP_APPLICATION_NAME, type ReportRollupWorkerData, type ReportRollupWorkerMessage } from './report-rollup-thread.js';
import { RefreshReportRollups, RollupSchedule } from './report-rollup.job.js';

const port = parentPort;
if (!port) throw new Error('report-rollup.worker runs as a worker thread');
const post = (m: ReportRollupWorkerMessage): void => port.postMessage(m);

class ParentLogger implements LoggerService {
  private send(level: LogLevel, message: unknown, context: unknown): void {
    post({ type: 'log', level, context: typeof context === 'string' ? context : 'ReportRollupJob', message });
  }
  log(message: unknown, context?: unknown): void {
    this.send('log', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.send('error', message, rest.at(-1));
  }
  warn(message: unknown, context?: unknown): void {
    this.send('warn', message, context);
  }
  debug(message: unknown, context?: unknown): void {
    this.send('debug', message, context);
  }
  verbose(message: unknown, context?: unknown): void {
    this.send('verbose', message, context);
  }
}
Logger.overrideLogger(new ParentLogger());

const data = workerData as ReportRollupWorkerData;
const logger = new Logger('ReportRollupJob');

// Lowest CPU priority (nice 19): the roll-ups are behind-the-load work and a report catches up
// before it reads, so when routing and the roll-ups both want a core, routing gets it.
lowerThisThreadsPriority();
let stopping = false;
let wake: (() => void) | null = null;
port.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  stopping = true;
  wake?.();
});

// Its own application name: pg_stat_activity (and bench:routing's CPU split) tells its connections from the API's.
const dataSource = createDataSource({ kind: 'postgres', url: data.databaseUrl, poolSize: 2, applicationName: ROLLUP_APPLICATION_NAME });
try {
  await dataSource.initialize();
  const catalog = new RoutingCatalog(new TypeOrmRoutingRepository(dataSource));
  const schedule = new RollupSchedule(new RefreshReportRollups(new TypeOrmReportsRepository(dataSource), catalog), false);
  while (!stopping) {
    const started = Date.now();
    // Queue changes are made in other threads: read the email queues' calendars afresh each run.
    catalog.forget();
    try {
      await schedule.run(() => stopping);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      logger.error({ msg: 'report-rollups failed', err: { name: e.name, message: e.message, stack: e.stack } });
    }
    const rest = data.refreshMs - (Date.now() - started);
    if (rest > 0 && !stopping) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, rest);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  }
} finally {
  if (dataSource.isInitialized) await dataSource.destroy();
}
port.close();
