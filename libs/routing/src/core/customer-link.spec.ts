import { NOW, secondsBefore } from '../spec-fixtures.js';
import { callerNumber, CUSTOMER_PHONE_NUMBER_PATTERN, customerPhoneNumber, identifiedCaller, isCustomerPhoneNumber, moreRecentLastAgent, planCustomerLink, planNumberHolder, type StoredCustomer } from './customer-link.js';
import type { CustomerRecord } from './types.js';

const customer = (id: string, over: Partial<CustomerRecord> = {}): CustomerRecord => ({ id, phoneNumber: null, externalRef: null, lastAgentId: null, lastContactAt: null, ...over });
const ids = () => {
  let n = 0;
  return () => `new-${++n}`;
};
const DAY = 86_400;

describe('linking a customer reference and a phone number', () => {
  it('changes nothing when the reference and the number are already one customer', () => {
    const both = customer('c1', { externalRef: 'web-1', phoneNumber: '+358401234567', lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, DAY) });
    expect(planCustomerLink(both, both, 'web-1', '+358401234567', ids())).toEqual({
      outcome: 'unchanged', customer: both, before: { id: 'c1', phoneNumber: '+358401234567', externalRef: 'web-1' }, merged: null, numberTakenFrom: null, numberReplaced: false,
    });
  });

  it('makes one new customer with both when neither is known', () => {
    expect(planCustomerLink(null, null, 'web-1', '+358401234567', ids())).toEqual({
      outcome: 'created',
      customer: { id: 'new-1', phoneNumber: '+358401234567', externalRef: 'web-1', lastAgentId: null, lastContactAt: null },
      before: null, merged: null, numberTakenFrom: null, numberReplaced: false,
    });
  });

  it("gives the reference's customer the number, keeping its last agent", () => {
    const email = customer('c1', { externalRef: 'mail-1', lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, DAY) });
    const plan = planCustomerLink(email, null, 'mail-1', '+358401234567', ids());
    expect(plan).toMatchObject({ outcome: 'linked', customer: { ...email, phoneNumber: '+358401234567' }, before: { id: 'c1', phoneNumber: null, externalRef: 'mail-1' }, merged: null, numberReplaced: false });
  });

  it('replaces a number the reference had before: the number given last wins', () => {
    const email = customer('c1', { externalRef: 'mail-1', phoneNumber: '+358409999999' });
    expect(planCustomerLink(email, null, 'mail-1', '+358401234567', ids())).toMatchObject({ outcome: 'linked', customer: { phoneNumber: '+358401234567' }, numberReplaced: true });
  });

  it('gives a customer of calls alone the reference, history and all', () => {
    const caller = customer('c2', { phoneNumber: '+358401234567', lastAgentId: 'a2', lastContactAt: secondsBefore(NOW, 3600) });
    expect(planCustomerLink(null, caller, 'web-1', '+358401234567', ids())).toMatchObject({
      outcome: 'linked', customer: { id: 'c2', externalRef: 'web-1', phoneNumber: '+358401234567', lastAgentId: 'a2' }, before: { id: 'c2', externalRef: null }, merged: null,
    });
  });

  it('merges a customer of calls alone into the reference\'s: the more recent last agent stays, the caller\'s row goes', () => {
    const email = customer('c1', { externalRef: 'mail-1', lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, 2 * DAY) });
    const caller = customer('c2', { phoneNumber: '+358401234567', lastAgentId: 'a2', lastContactAt: secondsBefore(NOW, DAY) });
    const plan = planCustomerLink(email, caller, 'mail-1', '+358401234567', ids());
    expect(plan).toEqual({
      outcome: 'merged',
      customer: { id: 'c1', externalRef: 'mail-1', phoneNumber: '+358401234567', lastAgentId: 'a2', lastContactAt: caller.lastContactAt },
      before: { id: 'c1', phoneNumber: null, externalRef: 'mail-1' },
      merged: { id: 'c2', phoneNumber: '+358401234567', externalRef: null },
      numberTakenFrom: null,
      numberReplaced: false,
    });
    // The other way round: the email was the more recent contact.
    const older = customer('c2', { phoneNumber: '+358401234567', lastAgentId: 'a2', lastContactAt: secondsBefore(NOW, 3 * DAY) });
    expect(planCustomerLink(email, older, 'mail-1', '+358401234567', ids()).customer).toMatchObject({ lastAgentId: 'a1', lastContactAt: email.lastContactAt });
  });

  it("moves the number away from another reference's customer without merging two references", () => {
    const other = customer('c3', { externalRef: 'web-other', phoneNumber: '+358401234567', lastAgentId: 'a3', lastContactAt: secondsBefore(NOW, 60) });
    const email = customer('c1', { externalRef: 'mail-1', lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, DAY) });
    expect(planCustomerLink(email, other, 'mail-1', '+358401234567', ids())).toEqual({
      outcome: 'linked',
      customer: { ...email, phoneNumber: '+358401234567' },
      before: { id: 'c1', phoneNumber: null, externalRef: 'mail-1' },
      merged: null,
      numberTakenFrom: { id: 'c3', phoneNumber: '+358401234567', externalRef: 'web-other' },
      numberReplaced: false,
    });
    // A reference not known yet: a new customer takes the number, with no history of the other's.
    expect(planCustomerLink(null, other, 'web-new', '+358401234567', ids())).toEqual({
      outcome: 'created',
      customer: { id: 'new-1', phoneNumber: '+358401234567', externalRef: 'web-new', lastAgentId: null, lastContactAt: null },
      before: null,
      merged: null,
      numberTakenFrom: { id: 'c3', phoneNumber: '+358401234567', externalRef: 'web-other' },
      numberReplaced: false,
    });
  });

  it('keeps the last agent who is still named when the more recent one was deleted', () => {
    const deletedAgent = customer('c1', { lastAgentId: null, lastContactAt: secondsBefore(NOW, 60) });
    const named = customer('c2', { lastAgentId: 'a2', lastContactAt: secondsBefore(NOW, DAY) });
    expect(moreRecentLastAgent(deletedAgent, named)).toEqual({ lastAgentId: 'a2', lastContactAt: named.lastContactAt });
    expect(moreRecentLastAgent(deletedAgent, customer('c3'))).toEqual({ lastAgentId: null, lastContactAt: deletedAgent.lastContactAt });
    expect(moreRecentLastAgent(customer('c4'), customer('c5'))).toEqual({ lastAgentId: null, lastContactAt: null });
  });

  it('takes any spelling of a plausible number, nothing else; stores it in one form', () => {
    for (const ok of ['+358401234567', '0401234567', '112', '+'.concat('1'.repeat(20)), '040 123 4567', '040-1234567', '+358 40', '+358 (0)40 123 4567', '00358401234567']) {
      expect({ ok, valid: isCustomerPhoneNumber(ok) }).toEqual({ ok, valid: true });
    }
    for (const bad of ['', '+', '12', 'anonymous', '1'.repeat(21), '++358401234567', 'sip:+358401234567@pbx', '040 123 456x', 358401234567, null, undefined]) {
      expect({ bad, valid: isCustomerPhoneNumber(bad) }).toEqual({ bad, valid: false });
    }
    for (const spelt of ['0401234567', '040 123 4567', '+358 (0)40 123 4567', '00358401234567', '+358401234567']) expect(customerPhoneNumber(spelt, '358')).toBe('+358401234567');
    expect(customerPhoneNumber('0701234567', '46')).toBe('+46701234567');
    expect(() => customerPhoneNumber('anonymous', '358')).toThrow(/plausible/);
  });

  it('documents the spellings it takes with a pattern that matches them', () => {
    const pattern = new RegExp(CUSTOMER_PHONE_NUMBER_PATTERN);
    for (const ok of ['+358401234567', '0401234567', '040 123 4567', '+358 (0)40 123 4567', '040.123.4567']) expect({ ok, matches: pattern.test(ok) }).toEqual({ ok, matches: true });
    for (const bad of ['anonymous', '12', '+358+40123', 'sip:+358401234567@pbx']) expect({ bad, matches: pattern.test(bad) }).toEqual({ bad, matches: false });
  });
});

