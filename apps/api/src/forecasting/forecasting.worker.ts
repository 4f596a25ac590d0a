/**
 * Worker-thread entry of the forecasting pool (common/worker-pool.ts): the per-queue method choice
 * (a backtest of five methods, seconds of CPU), the forecasts themselves (DSHW or MSTL when a
 * queue's choice includes them) and the backtests of `POST /v1/forecasts/backtests`, off the API's
 * event loop. A queue's history arrives as the database sent it (queue-history.ts): its rows are
 * chosen, brought to the queue's local clock and re-binned here, and forecast points leave with
 * their instants, so that the API thread does nothing per interval. Framework-free; one task at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BacktestInputError, backtestHorizon, checkBacktestWork, maxBacktestOrigins, modelFor } from '../../../../libs/forecasting/src/backtest-horizon.js';
import { forecastAhead, ForecastHorizonError } from '../../../../libs/forecasting/src/forecast-ahead.js';
import { partialDays, prepareHistory } from '../../../../libs/forecasting/src/forecast.js';
import { chooseQueueMethod, isDefaultChoice, modelForChoice } from '../../../../libs/forecasting/src/method-choice.js';
import { pointsAtInstants } from '../../../../libs/forecasting/src/real-instants.js';
import { lowerThisThreadsPriority } from '../common/thread-priority.js';
import type { WorkerReply, WorkerRequest } from '../common/worker-pool.js';
import { DEFAULT_BACKTEST_ORIGINS, type ForecastingFailure, type ForecastingTask, type ForecastingWorkerData, type QueueForecastResult } from './forecasting-worker-protocol.js';
import { historyPoints } from './queue-history.js';

// The backtests' thread (BacktestWorkers) runs at the lowest CPU priority: an analyst's backtest
// gets the cores the event loop and the forecasts leave.
if ((workerData as ForecastingWorkerData | undefined)?.lowPriority) lowerThisThreadsPriority();

function run(task: ForecastingTask): unknown {
  switch (task.kind) {
    case 'choose-method':
      return chooseQueueMethod({ history: historyPoints(task.history), intervalMinutes: task.history.intervalMinutes, events: task.events });
    case 'forecast-ahead': {
      const { timeZone, intervalMinutes } = task.history;
      const result = forecastAhead({ ...task.request, history: historyPoints(task.history), intervalMinutes, ...(task.choice && !isDefaultChoice(task.choice) ? { method: modelForChoice(task.choice) } : {}) });
      // every real interval of the day once: two at the hour the clocks go back, none in the spring gap
      const points = pointsAtInstants(result.points, timeZone).map((p) => ({ start: new Date(p.start).toISOString(), localStart: p.timestamp, volume: p.volume, aht: p.aht ?? null, lower: p.lower, upper: p.upper, method: result.method }));
      return { ...result, points } satisfies QueueForecastResult;
    }
    case 'backtest': {
      const source = task.history;
      const history = 'queue' in source ? historyPoints(source.queue) : source.series;
      const intervalMinutes = 'queue' in source ? source.queue.intervalMinutes : source.intervalMinutes;
      // An inline series' partial first and last days are unknown in part, not empty (libs/forecasting partialDays).
      const outlierDates = 'queue' in source ? [] : partialDays(source.series, intervalMinutes);
      const { volume } = prepareHistory({ history, intervalMinutes, calendar: { closedDates: task.closedDates, outlierDates } });
      const origins = task.origins ?? Math.max(1, Math.min(DEFAULT_BACKTEST_ORIGINS, maxBacktestOrigins(volume)));
      checkBacktestWork(task.method, Array.isArray(history) ? history.length : history.volume.length, origins);
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
