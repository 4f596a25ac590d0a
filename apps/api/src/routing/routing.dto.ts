import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested, isIn, isInt, isString, length, max, maxLength, min } from 'class-validator';
import { CONTACT_LANGUAGES, IsContactLanguage } from '../common/languages.js';
import { IsCustomerPhoneNumber, IsInstant, isInstant, onlyKeys, QueryInteger, registerBodyCheck } from '../common/validation.js';
import { CUSTOMER_PHONE_NUMBER_PATTERN } from '../../../../libs/routing/src/core/customer-link.js';
import type { EntryPointRow, RoutingSettingsRow } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { DEFAULT_POLL_GRACE_SECONDS, MAX_CONTACT_SECONDS_RANGE, MIN_POLL_SILENCE_SECONDS, POLL_GRACE_SECONDS_RANGE } from '../../../../libs/routing/src/core/types.js';

export const TELEPHONY_EVENTS = ['answered', 'ended', 'abandoned', 'rejected', 'agent_failed', 'fallback_failed', 'failed'] as const;

/**
 * The longest call duration an event may report: a week. No call lasts a day, but refusing an
 * `ended` event would leave its agent on the call, so the bound only catches nonsense (10^12, an
 * epoch figure): a channel left hanging over a long weekend still reports its end.
 */
export const MAX_CALL_DURATION_SECONDS = 7 * 24 * 3600;

/** The SIP proxy's question for one incoming call. Caller number and name are stored, never logged. */
export class RoutingDecisionRequestDto {
  @ApiProperty({ enum: ['phone'], example: 'phone' })
  @IsIn(['phone'])
  channel: 'phone';

  @ApiProperty({ example: 'a84b4c76e66710@pbx.example.com', description: 'SIP Call-ID; a retried request with the same Call-ID gets the same decision.' })
  @IsString()
  @Length(1, 255)
  callId: string;

  @ApiProperty({
    example: '+358401234567',
    description:
      "The caller's number (personal data: stored for the customer's history, never logged). A number in any spelling (+358401234567, 0401234567, 00358401234567, 040 123 4567) " +
      'is one customer: it is stored and matched in one form (a national number, leading 0, takes the country code PHONE_DEFAULT_COUNTRY_CODE, default 358; 00 becomes +). ' +
      'Fewer than 3 digits (anonymous, unknown, empty) is a withheld number, nobody\'s customer; anything else (a SIP URI) is kept as sent.',
  })
  @IsString()
  @MaxLength(64)
  callerId: string;

  @ApiProperty({ example: 'Matti Meikäläinen', description: 'Caller name from the SIP From header (personal data, never logged). May be empty.' })
  @IsString()
  @MaxLength(200)
  callerName: string;

  @ApiProperty({ example: '+358201234567', description: 'The number the caller dialled; an entry point maps it to a queue.' })
  @IsString()
  @Length(1, 64)
  calledNumber: string;

  @ApiProperty({ example: 'fi', description: 'Language chosen in the IVR (fi, sv, en) or "" for the queue\'s language (a queue without one: agents of any language).' })
  @IsContactLanguage()
  language: string;
}

// Every routing decision carries a decisionId, and `decision` tells the three shapes apart; what the
// id names differs by shape, so each declares its own.

/** decision = agent: ring this agent. */
export class RoutingDecisionAgentDto {
  @ApiProperty({
    example: '5b0e8a52-1c1f-4a4e-9d2b-7f6a3c2e1d00',
    description: "The reservation (offer) id of this agent's leg: answered, rejected and agent_failed of the offer name it. A later offer of the call to another agent has its own id.",
  })
  decisionId: string;

  @ApiProperty({ enum: ['agent'], example: 'agent' })
  decision: 'agent';

  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', description: 'decision = agent.' })
  agentId: string;

