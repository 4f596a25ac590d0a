import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { idempotencyCutoff, IDEMPOTENCY_RETENTION_MS } from '../../../../libs/core/src/idempotency.js';
import { RoutingRepository } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RoutingClock } from '../routing/routing-clock.js';

/** Advisory lock key of the clean-up ("vrik"). */
export const IDEMPOTENCY_KEYS_JOB_LOCK = 0x76_72_69_6b;

/** Keys deleted per statement (one short transaction each). */
const BATCH = 5000;

/**
 * Deletes the Idempotency-Keys of POST /v1/contacts first used more than 24 h ago, hourly at minute
 * 35; one instance at a time (advisory lock), with the routing jobs (ROUTING_JOBS). Expired keys are
 * already ignored (and replaced by a new first use) when a request names one: this only keeps the
 * table at about a day of hand-ins.
 */
@Injectable()
export class RemoveExpiredIdempotencyKeys {
  private readonly logger = new Logger('RemoveExpiredIdempotencyKeys');

  constructor(
    private readonly repo: RoutingRepository,
    private readonly clock: RoutingClock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Deletes every key first used before `now` − 24 h; null when another instance is at it. */
  async execute(now: Date = this.clock.now()): Promise<{ deleted: number; cutoff: Date } | null> {
    const cutoff = idempotencyCutoff(now, IDEMPOTENCY_RETENTION_MS);
    const deleted = await this.repo.withAdvisoryLock(IDEMPOTENCY_KEYS_JOB_LOCK, async () => {
      let total = 0;
      for (;;) {
        const n = await this.repo.direct.deleteExpiredIdempotencyKeys(cutoff, BATCH);
        total += n;
        if (n < BATCH) return total;
      }
    });
    return deleted === null ? null : { deleted, cutoff };
  }

  @Cron('0 35 * * * *', { name: 'idempotency-keys-cleanup' })
  async tick(): Promise<void> {
    if (this.config.routingJobs === false) return;
    try {
      const out = await this.execute();
      if (out?.deleted) this.logger.log({ msg: 'expired idempotency keys deleted', deleted: out.deleted, cutoff: out.cutoff.toISOString() });
    } catch (err) {
      this.logger.error({ msg: 'idempotency key clean-up failed', err: err instanceof Error ? { name: err.name, message: err.message } : String(err) });
    }
  }
}
