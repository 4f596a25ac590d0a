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

/** observed / expected − 1, to 3 decimals (0 when nothing was expected). */
const relative = (observed: number, expected: number): number => (expected > 0 ? Math.round((observed / expected - 1) * 1000) / 1000 : 0);

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

  @ApiProperty({ example: 0.62, description: 'Size of the spike: observed / expected − 1 from `startedAt` to the last check (the surge itself, not diluted by the normal hours before it). For alerts raised before this was kept, the day-so-far size.' })
  size: number;

  @ApiProperty({ example: 0.375, description: 'observed / expected − 1 over the whole day up to the last check.' })
  sizeToday: number;

  @ApiProperty({ example: 512, nullable: true, type: Number, description: 'Contacts offered from `startedAt` to the last check (null for alerts raised before this was kept).' })
  observedSinceStart: number | null;

  @ApiProperty({ example: 316, nullable: true, type: Number, description: 'What the morning forecast expected for the same intervals.' })
  expectedSinceStart: number | null;

  @ApiProperty({ example: 1850, nullable: true, type: Number, description: 'The morning forecast of the whole day.' })
  dayForecast: number | null;

  @ApiProperty({ example: 2240.5, nullable: true, type: Number, description: 'The contacts the day is now expected to bring: offered so far plus the intraday re-forecast of the rest of the day. The queue\'s forecast (GET /v1/queues/{id}/forecast) has the re-forecast for the intervals still to come and keeps the forecast for the ones gone by (to compare with what arrived), so its day total is not this figure: it differs by the arrivals so far minus what was forecast for them.' })
  dayProjected: number | null;

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
      size: a.observedSinceStart !== null && a.expectedSinceStart !== null ? relative(a.observedSinceStart, a.expectedSinceStart) : relative(a.observed, a.expected),
      sizeToday: relative(a.observed, a.expected),
      observedSinceStart: a.observedSinceStart,
      expectedSinceStart: a.expectedSinceStart,
      dayForecast: a.dayForecast,
      dayProjected: a.dayProjected,
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
