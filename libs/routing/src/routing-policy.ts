/**
 * The routing policy's entry points. Pure and deterministic: same inputs → same decision;
 * inputs are never mutated; the clock is the `now` argument.
 */
import type { EvaluationContext, SkipReason, StepInfo } from './eligibility.js';
import { activeSteps, agentVerdict, evaluateAgent, queueSteps, SkipTally, skipDetail, verdictBesidesExclusion } from './eligibility.js';
import type { AgentChoiceRule, Explanation, SkippedContact } from './explanation.js';
import type { Agent, Channel, Contact, Queue, QueueLookup, RoutingConfig, RoutingContext } from './model.js';
import { queueMap, resolveConfig, waitedSeconds } from './model.js';
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

export function blendingThresholdSeconds(queue: Queue, config: RoutingConfig): number {
  return queue.emailBlendingThresholdSeconds ?? config.emailBlendingThresholdSeconds[queue.channel];
}

/** Phone/chat contacts that have waited past their queue's email-blending threshold. */
function blockingContacts(ordered: readonly Prioritised[], now: Date, config: RoutingConfig): Prioritised[] {
  return ordered.filter(
    (p) => p.queue.channel !== 'email' && waitedSeconds(p.contact, now) >= blendingThresholdSeconds(p.queue, config),
  );
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

function blendingDetail(blocker: Prioritised, now: Date): string {
  return `could take ${blocker.queue.channel} contact ${blocker.contact.id} waiting ${Math.floor(waitedSeconds(blocker.contact, now))} s`;
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
  emailBlocker: ((agent: Agent) => Prioritised | undefined) | null,
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
  let previousVerdict: StepInfo | SkipReason | 'blending' | undefined;
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
        if (again && typeof again !== 'string' && !emailBlocker?.(agent)) {
          declined = { candidate: [], order };
          keepRanked(declined.candidate, agent, again, agent.departmentId !== queue.departmentId, false, 1);
        }
      }
      continue;
    }
    const blocker = emailBlocker?.(agent);
    if (blocker) {
      if (skipped.add('email-blending')) skipped.name(agent.id, 'email-blending', blendingDetail(blocker, now));
      if (isPrevious) previousVerdict = 'blending';
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
    else if (previousVerdict === 'blending') detail = 'previous agent is kept for waiting calls/chats';
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
 * its blending threshold are skipped (without `ctx.waitingContacts` blending is not checked).
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
  let emailBlocker: ((a: Agent) => Prioritised | undefined) | null = null;
  if (queue.channel === 'email' && ctx.waitingContacts?.length) {
    const qs = new Map(queueMap(ctx.queues));
    qs.set(queue.id, queue);
    const others = ctx.waitingContacts.filter((c) => c.id !== contact.id);
    const blocking = blockingContacts(prioritise(others, qs, now, ctx).ordered, now, config);
    emailBlocker = (a) => blendingBlocker(a, blocking, now, steps);
  }
  const choice = chooseAgent(contact, queue, agents, now, config, steps, emailBlocker, declinedMayRetry(priority));
  return agentSelection(choice, contact, priority, waitedSeconds(contact, now));
}

/**
 * When an agent has room for more work: the highest-priority waiting contact it may take
 * (capacity, skills with widening, email blending), or null.
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
    const emailHeld = p.queue.channel === 'email' && blocker;
    if (!ev.eligible) {
      skippedContacts.push({ contactId: p.contact.id, reason: ev.reason, detail: ev.detail });
      if (ev.reason === 'excluded' && !declined && !emailHeld && declinedMayRetry(p.priority)) {
        const again = verdictBesidesExclusion(agent, p.contact, p.queue, now, steps.of(p.queue));
        if (typeof again !== 'string') declined = { p, step: again };
      }
      continue;
    }
    if (emailHeld) {
      skippedContacts.push({ contactId: p.contact.id, reason: 'email-blending', detail: blendingDetail(blocker, now) });
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
 * phone/chat contact waiting past its blending threshold (emails held back only by that rule get
 * a second pass once the calls and chats are placed, so the result is maximal). Inputs are not
 * mutated. Assignments are listed in the order the reservations were made.
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
  const blocking = blockingContacts(ordered, now, config);
  const working = new Map<string, Agent>();
  for (const a of agents) if (!working.has(a.id)) working.set(a.id, a);
  const assigned = new Set<string>();
  const out: Assignment[] = [];
  const deferred: Prioritised[] = [];
  const tryAssign = (p: Prioritised, secondPass: boolean): void => {
    const blocker =
      p.queue.channel === 'email' ? (a: Agent) => blendingBlocker(a, blocking, now, steps, assigned) : null;
    const choice = chooseAgent(p.contact, p.queue, working.values(), now, config, steps, blocker, declinedMayRetry(p.priority));
    if (!choice.best) {
      // An email held back only by blending may fit once the calls/chats it waited for are placed.
      if (!secondPass && choice.skipped.byReason['email-blending']) deferred.push(p);
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
        ? { ...sel.explanation, summary: `${sel.explanation.summary}; deferred by email blending until calls/chats were placed` }
        : sel.explanation,
    });
  };
  for (const p of ordered) tryAssign(p, false);
  // Emails never change whether an agent can take a call or chat, so one more pass is enough.
  for (const p of deferred) tryAssign(p, true);
  return out;
}
