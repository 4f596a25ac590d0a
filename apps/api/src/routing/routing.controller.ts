import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ProblemDto } from '../common/problem-details.js';
import {
  CallbackDto,
  CallbackRequestDto,
  EntryPointBodyDto,
  EntryPointDto,
  PollDecisionQueryDto,
  ROUTING_DECISION_MODELS,
  ROUTING_DECISION_SCHEMA,
  type RoutingDecisionDto,
  RoutingDecisionRequestDto,
  RoutingEventDto,
  RoutingEventResultDto,
  RoutingSettingsDto,
} from './routing.dto.js';
import {
  DecideCallRoute,
  DeleteEntryPoint,
  GetEntryPoint,
  GetRoutingSettings,
  ListEntryPoints,
  PollCallDecision,
  PutRoutingSettings,
  RecordTelephonyEvent,
  RequestCallback,
  SaveEntryPoint,
} from './routing.use-cases.js';

/** The telephony contract (Kamailio calls it with a 2 s timeout). */
@ApiTags('routing')
@ApiExtraModels(...ROUTING_DECISION_MODELS)
@Controller('v1/routing')
export class RoutingController {
  constructor(
    private readonly decide: DecideCallRoute,
    private readonly poll: PollCallDecision,
    private readonly record: RecordTelephonyEvent,
    private readonly callback: RequestCallback,
  ) {}

  @Post('decisions')
  @HttpCode(200)
  @Roles('telephony')
  @ApiOperation({ summary: 'Route an incoming call: an agent, a place in the queue, or a rejection (idempotent on callId)' })
  @ApiOkResponse({ schema: ROUTING_DECISION_SCHEMA })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async decision(@Body() body: RoutingDecisionRequestDto): Promise<RoutingDecisionDto> {
    return this.decide.execute(body);
  }

  @Get('decisions/:callId')
  @Roles('telephony')
  @ApiOperation({
    summary: "Long-poll a queued call's decision: answers when an agent is reserved or after waitSeconds",
    description:
      'Each poll also says the caller is still on the line. A waiting call that has been polled and then is not polled again for the last poll\'s waitSeconds plus its queue\'s ' +
      'pollGraceSeconds (default 30 s; never sooner than 60 s after that poll began) is presumed gone — its `abandoned` lost — and ended abandoned (end reason no-poll); ' +
      'a later poll answers reject 487 `contact-abandoned`. A call never polled is never ended so.',
  })
  @ApiOkResponse({ schema: ROUTING_DECISION_SCHEMA })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async current(@Param('callId') callId: string, @Query() query: PollDecisionQueryDto): Promise<RoutingDecisionDto> {
    return this.poll.execute(callId, query.waitSeconds ?? 0);
  }

  @Post('events')
  @HttpCode(200)
  @Roles('telephony')
  @ApiOperation({ summary: 'Report a call event (answered, ended, abandoned, rejected, agent_failed, fallback_failed, failed)' })
  @ApiOkResponse({ type: RoutingEventResultDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async event(@Body() body: RoutingEventDto): Promise<RoutingEventResultDto> {
    return this.record.execute(body);
  }

  @Post('callbacks')
  @HttpCode(200)
  @Roles('telephony')
  @ApiOperation({ summary: 'A waiting caller accepted the callback offer: keep the place in line, call back in turn' })
  @ApiOkResponse({ type: CallbackDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description:
      "contact.not_waiting: the call is no longer waiting; callback.no_number: the caller's number is withheld or unknown and no callbackNumber was keyed in; " +
      "callback.number_known: a callbackNumber other than the caller's own known number",
  })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async requestCallback(@Body() body: CallbackRequestDto): Promise<CallbackDto> {
    const c = await this.callback.execute(body.callId, body.callbackNumber);
    return { contactId: c.id, status: c.status, arrivedAt: c.arrivedAt.toISOString() };
  }
}

@ApiTags('routing')
@Controller('v1/entry-points')
export class EntryPointsController {
  constructor(
    private readonly list: ListEntryPoints,
    private readonly get: GetEntryPoint,
    private readonly save: SaveEntryPoint,
    private readonly remove: DeleteEntryPoint,
  ) {}

  @Get()
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'List entry points (called number → queue)' })
  @ApiOkResponse({ type: [EntryPointDto] })
  async all(): Promise<EntryPointDto[]> {
    return (await this.list.execute()).map(EntryPointDto.from);
  }

  @Get(':id')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Get an entry point' })
  @ApiOkResponse({ type: EntryPointDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async one(@Param('id', uuidParam()) id: string): Promise<EntryPointDto> {
    return EntryPointDto.from(await this.get.execute(id));
  }

  @Post()
  @Roles('supervisor')
  @ApiOperation({ summary: 'Map a called number to a queue' })
  @ApiCreatedResponse({ type: EntryPointDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The called number is mapped already.' })
  async create(@Body() body: EntryPointBodyDto): Promise<EntryPointDto> {
    return EntryPointDto.from(await this.save.execute(null, body));
  }

  @Put(':id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Replace an entry point' })
  @ApiOkResponse({ type: EntryPointDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  async update(@Param('id', uuidParam()) id: string, @Body() body: EntryPointBodyDto): Promise<EntryPointDto> {
    return EntryPointDto.from(await this.save.execute(id, body));
  }

  @Delete(':id')
  @Roles('supervisor')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an entry point' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ProblemDto })
  async delete(@Param('id', uuidParam()) id: string): Promise<void> {
    await this.remove.execute(id);
  }
}

@ApiTags('routing')
@Controller('v1/queues')
export class RoutingSettingsController {
  constructor(
    private readonly get: GetRoutingSettings,
    private readonly put: PutRoutingSettings,
  ) {}

  @Get(':id/routing-settings')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: "Get a queue's routing settings (wrap-up, offer timeout, callback threshold, fallback)" })
  @ApiOkResponse({ type: RoutingSettingsDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async settings(@Param('id', uuidParam()) id: string): Promise<RoutingSettingsDto> {
    return RoutingSettingsDto.from(await this.get.execute(id));
  }

  @Put(':id/routing-settings')
  @Roles('supervisor')
  @ApiOperation({ summary: "Replace a queue's routing settings" })
  @ApiOkResponse({ type: RoutingSettingsDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async replace(@Param('id', uuidParam()) id: string, @Body() body: RoutingSettingsDto): Promise<RoutingSettingsDto> {
    return RoutingSettingsDto.from(await this.put.execute(id, body));
  }
}
