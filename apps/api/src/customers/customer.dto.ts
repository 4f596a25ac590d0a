import { ApiProperty } from '@nestjs/swagger';
import { CUSTOMER_PHONE_NUMBER } from '../../../../libs/routing/src/core/customer-link.js';
import { IsCustomerPhoneNumber } from '../common/validation.js';

/** `PUT /v1/customers/{customerRef}/phone-number`: the number the CRM knows for a gateway reference. */
export class CustomerPhoneNumberDto {
  @ApiProperty({
    example: '+358401234567',
    pattern: CUSTOMER_PHONE_NUMBER.source,
    description:
      "The customer's phone number as the telephony system sends callerId: digits, optionally after a leading + (3–20 digits, no spaces; 422 rule phoneNumber). " +
      'Personal data: stored, never logged.',
  })
  @IsCustomerPhoneNumber()
  phoneNumber: string;
}

export class CustomerLinkDto {
  @ApiProperty({ example: '0190f5a2-7c3e-7b1d-9a4f-2e6c8d0b1a37', description: 'The customer that now has the reference and the number.' })
  customerId: string;

  @ApiProperty({
    enum: ['unchanged', 'created', 'linked', 'merged'],
    example: 'merged',
    description:
      'unchanged: they were one customer already; created: a new customer with both; linked: the reference\'s customer took the number (replacing any other it had, ' +
      'or taking it from the customer of another reference, which keeps its own history), or the customer of earlier calls from the number took the reference; ' +
      "merged: the customer of earlier calls from the number was merged into the reference's (its contacts and surveys moved; the more recent last agent kept).",
  })
  outcome: string;
}
