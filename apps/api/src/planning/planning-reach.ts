import { DomainError } from '../../../../libs/core/src/domain-error.js';
import { localDateOf } from '../../../../libs/calendar/src/time-zone.js';
import { PLANNING_REACH_DAYS, lastPlannableDate } from '../../../../libs/planning/src/reach.js';
import { invalid } from './templates-and-contracts.use-cases.js';

/**
 * Refuses, before any forecasting, a planning request whose dates run past what planning reaches
 * (libs/planning reach.ts) from today in `timeZone`: a 422 on the request's own `field` with rule
 * `horizon` and the last date planning reaches. `dates` are the local dates the request forecasts.
 */
export function checkPlanningReach(field: string, now: Date, timeZone: string, dates: { from: string; to: string }): void {
  const last = lastPlannableDate(localDateOf(now.getTime(), timeZone));
  if (dates.to <= last) return;
  const asked = dates.from === dates.to ? `${dates.to} is beyond it` : `${dates.from}–${dates.to} runs past it`;
  throw invalid([{ field, rule: 'horizon', message: `${field}: planning reaches ${PLANNING_REACH_DAYS} days ahead (the forecast's reach), to ${last}; ${asked}` }]);
}

/**
 * A queue's forecast for a planning request. The forecast may still refuse dates inside planning's
 * reach (a queue whose history stops before yesterday reaches less far; borrowing suggestions also
 * forecast the email of the next day) with a 422 on its own `from`/`to`: the same refusal on the
 * planning request's `field`, naming the queue.
 */
export async function forecastWithinReach<T>(field: string, queueKey: string, forecast: () => Promise<T>): Promise<T> {
  try {
    return await forecast();
  } catch (e) {
    const beyond = e instanceof DomainError ? e.violations.find((v) => v.rule === 'horizon' && (v.field === 'from' || v.field === 'to')) : undefined;
    if (!beyond) throw e;
    throw invalid([{ field, rule: 'horizon', message: `${field}: the forecast of queue ${queueKey} does not reach the dates it needs: ${beyond.message.replace(/^(from|to): /, '')}` }]);
  }
}
