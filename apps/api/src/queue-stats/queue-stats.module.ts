import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module.js';
import { EventStreams } from '../agent-desk/event-stream.js';
import { QueueStatsController } from './queue-stats.controller.js';
import { GetQueueStats } from './queue-stats.use-cases.js';

/** Live queue statistics and their event stream for wallboards. */
@Module({
  imports: [RoutingModule],
  controllers: [QueueStatsController],
  providers: [EventStreams, GetQueueStats],
})
export class QueueStatsModule {}
