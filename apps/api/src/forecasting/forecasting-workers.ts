import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { WorkerPool, internalError, workerEntry } from '../common/worker-pool.js';
import { ForecastInputError, type ForecastingFailure, type ForecastingTask } from './forecasting-worker-protocol.js';

/**
 * The worker thread of forecasting: method choices and forecasts run there, never on the event loop
 * that serves routing (on the embedded database a 3-second backtest there would stall every call).
 * One task at a time; a planning request that forecasts many queues waits in the pool's line.
 */
@Injectable()
export class ForecastingWorkers extends WorkerPool<ForecastingTask, ForecastingFailure> implements OnApplicationShutdown {
  constructor() {
    super(workerEntry('forecasting.worker', import.meta.url), { workers: 1, maxQueued: 256, timeoutMs: 120_000 }, (f) => (f.kind === 'forecast-input' ? new ForecastInputError(f.message) : internalError(f, 'forecasting')), 'forecasting');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
