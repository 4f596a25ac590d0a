/**
 * Worker-thread entry of the forecasting pool (common/worker-pool.ts): the per-queue method choice
 * (a backtest of five methods, seconds of CPU), the forecasts themselves (DSHW or MSTL when a
 * queue's choice includes them) and the backtests of `POST /v1/forecasts/backtests`, off the API's
 * event loop. Framework-free; one task at a time.
 */
import { parentPort } from 'node:worker_threads';
import { BacktestInputError, backtestHorizon, maxBacktestOrigins, modelFor } from '../../../../libs/forecasting/src/backtest-horizon.js';
import { forecastAhead, ForecastHorizonError } from '../../../../libs/forecasting/src/forecast-ahead.js';
import { prepareHistory } from '../../../../libs/forecasting/src/forecast.js';
import { chooseQueueMethod, isDefaultChoice, modelForChoice } from '../../../../libs/forecasting/src/method-choice.js';
import type { WorkerReply, WorkerRequest } from '../common/worker-pool.js';
import { DEFAULT_BACKTEST_ORIGINS, type ForecastingFailure, type ForecastingTask } from './forecasting-worker-protocol.js';

function run(task: ForecastingTask): unknown {
  switch (task.kind) {
    case 'choose-method':
      return chooseQueueMethod(task);
    case 'forecast-ahead':
      return forecastAhead({ ...task.request, ...(task.choice && !isDefaultChoice(task.choice) ? { method: modelForChoice(task.choice) } : {}) });
    case 'backtest': {
      const { volume } = prepareHistory({ history: task.history, intervalMinutes: task.intervalMinutes, calendar: { closedDates: task.closedDates } });
      const origins = task.origins ?? Math.max(1, Math.min(DEFAULT_BACKTEST_ORIGINS, maxBacktestOrigins(volume)));
      return backtestHorizon(volume, modelFor(task.method), origins, task.horizon);
    }
  }
}

parentPort?.on('message', (request: WorkerRequest<ForecastingTask>) => {
  let message: WorkerReply<ForecastingFailure>;
  try {
    message = { id: request.id, ok: true, result: run(request.task) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    // the library refuses bad input with plain Errors (and a range too far ahead with its own); anything else is a defect
    message = e instanceof ForecastHorizonError
      ? { id: request.id, ok: false, error: { kind: 'forecast-horizon', parameter: e.parameter, lastDate: e.lastDate, maxIntervals: e.maxIntervals, message: e.message } }
      : e instanceof BacktestInputError
      ? { id: request.id, ok: false, error: { kind: 'backtest-input', parameter: e.parameter, rule: e.rule, allowed: e.allowed, message: e.message } }
      : e.constructor === Error ? { id: request.id, ok: false, error: { kind: 'forecast-input', message: e.message } } : { id: request.id, ok: false, error: { kind: 'internal', name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } };
  }
  parentPort?.postMessage(message);
});
