/**
 * The routing policy's entry points. Pure and deterministic: same inputs → same decision;
 * inputs are never mutated; the clock is the `now` argument.
 */
import type { EvaluationContext, SkipReason, StepInfo } from './eligibility.js';
import {
  activeSteps,
  agentVerdict,
  eligibleOnceChatsEnd,
  evaluateAgent,
  queueSteps,
  SkipTally,
  skipDetail,
  takesCallsOnceChatsEnd,
  verdictBesidesExclusion,
} from './eligibility.js';
import type { AgentChoiceRule, Explanation, SkippedContact } from './explanation.js';
import type { Agent, Channel, Contact, Queue, QueueLookup, RoutingConfig, RoutingContext } from './model.js';
import { DEFAULT_ROUTING_CONFIG, queueMap, resolveConfig, waitedSeconds } from './model.js';
import type { Prioritised, PriorityInfo } from './priority.js';
import { contactPriority, prioritise } from './priority.js';

export type AgentSelection =
  | { agentId: string; step: StepInfo; rule: AgentChoiceRule; explanation: Explanation }
  | { agentId: null; explanation: Explanation };

export type ContactSelection =
  | { contactId: string; queueId: string; step: StepInfo; explanation: Explanation }
  | { contactId: null; explanation: Explanation };

export interface Assignment {
  contactId: string;
  agentId: string;
  queueId: string;
  channel: Channel;
  step: StepInfo;
  rule: AgentChoiceRule;
  lent: boolean;
  priority: PriorityInfo;
  explanation: Explanation;
}

/**
 * Each queue's widening steps under a config, worked out once per queue object: queues and configs
 * are values (the core replaces a queue's object when its settings change, and never changes one).
 */
const stepsByQueue = new WeakMap<Queue, WeakMap<RoutingConfig, StepInfo[]>>();

class Steps {
  constructor(private readonly config: RoutingConfig) {}
  of(queue: Queue): StepInfo[] {
    let byConfig = stepsByQueue.get(queue);
    if (!byConfig) stepsByQueue.set(queue, (byConfig = new WeakMap()));
    let s = byConfig.get(this.config);
    if (!s) {
      s = queueSteps(queue, this.config);
      byConfig.set(this.config, s);
    }
    return s;
  }
}

interface Candidate {
  agent: Agent;
  step: StepInfo;
  lent: boolean;
  previous: boolean;
  /** The ranking's keys, read once per candidate rather than at every comparison. */
  load: number;
  idle: number;
  occupancy: number;
}

/**
 * How many of the best-ranked eligible agents a selection names, best first: enough for every
 * consumer (the stored explanation names 10, a reservation attempt falls through at most 16). The
 * rest are counted. Keeping only these (one comparison for most agents) instead of sorting every
 * eligible agent was ~8 % of the API's CPU per routing decision with 200 agents (bench:routing).
 */
export const RANKED_AGENTS_NAMED = 16;

/**
 * Puts the agent into `top` (ranked best first, at most `max` long) when it ranks there, dropping
 * the last when full. Most agents of a large pool do not make the list once it is full: they are
 * compared with its last entry and dropped without a Candidate being made for them.
 */
function keepRanked(top: Candidate[], agent: Agent, step: StepInfo, lent: boolean, previous: boolean, max: number): void {
  const load = totalLoad(agent);
  const idle = agent.idleSince.getTime();
  const occupancy = occupancyOf(agent);
  if (top.length === max && rankOrder(previous, step.index, load, idle, occupancy, agent.id, top[max - 1]) >= 0) return;
  const c: Candidate = { agent, step, lent, previous, load, idle, occupancy };
  if (top.length === max) top.pop();
  let i = top.length;
  while (i > 0 && compareCandidates(c, top[i - 1]) < 0) i--;
  top.splice(i, 0, c);
}

function totalLoad(a: Agent): number {
  return a.load.phone + a.load.chat + a.load.email;
}

function occupancyOf(a: Agent): number {
  if (a.occupancy !== undefined) return a.occupancy;
  const cap = a.capacity.phone + a.capacity.chat + a.capacity.email;
  return cap > 0 ? totalLoad(a) / cap : 1;
}

/**
 * Agent ranking: the previous agent (inside its preference window) first; then the narrowest
 * widening step (a fully skilled agent before a widened one); then fewer contacts in hand; then
 * longest idle (earliest idleSince); then lower occupancy; then id.
 */
