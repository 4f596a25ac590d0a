/** Calendar helpers. All dates are wall-clock ISO strings (`YYYY-MM-DD`), handled in UTC so that
 * no time zone or daylight-saving shift can move a slot. */

const DAY_MS = 86_400_000;

export function parseIsoDate(date: string): number {
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(t)) throw new Error(`invalid date: ${date}`);
  return t;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return isoDate(parseIsoDate(date) + days * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(parseIsoDate(date)).getUTCDay();
}

export function daysBetween(a: string, b: string): number {
  return Math.round((parseIsoDate(b) - parseIsoDate(a)) / DAY_MS);
}

/**
 * Position of each date within its month among "business" days, used to learn month-turn effects
 * (first and last business days of a month carry more contacts at banks and collection agencies).
 * `isBusinessDow[d]` says which weekdays count; the other days get the key `other`.
 * Keys: `F1`, `F2`, `F3` (first three business days), `L0` (last business day), `mid`.
 */
export function monthPositionKey(date: string, isBusinessDow: readonly boolean[]): string {
  if (!isBusinessDow[dayOfWeek(date)]) return 'other';
  const month = date.slice(0, 7);
  let first = 0;
  for (let d = date; d.slice(0, 7) === month; d = addDays(d, -1)) if (isBusinessDow[dayOfWeek(d)]) first++;
  if (first <= 3) return `F${first}`;
  for (let d = addDays(date, 1); d.slice(0, 7) === month; d = addDays(d, 1)) if (isBusinessDow[dayOfWeek(d)]) return 'mid';
  return 'L0';
}
