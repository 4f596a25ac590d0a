import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { addDays, daysBetween } from '../../../../libs/calendar/src/local-date.js';
import { localToEpoch } from '../../../../libs/calendar/src/time-zone.js';
import { notFound, unprocessable, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import { REPORT_TIME_ZONE } from '../../../../libs/reports/src/periods.js';
import { PERSONAL_DATA_RETENTION_LOCK_KEY } from '../../../../libs/persistence/src/repositories/feedback.repository.js';
import { PrivacyRepository, type AuditRecord, type CustomerIdentifier, type ErasureCounts } from '../../../../libs/persistence/src/repositories/privacy.repository.js';
import type { Caller } from '../auth/api-key.guard.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PhoneNumbers } from '../common/phone-numbers.js';
import { RoutingInvalidations } from '../persistence/routing-invalidations.js';

/** The clock of erasure and retention (tests move it). */
@Injectable()
export class PrivacyClock {
  now(): Date {
    return new Date();
  }
}

/**
 * Erases a customer's personal data on request: caller number and reference (customers), caller
 * name, reference and subject (contacts), survey comments, open invitations, and the
 * Idempotency-Key records of the customer's contacts (a retry of such a hand-in is a new request
 * then, on either routing engine). Scores and the links
 * between the customer's contacts stay, so every aggregated figure is unchanged. Audited with
 * counts only.
 */
@Injectable()
export class EraseCustomerPersonalData {
  private readonly logger = new Logger('EraseCustomerPersonalData');

  constructor(
    private readonly privacy: PrivacyRepository,
    private readonly clock: PrivacyClock,
    private readonly routing: RoutingInvalidations,
    private readonly numbers: PhoneNumbers,
  ) {}

  /** `refOrId`: the path's id or reference; or exactly one identifier of the body (`POST /v1/customers/erasure`), the number included. */
  async execute(refOrId: string | { phoneNumber?: string; customerRef?: string; customerId?: string }, caller: Caller | undefined): Promise<ErasureCounts & { customerId: string; erasedAt: Date }> {
    // The reference (or number) itself is personal data: it is not echoed in the error.
    const customerId = typeof refOrId === 'string' ? await this.privacy.findCustomerId(refOrId) : await this.privacy.findCustomerIdBy(this.inOneForm(oneIdentifier(refOrId)));
    if (!customerId) throw notFound('customer', typeof refOrId === 'object' && refOrId.phoneNumber !== undefined ? '(given number)' : '(given reference)');
    const now = this.clock.now();
    const { counts, keysDeletedOf } = await this.privacy.eraseCustomer(customerId, caller ? `api-key:${caller.keyId}` : 'unknown', now);
    await this.routing.customersChanged([customerId], keysDeletedOf);
    this.logger.log({ msg: 'customer personal data erased', customerId, ...counts });
    return { customerId, erasedAt: now, ...counts };
  }

  /** A number in its one form (`040 123 4567` finds the caller of `+358401234567`), as every number is stored. */
  private inOneForm(by: CustomerIdentifier): CustomerIdentifier {
    return 'phoneNumber' in by ? { phoneNumber: this.numbers.customer(by.phoneNumber) } : by;
  }
}

const IDENTIFIERS = ['phoneNumber', 'customerRef', 'customerId'] as const;

/** The one identifier the body gives; 422 naming the fields when it gives none or several. */
function oneIdentifier(body: { phoneNumber?: string; customerRef?: string; customerId?: string }): CustomerIdentifier {
  const given = IDENTIFIERS.filter((k) => body[k] !== undefined && body[k] !== null);
  if (given.length !== 1) {
    const fields = given.length === 0 ? IDENTIFIERS : given;
    throw unprocessable(
      'validation.failed',
      'Name the customer by exactly one of phoneNumber, customerRef and customerId',
      fields.map((field) => ({ field, rule: 'exactlyOne', message: 'give exactly one of phoneNumber, customerRef and customerId' })),
    );
  }
  const k = given[0];
  return { [k]: body[k]! } as CustomerIdentifier;
}

/** Removes raw personal data older than PERSONAL_DATA_RETENTION_DAYS, daily at 03:15 Helsinki time; one instance at a time. */
@Injectable()
export class ApplyPersonalDataRetention {
  private readonly logger = new Logger('ApplyPersonalDataRetention');

  constructor(
    private readonly privacy: PrivacyRepository,
    private readonly clock: PrivacyClock,
    private readonly routing: RoutingInvalidations,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get retentionDays(): number {
    return this.config.personalDataRetentionDays ?? 365;
  }

  async execute(now: Date = this.clock.now()): Promise<(ErasureCounts & { ran: true; cutoff: Date }) | { ran: false }> {
    const days = this.retentionDays;
    if (days <= 0) return { ran: false };
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    const erasure = await this.privacy.runExclusively(PERSONAL_DATA_RETENTION_LOCK_KEY, () => this.privacy.applyRetention(cutoff, days, 'system:retention', now));
    if (!erasure) return { ran: false };
    const { counts, keysDeletedOf } = erasure;
    await this.routing.customersChanged('all', keysDeletedOf);
    this.logger.log({ msg: 'personal data retention applied', retentionDays: days, cutoff: cutoff.toISOString(), ...counts });
    return { ran: true, cutoff, ...counts };
  }

  @Cron('0 15 3 * * *', { name: 'personal-data-retention', timeZone: 'Europe/Helsinki' })
  async tick(): Promise<void> {
    if (this.config.feedbackJobs === false) return;
    try {
      await this.execute();
    } catch (err) {
      this.logger.error({ msg: 'personal data retention failed', err: err instanceof Error ? { name: err.name, message: err.message } : String(err) });
    }
  }
}

/**
 * `GET /v1/audit-log/retention-runs`: the retention job's audit lines (counts, cutoff, retention
 * days; no personal data), by the local dates (Europe/Helsinki, inclusive, as the reports) on which
 * the runs happened, a page at a time.
 */
@Injectable()
export class ListRetentionRuns {
  constructor(private readonly privacy: PrivacyRepository) {}

  async execute(q: { from?: string; to?: string; limit: number; offset: number }): Promise<{ items: AuditRecord[]; total: number }> {
    const v: FieldViolation[] = [];
    if ((q.from === undefined) !== (q.to === undefined)) v.push({ field: q.from === undefined ? 'from' : 'to', rule: 'bothOrNeither', message: 'give both from and to, or neither' });
    else if (q.from !== undefined && q.to !== undefined && daysBetween(q.from, q.to) < 0) v.push({ field: 'to', rule: 'afterFrom', message: 'to must be on or after from' });
    if (v.length) throw unprocessable('validation.failed', 'The audit log request is invalid', v);
    return this.privacy.retentionRuns({
      from: q.from === undefined ? null : new Date(localToEpoch(q.from, 0, REPORT_TIME_ZONE)),
      to: q.to === undefined ? null : new Date(localToEpoch(addDays(q.to, 1), 0, REPORT_TIME_ZONE)),
      limit: q.limit,
      offset: q.offset,
    });
  }
}
