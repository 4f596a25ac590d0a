import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module.js';
import { CustomersController } from './customers.controller.js';
import { LinkCustomerPhoneNumber } from './customers.use-cases.js';

/** Customers across channels: the CRM links a gateway reference and a phone number. */
@Module({
  imports: [RoutingModule],
  controllers: [CustomersController],
  providers: [LinkCustomerPhoneNumber],
})
export class CustomersModule {}
