import { wallTime } from '../../calendar/src/time-zone.js';
import { DEMO_TIME_ZONE, type DemoData } from './generate-demo-data.js';

/** One interval of history as libs/forecasting reads it (its `HistoryPoint`). */
export interface DemoHistoryPoint {
  start: string;
  volume: number;
  aht?: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The demo agency's interval history per queue key, as forecasting input on the agency's local clock
 * (`YYYY-MM-DDTHH:MM`, volume, AHT): what the service's LoadForecastInput reads from the database,
 * for specs and benchmarks that run the library on the demo data without one.
 */
export function demoHistoryByQueue(demo: Pick<DemoData, 'history'>): Map<string, DemoHistoryPoint[]> {
  const byQueue = new Map<string, DemoHistoryPoint[]>();
  for (const h of demo.history) {
    const w = wallTime(h.intervalStart.getTime(), DEMO_TIME_ZONE);
    let list = byQueue.get(h.queueKey);
    if (!list) byQueue.set(h.queueKey, (list = []));
    list.push({ start: `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`, volume: h.offered, ...(h.ahtSeconds !== null && h.ahtSeconds !== undefined ? { aht: h.ahtSeconds } : {}) });
  }
  return byQueue;
}
