/**
 * The OpenAPI wording of the forecasting thread's refusals (forecasting.use-cases.ts inWorker), for
 * the forecast endpoint and for the planning endpoints that forecast first (schedules, borrowing
 * suggestions): a full line is 429 `forecast.busy`, a forecast that waited or ran its limit 503
 * `forecast.busy` / `forecast.timeout`, each with Retry-After.
 */
export const FORECAST_BUSY = "the forecasting thread's line is full (`forecast.busy`)";
export const FORECAST_UNAVAILABLE = 'a forecast waited its limit (120 s) for the forecasting thread (`forecast.busy`), or ran its limit (120 s) and was stopped (`forecast.timeout`)';
export const DATABASE_BUSY = 'the database is busy (`database.busy`)';
