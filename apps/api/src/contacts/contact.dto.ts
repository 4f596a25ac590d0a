import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, isIn, isString, isUUID, length } from 'class-validator';
import { CONTACT_LANGUAGES, IsContactLanguage } from '../common/languages.js';
import { PageQueryDto } from '../common/paging.dto.js';
import { IsCustomerPhoneNumber, IsCustomerRef, IsLocalDate, onlyKeys, registerBodyCheck, NotBeforeDate } from '../common/validation.js';
import { CUSTOMER_PHONE_NUMBER_PATTERN, isCustomerPhoneNumber, isCustomerRef } from '../../../../libs/routing/src/core/customer-link.js';
import type { ContactEventRow, ContactRow } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { SKIP_REASONS } from '../../../../libs/routing/src/index.js';

/** What the skip reasons of an explanation mean, for the OpenAPI document. */
const SKIP_REASONS_TEXT =
  'on-call, no-capacity, wrong-state, chat-in-progress (a call needs an agent without chats): busy or away; ' +
  'other-department, outside-loan-window, lent-not-yet-widened, missing-skill, low-proficiency, excluded (turned this contact down): not eligible; ' +
  'email-blending: no email while a call or chat the agent could take has waited past its queue’s blending threshold; ' +
  'call-draining: no new chat while a call the agent could take once its chats end has waited past its queue’s blending threshold ' +
  '(the detail names the call), so that the agent’s chats end and the call is offered to it.';

export class CreateContactDto {
  @ApiProperty({ enum: ['chat', 'email'], example: 'chat', description: 'Phone contacts come through POST /v1/routing/decisions.' })
  @IsIn(['chat', 'email'])
  channel: 'chat' | 'email';

