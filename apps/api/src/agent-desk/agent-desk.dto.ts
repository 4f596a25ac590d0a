import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, isInt, max, min } from 'class-validator';
import { onlyKeys, registerBodyCheck } from '../common/validation.js';
import { AGENT_STATES, type AgentPresenceState } from '../../../../libs/persistence/src/entities/agent-presence.entity.js';
import type { PresenceRow, ReservationRow } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import type { ContactKind } from '../../../../libs/persistence/src/entities/contact.entity.js';
import type { PendingAgentState } from '../../../../libs/routing/src/model.js';

export const SETTABLE_STATES = ['available', 'break', 'offline'] as const;
const PENDING_STATES: readonly PendingAgentState[] = ['break', 'offline'];

export class SetAgentStateDto {
  @ApiProperty({
    enum: SETTABLE_STATES,
    example: 'break',
    description:
      'reserved, busy, wrap-up and not-responding are set by the engine. break or offline asked for while the agent is reserved (an offer out), busy or in wrap-up ' +
      'becomes its pendingState: it keeps its real state and what it holds (an offer out stays its to accept or reject), is offered nothing new, and takes the ' +
      'pending state when its last contact has ended and its wrap-up is over. available cancels a pending state (and ends a wrap-up early).',
  })
  @IsIn(SETTABLE_STATES)
  state: (typeof SETTABLE_STATES)[number];

  @ApiPropertyOptional({ example: 'lunch', description: 'Required for break.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  reason?: string;
}

export class ChannelCountsDto {
  @ApiProperty({ type: 'integer', example: 1 })
  phone: number;

  @ApiProperty({ type: 'integer', example: 0 })
  chat: number;

  @ApiProperty({ type: 'integer', example: 2 })
  email: number;
}

export class AgentPresenceDto {
  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11' })
  agentId: string;

  @ApiProperty({ enum: AGENT_STATES, example: 'available' })
  state: AgentPresenceState;

  @ApiProperty({ example: null, nullable: true, type: String })
  breakReason: string | null;

  @ApiProperty({ type: ChannelCountsDto })
  capacity: ChannelCountsDto;

  @ApiProperty({ type: ChannelCountsDto, description: 'Contacts in hand per channel, offers included.' })
  load: ChannelCountsDto;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z', nullable: true, type: String, description: 'null: the agent has never set a state (it is offline).' })
  stateSince: string | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  wrapUpUntil: string | null;

  @ApiProperty({
    enum: PENDING_STATES,
    example: null,
    nullable: true,
    type: String,
    description: 'The break or offline the agent asked for while working: it keeps `state` (its real one), is offered nothing new, and takes this state when its last contact has ended and its wrap-up is over. null: none.',
  })
  pendingState: PendingAgentState | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'The reason of a pending break (it becomes breakReason).' })
  pendingReason: string | null;

  /** An agent that has never set a state: offline, nothing in hand, no capacity yet. */
  static neverSet(agentId: string): AgentPresenceDto {
    return {
      agentId, state: 'offline', breakReason: null, capacity: { phone: 0, chat: 0, email: 0 }, load: { phone: 0, chat: 0, email: 0 }, stateSince: null, wrapUpUntil: null,
      pendingState: null, pendingReason: null,
    };
  }

  static from(p: PresenceRow): AgentPresenceDto {
    return {
      agentId: p.agentId,
      state: p.state,
      breakReason: p.breakReason,
      capacity: { ...p.capacity },
      load: { ...p.load },
      stateSince: p.stateSince.toISOString(),
      wrapUpUntil: p.wrapUpUntil?.toISOString() ?? null,
      pendingState: p.pendingState,
      pendingReason: p.pendingReason,
    };
  }
}

export class OfferDto {
  @ApiProperty({ example: '5b0e8a52-1c1f-4a4e-9d2b-7f6a3c2e1d00', description: 'The reservation id; accept or reject it.' })
  offerId: string;

