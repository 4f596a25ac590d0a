/**
 * Worker-thread entry of the forecasting pool (common/worker-pool.ts): the per-queue method choice
 * (a backtest of five methods, seconds of CPU) and the forecasts themselves (DSHW or MSTL when a
 * queue's choice includes them) off the API's event loop. Framework-free; one task at a time.
 */
import { parentPort } from 'node:worker_threads';
import { forecastAhead, ForecastHorizonError } from '../../../../libs/forecasting/src/forecast-ahead.js';
import { prepareHistory } from '../../../../libs/forecasting/src/forecast.js';
import { chooseForecastMethod, isDefaultChoice, modelForChoice } from '../../../../libs/forecasting/src/method-choice.js';
import type { WorkerReply, WorkerRequest } from '../common/worker-pool.js';
import type { ForecastingFailure, ForecastingTask } from './forecasting-worker-protocol.js';

function run(task: ForecastingTask): unknown {
  switch (task.kind) {
    case 'choose-method': {
      const { volume } = prepareHistory({ history: task.history, intervalMinutes: task.intervalMinutes, calendar: { closedDates: task.closedDates } });
      return chooseForecastMethod(volume);
    }
    case 'forecast-ahead':
      return forecastAhead({ ...task.request, ...(task.choice && !isDefaultChoice(task.choice) ? { method: modelForChoice(task.choice) } : {}) });
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
      : e.constructor === Error ? { id: request.id, ok: false, error: { kind: 'forecast-input', message: e.message } } : { id: request.id, ok: false, error: { kind: 'internal', name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } };
  }
  parentPort?.postMessage(message);
});
