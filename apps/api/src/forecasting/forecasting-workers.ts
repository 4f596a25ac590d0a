import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BacktestInputError } from '../../../../libs/forecasting/src/backtest-horizon.js';
import { ForecastHorizonError } from '../../../../libs/forecasting/src/forecast-ahead.js';
import { WorkerPool, internalError, workerEntry } from '../common/worker-pool.js';
import { ForecastInputError, type ForecastingFailure, type ForecastingTask, type ForecastingWorkerData } from './forecasting-worker-protocol.js';

function decodeFailure(f: ForecastingFailure): Error {
  if (f.kind === 'forecast-input') return new ForecastInputError(f.message);
  if (f.kind === 'forecast-horizon') return new ForecastHorizonError(f.parameter, f.lastDate, f.maxIntervals, f.message);
  if (f.kind === 'backtest-input') return new BacktestInputError(f.parameter, f.rule, f.allowed, f.message);
  return internalError(f, 'forecasting');
}

/**
 * The worker thread of forecasting: method choices and forecasts (the API's and the intraday
 * job's) run there, never on the event loop that serves routing (on the embedded database a
 * 3-second backtest there would stall every call). One task at a time; a planning request that
 * forecasts many queues waits in the pool's line (at most 256 tasks, each at most 120 s waiting and
 * 120 s running). Analysts' backtests have a thread of their own (BacktestWorkers).
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

/**
 * The thread of `POST /v1/forecasts/backtests`: an analyst's backtest (an inline series of up to
 * 200,000 values, MSTL refitted at each origin) can take a minute, and in the forecasting thread it
 * put every forecast, method choice and intraday spike check behind it (an audit: a forecast took
 * 117 s). Here it runs at the lowest CPU priority (nice 19), one at a time with one more waiting;
 * beyond that a backtest is refused 429. Its size is limited up front (BACKTEST_WORK_LIMITS) and
 * its run to 120 s.
 */
@Injectable()
export class BacktestWorkers extends WorkerPool<ForecastingTask, ForecastingFailure> implements OnApplicationShutdown {
  constructor() {
    const entry = workerEntry('forecasting.worker', import.meta.url);
    const workerData: ForecastingWorkerData = { lowPriority: true };
    super({ ...entry, options: { ...entry.options, workerData } }, { workers: 1, maxQueued: 1, timeoutMs: 120_000 }, (f) => decodeFailure(f), 'backtest');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
