import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { EventStreams, sleep } from '../agent-desk/event-stream.js';
import { Roles } from '../auth/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ProblemDto } from '../common/problem-details.js';
import { QueueStatsDto } from './queue-stats.dto.js';
import { GetQueueStats } from './queue-stats.use-cases.js';

const STREAM_INTERVAL_MS = 2000;

@ApiTags('queue statistics')
@Controller('v1/queues')
export class QueueStatsController {
  constructor(
    private readonly stats: GetQueueStats,
    private readonly streams: EventStreams,
  ) {}

  @Get(':id/stats')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Live queue statistics: waiting, longest wait, agents by state, service level today, estimated wait' })
  @ApiOkResponse({ type: QueueStatsDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  get(@Param('id', uuidParam()) id: string): Promise<QueueStatsDto> {
    return this.stats.execute(id);
  }

  @Get(':id/stats/stream')
  @Roles('supervisor', 'manager')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Server-sent events for wallboards: the queue statistics (event `stats`) when they change, checked every 2 s' })
  @ApiOkResponse({ description: 'A text/event-stream; each event carries a QueueStatsDto.', type: QueueStatsDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async stream(@Param('id', uuidParam()) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.stats.execute(id);
    // An event carries `at` (as GET …/stats does), but a new `at` alone is no change to send.
    await this.streams.serve(
      req,
      res,
      'stats',
      () => this.stats.execute(id),
      (signal) => sleep(STREAM_INTERVAL_MS, signal),
      ({ at: _at, ...figures }) => figures,
    );
  }
}
