/**
 * Position in line and estimated wait.
 *
 * Position: 1-based rank of the contact among the waiting contacts of its own queue, in routing
 * priority order (so a boosted contact can be ahead of an earlier one).
 *
 * Estimated wait: the queue's serving slots S = sum of capacity on the queue's channel over the
 * agents that are logged in and working (available, reserved, busy, wrap-up) and could serve the
 * queue once it is fully widened (department, skills; lent agents inside their window); F = the
 * slots free right now (agents who could take a contact now). A contact at position p waits
 *     0                                  if p ≤ F
 *     (p − F) × meanHandleSeconds / S    otherwise
 * which is the expected wait for the (p − F)-th slot to free up when handle times are exponential
 * (each busy slot finishes at rate 1/AHT). null when nobody can serve the queue.
 * For email the result is in working (business) seconds.
 */
import { activeSteps, capacityReason, poolAndSkillVerdict, queueSteps } from './eligibility.js';
import type { Agent, Contact, Queue, QueueLookup, RoutingContext } from './model.js';
import { queueMap, resolveConfig } from './model.js';
import { prioritise } from './priority.js';

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
  explanation: string;
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
): WaitEstimate {
  if (!Number.isInteger(position) || position < 1) throw new RangeError(`position must be an integer ≥ 1, got ${position}`);
  if (!(stats.meanHandleSeconds > 0)) throw new RangeError(`stats.meanHandleSeconds must be > 0, got ${stats.meanHandleSeconds}`);
  const canServe = queueServer(queue, now, ctx);
  let servingAgents = 0;
  let slots = 0;
  let freeSlots = 0;
  for (const a of agents) {
    if (!WORKING.has(a.state) || !canServe(a)) continue;
    servingAgents++;
    slots += a.capacity[queue.channel];
    if (!capacityReason(a, queue.channel)) freeSlots += a.capacity[queue.channel] - a.load[queue.channel];
  }
  if (slots === 0) {
    return { seconds: null, position, servingAgents, slots, freeSlots, explanation: 'no logged-in agent can serve this queue' };
  }
  if (position <= freeSlots) {
    return { seconds: 0, position, servingAgents, slots, freeSlots, explanation: `${freeSlots} free slot(s) ≥ position ${position}` };
  }
  const seconds = ((position - freeSlots) * stats.meanHandleSeconds) / slots;
  return {
    seconds,
    position,
    servingAgents,
    slots,
    freeSlots,
    explanation: `(${position} − ${freeSlots} free) × ${stats.meanHandleSeconds} s / ${slots} slots`,
  };
}

/**
 * Whether an agent could serve `queue` once it is fully widened: capacity on its channel, department
 * or a loan near `now`, skills — whatever the agent's state and load (evaluated as if idle). The
 * wait estimate and the wallboard's agent counts use the same test.
 */
export function queueServer(queue: Queue, now: Date, ctx?: RoutingContext): (agent: Agent) => boolean {
  const steps = queueSteps(queue, resolveConfig(ctx));
  // A probe contact that has waited long enough for every step to be active.
  const widest = Math.max(...steps.map((s) => s.afterSeconds));
  const probe: Contact = { id: '', channel: queue.channel, queueId: queue.id, arrivedAt: new Date(now.getTime() - widest * 1000), customerRef: '' };
  const pre = { waited: widest, active: activeSteps(steps, widest) };
  return (a) => a.capacity[queue.channel] > 0 && typeof poolAndSkillVerdict(a, probe, queue, now, steps, pre) !== 'string';
}

/** Estimated wait in seconds for the contact at `position` of `queue` (null: nobody can serve it). */
export function estimateWait(
  queue: Queue,
  position: number,
  agents: readonly Agent[],
  stats: HandleTimeStats,
  now: Date,
  ctx?: RoutingContext,
): number | null {
  return estimateWaitDetails(queue, position, agents, stats, now, ctx).seconds;
}
