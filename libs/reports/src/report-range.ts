/**
 * The rules a report's date range keeps, across its fields (`from`, `to`, `period`): `to` is not
 * before `from`, a report of 15-minute intervals covers at most 31 days and any other at most three
 * years. The API judges them with the per-field rules (one 422 names every problem) and the report
 * loader again for callers that do not come through it.
 */
import { daysBetween } from '../../calendar/src/local-date.js';
import type { Grain } from './periods.js';

export interface RangeViolation {
  field: 'to';
  rule: 'afterFrom' | 'maxRange';
  message: string;
}

export const MAX_INTERVAL_RANGE_DAYS = 31;
export const MAX_RANGE_DAYS = 3 * 366;

/**
 * What is wrong with the range `from`…`to` (valid local dates, inclusive) of a report of `grain`;
 * `grain` null when it is not known (itself invalid): only the rules that hold for every grain.
 */
export function reportRangeViolations(from: string, to: string, grain: Grain | null): RangeViolation[] {
  const span = daysBetween(from, to);
  const out: RangeViolation[] = [];
  if (span < 0) out.push({ field: 'to', rule: 'afterFrom', message: 'to must not be before from' });
  if (grain === 'interval' && span > MAX_INTERVAL_RANGE_DAYS) out.push({ field: 'to', rule: 'maxRange', message: `at most ${MAX_INTERVAL_RANGE_DAYS} days of 15-minute intervals` });
  else if (span > MAX_RANGE_DAYS) out.push({ field: 'to', rule: 'maxRange', message: 'at most 3 years' });
  return out;
}
