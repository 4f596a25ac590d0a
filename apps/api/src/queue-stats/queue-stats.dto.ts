import { ApiProperty } from '@nestjs/swagger';

export class AgentsByStateDto {
  @ApiProperty({ type: 'integer', example: 4 }) available: number;
  @ApiProperty({ type: 'integer', example: 1 }) reserved: number;
  @ApiProperty({ type: 'integer', example: 9 }) busy: number;
  @ApiProperty({ type: 'integer', example: 2 }) 'wrap-up': number;
  @ApiProperty({ type: 'integer', example: 1 }) break: number;
  @ApiProperty({ type: 'integer', example: 0 }) 'not-responding': number;
}

export class AgentsPendingStateDto {
  @ApiProperty({ type: 'integer', example: 2, description: 'Going on a break once their contacts have ended and wrap-up is over.' }) break: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Going offline once their contacts have ended and wrap-up is over.' }) offline: number;
}

export class QueueStatsDto {
  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  queueId: string;

  @ApiProperty({ example: 'phone' })
  channel: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z', description: 'When the figures were read. On the stream, an event is sent when a figure changes, not for a new time alone.' })
  at: string;

  @ApiProperty({ type: 'integer', example: 3, description: 'Contacts waiting (callbacks included).' })
  waiting: number;

  @ApiProperty({ type: 'integer', example: 42, description: 'Seconds the longest-waiting contact has waited (0 when none).' })
  longestWaitSeconds: number;

  @ApiProperty({ type: AgentsByStateDto, description: 'Logged-in agents who could serve this queue: of its department or lent to it now, with capacity on its channel and the skills its widest routing step asks for.' })
  agentsByState: AgentsByStateDto;

  @ApiProperty({
    type: AgentsPendingStateDto,
    description: 'Of the agents counted in agentsByState (in their real state: reserved, busy, wrap-up), those who asked for a break or to go offline while working: they are offered nothing new and take that state when they have finished.',
  })
  agentsPendingState: AgentsPendingStateDto;

  @ApiProperty({ type: 'integer', example: 120, description: 'Contacts that entered the queue today (local day of its calendar), but not those whose customer switched channel (`switchedToday`), nor calls refused at the door (SIP 480 while the queue was closed), as in GET /v1/reports/contacts.' })
  offeredToday: number;

  @ApiProperty({
    type: 'integer',
    example: 3,
    description: 'Contacts of today whose customer switched channel while waiting (POST /v1/contacts with `switchedFrom`): not lost, so neither offered nor abandoned here, and not in the service level; the new contact counts in its own queue.',
  })
  switchedToday: number;

  @ApiProperty({ type: 'integer', example: 110 })
  answeredToday: number;

  @ApiProperty({ type: 'integer', example: 4, description: 'Contacts of today abandoned before they were answered (one answered counts as answered, as in GET /v1/reports/contacts).' })
  abandonedToday: number;

  @ApiProperty({
    type: 'integer',
    example: 2,
    description: 'Contacts of today still waiting or ringing, unanswered, past their deadline: missed already, whatever happens next. Email: not replied (waiting, offered or in an agent\'s hands) past the deadline.',
  })
  overdueToday: number;

  @ApiProperty({ type: 'integer', example: 40, nullable: true, description: 'Email queues: emails of today replied to (completed by an agent); null for other channels.' })
  repliedToday: number | null;

  @ApiProperty({
    example: 91.7,
    nullable: true,
    type: Number,
    description:
      'Answered within target ÷ (answered + abandoned + overdue), %, today so far; null before the first. Email: replied by the deadline (business time of the queue calendar) ÷ (replied + abandoned + overdue), since an email\'s target is its reply, not an agent taking it.',
  })
  serviceLevelPercent: number | null;

  @ApiProperty({ example: 90, description: "The queue's target percentage." })
  targetPercent: number;

  @ApiProperty({ example: 35, nullable: true, type: 'integer', description: 'Estimated wait of a contact arriving now, seconds (null: nobody can serve the queue).' })
  estimatedWaitSeconds: number | null;
}
