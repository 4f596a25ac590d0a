import { Injectable } from '@nestjs/common';
import { addDays, daysBetween } from '../../../../libs/calendar/src/local-date.js';
import { localToEpoch } from '../../../../libs/calendar/src/time-zone.js';
import { DomainError, notFound, unprocessable, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import { REPORT_TIME_ZONE } from '../../../../libs/reports/src/periods.js';
import { isUuid } from '../../../../libs/core/src/ids.js';
import { idempotencyKeyOf, requestFingerprint } from '../../../../libs/core/src/idempotency.js';
import { ApiKeyRepository } from '../../../../libs/persistence/src/repositories/api-key.repository.js';
import { DepartmentRepository } from '../../../../libs/persistence/src/repositories/department.repository.js';
import type { ContactEventRow, ContactRow } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { QueueRepository } from '../../../../libs/persistence/src/repositories/queue.repository.js';
import { RoutingRepository } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import type { Caller } from '../auth/api-key.guard.js';
import { PhoneNumbers } from '../common/phone-numbers.js';
import { RoutingEngine } from '../routing/routing-engine.js';
import type { CreateContactDto, ListContactsQueryDto } from './contact.dto.js';


/**
 * A chat or an email into its queue: named by queueId, or found by routing attributes (channel,
 * language, department). With an `Idempotency-Key` (1–255 printable ASCII characters), a retry of
 * the same body by the same API key within 24 h gets the contact the first request created, and the
 * same key with another body a 422 idempotency.key_reused (both routing engines: RoutingEngine.createContact).
 * The key decides before the configuration of the moment: a retry refused here on its routing
 * attributes (a queue's language changed, a department deleted) is answered with its first contact
 * (RoutingEngine.retriedHandIn), as the engines answer one whose queue has closed since.
 */
@Injectable()
export class CreateContact {
  constructor(
    private readonly engine: RoutingEngine,
    private readonly departments: DepartmentRepository,
    private readonly numbers: PhoneNumbers,
  ) {}

  async execute(body: CreateContactDto, caller?: Caller, idempotencyKey?: string): Promise<ContactRow> {
    const key = idempotencyKeyOf(idempotencyKey);
    // Every caller of this route is authenticated (role telephony or admin); the key is the API key's own.
    const idempotency = key !== undefined && caller ? { apiKeyId: caller.keyId, key, requestHash: requestFingerprint(body) } : undefined;
    let queueId: string;
    try {
      queueId = await this.queueOf(body);
    } catch (refusal) {
      // A retry is answered as its first use was, whatever changed since (a queue's language, a
      // deleted department): the key decides before the configuration of the moment. Asked only
      // here, so a request the configuration takes costs no extra lookup (the engine looks the key
      // up before anything else it checks).
      const first = idempotency && refusal instanceof DomainError && refusal.kind === 'unprocessable' ? await this.engine.retriedHandIn(idempotency) : null;
      if (first) return first;
      throw refusal;
    }
    return this.engine.createContact({
      channel: body.channel, queueId, customerRef: body.customerRef, language: body.language, subject: body.subject, switchedFrom: body.switchedFrom, ...(body.phoneNumber ? { phoneNumber: this.numbers.customer(body.phoneNumber) } : {}),
      ...(idempotency ? { idempotency } : {}),
    });
  }

  /** The queue the body names, or the one its routing attributes (department, channel, language) find; 422 naming the field otherwise. */
  private async queueOf(body: CreateContactDto): Promise<string> {
    if (!!body.queueId === !!body.departmentId) {
      throw unprocessable('validation.failed', 'Name the queue or the department', [
        body.queueId
          ? { field: 'departmentId', rule: 'exactlyOne', message: 'give queueId or departmentId (with channel and language), not both' }
          : { field: 'queueId', rule: 'exactlyOne', message: 'give queueId, or departmentId with channel and language' },
      ]);
    }
    const queueId = body.queueId ?? (await this.engine.queueForAttributes(body.departmentId!, body.channel, body.language));
    if (!queueId && !(await this.departments.findById(body.departmentId!))) {
      throw unprocessable('validation.failed', 'The department does not exist', [{ field: 'departmentId', rule: 'exists', message: `department ${body.departmentId} does not exist` }]);
    }
    if (!queueId) {
      throw unprocessable('validation.failed', 'No queue serves these routing attributes', [
        { field: 'departmentId', rule: 'queueExists', message: `department ${body.departmentId} has no ${body.channel} queue for language "${body.language}"` },
      ]);
    }
    return queueId;
  }
}

/** The chat or email gateway withdraws a contact whose customer left before it was connected. */
@Injectable()
export class AbandonContact {
  constructor(private readonly engine: RoutingEngine) {}
  execute(contactId: string): Promise<ContactRow> {
    return this.engine.abandonContact(contactId);
  }
}

/**
 * A supervisor ends a stuck contact (a lost `ended`, a desk that never completed): by id, or a phone
 * contact by its call id. The timeline's `ended` event names the API key that did it.
 */
@Injectable()
export class EndContact {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly keys: ApiKeyRepository,
    private readonly engine: RoutingEngine,
  ) {}

  async execute(idOrCallId: string, caller: Caller): Promise<{ contact: ContactRow; events: ContactEventRow[]; callbackNumber: string | null }> {
    const found = (isUuid(idOrCallId) ? await this.repo.direct.findContact(idOrCallId) : null) ?? (await this.repo.direct.findContactByCallId(idOrCallId));
    if (!found) throw notFound('contact', idOrCallId);
    const key = await this.keys.findById(caller.keyId);
    const contact = await this.engine.endContact(found.id, { apiKeyId: caller.keyId, keyName: key?.name ?? null, role: caller.role });
    return { contact, events: await this.repo.contactEvents(contact.id), callbackNumber: contact.kind === 'callback' ? await this.repo.callbackNumber(contact.id) : null };
  }
}

