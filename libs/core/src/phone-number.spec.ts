import { DEFAULT_COUNTRY_CODE, isCountryCallingCode, isPlausiblePhoneNumber, normalisePhoneNumber } from './phone-number.js';

describe('one spelling of a phone number (normalisePhoneNumber)', () => {
  it('keeps the SIP caller ID in international form as it came (the same string: no new one on the hot path)', () => {
    const sip = '+358401234567';
    expect(normalisePhoneNumber(sip)).toBe(sip);
    expect(normalisePhoneNumber('+46701234567')).toBe('+46701234567');
  });

  it('makes a national number (trunk prefix 0) international with the default country code, Finland unless told', () => {
    expect(DEFAULT_COUNTRY_CODE).toBe('358');
    expect(normalisePhoneNumber('0401234567')).toBe('+358401234567');
    expect(normalisePhoneNumber('091234567')).toBe('+35891234567');
    expect(normalisePhoneNumber('0701234567', '46')).toBe('+46701234567');
    expect(normalisePhoneNumber('030123456', '49')).toBe('+4930123456');
  });

  it('reads the international prefix 00 as +', () => {
    expect(normalisePhoneNumber('00358401234567')).toBe('+358401234567');
    expect(normalisePhoneNumber('0046701234567', '358')).toBe('+46701234567');
  });

  it('removes spaces, no-break spaces, dashes, dots and parentheses', () => {
    for (const spelt of ['040 123 4567', '040-123 45 67', '040.123.4567', '(040) 123 4567', ' 0401234567 ', '+358 40 123 4567', '+358-40-1234567', '00358 40 123 4567', '00 358 40 123 4567', '+358\u00a040\u00a0123\u00a04567', ' +358401234567']) {
      expect([spelt, normalisePhoneNumber(spelt)]).toEqual([spelt, '+358401234567']);
    }
  });

  it('drops the (0) written between the country code and the number, only in an international number', () => {
    expect(normalisePhoneNumber('+358 (0)40 123 4567')).toBe('+358401234567');
    expect(normalisePhoneNumber('+358(0)401234567')).toBe('+358401234567');
    expect(normalisePhoneNumber('00358 (0)40 123 4567')).toBe('+358401234567');
    expect(normalisePhoneNumber('+49 (0)30 123456')).toBe('+4930123456');
    // In a national number the parentheses are only parentheses.
    expect(normalisePhoneNumber('(0)40 123 4567')).toBe('+358401234567');
    expect(normalisePhoneNumber('040 (0)1234567')).toBe('+3584001234567');
  });

  it('keeps a number without + and without a trunk prefix as it is (E.164 without its +, or a local number: which, cannot be told)', () => {
    expect(normalisePhoneNumber('358401234567')).toBe('358401234567');
    expect(normalisePhoneNumber('1234567')).toBe('1234567');
    expect(normalisePhoneNumber('123')).toBe('123');
    expect(normalisePhoneNumber('12 34 567')).toBe('1234567');
  });

  it('is no number for anything else: a withheld marker, a SIP URI, letters, a misplaced +, too few or too many digits', () => {
    for (const no of ['', ' ', 'anonymous', 'unknown', 'restricted', 'sip:anonymous@anonymous.invalid', 'sip:+358401234567@pbx.example.com', 'tel:+358401234567',
      '040 123 456x', '+358+401234567', '358+401234567', '12', '1-2', '+12', '0', '00', '005', '+', '()', '040/1234567', '040_1234567', '040\t1234567',
      '1'.repeat(21), '+' + '1'.repeat(21), '0' + '1'.repeat(18), '9'.repeat(65)]) {
      expect([no, normalisePhoneNumber(no)]).toEqual([no, null]);
      expect(isPlausiblePhoneNumber(no)).toBe(false);
    }
    expect(isPlausiblePhoneNumber(undefined)).toBe(false);
    expect(isPlausiblePhoneNumber(401234567)).toBe(false);
  });

  it('counts the digits of what the number becomes: 3 to 20', () => {
    expect(normalisePhoneNumber('1'.repeat(20))).toBe('1'.repeat(20));
    expect(normalisePhoneNumber('+' + '1'.repeat(20))).toBe('+' + '1'.repeat(20));
    // 0 + 17 digits → +358 and 17 digits: 20.
    expect(normalisePhoneNumber('0' + '1'.repeat(17))).toBe('+358' + '1'.repeat(17));
    expect(normalisePhoneNumber('0' + '1'.repeat(18))).toBeNull();
    expect(normalisePhoneNumber('00123')).toBe('+123');
    expect(normalisePhoneNumber('0012')).toBeNull();
  });

  it('is idempotent: a normalised number normalises to itself, in any country', () => {
    const spellings = ['0401234567', '040 123 4567', '+358 (0)40 123 4567', '00358401234567', '358401234567', '123', '00123', '012', '+0401234567'];
    for (const cc of ['358', '46', '1']) {
      for (const spelt of spellings) {
        const once = normalisePhoneNumber(spelt, cc);
        expect(once).not.toBeNull();
        expect([spelt, cc, normalisePhoneNumber(once!, cc)]).toEqual([spelt, cc, once]);
      }
    }
  });

  it('knows a country calling code: 1–3 digits, not starting with 0', () => {
    for (const ok of ['1', '46', '358', '999']) expect(isCountryCallingCode(ok)).toBe(true);
    for (const bad of ['', '0', '046', '3580', '+358', '35a', ' 358', 358]) expect(isCountryCallingCode(bad)).toBe(false);
  });
});
