/**
 * A queue's stored interval history as columns of numbers, its interval starts as instants: the
 * compact form in which the service hands history to its forecasting worker, where it is brought
 * to the queue's local wall clock (`localHistory`) — no string or object per row on the way.
 */
import { formatLocalDate } from '../../calendar/src/local-date.js';
import { offsetMs } from '../../calendar/src/time-zone.js';
import { pad, type HistoryPoint } from './forecast.js';

/** Index `i` of every column is one stored interval (any order: each row is binned by its own start; a bin sums its rows in index order). */
export interface IntervalRows {
  /** interval start, epoch milliseconds. */
  start: ArrayLike<number>;
  /** the interval's length in minutes. */
  minutes: ArrayLike<number>;
  /** contacts offered. */
  volume: ArrayLike<number>;
  /** average handle time in seconds; NaN where unknown. */
  aht: ArrayLike<number>;
}

const DAY_MS = 86_400_000;

/**
 * The rows `keep` selects, on the local wall clock of `timeZone`, re-binned to `intervalMinutes` as
 * aggregateHistory does: each row goes to the interval that contains its local start, volumes are
 * summed and AHT is volume-weighted (so the two rows of the hour the clocks go back make one point).
 * The same points, in the same order, to the last bit, as aggregateHistory over the rows written as
 * local `YYYY-MM-DDTHH:MM` points — at a fraction of the cost (one offset look-up per row).
 */
export function localHistory(rows: IntervalRows, timeZone: string, intervalMinutes: number, keep: (i: number) => boolean = () => true): HistoryPoint[] {
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || 1440 % intervalMinutes !== 0) throw new Error('intervalMinutes must divide a day');
  const binMs = intervalMinutes * 60_000;
  const bins = new Map<number, { volume: number; ahtNum: number; ahtDen: number; ahtAny: boolean }>();
  const n = rows.start.length;
  for (let i = 0; i < n; i++) {
    if (!keep(i)) continue;
    const t = rows.start[i];
    const bin = Math.floor((t + offsetMs(t, timeZone)) / binMs);
    let b = bins.get(bin);
    if (!b) bins.set(bin, (b = { volume: 0, ahtNum: 0, ahtDen: 0, ahtAny: false }));
    const volume = rows.volume[i];
    const aht = rows.aht[i];
    b.volume += volume;
    if (Number.isFinite(aht)) {
      b.ahtAny = true;
      b.ahtNum += aht * Math.max(volume, 1e-9);
      b.ahtDen += Math.max(volume, 1e-9);
    }
  }
  let day = Number.NaN;
  let date = '';
  return [...bins.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bin, b]) => {
      const local = bin * binMs;
      const d = Math.floor(local / DAY_MS);
      if (d !== day) {
        const at = new Date(d * DAY_MS);
        day = d;
        date = formatLocalDate(at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate());
      }
      const minute = (local - d * DAY_MS) / 60_000;
      const start = `${date}T${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
      return { start, volume: b.volume, ...(b.ahtAny ? { aht: b.ahtNum / b.ahtDen } : {}) };
    });
}