describe('identifiedCaller', () => {
  it('keeps a number as sent and turns a withheld-number marker into no one', () => {
    for (const n of ['+358401234567', '0401234567', '040 123 4567', 'sip:+358401234567@pbx.example', '112']) expect(identifiedCaller(n)).toBe(n);
    for (const n of ['', 'anonymous', 'Anonymous', 'unknown', 'restricted', 'private', 'unavailable', 'sip:anonymous@anonymous.invalid', '+', '12']) expect(identifiedCaller(n)).toBe('');
  });
});

describe('callerNumber', () => {
  it('finds every spelling of a number as one caller, in the one form the IVR and the CRM are looked up by', () => {
    for (const n of ['+358401234567', '0401234567', '040 123 4567', '00358401234567', '+358 (0)40 123 4567']) expect(callerNumber(n, '358')).toBe('+358401234567');
    expect(callerNumber('0701234567', '46')).toBe('+46701234567');
  });

  it('keeps a withheld number no one, and any other callerId as sent, as before', () => {
    for (const n of ['', 'anonymous', 'unknown', 'restricted', 'sip:anonymous@anonymous.invalid', '+', '12', '1-2']) expect(callerNumber(n, '358')).toBe('');
    for (const n of ['sip:+358401234567@pbx.example', 'tel:+358401234567', '040 123 456x']) expect(callerNumber(n, '358')).toBe(n);
  });
});

