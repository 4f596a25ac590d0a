import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ProblemDto } from '../common/problem-details.js';
import { AgentDto, AgentPageDto, CreateAgentDto, ListAgentsQueryDto, UpdateAgentDto } from './agent.dto.js';
import { CreateAgent, DeleteAgent, GetAgent, ListAgents, UpdateAgent } from './agents.use-cases.js';

@ApiTags('agents')
@Controller('v1/agents')
export class AgentsController {
  constructor(
    private readonly listAgents: ListAgents,
    private readonly getAgent: GetAgent,
    private readonly createAgent: CreateAgent,
    private readonly updateAgent: UpdateAgent,
    private readonly deleteAgent: DeleteAgent,
  ) {}

  @Get()
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'List agents with their skills and capacities' })
  @ApiOkResponse({ type: AgentPageDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async list(@Query() query: ListAgentsQueryDto): Promise<AgentPageDto> {
    const page = await this.listAgents.execute({ departmentId: query.departmentId, skill: query.skill, active: query.active }, { limit: query.limit, offset: query.offset });
    return { ...page, items: page.items.map(AgentDto.from) };
  }

  @Get(':id')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Get an agent' })
  @ApiOkResponse({ type: AgentDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async get(@Param('id', uuidParam()) id: string): Promise<AgentDto> {
    return AgentDto.from(await this.getAgent.execute(id));
  }

  @Post()
  @Roles('supervisor')
  @ApiOperation({ summary: 'Create an agent' })
  @ApiCreatedResponse({ type: AgentDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'A field breaks a rule; `errors` names each field and rule.' })
  @ApiConflictResponse({ type: ProblemDto, description: 'The employee number is taken.' })
  async create(@Body() body: CreateAgentDto): Promise<AgentDto> {
    return AgentDto.from(await this.createAgent.execute(body));
  }

  @Put(':id')
  @Roles('supervisor')
  @ApiOperation({
    summary: 'Replace an agent, skills included',
    description:
      "Applies to routing at once, to the agent's live state too (GET /v1/agents/{id}/state). New capacities apply to the next offer; contacts the agent holds are never taken away: an agent holding more than a lowered capacity keeps them, shows that many as its capacity, and is offered nothing new on that channel until it is under the new one. A deactivated agent (active: false) likewise keeps what it holds and is offered nothing new; it can only go offline (PUT /v1/agents/{id}/state answers 409 agent.inactive to available or break) until it is active again.",
  })
  @ApiOkResponse({ type: AgentDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  async update(@Param('id', uuidParam()) id: string, @Body() body: UpdateAgentDto): Promise<AgentDto> {
    return AgentDto.from(await this.updateAgent.execute(id, body));
  }

  @Delete(':id')
  @Roles('supervisor')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an agent',
    description: 'Refused with 409 agent.has_contacts while the agent holds contacts in hand or offered (going offline withdraws offers; a delete does not). The agent is taken offline first, and a request to log it in while the delete runs is answered 404. To keep the history, deactivate instead (PUT with active: false).',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  async delete(@Param('id', uuidParam()) id: string): Promise<void> {
    await this.deleteAgent.execute(id);
  }
}
