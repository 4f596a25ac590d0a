import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module.js';
import { AgentDeskController } from './agent-desk.controller.js';
import { EventStreams } from './event-stream.js';
import { ListTransferTargets, TransferTargetsController } from './transfer-targets.controller.js';
import { AcceptOffer, AgentAccess, CompleteContact, CreateAgentKey, GetAgentState, ListOffers, RejectOffer, SetAgentState, TransferContact } from './agent-desk.use-cases.js';

/** Agents' presence, offers and contacts in hand. */
@Module({
  imports: [RoutingModule],
  controllers: [AgentDeskController, TransferTargetsController],
  providers: [EventStreams, AgentAccess, SetAgentState, GetAgentState, ListOffers, AcceptOffer, RejectOffer, CompleteContact, TransferContact, CreateAgentKey, ListTransferTargets],
})
export class AgentDeskModule {}
