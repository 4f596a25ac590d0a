/**
 * A whole planning horizon in one call: many queues × intervals, each queue of one channel.
 *
 * - phone: Erlang A when `patienceSeconds` is given, else Erlang C; smallest n meeting the target
 *   (plus optional occupancy / abandonment caps).
 * - chat: slots model of `chat.ts` (Erlang C on c·agents slots of the stretched handle time).
 * - email: the deadline backlog of `email-backlog.ts` over the queue's whole series, by its
 *   `policy` (`level`, the default: the fewest agents constant over the open intervals that meet
 *   every deadline; `latest`: staff only when a deadline forces it); serviceLevel is 1 (every
 *   email meets its deadline by construction), asa the mean business-time response of the emails
 *   handled in the interval, abandonment 0.
 * Intervals flagged closed (`open[i] === false`) get 0 agents for every channel.
 *
 * Blended pools (`pools`): one group of agents answering several queues of different channels.
 * Model, per interval:
 *   pool = Σ phone requirements + Σ chat requirements + email agents beyond the usable idle time.
 * - Phone and chat keep their stand-alone requirements and are added: the routing engine gives a
 *   call only to an agent without chats and a call blocks new chats, so an agent's attention is
 *   split between the two and each needs its own queueing margin. (No pooling credit is claimed
 *   between them: that would need a model of the mixed system this library does not have.)
 * - Email can wait and can be interrupted: the routing engine offers a call to an agent who has
 *   emails in hand (they are parked) and holds emails back while calls or chats wait past their
 *   blending threshold. Email is therefore a lower, preemptive-priority class, and the phone and
 *   chat service levels are those of their own requirements whatever email work is done (exactly
 *   so in the fluid, preemptive-resume limit). Email fills their idle time: the phone/chat agents
 *   are idle n·(1 − occupancy)·L agent-seconds per interval (occupancy from the same Erlang model;
 *   chat per slot), of which the share `idleUsableShare` (default 0.8: switching costs, idle
 *   moments too short to make progress on an email) is email capacity for free. The email backlog
 *   is planned as for a stand-alone queue (same policy, EDF over all the pool's email queues) with
 *   that free capacity first; only the rest needs agents, at the email queues' lowest maxOccupancy.
 * So the pool needs fewer agents than its queues staffed separately exactly when the phone/chat
 * queueing margin has idle time that email can use (quiet intervals, small queues); the answer
 * also gives the separate sum for comparison. (libs/simulation routes with the same policy, but it
 * does not yet pause an email while its agent is on a call, so it would overstate email capacity:
 * a simulated check of pools waits for that.)
 *
 * Speed: a week of 15-minute intervals × 3 channels × 10 queues (~20,000 items) runs in some tens
 * of milliseconds (BENCHMARKS.md). Erlang B starts near the load (O(√A) steps, see `erlang-b.ts`), the Erlang C search
 * steps n upward from ⌊A⌋+1 carrying the recursion, Erlang A gallops from the Erlang C answer, and
 * identical (load, parameters) items — very common in forecasts — are answered from a per-call cache.
 */
import { solveChat } from './chat.js';
import { checkMaxAgents } from './erlang-b.js';
import { type ServiceTarget, searchErlangC, validateTarget } from './erlang-c.js';
import { searchErlangA } from './erlang-a.js';
import { type DeadlineBasis, type EmailPolicy, type EmailStream, emailStream, planEmailStreams, requireEmailPolicy } from './email-backlog.js';
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
  /** `business` (default): the deadline counts open time; `elapsed`: wall-clock time (email-backlog.ts). */
  deadlineBasis?: DeadlineBasis;
  maxOccupancy?: number;
  /** `level` (default): constant staffing over open intervals; `latest`: only when a deadline forces it. */
  policy?: EmailPolicy;
}

/** A group of agents answering several queues (of any channels) together; see the header. */
export interface BlendedPool {
  id: string;
  /** Ids of queues of the horizon; a queue belongs to at most one pool. */
  queueIds: readonly string[];
  /** Shrinkage of the pool's agents, one value or one per interval; fills `agentsWithShrinkage`. */
  shrinkage?: number | readonly number[];
  /** Share of the phone/chat agents' idle time usable for email, 0–1; default 0.8. */
  idleUsableShare?: number;
  /** Policy of the pool's email backlog; default `level`. */
  emailPolicy?: EmailPolicy;
}

