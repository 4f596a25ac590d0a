import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ProblemDto } from '../common/problem-details.js';
import { CreateQueueDto, ListQueuesQueryDto, QueueDto, UpdateQueueDto } from './queue.dto.js';
import { CreateQueue, DeleteQueue, GetQueue, ListQueues, UpdateQueue } from './queues.use-cases.js';

@ApiTags('queues')
@Controller('v1/queues')
export class QueuesController {
  constructor(
    private readonly listQueues: ListQueues,
    private readonly getQueue: GetQueue,
    private readonly createQueue: CreateQueue,
    private readonly updateQueue: UpdateQueue,
    private readonly deleteQueue: DeleteQueue,
  ) {}

  @Get()
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'List queues' })
  @ApiOkResponse({ type: [QueueDto] })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async list(@Query() query: ListQueuesQueryDto): Promise<QueueDto[]> {
    return (await this.listQueues.execute(query)).map(QueueDto.from);
  }

  @Get(':id')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Get a queue' })
  @ApiOkResponse({ type: QueueDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async get(@Param('id', uuidParam()) id: string): Promise<QueueDto> {
    return QueueDto.from(await this.getQueue.execute(id));
  }

  @Post()
  @Roles('supervisor')
  @ApiOperation({ summary: 'Create a queue: department, channel, language, required skills, service target, calendar' })
  @ApiCreatedResponse({ type: QueueDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'A field breaks a rule; `errors` names each field and rule.' })
  @ApiConflictResponse({ type: ProblemDto, description: 'The key is taken.' })
  async create(@Body() body: CreateQueueDto): Promise<QueueDto> {
    return QueueDto.from(await this.createQueue.execute(body));
  }

  @Put(':id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Replace a queue' })
  @ApiOkResponse({ type: QueueDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  async update(@Param('id', uuidParam()) id: string, @Body() body: UpdateQueueDto): Promise<QueueDto> {
    return QueueDto.from(await this.updateQueue.execute(id, body));
  }

  @Delete(':id')
  @Roles('supervisor')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a queue that has never had a contact (contacts are kept for the reports)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'queue.in_use: the queue has contacts (its history); delete its entry points to stop new calls instead.' })
  async delete(@Param('id', uuidParam()) id: string): Promise<void> {
    await this.deleteQueue.execute(id);
  }
}
