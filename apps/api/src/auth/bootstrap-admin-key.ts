import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { BootstrapAdminKey } from './api-keys.use-cases.js';

@Injectable()
export class BootstrapAdminKeyOnStart implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly bootstrapAdminKey: BootstrapAdminKey,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bootstrapAdminKey.execute(this.config.adminApiKey, new Date());
    if (this.config.adminApiKeyIsDemoDefault) {
      this.logger.warn('ADMIN_API_KEY is not set: the embedded demo accepts the documented demo admin key (see README). Set ADMIN_API_KEY for anything but a demo.');
    }
  }
}
