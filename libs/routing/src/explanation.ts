import type { SkippedAgent, SkipReason, StepInfo } from './eligibility.js';
import type { PriorityInfo } from './priority.js';

/**
 * The ranking criterion that decided between the chosen agent and the runner-up:
 * previous agent → narrowest widening step → fewest contacts in hand → longest idle → lowest
 * occupancy → agent id; `only-eligible` when there was no runner-up.
 */
export type AgentChoiceRule = 'previous-agent' | 'narrowest-step' | 'fewest-in-hand' | 'longest-idle' | 'lowest-occupancy' | 'agent-id' | 'only-eligible' | 'declined-before';

/** Why a decision came out as it did. Contains ids only, never personal data. */
export interface Explanation {
  /** One line for logs and the supervisor UI. */
  summary: string;
  /** The rule that chose the agent, or why nobody was chosen. */
  rule: AgentChoiceRule | 'no-eligible-agent' | 'highest-priority' | 'no-eligible-contact';
  /** The widening step under which the chosen agent qualified. */
  step?: StepInfo;
  /** Priority of the contact concerned. */
  priority?: PriorityInfo;
  waitedSeconds?: number;
  /** The best-ranked eligible agents, best first (the first was chosen; at most RANKED_AGENTS_NAMED). */
  eligibleAgentIds?: string[];
  /** How many agents were eligible in all. */
  eligibleCount?: number;
  /**
   * Agents not eligible, named with the reason: up to SKIPPED_NAMED_PER_AVAILABILITY_REASON per
   * availability reason (on a call, no capacity, state) and SKIPPED_NAMED_FOR_RULES kept out by a rule,
   * in the order the agents were given (SkipTally). Every one is counted in skippedByReason.
   */
  skippedAgents: SkippedAgent[];
  /** How many agents were not eligible in all. */
  skippedCount: number;
  /** The agents not eligible, counted by reason. */
  skippedByReason: Partial<Record<SkipReason, number>>;
  /** selectContactForAgent: every waiting contact the agent may not take, with the reason. */
  skippedContacts?: SkippedContact[];
  /** The previous agent preference, when the contact has a previous agent. */
  previousAgent?: { agentId: string; applied: boolean; detail: string };
}

export interface SkippedContact {
  contactId: string;
  reason: string;
  detail: string;
}
