/**
 * A whole planning horizon in one call: many queues × intervals, each queue of one channel.
 *
 * - phone: Erlang A when `patienceSeconds` is given, else Erlang C; smallest n meeting the target
 *   (plus optional occupancy / abandonment caps).
 * - chat: slots model of `chat.ts` (Erlang C on c·agents slots of the stretched handle time).
 * - email: lazy-EDF deadline backlog of `email-backlog.ts` over the queue's whole series;
 *   serviceLevel is 1 (every email meets its deadline by construction), asa the mean business-time
 *   response of the emails handled in the interval, abandonment 0.
 * Intervals flagged closed (`open[i] === false`) get 0 agents for every channel.
 *
 * Speed: a week of 15-minute intervals × 3 channels × 10 queues (~20,000 items) runs in a few
 * milliseconds. Erlang B starts near the load (O(√A) steps, see `erlang-b.ts`), the Erlang C search
 * steps n upward from ⌊A⌋+1 carrying the recursion, Erlang A gallops from the Erlang C answer, and
 * identical (load, parameters) items — very common in forecasts — are answered from a per-call cache.
 */
import { solveChat } from './chat.js';
import { checkMaxAgents } from './erlang-b.js';
import { type ServiceTarget, searchErlangC, validateTarget } from './erlang-c.js';
import { searchErlangA } from './erlang-a.js';
import { emailRequirements } from './email-backlog.js';
import {
  StaffingInputError,
  requireEachNonNegative,
  requireEachPositive,
  requireEachShrinkage,
  requireFraction,
  requireInteger,
  requireNonNegative,
  requirePositive,
  requireShrinkage,
} from './errors.js';
import { scheduledAgents } from './shrinkage.js';

interface QueueCommon {
  id: string;
  /** Contacts arriving in each interval. */
  volumes: readonly number[];
  /** Mean handle time, seconds: one value or one per interval. */
  ahtSeconds: number | readonly number[];
  /** Intervals in which the queue is open (default: all). */
  open?: readonly boolean[];
  /** Shrinkage, one value or one per interval; when given, `agentsWithShrinkage` is filled in. */
  shrinkage?: number | readonly number[];
}

export interface PhoneQueue extends QueueCommon {
  channel: 'phone';
  target: ServiceTarget;
  /** Mean caller patience; when given, Erlang A is used. */
  patienceSeconds?: number;
  maxOccupancy?: number;
  maxAbandonment?: number;
}

export interface ChatQueue extends QueueCommon {
  channel: 'chat';
  target: ServiceTarget;
  concurrency: number;
  concurrencySlowdown?: number;
  maxOccupancy?: number;
}

export interface EmailQueue extends QueueCommon {
  channel: 'email';
  deadlineSeconds: number;
  maxOccupancy?: number;
}

export type QueueSpec = PhoneQueue | ChatQueue | EmailQueue;

export interface Horizon {
  /** Interval length in seconds (e.g. 900). */
  intervalSeconds: number;
  queues: readonly QueueSpec[];
  /** Give up (throw) if one interval would need more agents than this; default 1,000,000. */
  maxAgents?: number;
}

export interface IntervalRequirement {
  agents: number;
  /** ⌈agents / (1 − shrinkage)⌉ when the queue has shrinkage. */
  agentsWithShrinkage?: number;
  serviceLevel: number;
  asa: number;
  occupancy: number;
  abandonment: number;
}

export interface QueueRequirements {
  id: string;
  channel: QueueSpec['channel'];
  intervals: IntervalRequirement[];
  /** Email only: work still open at the end of the horizon (due after it). */
  backlogAtEnd?: { emails: number; workSeconds: number };
}

export interface HorizonRequirements {
  intervalSeconds: number;
  queues: QueueRequirements[];
}

const CLOSED: IntervalRequirement = { agents: 0, serviceLevel: 1, asa: 0, occupancy: 0, abandonment: 0 };