/** The longest date range of one contact list (as a forecast's). */
const MAX_LIST_DAYS = 62;

/** `GET /v1/contacts`: a queue's contacts by arrival, to check a report's figures or find what is open. */
@Injectable()
export class ListContacts {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly queues: QueueRepository,
  ) {}

  async execute(q: ListContactsQueryDto): Promise<{ rows: ContactRow[]; total: number; callbackNumbers: Map<string, string> }> {
    const v: FieldViolation[] = [];
    if ((q.from === undefined) !== (q.to === undefined)) v.push({ field: q.from === undefined ? 'from' : 'to', rule: 'bothOrNeither', message: 'give both from and to, or neither' });
    else if (q.from !== undefined && q.to !== undefined) {
      const days = daysBetween(q.from, q.to);
      if (days < 0) v.push({ field: 'to', rule: 'afterFrom', message: 'to must be on or after from' });
      else if (days + 1 > MAX_LIST_DAYS) v.push({ field: 'to', rule: 'maxRange', message: `the range is at most ${MAX_LIST_DAYS} days` });
    } else if (q.open !== 'true') v.push({ field: 'open', rule: 'rangeOrOpen', message: 'without from and to, list only the open contacts (open=true)' });
    if (v.length) throw unprocessable('validation.failed', 'The contact list request is invalid', v);
    if (!(await this.queues.findById(q.queueId))) throw notFound('queue', q.queueId);
    const page = await this.repo.listContacts({
      queueId: q.queueId,
      from: q.from === undefined ? null : new Date(localToEpoch(q.from, 0, REPORT_TIME_ZONE)),
      to: q.to === undefined ? null : new Date(localToEpoch(addDays(q.to, 1), 0, REPORT_TIME_ZONE)),
      open: q.open === undefined ? null : q.open === 'true',
      limit: q.limit,
      offset: q.offset,
    });
    // A callback's number, as GET /v1/contacts/{id} gives it (the list answered null: an audit).
    const callbackNumbers = await this.repo.callbackNumbers(page.rows.filter((c) => c.kind === 'callback').map((c) => c.id));
    return { ...page, callbackNumbers };
  }
}

/** A contact by id, or a phone contact by its SIP Call-ID. */
@Injectable()
export class FindContact {
  constructor(private readonly repo: RoutingRepository) {}
  /** An agent-role caller reads only contacts its agent was offered or handled (its timeline names the agent). */
  async execute(idOrCallId: string, caller?: Caller): Promise<{ contact: ContactRow; events: ContactEventRow[]; callbackNumber: string | null }> {
    const contact = (isUuid(idOrCallId) ? await this.repo.direct.findContact(idOrCallId) : null) ?? (await this.repo.direct.findContactByCallId(idOrCallId));
    if (!contact) throw notFound('contact', idOrCallId);
    const events = await this.repo.contactEvents(contact.id);
    if (caller?.role === 'agent') {
      const agentId = await this.repo.agentForApiKey(caller.keyId);
      const own = agentId !== null && (contact.agentId === agentId || events.some((e) => e.agentId === agentId));
      if (!own) throw new DomainError('forbidden', 'auth.not_own_contact', 'An agent key may read only contacts offered to or handled by its own agent');
    }
    return { contact, events, callbackNumber: contact.kind === 'callback' ? await this.repo.callbackNumber(contact.id) : null };
  }
}