function compareCandidates(a: Candidate, b: Candidate): number {
  return rankOrder(a.previous, a.step.index, a.load, a.idle, a.occupancy, a.agent.id, b);
}

/** compareCandidates with the first candidate's keys given one by one. */
function rankOrder(previous: boolean, stepIndex: number, load: number, idle: number, occupancy: number, id: string, b: Candidate): number {
  if (previous !== b.previous) return previous ? -1 : 1;
  if (stepIndex !== b.step.index) return stepIndex - b.step.index;
  if (load !== b.load) return load - b.load;
  if (idle !== b.idle) return idle - b.idle;
  if (occupancy !== b.occupancy) return occupancy - b.occupancy;
  const other = b.agent.id;
  return id < other ? -1 : id > other ? 1 : 0;
}

/**
 * A phone or chat queue's blending threshold: once one of its contacts has waited this long, work of
 * a lower channel gives way to it — agents who could take it get no email (email blending), and, for
 * a call, agents who could take it once their chats end get no new chat (call draining). One knob
 * per queue (`emailBlendingThresholdSeconds`, default phone 10 s, chat 20 s).
 */
export function blendingThresholdSeconds(queue: Queue, config: RoutingConfig): number {
  return queue.emailBlendingThresholdSeconds ?? config.emailBlendingThresholdSeconds[queue.channel];
}

/** Whether a waiting contact has waited past its queue's blending threshold (then it holds work of a lower channel back). */
export function pastBlendingThreshold(contact: Pick<Contact, 'arrivedAt'>, queue: Queue, now: Date, config: RoutingConfig = DEFAULT_ROUTING_CONFIG): boolean {
  return (now.getTime() - contact.arrivedAt.getTime()) / 1000 >= blendingThresholdSeconds(queue, config);
}

/**
 * The channels whose late waiting contacts can hold back a new contact of a channel: calls and chats
 * an email (email blending), calls a chat (call draining), nothing a call. An engine hands the
 * policy those waiting contacts in `RoutingContext.waitingContacts`.
 */
export const HELD_BACK_BY: Readonly<Record<Channel, readonly Channel[]>> = { phone: [], chat: ['phone'], email: ['phone', 'chat'] };

function isLate(p: Prioritised, now: Date, config: RoutingConfig): boolean {
  return pastBlendingThreshold(p.contact, p.queue, now, config);
}

/** Phone/chat contacts that have waited past their queue's blending threshold (they hold emails back). */
function blockingContacts(ordered: readonly Prioritised[], now: Date, config: RoutingConfig): Prioritised[] {
  return ordered.filter((p) => p.queue.channel !== 'email' && isLate(p, now, config));
}

/** Calls that have waited past their queue's blending threshold (they hold new chats back: call draining). */
function drainingCalls(ordered: readonly Prioritised[], now: Date, config: RoutingConfig): Prioritised[] {
  return ordered.filter((p) => p.queue.channel === 'phone' && isLate(p, now, config));
}

/**
 * The waiting contacts of `channel` in `waiting` past their blending threshold, in priority order;
 * the others are not prioritised at all (a chat decision looks only at the late calls).
 */
function lateWaiting(
  waiting: readonly Contact[],
  channels: (channel: Channel) => boolean,
  queues: ReadonlyMap<string, Queue>,
  now: Date,
  ctx: RoutingContext,
  config: RoutingConfig,
): Prioritised[] {
  const late = waiting.filter((c) => {
    const q = queues.get(c.queueId);
    return q !== undefined && channels(q.channel) && pastBlendingThreshold(c, q, now, config);
  });
  return late.length ? prioritise(late, queues, now, ctx).ordered : [];
}

/** The first blocking contact the agent could take now, if any. */
function blendingBlocker(
  agent: Agent,
  blocking: readonly Prioritised[],
  now: Date,
  steps: Steps,
  skip?: ReadonlySet<string>,
): Prioritised | undefined {
  return blocking.find((p) => !skip?.has(p.contact.id) && typeof agentVerdict(agent, p.contact, p.queue, now, steps.of(p.queue)) !== 'string');
}

/**
 * Call draining: the first late call the agent could take once its chats end, if any. Such an agent
 * gets no new chat, so that its chats end and it comes free for the call; without this, a call that
 * only agents holding chats could take waited as long as chats kept arriving (a call never shares an
 * agent with a chat).
 */
