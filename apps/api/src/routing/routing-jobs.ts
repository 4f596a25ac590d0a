import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { IntervalJob } from '../common/interval-job.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RoutingEngine } from './routing-engine.js';

/**
 * The routing engine's scheduled work, once a second: expire offers nobody answered (contact to the
 * next agent, agent not-responding), end waiting calls whose long polls stopped (a lost abandoned), end contacts held past their queue's maximum duration, end wrap-ups, and offer waiting work to agents with room
 * (widening over waiting time). Every instance schedules it; only the one holding the Postgres
 * advisory lock runs a tick, and the work itself is idempotent (SKIP LOCKED claims).
 * Switched off with ROUTING_JOBS=false (tests drive `RoutingEngine.tick` with their own clock).
 */
@Injectable()
export class RoutingJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  static readonly INTERVAL_MS = 1000;
  private readonly job: IntervalJob;

  private readonly logger = new Logger('RoutingJobs');

  constructor(
    private readonly engine: RoutingEngine,
    scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.job = new IntervalJob(scheduler, 'routing-tick', this.logger, () => engine.tick());
  }

  onApplicationBootstrap(): void {
    if (this.config.routingJobs !== false) this.job.start(RoutingJobs.INTERVAL_MS);
  }

  /** Before the database closes: no new tick, the one in flight finishes, and the poll deadlines this instance holds are stored. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.job.stop();
    await this.engine.storePolls().catch((err: unknown) => this.logger.warn({ msg: 'could not store poll deadlines at shutdown', err: String(err) }));
  }
}
