/** Messages between the API thread and the forecasting worker thread (structured-clone safe). */
import type { BacktestInputError, ForecastMethodName } from '../../../../libs/forecasting/src/backtest-horizon.js';
import type { ForecastEvents } from '../../../../libs/forecasting/src/events.js';
import type { ForecastAheadRequest, ForecastHorizonError } from '../../../../libs/forecasting/src/forecast-ahead.js';
import type { ForecastRequest, HistoryPoint } from '../../../../libs/forecasting/src/forecast.js';
import type { MethodChoice } from '../../../../libs/forecasting/src/method-choice.js';
import type { InternalFailure } from '../common/worker-pool.js';

export type ForecastingTask =
  /** choose the queue's method by backtest on this history (chooseForecastMethod). */
  | { kind: 'choose-method'; history: HistoryPoint[]; intervalMinutes: number; events: ForecastEvents }
  /** forecastAhead with the chosen method (null: the default). */
  | { kind: 'forecast-ahead'; request: Omit<ForecastAheadRequest, 'method'>; choice: MethodChoice | null }
  /** a rolling-origin backtest of one method (backtestHorizon); `origins` omitted: up to DEFAULT_BACKTEST_ORIGINS the history allows. */
  | { kind: 'backtest'; history: ForecastRequest['history']; intervalMinutes?: number; closedDates: string[]; method: ForecastMethodName; origins?: number; horizon?: number };

/** The forecasting library refused its input (a plain Error, or a ForecastHorizonError, there): the caller answers 422. */
export type ForecastingFailure =
  | { kind: 'forecast-input'; message: string }
  | { kind: 'forecast-horizon'; parameter: ForecastHorizonError['parameter']; lastDate: string; maxIntervals: number; message: string }
  | { kind: 'backtest-input'; parameter: BacktestInputError['parameter']; rule: string; allowed: number; message: string }
  | InternalFailure;

/** Origins of a backtest that does not name a number (fewer when the history has fewer weeks). */
export const DEFAULT_BACKTEST_ORIGINS = 5;

/** A forecast-input failure on the API thread. */
export class ForecastInputError extends Error {
  override readonly name = 'ForecastInputError';
}
