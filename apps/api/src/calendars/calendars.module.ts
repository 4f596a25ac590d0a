import { Module } from '@nestjs/common';
import { CalendarsController } from './calendars.controller.js';
import { CreateCalendar, DeleteCalendar, GetCalendar, GetCalendarYear, ListCalendars, UpdateCalendar } from './calendars.use-cases.js';

@Module({
  controllers: [CalendarsController],
  providers: [ListCalendars, GetCalendar, GetCalendarYear, CreateCalendar, UpdateCalendar, DeleteCalendar],
})
export class CalendarsModule {}
