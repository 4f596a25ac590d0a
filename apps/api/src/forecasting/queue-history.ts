/**
 * A queue's history on its way from the database to the forecasting worker. The API thread reads
 * it (LoadForecastInput) and hands it on as read — four strings, whatever the number of rows; the
 * worker (forecasting.worker.ts) decodes it, chooses the rows, brings them to the queue's local wall
 * clock and re-bins them (`historyPoints`), and gives its forecast points their instants
 * (`epochOfLocal`). Framework-free: both threads import it.
 */
import { localToEpoch } from '../../../../libs/calendar/src/time-zone.js';
import type { HistoryPoint } from '../../../../libs/forecasting/src/forecast.js';
import { aggregateHistory } from '../../../../libs/forecasting/src/forecast-ahead.js';
import { localHistory } from '../../../../libs/forecasting/src/interval-rows.js';
import { toFinestLength } from '../../../../libs/forecasting/src/mixed-lengths.js';
import { decodeIntervalColumns, type IntervalColumns } from '../../../../libs/persistence/src/interval-columns.js';

export interface QueueHistory {
  /** the queue's time zone: the history and the forecast are on its local wall clock. */
  timeZone: string;
  /** the shortest interval length stored (minutes). */
  storedMinutes: number;
  /** the length the history is re-binned to (≥ storedMinutes). */
  intervalMinutes: number;
  /** the stored rows, as read. */
  rows: IntervalColumns;
}

/**
 * In the worker: the history as forecasting input, local `YYYY-MM-DDTHH:MM` points at
 * `intervalMinutes`. Rows of one length go straight to the local clock (localHistory); a history at
 * several lengths (half-hours imported, quarter-hours routed) is brought to the stored (shortest)
 * length first, coarser rows split by the finer rows' shape (libs/forecasting toFinestLength).
 */
export function historyPoints(history: QueueHistory): HistoryPoint[] {
  const rows = decodeIntervalColumns(history.rows);
  const lengths = new Set<number>();
  for (let i = 0; i < rows.minutes.length; i++) lengths.add(rows.minutes[i]);
  if (lengths.size <= 1) return localHistory(rows, history.timeZone, history.intervalMinutes);
  const each = [...lengths].flatMap((minutes) => localHistory(rows, history.timeZone, minutes, (i) => rows.minutes[i] === minutes).map((p) => ({ ...p, start: p.start as string, minutes })));
  return aggregateHistory(toFinestLength(each).points, history.intervalMinutes);
}

/** The instant of a local `YYYY-MM-DDTHH:MM` (localToEpoch: a time the clocks skip is pushed forward, one they show twice is the first). */
export function epochOfLocal(timestamp: string, timeZone: string): number {
  return localToEpoch(timestamp.slice(0, 10), Number(timestamp.slice(11, 13)) * 60 + Number(timestamp.slice(14, 16)), timeZone);
}
