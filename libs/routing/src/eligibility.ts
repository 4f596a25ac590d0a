/**
 * Whether one agent may take one contact now: state and per-channel capacity (cross-channel
 * rules), exclusion after a failed offer, agent pool (department, loans) and skills with
 * widening over the contact's waiting time. Every "no" carries a reason.
 */
import type { Agent, Channel, Contact, Queue, RoutingConfig, SkillRequirement, WideningStep } from './model.js';
import { ROUTABLE_STATES, waitedSeconds } from './model.js';

export type SkipReason =
  | 'excluded'
  | 'wrong-state'
  | 'on-call'
  | 'chat-in-progress'
  | 'no-capacity'
  | 'other-department'
  | 'outside-loan-window'
  | 'lent-not-yet-widened'
  | 'missing-skill'
  | 'low-proficiency'
  | 'email-blending';

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

/** The queue's requirements: its required skills plus the language skill. */
export function queueRequirements(queue: Queue, config: RoutingConfig): SkillRequirement[] {
  const reqs = queue.requiredSkills.map((r) => ({ skill: r.skill, minProficiency: r.minProficiency }));
  const lang = languageSkill(queue.language);
  if (!reqs.some((r) => r.skill === lang)) {
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

/** Null when the agent's state and load allow one more contact on `channel`; else why not. */
export function capacityProblem(agent: Agent, channel: Channel): { reason: SkipReason; detail: string } | null {
  if (!ROUTABLE_STATES.includes(agent.state)) {
    const why = agent.state === 'break' && agent.breakReason ? `state break (${agent.breakReason})` : `state ${agent.state}`;
    return { reason: 'wrong-state', detail: why };
  }
  if (agent.load.phone >= 1) return { reason: 'on-call', detail: 'on a call or reserved for one' };
  const cap = agent.capacity[channel];
  const load = agent.load[channel];
  if (channel === 'phone' && agent.load.chat > 0) {
    return { reason: 'chat-in-progress', detail: `has ${agent.load.chat} chat(s) in progress; a call needs full attention` };
  }
  if (load >= cap) return { reason: 'no-capacity', detail: `${channel} load ${load}/${cap}` };
  return null;
}

function loanCovers(agent: Agent, queue: Queue, now: Date): 'inside' | 'outside' | 'none' {
  const loans = (agent.lentTo ?? []).filter(
    (l) => l.departmentId === queue.departmentId && (!l.queueIds || l.queueIds.includes(queue.id)),
  );
  if (loans.length === 0) return 'none';
  const t = now.getTime();
  return loans.some((l) => l.from.getTime() <= t && t < l.to.getTime()) ? 'inside' : 'outside';
}

function skillProblem(agent: Agent, reqs: readonly SkillRequirement[]): { reason: SkipReason; detail: string } | null {
  for (const r of reqs) {
    const level = agent.skills[r.skill];
    if (level === undefined || level <= 0) return { reason: 'missing-skill', detail: `missing skill '${r.skill}'` };
    if (level < r.minProficiency) {
      return { reason: 'low-proficiency', detail: `proficiency ${level} < ${r.minProficiency} for '${r.skill}'` };
    }
  }
  return null;
}

export type AgentEvaluation =
  | { eligible: true; step: StepInfo; lent: boolean }
  | { eligible: false; reason: SkipReason; detail: string };

/**
 * Evaluates one agent for one contact (capacity, exclusion, pool, skills with widening).
 * Email blending is not checked here (it depends on the other waiting contacts).
 * The agent matches the first (narrowest) active step it qualifies under; when it qualifies
 * under none, the reason is the one of the most recently activated step.
 */
export function evaluateAgent(
  agent: Agent,
  contact: Contact,
  queue: Queue,
  now: Date,
  steps: readonly StepInfo[],
  /** The contact's wait and its active steps, when the caller evaluates many agents for one contact. */
  pre?: { waited: number; active: readonly StepInfo[] },
): AgentEvaluation {
  if (contact.excludedAgentIds?.includes(agent.id)) {
    return { eligible: false, reason: 'excluded', detail: 'rejected or did not answer an earlier offer of this contact' };
  }
  const cap = capacityProblem(agent, queue.channel);
  if (cap) return { eligible: false, ...cap };

  const home = agent.departmentId === queue.departmentId;
  const loan = home ? 'none' : loanCovers(agent, queue, now);
  if (!home && loan === 'none') {
    return { eligible: false, reason: 'other-department', detail: `department ${agent.departmentId}, not lent to ${queue.departmentId}` };
  }
  if (!home && loan === 'outside') {
    return { eligible: false, reason: 'outside-loan-window', detail: `lent to ${queue.departmentId}, but not at this time` };
  }
  const waited = pre?.waited ?? waitedSeconds(contact, now);
  const active = pre?.active ?? activeSteps(steps, waited);
  let last: { reason: SkipReason; detail: string } | null = null;
  for (const step of active) {
    if (!home && step.agents !== 'department-and-lent') {
      last = {
        reason: 'lent-not-yet-widened',
        detail: lentStepDetail(steps, waited),
      };
      continue;
    }
    const sp = skillProblem(agent, step.requirements);
    if (!sp) return { eligible: true, step, lent: !home };
    last = sp;
  }
  return { eligible: false, ...(last ?? { reason: 'lent-not-yet-widened', detail: lentStepDetail(steps, waited) }) };
}

function lentStepDetail(steps: readonly StepInfo[], waited: number): string {
  const lentStep = steps.find((s) => s.agents === 'department-and-lent');
  return lentStep
    ? `lent agent; lent agents join after ${lentStep.afterSeconds} s, contact has waited ${Math.floor(waited)} s`
    : 'lent agent; this queue never widens to lent agents';
}
