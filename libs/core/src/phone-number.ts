/**
 * One spelling of a customer's phone number. The same line reaches Vuoro spelt many ways: the SIP
 * caller ID in international form (`+358401234567`), a number keyed in to the IVR in national form
 * (`0401234567`), a CRM's `040 123 4567`, `+358 (0)40 123 4567` or `00358 40 123 4567`. Customers
 * are found by number byte for byte (customers.phone_number, unique), so every number that is
 * stored or looked up is first brought to one form:
 *
 * - spaces (also no-break spaces), dashes, dots and parentheses are removed;
 * - the `(0)` that some write between the country code and the number (`+358 (0)40 …`) is dropped;
 * - the international prefix `00` becomes `+` (`00358401234567` → `+358401234567`);
 * - a national number (trunk prefix `0`, not `00`) becomes international with the default country
 *   code (`0401234567` → `+358401234567` for Finland, PHONE_DEFAULT_COUNTRY_CODE);
 * - a number with `+` stays as it is; one without `+` or a leading `0` (a PBX's E.164 without the
 *   `+`, or a short local number) stays as it is too: which of the two it is cannot be told.
 *
 * Anything else is no plausible number and normalises to null: a letter or any other character
 * (`anonymous`, `sip:…@host`), a `+` after the first digit, fewer than 3 digits, or fewer than 3 or
 * more than 20 in the number it would become. The caller of such a call keeps the identity it had
 * before (routing's identifiedCaller); a number a request body gives must be plausible (422 rule
 * `phoneNumber`).
 *
 * The trunk prefix `0` is that of most of Europe (Finland, Sweden, Germany, the UK, …); countries
 * whose national numbers keep the `0` after the country code (Italy) or use another trunk prefix
 * (the NANP's `1`) are not served by the national-form rule.
 *
 * It runs on the decision hot path for every call: one scan of the characters, no regular
 * expression, and no new string for a number already in its form (the SIP caller ID as most
 * trunks send it).
 */

/** Finland's country calling code: the default of PHONE_DEFAULT_COUNTRY_CODE (the customer of PRODUCT.md is Finnish). */
export const DEFAULT_COUNTRY_CODE = '358';

/** The fewest and most digits of a plausible number (as written, and after the `+` of its normalised form). */
export const MIN_PHONE_DIGITS = 3;
export const MAX_PHONE_DIGITS = 20;

/** Longer input is no number however it is spelt (a callerId may be up to 64 characters). */
const MAX_INPUT_LENGTH = 64;

const PLUS = 43;
const ZERO = 48;
const NINE = 57;
const OPEN = 40;
const CLOSE = 41;

function isSeparator(c: number): boolean {
  // space, no-break space, '-', '.', '(', ')'
  return c === 32 || c === 160 || c === 45 || c === 46 || c === OPEN || c === CLOSE;
}

/** An E.164 country calling code: 1–3 digits, not starting with 0 (`358`, `46`, `1`). */
export function isCountryCallingCode(v: unknown): v is string {
  if (typeof v !== 'string' || v.length < 1 || v.length > 3) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < ZERO || c > NINE || (i === 0 && c === ZERO)) return false;
  }
  return true;
}

/**
 * `raw` in its one form (above), or null when it is no plausible number. `countryCode` (digits, no
 * `+`: isCountryCallingCode) is the country of national numbers. Pure and idempotent: a normalised
 * number normalises to itself.
 */
export function normalisePhoneNumber(raw: string, countryCode: string = DEFAULT_COUNTRY_CODE): string | null {
  const n = raw.length;
  if (n === 0 || n > MAX_INPUT_LENGTH) return null;
  let digits = 0;
  let plus = false;
  let skipped = false; // separators or a dropped "(0)" seen: the digits are not one slice of raw
  let dropped = false; // a "(0)" dropped
  let d0 = 0; // the first two digits (char codes)
  let d1 = 0;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      if (digits === 0) d0 = c;
      else if (digits === 1) d1 = c;
      digits++;
    } else if (c === PLUS) {
      if (plus || digits > 0) return null;
      plus = true;
      if (i > 0) skipped = true;
    } else if (c === OPEN && digits > 0 && i + 2 < n && raw.charCodeAt(i + 1) === ZERO && raw.charCodeAt(i + 2) === CLOSE && (plus || (d0 === ZERO && d1 === ZERO))) {
      // "+358 (0)40 …": the trunk prefix some write inside an international number.
      skipped = dropped = true;
      i += 2;
    } else if (isSeparator(c)) {
      skipped = true;
    } else {
      return null;
    }
  }
  // What it becomes: kept (with its '+', or without one and without a trunk prefix), '00' → '+', or national → '+<country code>…'.
  const kind = plus || d0 !== ZERO ? KEPT : d1 === ZERO ? INTERNATIONAL_PREFIX : NATIONAL;
  const significant = kind === KEPT ? digits : kind === INTERNATIONAL_PREFIX ? digits - 2 : digits - 1 + countryCode.length;
  if (digits < MIN_PHONE_DIGITS || significant < MIN_PHONE_DIGITS || significant > MAX_PHONE_DIGITS) return null;
  // The common case is one run of digits, after a leading '+' or not: kept, it is returned as it came.
  if (!skipped) {
    if (kind === KEPT) return raw;
    return kind === INTERNATIONAL_PREFIX ? '+' + raw.slice(2) : '+' + countryCode + raw.slice(1);
  }
  const d = digitsOf(raw, n, dropped);
  if (kind === KEPT) return plus ? '+' + d : d;
  return kind === INTERNATIONAL_PREFIX ? '+' + d.slice(2) : '+' + countryCode + d.slice(1);
}

const KEPT = 0;
const INTERNATIONAL_PREFIX = 1;
const NATIONAL = 2;

/**
 * The digits of a plausible `raw` (checked by the caller) without its separators; `dropZero`: the
 * number is international and its "(0)" after the first digits goes (as the scan found).
 */
function digitsOf(raw: string, n: number, dropZero: boolean): string {
  let out = '';
  let start = -1;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) {
      out += raw.slice(start, i);
      start = -1;
    }
    if (dropZero && c === OPEN && out.length > 0 && i + 2 < n && raw.charCodeAt(i + 1) === ZERO && raw.charCodeAt(i + 2) === CLOSE) i += 2;
  }
  if (start >= 0) out += raw.slice(start);
  return out;
}

/** Whether `v` is a plausible phone number however it is spelt (normalisePhoneNumber does not return null for it). */
export function isPlausiblePhoneNumber(v: unknown): v is string {
  return typeof v === 'string' && normalisePhoneNumber(v) !== null;
}
