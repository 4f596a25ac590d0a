/** Messages between the API thread and the forecasting worker thread (structured-clone safe). */
import type { ForecastAheadRequest, ForecastHorizonError } from '../../../../libs/forecasting/src/forecast-ahead.js';
import type { HistoryPoint } from '../../../../libs/forecasting/src/forecast.js';
import type { MethodChoice } from '../../../../libs/forecasting/src/method-choice.js';
import type { InternalFailure } from '../common/worker-pool.js';

export type ForecastingTask =
  /** choose the queue's method by backtest on this history (chooseForecastMethod). */
  | { kind: 'choose-method'; history: HistoryPoint[]; intervalMinutes: number; closedDates: string[] }
  /** forecastAhead with the chosen method (null: the default). */
  | { kind: 'forecast-ahead'; request: Omit<ForecastAheadRequest, 'method'>; choice: MethodChoice | null };

/** The forecasting library refused its input (a plain Error, or a ForecastHorizonError, there): the caller answers 422. */
export type ForecastingFailure =
  | { kind: 'forecast-input'; message: string }
  | { kind: 'forecast-horizon'; parameter: ForecastHorizonError['parameter']; lastDate: string; maxIntervals: number; message: string }
  | InternalFailure;

/** A forecast-input failure on the API thread. */
export class ForecastInputError extends Error {
  override readonly name = 'ForecastInputError';
}
