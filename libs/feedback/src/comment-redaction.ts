/**
 * A survey comment as a manager reads it: free text the customer typed, with what identifies a
 * person masked. Masked everywhere in the text: e-mail addresses, Finnish personal identity codes
 * (henkilötunnus) and phone-number-like runs of 7 or more digits (an ISO date is kept); and the
 * identifiers Vuoro holds for this customer: the names the telephony system gave for their calls,
 * whole and each part, and their gateway reference. A name Vuoro does not know (a chat or e-mail
 * customer's, or someone else's) cannot be told from other words and stays: the text is still free
 * text, kept out of logs and removed on erasure and after the retention period.
 */

/** What Vuoro knows about the customer who wrote the comment (used for masking only, never shown). */
export interface KnownIdentifiers {
  names: readonly string[];
  refs: readonly string[];
}

export const MASK = { name: '[name]', phone: '[phone]', email: '[email]', personalId: '[personal id]', reference: '[reference]' } as const;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** DDMMYY, the century sign (+, - or A–F, U–Y), three digits and the check character. */
const PERSONAL_ID = /(?<![\p{L}\p{N}])\d{6}[-+A-FU-Y]\d{3}[0-9A-Y](?![\p{L}\p{N}])/giu;
/** 7+ digits, optionally after + or 00, with at most two spaces, hyphens or brackets between digits. */
const PHONE = /(?<![\p{L}\p{N}])(?:\+|\()?\d(?:[ \-()]{0,2}\d){6,}(?![\p{L}\p{N}])/gu;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A whole-word, case-insensitive pattern of `words`, longest first (a full name before its parts). */
function wordsPattern(words: Iterable<string>): RegExp | null {
  const unique = [...new Set([...words].map((w) => w.trim()).filter((w) => w.length > 0))].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return null;
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${unique.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

export function redactComment(text: string, known: KnownIdentifiers = { names: [], refs: [] }): string {
  let out = text;
  // the customer's own identifiers first: a reference may look like an e-mail address or a number
  const refs = wordsPattern(known.refs.filter((r) => r.trim().length >= 4));
  if (refs) out = out.replace(refs, MASK.reference);
  out = out.replace(EMAIL, MASK.email);
  out = out.replace(PERSONAL_ID, MASK.personalId);
  out = out.replace(PHONE, (m) => (ISO_DATE.test(m) ? m : MASK.phone));
  // each name whole, then each of its parts of two letters or more ("Anna-Liisa Virtanen": Anna-Liisa, Anna, Liisa, Virtanen)
  const parts = known.names.flatMap((n) => [n, ...n.split(/\s+/), ...n.split(/[\s-]+/)]).filter((p) => p.trim().length >= 2);
  const names = wordsPattern(parts);
  if (names) out = out.replace(names, MASK.name);
  return out;
}
