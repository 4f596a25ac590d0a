import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_COUNTRY_CODE } from '../../../../libs/core/src/phone-number.js';
import { callerNumber, customerPhoneNumber } from '../../../../libs/routing/src/core/customer-link.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/**
 * Customers' phone numbers in their one form (libs/core normalisePhoneNumber) with the configured
 * country of national numbers (PHONE_DEFAULT_COUNTRY_CODE). Every use case that stores or looks up
 * a customer by number passes it through here before either routing engine or the erasure sees it:
 * a call's callerId, an IVR's callbackNumber, a gateway's or the CRM's phoneNumber, an erasure's.
 */
@Injectable()
export class PhoneNumbers {
  readonly countryCode: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.countryCode = config.phoneCountryCode ?? DEFAULT_COUNTRY_CODE;
  }

  /** A call's caller: its number in one form, '' when withheld, anything else (a SIP URI) as sent (callerNumber). */
  caller(callerId: string): string {
    return callerNumber(callerId, this.countryCode);
  }

  /** A number a request body gave, validated (IsCustomerPhoneNumber), in its stored form. */
  customer(phoneNumber: string): string {
    return customerPhoneNumber(phoneNumber, this.countryCode);
  }
}
