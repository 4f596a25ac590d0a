/**
 * A queue's history often comes at more than one interval length: years imported from the old
 * system in half-hours or hours, then Vuoro's own routed contacts in quarter-hours. Forecasting
 * models one grid, and planning needs the finest. `toFinestLength` brings every row to the finest
 * length the history holds, so that neither part is thrown away:
 *
 * - rows at the finest length stay as they are;
 * - a coarser row is split over its finer sub-intervals in the proportions that the finest rows show
 *   for that weekday and time of day (pooled over weekdays where that weekday has none; evenly where
 *   there are no finer rows for that time at all);
 * - a coarser row that overlaps finer rows is left out: the finer rows say the same in more detail.
 *
 * A length that does not divide into the coarser one (e.g. 20 and 30 minutes) cannot be split onto
 * its grid: those coarser rows are left out and counted in `dropped`.
 */
import { addDays, dayOfWeek } from './calendar.js';
import { pad, wallClock } from './forecast.js';

/** One stored interval on the queue's local wall clock. */
export interface LengthedPoint {
  /** local start, `YYYY-MM-DDTHH:MM`. */
  start: string;
  /** the interval's length in minutes. */
  minutes: number;
  volume: number;
  aht?: number;
}

export interface FinestHistory {
  /** the finest length in the history; every point below is on its grid. */
  intervalMinutes: number;
  points: { start: string; volume: number; aht?: number }[];
  /** coarser rows split onto the finest grid. */
  split: number;
  /** coarser rows left out: overlapping finer rows, or on a length that does not divide. */
  dropped: number;
}

const stamp = (date: string, minute: number): string => `${date}T${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;

export function toFinestLength(rows: readonly LengthedPoint[]): FinestHistory {
  if (rows.length === 0) return { intervalMinutes: 0, points: [], split: 0, dropped: 0 };
  let fine = Infinity;
  for (const r of rows) if (r.minutes < fine) fine = r.minutes;
  if (rows.every((r) => r.minutes === fine)) return { intervalMinutes: fine, points: rows.map(({ start, volume, aht }) => (aht === undefined ? { start, volume } : { start, volume, aht })), split: 0, dropped: 0 };

  const finest: LengthedPoint[] = [];
  const coarse: LengthedPoint[] = [];
  for (const r of rows) (r.minutes === fine ? finest : coarse).push(r);
  // where the finer rows are (date → minutes of day covered), and their volume by weekday and time of day
  const covered = new Map<string, Set<number>>();
  const byDow = new Map<string, number>();
  const pooled = new Map<number, number>();
  for (const r of finest) {
    const w = wallClock(r.start);
    let set = covered.get(w.date);
    if (!set) covered.set(w.date, (set = new Set()));
    set.add(w.minute);
    const key = `${dayOfWeek(w.date)}/${w.minute}`;
    byDow.set(key, (byDow.get(key) ?? 0) + r.volume);
    pooled.set(w.minute, (pooled.get(w.minute) ?? 0) + r.volume);
  }
  const points: FinestHistory['points'] = finest.map(({ start, volume, aht }) => (aht === undefined ? { start, volume } : { start, volume, aht }));
  let split = 0;
  let dropped = 0;
  for (const r of coarse) {
    if (r.minutes % fine !== 0) {
      dropped++;
      continue;
    }
    const w = wallClock(r.start);
    const k = r.minutes / fine;
    // sub-interval starts, across midnight if the row does (an hour from 23:30 on a 30-minute grid)
    const subs = Array.from({ length: k }, (_, i) => {
      const m = w.minute + i * fine;
      return { date: m >= 1440 ? addDays(w.date, Math.floor(m / 1440)) : w.date, minute: m % 1440 };
    });
    if (subs.some((s) => covered.get(s.date)?.has(s.minute))) {
      dropped++;
      continue;
    }
    const weights = shares(subs.map((s) => byDow.get(`${dayOfWeek(s.date)}/${s.minute}`) ?? 0)) ?? shares(subs.map((s) => pooled.get(s.minute) ?? 0)) ?? subs.map(() => 1 / k);
    subs.forEach((s, i) => points.push(r.aht === undefined ? { start: stamp(s.date, s.minute), volume: r.volume * weights[i] } : { start: stamp(s.date, s.minute), volume: r.volume * weights[i], aht: r.aht }));
    split++;
  }
  points.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return { intervalMinutes: fine, points, split, dropped };
}

/** Each sub-interval's share of the finer rows' volume at its time of day; undefined when they have none. */
function shares(v: readonly number[]): number[] | undefined {
  const total = v.reduce((a, b) => a + b, 0);
  return total > 0 ? v.map((x) => x / total) : undefined;
}
