import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ProblemDto } from '../common/problem-details.js';
import { CreateLetterBatchDto, LetterBatchDto, ListLetterBatchesQueryDto, UpdateLetterBatchDto } from './letter-batch.dto.js';
import { CreateLetterBatch, DeleteLetterBatch, GetLetterBatch, ListLetterBatches, UpdateLetterBatch } from './letter-batches.use-cases.js';

@ApiTags('letter batches')
@Controller('v1/letter-batches')
export class LetterBatchesController {
  constructor(
    private readonly listBatches: ListLetterBatches,
    private readonly getBatch: GetLetterBatch,
    private readonly createBatch: CreateLetterBatch,
    private readonly updateBatch: UpdateLetterBatch,
    private readonly deleteBatch: DeleteLetterBatch,
  ) {}

  @Get()
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'List letter batches (past and planned mailings)' })
  @ApiOkResponse({ type: [LetterBatchDto] })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async list(@Query() query: ListLetterBatchesQueryDto): Promise<LetterBatchDto[]> {
    return (await this.listBatches.execute(query)).map(LetterBatchDto.from);
  }

  @Get(':id')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Get a letter batch' })
  @ApiOkResponse({ type: LetterBatchDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async get(@Param('id', uuidParam()) id: string): Promise<LetterBatchDto> {
    return LetterBatchDto.from(await this.getBatch.execute(id));
  }

  @Post()
  @Roles('supervisor')
  @ApiOperation({ summary: 'Record a past or planned letter batch (its uplift moves the forecast)' })
  @ApiCreatedResponse({ type: LetterBatchDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async create(@Body() body: CreateLetterBatchDto): Promise<LetterBatchDto> {
    return LetterBatchDto.from(await this.createBatch.execute(body));
  }

  @Put(':id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Replace a letter batch' })
  @ApiOkResponse({ type: LetterBatchDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async update(@Param('id', uuidParam()) id: string, @Body() body: UpdateLetterBatchDto): Promise<LetterBatchDto> {
    return LetterBatchDto.from(await this.updateBatch.execute(id, body));
  }

  @Delete(':id')
  @Roles('supervisor')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a letter batch' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ProblemDto })
  async delete(@Param('id', uuidParam()) id: string): Promise<void> {
    await this.deleteBatch.execute(id);
  }
}
