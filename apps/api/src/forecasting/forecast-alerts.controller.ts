import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ProblemDto } from '../common/problem-details.js';
import { ForecastAlertDto, ForecastAlertListDto, ListForecastAlertsQueryDto } from './forecast-alert.dto.js';
import { AcknowledgeForecastAlert, ListForecastAlerts } from './forecasting.use-cases.js';

@ApiTags('forecasts')
@Controller('v1/forecast-alerts')
export class ForecastAlertsController {
  constructor(
    private readonly listAlerts: ListForecastAlerts,
    private readonly acknowledgeAlert: AcknowledgeForecastAlert,
  ) {}

  @Get()
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'List spike alerts of the intraday forecast check, newest first' })
  @ApiOkResponse({ type: ForecastAlertListDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async list(@Query() query: ListForecastAlertsQueryDto): Promise<ForecastAlertListDto> {
    return { items: (await this.listAlerts.execute(query)).map(ForecastAlertDto.from) };
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Acknowledge a spike alert' })
  @ApiOkResponse({ type: ForecastAlertDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async acknowledge(@Param('id', uuidParam()) id: string): Promise<ForecastAlertDto> {
    return ForecastAlertDto.from(await this.acknowledgeAlert.execute(id));
  }
}
