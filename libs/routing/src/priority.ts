/**
 * One priority across channels, based on time to breach.
 *
 *   deadline        = arrivedAt + target seconds (business seconds of the queue's calendar when
 *                     the basis is 'business')
 *   timeToBreach    = deadline − now (open seconds left when the basis is 'business'; negative once breached)
 *   urgency         = timeToBreach − startLead − priorityBoost          ← the sort key, in seconds
 *
 * `startLead` is how long before its deadline the work must *start* for the target to be met:
 * 0 for phone and chat (their targets measure the answer), the expected handling time for email
 * (its target measures the reply; default 600 s). So urgency is "seconds left before this contact
 * must be picked up", which is comparable across channels: a call at 25 s of a 30 s target
 * (urgency 5) beats a fresh chat (60); an email 5 minutes from its deadline (300 − 600 = −300)
 * beats a fresh chat; a fresh email (8 business hours) never beats a waiting chat.
 * Smaller urgency first; ties → earlier arrival → contact id.
 */
import type { BusinessClock, Contact, Queue, RoutingConfig, RoutingContext } from './model.js';
import { resolveConfig } from './model.js';

export interface PriorityInfo {
  deadline: Date;
  basis: 'elapsed' | 'business';
  /** Seconds (business seconds for the business basis) until the deadline; negative when breached. */
  timeToBreachSeconds: number;
  startLeadSeconds: number;
  boostSeconds: number;
  /** The sort key: timeToBreach − startLead − boost. Smaller = more urgent. */
  urgencySeconds: number;
  /** timeToBreach / target: share of the service budget left (for display). */
  budgetLeft: number;
}

function calendarFor(queue: Queue, ctx: RoutingContext | undefined): BusinessClock {
  const cal = ctx?.calendars?.[queue.id];
  if (!cal) throw new RangeError(`queue ${queue.id} has a business-time target but ctx.calendars['${queue.id}'] is missing`);
  return cal;
}

export function contactDeadline(contact: Contact, queue: Queue, ctx?: RoutingContext): Date {
  if (contact.deadline) return contact.deadline;
  const t = queue.serviceTarget;
  if (t.basis === 'business') return calendarFor(queue, ctx).addBusinessSeconds(contact.arrivedAt, t.seconds);
  return new Date(contact.arrivedAt.getTime() + t.seconds * 1000);
}

export function contactPriority(contact: Contact, queue: Queue, now: Date, ctx?: RoutingContext, config?: RoutingConfig): PriorityInfo {
  const cfg = config ?? resolveConfig(ctx);
  const t = queue.serviceTarget;
  const deadline = contactDeadline(contact, queue, ctx);
  const timeToBreachSeconds =
    t.basis === 'business'
      ? calendarFor(queue, ctx).businessSecondsBetween(now, deadline)
      : (deadline.getTime() - now.getTime()) / 1000;
  const startLeadSeconds = t.startLeadSeconds ?? cfg.startLeadSeconds[queue.channel];
  const boostSeconds = contact.priorityBoostSeconds ?? 0;
  return {
    deadline,
    basis: t.basis,
    timeToBreachSeconds,
    startLeadSeconds,
    boostSeconds,
    urgencySeconds: timeToBreachSeconds - startLeadSeconds - boostSeconds,
    budgetLeft: t.seconds > 0 ? timeToBreachSeconds / t.seconds : 0,
  };
}

export interface Prioritised {
  contact: Contact;
  queue: Queue;
  priority: PriorityInfo;
}

export function comparePrioritised(a: Prioritised, b: Prioritised): number {
  const d = a.priority.urgencySeconds - b.priority.urgencySeconds;
  if (d !== 0) return d;
  const arr = a.contact.arrivedAt.getTime() - b.contact.arrivedAt.getTime();
  if (arr !== 0) return arr;
  return a.contact.id < b.contact.id ? -1 : a.contact.id > b.contact.id ? 1 : 0;
}

/**
 * Waiting contacts in priority order (most urgent first). Contacts whose queue is unknown are
 * returned in `unknownQueue` rather than silently dropped.
 */
export function prioritise(
  contacts: readonly Contact[],
  queues: ReadonlyMap<string, Queue>,
  now: Date,
  ctx?: RoutingContext,
): { ordered: Prioritised[]; unknownQueue: Contact[] } {
  const cfg = resolveConfig(ctx);
  const ordered: Prioritised[] = [];
  const unknownQueue: Contact[] = [];
  for (const contact of contacts) {
    const queue = queues.get(contact.queueId);
    if (!queue) {
      unknownQueue.push(contact);
      continue;
    }
    ordered.push({ contact, queue, priority: contactPriority(contact, queue, now, ctx, cfg) });
  }
  ordered.sort(comparePrioritised);
  return { ordered, unknownQueue };
}
