/**
 * Whether one agent may take one contact now: state and per-channel capacity (cross-channel
 * rules), exclusion after a failed offer, agent pool (department, loans) and skills with
 * widening over the contact's waiting time. Every "no" carries a reason.
 */
import type { Agent, Channel, Contact, Queue, RoutingConfig, SkillRequirement, WideningStep } from './model.js';
import { ROUTABLE_STATES, waitedSeconds } from './model.js';

/**
 * Why an agent was not given a contact. The last two are not about the agent and the contact alone
 * but about the other waiting contacts: `email-blending` — no email while a call or chat the agent
 * could take waits past its blending threshold; `call-draining` — no new chat while a call the agent
 * could take once its chats end waits past its threshold (see routing-policy.ts).
 */
export const SKIP_REASONS = [
  'excluded',
  'wrong-state',
  'on-call',
  'chat-in-progress',
  'no-capacity',
  'other-department',
  'outside-loan-window',
  'lent-not-yet-widened',
  'missing-skill',
  'low-proficiency',
  'email-blending',
  'call-draining',
] as const;

export type SkipReason = (typeof SKIP_REASONS)[number];

export interface SkippedAgent {
  agentId: string;
  reason: SkipReason;
  detail: string;
}

/** A resolved widening step, as reported in explanations. */
export interface StepInfo {
  /** 0 = the queue's own requirements; n = queue.widening[n − 1]. */
  index: number;
  name: string;
  afterSeconds: number;
  skills: 'queue-skills' | 'language-only';
  agents: 'department' | 'department-and-lent';
  /** The requirements this step checks, after relaxation. */
  requirements: SkillRequirement[];
}

/**
 * Default widening: after 15 s proficiency 2 is enough; after 45 s any department agent with the
 * language (≥ 2); `lentAgentDelaySeconds` later, agents lent to the department too.
 */
export function defaultWideningSteps(lentAgentDelaySeconds = 30): WideningStep[] {
  return [
    { afterSeconds: 15, skills: 'queue-skills', agents: 'department', minProficiency: 2, name: 'proficiency ≥ 2 is enough' },
    { afterSeconds: 45, skills: 'language-only', agents: 'department', minProficiency: 2, name: 'any department agent with the language' },
    {
      afterSeconds: 45 + lentAgentDelaySeconds,
      skills: 'language-only',
      agents: 'department-and-lent',
      minProficiency: 2,
      name: 'agents lent from other departments',
    },
  ];
}

export function languageSkill(language: string): string {
  return `lang:${language}`;
}

/**
 * The queue's requirements: its required skills plus the language skill. A queue without a language
 * serving a contact without one (language '') asks for no language: agents of any language serve it.
 */
export function queueRequirements(queue: Queue, config: RoutingConfig): SkillRequirement[] {
  const reqs = queue.requiredSkills.map((r) => ({ skill: r.skill, minProficiency: r.minProficiency }));
  const lang = languageSkill(queue.language);
  if (queue.language && !reqs.some((r) => r.skill === lang)) {
    reqs.unshift({ skill: lang, minProficiency: queue.languageMinProficiency ?? config.languageMinProficiency });
  }
  return reqs;
}

function relax(level: number, step: WideningStep): number {
  let l = level - (step.minProficiencyDelta ?? 0);
  if (step.minProficiency !== undefined) l = Math.min(l, step.minProficiency);
  return Math.max(1, l);
}

/** Every step of a queue (step 0 first), active or not. */
export function queueSteps(queue: Queue, config: RoutingConfig): StepInfo[] {
  const base = queueRequirements(queue, config);
  const lang = languageSkill(queue.language);
  const widening = queue.widening ?? defaultWideningSteps(queue.lentAgentDelaySeconds ?? config.lentAgentDelaySeconds);
  const steps: StepInfo[] = [
    { index: 0, name: 'queue requirements', afterSeconds: 0, skills: 'queue-skills', agents: 'department', requirements: base },
  ];
  [...widening]
    .sort((a, b) => a.afterSeconds - b.afterSeconds)
    .forEach((w, i) => {
      const reqs = (w.skills === 'language-only' ? base.filter((r) => r.skill === lang) : base).map((r) => ({
        skill: r.skill,
        minProficiency: relax(r.minProficiency, w),
      }));
      steps.push({
        index: i + 1,
        name: w.name ?? `widening step ${i + 1}`,
        afterSeconds: w.afterSeconds,
        skills: w.skills,
        agents: w.agents,
        requirements: reqs,
      });
    });
  return steps;
}

/** Steps active after waiting `waited` seconds. */
export function activeSteps(steps: readonly StepInfo[], waited: number): StepInfo[] {
  return steps.filter((s) => s.afterSeconds <= waited);
}

/** Skip reasons that say the agent is busy or away, not that a rule keeps it out: named only a few at a time in explanations. */
export const AVAILABILITY_REASONS: ReadonlySet<SkipReason> = new Set<SkipReason>(['on-call', 'no-capacity', 'wrong-state', 'chat-in-progress']);
/** Agents an explanation names per availability reason, and in all for the rule reasons (skills, department, loans, exclusion, blending, draining). */
export const SKIPPED_NAMED_PER_AVAILABILITY_REASON = 5;
export const SKIPPED_NAMED_FOR_RULES = 20;

