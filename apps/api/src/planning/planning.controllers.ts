import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentCaller } from '../auth/caller.decorator.js';
import type { Caller } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ProblemDto, RETRY_AFTER } from '../common/problem-details.js';
import { DATABASE_BUSY, FORECAST_BUSY, FORECAST_UNAVAILABLE } from '../forecasting/forecast-errors.docs.js';
import { SuggestBorrowing } from './borrowing.use-cases.js';
import { ContractBodyDto, ContractDto } from './contract.dto.js';
import { AcceptLoansDto, AuditEntryDto, AuditQueryDto, DecisionDto, LoanDto, LoanQueryDto } from './loan.dto.js';
import { AcceptLoans, DecideLoan, GetAuditTrail, GetLoan, ListLoans } from './loans.use-cases.js';
import { ResolveActor } from './planning-context.js';
import { AddShiftDto, CoverageDto, CoverageQueryDto, GenerateScheduleDto, MoveShiftDto, ScheduleDto, ScheduleQueryDto, ShiftEditResultDto } from './schedule.dto.js';
import { EditShift, GenerateWeekSchedule, GetCoverage, GetSchedule, ListSchedules, PublishSchedule } from './schedules.use-cases.js';
import { ListShiftTemplatesQueryDto, ShiftTemplateBodyDto, ShiftTemplateDto } from './shift-template.dto.js';
import { BorrowingSuggestionsDto, SuggestionQueryDto } from './suggestion.dto.js';
import { PlanningSettingsBodyDto, PlanningSettingsDto } from './planning-settings.dto.js';
import { DeleteShiftTemplate, GetContract, GetPlanningSettings, GetShiftTemplate, ListShiftTemplates, PutContract, PutPlanningSettings, SaveShiftTemplate } from './templates-and-contracts.use-cases.js';

const INVALID = { type: ProblemDto, description: 'A field breaks a rule (named with the rule in `errors`).' };
/** The planning operations that forecast first answer the forecasting thread's refusals. */
const FORECAST_UNAVAILABLE_503 = { type: ProblemDto, headers: RETRY_AFTER, description: `The queues are forecast first: ${FORECAST_UNAVAILABLE}; or ${DATABASE_BUSY}.` };

@ApiTags('planning')
@Controller('v1')
export class ShiftTemplatesController {
  constructor(
    private readonly actor: ResolveActor,
    private readonly list: ListShiftTemplates,
    private readonly get: GetShiftTemplate,
    private readonly save: SaveShiftTemplate,
    private readonly remove: DeleteShiftTemplate,
    private readonly getContract: GetContract,
    private readonly putContract: PutContract,
    private readonly getSettings: GetPlanningSettings,
    private readonly putSettings: PutPlanningSettings,
  ) {}