  @ApiProperty({
    example: 'sip:e1042@pbx.vuoro.example',
    description:
      "decision = agent: the agent's SIP URI. Ring it for no longer than the queue's offer timeout (routing settings offerTimeoutSeconds; phone default 10 s) and report agent_failed " +
      '(e.g. SIP 408) when it is not answered: at the timeout Vuoro takes the offer back (the agent not-responding, the call back in line and owed a new long poll, ' +
      'perhaps offered to the next agent meanwhile). An answered of that offer arriving later, while the call is still unanswered, is still taken: the call is connected ' +
      'to that agent and any offer made since is withdrawn — but the next agent may have been marked not-responding in between, so keep the ring time within the timeout.',
  })
  target: string;
}

/** decision = queue: the call waits in line. */
export class RoutingDecisionQueueDto {
  @ApiProperty({
    example: '0190f5a2-7c3e-7b1d-9a4f-2e6c8d0b1a37',
    description:
      "The call's decision id (its first decision's), the same in every answer while the call waits. ended, abandoned, failed and fallback_failed may name it; an agent's leg is named by the offer id the long poll answers with once an agent is reserved.",
  })
  decisionId: string;

  @ApiProperty({ enum: ['queue'], example: 'queue' })
  decision: 'queue';

  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', description: 'decision = queue.' })
  queueId: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 3, description: 'decision = queue: 1-based place in line.' })
  position: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    nullable: true,
    example: 45,
    description:
      "decision = queue: estimated wait in whole seconds (rounded), the figure the queue's wallboard gives for the same state. It counts each agent from the widening step that lets it take the call (an agent who qualifies only after 45 s serves from 45 s), an agent in wrap-up from the end of its wrap-up, an agent on a call as freeing after the queue's mean handle time, and not the agents excluded from the call. null when nobody logged in (working, not on break) could serve the call: there is no estimate to announce.",
  })
  estimatedWaitSeconds: number | null;

  @ApiPropertyOptional({ example: 'sip:voicemail@pbx.vuoro.example', description: 'decision = queue: where to send the call if no agent answers (when configured).' })
  fallbackTarget?: string;

  @ApiPropertyOptional({ example: true, description: "decision = queue: true when the estimated wait exceeds the queue's callback threshold, or is null (nobody logged in could serve the call), and the caller's number is known; false for a withheld number (present when a threshold is configured)." })
  callbackOffered?: boolean;
}

/** decision = reject: answer the call with a SIP error. */
export class RoutingDecisionRejectDto {
  @ApiProperty({
    example: '0190f5a2-8d41-7e02-b5c3-6a9e1f4d2c80',
    description: "The call's decision id: a retried request with the same Call-ID gets the same decision. For a call that already ended (487), the id of the call's first decision.",
  })
  decisionId: string;

  @ApiProperty({ enum: ['reject'], example: 'reject' })
  decision: 'reject';

  @ApiProperty({ type: 'integer', minimum: 400, maximum: 699, example: 480, description: 'decision = reject: the SIP status to answer (480 closed, 404 unknown number, 487 the call already ended).' })
  sipCode: number;

  @ApiProperty({ example: 'closed', description: 'decision = reject.' })
  reason: string;
}

/**
 * Exactly one of three shapes, told apart by `decision`:
 * agent `{decisionId, decision, agentId, target}` · queue `{decisionId, decision, queueId, position,
 * estimatedWaitSeconds, fallbackTarget?, callbackOffered?}` · reject `{decisionId, decision, sipCode, reason}`.
 * Documentation only: the engine's decision is sent as it is (the SIP proxy relies on its exact JSON).
 */
export type RoutingDecisionDto = RoutingDecisionAgentDto | RoutingDecisionQueueDto | RoutingDecisionRejectDto;

export const ROUTING_DECISION_MODELS = [RoutingDecisionAgentDto, RoutingDecisionQueueDto, RoutingDecisionRejectDto];

