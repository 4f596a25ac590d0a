import { Body, Controller, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { ContactRow } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import type { Caller } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ProblemDto } from '../common/problem-details.js';
import { RoutingEngine } from '../routing/routing-engine.js';
import { AgentKeyDto, AgentPresenceDto, CompleteContactDto, CreateAgentKeyDto, HandledContactDto, OfferAnswerDto, OfferDto, SetAgentStateDto, TransferContactDto } from './agent-desk.dto.js';
import { AcceptOffer, AgentAccess, CompleteContact, CreateAgentKey, GetAgentState, ListOffers, RejectOffer, SetAgentState, TransferContact } from './agent-desk.use-cases.js';
import { CurrentCaller } from '../auth/caller.decorator.js';
import { EventStreams } from './event-stream.js';

const handled = (c: ContactRow): HandledContactDto => ({ contactId: c.id, status: c.status, agentId: c.agentId, queueId: c.queueId });

/** What an agent (or a supervisor for them) does at the desk: presence, offers, contacts in hand. */
@ApiTags('agent desk')
@Controller('v1/agents')
export class AgentDeskController {
  constructor(
    private readonly streams: EventStreams,
    private readonly setState: SetAgentState,
    private readonly getState: GetAgentState,
    private readonly listOffers: ListOffers,
    private readonly accept: AcceptOffer,
    private readonly reject: RejectOffer,
    private readonly completeContact: CompleteContact,
    private readonly transferContact: TransferContact,
    private readonly createKey: CreateAgentKey,
    private readonly access: AgentAccess,
    private readonly engine: RoutingEngine,
  ) {}

  @Put(':id/state')
  @Roles('supervisor', 'agent')
  @ApiOperation({
    summary: "Set an agent's state (available, break with reason, offline); an agent key only its own",
    description:
      'A break or offline asked for while the agent is working — reserved (an offer out), busy (on a contact) or in wrap-up — does not replace its real state: it becomes the agent\'s pendingState (next state). ' +
      'The agent keeps its state and what it holds (an offer already out stays its to accept or reject: rejecting it or letting it time out then does not make it not-responding), is offered nothing new, ' +
      'and takes the pending state — a break with its reason — when its last contact has ended and its wrap-up is over; the state history (and the occupancy reports) record the break from then. ' +
      'available cancels a pending state.',
  })
  @ApiOkResponse({ type: AgentPresenceDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description:
      'Going offline with a contact accepted (in hand) while not-responding or on a break (agent.has_contacts; while reserved, busy or in wrap-up it becomes the pending state instead) — offers not yet accepted do not block it: they are withdrawn without blame and their contacts offered to the next agent; available or break for a deactivated agent (agent.inactive: it can only be offline until it is active again).',
  })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async state(@CurrentCaller() caller: Caller | undefined, @Param('id', uuidParam()) id: string, @Body() body: SetAgentStateDto): Promise<AgentPresenceDto> {
    return AgentPresenceDto.from(await this.setState.execute(caller, id, body));
  }

  @Get(':id/state')
  @Roles('supervisor', 'manager', 'agent')
  @ApiOperation({
    summary: "An agent's state, capacity and load per channel",
    description: "capacity is what the agent may hold now: its configured capacity (PUT /v1/agents/{id}; no calls without a SIP URI), or what it holds when that is more (the capacity was lowered while it held contacts; it comes down as they end). It is offered a contact on a channel only while its load there is under it.",
  })
  @ApiOkResponse({ type: AgentPresenceDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async presence(@CurrentCaller() caller: Caller | undefined, @Param('id', uuidParam()) id: string): Promise<AgentPresenceDto> {
    const p = await this.getState.execute(caller, id);
    return p ? AgentPresenceDto.from(p) : AgentPresenceDto.neverSet(id);
  }

  @Get(':id/offers')
  @Roles('supervisor', 'agent')
  @ApiOperation({ summary: "An agent's open offers and contacts in hand" })
  @ApiOkResponse({ type: [OfferDto] })
  @ApiNotFoundResponse({ type: ProblemDto })
  offers(@CurrentCaller() caller: Caller | undefined, @Param('id', uuidParam()) id: string): Promise<OfferDto[]> {
    return this.listOffers.execute(caller, id);
  }

  @Get(':id/offers/stream')
  @Roles('supervisor', 'agent')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: "Server-sent events: the agent's offers (event `offers`) and its state (event `presence`) whenever they change",
    description:
      'Each `offers` event carries the list of OfferDto; each `presence` event an AgentPresenceDto — the real state, and the break or offline asked for while working (pendingState, pendingReason) until the agent takes it. Both are sent when the stream opens.',
  })
  @ApiOkResponse({ description: 'A text/event-stream: events `offers` (a list of OfferDto) and `presence` (an AgentPresenceDto).', type: [OfferDto] })
  @ApiNotFoundResponse({ type: ProblemDto })
  async stream(@CurrentCaller() caller: Caller | undefined, @Param('id', uuidParam()) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.access.check(caller, id);
    await this.streams.serveEvents(
      req,
      res,
      async () => {
        const [offers, presence] = await Promise.all([this.listOffers.execute(caller, id, true), this.engine.presenceOf(id)]);
        return { offers, presence: presence ? AgentPresenceDto.from(presence) : AgentPresenceDto.neverSet(id) };
      },
      (signal) => this.engine.waitFor(`agent:${id}`, 1000, signal),
    );
  }

