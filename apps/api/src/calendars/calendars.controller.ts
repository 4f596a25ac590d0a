import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ProblemDto } from '../common/problem-details.js';
import { CalendarDto, CalendarYearDto, CreateCalendarDto, HolidaysQueryDto, UpdateCalendarDto } from './calendar.dto.js';
import { CreateCalendar, DeleteCalendar, GetCalendar, GetCalendarYear, ListCalendars, UpdateCalendar } from './calendars.use-cases.js';

@ApiTags('calendars')
@Controller('v1/calendars')
export class CalendarsController {
  constructor(
    private readonly listCalendars: ListCalendars,
    private readonly getCalendar: GetCalendar,
    private readonly createCalendar: CreateCalendar,
    private readonly updateCalendar: UpdateCalendar,
    private readonly deleteCalendar: DeleteCalendar,
    private readonly getCalendarYear: GetCalendarYear,
  ) {}

  @Get()
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'List business calendars' })
  @ApiOkResponse({ type: [CalendarDto] })
  async list(): Promise<CalendarDto[]> {
    return (await this.listCalendars.execute()).map(CalendarDto.from);
  }

  @Get(':id')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Get a business calendar' })
  @ApiOkResponse({ type: CalendarDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async get(@Param('id', uuidParam()) id: string): Promise<CalendarDto> {
    return CalendarDto.from(await this.getCalendar.execute(id));
  }

  @Get(':id/closed-dates')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Public holidays and closures of a calendar for a year, and its open hours' })
  @ApiOkResponse({ type: CalendarYearDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async closedDates(@Param('id', uuidParam()) id: string, @Query() query: HolidaysQueryDto): Promise<CalendarYearDto> {
    return this.getCalendarYear.execute(id, query.year);
  }

  @Post()
  @Roles('supervisor')
  @ApiOperation({ summary: 'Create a business calendar (opening hours, holiday region, closures)' })
  @ApiCreatedResponse({ type: CalendarDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  async create(@Body() body: CreateCalendarDto): Promise<CalendarDto> {
    return CalendarDto.from(await this.createCalendar.execute(body));
  }

  @Put(':id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Replace a business calendar' })
  @ApiOkResponse({ type: CalendarDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async update(@Param('id', uuidParam()) id: string, @Body() body: UpdateCalendarDto): Promise<CalendarDto> {
    return CalendarDto.from(await this.updateCalendar.execute(id, body));
  }

  @Delete(':id')
  @Roles('supervisor')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a business calendar no queue uses' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  async delete(@Param('id', uuidParam()) id: string): Promise<void> {
    await this.deleteCalendar.execute(id);
  }
}
