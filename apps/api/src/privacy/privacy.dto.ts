import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import type { AuditRecord } from '../../../../libs/persistence/src/repositories/privacy.repository.js';
import { CUSTOMER_PHONE_NUMBER_PATTERN } from '../../../../libs/routing/src/core/customer-link.js';
import { PageQueryDto } from '../common/paging.dto.js';
import { IsCustomerPhoneNumber, IsCustomerRef, IsLocalDate, NotBeforeDate } from '../common/validation.js';

/**
 * `POST /v1/customers/erasure`: the customer to erase, named by exactly one identifier. A caller who
 * asks to be forgotten is known to the data protection officer by the number they call from; the
 * body keeps the number (and the reference) out of the request line, which proxies log.
 */
export class ErasureRequestDto {
  @ApiPropertyOptional({
    example: '+358401234567',
    pattern: CUSTOMER_PHONE_NUMBER_PATTERN,
    description: "The number the customer calls from: any spelling of the number — +358401234567, 0401234567, 040 123 4567, +358 (0)40 123 4567, 00358401234567 (3–20 digits; spaces, dashes, dots and parentheses are ignored; 422 rule phoneNumber otherwise). It is stored and matched in one form: a national number (leading 0) takes the country code PHONE_DEFAULT_COUNTRY_CODE (default 358), 00 becomes +, so it finds the customer of calls from that number whatever spelling either used. Personal data: never logged.",
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

  @ApiProperty({
    type: 'integer',
    example: 1,
    description:
      "Idempotency-Key records of the customer's contacts deleted (a gateway's key and a hash of its request body, kept 24 h): a retry of such a hand-in after the erasure is a new request.",
  })
  idempotencyKeys: number;
}

/** `GET /v1/audit-log/retention-runs`: which runs, by the local date they ran on. */
export class RetentionRunQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'Runs on or after this local date (Europe/Helsinki, as the reports count days). With `to`; without both, every run.' })
  @IsOptional()
  @IsLocalDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Runs on or before this local date (inclusive); not before `from` (422 rule afterFrom).' })
  @IsOptional()
  @IsLocalDate()
  @NotBeforeDate()
  to?: string;
}

export class RetentionRunDetailDto {
  @ApiProperty({ type: 'integer', example: 365, description: 'PERSONAL_DATA_RETENTION_DAYS of the run.' })
  retentionDays: number;

  @ApiProperty({ example: '2025-11-25T01:15:00.000Z', description: 'Personal data older than this instant was removed.' })
  cutoff: string;

  @ApiProperty({ type: 'integer', example: 412, description: 'Finished contacts whose caller name, customer reference or subject were removed.' })
  contacts: number;

  @ApiProperty({ type: 'integer', example: 37, description: 'Survey comments removed (scores kept).' })
  surveys: number;

  @ApiProperty({ type: 'integer', example: 0, description: 'Survey invitations not yet sent, cancelled.' })
  invitationsCancelled: number;

  @ApiProperty({ type: 'integer', example: 120, description: 'Customers with no contact since the cutoff (answered or not), whose number and reference were removed.' })
  customers: number;
}

/** One retention run's audit line: the shape of GET /v1/audit-log's entries, with the detail spelled out. */
export class RetentionRunDto {
  @ApiProperty({ example: '4711' })
  id: string;

  @ApiProperty({ example: '2026-11-25T01:15:00.412Z', description: 'When the run removed the data.' })
  at: string;

  @ApiProperty({ example: 'system:retention' })
  actor: string;

  @ApiProperty({ example: 'personal-data.retention' })
  action: string;

  @ApiProperty({ example: 'retention-run' })
  entityType: string;

  @ApiProperty({ example: '2026-11-25T01:15:00.000Z', description: "The run's own clock reading (its entity id)." })
  entityId: string;

  @ApiProperty({ type: RetentionRunDetailDto, description: 'Counts only: no personal data.' })
  detail: RetentionRunDetailDto;

  static from(a: AuditRecord): RetentionRunDto {
    return { id: a.id, at: a.at.toISOString(), actor: a.actor, action: a.action, entityType: a.entityType, entityId: a.entityId, detail: a.detail as unknown as RetentionRunDetailDto };
  }
}

export class RetentionRunPageDto {
  @ApiProperty({ type: [RetentionRunDto], description: 'Oldest first.' })
  items: RetentionRunDto[];

  @ApiProperty({ type: 'integer', example: 30 })
  total: number;

  @ApiProperty({ type: 'integer', example: 200 })
  limit: number;

  @ApiProperty({ type: 'integer', example: 0 })
  offset: number;
}
