/** Messages between the API thread and the forecasting worker thread (structured-clone safe). */
import type { BacktestInputError, ForecastMethodName } from '../../../../libs/forecasting/src/backtest-horizon.js';
import type { ForecastEvents } from '../../../../libs/forecasting/src/events.js';
import type { ForecastAheadRequest, ForecastAheadResult, ForecastHorizonError } from '../../../../libs/forecasting/src/forecast-ahead.js';
import type { HistoryArrays } from '../../../../libs/forecasting/src/forecast.js';
import type { MethodChoice } from '../../../../libs/forecasting/src/method-choice.js';
import type { InternalFailure } from '../common/worker-pool.js';
import type { QueueHistory } from './queue-history.js';

/** A queue's history as read (the worker brings it to the local clock), or an analyst's series already on one. */
export type BacktestHistory = { queue: QueueHistory } | { series: HistoryArrays; intervalMinutes: number };

export type ForecastingTask =
  /** choose the queue's method by backtest on this history (chooseForecastMethod), at its `intervalMinutes`. */
  | { kind: 'choose-method'; history: QueueHistory; events: ForecastEvents }
  /** forecastAhead of the history at its `intervalMinutes` with the chosen method (null: the default); answers a QueueForecastResult. */
  | { kind: 'forecast-ahead'; history: QueueHistory; request: Omit<ForecastAheadRequest, 'method' | 'history' | 'intervalMinutes'>; choice: MethodChoice | null }
  /** a rolling-origin backtest of one method (backtestHorizon); `origins` omitted: up to DEFAULT_BACKTEST_ORIGINS the history allows. */
  | { kind: 'backtest'; history: BacktestHistory; closedDates: string[]; method: ForecastMethodName; origins?: number; horizon?: number };

/** A forecast point as the API answers it (ForecastPointDto): the instant its local start is, and the method. */
export interface QueueForecastPoint {
  /** ISO instant. */
  start: string;
  /** `YYYY-MM-DDTHH:MM` on the queue's clock. */
  localStart: string;
  volume: number;
  aht: number | null;
  lower: number;
  upper: number;
  method: string;
}

/** forecastAhead's result with its points as the API answers them: the API thread passes them on as they are (but for the intraday re-forecast's). */
export interface QueueForecastResult extends Omit<ForecastAheadResult, 'points'> {
  points: QueueForecastPoint[];
}

/** The forecasting library refused its input (a plain Error, or a ForecastHorizonError, there): the caller answers 422. */
export type ForecastingFailure =
  | { kind: 'forecast-input'; message: string }
  | { kind: 'forecast-horizon'; parameter: ForecastHorizonError['parameter']; lastDate: string; maxIntervals: number; message: string }
  | { kind: 'backtest-input'; parameter: BacktestInputError['parameter']; rule: string; allowed: number; message: string }
  | InternalFailure;

/** `workerData` of a forecasting worker thread. */
export interface ForecastingWorkerData {
  /** lower the thread's CPU priority (the backtests' thread). */
  lowPriority?: boolean;
}

/** Origins of a backtest that does not name a number (fewer when the history has fewer weeks). */
export const DEFAULT_BACKTEST_ORIGINS = 5;

/** A forecast-input failure on the API thread. */
export class ForecastInputError extends Error {
  override readonly name = 'ForecastInputError';
}