function drainingBlocker(
  agent: Agent,
  calls: readonly Prioritised[],
  now: Date,
  steps: Steps,
  skip?: ReadonlySet<string>,
): Prioritised | undefined {
  if (!calls.length || !takesCallsOnceChatsEnd(agent)) return undefined;
  return calls.find((p) => !skip?.has(p.contact.id) && eligibleOnceChatsEnd(agent, p.contact, p.queue, now, steps.of(p.queue)));
}

function blendingDetail(blocker: Prioritised, now: Date): string {
  return `could take ${blocker.queue.channel} contact ${blocker.contact.id} waiting ${Math.floor(waitedSeconds(blocker.contact, now))} s`;
}

function drainingDetail(agent: Agent, call: Prioritised, now: Date): string {
  const chats = agent.load.chat;
  return (
    `kept free for phone contact ${call.contact.id} waiting ${Math.floor(waitedSeconds(call.contact, now))} s` +
    (chats > 0 ? ` (${chats} chat${chats === 1 ? '' : 's'} in hand to finish first)` : '')
  );
}

/**
 * What holds an agent back from a contact it is otherwise eligible for: a late contact of a channel
 * that goes first (an email waits for late calls and chats, a new chat for late calls).
 */
interface HoldBack {
  reason: 'email-blending' | 'call-draining';
  /** The late contact the agent is kept for, if any. */
  blocker(agent: Agent): Prioritised | undefined;
  detail(agent: Agent, blocker: Prioritised): string;
}

function emailHoldBack(blocking: readonly Prioritised[], now: Date, steps: Steps, skip?: ReadonlySet<string>): HoldBack {
  return {
    reason: 'email-blending',
    blocker: (a) => blendingBlocker(a, blocking, now, steps, skip),
    detail: (_a, b) => blendingDetail(b, now),
  };
}

function chatHoldBack(calls: readonly Prioritised[], now: Date, steps: Steps, skip?: ReadonlySet<string>): HoldBack | null {
  if (!calls.length) return null;
  return {
    reason: 'call-draining',
    blocker: (a) => drainingBlocker(a, calls, now, steps, skip),
    detail: (a, b) => drainingDetail(a, b, now),
  };
}

interface Choice {
  best: Candidate | null;
  /** The best RANKED_AGENTS_NAMED eligible agents, best first. */
  ranked: Candidate[];
  /** All eligible agents. */
  eligibleCount: number;
  skipped: SkipTally;
  previousAgent?: Explanation['previousAgent'];
  /** The best is an agent who turned the contact down before (see `declinedMayRetry`). */
  declinedBefore?: boolean;
}

/**
 * Whether agents who turned a contact down (rejected it, let the offer time out, failed to take the
 * call) may be offered it again: once it is past its service target and no other agent can take it.
 * Without this a contact every eligible agent had turned down once waited until the customer gave
 * up — a single missed ring at night lost the call. The one who turned it down longest ago goes first.
 */
function declinedMayRetry(priority: PriorityInfo): boolean {
  return priority.timeToBreachSeconds <= 0;
}

