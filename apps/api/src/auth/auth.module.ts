import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { ApiKeyCache } from './api-key-cache.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeysController } from './api-keys.controller.js';
import { BootstrapAdminKey, CreateApiKey, ListApiKeys, RevokeApiKey } from './api-keys.use-cases.js';
import { BootstrapAdminKeyOnStart } from './bootstrap-admin-key.js';

@Module({
  controllers: [ApiKeysController],
  providers: [ApiKeyCache, ApiKeyAuthenticator, { provide: APP_GUARD, useClass: ApiKeyGuard }, BootstrapAdminKey, BootstrapAdminKeyOnStart, CreateApiKey, ListApiKeys, RevokeApiKey],
  exports: [ApiKeyAuthenticator],
})
export class AuthModule {}
