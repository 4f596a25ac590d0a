import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module.js';
import { RefreshReportRollups, ReportRollupJob } from './report-rollup.job.js';
import { ReportsController } from './reports.controller.js';
import { GetChatReport, GetContactReport, GetEmailBacklog, GetEmailReplyReport, GetResolutionReport, LoadReportRows } from './reports.use-cases.js';

/** Reports for managers from roll-ups of the routing engine's contact timelines. */
@Module({
  imports: [RoutingModule],
  controllers: [ReportsController],
  providers: [RefreshReportRollups, ReportRollupJob, LoadReportRows, GetContactReport, GetEmailReplyReport, GetChatReport, GetResolutionReport, GetEmailBacklog],
  exports: [RefreshReportRollups, GetResolutionReport],
})
export class ReportsModule {}
