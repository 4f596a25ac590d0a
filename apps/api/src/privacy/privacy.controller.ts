import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentCaller } from '../auth/caller.decorator.js';
import type { Caller } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { ProblemDto } from '../common/problem-details.js';
import { ErasureDto, ErasureRequestDto, RetentionRunDto, RetentionRunPageDto, RetentionRunQueryDto } from './privacy.dto.js';
import { EraseCustomerPersonalData, ListRetentionRuns } from './privacy.use-cases.js';

@ApiTags('privacy')
@Controller('v1/customers')
export class PrivacyController {
  constructor(private readonly erase: EraseCustomerPersonalData) {}

  /**
   * Admin only, as below. A caller known only by the number they call from has no reference, and
   * their customer id is shown nowhere: the number finds them.
   */
  @Post('erasure')
  @HttpCode(200)
  @Roles()
  @ApiOperation({
    summary: "Erase a customer's personal data on request (admin), the customer named in the body by the number they call from, the gateway's reference or the id",
    description:
      'The same erasure as POST /v1/customers/{id}/erasure. Give exactly one of phoneNumber, customerRef and customerId (422 rule exactlyOne otherwise). ' +
      'A caller who asks to be forgotten is known by their number; in the body it stays out of the request line that proxies log.',
  })
  @ApiOkResponse({ type: ErasureDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'customer.not_found (the identifier is not repeated)' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'validation.failed: none or several identifiers (rule exactlyOne), or a malformed one (phoneNumber, customerRef, isUuid)' })
  async erasureBy(@Body() body: ErasureRequestDto, @CurrentCaller() caller: Caller | undefined): Promise<ErasureDto> {
    const r = await this.erase.execute(body, caller);
    return { ...r, erasedAt: r.erasedAt.toISOString() };
  }

  /** Admin only: irreversible, and the request itself names a person. */
  @Post(':id/erasure')
  @HttpCode(200)
  @Roles()
  @ApiOperation({ summary: "Erase a customer's personal data on request (admin): number, reference, caller names, subjects and survey comments; scores and aggregated figures stay" })
  @ApiParam({ name: 'id', example: 'web-7f3a9c', description: "The customer's id or the chat/e-mail gateway's customer reference." })
  @ApiOkResponse({ type: ErasureDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'customer.not_found' })
  async erasure(@Param('id') id: string, @CurrentCaller() caller: Caller | undefined): Promise<ErasureDto> {
    const r = await this.erase.execute(id, caller);
    return { ...r, erasedAt: r.erasedAt.toISOString() };
  }
}

/** The retention job's audit trail, next to GET /v1/audit-log (whose entries are by entity id). */
@ApiTags('privacy')
@Controller('v1/audit-log')
export class RetentionAuditController {
  constructor(private readonly runs: ListRetentionRuns) {}

  @Get('retention-runs')
  @Roles('supervisor', 'manager')
  @ApiOperation({
    summary: 'The personal-data retention runs (audit log, counts only): when each ran, its cutoff and what it removed',
    description:
      'The daily run (03:15 Europe/Helsinki, PERSONAL_DATA_RETENTION_DAYS) writes one audit line each time; the same readers as GET /v1/audit-log. ' +
      'A range of local dates (Europe/Helsinki, inclusive, as the reports), or every run; a page at a time (limit/offset, with the total), oldest first.',
  })
  @ApiOkResponse({ type: RetentionRunPageDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'validation.failed: from without to or the other way round (rule bothOrNeither), to before from (afterFrom), a malformed date (localDate)' })
  async list(@Query() q: RetentionRunQueryDto): Promise<RetentionRunPageDto> {
    const page = await this.runs.execute(q);
    return { items: page.items.map(RetentionRunDto.from), total: page.total, limit: q.limit, offset: q.offset };
  }
}
