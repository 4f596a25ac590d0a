import { Injectable, Logger } from '@nestjs/common';
import { unprocessable } from '../../../../libs/core/src/domain-error.js';
import { ERASED_REF_PREFIX, type CustomerLinkResult } from '../../../../libs/routing/src/core/customer-link.js';
import { PhoneNumbers } from '../common/phone-numbers.js';
import { RoutingEngine } from '../routing/routing-engine.js';

/** The longest gateway reference (as POST /v1/contacts takes it). */
const MAX_REF_LENGTH = 200;

/**
 * The CRM attaches a phone number to a gateway reference: the customer of the reference and the
 * customer of the number become one (libs/routing customer-link.ts), so that the previous agent is
 * preferred across channels. Through the routing engine: the in-memory one holds the customers of
 * the contacts it routes, and a link made behind its back would leave it routing on stale ones.
 */
@Injectable()
export class LinkCustomerPhoneNumber {
  private readonly logger = new Logger('LinkCustomerPhoneNumber');

  constructor(
    private readonly engine: RoutingEngine,
    private readonly numbers: PhoneNumbers,
  ) {}

  /** `phoneNumber`: any spelling of a plausible number (validated); linked in its one form, as calls find it. */
  async execute(customerRef: string, phoneNumber: string): Promise<CustomerLinkResult> {
    if (customerRef.length > MAX_REF_LENGTH) {
      throw unprocessable('validation.failed', 'The customer reference is too long', [{ field: 'customerRef', rule: 'length', message: `customerRef must be 1–${MAX_REF_LENGTH} characters` }]);
    }
    if (customerRef.startsWith(ERASED_REF_PREFIX)) {
      throw unprocessable('validation.failed', 'The customer reference is an erased customer\'s placeholder', [
        { field: 'customerRef', rule: 'customerRef', message: 'customerRef must not start with "erased:" (the placeholder of an erased customer)' },
      ]);
    }
    const result = await this.engine.linkCustomer(customerRef, this.numbers.customer(phoneNumber));
    // Ids and the outcome only: the reference and the number are personal data.
    if (result.outcome !== 'unchanged') this.logger.log({ msg: 'customer phone number linked', customerId: result.customerId, outcome: result.outcome });
    return result;
  }
}
