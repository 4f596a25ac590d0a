import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { SUPPORTED_HOLIDAY_REGIONS } from '../../../../libs/calendar/src/holidays.js';
import { FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR } from '../../../../libs/calendar/src/local-date.js';
import type { BusinessCalendarEntity } from '../../../../libs/persistence/src/entities/business-calendar.entity.js';
import { IsTimeZone } from '../common/is-time-zone.js';
import { QueryInteger } from '../common/validation.js';

/** Regions whose public holidays a calendar can take (libs/calendar holidaysFor): FI, SE. */
export const HOLIDAY_REGIONS: readonly string[] = SUPPORTED_HOLIDAY_REGIONS;

export class OpeningHoursDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 7, example: 1, description: 'ISO weekday: 1 = Monday … 7 = Sunday.' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7;

  @ApiProperty({ example: '08:00' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'open must be HH:MM (00:00–23:59)' })
  open: string;

  @ApiProperty({ example: '18:00', description: 'Later than `open`; 24:00 allowed.' })
  @Matches(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, { message: 'close must be HH:MM (00:01–24:00)' })
  close: string;
}

export class ClosureDto {
  @ApiProperty({ example: '2026-12-23', description: 'Local date on which the calendar is closed.' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'date must be YYYY-MM-DD' })
  date: string;

  @ApiProperty({ example: 'Staff training day' })
  @IsString()
  @Length(1, 200)
  name: string;
}

export class CreateCalendarDto {
  @ApiProperty({ example: 'fi-customer-service' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'key must be lower-case letters, digits and dashes' })
  key: string;

  @ApiProperty({ example: 'Customer service, Finland' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'Europe/Helsinki' })
  @IsTimeZone()
  timeZone: string;

  @ApiPropertyOptional({ enum: HOLIDAY_REGIONS, example: 'FI', nullable: true, description: 'Public holidays of this region close the calendar: FI (Finland) or SE (Sweden), with the eves offices close on de facto (Midsummer Eve and Christmas Eve; in SE also New Year\'s Eve).' })
  @IsOptional()
  @IsIn(HOLIDAY_REGIONS)
  holidayRegion?: string | null;

  @ApiProperty({ type: [OpeningHoursDto], example: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:00', close: '18:00' })) })
  @IsArray()
  @ArrayMaxSize(21)
  @ValidateNested({ each: true })
  @Type(() => OpeningHoursDto)
  openingHours: OpeningHoursDto[];

  @ApiPropertyOptional({ type: [ClosureDto], example: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ClosureDto)
  closures?: ClosureDto[];
}

export class UpdateCalendarDto extends CreateCalendarDto {}

export class CalendarDto {
  @ApiProperty({ example: '3d2c1b0a-9f8e-4d7c-b6a5-443322110000' })
  id: string;

  @ApiProperty({ example: 'fi-customer-service' })
  key: string;

  @ApiProperty({ example: 'Customer service, Finland' })
  name: string;

  @ApiProperty({ example: 'Europe/Helsinki' })
  timeZone: string;

  @ApiProperty({ example: 'FI', nullable: true, type: String })
  holidayRegion: string | null;

  @ApiProperty({ type: [OpeningHoursDto] })
  openingHours: OpeningHoursDto[];

  @ApiProperty({ type: [ClosureDto] })
  closures: ClosureDto[];

  static from(c: BusinessCalendarEntity): CalendarDto {
    return {
      id: c.id,
      key: c.key,
      name: c.name,
      timeZone: c.timeZone,
      holidayRegion: c.holidayRegion,
      openingHours: c.openingHours,
      closures: [...(c.closures ?? [])].sort((a, b) => a.date.localeCompare(b.date)).map((x) => ({ date: x.date, name: x.name })),
    };
  }
}

export class HolidaysQueryDto {
  @ApiProperty({ type: 'integer', example: 2026, minimum: FIRST_SUPPORTED_YEAR, maximum: LAST_SUPPORTED_YEAR, description: 'The years every date in the API may have.' })
  @QueryInteger()
  @IsInt()
  @Min(FIRST_SUPPORTED_YEAR)
  @Max(LAST_SUPPORTED_YEAR)
  year: number;
}

export class ClosedDateDto {
  @ApiProperty({ example: '2026-12-24' })
  date: string;

  @ApiProperty({ example: 'Christmas Eve' })
  name: string;

  @ApiProperty({ example: 'public-holiday', enum: ['public-holiday', 'closure'] })
  kind: 'public-holiday' | 'closure';
}

export class CalendarYearDto {
  @ApiProperty({ type: 'integer', example: 2026 })
  year: number;

  @ApiProperty({ type: [ClosedDateDto], description: 'Public holidays of the calendar region and its own closures, by date.' })
  closedDates: ClosedDateDto[];

  @ApiProperty({ example: 2510, description: 'Open hours in the year after holidays and closures.' })
  openHours: number;
}
