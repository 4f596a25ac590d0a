import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RoutingEngine } from './routing-engine.js';

/**
 * The routing engine's scheduled work, once a second: expire offers nobody answered (contact to the
 * next agent, agent not-responding), end wrap-ups, and offer waiting work to agents with room
 * (widening over waiting time). Every instance schedules it; only the one holding the Postgres
 * advisory lock runs a tick, and the work itself is idempotent (SKIP LOCKED claims).
 * Switched off with ROUTING_JOBS=false (tests drive `RoutingEngine.tick` with their own clock).
 */
@Injectable()
export class RoutingJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly INTERVAL_MS = 1000;
  private readonly logger = new Logger('RoutingJobs');
  private running = false;

  constructor(
    private readonly engine: RoutingEngine,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.routingJobs === false) return;
    this.scheduler.addInterval('routing-tick', setInterval(() => void this.run(), RoutingJobs.INTERVAL_MS));
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', 'routing-tick')) this.scheduler.deleteInterval('routing-tick');
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.engine.tick();
    } catch (err) {
      this.logger.error({ msg: 'routing tick failed', err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) });
    } finally {
      this.running = false;
    }
  }
}
