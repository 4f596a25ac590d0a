import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BacktestInputError } from '../../../../libs/forecasting/src/backtest-horizon.js';
import { ForecastHorizonError } from '../../../../libs/forecasting/src/forecast-ahead.js';
import { WorkerPool, internalError, workerEntry } from '../common/worker-pool.js';
import { ForecastInputError, type ForecastingFailure, type ForecastingTask } from './forecasting-worker-protocol.js';

function decodeFailure(f: ForecastingFailure): Error {
  if (f.kind === 'forecast-input') return new ForecastInputError(f.message);
  if (f.kind === 'forecast-horizon') return new ForecastHorizonError(f.parameter, f.lastDate, f.maxIntervals, f.message);
  if (f.kind === 'backtest-input') return new BacktestInputError(f.parameter, f.rule, f.allowed, f.message);
  return internalError(f, 'forecasting');
}

/**
 * The worker thread of forecasting: method choices and forecasts run there, never on the event loop
 * that serves routing (on the embedded database a 3-second backtest there would stall every call).
 * One task at a time; a planning request that forecasts many queues waits in the pool's line.
 */
@Injectable()
export class ForecastingWorkers extends WorkerPool<ForecastingTask, ForecastingFailure> implements OnApplicationShutdown {
  constructor() {
    super(workerEntry('forecasting.worker', import.meta.url), { workers: 1, maxQueued: 256, timeoutMs: 120_000, maxWaitMs: 120_000 }, (f) => decodeFailure(f), 'forecasting');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
