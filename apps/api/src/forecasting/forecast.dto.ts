import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { IsLocalDate, IsLocalTimestamp, QueryInteger } from '../common/validation.js';
import { FORECAST_METHODS, type ForecastMethodName } from '../../../../libs/forecasting/src/backtest-horizon.js';
import { FORECAST_REACH_DAYS } from '../../../../libs/forecasting/src/forecast-ahead.js';
import { SELECTABLE_METHODS } from '../../../../libs/forecasting/src/method-choice.js';


export class QueueForecastQueryDto {
  @ApiProperty({ example: '2026-03-09', description: 'First local date (the queue calendar\'s time zone), `YYYY-MM-DD`.' })
  @IsLocalDate()
  from: string;

  @ApiProperty({ example: '2026-03-13', description: `Last local date (inclusive); at most 62 days after \`from\`. The forecast reaches ${FORECAST_REACH_DAYS} days past the queue's history (today): a range beyond that is refused (422, rule \`horizon\`, naming the last date it reaches).` })
  @IsLocalDate()
  to: string;

  @ApiPropertyOptional({ type: 'integer', example: 15, enum: [15, 30, 60], description: 'Interval length; default: the length the history is stored in. History is re-binned to coarser intervals.' })
  @IsOptional()
  @QueryInteger()
  @IsIn([15, 30, 60])
  intervalMinutes?: number;
}

export class ForecastPointDto {
  @ApiProperty({ example: '2026-03-09T06:00:00.000Z', description: 'Start of the interval (UTC instant).' })
  start: string;

  @ApiProperty({ example: '2026-03-09T08:00', description: 'Start of the interval on the queue calendar\'s local clock.' })
  localStart: string;

  @ApiProperty({ example: 41.7, description: 'Expected contacts offered.' })
  volume: number;

  @ApiProperty({ example: 286.4, nullable: true, type: Number, description: 'Expected average handle time (seconds); null when the history has none.' })
  aht: number | null;

  @ApiProperty({ example: 33.1, description: 'Lower end of the 80 % prediction interval.' })
  lower: number;

  @ApiProperty({ example: 50.9, description: 'Upper end of the 80 % prediction interval.' })
  upper: number;

  @ApiProperty({ example: 'vuoro level×profile (default) + learned letter-batch/holiday effects', description: 'How this point was forecast (`intraday re-forecast` for the stored rest-of-day re-forecast).' })
  method: string;
}

export class LetterEffectDto {
  @ApiProperty({ type: 'integer', example: 2, description: 'Calendar days after the mailing.' })
  lag: number;

  @ApiProperty({ example: 0.087, description: 'Relative uplift of the day\'s volume per 10 000 letters.' })
  upliftPer10kLetters: number;
}

export class MethodWapeDto {
  @ApiProperty({ example: 'same-slot-mean-4', enum: SELECTABLE_METHODS })
  method: string;

  @ApiProperty({ example: 11.29, nullable: true, type: Number, description: 'Pooled WAPE (%) of this method alone over the selection origins; null when it could not be fitted.' })
  wape: number | null;
}

export class ForecastMethodChoiceDto {
  @ApiProperty({ example: '0.75 same-slot-mean-4 + 0.25 vuoro-default', description: 'The method, or the weighted combination of methods, this queue is forecast with.' })
  label: string;

  @ApiProperty({ example: { 'same-slot-mean-4': 0.75, 'vuoro-default': 0.25 }, description: 'Weight of each method used (they sum to 1).', type: 'object', additionalProperties: { type: 'number' } })
  weights: Record<string, number>;

  @ApiProperty({ example: '2026-03-09', description: 'The queue\'s local date the choice was made on, from the history before that day; a new choice is made each day (ahead of demand at start-up and after midnight, else by the day\'s first forecast) and after a history import.' })
  chosenOn: string;

  @ApiProperty({ type: 'integer', example: 8, description: 'Week-ahead backtest origins (one a week) the methods were scored on; 0: the history was too short and the default is used.' })
  origins: number;

  @ApiProperty({ example: 10.98, nullable: true, type: Number, description: 'Pooled WAPE (%) of the chosen option over those origins.' })
  trainingWape: number | null;

  @ApiProperty({ type: [MethodWapeDto], description: 'Every method scored, alone. A combination or another method replaces the default only when its WAPE is more than 30 % lower than the default\'s (on real call-centre data smaller margins lost more weeks than they won).' })
  candidates: MethodWapeDto[];
}

export class QueueForecastDto {
  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11' })
  queueId: string;

  @ApiProperty({ type: 'integer', example: 15 })
  intervalMinutes: number;

  @ApiProperty({ example: 'Europe/Helsinki' })
  timeZone: string;

  @ApiProperty({ example: 'vuoro level×profile (default) + learned letter-batch/holiday effects' })
  method: string;

  @ApiProperty({ type: ForecastMethodChoiceDto, description: 'How this queue\'s method was chosen: a rolling-origin week-ahead backtest of the default level × profile model, the same-slot means of 4 and 8 weeks, Taylor\'s double-seasonal Holt-Winters and MSTL + AutoETS, alone, in pairs and combined.' })
  methodChoice: ForecastMethodChoiceDto;

