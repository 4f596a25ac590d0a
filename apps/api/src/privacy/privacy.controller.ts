import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentCaller } from '../auth/caller.decorator.js';
import type { Caller } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { ProblemDto } from '../common/problem-details.js';
import { ErasureDto, ErasureRequestDto } from './privacy.dto.js';
import { EraseCustomerPersonalData } from './privacy.use-cases.js';

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
