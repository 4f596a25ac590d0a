import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_HEADER, MAX_IDEMPOTENCY_KEY_LENGTH } from '../../../../libs/core/src/idempotency.js';
import { IdempotencyKeyHeader } from '../common/idempotency-key.decorator.js';
import type { Caller } from '../auth/api-key.guard.js';
import { CurrentCaller } from '../auth/caller.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ProblemDto } from '../common/problem-details.js';
import { ContactDto, ContactEventDto, ContactPageDto, CreateContactDto, ExplanationDto, ListContactsQueryDto } from './contact.dto.js';
import { uuidParam } from '../common/params.js';
import { AbandonContact, CreateContact, EndContact, FindContact, ListContacts } from './contacts.use-cases.js';

const OWN_CONTACTS = 'An agent key reads only the contacts its agent was offered or handled (403 auth.not_own_contact otherwise).';

@ApiTags('contacts')
@Controller('v1/contacts')
export class ContactsController {
  constructor(
    private readonly create: CreateContact,
    private readonly find: FindContact,
    private readonly abandonContact: AbandonContact,
    private readonly end: EndContact,
    private readonly listContacts: ListContacts,
  ) {}

  @Post()
  @Roles('telephony')
  @ApiOperation({
    summary: 'Hand in a chat or an email: it is queued and offered to an agent (emails are never claimed by hand)',
    description:
      'A chat to a queue closed by its calendar is refused (409 queue.closed with queueId and opensAt, the next opening or null), as a call gets SIP 480; nothing is recorded. ' +
      'An email is accepted at any hour and waits, offered to nobody, until its queue opens (its deadline counts business time). ' +
      'Retries are safe with an Idempotency-Key header: the same key and body from the same API key within 24 h answer 201 with the contact the first request created, as it is now, and create nothing.',
  })
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description:
      'A key the gateway makes for each chat or email it hands in (a UUID, or its own message id), sent again unchanged when it retries after a timeout or a dropped connection. ' +
      `1–${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters (422 validation.failed, field Idempotency-Key, rule length or printableAscii). ` +
      'A key is remembered for 24 h from its first use, per API key (another API key\'s same key is another key). Within that time a request with the same key and the same body ' +
      '(compared in canonical form: member order, white space and optional members sent as null do not matter) creates nothing and answers 201 with the contact the first request created, as it is now — also when two arrive at once, ' +
      'on either routing engine and on any instance; the same key with a different body is refused with 422 idempotency.key_reused, which names the first use (firstUsedAt, contactId). ' +
      'The key is looked at before anything that may have changed since the first use: a retry gets the first contact although its routing attributes find no queue now, the queue has closed or the original of a switch has ended. ' +
      "A request that was refused (4xx) records nothing: its retry is carried out anew. An erasure of the customer (or the retention job's) deletes the keys of its contacts with their data: a retry after it is a new request. " +
      'Without the header every request creates a contact.',
    schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH, pattern: '^[\\x20-\\x7E]+$', example: '5f0c9a52-7a9e-4d1b-9c39-2d6f3e1b8a40' },
  })
  @ApiCreatedResponse({ type: ContactDto, description: 'The contact created — or, for a retry with the same Idempotency-Key and body, the contact the first request created, as it is now.' })
  @ApiConflictResponse({ type: ProblemDto, description: 'queue.closed: a chat to a closed queue' })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'validation.failed (a field of the body, or the Idempotency-Key header), or idempotency.key_reused: the key was first used with another body.' })
  async add(@Body() body: CreateContactDto, @CurrentCaller() caller: Caller | undefined, @IdempotencyKeyHeader() idempotencyKey: string | undefined): Promise<ContactDto> {
    return ContactDto.from(await this.create.execute(body, caller, idempotencyKey));
  }

  @Post(':id/abandon')
  @Roles('telephony')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The customer of a chat, email or callback left before it was connected: it ends abandoned',
    description:
      'A queued or offered contact ends abandoned (timeline event abandoned, detail reportedBy gateway); an outstanding offer is withdrawn from its agent, ' +
      'who is released and offered other work; it counts as abandoned on the wallboard and in the reports. ' +
      'Refused with 409: a connected contact (contact.connected: the agent who holds it completes it, with wrap-up), a finished one (contact.finished), ' +
      'an inbound call (contact.reported_by_telephony: POST /v1/routing/events reports it).',
  })
  @ApiOkResponse({ type: ContactDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async abandon(@Param('id', uuidParam()) id: string): Promise<ContactDto> {
    return ContactDto.from(await this.abandonContact.execute(id));
  }

  @Get()
  @Roles('supervisor', 'manager')
  @ApiOperation({
    summary: "A queue's contacts by arrival, oldest first: what a report counted, or what is still open",
    description:
      'One queue, a page at a time (limit/offset, with the total). Either a range of local dates (Europe/Helsinki, at most 62 days) or open=true: ' +
      'e.g. `?queueId=…&open=true` lists the emails still waiting or in hand, oldest first, each with its deadline. Every item is GET /v1/contacts/{id} without the timeline.',
  })
  @ApiOkResponse({ type: ContactPageDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async list(@Query() q: ListContactsQueryDto): Promise<ContactPageDto> {
    const { rows, total, callbackNumbers } = await this.listContacts.execute(q);
    return { items: rows.map((c) => ContactDto.from(c, undefined, callbackNumbers.get(c.id) ?? null)), total, limit: q.limit, offset: q.offset };
  }

  @Get(':id')
  @Roles('supervisor', 'manager', 'agent')
  @ApiOperation({ summary: 'A contact and its timeline (by id, or a phone contact by its callId)', description: OWN_CONTACTS })
  @ApiOkResponse({ type: ContactDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  async get(@CurrentCaller() caller: Caller | undefined, @Param('id') id: string): Promise<ContactDto> {
    const { contact, events, callbackNumber } = await this.find.execute(id, caller);
    return ContactDto.from(contact, events, callbackNumber);
  }

  @Post(':id/end')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary: 'End a stuck contact by hand (by id, or a phone contact by its callId)',
    description:
      'For a contact whose end never came — the telephony system\'s `ended` was lost, a desk never completed it. One in an agent\'s hands is ended as if its end had been reported, ' +
      'without wrap-up: its agent is released at once (to the break or offline it asked for, if any) and offered work. One waiting or ringing is ended unanswered, its offer cancelled. ' +
      'The timeline gets an `ended` event whose detail names the API key (id, name, role) that ended it; the contact\'s endReason is `ended-by-supervisor`. ' +
      'A late `ended` from the telephony system is then accepted and ignored, as any duplicate. ' +
      '(Contacts held past their queue\'s maximum contact duration — routing settings, maxContactSeconds — are ended by the routing sweep by itself.)',
  })
  @ApiOkResponse({ type: ContactDto, description: 'The contact, ended, with its timeline.' })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: '409 contact.finished when the contact has ended already (ended, abandoned, rejected or failed).' })
  async endContact(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<ContactDto> {
    const { contact, events, callbackNumber } = await this.end.execute(id, caller);
    return ContactDto.from(contact, events, callbackNumber);
  }

  @Get(':id/explanation')
  @Roles('supervisor', 'manager', 'agent')
  @ApiOperation({ summary: 'Why the contact was routed as it was: rule, widening step, skipped agents and why (by id or callId)', description: OWN_CONTACTS })
  @ApiOkResponse({ type: ExplanationDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  async explanation(@CurrentCaller() caller: Caller | undefined, @Param('id') id: string): Promise<ExplanationDto> {
    const { contact, events } = await this.find.execute(id, caller);
    const e = (contact.explanation ?? {}) as Record<string, unknown>;
    return {
      contactId: contact.id,
      status: contact.status,
      decidedAt: (e.decidedAt as string | undefined) ?? null,
      summary: (e.summary as string | undefined) ?? 'not routed yet',
      rule: (e.rule as string | undefined) ?? 'none',
      step: (e.step as Record<string, unknown> | null | undefined) ?? null,
      waitedSeconds: (e.waitedSeconds as number | null | undefined) ?? null,
      priority: (e.priority as Record<string, unknown> | null | undefined) ?? null,
      eligibleAgentIds: (e.eligibleAgentIds as string[] | undefined) ?? [],
      skippedAgents: (e.skippedAgents as ExplanationDto['skippedAgents'] | undefined) ?? [],
      skippedCount: (e.skippedCount as number | undefined) ?? 0,
      skippedByReason: (e.skippedByReason as Record<string, number> | undefined) ?? {},
      previousAgent: (e.previousAgent as Record<string, unknown> | null | undefined) ?? null,
      skippedContacts: (e.skippedContacts as ExplanationDto['skippedContacts'] | undefined) ?? [],
      transferredBy: (e.transferredBy as string | undefined) ?? null,
      earlierDecisions: (e.earlierDecisions as ExplanationDto['earlierDecisions'] | undefined) ?? [],
      timeline: events.map(ContactEventDto.from),
    };
  }
}