  @ApiProperty({ example: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f' })
  contactId: string;

  @ApiProperty({ enum: ['phone', 'chat', 'email'], example: 'chat' })
  channel: string;

  @ApiProperty({ enum: ['inbound', 'callback'], example: 'inbound' })
  kind: ContactKind;

  @ApiProperty({ enum: ['offered', 'accepted'], example: 'offered' })
  status: string;

  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', nullable: true, type: String })
  queueId: string | null;

  @ApiProperty({ example: 'Payment plan question', nullable: true, type: String })
  subject: string | null;

  @ApiProperty({ example: 'web-7f3a', nullable: true, type: String })
  customerRef: string | null;

  @ApiProperty({
    example: '+358401234567',
    nullable: true,
    type: String,
    description: "A callback's number to call: its caller's number as the telephony system reported it. Null for any other kind, and when the customer's personal data was erased.",
  })
  callbackNumber: string | null;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  offeredAt: string;

  @ApiProperty({ example: '2026-11-22T10:00:20.000Z' })
  expiresAt: string;

  static from(r: ReservationRow & { queueId: string | null; kind: ContactKind; subject: string | null; customerRef: string | null; callbackNumber: string | null }): OfferDto {
    return {
      offerId: r.id,
      contactId: r.contactId,
      channel: r.channel,
      kind: r.kind,
      status: r.status,
      queueId: r.queueId,
      subject: r.subject,
      customerRef: r.customerRef,
      callbackNumber: r.kind === 'callback' ? r.callbackNumber : null,
      offeredAt: r.offeredAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
    };
  }
}

/**
 * The body of accept and reject: nothing, or an empty object. It has no fields, so any field is
 * refused (422 `forbidden`) as on every other endpoint, instead of being ignored.
 */
export class OfferAnswerDto {}

export class CompleteContactDto {
  @ApiPropertyOptional({ type: 'integer', example: 30, minimum: 0, maximum: 3600, description: "Wrap-up seconds; default the queue's setting. Applied only when the agent has nothing else in hand: with another contact still in hand (a second chat) the agent goes on working, and the contact's completed event records wrapUpSeconds 0 with requestedWrapUpSeconds." })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  wrapUpSeconds?: number;
}

export class TransferContactDto {
  @ApiPropertyOptional({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', description: 'Transfer to this agent (an offer with the usual timeout).' })
  @IsOptional()
  @IsUUID()
  agentId?: string;

  @ApiPropertyOptional({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', description: 'Or to this queue (same channel). A chat queue its calendar has closed is refused (409 queue.closed with queueId and opensAt): the agent keeps the chat.' })
  @IsOptional()
  @IsUUID()
  queueId?: string;
}

export class HandledContactDto {
  @ApiProperty({ example: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f' })
  contactId: string;

  @ApiProperty({ example: 'connected' })
  status: string;

  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', nullable: true, type: String })
  agentId: string | null;

  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', nullable: true, type: String })
  queueId: string | null;
}

export class CreateAgentKeyDto {
  @ApiProperty({ example: 'desk of E1042', description: 'A label (not a personal name).' })
  @IsString()
  @Length(1, 100)
  name: string;
}

export class AgentKeyDto {
  @ApiProperty({ example: '2f1d9a8e-4b59-4d0e-9a53-3c1b5e7f9a10' })
  id: string;

  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11' })
  agentId: string;

  @ApiProperty({ example: 'vuoro_Xk3pQ9…', description: 'The secret, shown once. An agent key acts only for its agent.' })
  key: string;
}

// Quick check of the hot body (see registerBodyCheck): the decorators of CompleteContactDto, verbatim.
const COMPLETE_KEYS = new Set(['wrapUpSeconds']);
registerBodyCheck(
  CompleteContactDto,
  (b) => onlyKeys(b, COMPLETE_KEYS) && (b.wrapUpSeconds === undefined || b.wrapUpSeconds === null || (isInt(b.wrapUpSeconds) && min(b.wrapUpSeconds, 0) && max(b.wrapUpSeconds, 3600))),
);

// Quick check of the hot body: OfferAnswerDto has no fields (whitelist, forbidNonWhitelisted).
registerBodyCheck(OfferAnswerDto, (b) => Object.keys(b).length === 0);