  @Get('departments/:id/planning-settings')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: "A department's planning settings: the minimum on-shift staffing it keeps when its own work is not forecast (no queues)" })
  @ApiOkResponse({ type: PlanningSettingsDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async settings(@Param('id', uuidParam()) id: string): Promise<PlanningSettingsDto> {
    return PlanningSettingsDto.from(id, await this.getSettings.execute(id));
  }

  @Put('departments/:id/planning-settings')
  @Roles('supervisor')
  @ApiOperation({ summary: "Set a department's minimum on-shift staffing per weekday window: the requirement of its generated schedule (without queues) and what loans leave it (audited)" })
  @ApiOkResponse({ type: PlanningSettingsDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse(INVALID)
  async setSettings(@CurrentCaller() caller: Caller, @Param('id', uuidParam()) id: string, @Body() body: PlanningSettingsBodyDto): Promise<PlanningSettingsDto> {
    return PlanningSettingsDto.from(id, await this.putSettings.execute(await this.actor.execute(caller), id, body));
  }

  @Get('shift-templates')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'List shift templates (of a department)' })
  @ApiOkResponse({ type: [ShiftTemplateDto] })
  @ApiUnprocessableEntityResponse(INVALID)
  async listTemplates(@Query() q: ListShiftTemplatesQueryDto): Promise<ShiftTemplateDto[]> {
    return (await this.list.execute(q.departmentId)).map(ShiftTemplateDto.from);
  }

  @Get('shift-templates/:id')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Get a shift template' })
  @ApiOkResponse({ type: ShiftTemplateDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async getTemplate(@Param('id', uuidParam()) id: string): Promise<ShiftTemplateDto> {
    return ShiftTemplateDto.from(await this.get.execute(id));
  }

  @Post('shift-templates')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Create a shift template: start window, length, paid and unpaid breaks (audited)' })
  @ApiCreatedResponse({ type: ShiftTemplateDto })
  @ApiUnprocessableEntityResponse(INVALID)
  @ApiConflictResponse({ type: ProblemDto, description: 'The department has a template of that name.' })
  async createTemplate(@CurrentCaller() caller: Caller, @Body() body: ShiftTemplateBodyDto): Promise<ShiftTemplateDto> {
    return ShiftTemplateDto.from(await this.save.execute(await this.actor.execute(caller), body));
  }

  @Put('shift-templates/:id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Replace a shift template (audited)' })
  @ApiOkResponse({ type: ShiftTemplateDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse(INVALID)
  async replaceTemplate(@CurrentCaller() caller: Caller, @Param('id', uuidParam()) id: string, @Body() body: ShiftTemplateBodyDto): Promise<ShiftTemplateDto> {
    return ShiftTemplateDto.from(await this.save.execute(await this.actor.execute(caller), body, id));
  }

  @Delete('shift-templates/:id')
  @Roles('supervisor')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a shift template (planned shifts keep their times; audited)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ProblemDto })
  async deleteTemplate(@CurrentCaller() caller: Caller, @Param('id', uuidParam()) id: string): Promise<void> {
    await this.remove.execute(await this.actor.execute(caller), id);
  }

  @Get('agents/:id/contract')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: "Get an agent's employment contract (weekly hours, shift lengths, days off, availability, time off)" })
  @ApiOkResponse({ type: ContractDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async contract(@Param('id', uuidParam()) id: string): Promise<ContractDto> {
    return ContractDto.from(await this.getContract.execute(id));
  }

  @Put('agents/:id/contract')
  @Roles('supervisor')
  @ApiOperation({ summary: "Set an agent's employment contract (audited)" })
  @ApiOkResponse({ type: ContractDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse(INVALID)
  async setContract(@CurrentCaller() caller: Caller, @Param('id', uuidParam()) id: string, @Body() body: ContractBodyDto): Promise<ContractDto> {
    return ContractDto.from(await this.putContract.execute(await this.actor.execute(caller), id, body));
  }
}

@ApiTags('planning')
@Controller('v1')
export class SchedulesController {
  constructor(
    private readonly actor: ResolveActor,
    private readonly generate: GenerateWeekSchedule,
    private readonly list: ListSchedules,
    private readonly get: GetSchedule,
    private readonly publish: PublishSchedule,
    private readonly coverage: GetCoverage,
    private readonly edit: EditShift,
  ) {}

  @Post('schedules')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Generate the week schedule of a department: forecast → requirement → HiGHS MIP; reports staff-hours, the LP lower bound and uncovered intervals. A department without queues: its staff work their contracts (own work), its minimum on-shift staffing covered first (audited)' })
  @ApiCreatedResponse({ type: ScheduleDto })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description:
      'A field breaks a rule (named with the rule in `errors`; `weekStart` rule `horizon`: past what planning or a queue\'s forecast reaches); the solver found no schedule within `timeLimitSeconds` (`schedule.no_solution_in_time`), or the generation overran its time limit and was stopped (`schedule.timeout`).',
  })
  @ApiConflictResponse({ type: ProblemDto, description: 'The week’s schedule is published (`schedule.published`).' })
  @ApiTooManyRequestsResponse({
    type: ProblemDto,
    headers: RETRY_AFTER,
    description: `A schedule generation is running and the line behind it is full (\`schedule.busy\`); or, the queues being forecast first, ${FORECAST_BUSY}. Retry after Retry-After seconds.`,
  })
  @ApiServiceUnavailableResponse(FORECAST_UNAVAILABLE_503)
  async generateSchedule(@CurrentCaller() caller: Caller, @Body() body: GenerateScheduleDto): Promise<ScheduleDto> {
    return this.generate.execute(await this.actor.execute(caller), body);
  }

  @Get('schedules')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'List schedules (of a department, of a week) with their figures' })
  @ApiOkResponse({ type: [ScheduleDto] })
  @ApiUnprocessableEntityResponse(INVALID)
  listSchedules(@Query() q: ScheduleQueryDto): Promise<ScheduleDto[]> {
    return this.list.execute(q);
  }

  @Get('schedules/:id')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Get a schedule with its shifts, figures, uncovered intervals and contract violations' })
  @ApiOkResponse({ type: ScheduleDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  getSchedule(@Param('id', uuidParam()) id: string): Promise<ScheduleDto> {
    return this.get.execute(id);
  }

  @Post('schedules/:id/publish')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Publish a schedule (it is no longer regenerated; audited)' })
  @ApiOkResponse({ type: ScheduleDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  async publishSchedule(@CurrentCaller() caller: Caller, @Param('id', uuidParam()) id: string): Promise<ScheduleDto> {
    return this.publish.execute(await this.actor.execute(caller), id);
  }

  @Get('schedules/:id/coverage')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Coverage per interval and queue: scheduled after shrinkage vs required, with the expected service level' })
  @ApiOkResponse({ type: CoverageDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse(INVALID)
  getCoverage(@Param('id', uuidParam()) id: string, @Query() q: CoverageQueryDto): Promise<CoverageDto> {
    return this.coverage.execute(id, q);
  }

  @Post('schedules/:id/shifts')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Add a shift by hand; the answer has the recomputed coverage (audited)' })
  @ApiCreatedResponse({ type: ShiftEditResultDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse(INVALID)
  async addShift(@CurrentCaller() caller: Caller, @Param('id', uuidParam()) id: string, @Body() body: AddShiftDto): Promise<ShiftEditResultDto> {
    return this.edit.add(await this.actor.execute(caller), id, body);
  }

  @Patch('shifts/:id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Move a shift (and its breaks), or give it to another agent or queue; the answer has the recomputed coverage (audited)' })
  @ApiOkResponse({ type: ShiftEditResultDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse(INVALID)
  async moveShift(@CurrentCaller() caller: Caller, @Param('id', uuidParam()) id: string, @Body() body: MoveShiftDto): Promise<ShiftEditResultDto> {
    return this.edit.move(await this.actor.execute(caller), id, body);
  }

  @Delete('shifts/:id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Delete a shift; the answer has the recomputed coverage (audited)' })
  @ApiOkResponse({ type: ShiftEditResultDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async deleteShift(@CurrentCaller() caller: Caller, @Param('id', uuidParam()) id: string): Promise<ShiftEditResultDto> {
    return this.edit.delete(await this.actor.execute(caller), id);
  }
}

@ApiTags('loans')
@Controller('v1')
export class LoansController {
  constructor(
    private readonly actor: ResolveActor,
    private readonly suggest: SuggestBorrowing,
    private readonly accept: AcceptLoans,
    private readonly list: ListLoans,
    private readonly get: GetLoan,
    private readonly decide: DecideLoan,
    private readonly audit: GetAuditTrail,
  ) {}

  @Get('queues/:id/borrowing-suggestions')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Suggestions for a phone queue and day (current forecast incl. intraday re-forecast): break moves, email work deferred, callbacks, loans with SL with/without and the cost to the lender' })
  @ApiOkResponse({ type: BorrowingSuggestionsDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse(INVALID)
  @ApiTooManyRequestsResponse({ type: ProblemDto, headers: RETRY_AFTER, description: `The day is forecast first: ${FORECAST_BUSY}; retry after Retry-After seconds.` })
  @ApiServiceUnavailableResponse(FORECAST_UNAVAILABLE_503)
  suggestions(@Param('id', uuidParam()) id: string, @Query() q: SuggestionQueryDto): Promise<BorrowingSuggestionsDto> {
    return this.suggest.execute(id, q);
  }

  @Post('loans')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Accept a suggestion: lend agents to a queue for a window (all or none; no overlapping active loan; audited)' })
  @ApiCreatedResponse({ type: [LoanDto] })
  @ApiUnprocessableEntityResponse(INVALID)
  @ApiConflictResponse({ type: ProblemDto, description: 'An agent already has an active loan overlapping the window (rule noOverlappingActiveLoan).' })
  async acceptLoans(@CurrentCaller() caller: Caller, @Body() body: AcceptLoansDto): Promise<LoanDto[]> {
    return (await this.accept.execute(await this.actor.execute(caller), body)).map(LoanDto.from);
  }

  @Get('loans')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'List loans by lending or borrowing department, status and date (a manager key of a department sees its own)' })
  @ApiOkResponse({ type: [LoanDto] })
  @ApiUnprocessableEntityResponse(INVALID)
  async listLoans(@CurrentCaller() caller: Caller, @Query() q: LoanQueryDto): Promise<LoanDto[]> {
    return (await this.list.execute(await this.actor.execute(caller), q)).map(LoanDto.from);
  }

  @Get('loans/:id')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Get a loan' })
  @ApiOkResponse({ type: LoanDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async getLoan(@CurrentCaller() caller: Caller, @Param('id', uuidParam()) id: string): Promise<LoanDto> {
    return LoanDto.from(await this.get.execute(await this.actor.execute(caller), id));
  }

  @Post('loans/:id/decline')
  @HttpCode(200)
  @Roles('manager')
  @ApiOperation({ summary: 'Decline a loan of your staff (manager of the lending department; audited)' })
  @ApiOkResponse({ type: LoanDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The loan is not active.' })
  @ApiUnprocessableEntityResponse(INVALID)
  async declineLoan(@CurrentCaller() caller: Caller, @Param('id', uuidParam()) id: string, @Body() body: DecisionDto): Promise<LoanDto> {
    return LoanDto.from(await this.decide.execute(await this.actor.execute(caller), id, 'declined', body.reason));
  }

  @Post('loans/:id/cancel')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Cancel a loan (borrowing supervisor; audited)' })
  @ApiOkResponse({ type: LoanDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The loan is not active.' })
  @ApiUnprocessableEntityResponse(INVALID)
  async cancelLoan(@CurrentCaller() caller: Caller, @Param('id', uuidParam()) id: string, @Body() body: DecisionDto): Promise<LoanDto> {
    return LoanDto.from(await this.decide.execute(await this.actor.execute(caller), id, 'cancelled', body.reason));
  }

  @Get('audit-log')
  @Roles('supervisor', 'manager')
  @ApiOperation({
    summary: 'Audit trail of a template, contract (agent id), schedule, loan, department or customer (its erasures, counts only): who did what, when',
    description: 'The personal-data retention runs, which concern no one entity, read back from GET /v1/audit-log/retention-runs.',
  })
  @ApiOkResponse({ type: [AuditEntryDto] })
  @ApiUnprocessableEntityResponse(INVALID)
  async auditLog(@Query() q: AuditQueryDto): Promise<AuditEntryDto[]> {
    return (await this.audit.execute(q.entityType, q.entityId)).map(AuditEntryDto.from);
  }
}
