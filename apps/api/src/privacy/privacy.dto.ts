import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { CUSTOMER_PHONE_NUMBER } from '../../../../libs/routing/src/core/customer-link.js';
import { IsCustomerPhoneNumber, IsCustomerRef } from '../common/validation.js';

/**
 * `POST /v1/customers/erasure`: the customer to erase, named by exactly one identifier. A caller who
 * asks to be forgotten is known to the data protection officer by the number they call from; the
 * body keeps the number (and the reference) out of the request line, which proxies log.
 */
export class ErasureRequestDto {
  @ApiPropertyOptional({
    example: '+358401234567',
    pattern: CUSTOMER_PHONE_NUMBER.source,
    description: "The number the customer calls from, as the telephony system sends callerId (digits, optionally after +; 422 rule phoneNumber). Personal data: never logged.",
  })
  @IsOptional()
  @IsCustomerPhoneNumber()
  phoneNumber?: string;

  @ApiPropertyOptional({ example: 'web-7f3a9c', description: "The chat/e-mail gateway's customer reference (1–200 characters; 422 rule customerRef)." })
  @IsOptional()
  @IsCustomerRef()
  customerRef?: string;

  @ApiPropertyOptional({ example: '0190f5a2-7c3e-7b1d-9a4f-2e6c8d0b1a37', description: "Vuoro's customer id." })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class ErasureDto {
  @ApiProperty({ example: '5c2d3e4f-6a7b-4c8d-9e0f-1a2b3c4d5e6f', description: 'The customer (kept without identifiers, so aggregated figures stay the same).' })
  customerId: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  erasedAt: string;

  @ApiProperty({ type: 'integer', example: 3, description: 'Contacts whose caller name, customer reference or subject were removed.' })
  contacts: number;

  @ApiProperty({ type: 'integer', example: 1, description: 'Surveys whose comment was removed (scores kept).' })
  surveys: number;

  @ApiProperty({ type: 'integer', example: 0, description: 'Survey invitations not yet sent, cancelled.' })
  invitationsCancelled: number;

  @ApiProperty({ type: 'integer', example: 1, description: 'Customer records whose number and reference were removed (0 when already erased).' })
  customers: number;
}