/** The OpenAPI schema of a routing decision: a oneOf of the three shapes with a discriminator on `decision`. */
export const ROUTING_DECISION_SCHEMA = {
  oneOf: ROUTING_DECISION_MODELS.map((model) => ({ $ref: getSchemaPath(model) })),
  discriminator: {
    propertyName: 'decision',
    mapping: { agent: getSchemaPath(RoutingDecisionAgentDto), queue: getSchemaPath(RoutingDecisionQueueDto), reject: getSchemaPath(RoutingDecisionRejectDto) },
  },
};

export class PollDecisionQueryDto {
  @ApiPropertyOptional({ type: 'integer', example: 1, minimum: 0, maximum: 30, default: 0, description: 'Wait up to this many seconds for an agent to be reserved.' })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(30)
  waitSeconds?: number;
}

export class RoutingEventDto {
  @ApiProperty({ enum: TELEPHONY_EVENTS, example: 'answered' })
  @IsIn(TELEPHONY_EVENTS)
  event: (typeof TELEPHONY_EVENTS)[number];

  @ApiProperty({ enum: ['phone'], example: 'phone' })
  @IsIn(['phone'])
  channel: 'phone';

  @ApiProperty({ example: 'a84b4c76e66710@pbx.example.com' })
  @IsString()
  @Length(1, 255)
  callId: string;

