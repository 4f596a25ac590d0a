import { Controller, Get, Injectable, Param, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { DeskDirectoryRepository } from '../../../../libs/persistence/src/repositories/desk-directory.repository.js';
import type { Caller } from '../auth/api-key.guard.js';
import { CurrentCaller } from '../auth/caller.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ProblemDto } from '../common/problem-details.js';
import { AgentAccess } from './agent-desk.use-cases.js';
import { TransferAgentDto, TransferQueueDto, TransferTargetsDto, TransferTargetsQueryDto } from './transfer-targets.dto.js';

/** The queues and colleagues an agent may transfer a contact to, as its desk lists them. */
@Injectable()
export class ListTransferTargets {
  constructor(private readonly access: AgentAccess, private readonly directory: DeskDirectoryRepository) {}

  async execute(caller: Caller | undefined, agentId: string, query: TransferTargetsQueryDto): Promise<TransferTargetsDto> {
    await this.access.check(caller, agentId);
    const [queues, agents] = await Promise.all([this.directory.queues(query.channel ?? null), this.directory.agents(agentId, null)]);
    return { queues: queues.map(TransferQueueDto.from), agents: agents.map(TransferAgentDto.from) };
  }
}

@ApiTags('agent desk')
@Controller('v1/agents')
export class TransferTargetsController {
  constructor(private readonly list: ListTransferTargets) {}

  @Get(':id/transfer-targets')
  @Roles('supervisor', 'agent')
  @ApiOperation({
    summary: 'Where an agent may transfer a contact: queues and colleagues, with who could take one now',
    description:
      'For the desk\'s transfer dialog: every queue (filter by `channel`: a contact moves only to a queue of its own channel) and every active colleague with their state and, per channel, whether a transfer to them would be offered now. An agent key may list only for its own agent.',
  })
  @ApiOkResponse({ type: TransferTargetsDto })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'An agent key asking for another agent (auth.not_own_agent).' })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  targets(@CurrentCaller() caller: Caller | undefined, @Param('id', uuidParam()) id: string, @Query() query: TransferTargetsQueryDto): Promise<TransferTargetsDto> {
    return this.list.execute(caller, id, query);
  }
}