function chooseAgent(
  contact: Contact,
  queue: Queue,
  agents: Iterable<Agent>,
  now: Date,
  config: RoutingConfig,
  steps: Steps,
  holdBack: HoldBack | null,
  retryDeclined = false,
): Choice {
  const waited = waitedSeconds(contact, now);
  let declined: { candidate: Candidate[]; order: number } | null = null;
  const prefSeconds = queue.previousAgentPreferenceSeconds ?? config.previousAgentPreferenceSeconds[queue.channel];
  const preferPrevious = contact.previousAgentId !== undefined && waited < prefSeconds;
  const ranked: Candidate[] = [];
  let eligibleCount = 0;
  const skipped = new SkipTally();
  let previousAgent: Agent | undefined;
  let previousVerdict: StepInfo | SkipReason | 'held-back' | undefined;
  const stepsOfQueue = steps.of(queue);
  const pre: EvaluationContext = { waited, active: activeSteps(stepsOfQueue, waited) };
  for (const agent of agents) {
    const isPrevious = agent.id === contact.previousAgentId;
    if (isPrevious) previousAgent = agent;
    const verdict = agentVerdict(agent, contact, queue, now, stepsOfQueue, pre);
    if (typeof verdict === 'string') {
      if (skipped.add(verdict)) skipped.name(agent.id, verdict, skipDetail(verdict, agent, contact, queue, now, stepsOfQueue, pre));
      if (isPrevious) previousVerdict = verdict;
      if (verdict === 'excluded' && retryDeclined) {
        const order = contact.excludedAgentIds!.indexOf(agent.id);
        const again = declined && declined.order < order ? null : verdictBesidesExclusion(agent, contact, queue, now, stepsOfQueue, pre);
        if (again && typeof again !== 'string' && !holdBack?.blocker(agent)) {
          declined = { candidate: [], order };
          keepRanked(declined.candidate, agent, again, agent.departmentId !== queue.departmentId, false, 1);
        }
      }
      continue;
    }
    const blocker = holdBack?.blocker(agent);
    if (blocker) {
      if (skipped.add(holdBack!.reason)) skipped.name(agent.id, holdBack!.reason, holdBack!.detail(agent, blocker));
      if (isPrevious) previousVerdict = 'held-back';
      continue;
    }
    if (isPrevious) previousVerdict = verdict;
    eligibleCount++;
    keepRanked(ranked, agent, verdict, agent.departmentId !== queue.departmentId, preferPrevious && isPrevious, RANKED_AGENTS_NAMED);
  }
  let previous: Explanation['previousAgent'];
  if (contact.previousAgentId !== undefined) {
    const id = contact.previousAgentId;
    let detail: string;
    let applied = false;
    if (!preferPrevious) detail = `preference window of ${prefSeconds} s is over (waited ${Math.floor(waited)} s)`;
    else if (previousVerdict === undefined) detail = 'previous agent is not logged in';
    else if (previousVerdict === 'held-back') {
      detail = holdBack?.reason === 'call-draining' ? 'previous agent is kept free for a waiting call' : 'previous agent is kept for waiting calls/chats';
    }
    else if (typeof previousVerdict === 'string') detail = `previous agent not eligible: ${skipDetail(previousVerdict, previousAgent!, contact, queue, now, stepsOfQueue, pre)}`;
    else {
      applied = true;
      detail = `preferred for the first ${prefSeconds} s of the wait`;
    }
    previous = { agentId: id, applied, detail };
  }
  if (!ranked.length && declined) return { best: declined.candidate[0], ranked: declined.candidate, eligibleCount: 0, skipped, previousAgent: previous, declinedBefore: true };
  return { best: ranked[0] ?? null, ranked, eligibleCount, skipped, previousAgent: previous };
}

/**
 * The criterion that put the chosen agent ahead of the runner-up (the ranking of
 * compareCandidates), so that explanations name the rule that actually decided.
 */
function decidingRule(ranked: readonly Candidate[]): AgentChoiceRule {
  const [a, b] = ranked;
  if (a.previous) return 'previous-agent';
  if (!b) return 'only-eligible';
  if (a.step.index !== b.step.index) return 'narrowest-step';
  if (a.load !== b.load) return 'fewest-in-hand';
  if (a.idle !== b.idle) return 'longest-idle';
  if (a.occupancy !== b.occupancy) return 'lowest-occupancy';
  return 'agent-id';
}

function agentSelection(choice: Choice, contact: Contact, priority: PriorityInfo, waited: number): AgentSelection {
  const base = {
    priority,
    waitedSeconds: waited,
    eligibleAgentIds: choice.ranked.map((c) => c.agent.id),
    eligibleCount: choice.eligibleCount,
    skippedAgents: choice.skipped.named,
    skippedCount: choice.skipped.count,
    skippedByReason: choice.skipped.byReason,
    ...(choice.previousAgent ? { previousAgent: choice.previousAgent } : {}),
  };
  const best = choice.best;
  if (!best) {
    return {
      agentId: null,
      explanation: {
        ...base,
        rule: 'no-eligible-agent',
        summary: `no eligible agent for contact ${contact.id} (${choice.skipped.count} skipped)`,
      },
    };
  }
  const rule = choice.declinedBefore ? 'declined-before' : decidingRule(choice.ranked);
  return {
    agentId: best.agent.id,
    step: best.step,
    rule,
    explanation: {
      ...base,
      rule,
      step: best.step,
      summary:
        `contact ${contact.id} → agent ${best.agent.id} by ${rule}` +
        ` (step ${best.step.index}: ${best.step.name}${best.lent ? ', lent agent' : ''})` +
        (choice.declinedBefore ? '; past its target with no other agent free, offered again to the agent who turned it down longest ago' : ''),
    },
  };
}

/**
 * When a contact arrives (or waits on): the agent it should be offered to, or null.
 * For an email, agents who could take a phone/chat contact in `ctx.waitingContacts` waiting past
 * its blending threshold are skipped (email blending); for a chat, agents who could take a call in
 * `ctx.waitingContacts` waiting past its threshold once their chats end (call draining). Without
 * `ctx.waitingContacts` neither is checked.
 */
