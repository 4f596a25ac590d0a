import { Module } from '@nestjs/common';
import { ForecastingModule } from '../forecasting/forecasting.module.js';
import { SuggestBorrowing } from './borrowing.use-cases.js';
import { AcceptLoans, DecideLoan, GetAuditTrail, GetLoan, ListLoans } from './loans.use-cases.js';
import { LoansController, SchedulesController, ShiftTemplatesController } from './planning.controllers.js';
import { PlanningClock, ResolveActor, SystemPlanningClock } from './planning-context.js';
import { PlanningWorkers } from './planning-workers.js';
import { ComputeWeekDemand, EditShift, GenerateWeekSchedule, GetCoverage, GetSchedule, ListSchedules, LoadSchedule, PublishSchedule } from './schedules.use-cases.js';
import { DeleteShiftTemplate, GetContract, GetPlanningSettings, GetShiftTemplate, ListShiftTemplates, PutContract, PutPlanningSettings, SaveShiftTemplate } from './templates-and-contracts.use-cases.js';

/** Shift templates, contracts, schedules (HiGHS), coverage, hand edits, borrowing suggestions, loans and their audit trail. */
@Module({
  imports: [ForecastingModule],
  controllers: [ShiftTemplatesController, SchedulesController, LoansController],
  providers: [
    { provide: PlanningClock, useClass: SystemPlanningClock },
    ResolveActor,
    PlanningWorkers,
    ListShiftTemplates,
    GetShiftTemplate,
    SaveShiftTemplate,
    DeleteShiftTemplate,
    GetContract,
    PutContract,
    GetPlanningSettings,
    PutPlanningSettings,
    LoadSchedule,
    ComputeWeekDemand,
    GenerateWeekSchedule,
    ListSchedules,
    GetSchedule,
    PublishSchedule,
    GetCoverage,
    EditShift,
    SuggestBorrowing,
    AcceptLoans,
    ListLoans,
    GetLoan,
    DecideLoan,
    GetAuditTrail,
  ],
})
export class PlanningModule {}