export interface PoolIntervalRequirement {
  /** Agents the pool needs (before shrinkage). */
  agents: number;
  agentsWithShrinkage?: number;
  /** Σ of the pool's phone and chat requirements. */
  interactiveAgents: number;
  /** Agents added for email beyond the usable idle time of the phone/chat agents. */
  emailAgents: number;
  /** Σ of the pool's queues' stand-alone requirements (email by its own policy), for comparison. */
  separateAgents: number;
  /** Idle agent-seconds of the phone/chat agents usable for email (idleUsableShare applied). */
  usableIdleSeconds: number;
  /** Email work done in the interval, seconds, and the part of it done in that idle time. */
  emailWorkSeconds: number;
  emailWorkInIdleSeconds: number;
}

export interface PoolRequirements {
  id: string;
  queueIds: string[];
  intervals: PoolIntervalRequirement[];
  /** Email work of the pool still open at the end of the horizon (due after it). */
  emailBacklogAtEnd: { emails: number; workSeconds: number };
}

export type QueueSpec = PhoneQueue | ChatQueue | EmailQueue;

export interface Horizon {
  /** Interval length in seconds (e.g. 900). */
  intervalSeconds: number;
  queues: readonly QueueSpec[];
  /** Give up (throw) if one interval would need more agents than this; default 1,000,000. */
  maxAgents?: number;
  /** Blended pools of queues answered by the same agents. */
  pools?: readonly BlendedPool[];
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
  /** One entry per pool of the input, in its order (absent without pools). */
  pools?: PoolRequirements[];
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
  if (horizon.pools === undefined) return { intervalSeconds: length, queues };
  return { intervalSeconds: length, queues, pools: solvePools(horizon, queues, length) };
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

function emailStreamOf(queue: EmailQueue, path: string, length: number): EmailStream {
  return emailStream(
    { arrivals: queue.volumes, ahtSeconds: queue.ahtSeconds, deadlineSeconds: queue.deadlineSeconds, deadlineBasis: queue.deadlineBasis, open: queue.open, intervalSeconds: length },
    { arrivals: `${path}.volumes`, ahtSeconds: `${path}.ahtSeconds`, deadlineSeconds: `${path}.deadlineSeconds`, deadlineBasis: `${path}.deadlineBasis`, open: `${path}.open` },
  );
}

function emailOccupancyOf(queue: EmailQueue, path: string): number {
  return queue.maxOccupancy === undefined ? 1 : requireFraction(`${path}.maxOccupancy`, queue.maxOccupancy);
}

function solveEmail(queue: EmailQueue, path: string, series: Series, length: number): QueueRequirements {
  const stream = emailStreamOf(queue, path, length);
  const maxOccupancy = emailOccupancyOf(queue, path);
  const policy = requireEmailPolicy(`${path}.policy`, queue.policy);
  const plan = planEmailStreams([stream], series.volumes.length, { intervalSeconds: length, capacityPerAgent: length * maxOccupancy, policy });
  const detail = plan.streams[0] as (typeof plan.streams)[number];
  const intervals = detail.intervals.map((r, i) =>
    withShrinkage(
      { agents: r.agents, serviceLevel: 1, asa: r.meanResponseSeconds, occupancy: r.agents > 0 ? r.workedSeconds / (r.agents * length) : 0, abandonment: 0 },
      series,
      i,
    ),
  );
  return { id: queue.id, channel: 'email', intervals, backlogAtEnd: detail.backlogAtEnd };
}

/** Default share of the phone/chat agents' idle time that email can use. */
export const DEFAULT_IDLE_USABLE_SHARE = 0.8;

function solvePools(horizon: Horizon, solved: readonly QueueRequirements[], length: number): PoolRequirements[] {
  const pools = horizon.pools;
  if (!Array.isArray(pools)) throw new StaffingInputError('pools', 'must be an array');
  const index = new Map(horizon.queues.map((q, i) => [q.id, i]));
  const count = horizon.queues[0]?.volumes.length ?? 0;
  const poolIds = new Set<string>();
  const member = new Map<string, string>();
  return pools.map((pool, p) => {
    const path = `pools[${p}]`;
    if (pool === null || typeof pool !== 'object') throw new StaffingInputError(path, 'must be an object');
    if (typeof pool.id !== 'string' || pool.id === '') throw new StaffingInputError(`${path}.id`, 'must be a non-empty string');
    if (poolIds.has(pool.id)) throw new StaffingInputError(`${path}.id`, `must be unique ("${pool.id}" repeats)`);
    poolIds.add(pool.id);
    if (!Array.isArray(pool.queueIds) || pool.queueIds.length === 0) throw new StaffingInputError(`${path}.queueIds`, 'must be a non-empty array of queue ids');
    const members = (pool.queueIds as readonly string[]).map((id: string, k: number) => {
      const at = index.get(id);
      if (at === undefined) throw new StaffingInputError(`${path}.queueIds[${k}]`, `must be the id of a queue ("${String(id)}" is not)`);
      const other = member.get(id);
      if (other !== undefined) throw new StaffingInputError(`${path}.queueIds[${k}]`, `must not be in two pools ("${id}" is in "${other}")`);
      member.set(id, pool.id);
      if ((horizon.queues[at] as QueueSpec).volumes.length !== count) throw new StaffingInputError(`${path}.queueIds[${k}]`, 'must name queues with series as long as queues[0].volumes');
      return at;
    });
    const usable = pool.idleUsableShare === undefined ? DEFAULT_IDLE_USABLE_SHARE : requireFraction(`${path}.idleUsableShare`, pool.idleUsableShare, true);
    const policy = requireEmailPolicy(`${path}.emailPolicy`, pool.emailPolicy);
    let shrinkage: ((i: number) => number) | undefined;
    const s = pool.shrinkage;
    if (typeof s === 'number') {
      requireShrinkage(`${path}.shrinkage`, s);
      shrinkage = () => s;
    } else if (s !== undefined) {
      if (!Array.isArray(s) || s.length !== count) throw new StaffingInputError(`${path}.shrinkage`, 'must be a number or an array as long as the volumes');
      requireEachShrinkage(`${path}.shrinkage`, s);
      shrinkage = (i) => s[i] as number;
    }

    const interactive = new Array<number>(count).fill(0);
    const separate = new Array<number>(count).fill(0);
    const idle = new Array<number>(count).fill(0);
    const streams: EmailStream[] = [];
    let emailOccupancy = 1;
    for (const at of members) {
      const spec = horizon.queues[at] as QueueSpec;
      const result = solved[at] as QueueRequirements;
      result.intervals.forEach((r, t) => {
        separate[t] = (separate[t] as number) + r.agents;
        if (spec.channel === 'email') return;
        interactive[t] = (interactive[t] as number) + r.agents;
        idle[t] = (idle[t] as number) + r.agents * Math.max(0, 1 - r.occupancy) * length * usable;
      });
      if (spec.channel === 'email') {
        streams.push(emailStreamOf(spec, `queues[${at}]`, length));
        emailOccupancy = Math.min(emailOccupancy, emailOccupancyOf(spec, `queues[${at}]`));
      }
    }
    const plan =
      streams.length > 0 ? planEmailStreams(streams, count, { intervalSeconds: length, capacityPerAgent: length * emailOccupancy, policy, freeSeconds: idle }) : undefined;
    const intervals = interactive.map((inter, t): PoolIntervalRequirement => {
      const emailAgents = plan ? (plan.agents[t] as number) : 0;
      const agents = inter + emailAgents;
      return {
        agents,
        ...(shrinkage ? { agentsWithShrinkage: scheduledAgents(agents, shrinkage(t)) } : {}),
        interactiveAgents: inter,
        emailAgents,
        separateAgents: separate[t] as number,
        usableIdleSeconds: idle[t] as number,
        emailWorkSeconds: plan ? (plan.workedSeconds[t] as number) : 0,
        emailWorkInIdleSeconds: plan ? (plan.freeWorkedSeconds[t] as number) : 0,
      };
    });
    const backlog = (plan?.streams ?? []).reduce((b, st) => ({ emails: b.emails + st.backlogAtEnd.emails, workSeconds: b.workSeconds + st.backlogAtEnd.workSeconds }), { emails: 0, workSeconds: 0 });
    return { id: pool.id, queueIds: [...pool.queueIds], intervals, emailBacklogAtEnd: backlog };
  });
}
