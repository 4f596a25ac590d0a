import { Module } from '@nestjs/common';
import { ForecastAlertsController } from './forecast-alerts.controller.js';
import { ForecastsController } from './forecasts.controller.js';
import { AcknowledgeForecastAlert, ChooseMethodsAheadOfDemand, ChooseQueueForecastMethod, ForecastMethodChoiceJob, ForecastClock, GetQueueForecast, IntradayForecastJob, ListForecastAlerts, LoadForecastInput, RunBacktest, RunIntradayCheck, SyncRoutedHistory, SystemForecastClock } from './forecasting.use-cases.js';
import { BacktestWorkers, ForecastingWorkers } from './forecasting-workers.js';
import { LetterBatchesController } from './letter-batches.controller.js';
import { CreateLetterBatch, DeleteLetterBatch, GetLetterBatch, ListLetterBatches, PrepareLetterBatchData, UpdateLetterBatch } from './letter-batches.use-cases.js';

/** Forecasts per queue (each with its method chosen by backtest, in a worker thread, ahead of demand by a job at start-up and after midnight), backtests (in a thread of their own), letter batches, spike alerts and the intraday job (every 15 minutes). */
@Module({
  controllers: [ForecastsController, LetterBatchesController, ForecastAlertsController],
  providers: [
    { provide: ForecastClock, useClass: SystemForecastClock },
    SyncRoutedHistory,
    LoadForecastInput,
    ForecastingWorkers,
    BacktestWorkers,
    ChooseQueueForecastMethod,
    ChooseMethodsAheadOfDemand,
    ForecastMethodChoiceJob,
    GetQueueForecast,
    RunBacktest,
    ListForecastAlerts,
    AcknowledgeForecastAlert,
    RunIntradayCheck,
    IntradayForecastJob,
    PrepareLetterBatchData,
    ListLetterBatches,
    GetLetterBatch,
    CreateLetterBatch,
    UpdateLetterBatch,
    DeleteLetterBatch,
  ],
  exports: [RunIntradayCheck, GetQueueForecast],
})
export class ForecastingModule {}
