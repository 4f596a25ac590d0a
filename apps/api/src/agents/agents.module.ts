import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module.js';
import { SkillsModule } from '../skills/skills.module.js';
import { AgentsController } from './agents.controller.js';
import { CreateAgent, DeleteAgent, GetAgent, ListAgents, PrepareAgentData, UpdateAgent } from './agents.use-cases.js';

@Module({
  imports: [SkillsModule, RoutingModule],
  controllers: [AgentsController],
  providers: [PrepareAgentData, ListAgents, GetAgent, CreateAgent, UpdateAgent, DeleteAgent],
})
export class AgentsModule {}