  @Post(':id/offers/:offerId/accept')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({
    summary: 'Accept an offer (before it times out)',
    description:
      'A chat, an email or a callback. A phone call is accepted by answering it on the phone: the telephony system reports the answer (`answered` to POST /v1/routing/events), so an accept here would mark the agent busy while the phone still rings and would keep the caller from going to the next agent when the call is not taken.',
  })
  @ApiOkResponse({ type: HandledContactDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: '409 offer.expired when the offer timed out (the contact went to the next agent); 409 offer.not_open when it was resolved already; 409 offer.answer_on_phone when it is a phone call (answered on the phone, not here).',
  })
  @ApiBody({ type: OfferAnswerDto, required: false, description: 'No body, or an empty object: any field is refused (422 forbidden).' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async acceptOffer(
    @CurrentCaller() caller: Caller | undefined,
    @Param('id', uuidParam()) id: string,
    @Param('offerId', uuidParam('offerId')) offerId: string,
    @Body() _body: OfferAnswerDto,
  ): Promise<HandledContactDto> {
    return handled(await this.accept.execute(caller, id, offerId));
  }

  @Post(':id/offers/:offerId/reject')
  @HttpCode(204)
  @Roles('agent')
  @ApiOperation({ summary: 'Reject an offer: the contact goes to the next agent, the agent becomes not-responding' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  @ApiBody({ type: OfferAnswerDto, required: false, description: 'No body, or an empty object: any field is refused (422 forbidden).' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async rejectOffer(
    @CurrentCaller() caller: Caller | undefined,
    @Param('id', uuidParam()) id: string,
    @Param('offerId', uuidParam('offerId')) offerId: string,
    @Body() _body: OfferAnswerDto,
  ): Promise<void> {
    await this.reject.execute(caller, id, offerId);
  }

  @Post(':id/contacts/:contactId/complete')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({
    summary: 'Finish a contact in hand, with wrap-up',
    description:
      'A chat, an email or a callback. A phone call ends when the telephony system reports it (`ended` to POST /v1/routing/events), which puts the agent into the queue\'s wrap-up; the agent ends a wrap-up early by declaring itself available (PUT /v1/agents/{id}/state).',
  })
  @ApiOkResponse({ type: HandledContactDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description:
      '409 contact.not_in_hand when the contact is not in this agent\'s hands (ended already, or another agent\'s); 409 contact.not_accepted while it is only offered; 409 contact.call_in_progress for a phone call still connected (it ends when the telephony system reports it).',
  })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async complete(
    @CurrentCaller() caller: Caller | undefined,
    @Param('id', uuidParam()) id: string,
    @Param('contactId', uuidParam('contactId')) contactId: string,
    @Body() body: CompleteContactDto,
  ): Promise<HandledContactDto> {
    return handled(await this.completeContact.execute(caller, id, contactId, body.wrapUpSeconds));
  }

  @Post(':id/contacts/:contactId/transfer')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({
    summary: 'Transfer a contact in hand to another agent or to a queue',
    description:
      'To an agent: offered to that agent at once (404 agent.not_found when there is no such agent; 409 agent.unavailable when it cannot take the contact now — not logged in, on a break, at capacity; 422 when agentId is the agent holding it). ' +
      'To a queue of the same channel: a new segment there — the contact arrives now with that queue\'s deadline and counts as answered there only when one of its agents takes it; the transferring agent is not offered it again. ' +
      'The queue it came from still counts the answer in its statistics for the day. ' +
      'A chat, an email or a callback: a phone call is transferred on the phone, by the telephony system (PBX) that holds the line (409 contact.transfer_on_phone).',
  })
  @ApiOkResponse({ type: HandledContactDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description:
      "409 contact.not_in_hand when the contact is not in this agent's hands or not yet accepted; 409 agent.unavailable when the target agent cannot take it now; 409 contact.transfer_on_phone for a phone call (the telephony system transfers calls); 409 queue.closed for a chat to a queue its calendar has closed (queueId, opensAt).",
  })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async transfer(
    @CurrentCaller() caller: Caller | undefined,
    @Param('id', uuidParam()) id: string,
    @Param('contactId', uuidParam('contactId')) contactId: string,
    @Body() body: TransferContactDto,
  ): Promise<HandledContactDto> {
    return handled(await this.transferContact.execute(caller, id, contactId, body));
  }

  @Post(':id/api-keys')
  @Roles()
  @ApiOperation({ summary: "Create an agent-role API key bound to this agent (it acts only for the agent); the secret is returned once" })
  @ApiCreatedResponse({ type: AgentKeyDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  createAgentKey(@Param('id', uuidParam()) id: string, @Body() body: CreateAgentKeyDto): Promise<AgentKeyDto> {
    return this.createKey.execute(id, body.name);
  }
}
