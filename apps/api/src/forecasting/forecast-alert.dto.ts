import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { FORECAST_ALERT_KINDS, FORECAST_ALERT_STATUSES, type ForecastAlertEntity, type ForecastAlertKind, type ForecastAlertStatus } from '../../../../libs/persistence/src/entities/forecast-alert.entity.js';

export class ListForecastAlertsQueryDto {
  @ApiPropertyOptional({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11' })
  @IsOptional()
  @IsUUID()
  queueId?: string;

  @ApiPropertyOptional({ example: 'open', enum: FORECAST_ALERT_STATUSES })
  @IsOptional()
  @IsIn(FORECAST_ALERT_STATUSES)
  status?: ForecastAlertStatus;
}

export class ForecastAlertDto {
  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  id: string;

  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11' })
  queueId: string;

  @ApiProperty({ example: '2026-03-12', description: 'The queue\'s local date.' })
  date: string;

  @ApiProperty({ example: 'spike-high', enum: FORECAST_ALERT_KINDS })
  kind: ForecastAlertKind;

  @ApiProperty({ example: 'open', enum: FORECAST_ALERT_STATUSES })
  status: ForecastAlertStatus;

  @ApiProperty({ example: '2026-03-12T07:15:00.000Z', description: 'Start of the interval where the surge (or drop) began: the first of the intervals, each beyond its own prediction interval, that led up to the day-so-far total leaving its 95 % interval.' })
  startedAt: string;

  @ApiProperty({ example: 812, description: 'Contacts offered today so far (at the last check).' })
  observed: number;

  @ApiProperty({ example: 590.4, description: 'What the forecast expected for the same intervals.' })
  expected: number;

  @ApiProperty({ example: 0.375, description: 'Size so far: observed / expected − 1 over the day up to the last check.' })
  size: number;

  @ApiProperty({ example: '2026-03-12T07:45:02.000Z' })
  detectedAt: string;

  @ApiProperty({ example: '2026-03-12T08:15:01.000Z' })
  updatedAt: string;

  @ApiProperty({ example: '2026-03-12T08:20:00.000Z', nullable: true, type: String, description: 'Null while open.' })
  acknowledgedAt: string | null;

  static from(a: ForecastAlertEntity): ForecastAlertDto {
    return {
      id: a.id,
      queueId: a.queueId,
      date: a.localDate,
      kind: a.kind,
      status: a.status,
      startedAt: a.startedAt.toISOString(),
      observed: a.observed,
      expected: a.expected,
      size: a.expected > 0 ? Math.round((a.observed / a.expected - 1) * 1000) / 1000 : 0,
      detectedAt: a.detectedAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
      acknowledgedAt: a.acknowledgedAt ? a.acknowledgedAt.toISOString() : null,
    };
  }
}

export class ForecastAlertListDto {
  @ApiProperty({ type: [ForecastAlertDto] })
  items: ForecastAlertDto[];
}