  @ApiPropertyOptional({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', description: 'The queue (of the same channel). Give either queueId or departmentId.' })
  @IsOptional()
  @IsUUID()
  queueId?: string;

  @ApiPropertyOptional({
    example: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    description: "Routing attributes instead of queueId: the department's queue of this channel in this language (else its queue without a language).",
  })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiProperty({ example: 'web-7f3a9c', description: "The gateway's opaque customer reference (no e-mail address or name; 1–200 characters, not starting with erased:, 422 rule customerRef): finds the previous agent." })
  @IsCustomerRef()
  customerRef: string;

  @ApiProperty({ example: 'fi', description: 'fi, sv, en, or "" for the queue\'s language. With departmentId it chooses the queue; with queueId, a queue of its own language is served by agents of that language whatever this says (the contact keeps the language given), and a queue without one is served in this language (with "" by agents of any language).' })
  @IsContactLanguage()
  language: string;

  @ApiPropertyOptional({ example: 'Payment plan question', description: 'Personal data may appear here: stored, never logged.' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  subject?: string;

  @ApiPropertyOptional({
    example: 'a84b4c76e66710@pbx.example.com',
    description:
      'A channel switch: the waiting contact (its id, or a call\'s SIP Call-ID) the customer left for this one (the IVR\'s "continue in chat", a chat that becomes an email). ' +
      'This contact keeps its place in line (the original\'s arrivedAt) and the original ends (endReason switched; a waiting call\'s long poll then answers reject 487, so the PBX releases it). ' +
      'The original must be queued, or offered when it is not an inbound call (422 rule exists, 409 contact.not_waiting rule waiting).',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  switchedFrom?: string;

  @ApiPropertyOptional({
    example: '+358401234567',
    pattern: CUSTOMER_PHONE_NUMBER_PATTERN,
    description:
      "The customer's phone number when the gateway knows it for sure (a verified pre-chat form, the CRM): " +
      'any spelling of the number — +358401234567, 0401234567, 040 123 4567, +358 (0)40 123 4567, 00358401234567 (3–20 digits; spaces, dashes, dots and parentheses are ignored; 422 rule phoneNumber otherwise). It is stored and matched in one form: a national number (leading 0) takes the country code PHONE_DEFAULT_COUNTRY_CODE (default 358), 00 becomes +, so it finds the customer of calls from that number whatever spelling either used. The reference and the number become one customer — ' +
      "the customer of earlier calls from the number is merged into the reference's — so that the previous agent is preferred across channels. " +
      'Personal data: stored, never logged. See PUT /v1/customers/{customerRef}/phone-number.',
  })
  @IsOptional()
  @IsCustomerPhoneNumber()
  phoneNumber?: string;
}

export class ContactEventDto {
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  at: string;

  @ApiProperty({ example: 'offered' })
  type: string;

  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', nullable: true, type: String })
  agentId: string | null;

  @ApiProperty({ example: '5b0e8a52-1c1f-4a4e-9d2b-7f6a3c2e1d00', nullable: true, type: String })
  offerId: string | null;

  @ApiProperty({ example: { expiresAt: '2026-11-22T10:00:20.000Z' }, nullable: true, type: Object })
  detail: Record<string, unknown> | null;

  static from(e: ContactEventRow): ContactEventDto {
    return { at: e.at.toISOString(), type: e.type, agentId: e.agentId, offerId: e.reservationId, detail: e.detail };
  }
}

export class ContactDto {
  @ApiProperty({ example: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f' })
  id: string;

  @ApiProperty({ enum: ['phone', 'chat', 'email'], example: 'chat' })
  channel: string;

  @ApiProperty({ enum: ['inbound', 'callback'], example: 'inbound' })
  kind: string;

  @ApiProperty({ enum: ['queued', 'offered', 'connected', 'ended', 'abandoned', 'rejected', 'failed'], example: 'offered' })
  status: string;

  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', nullable: true, type: String })
  queueId: string | null;

  @ApiProperty({ example: 'a84b4c76e66710@pbx.example.com', nullable: true, type: String })
  callId: string | null;

  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', nullable: true, type: String, description: 'The agent offered or handling the contact.' })
  agentId: string | null;

  @ApiProperty({ example: 'web-7f3a9c', nullable: true, type: String })
  customerRef: string | null;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: "A callback's number to call: its caller's number as the telephony system reported it. Null for any other kind, and when the customer's personal data was erased.",
  })
  callbackNumber: string | null;

  @ApiProperty({ example: 'fi', nullable: true, type: String })
  language: string | null;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  arrivedAt: string;

  @ApiProperty({ example: '2026-11-22T10:01:00.000Z', description: 'Service-target deadline (business time for email).' })
  deadline: string;

  @ApiProperty({ example: null, nullable: true, type: String })
  answeredAt: string | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  endedAt: string | null;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description:
      'Why it ended: completed (by its agent), ended (reported by the telephony system), abandoned, a rejection reason, failed or fallback_failed, ' +
      'max-duration (closed by the routing sweep after the queue\'s maximum contact duration: its end was never reported), ended-by-supervisor (POST /v1/contacts/{id}/end), ' +
      'no-poll (abandoned: a waiting call the telephony had long-polled and then stopped polling, presumed gone by the routing sweep; its abandoned was never reported).',
  })
  endReason: string | null;

  @ApiProperty({ type: 'integer', example: 0 })
  offerAttempts: number;

  @ApiPropertyOptional({ type: [ContactEventDto], description: 'The timeline (GET of one contact only).' })
  timeline?: ContactEventDto[];

  static from(c: ContactRow, events?: ContactEventRow[], callbackNumber: string | null = null): ContactDto {
    return {
      id: c.id,
      channel: c.channel,
      kind: c.kind,
      status: c.status,
      queueId: c.queueId,
      callId: c.callId,
      agentId: c.agentId,
      customerRef: c.customerRef,
      callbackNumber: c.kind === 'callback' ? callbackNumber : null,
      language: c.language,
      arrivedAt: c.arrivedAt.toISOString(),
      deadline: c.deadline.toISOString(),
      answeredAt: c.answeredAt?.toISOString() ?? null,
      endedAt: c.endedAt?.toISOString() ?? null,
      endReason: c.endReason,
      offerAttempts: c.offerAttempts,
      ...(events ? { timeline: events.map(ContactEventDto.from) } : {}),
    };
  }
}

export class SkippedAgentDto {
  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11' })
  agentId: string;

  @ApiProperty({ enum: SKIP_REASONS, example: 'on-call', description: SKIP_REASONS_TEXT })
  reason: string;

  @ApiProperty({
    example: 'on a call or reserved for one',
    description: 'The reason for this agent, e.g. "kept free for phone contact 0199… waiting 14 s (1 chat in hand to finish first)" for call-draining.',
  })
  detail: string;
}

export class SkippedContactDto {
  @ApiProperty({ example: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' })
  contactId: string;

  @ApiProperty({
    enum: [...SKIP_REASONS, 'unknown-queue'],
    example: 'missing-skill',
    description: `Why the agent who came free could not take this contact: the reasons of skippedAgents (${SKIP_REASONS_TEXT}), or unknown-queue.`,
  })
  reason: string;

  @ApiProperty({ example: 'lang:sv 0 < 3' })
  detail: string;
}

export class EarlierDecisionDto {
  @ApiProperty({ example: '2026-11-22T09:58:12.000Z', nullable: true, type: String })
  decidedAt: string | null;

  @ApiProperty({ example: 'longest-idle' })
  rule: string;

  @ApiProperty({ example: 'contact 7c1d… → agent 0b8f… by longest-idle (step 0: queue requirements)' })
  summary: string;
}

export class ExplanationDto {
  @ApiProperty({ example: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f' })
  contactId: string;

  @ApiProperty({ example: 'offered' })
  status: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z', nullable: true, type: String })
  decidedAt: string | null;

  @ApiProperty({ example: 'contact 7c1d… → agent 0b8f… by longest-idle (step 0: queue requirements)' })
  summary: string;

  @ApiProperty({ example: 'longest-idle', description: 'The latest decision: transfer (the agent holding the contact handed it to the agent or queue the summary names; transferredBy), previous-agent, narrowest-step, fewest-in-hand, longest-idle, lowest-occupancy, agent-id, only-eligible, declined-before (past its target, offered again to an agent who turned it down), highest-priority, no-eligible-agent, closed…' })
  rule: string;

  @ApiProperty({ example: { index: 0, name: 'queue requirements', afterSeconds: 0 }, nullable: true, type: Object, description: 'The widening step under which the agent qualified.' })
  step: Record<string, unknown> | null;

  @ApiProperty({ example: 3.2, nullable: true, type: Number })
  waitedSeconds: number | null;

  @ApiProperty({ example: { urgencySeconds: 26.8, timeToBreachSeconds: 26.8, deadline: '2026-11-22T10:00:30.000Z', basis: 'elapsed' }, nullable: true, type: Object })
  priority: Record<string, unknown> | null;

  @ApiProperty({
    example: ['0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11'],
    type: [String],
    description: 'Eligible agents in rank order (first 20). For rule highest-priority — an agent came free and took the most urgent waiting contact it may take — only that agent; likewise for declined-before when that agent took a contact it had turned down, and for transfer the agent it was transferred to.',
  })
  eligibleAgentIds: string[];

  @ApiProperty({ type: [SkippedAgentDto], description: 'Logged-in agents of the department not eligible, with the reason (first 50).' })
  skippedAgents: SkippedAgentDto[];

  @ApiProperty({ type: 'integer', example: 4 })
  skippedCount: number;

  @ApiProperty({ example: { 'on-call': 3, 'wrong-state': 1, 'call-draining': 2 }, type: Object, description: 'Every skipped agent counted by its reason (the reasons of skippedAgents).' })
  skippedByReason: Record<string, number>;

  @ApiProperty({ example: { agentId: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', applied: true, detail: 'preferred for the first 20 s of the wait' }, nullable: true, type: Object })
  previousAgent: Record<string, unknown> | null;

  @ApiProperty({ type: [SkippedContactDto], description: 'An agent\'s pick (rule highest-priority, or declined-before): the more urgent waiting contacts that agent could not take, and why (first 50), never the contact it took; empty otherwise.' })
  skippedContacts: SkippedContactDto[];

  @ApiProperty({ example: '0b8f9c52-1d1e-4c84-8d57-3f6f0b7c2a11', nullable: true, type: String, description: 'The agent who made the contact\'s latest transfer: on the transfer and on the decisions after it (the routing in the queue it was transferred to, where that agent is skipped as its sender); null for a contact never transferred.' })
  transferredBy: string | null;

  @ApiProperty({
    type: [EarlierDecisionDto],
    description:
      'The decisions before the latest transfer, latest first (up to 10): the routing that brought the contact to the agent who transferred it, the transfer itself once the contact is routed in the queue it was transferred to, and so on back. Empty for a contact never transferred.',
  })
  earlierDecisions: EarlierDecisionDto[];

  @ApiProperty({ type: [ContactEventDto] })
  timeline: ContactEventDto[];
}

// Quick check of the hot body (see registerBodyCheck): the decorators of CreateContactDto, verbatim.
const CREATE_CONTACT_KEYS = new Set(['channel', 'queueId', 'departmentId', 'customerRef', 'language', 'subject', 'switchedFrom', 'phoneNumber']);
const optionalUuid = (v: unknown): boolean => v === undefined || v === null || isUUID(v);
registerBodyCheck(
  CreateContactDto,
  (b) =>
    onlyKeys(b, CREATE_CONTACT_KEYS) && isIn(b.channel, ['chat', 'email']) && optionalUuid(b.queueId) && optionalUuid(b.departmentId) &&
    isCustomerRef(b.customerRef) &&
    isIn(b.language, CONTACT_LANGUAGES) && (b.subject === undefined || b.subject === null || (isString(b.subject) && length(b.subject, 1, 500))) &&
    (b.switchedFrom === undefined || b.switchedFrom === null || (isString(b.switchedFrom) && length(b.switchedFrom, 1, 200))) &&
    (b.phoneNumber === undefined || b.phoneNumber === null || isCustomerPhoneNumber(b.phoneNumber)),
);

/** `GET /v1/contacts`: one queue's contacts by arrival, a page at a time. */
export class ListContactsQueryDto extends PageQueryDto {
  @ApiProperty({ format: 'uuid', example: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', description: 'The queue whose contacts to list.' })
  @IsUUID()
  queueId: string;

  @ApiPropertyOptional({ example: '2026-11-17', description: 'Arrived on or after this local date (Europe/Helsinki, as the reports count days). With `to`; the range is at most 62 days.' })
  @IsOptional()
  @IsLocalDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-17', description: 'Arrived on or before this local date (inclusive); not before `from` (422 rule afterFrom).' })
  @IsOptional()
  @IsLocalDate()
  @NotBeforeDate()
  to?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], example: 'true', description: 'true: only contacts not ended (waiting, offered, in an agent\'s hands); false: only ended ones. Without a date range, `open=true` is required (the open contacts are few; all of a queue\'s history is not).' })
  @IsOptional()
  @IsIn(['true', 'false'])
  open?: 'true' | 'false';
}

export class ContactPageDto {
  @ApiProperty({ type: [ContactDto], description: 'Oldest arrival first; without timelines (GET /v1/contacts/{id} has each one\'s).' })
  items: ContactDto[];

  @ApiProperty({ type: 'integer', example: 388 })
  total: number;

  @ApiProperty({ type: 'integer', example: 200 })
  limit: number;

  @ApiProperty({ type: 'integer', example: 0 })
  offset: number;
}
