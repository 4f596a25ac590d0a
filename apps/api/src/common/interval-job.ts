import type { Logger } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';

/**
 * A job on a fixed interval (registered with @nestjs/schedule) that runs one at a time and, when
 * the application shuts down, stops and waits for the run in flight: call `stop()` from
 * `beforeApplicationShutdown`, which Nest awaits before the `onApplicationShutdown` hooks that
 * close the database. A run cut off by the pool closing under it failed with "Query runner already
 * released" and left its work to the next start.
 */
export class IntervalJob {
  private current: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly name: string,
    private readonly logger: Logger,
    private readonly work: (job: IntervalJob) => Promise<unknown>,
  ) {}

  /** Runs `work` every `ms` milliseconds; a tick that finds a run in flight is skipped. */
  start(ms: number): void {
    this.scheduler.addInterval(this.name, setInterval(() => void this.tick(), ms));
  }

  /** True once shutdown began: long work checks it between its steps and ends early. */
  get stopping(): boolean {
    return this.stopped;
  }

  /** One run now (unless one is in flight or the job is stopping); resolves when it is done. */
  tick(): Promise<void> {
    if (this.current) return this.current;
    if (this.stopped) return Promise.resolve();
    this.current = this.work(this)
      .then(() => undefined)
      .catch((err: unknown) => {
        this.logger.error({ msg: `${this.name} failed`, err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) });
      })
      .finally(() => {
        this.current = null;
      });
    return this.current;
  }

  /** No further runs; waits for the one in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.scheduler.doesExist('interval', this.name)) this.scheduler.deleteInterval(this.name);
    await this.current;
  }
}
