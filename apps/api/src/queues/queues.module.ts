import { Module } from '@nestjs/common';
import { SkillsModule } from '../skills/skills.module.js';
import { QueuesController } from './queues.controller.js';
import { CreateQueue, DeleteQueue, GetQueue, ListQueues, PrepareQueueData, UpdateQueue } from './queues.use-cases.js';

@Module({
  imports: [SkillsModule],
  controllers: [QueuesController],
  providers: [PrepareQueueData, ListQueues, GetQueue, CreateQueue, UpdateQueue, DeleteQueue],
})
export class QueuesModule {}