  @ApiProperty({ example: 0.8, description: 'Probability of the central prediction interval.' })
  intervalLevel: number;

  @ApiProperty({ type: [LetterEffectDto], description: 'Letter-batch uplift learned from this queue\'s history.' })
  letterEffects: LetterEffectDto[];

  @ApiProperty({ example: 0.14, description: 'Learned relative uplift of the first open day after a holiday.' })
  afterHolidayUplift: number;

  @ApiProperty({ type: [ForecastPointDto], description: 'Every real interval of the days asked for once, in time order. On the night the clocks go back the repeated hour\'s intervals appear twice (the same `localStart`, summer time first, each with that wall-clock interval\'s forecast); on the night they go forward the hour that does not happen has no points.' })
  points: ForecastPointDto[];
}

/** The largest volume of one interval of an inline series (more calls than any centre gets in one interval; keeps the sums finite). */
const MAX_SERIES_VALUE = 1_000_000_000;

export class InlineSeriesDto {
  @ApiProperty({ example: '2003-03-03T07:00', description: 'Start of the first value on the series\' own wall clock, `YYYY-MM-DDTHH:MM`: a date that exists, on the grid of `intervalMinutes` (minutes since midnight a multiple of it). An inline series has no time zone: its values are consecutive wall-clock intervals and every day has 24 hours of them, so no daylight-saving change is applied (02:00–03:00 of the Finnish spring-forward night is an interval like any other). Stored queue history, by contrast, follows Europe/Helsinki.' })
  @IsLocalTimestamp()
  start: string;

  @ApiProperty({ type: 'integer', example: 30, enum: [5, 6, 10, 15, 20, 30, 60], description: 'Minutes per value.' })
  @IsInt()
  @IsIn([5, 6, 10, 15, 20, 30, 60])
  intervalMinutes: number;

  @ApiProperty({ example: [560, 609, 745], type: [Number], description: `Volumes of consecutive intervals (closed hours as 0), each from 0 to ${MAX_SERIES_VALUE}; at most 200 000 of them.` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200_000)
  @IsNumber({}, { each: true })
  @Min(0, { each: true })
  @Max(MAX_SERIES_VALUE, { each: true })
  values: number[];
}

export class CreateBacktestDto {
  @ApiPropertyOptional({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', description: 'Backtest on this queue\'s stored history (or give `series`).' })
  @IsOptional()
  @IsUUID()
  queueId?: string;

  @ApiPropertyOptional({ type: InlineSeriesDto, description: 'Or: an inline series.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => InlineSeriesDto)
  series?: InlineSeriesDto;

  @ApiPropertyOptional({ example: 'vuoro-default', enum: FORECAST_METHODS, default: 'vuoro-default' })
  @IsOptional()
  @IsIn(FORECAST_METHODS)
  method?: ForecastMethodName;

  @ApiPropertyOptional({
    type: 'integer',
    example: 5,
    default: 5,
    minimum: 1,
    maximum: 26,
    description:
      'Origins: the starts of the last N weeks (expanding training window). Each needs a whole week of training before it, so a history of W weeks allows at most W − 1: more is refused (422, rule `enoughHistory`, naming the number allowed). The slow methods refit at every origin, so their values × origins are limited (422, rule `workLimit`, naming the number allowed): `mstl-ets` 1,000,000 (e.g. 5 origins of 200,000 values), `vuoro-auto` 3,000,000. Left out: 5, or as many as the history allows when fewer.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(26)
  origins?: number;

  @ApiPropertyOptional({ type: 'integer', example: 5, minimum: 1, maximum: 7, description: 'Active days scored after each origin (default: a whole week). At most the history\'s active days a week (5 for a Mon–Fri queue): more is refused (422, rule `activeDays`).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(7)
  horizon?: number;
}

export class BacktestResultDto {
  @ApiProperty({ example: 'vuoro level×profile (default)' })
  method: string;

  @ApiProperty({ type: 'integer', example: 5 })
  origins: number;

  @ApiProperty({ type: 'integer', example: 5, description: 'Active days scored after each origin.' })
  horizonDays: number;

  @ApiProperty({ example: 5.72, nullable: true, type: Number, description: 'Σ|error| / Σactual, percent; null when the scored actuals sum to 0.' })
  wape: number | null;

  @ApiProperty({ example: 6.9, nullable: true, type: Number, description: 'Mean absolute percentage error over intervals with volume > 0, percent; null when no scored interval had any volume.' })
  mape: number | null;

  @ApiProperty({ example: 0.71, nullable: true, type: Number, description: 'Mean absolute error scaled by the in-sample MAE of the weekly seasonal naive (each origin by its own training history). null when that scale is missing at some origin: 0, because the training history repeats itself exactly week after week (a constant or perfectly weekly series: the naive forecast makes no error to scale by), or unknown, because the origin has only one week of training (no week-to-week pairs). WAPE and RMSE still apply.' })
  mase: number | null;

  @ApiProperty({ example: 14.2 })
  rmse: number;

  @ApiProperty({ type: 'integer', example: 700, description: 'Scored intervals.' })
  points: number;

  @ApiProperty({ example: 0.02 })
  secondsPerOrigin: number;
}
