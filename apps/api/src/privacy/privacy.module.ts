import { Module } from '@nestjs/common';
import { PrivacyController, RetentionAuditController } from './privacy.controller.js';
import { ApplyPersonalDataRetention, EraseCustomerPersonalData, ListRetentionRuns, PrivacyClock } from './privacy.use-cases.js';

/** Data protection: erasure on request, the retention job and its audit trail. */
@Module({
  controllers: [PrivacyController, RetentionAuditController],
  providers: [PrivacyClock, EraseCustomerPersonalData, ApplyPersonalDataRetention, ListRetentionRuns],
})
export class PrivacyModule {}
