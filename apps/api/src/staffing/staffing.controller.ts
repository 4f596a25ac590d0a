import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { ProblemDto, RETRY_AFTER } from '../common/problem-details.js';
import { HorizonRequestDto, HorizonRequirementsDto, RequirementDto, RequirementRequestDto } from './requirement.dto.js';
import { SimulationRequestDto, SimulationResultDto } from './simulation.dto.js';
import { STAFFING_LIMITS as L } from './staffing-limits.js';
import { ComputeHorizonRequirements, ComputeRequirement, RunSimulation } from './staffing.use-cases.js';

const INVALID = 'A field breaks a rule (range, equal lengths, per-channel fields, size caps); `errors` names each field and rule.';
const OVERRUN = `${INVALID} Also \`staffing.timeout\` when the calculation overran its time limit and was stopped.`;
const BUSY = { type: ProblemDto, headers: RETRY_AFTER, description: 'Every staffing worker thread is busy and the waiting line is full (`staffing.busy`); retry after Retry-After seconds.' };

/** What-if calculators: nothing is stored, so the operations answer 200. */
@ApiTags('staffing')
@Controller('v1/staffing')
export class StaffingController {
  constructor(
    private readonly computeRequirement: ComputeRequirement,
    private readonly computeHorizon: ComputeHorizonRequirements,
    private readonly runSimulation: RunSimulation,
  ) {}

  @Post('requirements')
  @HttpCode(200)
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Agents needed for one interval: Erlang C, Erlang A (with patienceSeconds) or chat concurrency', description: 'The smallest agent count meeting the target, and service level, ASA, occupancy and abandonment at that count. Email needs the horizon form.' })
  @ApiOkResponse({ type: RequirementDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'The body is not JSON.' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: INVALID })
  requirement(@Body() body: RequirementRequestDto): RequirementDto {
    return this.computeRequirement.execute(body);
  }

  @Post('requirements/horizon')
  @HttpCode(200)
  @Roles('supervisor', 'manager')
  @ApiOperation({
    summary: 'Agents needed per queue and interval over a horizon (phone, chat, email backlog, blended pools)',
    description: `Queues × interval arrays, e.g. a week of 15-minute intervals for 30 queues in one call, with optional blended pools of queues answered by the same agents. Computed in a worker thread (time limit ${L.taskTimeoutSeconds} s).`,
  })
  @ApiOkResponse({ type: HorizonRequirementsDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'The body is not JSON.' })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'The JSON body is larger than 1 MB.' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: OVERRUN })
  @ApiTooManyRequestsResponse(BUSY)
  horizon(@Body() body: HorizonRequestDto): Promise<HorizonRequirementsDto> {
    return this.computeHorizon.execute(body);
  }

  @Post('simulations')
  @HttpCode(200)
  @Roles('supervisor', 'manager')
  @ApiOperation({
    summary: 'Simulate a day for given staffing and arrivals (seeded discrete-event simulation with the live routing policy)',
    description: `Per interval and channel, and for the whole window: service level, ASA, abandonment, occupancy. Runs in a worker thread, off the event loop that serves routing; stopped after \`timeoutSeconds\` (at most ${L.taskTimeoutSeconds} s).`,
  })
  @ApiOkResponse({ type: SimulationResultDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'The body is not JSON.' })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'The JSON body is larger than 1 MB.' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: OVERRUN })
  @ApiTooManyRequestsResponse(BUSY)
  simulation(@Body() body: SimulationRequestDto): Promise<SimulationResultDto> {
    return this.runSimulation.execute(body);
  }
}