  @ApiPropertyOptional({
    example: '5b0e8a52-1c1f-4a4e-9d2b-7f6a3c2e1d00',
    description:
      "The decision the event refers to: the agent decision (or the long poll's) for the offer the event is about. answered, rejected and agent_failed of an earlier offer are ignored (the call's first decision id names an earlier offer once the call has been offered to another agent, unless the call was queued first); ended, abandoned, failed and fallback_failed apply to the call with any of its decision ids.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  decisionId?: string;

  @ApiPropertyOptional({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', description: 'The agent whose leg the event is about; answered, rejected and agent_failed naming another agent than the live offer\'s are ignored.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  agentId?: string;

  @ApiPropertyOptional({
    example: 'agent',
    description:
      "Which call leg the event is about: agent (the agent's phone; an ended or abandoned of it with durationSec > 0 says the call was talked), caller, or fallback (the queue's fallback target). " +
      'Read in any case ("Agent" is the agent\'s leg) and stored lower-case; another value (at most 32 characters) is stored as sent and read as no leg of these — the event still applies.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  leg?: string;

  @ApiPropertyOptional({ type: 'integer', example: 486, minimum: 100, maximum: 699 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(699)
  sipCode?: number;

  @ApiPropertyOptional({
    example: 'caller',
    description:
      'ended, abandoned: who hung up — caller, agent, fallback (the fallback target), or system (the PBX or proxy released the call). Read in any case and stored lower-case; ' +
      'another value (at most 32 characters) is stored as sent. Only kept in the timeline.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  hangupBy?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 183,
    minimum: 0,
    maximum: MAX_CALL_DURATION_SECONDS,
    description:
      "ended, abandoned: seconds the leg was connected until `ts`, in whole seconds, at most a week (604800), which no real call reaches. On the agent leg that is the talk time (0 when the agent never answered); on the caller's leg it includes waiting and ringing. " +
      "An ended or abandoned of the agent leg with durationSec > 0 for a call still ringing (its answered overtaken on the way) records the call as answered at ts − durationSec (not before the offer) and ended; the answered that arrives after it is ignored as a duplicate.",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_CALL_DURATION_SECONDS)
  durationSec?: number;

  @ApiProperty({
    format: 'date-time',
    example: '2026-11-22T10:00:05.123Z',
    description: "When the telephony system saw the event: an RFC 3339 date-time with Z or a UTC offset (2026-11-22T12:00:05.123+02:00), on a date that exists. Stored with the event as it is.",
  })
  @IsInstant()
  ts: string;
}

export class RoutingEventResultDto {
  @ApiProperty({ example: true, description: 'false: accepted and ignored (unknown call, duplicate, stale).' })
  applied: boolean;

  @ApiProperty({ example: 'agent busy' })
  detail: string;
}

export class CallbackRequestDto {
  @ApiProperty({ example: 'a84b4c76e66710@pbx.example.com', description: 'The waiting call whose caller asked to be called back.' })
  @IsString()
  @Length(1, 255)
  callId: string;

  @ApiPropertyOptional({
    example: '0401234567',
    pattern: CUSTOMER_PHONE_NUMBER_PATTERN,
    description:
      'The number the caller keyed in to the IVR, for a caller whose own number is withheld (otherwise 409 `callback.no_number`): ' +
      'any spelling of the number — +358401234567, 0401234567, 040 123 4567, +358 (0)40 123 4567, 00358401234567 (3–20 digits; spaces, dashes, dots and parentheses are ignored; 422 rule phoneNumber otherwise). It is stored and matched in one form: a national number (leading 0) takes the country code PHONE_DEFAULT_COUNTRY_CODE (default 358), 00 becomes +, so it finds the customer of calls from that number whatever spelling either used. ' +
      "It finds that number's customer (made if new), so the callback goes to it and the customer's previous agent " +
      "is preferred as for any call. For a caller whose number is known, leave it out; the same number is accepted, another is 409 `callback.number_known` (the callback " +
      'goes to the number the call came from). Personal data: stored with the customer, never logged.',
  })
  @IsOptional()
  @IsCustomerPhoneNumber()
  callbackNumber?: string;
}

export class CallbackDto {
  @ApiProperty({ example: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f' })
  contactId: string;

  @ApiProperty({ example: 'queued' })
  status: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z', description: 'Queue entry kept from the original call (its place in line).' })
  arrivedAt: string;
}

export class EntryPointBodyDto {
  @ApiProperty({ example: '+358201234567', description: 'The called number as the SIP proxy sends it.' })
  @Matches(/^[+]?[0-9A-Za-z*#._-]{1,64}$/, { message: 'calledNumber must be digits (optionally +) or a SIP user part' })
  calledNumber: string;

  @ApiProperty({ example: 'Customer service, Finnish' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  @IsUUID()
  queueId: string;
}

export class EntryPointDto {
  @ApiProperty({ example: '1f2e3d4c-5b6a-4978-8a7b-6c5d4e3f2a1b' })
  id: string;

  @ApiProperty({ example: '+358201234567' })
  calledNumber: string;

  @ApiProperty({ example: 'Customer service, Finnish' })
  name: string;

  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  queueId: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  updatedAt: string;

  static from(e: EntryPointRow): EntryPointDto {
    return { id: e.id, calledNumber: e.calledNumber, name: e.name, queueId: e.queueId, createdAt: e.createdAt.toISOString(), updatedAt: e.updatedAt.toISOString() };
  }
}

export class WideningStepDto {
  @ApiProperty({ type: 'integer', example: 15, minimum: 0, maximum: 86400, description: 'Seconds of waiting (elapsed) after which this step applies; steps are cumulative and strictly ascending.' })
  @IsInt()
  @Min(0)
  @Max(86400)
  afterSeconds: number;

  @ApiProperty({ enum: ['queue-skills', 'language-only'], example: 'queue-skills', description: "'queue-skills': every requirement of the queue; 'language-only': only its language." })
  @IsIn(['queue-skills', 'language-only'])
  skills: 'queue-skills' | 'language-only';

  @ApiProperty({ enum: ['department', 'department-and-lent'], example: 'department', description: "'department-and-lent': also agents lent to the queue's department, inside their loan." })
  @IsIn(['department', 'department-and-lent'])
  agents: 'department' | 'department-and-lent';

  @ApiPropertyOptional({ type: 'integer', example: 2, minimum: 1, maximum: 5, description: 'Requirement levels become at most this.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  minProficiency?: number;

  @ApiPropertyOptional({ type: 'integer', example: 1, minimum: 0, maximum: 4, description: 'Requirement levels are lowered by this much (never below 1), before minProficiency.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(4)
  minProficiencyDelta?: number;

  @ApiPropertyOptional({ example: 'proficiency 2 is enough', maxLength: 80, description: 'Label in explanations.' })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  name?: string;
}

export class RoutingSettingsDto {
  @ApiProperty({ type: 'integer', example: 30, minimum: 0, maximum: 3600, description: 'Wrap-up after a contact ends, seconds.' })
  @IsInt()
  @Min(0)
  @Max(3600)
  wrapUpSeconds: number;

  @ApiPropertyOptional({ example: 10, nullable: true, type: 'integer', minimum: 1, maximum: 3600, description: 'Offer timeout; null = channel default (phone 10, chat 20, email 60 s). Phone: the telephony system should ring the agent for no longer than this (a later answered is still taken, but the call may have been offered to another agent meanwhile).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  offerTimeoutSeconds: number | null;

  @ApiPropertyOptional({ example: 120, nullable: true, type: 'integer', minimum: 1, description: 'Phone queues: offer a callback when the estimated wait exceeds this; null = never. On a chat or email queue 422 (rule phoneOnly).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  callbackThresholdSeconds: number | null;

  @ApiPropertyOptional({ example: 'sip:voicemail@pbx.vuoro.example', nullable: true, type: String })
  @IsOptional()
  @Matches(/^sips?:[^@\s]+@\S+$/, { message: 'fallbackTarget must be a SIP URI' })
  fallbackTarget: string | null;

  @ApiProperty({ type: 'integer', example: 300, minimum: 1, description: 'Mean handle time used for estimated waits, seconds.' })
  @IsInt()
  @Min(1)
  meanHandleSeconds: number;

  @ApiPropertyOptional({
    type: [WideningStepDto],
    nullable: true,
    maxItems: 10,
    example: [
      { afterSeconds: 15, skills: 'queue-skills', agents: 'department', minProficiency: 2, name: 'proficiency 2 is enough' },
      { afterSeconds: 45, skills: 'language-only', agents: 'department', minProficiency: 2, name: 'any agent with the language' },
      { afterSeconds: 75, skills: 'language-only', agents: 'department-and-lent', minProficiency: 2, name: 'lent agents too' },
    ],
    description:
      'Who becomes eligible as a contact waits, step by step (cumulative; before the first step only department agents meeting every requirement). ' +
      'null = the default steps (after 15 s proficiency 2 is enough; after 45 s any department agent with the language; lentAgentDelaySeconds later, lent agents too); [] = no widening.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => WideningStepDto)
  wideningSteps?: WideningStepDto[] | null;

  @ApiPropertyOptional({ example: 30, nullable: true, type: 'integer', minimum: 0, maximum: 86400, description: 'Default steps only: seconds after the language-only step (45 s) before lent agents join. null = 30. With wideningSteps given 422 (rule defaultStepsOnly): the steps say when lent agents join.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86400)
  lentAgentDelaySeconds?: number | null;

  @ApiPropertyOptional({
    example: 20,
    nullable: true,
    type: 'integer',
    minimum: 0,
    maximum: 604800,
    description: "Seconds of a contact's wait during which the customer's previous agent is preferred while available. null = channel default (phone 20, chat 30, email 4 h); 0 = no preference.",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(604800)
  previousAgentPreferenceSeconds?: number | null;

  @ApiPropertyOptional({ example: 30, nullable: true, type: 'integer', minimum: 1, maximum: 365, description: "How many days back the customer's last agent (any channel) counts as its previous agent. null = 30." })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  previousAgentLookbackDays?: number | null;

  @ApiPropertyOptional({
    example: 10,
    nullable: true,
    type: 'integer',
    minimum: 0,
    maximum: 86400,
    description:
      'Phone and chat queues: once a contact has waited this long, agents who could take it get no emails (email blending); and once a call has, agents who could take it ' +
      'when their chats end get no new chats, so that it is not starved by chats (call draining, skip reason call-draining). null = channel default (phone 10, chat 20 s).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86400)
  emailBlendingThresholdSeconds?: number | null;

  @ApiPropertyOptional({
    example: 14400,
    nullable: true,
    type: 'integer',
    minimum: MAX_CONTACT_SECONDS_RANGE.min,
    maximum: MAX_CONTACT_SECONDS_RANGE.max,
    description:
      "The longest a contact stays in an agent's hands (from when its agent took it). Past it the routing sweep ends the contact as if its end had been reported — a safety net for a lost `ended` — " +
      "with an `ended` timeline event saying so (detail.closedBy `max-duration`) and no wrap-up, and releases the agent; a late `ended` is then accepted and ignored. null = channel default (phone and chat 4 h, email 24 h).",
  })
  @IsOptional()
  @IsInt()
  @Min(MAX_CONTACT_SECONDS_RANGE.min)
  @Max(MAX_CONTACT_SECONDS_RANGE.max)
  maxContactSeconds?: number | null;

  @ApiPropertyOptional({
    example: 30,
    nullable: true,
    type: 'integer',
    minimum: POLL_GRACE_SECONDS_RANGE.min,
    maximum: POLL_GRACE_SECONDS_RANGE.max,
    description:
      'Phone queues only: a safety net for a lost `abandoned`. A waiting call that the telephony has long-polled (GET /v1/routing/decisions/{callId}?waitSeconds=N) and then stops polling ' +
      `is presumed gone once no poll came for the last poll's waitSeconds plus this grace — never sooner than ${MIN_POLL_SILENCE_SECONDS} s after that poll began: ` +
      'the routing sweep ends it abandoned (end reason `no-poll`, an `abandoned` timeline event with detail.closedBy `no-poll`), its place goes to the callers behind it, and a late `abandoned` ' +
      'is accepted and ignored. A call never polled is never ended so (a proxy that does not long-poll); nor is a callback. A change applies from each call\'s next poll. ' +
      `null = ${DEFAULT_POLL_GRACE_SECONDS} s.`,
  })
  @IsOptional()
  @IsInt()
  @Min(POLL_GRACE_SECONDS_RANGE.min)
  @Max(POLL_GRACE_SECONDS_RANGE.max)
  pollGraceSeconds?: number | null;

  static from(s: RoutingSettingsRow): RoutingSettingsDto {
    return { ...s };
  }
}

// Quick checks of the hot telephony bodies (see registerBodyCheck): the decorators above, verbatim.
const DECISION_KEYS = new Set(['channel', 'callId', 'callerId', 'callerName', 'calledNumber', 'language']);
registerBodyCheck(
  RoutingDecisionRequestDto,
  (b) =>
    onlyKeys(b, DECISION_KEYS) && isIn(b.channel, ['phone']) && isString(b.callId) && length(b.callId, 1, 255) && isString(b.callerId) && maxLength(b.callerId, 64) &&
    isString(b.callerName) && maxLength(b.callerName, 200) && isString(b.calledNumber) && length(b.calledNumber, 1, 64) && isIn(b.language, CONTACT_LANGUAGES),
);
const EVENT_KEYS = new Set(['event', 'channel', 'callId', 'decisionId', 'agentId', 'leg', 'sipCode', 'hangupBy', 'durationSec', 'ts']);
const optionalString = (v: unknown, most: number): boolean => v === undefined || v === null || (isString(v) && maxLength(v, most));
registerBodyCheck(
  RoutingEventDto,
  (b) =>
    onlyKeys(b, EVENT_KEYS) && isIn(b.event, TELEPHONY_EVENTS) && isIn(b.channel, ['phone']) && isString(b.callId) && length(b.callId, 1, 255) &&
    optionalString(b.decisionId, 64) && optionalString(b.agentId, 64) && optionalString(b.leg, 32) && optionalString(b.hangupBy, 32) &&
    (b.sipCode === undefined || b.sipCode === null || (isInt(b.sipCode) && min(b.sipCode, 100) && max(b.sipCode, 699))) &&
    (b.durationSec === undefined || b.durationSec === null || (isInt(b.durationSec) && min(b.durationSec, 0) && max(b.durationSec, MAX_CALL_DURATION_SECONDS))) &&
    isInstant(b.ts),
);
