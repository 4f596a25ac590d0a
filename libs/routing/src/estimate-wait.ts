/**
 * Position in line and estimated wait.
 *
 * Position: 1-based rank of the contact among the waiting contacts of its own queue, in routing
 * priority order (so a boosted contact can be ahead of an earlier one).
 *
 * Estimated wait: the agents who count are those logged in and working (available, reserved, busy,
 * wrap-up) who could serve the queue once it is fully widened (department, skills; lent agents
 * inside their window) and who may be offered this contact (not excluded from it: they turned it
 * down, let it time out or transferred it). Each serves the contact from the widening step it
 * first qualifies under: from that step's delay, less what the contact has already waited (an
 * agent who needs the 45 s step does not take a contact that has waited 0 s before 45 s). For each
 * such delay d, with S_d the serving slots (capacity on the queue's channel) and F_d the free slots
 * of the agents who serve from d or earlier, a contact at position p waits
 *     max(d, 0)                          if p ≤ F_d
 *     max(d, (p − F_d) × AHT / S_d)      otherwise
 * (the expected wait for the (p − F_d)-th slot to free up when handle times are exponential, each
 * busy slot finishing at rate 1/AHT), and the estimate is the smallest over the delays. With every
 * agent at step 0 this is (p − F) × AHT / S. null when nobody logged in can serve the contact.
 * An agent in wrap-up with a known end (`wrapUpUntil`) is not a busy slot freeing at random: its
 * slots are free from that end on, so it counts as a free agent whose delay is the later of its
 * step's delay and the wrap-up left (and not at all before then); one whose end is not known counts
 * as busy. For email the result is in working (business) seconds.
 */
import { activeSteps, capacityReason, poolAndSkillVerdict, queueSteps, type StepInfo } from './eligibility.js';
import type { Agent, Contact, Queue, QueueLookup, RoutingContext } from './model.js';
import { queueMap, resolveConfig } from './model.js';
import { prioritise } from './priority.js';
import { maxOf } from '../../core/src/extremes.js';

export interface HandleTimeStats {
  /** Recent mean handle time (talk/writing + wrap-up) per contact of this queue, seconds. */
  meanHandleSeconds: number;
}

export interface WaitEstimate {
  seconds: number | null;
  position: number;
  servingAgents: number;
  slots: number;
  freeSlots: number;
  /**
   * Seconds from now until the agents the estimate counts on may take the contact (the widening
   * delay of the latest step among them, less the wait so far): 0 when step-0 agents serve it.
   */
  servedFromSeconds: number;
  explanation: string;
}

/** Which contact the estimate is for. By default a contact arriving now, excluded from nobody. */
export interface WaitEstimateContact {
  /** Seconds the contact has waited so far (its widening steps count from its arrival). */
  waitedSeconds?: number;
  /** Agents who will not be offered the contact (turned it down, let it time out, transferred it). */
  excludedAgentIds?: readonly string[];
}

const WORKING = new Set(['available', 'reserved', 'busy', 'wrap-up']);

export function positionInLine(
  contact: Contact,
  waitingContacts: readonly Contact[],
  queues: QueueLookup,
  now: Date,
  ctx?: RoutingContext,
): number {
  const sameQueue = waitingContacts.filter((c) => c.queueId === contact.queueId && c.id !== contact.id);
  const { ordered } = prioritise([contact, ...sameQueue], queueMap(queues), now, ctx);
  const i = ordered.findIndex((p) => p.contact.id === contact.id);
  if (i < 0) throw new RangeError(`queue ${contact.queueId} of contact ${contact.id} is not known`);
  return i + 1;
}

