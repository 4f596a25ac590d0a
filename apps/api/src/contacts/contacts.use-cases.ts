import { Injectable } from '@nestjs/common';
import { notFound } from '../../../../libs/core/src/domain-error.js';
import type { ContactEventRow, ContactRow } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { RoutingRepository } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { RoutingEngine } from '../routing/routing-engine.js';
import type { CreateContactDto } from './contact.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class CreateContact {
  constructor(private readonly engine: RoutingEngine) {}
  execute(body: CreateContactDto): Promise<ContactRow> {
    return this.engine.createContact({ channel: body.channel, queueId: body.queueId, customerRef: body.customerRef, language: body.language, subject: body.subject });
  }
}

/** A contact by id, or a phone contact by its SIP Call-ID. */
@Injectable()
export class FindContact {
  constructor(private readonly repo: RoutingRepository) {}
  async execute(idOrCallId: string): Promise<{ contact: ContactRow; events: ContactEventRow[] }> {
    const contact = (UUID.test(idOrCallId) ? await this.repo.direct.findContact(idOrCallId) : null) ?? (await this.repo.direct.findContactByCallId(idOrCallId));
    if (!contact) throw notFound('contact', idOrCallId);
    return { contact, events: await this.repo.contactEvents(contact.id) };
  }
}
