import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PlanningInputError } from '../../../../libs/planning/src/model.js';
import { WorkerPool, internalError, workerEntry } from '../common/worker-pool.js';
import type { PlanningFailure, PlanningTask } from './planning-worker-protocol.js';

/** Schedule generations running at once (each a HiGHS solve on one core) and waiting before a 429. */
export const PLANNING_WORKERS = { workers: 1, maxQueued: 4 } as const;

/**
 * The worker threads of schedule generation: HiGHS runs there, never on the event loop that serves
 * routing. One solve at a time (a second request waits in the pool's line); closed on shutdown.
 */
@Injectable()
export class PlanningWorkers extends WorkerPool<PlanningTask, PlanningFailure> implements OnApplicationShutdown {
  constructor() {
    super(workerEntry('planning.worker', import.meta.url), { ...PLANNING_WORKERS, timeoutMs: 120_000 }, (f) => (f.kind === 'planning-input' ? new PlanningInputError(f.field, f.rule) : internalError(f, 'planning')), 'planning');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
