import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '../auth/caller.decorator.js';
import type { Caller } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { ProblemDto } from '../common/problem-details.js';
import { ErasureDto } from './privacy.dto.js';
import { EraseCustomerPersonalData } from './privacy.use-cases.js';

@ApiTags('privacy')
@Controller('v1/customers')
export class PrivacyController {
  constructor(private readonly erase: EraseCustomerPersonalData) {}

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
