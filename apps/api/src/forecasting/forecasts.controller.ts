import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ProblemDto, RETRY_AFTER } from '../common/problem-details.js';
import { BacktestResultDto, CreateBacktestDto, QueueForecastDto, QueueForecastQueryDto } from './forecast.dto.js';
import { GetQueueForecast, RunBacktest } from './forecasting.use-cases.js';
import { DATABASE_BUSY, FORECAST_BUSY, FORECAST_UNAVAILABLE } from './forecast-errors.docs.js';

const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);

@ApiTags('forecasts')
@Controller('v1')
export class ForecastsController {
  constructor(
    private readonly getQueueForecast: GetQueueForecast,
    private readonly runBacktest: RunBacktest,
  ) {}

  @Get('queues/:id/forecast')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Forecast volume, AHT and prediction intervals of a queue per interval for local dates from…to' })
  @ApiOkResponse({ type: QueueForecastDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'A bad range or interval, or a queue without history.' })
  @ApiTooManyRequestsResponse({ type: ProblemDto, headers: RETRY_AFTER, description: `${capital(FORECAST_BUSY)}; retry after Retry-After seconds.` })
  @ApiServiceUnavailableResponse({ type: ProblemDto, headers: RETRY_AFTER, description: `${capital(FORECAST_UNAVAILABLE)}; or ${DATABASE_BUSY}.` })
  forecast(@Param('id', uuidParam()) id: string, @Query() query: QueueForecastQueryDto): Promise<QueueForecastDto> {
    return this.getQueueForecast.execute(id, query);
  }

  @Post('forecasts/backtests')
  @HttpCode(200)
  @Roles('supervisor', 'manager')
  @ApiOperation({
    summary: 'Backtest a forecast method on a queue or an inline series (rolling origin): WAPE, MAPE, MASE, RMSE',
    description: 'Runs in a thread of its own at low CPU priority, one backtest at a time with one more waiting.',
  })
  @ApiOkResponse({ type: BacktestResultDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'The JSON body is larger than 1 MB (`request.too_large`).' })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description:
      'Invalid input naming the field; on `origins`: more than the history allows (rule `enoughHistory`), or more than the method\'s work limit allows for this many values (rule `workLimit`: `mstl-ets` at most 1,000,000 values × origins, `vuoro-auto` 3,000,000), each naming the most allowed.',
  })
  @ApiTooManyRequestsResponse({ type: ProblemDto, headers: RETRY_AFTER, description: 'A backtest is running and another waiting (`backtest.busy`); retry after Retry-After seconds. Backtests have a thread of their own: forecasts never wait for them.' })
  @ApiServiceUnavailableResponse({ type: ProblemDto, headers: RETRY_AFTER, description: 'The backtest ran its limit (120 s) and was stopped (`backtest.timeout`); or the database is busy (`database.busy`).' })
  async backtest(@Body() body: CreateBacktestDto): Promise<BacktestResultDto> {
    const r = await this.runBacktest.execute(body);
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    return { method: r.method, origins: r.origins, horizonDays: r.horizonDays, wape: r.wape, mape: finite(r.mape), mase: finite(r.mase), rmse: r.rmse, points: r.n, secondsPerOrigin: r.secondsPerOrigin };
  }
}
