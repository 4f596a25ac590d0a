/**
 * The report roll-up job in a worker thread of its own (report-rollup.worker.ts), on a PostgreSQL
 * server. In the thread that serves requests, the roll-up's JavaScript — reading ~1,000 timeline
 * events a second, summing them per roll-up row, building the upserts — ran in slices between the
 * steps of every routing request, and each request waited behind a slice at nearly every step:
 * bench:routing's open loop at half the closed loop's rate had a p99 of 47-65 ms with the job in the
 * API's thread and 20 ms with it in another process (12 ms with no roll-ups at all). In its own
 * thread the job has its own event loop, its own two connections and the same advisory lock, so it
 * is one more "instance" to the rest of the code (a report's catch-up waits for its run as for
 * another instance's).
 *
 * Messages: the parent sends `stop` (the worker ends once the batch in flight has committed and its
 * connections are closed); the worker sends `log` lines, logged here with the app's logger, format
 * and level. A thread that exits on its own (a crash) is started again after `restartMs`.
 */
import { Logger, type LogLevel } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../common/worker-pool.js';

export interface ReportRollupWorkerData {
  databaseUrl: string;
  refreshMs: number;
}

/** The application_name of the thread's connections (pg_stat_activity). */
export const ROLLUP_APPLICATION_NAME = 'vuoro-report-rollups';

export type ReportRollupWorkerMessage = { type: 'log'; level: LogLevel; context: string; message: unknown };

/** How long shutdown waits for the batch in flight before it terminates the thread. */
const STOP_TIMEOUT_MS = 30_000;

export class ReportRollupThread {
  private readonly logger = new Logger('ReportRollupJob');
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly refreshMs: number,
    private readonly restartMs = 5_000,
  ) {}

  start(): void {
    if (this.stopping || this.worker) return;
    const entry = workerEntry('report-rollup.worker', import.meta.url);
    const workerData: ReportRollupWorkerData = { databaseUrl: this.databaseUrl, refreshMs: this.refreshMs };
    const worker = new Worker(entry.url, { ...entry.options, workerData });
    // Like the worker pools' threads, it never keeps the process alive by itself (stop() ends it).
    worker.unref();
    this.worker = worker;
    this.exited = new Promise<void>((resolve) => {
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = null;
        if (!this.stopping) {
          this.logger.error({ msg: 'the report roll-up thread stopped; starting it again', code, restartInMs: this.restartMs });
          this.restartTimer = setTimeout(() => {
            this.restartTimer = null;
            this.start();
          }, this.restartMs);
          this.restartTimer.unref();
        }
        resolve();
      });
    });
    worker.on('error', (err) => this.logger.error({ msg: 'report roll-up thread failed', err: { name: err.name, message: err.message, stack: err.stack } }));
    worker.on('message', (m: ReportRollupWorkerMessage) => {
      const logger = new Logger(m.context);
      if (m.level === 'fatal' || m.level === 'error') logger.error(m.message);
      else if (m.level === 'warn') logger.warn(m.message);
      else if (m.level === 'debug') logger.debug(m.message);
      else if (m.level === 'verbose') logger.verbose(m.message);
      else logger.log(m.message);
    });
  }

  /** Whether a thread is running now (tests). */
  get running(): boolean {
    return this.worker !== null;
  }

  /** No new run; waits for the batch in flight to commit and the thread to end (terminates it after STOP_TIMEOUT_MS). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    worker.postMessage({ type: 'stop' });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)));
    if ((await Promise.race([this.exited, timedOut])) === 'timeout') {
      this.logger.warn({ msg: 'the report roll-up thread did not stop in time; terminating it', afterMs: STOP_TIMEOUT_MS });
      await worker.terminate();
    }
    clearTimeout(timer);
  }
}