export function selectAgentForContact(
  contact: Contact,
  queue: Queue,
  agents: readonly Agent[],
  now: Date,
  ctx: RoutingContext = {},
): AgentSelection {
  const config = resolveConfig(ctx);
  const steps = new Steps(config);
  const priority = contactPriority(contact, queue, now, ctx, config);
  let holdBack: HoldBack | null = null;
  const heldBy = HELD_BACK_BY[queue.channel];
  if (heldBy.length && ctx.waitingContacts?.length) {
    const late = lateWaiting(ctx.waitingContacts, (ch) => heldBy.includes(ch), queueMap(ctx.queues), now, ctx, config);
    holdBack = queue.channel === 'email' ? emailHoldBack(late, now, steps) : chatHoldBack(late, now, steps);
  }
  const choice = chooseAgent(contact, queue, agents, now, config, steps, holdBack, declinedMayRetry(priority));
  return agentSelection(choice, contact, priority, waitedSeconds(contact, now));
}

/**
 * When an agent has room for more work: the highest-priority waiting contact it may take
 * (capacity, skills with widening, email blending, call draining), or null. For call draining
 * `waitingContacts` should hold the calls the agent could take once its chats end although it holds
 * chats now (they are listed as skipped for `chat-in-progress`).
 */
export function selectContactForAgent(
  agent: Agent,
  waitingContacts: readonly Contact[],
  queues: QueueLookup,
  now: Date,
  ctx: RoutingContext = {},
): ContactSelection {
  const config = resolveConfig(ctx);
  const steps = new Steps(config);
  const qs = queueMap(queues);
  const { ordered, unknownQueue } = prioritise(waitingContacts, qs, now, ctx);
  const skippedContacts: SkippedContact[] = unknownQueue.map((c) => ({
    contactId: c.id,
    reason: 'unknown-queue',
    detail: `queue ${c.queueId} is not known`,
  }));
  const blocker = blendingBlocker(agent, blockingContacts(ordered, now, config), now, steps);
  const drainFor = drainingBlocker(agent, drainingCalls(ordered, now, config), now, steps);
  // What holds this agent back from every email, and from every chat (the same for each one).
  const emailHeld = blocker ? { reason: 'email-blending', detail: blendingDetail(blocker, now) } : null;
  const chatHeld = drainFor ? { reason: 'call-draining', detail: drainingDetail(agent, drainFor, now) } : null;
  const chosen = (p: Prioritised, step: StepInfo, declinedBefore: boolean): ContactSelection => ({
    contactId: p.contact.id,
    queueId: p.queue.id,
    step,
    explanation: {
      // Offered again to an agent who turned it down: the rule says so, as the agent-for-contact choice's does.
      rule: declinedBefore ? 'declined-before' : 'highest-priority',
      summary:
        `agent ${agent.id} → contact ${p.contact.id} (${p.queue.channel}, urgency ${Math.round(p.priority.urgencySeconds)} s,` +
        ` step ${step.index}: ${step.name})` +
        (declinedBefore ? '; the agent turned it down before, but it is past its target and waited on: offered again' : ''),
      step,
      priority: p.priority,
      waitedSeconds: waitedSeconds(p.contact, now),
      // The decision was this agent's: it came free and took the most urgent contact it may take.
      eligibleAgentIds: [agent.id],
      eligibleCount: 1,
      skippedAgents: [],
      skippedCount: 0,
      skippedByReason: {},
      // The more urgent contacts it could not take: not the one it took (skipped first as excluded).
      skippedContacts: declinedBefore ? skippedContacts.filter((x) => x.contactId !== p.contact.id) : skippedContacts,
    },
  });
  // A contact this agent turned down, past its target: taken only if nothing else is (declinedMayRetry).
  // It is still waiting while this agent has room, so no other agent could take it when it last looked.
  let declined: { p: Prioritised; step: StepInfo } | null = null;
  for (const p of ordered) {
    const ev = evaluateAgent(agent, p.contact, p.queue, now, steps.of(p.queue));
    const held = p.queue.channel === 'email' ? emailHeld : p.queue.channel === 'chat' ? chatHeld : null;
    if (!ev.eligible) {
      skippedContacts.push({ contactId: p.contact.id, reason: ev.reason, detail: ev.detail });
      if (ev.reason === 'excluded' && !declined && !held && declinedMayRetry(p.priority)) {
        const again = verdictBesidesExclusion(agent, p.contact, p.queue, now, steps.of(p.queue));
        if (typeof again !== 'string') declined = { p, step: again };
      }
      continue;
    }
    if (held) {
      skippedContacts.push({ contactId: p.contact.id, ...held });
      continue;
    }
    return chosen(p, ev.step, false);
  }
  if (declined) return chosen(declined.p, declined.step, true);
  return {
    contactId: null,
    explanation: {
      rule: 'no-eligible-contact',
      summary: `no waiting contact agent ${agent.id} may take (${skippedContacts.length} skipped)`,
      skippedAgents: [],
      skippedCount: 0,
      skippedByReason: {},
      skippedContacts,
    },
  };
}

