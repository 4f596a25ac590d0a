/** Staffing maths for Vuoro: Erlang C and A, chat concurrency, email deadlines, shrinkage, blending. */
export { StaffingInputError, type ArrivalInput } from './errors.js';
export { erlangB } from './erlang-b.js';
export {
  erlangC,
  erlangCAgents,
  erlangCProbability,
  type ServiceTarget,
  type ErlangCInput,
  type ErlangCRequirementInput,
  type ErlangCResult,
} from './erlang-c.js';
export { erlangA, erlangAAgents, MAX_QUEUE_STATES, type ErlangAInput, type ErlangARequirementInput, type ErlangAResult } from './erlang-a.js';
export { chatAgents, chatPerformance, bestChatConcurrency, stretchedChatAht, type ChatRequirementInput, type ChatPerformanceInput, type ChatResult } from './chat.js';
export {
  emailDeadlines,
  emailRequirements,
  planEmailStreams,
  EMAIL_POLICIES,
  DEADLINE_BASES,
  type DeadlineBasis,
  type EmailPolicy,
  type EmailStream,
  type EmailPlan,
  type EmailBacklogInput,
  type EmailBacklogResult,
  type EmailIntervalResult,
} from './email-backlog.js';
export { applyShrinkage, applyShrinkageProfile } from './shrinkage.js';
export { blendedAgents, type BlendedInput, type BlendedResult } from './blended.js';
export {
  computeRequirements,
  type Horizon,
  type QueueSpec,
  type PhoneQueue,
  type ChatQueue,
  type EmailQueue,
  type IntervalRequirement,
  type QueueRequirements,
  type HorizonRequirements,
  type BlendedPool,
  type PoolIntervalRequirement,
  type PoolRequirements,
  DEFAULT_IDLE_USABLE_SHARE,
} from './requirements.js';
export { simulateQueue, type QueueSimulationInput, type QueueSimulationResult } from './simulation.js';
export { createRandom, type Random } from './random.js';
