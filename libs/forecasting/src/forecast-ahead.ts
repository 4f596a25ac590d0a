import { addDays, dayOfWeek, daysBetween } from './calendar.js';
import { headDays, type DaySeries } from './day-series.js';
import { eventFactor, fitEventEffects, withoutEvents, type EventEffects, type ForecastEvents } from './events.js';
import { forecastAht, pad, prepareHistory, toPoints, wallClock, type ForecastPoint, type ForecastRequest, type ForecastResult, type HistoryPoint } from './forecast.js';
import { fitHolidayArrivals, holidayReferenceDate, type HolidayArrivalsFit } from './holiday-arrivals.js';
import { estimateCarryOver, intradayCheck, reforecastRestOfDay, type IntradayCheck } from './intraday.js';
import { estimateErrorModel, predictionInterval, type ErrorModel } from './intervals.js';
import { sameSlotMean, type WeekAheadModel } from './models.js';
import { vuoroDefault } from './week-ahead.js';

export interface ForecastAheadRequest extends Omit<ForecastRequest, 'horizon'> {
  /** number of intervals to forecast after the last history interval (in the learned calendar pattern). */
  horizonIntervals?: number;
  /** or: every interval of these local dates (inclusive, `YYYY-MM-DD`); `from` defaults to the first day after the history. */
  from?: string;
  to?: string;
  /** letter batches and holidays whose effects are learned from the history and applied to the forecast. */
  events?: ForecastEvents;
  /**
   * When the history ends inside a day: re-forecast the rest of it (and learn how much of the
   * morning's deviation carries over, a backtest of the model) only when the day so far is a spike;
   * otherwise the rest keeps the morning forecast. For the intraday job, which stores re-forecasts
   * of spike days only and checks every queue every 15 minutes.
   */
  reforecastOnSpikeOnly?: boolean;
}

/** The intraday check of the day the history ends in (slots are indexes into that day). */
export interface IntradayResult extends IntradayCheck {
  date: string;
  /** slots of the day observed (the history's last slot + 1). */
  observedSlots: number;
  /** local start (`YYYY-MM-DDTHH:MM`) of the onset slot, when there is a spike. */
  onsetStart: string | null;
}

export interface ForecastAheadResult extends ForecastResult {
  /** the learned event effects (when `events` were given). */
  eventEffects?: EventEffects;
  /** how holidays' arrivals were forecast, with `events.holidayArrivals` = `continue`. */
  holidayArrivals?: HolidayArrivalsFit;
  /** when the history ends inside a day: the observed/expected ratio applied to the rest of that day. */
  intradayRatio?: number;
  /** when the history ends inside a day: the check of that day's arrivals so far against its morning forecast. */
  intraday?: IntradayResult;
}

const MAX_DAYS = 400;

/** The shortest history forecastAhead forecasts from: a whole week, so every working weekday has been seen. */
export const MIN_HISTORY_DAYS = 7;

/**
 * A forecast asked for further ahead than forecastAhead reaches: MAX_DAYS calendar days from the
 * first day after the history (a year's planning and a month more). It is refused, not cut short:
 * `parameter` names what was asked (`to`, `from` or `horizonIntervals`), `lastDate` is the last
 * date the forecast reaches and `maxIntervals` the intervals the history's pattern holds up to it.
 * Callers map it to a 4xx naming their field.
 */
export class ForecastHorizonError extends RangeError {
  override readonly name = 'ForecastHorizonError';

  constructor(
    readonly parameter: 'from' | 'to' | 'horizonIntervals',
    readonly lastDate: string,
    readonly maxIntervals: number,
    message: string,
  ) {
    super(message);
  }
}

/** Calendar days after the history that forecastAhead reaches. */
export const FORECAST_REACH_DAYS = MAX_DAYS;

/**
 * Forecasts the intervals that follow the history: `horizonIntervals` of them, or all intervals
 * of the dates `from`…`to`. The slot grid and the working weekdays are learned from the history.
 * When the history ends inside a day, that day is left out of the model input and the rest of it
 * is re-forecast from what was observed (see `reforecastRestOfDay`). With `events`, the uplift of
 * letter batches and of the first day after a holiday is learned and applied.
 */
