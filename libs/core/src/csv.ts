/**
 * One RFC 4180 CSV field: empty for null or undefined, numbers as numbers (empty when not finite),
 * dates as ISO instants, and text quoted when it holds a comma, quote or line break. Text that a
 * spreadsheet would run as a formula (=, +, -, @, tab or carriage return at the start: OWASP "CSV
 * injection", e.g. an agent's display name typed as `=HYPERLINK(…)`) is prefixed with an apostrophe.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
