import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildDaySeries, type DaySeries, type RawDay } from './day-series.js';
import { backtestWeekAhead, type WeekAheadBacktestResult } from './backtest.js';
import type { WeekAheadModel } from './models.js';

/** The shared benchmark-data folder (in CI the repository is cloned next to `shared/`). */
export function sharedDataDir(): string {
  return process.env.VUORO_SHARED_DATA ?? path.resolve(process.cwd(), '../shared/data');
}

export type Fpp2Resolution = '30min' | '5min';

function readCsv(file: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path.join(sharedDataDir(), file), 'utf8').trim().split(/\r?\n/);
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/**
 * fpp2 `calls` as a DaySeries following protocol fpp2-calls-week-ahead v1: 30min = 28 half-hours
 * 07:00–21:00 (the 21:00–21:05 stub dropped), 5min = 169 slots 07:00–21:05; the six absent weekdays
 * filled (mean of the same weekday and slot a week before and after) and flagged `imputed`.
 */
export function loadFpp2Calls(resolution: Fpp2Resolution): DaySeries {
  const file = resolution === '30min' ? 'fpp2_calls_30min.csv' : 'fpp2_calls_5min.csv';
  const slots = resolution === '30min' ? 28 : 169;
  const { header, rows } = readCsv(file);
  const iDate = header.indexOf('date');
  const iInterval = header.indexOf('interval');
  const iCalls = header.indexOf('calls');
  const byDate = new Map<string, number[]>();
  for (const r of rows) {
    const slot = Number(r[iInterval]) - 1;
    if (slot >= slots) continue;
    let day = byDate.get(r[iDate]);
    if (!day) byDate.set(r[iDate], (day = new Array<number>(slots).fill(Number.NaN)));
    day[slot] = Number(r[iCalls]);
  }
  const days: RawDay[] = [...byDate].map(([date, values]) => ({ date, values }));
  const weekdays = [false, true, true, true, true, true, false];
  const series = buildDaySeries(days, { intervalMinutes: resolution === '30min' ? 30 : 5, firstSlotMinute: 7 * 60, activeDows: weekdays });
  if (series.dates.length !== 170) throw new Error(`expected 170 weekdays, got ${series.dates.length}`);
  return series;
}

/** Anonymous Bank 1999 (Israeli bank), 30-minute or 6-minute slots over 24 h; `suspect` days flagged as outliers. */
export function loadAnonymousBank(resolution: '30min' | '6min' = '30min'): DaySeries {
  const { header, rows } = readCsv(`anonymous_bank_1999_${resolution}.csv`);
  const slots = resolution === '30min' ? 48 : 240;
  const iDate = header.indexOf('date');
  const iInterval = header.indexOf('interval');
  const iCalls = header.indexOf('calls');
  const iSuspect = header.indexOf('suspect');
  const byDate = new Map<string, RawDay>();
  for (const r of rows) {
    let day = byDate.get(r[iDate]);
    if (!day) byDate.set(r[iDate], (day = { date: r[iDate], values: new Array<number>(slots).fill(0), outlier: false }));
    day.values[Number(r[iInterval]) - 1] = Number(r[iCalls]);
    if (r[iSuspect] === '1') day.outlier = true;
  }
  return buildDaySeries([...byDate.values()], { intervalMinutes: resolution === '30min' ? 30 : 6, firstSlotMinute: 0 });
}

/** Protocol constants: 34 Mon–Fri weeks, test weeks 30…34, 5 days a week. */
export const FPP2_PROTOCOL = { name: 'fpp2-calls-week-ahead v1', testWeeks: [30, 31, 32, 33, 34], daysPerWeek: 5 } as const;

/** Origins (training-day counts) of the protocol: test week w is forecast from weeks 1…w−1. */
export function fpp2Origins(): number[] {
  return FPP2_PROTOCOL.testWeeks.map((w) => (w - 1) * FPP2_PROTOCOL.daysPerWeek);
}

/** Runs protocol fpp2-calls-week-ahead v1 for one model at one resolution. */
export function runFpp2Protocol(model: WeekAheadModel, resolution: Fpp2Resolution, series = loadFpp2Calls(resolution)): WeekAheadBacktestResult {
  return backtestWeekAhead(series, model, fpp2Origins());
}