export function forecastAhead(req: ForecastAheadRequest): ForecastAheadResult {
  const level = req.intervalLevel ?? 0.8;
  if (!(level > 0 && level < 1)) throw new Error('intervalLevel must be between 0 and 1');
  if (req.horizonIntervals === undefined && req.to === undefined) throw new Error('horizon: give horizonIntervals or to');
  if (req.horizonIntervals !== undefined && (!Number.isInteger(req.horizonIntervals) || req.horizonIntervals < 1 || req.horizonIntervals > 100_000)) {
    throw new Error('horizon must be a whole number of intervals from 1 to 100000');
  }
  const points = toPoints(req.history, req.intervalMinutes);
  if (points.length === 0) throw new Error('history: at least one point is required');
  let last = wallClock(points[0].start);
  for (const p of points) {
    const w = wallClock(p.start);
    if (w.date > last.date || (w.date === last.date && w.minute > last.minute)) last = w;
  }
  const closedDates = [...(req.calendar?.closedDates ?? []), ...(req.events?.holidays ?? [])];
  const { volume: full, aht, closedDays } = prepareHistory({ ...req, history: points, calendar: { ...req.calendar, closedDates } });
  // Holidays close the calendar; with holidayArrivals `continue` contacts still arrive on them (holiday-arrivals.ts).
  const arrivalsOnHolidays = req.events?.holidayArrivals === 'continue';
  const lastSlot = Math.round((last.minute - full.firstSlotMinute) / full.intervalMinutes);
  const partial = lastSlot < full.slotsPerDay - 1 && full.dates[full.dates.length - 1] === last.date && full.dates.length > 1;
  const history: DaySeries = partial ? headDays(full, full.dates.length - 1) : full;
  // today's arrivals so far as they were: a holiday or closed date is filled in `full` (an outlier
  // day for the model's input), but the check of an email queue's holiday is against what arrived
  const observedToday = partial ? (closedDays.get(last.date) ?? full.values[full.values.length - 1]).slice(0, lastSlot + 1) : [];

  // Which weekdays a queue works is learned from the history: with less than a week of it, the days it
  // never saw would quietly get no forecast at all (an audit got none for tomorrow from today's rows).
  const spanDays = daysBetween(full.dates[0], full.dates[full.dates.length - 1]) + 1;
  if (spanDays < MIN_HISTORY_DAYS) throw new Error(`history: at least ${MIN_HISTORY_DAYS} days are needed to learn the week; this one covers ${spanDays} (${full.dates[0]} to ${full.dates[full.dates.length - 1]})`);
  const P = history.activeDows.filter(Boolean).length;
  const model: WeekAheadModel = req.method ?? (history.dates.length >= 3 * P ? vuoroDefault() : sameSlotMean(1));
  let effects: EventEffects | undefined;
  let input = history;
  if (req.events) {
    effects = fitEventEffects(history, req.events);
    input = withoutEvents(history, effects, req.events);
  }

  const first = partial ? last.date : addDays(history.dates[history.dates.length - 1], 1);
  const from = req.from && req.from > first ? req.from : first;
  const targets: string[] = [];
  let slotsCovered = partial ? -(lastSlot + 1) : 0;
  for (let k = 0; k < MAX_DAYS; k++) {
    const d = addDays(first, k);
    if (req.to !== undefined && d > req.to) break;
    if (req.horizonIntervals !== undefined && slotsCovered >= req.horizonIntervals) break;
    if (!history.activeDows[dayOfWeek(d)]) continue;
    targets.push(d);
    if (d >= from) slotsCovered += history.slotsPerDay;
  }
  // Past the reach the loop stops: say so rather than answer with fewer intervals (or none) than asked.
  const lastDate = addDays(first, MAX_DAYS - 1);
  const reach = `the forecast reaches ${MAX_DAYS} days past the history, to ${lastDate}`;
  if (req.to !== undefined && req.to > lastDate) {
    const parameter = req.from !== undefined && req.from > lastDate ? 'from' : 'to';
    throw new ForecastHorizonError(parameter, lastDate, slotsCovered, `${parameter}: ${reach}; ${parameter === 'from' ? req.from : req.to} is beyond it`);
  }
  if (req.horizonIntervals !== undefined && slotsCovered < req.horizonIntervals) {
    throw new ForecastHorizonError('horizonIntervals', lastDate, slotsCovered, `horizon: ${req.horizonIntervals} intervals is more than this history allows: at most ${slotsCovered} (${reach})`);
  }
  // a date with no arrivals: a closed date of the calendar, and a holiday unless arrivals continue on holidays
  const closed = new Set(arrivalsOnHolidays ? req.calendar?.closedDates ?? [] : closedDates);
  const holidays = new Set(req.events?.holidays ?? []);
  let holidayFit: HolidayArrivalsFit | undefined;
  let fc: number[][];
  if (arrivalsOnHolidays && req.events) {
    // a holiday is forecast as its reference day (its week's Sunday) × the learned holiday factor;
    // the reference may lie past the targets (Christmas Eve asked alone), so it is forecast too
    const lastHistoryDate = history.dates[history.dates.length - 1];
    const factorOf = (d: string) => (effects ? eventFactor(d, effects, req.events!, history.activeDows) : 1);
    holidayFit = fitHolidayArrivals(input, new Map([...closedDays].filter(([d]) => holidays.has(d) && d <= lastHistoryDate)), factorOf);
    const refOf = (d: string) => holidayReferenceDate(d, history.activeDows);
    const dates = [...new Set([...targets, ...targets.filter((d) => holidays.has(d)).map(refOf)])].sort();
    const byDate = new Map<string, number[]>();
    const all = dates.length ? model.forecast(input, dates) : [];
    dates.forEach((d, j) => byDate.set(d, all[j]));
    fc = targets.map((d) => (holidays.has(d) && !closed.has(d) ? byDate.get(refOf(d))!.map((v) => v * holidayFit!.factor) : byDate.get(d)!));
  } else {
    fc = targets.length ? model.forecast(input, targets) : [];
  }
  if (req.events && effects) {
    targets.forEach((d, j) => {
      const f = eventFactor(d, effects!, req.events!, history.activeDows);
      if (f !== 1) fc[j] = fc[j].map((v) => v * f);
    });
  }
  const em: ErrorModel = history.dates.length >= 5 * P ? estimateErrorModel(input, model, Math.min(8, Math.floor(history.dates.length / P) - 3)) : { phi: 2, sigmaDay: 0.15 };
  let intradayRatio: number | undefined;
  let intraday: IntradayResult | undefined;
  const slotStart = (date: string, s: number): string => {
    const minute = history.firstSlotMinute + s * history.intervalMinutes;
    return `${date}T${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
  };
  // a day on which nothing is expected to arrive (a closed date; a holiday of a queue whose contacts
  // do not continue on holidays) has nothing to check: its forecast stays 0
  if (partial && targets[0] === last.date && !closed.has(last.date)) {
    const morning = fc[0];
    const learn = !req.reforecastOnSpikeOnly || reforecastRestOfDay(morning, observedToday, em).spike !== null;
    // how much of the morning's deviation persists, learned on the history (intraday-reforecast.spec.ts); 0: the morning forecast is kept
    const carryOver = !learn ? 0 : history.dates.length >= 5 * P ? estimateCarryOver(input, model, lastSlot + 1, 8) : undefined;
    const check = intradayCheck(morning, observedToday, em, { carryOver, onsetLevel: level });
    intradayRatio = check.appliedRatio;
    intraday = { ...check, date: last.date, observedSlots: lastSlot + 1, onsetStart: check.onsetSlot === null ? null : slotStart(last.date, check.onsetSlot) };
    fc[0] = [...observedToday, ...check.forecast];
  }
  const ahtFc = aht ? forecastAht(history, aht.slice(0, history.dates.length), targets) : undefined;
  const out: ForecastPoint[] = [];
  targets.forEach((date, d) => {
    if (date < from) return;
    for (let s = 0; s < history.slotsPerDay; s++) {
      if (partial && date === last.date && s <= lastSlot) continue;
      const v = closed.has(date) ? 0 : Math.max(0, fc[d][s]);
      const pi = predictionInterval(v, em, level);
      const p: ForecastPoint = { timestamp: slotStart(date, s), volume: v, lower: pi.lower, upper: pi.upper };
      if (ahtFc && Number.isFinite(ahtFc[d][s])) p.aht = ahtFc[d][s];
      out.push(p);
    }
  });
  const pointsOut = req.horizonIntervals !== undefined ? out.slice(0, req.horizonIntervals) : out;
  const method = `${model.name}${effects ? ' + learned letter-batch/holiday effects' : ''}${intradayRatio !== undefined ? ' + intraday re-forecast' : ''}`;
  return { points: pointsOut, method, intervalMinutes: history.intervalMinutes, intervalLevel: level, errorModel: em, eventEffects: effects, intradayRatio, ...(intraday ? { intraday } : {}), ...(holidayFit ? { holidayArrivals: holidayFit } : {}) };
}

/**
 * Re-bins history onto a coarser grid of `intervalMinutes` (e.g. 15-minute rows into 30 minutes):
 * volumes are summed, AHT is volume-weighted. Each point goes to the interval that contains its start.
 */
export function aggregateHistory(points: readonly HistoryPoint[], intervalMinutes: number): HistoryPoint[] {
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || 1440 % intervalMinutes !== 0) throw new Error('intervalMinutes must divide a day');
  const bins = new Map<string, { volume: number; ahtNum: number; ahtDen: number; ahtAny: boolean }>();
  for (const p of points) {
    const w = wallClock(p.start);
    const m = Math.floor(w.minute / intervalMinutes) * intervalMinutes;
    const key = `${w.date}T${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
    let b = bins.get(key);
    if (!b) bins.set(key, (b = { volume: 0, ahtNum: 0, ahtDen: 0, ahtAny: false }));
    b.volume += p.volume;
    if (p.aht !== undefined && Number.isFinite(p.aht)) {
      b.ahtAny = true;
      b.ahtNum += p.aht * Math.max(p.volume, 1e-9);
      b.ahtDen += Math.max(p.volume, 1e-9);
    }
  }
  return [...bins.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([start, b]) => ({ start, volume: b.volume, ...(b.ahtAny ? { aht: b.ahtNum / b.ahtDen } : {}) }));
}
