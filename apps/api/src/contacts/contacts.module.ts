import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module.js';
import { ContactsController } from './contacts.controller.js';
import { AbandonContact, CreateContact, EndContact, FindContact, ListContacts } from './contacts.use-cases.js';
import { RemoveExpiredIdempotencyKeys } from './idempotency-keys.job.js';

/** Chat and email contacts handed in by gateways; every contact's timeline and explanation. */
@Module({
  imports: [RoutingModule],
  controllers: [ContactsController],
  providers: [CreateContact, FindContact, AbandonContact, EndContact, ListContacts, RemoveExpiredIdempotencyKeys],
})
export class ContactsModule {}
