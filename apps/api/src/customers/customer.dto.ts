import { ApiProperty } from '@nestjs/swagger';
import { CUSTOMER_PHONE_NUMBER_PATTERN } from '../../../../libs/routing/src/core/customer-link.js';
import { IsCustomerPhoneNumber } from '../common/validation.js';

/** `PUT /v1/customers/{customerRef}/phone-number`: the number the CRM knows for a gateway reference. */
export class CustomerPhoneNumberDto {
  @ApiProperty({
    example: '+358401234567',
    pattern: CUSTOMER_PHONE_NUMBER_PATTERN,
    description:
      "The customer's phone number: any spelling of the number — +358401234567, 0401234567, 040 123 4567, +358 (0)40 123 4567, 00358401234567 (3–20 digits; spaces, dashes, dots and parentheses are ignored; 422 rule phoneNumber otherwise). It is stored and matched in one form: a national number (leading 0) takes the country code PHONE_DEFAULT_COUNTRY_CODE (default 358), 00 becomes +, so it finds the customer of calls from that number whatever spelling either used. " +
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
