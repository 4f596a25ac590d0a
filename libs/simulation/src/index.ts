/** Seeded discrete-event simulator of the contact centre, routing with libs/routing's policy. */
export { simulate, CHANNELS } from './simulator.js';
export { SimulationInputError } from './errors.js';
export { EventQueue, type Timed } from './event-queue.js';
export { durationSampler, exponential, gamma, lognormal, rateMultiplier, standardNormal, stream, type DurationSpec, type Random } from './distributions.js';
export type {
  ChannelStats,
  ContactOutcome,
  ContactRecord,
  ContactStats,
  IntervalResult,
  OccupancyStats,
  PeriodResult,
  SimAgent,
  SimBreak,
  SimQueue,
  SimShift,
  SimTraceEvent,
  SimulationInput,
  SimulationResult,
} from './model.js';
export { busyDayScenario, type BusyDayOptions } from './busy-day.js';
