/**
 * Occupancy from an agent's state history: each state span is cut at period boundaries and its
 * seconds counted as staffed (logged in and not on a break) and occupied (reserved, busy, wrap-up).
 */
import { GRAINS, periodEnd, periodStart, REPORT_TIME_ZONE, type Grain } from './periods.js';

export const STAFFED_STATES = ['available', 'reserved', 'busy', 'wrap-up', 'not-responding'] as const;
export const OCCUPIED_STATES = ['reserved', 'busy', 'wrap-up'] as const;

export interface StateSpan {
  state: string;
  from: Date;
  to: Date;
}

export interface PeriodTime {
  grain: Grain;
  periodStart: number;
  staffedSeconds: number;
  occupiedSeconds: number;
}

/** The staffed and occupied seconds of one span in every period of every grain (of `grains`) it overlaps. */
export function splitSpan(span: StateSpan, timeZone = REPORT_TIME_ZONE, grains: readonly Grain[] = GRAINS): PeriodTime[] {
  const staffed = (STAFFED_STATES as readonly string[]).includes(span.state);
  if (!staffed) return [];
  const occupied = (OCCUPIED_STATES as readonly string[]).includes(span.state);
  const from = span.from.getTime();
  const to = span.to.getTime();
  const out: PeriodTime[] = [];
  if (to <= from) return out;
  for (const grain of grains) {
    for (let s = periodStart(from, grain, timeZone); s < to; ) {
      const e = periodEnd(s, grain, timeZone);
      const secs = (Math.min(e, to) - Math.max(s, from)) / 1000;
      out.push({ grain, periodStart: s, staffedSeconds: secs, occupiedSeconds: occupied ? secs : 0 });
      s = e;
    }
  }
  return out;
}