export function estimateWaitDetails(
  queue: Queue,
  position: number,
  agents: readonly Agent[],
  stats: HandleTimeStats,
  now: Date,
  ctx?: RoutingContext,
  contact: WaitEstimateContact = {},
): WaitEstimate {
  if (!Number.isInteger(position) || position < 1) throw new RangeError(`position must be an integer ≥ 1, got ${position}`);
  if (!(stats.meanHandleSeconds > 0)) throw new RangeError(`stats.meanHandleSeconds must be > 0, got ${stats.meanHandleSeconds}`);
  const servingStep = queueServingStep(queue, now, ctx);
  const waited = Math.max(0, contact.waitedSeconds ?? 0);
  const excluded = contact.excludedAgentIds ?? [];
  // Slots and free slots by the delay from now after which their agents may take the contact.
  const byDelay = new Map<number, { slots: number; free: number }>();
  let servingAgents = 0;
  let slots = 0;
  let freeSlots = 0;
  for (const a of agents) {
    // An agent going to break or offline once its contacts end serves no more of the queue.
    if (!WORKING.has(a.state) || a.pendingState || excluded.includes(a.id)) continue;
    const step = servingStep(a);
    if (!step) continue;
    const capacity = a.capacity[queue.channel];
    // In wrap-up until a known time: free from then on, with what it would have room for when available.
    const wrapUpLeft = a.state === 'wrap-up' && a.wrapUpUntil ? Math.max(0, (a.wrapUpUntil.getTime() - now.getTime()) / 1000) : null;
    const asAt = wrapUpLeft === null ? a : { ...a, state: 'available' as const };
    const free = capacityReason(asAt, queue.channel) ? 0 : capacity - a.load[queue.channel];
    const delay = Math.max(0, step.afterSeconds - waited, wrapUpLeft ?? 0);
    const g = byDelay.get(delay) ?? { slots: 0, free: 0 };
    g.slots += capacity;
    g.free += free;
    byDelay.set(delay, g);
    servingAgents++;
    slots += capacity;
    freeSlots += free;
  }
  if (slots === 0) {
    return { seconds: null, position, servingAgents, slots, freeSlots, servedFromSeconds: 0, explanation: 'no logged-in agent can serve this contact' };
  }
  let best: { seconds: number; delay: number; slots: number; free: number } | null = null;
  let s = 0;
  let f = 0;
  for (const delay of [...byDelay.keys()].sort((x, y) => x - y)) {
    const g = byDelay.get(delay)!;
    s += g.slots;
    f += g.free;
    const seconds = Math.max(delay, position <= f ? 0 : ((position - f) * stats.meanHandleSeconds) / s);
    if (!best || seconds < best.seconds) best = { seconds, delay, slots: s, free: f };
  }
  const b = best!;
  const from = b.delay > 0 ? `agents who serve it from ${b.delay} s on: ` : '';
  const explanation =
    position <= b.free
      ? `${from}${b.free} free slot(s) ≥ position ${position}`
      : `${from}(${position} − ${b.free} free) × ${stats.meanHandleSeconds} s / ${b.slots} slots`;
  return { seconds: b.seconds, position, servingAgents, slots, freeSlots, servedFromSeconds: b.delay, explanation };
}

/**
 * Whether an agent could serve `queue` once it is fully widened: capacity on its channel, department
 * or a loan near `now`, skills — whatever the agent's state and load (evaluated as if idle). The
 * wait estimate and the wallboard's agent counts use the same test.
 */
export function queueServer(queue: Queue, now: Date, ctx?: RoutingContext): (agent: Agent) => boolean {
  const step = queueServingStep(queue, now, ctx);
  return (a) => step(a) !== null;
}

/**
 * The earliest widening step under which an agent could serve `queue` (as `queueServer`, evaluated
 * as if idle), or null when none: the agent takes a contact of the queue from that step's delay on.
 */
export function queueServingStep(queue: Queue, now: Date, ctx?: RoutingContext): (agent: Agent) => StepInfo | null {
  const steps = queueSteps(queue, resolveConfig(ctx));
  // A probe contact that has waited long enough for every step to be active; the policy matches an
  // agent to the first (narrowest, earliest) active step it qualifies under.
  const widest = maxOf(steps.map((s) => s.afterSeconds));
  const probe: Contact = { id: '', channel: queue.channel, queueId: queue.id, arrivedAt: new Date(now.getTime() - widest * 1000), customerRef: '' };
  const pre = { waited: widest, active: activeSteps(steps, widest) };
  return (a) => {
    if (!(a.capacity[queue.channel] > 0)) return null;
    const v = poolAndSkillVerdict(a, probe, queue, now, steps, pre);
    return typeof v === 'string' ? null : v;
  };
}

/** Estimated wait in seconds for the contact at `position` of `queue` (null: nobody can serve it). */
export function estimateWait(
  queue: Queue,
  position: number,
  agents: readonly Agent[],
  stats: HandleTimeStats,
  now: Date,
  ctx?: RoutingContext,
  contact?: WaitEstimateContact,
): number | null {
  return estimateWaitDetails(queue, position, agents, stats, now, ctx, contact).seconds;
}