describe('one holder of a number stored in several spellings (planNumberHolder)', () => {
  const PHONE = '+358401234567';
  const stored = (id: string, over: Partial<StoredCustomer> = {}): StoredCustomer => ({ ...customer(id), createdAt: secondsBefore(NOW, 30 * DAY), ...over });

  it('keeps a lone customer, giving it the number in its one form', () => {
    const ivr = stored('c1', { phoneNumber: '0401234567', lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, DAY) });
    expect(planNumberHolder([ivr], PHONE)).toEqual({ holder: { ...customer('c1'), phoneNumber: PHONE, lastAgentId: 'a1', lastContactAt: ivr.lastContactAt }, merged: [], numberTakenFrom: [] });
  });

  it("merges the callers of two spellings into the one that has the number's form already, keeping the more recent last agent", () => {
    const sip = stored('c1', { phoneNumber: PHONE, lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, 5 * DAY) });
    const ivr = stored('c2', { phoneNumber: '0401234567', lastAgentId: 'a2', lastContactAt: secondsBefore(NOW, DAY) });
    const crm = stored('c3', { phoneNumber: '00358401234567', lastAgentId: 'a3', lastContactAt: secondsBefore(NOW, 9 * DAY) });
    expect(planNumberHolder([ivr, crm, sip], PHONE)).toEqual({
      holder: { ...customer('c1'), phoneNumber: PHONE, lastAgentId: 'a2', lastContactAt: ivr.lastContactAt },
      merged: ['c2', 'c3'],
      numberTakenFrom: [],
    });
  });

  it("merges callers into a reference's customer, which takes the number", () => {
    const sip = stored('c1', { phoneNumber: PHONE, lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, DAY) });
    const crm = stored('c2', { phoneNumber: '0401234567', externalRef: 'web-1', lastAgentId: 'a2', lastContactAt: secondsBefore(NOW, 3 * DAY) });
    expect(planNumberHolder([sip, crm], PHONE)).toEqual({
      holder: { ...customer('c2'), externalRef: 'web-1', phoneNumber: PHONE, lastAgentId: 'a1', lastContactAt: sip.lastContactAt },
      merged: ['c1'],
      numberTakenFrom: [],
    });
  });

  it('never merges two references: the most recently active keeps the number, the other its reference and history', () => {
    const older = stored('c1', { phoneNumber: PHONE, externalRef: 'web-1', lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, 40 * DAY) });
    const newer = stored('c2', { phoneNumber: '040 123 4567', externalRef: 'web-2', createdAt: secondsBefore(NOW, DAY) });
    const caller = stored('c3', { phoneNumber: '0401234567', lastAgentId: 'a3', lastContactAt: secondsBefore(NOW, 2 * DAY) });
    expect(planNumberHolder([older, newer, caller], PHONE)).toEqual({
      holder: { ...customer('c2'), externalRef: 'web-2', phoneNumber: PHONE, lastAgentId: 'a3', lastContactAt: caller.lastContactAt },
      merged: ['c3'],
      numberTakenFrom: ['c1'],
    });
  });
});