/** Staffing requirement for every queue and interval of the horizon. */
export function computeRequirements(horizon: Horizon): HorizonRequirements {
  if (horizon === null || typeof horizon !== 'object') throw new StaffingInputError('horizon', 'must be an object');
  const length = requirePositive('intervalSeconds', horizon.intervalSeconds);
  if (!Array.isArray(horizon.queues)) throw new StaffingInputError('queues', 'must be an array');
  const maxAgents = checkMaxAgents(horizon.maxAgents);
  const ids = new Set<string>();
  const queues = horizon.queues.map((queue, q) => {
    const path = `queues[${q}]`;
    if (queue === null || typeof queue !== 'object') throw new StaffingInputError(path, 'must be an object');
    if (typeof queue.id !== 'string' || queue.id === '') throw new StaffingInputError(`${path}.id`, 'must be a non-empty string');
    if (ids.has(queue.id)) throw new StaffingInputError(`${path}.id`, `must be unique ("${queue.id}" repeats)`);
    ids.add(queue.id);
    return solveQueue(queue, path, length, maxAgents);
  });
  return { intervalSeconds: length, queues };
}

interface Series {
  volumes: readonly number[];
  aht: (i: number) => number;
  isOpen: (i: number) => boolean;
  shrinkage: ((i: number) => number) | undefined;
}

function validateSeries(queue: QueueSpec, path: string): Series {
  const volumes = queue.volumes;
  if (!Array.isArray(volumes)) throw new StaffingInputError(`${path}.volumes`, 'must be an array of numbers >= 0');
  const n = volumes.length;
  requireEachNonNegative(`${path}.volumes`, volumes);
  const aht = queue.ahtSeconds;
  if (typeof aht === 'number') requirePositive(`${path}.ahtSeconds`, aht);
  else if (!Array.isArray(aht) || aht.length !== n) throw new StaffingInputError(`${path}.ahtSeconds`, 'must be a number or an array as long as volumes');
  else requireEachPositive(`${path}.ahtSeconds`, aht);
  const open = queue.open;
  if (open !== undefined && (!Array.isArray(open) || open.length !== n)) throw new StaffingInputError(`${path}.open`, 'must be an array of booleans as long as volumes');
  const s = queue.shrinkage;
  let shrinkage: ((i: number) => number) | undefined;
  if (typeof s === 'number') {
    requireShrinkage(`${path}.shrinkage`, s);
    shrinkage = () => s;
  } else if (s !== undefined) {
    if (!Array.isArray(s) || s.length !== n) throw new StaffingInputError(`${path}.shrinkage`, 'must be a number or an array as long as volumes');
    requireEachShrinkage(`${path}.shrinkage`, s);
    shrinkage = (i) => s[i] as number;
  }
  return {
    volumes,
    aht: typeof aht === 'number' ? () => aht : (i) => aht[i] as number,
    isOpen: open === undefined ? () => true : (i) => open[i] !== false,
    shrinkage,
  };
}

function withShrinkage(r: IntervalRequirement, series: Series, i: number): IntervalRequirement {
  if (series.shrinkage === undefined) return r;
  return { ...r, agentsWithShrinkage: scheduledAgents(r.agents, series.shrinkage(i)) };
}

function solveQueue(queue: QueueSpec, path: string, length: number, maxAgents: number): QueueRequirements {
  const series = validateSeries(queue, path);
  switch (queue.channel) {
    case 'phone':
      return { id: queue.id, channel: 'phone', intervals: solvePhone(queue, path, series, length, maxAgents) };
    case 'chat':
      return { id: queue.id, channel: 'chat', intervals: solveChatQueue(queue, path, series, length, maxAgents) };
    case 'email':
      return solveEmail(queue, path, series, length);
    default:
      throw new StaffingInputError(`${path}.channel`, 'must be one of phone, chat, email');
  }
}

