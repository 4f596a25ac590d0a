import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CHANNELS, type Channel } from '../../../../libs/core/src/channel.js';
import type { DirectoryAgentRow, DirectoryQueueRow } from '../../../../libs/persistence/src/repositories/desk-directory.repository.js';
import { AGENT_STATES } from '../../../../libs/persistence/src/entities/agent-presence.entity.js';

export class TransferTargetsQueryDto {
  @ApiPropertyOptional({ enum: CHANNELS, example: 'chat', description: 'Only queues of this channel (a contact moves only to a queue of its own channel).' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;
}

export class TransferQueueDto {
  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  id: string;

  @ApiProperty({ example: 'Chat, Finnish' })
  name: string;

  @ApiProperty({ enum: CHANNELS, example: 'chat' })
  channel: Channel;

  @ApiProperty({ example: 'fi', nullable: true, type: String })
  language: string | null;

  @ApiProperty({ example: '2f1e0d9c-8b7a-4c6d-9e5f-4a3b2c1d0e9f' })
  departmentId: string;

  @ApiProperty({ example: 'Collections' })
  departmentName: string;

  static from(r: DirectoryQueueRow): TransferQueueDto {
    return { id: r.id, name: r.name, channel: r.channel, language: r.language, departmentId: r.departmentId, departmentName: r.departmentName };
  }
}

export class CanTakeNowDto {
  @ApiProperty({ example: false })
  phone: boolean;

  @ApiProperty({ example: true })
  chat: boolean;

  @ApiProperty({ example: true })
  email: boolean;
}

export class TransferAgentDto {
  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11' })
  id: string;

  @ApiProperty({ example: 'Aino Virtanen' })
  displayName: string;

  @ApiProperty({ example: '2f1e0d9c-8b7a-4c6d-9e5f-4a3b2c1d0e9f' })
  departmentId: string;

  @ApiProperty({ example: 'Collections' })
  departmentName: string;

  @ApiProperty({ enum: AGENT_STATES, example: 'busy', description: 'offline when the agent has never set a state.' })
  state: string;

  @ApiProperty({ enum: ['break', 'offline'], nullable: true, type: String, example: null, description: 'A break or offline asked for while working: taken when the agent\'s contacts end; until then the agent is offered nothing new.' })
  pendingState: string | null;

  @ApiProperty({
    type: CanTakeNowDto,
    description:
      'Whether a transfer to this agent on each channel would be offered now: a routable state (available, reserved, busy), no call in hand, room on the channel (a call also needs no chat in hand and a SIP URI). The transfer checks again when it is made (409 agent.unavailable).',
  })
  canTakeNow: CanTakeNowDto;

  static from(r: DirectoryAgentRow): TransferAgentDto {
    return { id: r.id, displayName: r.displayName, departmentId: r.departmentId, departmentName: r.departmentName, state: r.state, pendingState: r.pendingState ?? null, canTakeNow: { ...r.canTakeNow } };
  }
}

export class TransferTargetsDto {
  @ApiProperty({ type: [TransferQueueDto], description: 'Queues, by department and name.' })
  queues: TransferQueueDto[];

  @ApiProperty({ type: [TransferAgentDto], description: 'Active colleagues (the agent itself left out), by department and name.' })
  agents: TransferAgentDto[];
}
