export type {
  Agent,
  AgentState,
  BusinessClock,
  Channel,
  ChannelCounts,
  Contact,
  LoanWindow,
  PendingAgentState,
  Queue,
  QueueLookup,
  RoutingConfig,
  RoutingContext,
  ServiceTarget,
  SkillRequirement,
  WideningStep,
} from './model.js';
export { DEFAULT_ROUTING_CONFIG, ROUTABLE_STATES, resolveConfig, waitedSeconds } from './model.js';
export type { PriorityInfo, Prioritised } from './priority.js';
export { contactDeadline, contactPriority, comparePrioritised, prioritise } from './priority.js';
export type { AgentEvaluation, EvaluationContext, SkipReason, SkippedAgent, StepInfo } from './eligibility.js';
export {
  activeSteps,
  agentVerdict,
  AVAILABILITY_REASONS,
  capacityReason,
  defaultWideningSteps,
  eligibleOnceChatsEnd,
  evaluateAgent,
  languageSkill,
  queueRequirements,
  queueSteps,
  SKIPPED_NAMED_FOR_RULES,
  SKIP_REASONS,
  SKIPPED_NAMED_PER_AVAILABILITY_REASON,
  skipDetail,
  SkipTally,
  takesCallsOnceChatsEnd,
} from './eligibility.js';
export type { AgentChoiceRule, Explanation, SkippedContact } from './explanation.js';
export type { AgentSelection, Assignment, ContactSelection } from './routing-policy.js';
export {
  assignBatch,
  blendingThresholdSeconds,
  HELD_BACK_BY,
  pastBlendingThreshold,
  RANKED_AGENTS_NAMED,
  selectAgentForContact,
  selectContactForAgent,
  withReservation,
} from './routing-policy.js';
export type { Offer, OfferEvent, OfferOutcome } from './offers.js';
export { expiredOffers, isOfferExpired, makeOffer, offerTimeoutSeconds, resolveOffer } from './offers.js';
export type { HandleTimeStats, WaitEstimate, WaitEstimateContact } from './estimate-wait.js';
export { estimateWait, estimateWaitDetails, positionInLine, queueServer, queueServingStep } from './estimate-wait.js';