/**
 * The skipped agents of one decision: every one counted by reason, a few named with their detail.
 * In a busy centre most agents are skipped only for being on a call; naming them all would say
 * nothing the count does not, and building ~200 detail texts per decision was a large share of the
 * routing's allocation (bench:routing). So a few per availability reason, and up to
 * SKIPPED_NAMED_FOR_RULES agents kept out by a rule, which is what a supervisor asks about.
 */
export class SkipTally {
  readonly named: SkippedAgent[] = [];
  readonly byReason: Partial<Record<SkipReason, number>> = {};
  count = 0;
  private rulesNamed = 0;

  /** Counts one skipped agent; true when it is to be named (then the caller words it: `name`). */
  add(reason: SkipReason): boolean {
    this.count++;
    const n = this.byReason[reason] ?? 0;
    this.byReason[reason] = n + 1;
    if (AVAILABILITY_REASONS.has(reason)) return n < SKIPPED_NAMED_PER_AVAILABILITY_REASON;
    if (this.rulesNamed >= SKIPPED_NAMED_FOR_RULES) return false;
    this.rulesNamed++;
    return true;
  }

  name(agentId: string, reason: SkipReason, detail: string): void {
    this.named.push({ agentId, reason, detail });
  }
}

/** Null when the agent's state and load allow one more contact on `channel`; else why not. */
export function capacityReason(agent: Agent, channel: Channel): SkipReason | null {
  if (!ROUTABLE_STATES.includes(agent.state) || agent.pendingState) return 'wrong-state';
  if (agent.load.phone >= 1) return 'on-call';
  if (channel === 'phone' && agent.load.chat > 0) return 'chat-in-progress';
  if (agent.load[channel] >= agent.capacity[channel]) return 'no-capacity';
  return null;
}

function capacityDetail(agent: Agent, channel: Channel, reason: SkipReason): string {
  switch (reason) {
    case 'wrong-state':
      if (agent.pendingState) return `state ${agent.state}, ${agent.pendingState} next: finishing its contacts`;
      return agent.state === 'break' && agent.breakReason ? `state break (${agent.breakReason})` : `state ${agent.state}`;
    case 'on-call':
      return 'on a call or reserved for one';
    case 'chat-in-progress':
      return `has ${agent.load.chat} chat(s) in progress; a call needs full attention`;
    default:
      return `${channel} load ${agent.load[channel]}/${agent.capacity[channel]}`;
  }
}

function loanCovers(agent: Agent, queue: Queue, now: Date): 'inside' | 'outside' | 'none' {
  const loans = (agent.lentTo ?? []).filter(
    (l) => l.departmentId === queue.departmentId && (!l.queueIds || l.queueIds.includes(queue.id)),
  );
  if (loans.length === 0) return 'none';
  const t = now.getTime();
  return loans.some((l) => l.from.getTime() <= t && t < l.to.getTime()) ? 'inside' : 'outside';
}

/** The agent's level of a skill; 0 when it lacks it. */
function levelOf(agent: Agent, skill: string): number {
  const level = agent.skills[skill];
  return level === undefined || level <= 0 ? 0 : level;
}

/** The first requirement the agent does not meet (lacking the skill never meets one), if any. */
function unmetRequirement(agent: Agent, reqs: readonly SkillRequirement[]): SkillRequirement | undefined {
  // A plain loop, not find(): every decision runs it for each agent (no closure per call).
  for (const r of reqs) {
    const level = levelOf(agent, r.skill);
    if (level === 0 || level < r.minProficiency) return r;
  }
  return undefined;
}

function skillReason(agent: Agent, reqs: readonly SkillRequirement[]): SkipReason | null {
  const r = unmetRequirement(agent, reqs);
  return !r ? null : levelOf(agent, r.skill) === 0 ? 'missing-skill' : 'low-proficiency';
}

function skillDetail(agent: Agent, reqs: readonly SkillRequirement[]): string {
  const r = unmetRequirement(agent, reqs);
  if (!r) return 'has every required skill';
  const level = levelOf(agent, r.skill);
  return level === 0 ? `missing skill '${r.skill}'` : `proficiency ${level} < ${r.minProficiency} for '${r.skill}'`;
}

export type AgentEvaluation =
  | { eligible: true; step: StepInfo; lent: boolean }
  | { eligible: false; reason: SkipReason; detail: string };

/** The contact's wait and its active steps, when the caller evaluates many agents for one contact. */
export interface EvaluationContext {
  waited: number;
  active: readonly StepInfo[];
}

/**
 * Evaluates one agent for one contact (capacity, exclusion, pool, skills with widening): the step
 * it qualifies under, or the reason it does not — without the reason's text, which `skipDetail`
 * gives, so that a caller going through many agents words only those it names. The agent matches
 * the first (narrowest) active step it qualifies under; when it qualifies under none, the reason is
 * the one of the most recently activated step. A lent agent is one outside the queue's department.
 * Email blending and call draining are not checked here (they depend on the other waiting contacts).
 */
