import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { ProblemDto } from '../common/problem-details.js';
import { CustomerLinkDto, CustomerPhoneNumberDto } from './customer.dto.js';
import { LinkCustomerPhoneNumber } from './customers.use-cases.js';

@ApiTags('customers')
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly link: LinkCustomerPhoneNumber) {}

  /** The integrations' role (gateways hand in contacts by reference with it), and admin. */
  @Put(':customerRef/phone-number')
  @Roles('telephony')
  @ApiOperation({
    summary: "Attach a phone number to a gateway's customer reference (the CRM): calls from the number then prefer the agent of the reference's chats and emails, and back",
    description:
      'Idempotent. The customer of the reference and the customer of the number become one; a customer has one number, the one given last. ' +
      "Two references are never merged: a number held by another reference's customer moves to this one. The number is stored, never logged, " +
      'and erased with the customer (POST /v1/customers/{id}/erasure).',
  })
  @ApiParam({ name: 'customerRef', example: 'web-7f3a9c', description: "The chat/e-mail gateway's customer reference (as in POST /v1/contacts; 1–200 characters)." })
  @ApiOkResponse({ type: CustomerLinkDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'validation.failed: phoneNumber (rule phoneNumber) or customerRef (rule length; rule customerRef for an erased customer\'s erased: placeholder).' })
  async phoneNumber(@Param('customerRef') customerRef: string, @Body() body: CustomerPhoneNumberDto): Promise<CustomerLinkDto> {
    return this.link.execute(customerRef, body.phoneNumber);
  }
}