function solvePhone(queue: PhoneQueue, path: string, series: Series, length: number, maxAgents: number): IntervalRequirement[] {
  const target = validateTarget(queue.target, `${path}.target`);
  const theta = queue.patienceSeconds === undefined || queue.patienceSeconds === Infinity ? 0 : 1 / requirePositive(`${path}.patienceSeconds`, queue.patienceSeconds);
  const maxOccupancy = queue.maxOccupancy === undefined ? 1 : requireFraction(`${path}.maxOccupancy`, queue.maxOccupancy);
  const maxAbandonment = queue.maxAbandonment === undefined ? 1 : requireFraction(`${path}.maxAbandonment`, queue.maxAbandonment, true);
  const cache = new Map<string, IntervalRequirement>();
  const out: IntervalRequirement[] = [];
  for (let i = 0; i < series.volumes.length; i++) {
    const volume = series.volumes[i] as number;
    if (!series.isOpen(i) || volume === 0) {
      out.push(withShrinkage(CLOSED, series, i));
      continue;
    }
    const aht = series.aht(i);
    const key = `${volume}|${aht}`;
    let r = cache.get(key);
    if (r === undefined) {
      const rate = volume / length;
      const load = rate * aht;
      const c = searchErlangC(load, aht, target, maxOccupancy, maxAgents);
      if (theta === 0) {
        r = { agents: c.agents, serviceLevel: c.serviceLevel, asa: c.asa, occupancy: c.occupancy, abandonment: 0 };
      } else {
        const a = searchErlangA(rate, aht, theta, target, maxAbandonment, maxOccupancy, maxAgents, c.agents);
        r = { agents: a.agents, serviceLevel: a.serviceLevel, asa: a.asa, occupancy: a.occupancy, abandonment: a.abandonment };
      }
      cache.set(key, r);
    }
    out.push(withShrinkage(r, series, i));
  }
  return out;
}

function solveChatQueue(queue: ChatQueue, path: string, series: Series, length: number, maxAgents: number): IntervalRequirement[] {
  const target = validateTarget(queue.target, `${path}.target`);
  const concurrency = requireInteger(`${path}.concurrency`, queue.concurrency, 1);
  const slowdown = requireNonNegative(`${path}.concurrencySlowdown`, queue.concurrencySlowdown ?? 0);
  const maxOccupancy = queue.maxOccupancy === undefined ? 1 : requireFraction(`${path}.maxOccupancy`, queue.maxOccupancy);
  const cache = new Map<string, IntervalRequirement>();
  const out: IntervalRequirement[] = [];
  for (let i = 0; i < series.volumes.length; i++) {
    const volume = series.volumes[i] as number;
    if (!series.isOpen(i) || volume === 0) {
      out.push(withShrinkage(CLOSED, series, i));
      continue;
    }
    const aht = series.aht(i);
    const key = `${volume}|${aht}`;
    let r = cache.get(key);
    if (r === undefined) {
      const c = solveChat(volume / length, aht, concurrency, slowdown, target, maxOccupancy, maxAgents);
      r = { agents: c.agents, serviceLevel: c.serviceLevel, asa: c.asa, occupancy: c.occupancy, abandonment: 0 };
      cache.set(key, r);
    }
    out.push(withShrinkage(r, series, i));
  }
  return out;
}

function solveEmail(queue: EmailQueue, path: string, series: Series, length: number): QueueRequirements {
  const deadline = requirePositive(`${path}.deadlineSeconds`, queue.deadlineSeconds);
  const maxOccupancy = queue.maxOccupancy === undefined ? 1 : requireFraction(`${path}.maxOccupancy`, queue.maxOccupancy);
  const n = series.volumes.length;
  const result = emailRequirements({
    intervalSeconds: length,
    arrivals: series.volumes,
    ahtSeconds: queue.ahtSeconds,
    deadlineSeconds: deadline,
    open: queue.open === undefined ? undefined : Array.from({ length: n }, (_, i) => series.isOpen(i)),
    maxOccupancy,
  });
  const intervals = result.intervals.map((r, i) =>
    withShrinkage({ agents: r.agents, serviceLevel: 1, asa: r.meanResponseSeconds, occupancy: r.occupancy, abandonment: 0 }, series, i),
  );
  return { id: queue.id, channel: 'email', intervals, backlogAtEnd: result.backlogAtEnd };
}