/** Agent after a reservation: one more contact on `channel`, state 'reserved' if it was 'available'. */
export function withReservation(agent: Agent, channel: Channel): Agent {
  return {
    ...agent,
    state: agent.state === 'available' ? 'reserved' : agent.state,
    load: { ...agent.load, [channel]: agent.load[channel] + 1 },
  };
}

/**
 * Greedy matching: waiting contacts in priority order, each to its best eligible agent given
 * the reservations already made in this batch. Never assigns a contact twice nor exceeds an
 * agent's capacity; an email is not given to an agent who could still take an unassigned
 * phone/chat contact waiting past its blending threshold, nor a chat to an agent who could take an
 * unassigned call waiting past its threshold once its chats end (call draining). Chats and emails
 * held back only by those rules get a second pass once the calls (and then the chats) are placed,
 * so the result is maximal. Inputs are not mutated. Assignments are listed in the order the
 * reservations were made.
 */
export function assignBatch(
  waitingContacts: readonly Contact[],
  agents: readonly Agent[],
  queues: QueueLookup,
  now: Date,
  ctx: RoutingContext = {},
): Assignment[] {
  const config = resolveConfig(ctx);
  const steps = new Steps(config);
  const qs = queueMap(queues);
  const seen = new Set<string>();
  const unique = waitingContacts.filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true)));
  const { ordered } = prioritise(unique, qs, now, ctx);
  const assigned = new Set<string>();
  const emailsHeld = emailHoldBack(blockingContacts(ordered, now, config), now, steps, assigned);
  const chatsHeld = chatHoldBack(drainingCalls(ordered, now, config), now, steps, assigned);
  const working = new Map<string, Agent>();
  for (const a of agents) if (!working.has(a.id)) working.set(a.id, a);
  const out: Assignment[] = [];
  const deferred: Prioritised[] = [];
  const tryAssign = (p: Prioritised, secondPass: boolean): void => {
    const holdBack = p.queue.channel === 'email' ? emailsHeld : p.queue.channel === 'chat' ? chatsHeld : null;
    const choice = chooseAgent(p.contact, p.queue, working.values(), now, config, steps, holdBack, declinedMayRetry(p.priority));
    if (!choice.best) {
      // A chat or email held back by draining or blending may fit once the calls/chats it waited for are placed.
      if (!secondPass && holdBack && choice.skipped.byReason[holdBack.reason]) deferred.push(p);
      return;
    }
    const sel = agentSelection(choice, p.contact, p.priority, waitedSeconds(p.contact, now));
    if (sel.agentId === null) return;
    const agent = choice.best.agent;
    working.set(agent.id, withReservation(agent, p.queue.channel));
    assigned.add(p.contact.id);
    out.push({
      contactId: p.contact.id,
      agentId: agent.id,
      queueId: p.queue.id,
      channel: p.queue.channel,
      step: sel.step,
      rule: sel.rule,
      lent: choice.best.lent,
      priority: p.priority,
      explanation: secondPass
        ? {
            ...sel.explanation,
            summary:
              p.queue.channel === 'chat'
                ? `${sel.explanation.summary}; deferred by call draining until the calls were placed`
                : `${sel.explanation.summary}; deferred by email blending until calls/chats were placed`,
          }
        : sel.explanation,
    });
  };
  for (const p of ordered) tryAssign(p, false);
  // Every call has been tried, so the chats come next: a chat placed now only takes a late chat out
  // of the emails' way. Emails never change whether an agent can take a call or chat, so one more
  // pass over them is enough.
  for (const p of deferred) if (p.queue.channel === 'chat') tryAssign(p, true);
  for (const p of deferred) if (p.queue.channel === 'email') tryAssign(p, true);
  return out;
}
