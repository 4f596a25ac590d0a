import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ProblemDto } from '../common/problem-details.js';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-key.dto.js';
import { CreateApiKey, ListApiKeys, RevokeApiKey } from './api-keys.use-cases.js';
import { Roles } from './roles.decorator.js';

@ApiTags('api-keys')
@Controller('v1/api-keys')
@Roles('admin')
export class ApiKeysController {
  constructor(
    private readonly createApiKey: CreateApiKey,
    private readonly listApiKeys: ListApiKeys,
    private readonly revokeApiKey: RevokeApiKey,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key for a role (agent keys: POST /v1/agents/{id}/api-keys); the secret is returned once' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'A field breaks a rule (named in `errors`); role agent is refused (rule isIn): agent keys are made bound to their agent with POST /v1/agents/{id}/api-keys.' })
  async create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { key, secret } = await this.createApiKey.execute(body);
    return { ...ApiKeyDto.from(key), key: secret };
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (never their secrets)' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  async list(): Promise<ApiKeyDto[]> {
    return (await this.listApiKeys.execute()).map(ApiKeyDto.from);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key at once' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async revoke(@Param('id', new ParseUUIDPipe()) id: string): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.revokeApiKey.execute(id, new Date()));
  }
}