export function agentVerdict(agent: Agent, contact: Contact, queue: Queue, now: Date, steps: readonly StepInfo[], pre?: EvaluationContext): StepInfo | SkipReason {
  if (contact.excludedAgentIds?.includes(agent.id)) return 'excluded';
  return verdictBesidesExclusion(agent, contact, queue, now, steps, pre);
}

/** `agentVerdict` as if the agent had not turned the contact down: capacity, then pool and skills. */
export function verdictBesidesExclusion(agent: Agent, contact: Contact, queue: Queue, now: Date, steps: readonly StepInfo[], pre?: EvaluationContext): StepInfo | SkipReason {
  return capacityReason(agent, queue.channel) ?? poolAndSkillVerdict(agent, contact, queue, now, steps, pre);
}

/**
 * Call draining: whether the agent could take a waiting call once the chats in its hands have
 * ended — `agentVerdict` for the call with its chats not counted: a routable state, no call in hand,
 * phone capacity, not excluded from the call, and its department or loan and skills at the call's
 * widening step. An agent who could not take calls even without chats is never drained.
 */
export function eligibleOnceChatsEnd(agent: Agent, contact: Contact, queue: Queue, now: Date, steps: readonly StepInfo[]): boolean {
  if (!takesCallsOnceChatsEnd(agent) || contact.excludedAgentIds?.includes(agent.id)) return false;
  return typeof poolAndSkillVerdict(agent, contact, queue, now, steps) !== 'string';
}

/** The part of `eligibleOnceChatsEnd` that does not depend on the call: state, no call in hand, phone capacity. */
export function takesCallsOnceChatsEnd(agent: Agent): boolean {
  return ROUTABLE_STATES.includes(agent.state) && agent.load.phone === 0 && agent.capacity.phone > 0;
}

/** `agentVerdict` without exclusion, state and load: whether the agent's department or loans and its skills qualify it. */
export function poolAndSkillVerdict(agent: Agent, contact: Contact, queue: Queue, now: Date, steps: readonly StepInfo[], pre?: EvaluationContext): StepInfo | SkipReason {
  const home = agent.departmentId === queue.departmentId;
  if (!home) {
    const loan = loanCovers(agent, queue, now);
    if (loan === 'none') return 'other-department';
    if (loan === 'outside') return 'outside-loan-window';
  }
  const active = pre?.active ?? activeSteps(steps, waitedSeconds(contact, now));
  let last: SkipReason | null = null;
  for (const step of active) {
    if (!home && step.agents !== 'department-and-lent') {
      last = 'lent-not-yet-widened';
      continue;
    }
    const sp = skillReason(agent, step.requirements);
    if (!sp) return step;
    last = sp;
  }
  return last ?? 'lent-not-yet-widened';
}

/** The text of the reason `agentVerdict` gave (same inputs). */
export function skipDetail(reason: SkipReason, agent: Agent, contact: Contact, queue: Queue, now: Date, steps: readonly StepInfo[], pre?: EvaluationContext): string {
  const waited = pre?.waited ?? waitedSeconds(contact, now);
  switch (reason) {
    case 'excluded':
      return 'rejected or did not answer an earlier offer of this contact';
    case 'wrong-state':
    case 'on-call':
    case 'chat-in-progress':
    case 'no-capacity':
      return capacityDetail(agent, queue.channel, reason);
    case 'other-department':
      return `department ${agent.departmentId}, not lent to ${queue.departmentId}`;
    case 'outside-loan-window':
      return `lent to ${queue.departmentId}, but not at this time`;
    case 'missing-skill':
    case 'low-proficiency': {
      // The reason came from the last active step (a later step always overrides an earlier one).
      const active = pre?.active ?? activeSteps(steps, waited);
      return skillDetail(agent, active[active.length - 1]?.requirements ?? []);
    }
    case 'lent-not-yet-widened':
      return lentStepDetail(steps, waited);
    default:
      return reason;
  }
}

/** `agentVerdict` with the reason's text: one agent, one contact. */
export function evaluateAgent(agent: Agent, contact: Contact, queue: Queue, now: Date, steps: readonly StepInfo[], pre?: EvaluationContext): AgentEvaluation {
  const v = agentVerdict(agent, contact, queue, now, steps, pre);
  if (typeof v !== 'string') return { eligible: true, step: v, lent: agent.departmentId !== queue.departmentId };
  return { eligible: false, reason: v, detail: skipDetail(v, agent, contact, queue, now, steps, pre) };
}

function lentStepDetail(steps: readonly StepInfo[], waited: number): string {
  const lentStep = steps.find((s) => s.agents === 'department-and-lent');
  return lentStep
    ? `lent agent; lent agents join after ${lentStep.afterSeconds} s, contact has waited ${Math.floor(waited)} s`
    : 'lent agent; this queue never widens to lent agents';
}
