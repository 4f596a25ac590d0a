import { Module } from '@nestjs/common';
import { PrivacyController } from './privacy.controller.js';
import { ApplyPersonalDataRetention, EraseCustomerPersonalData, PrivacyClock } from './privacy.use-cases.js';

/** Data protection: erasure on request and the retention job. */
@Module({
  controllers: [PrivacyController],
  providers: [PrivacyClock, EraseCustomerPersonalData, ApplyPersonalDataRetention],
})
export class PrivacyModule {}
