/** Input and output types of the contact-centre simulator. */
import type { Agent, BusinessClock, Channel, Contact, LoanWindow, Queue, RoutingConfig } from '../../routing/src/index.js';
import type { DurationSpec } from './distributions.js';

export type { Channel, DurationSpec };

/** A break inside a shift: the agent takes no new work from `start` and is back at `end`. */
export interface SimBreak {
  start: Date;
  end: Date;
  reason?: string;
}

/** A shift: logged in from `start` (inclusive) to `end`; contacts in hand at `end` are finished first. */
export interface SimShift {
  start: Date;
  end: Date;
  breaks?: readonly SimBreak[];
}

export interface SimAgent {
  id: string;
  /** Home department (queues of other departments only through `lentTo`). */
  departmentId: string;
  /** Skill → proficiency 1…5, as in libs/routing. */
  skills: Readonly<Record<string, number>>;
  /** Contacts the agent can hold at once per channel. */
  capacity: Readonly<Record<Channel, number>>;
  shifts: readonly SimShift[];
  /** Loans to other departments (routing widens to lent agents inside these windows only). */
  lentTo?: readonly LoanWindow[];
}

export interface SimQueue {
  /** The routing queue (channel, skills, service target, widening…). */
  queue: Queue;
  /** Expected contacts per interval (length = `intervals` of the input). */
  volumes: readonly number[];
  /** Handle time of this queue's contacts; default: the channel's `handleTime`. */
  handleTime?: DurationSpec;
  /** Patience of this queue's customers (phone/chat); default: the channel's `patience`. */
  patience?: DurationSpec;
  /** Gamma–Poisson over-dispersion of the interval counts; default: the input's `dispersion`. */
  dispersion?: number;
}

export interface SimulationInput {
  /** Start of the first interval. */
  start: Date;
  /** Interval length in seconds (e.g. 900 or 1800). */
  intervalSeconds: number;
  /** Number of intervals in the simulated window. */
  intervals: number;
  queues: readonly SimQueue[];
  agents: readonly SimAgent[];
  /** Handle time per channel (required for every channel that has a queue without its own). */
  handleTime?: Partial<Record<Channel, DurationSpec>>;
  /**
   * Patience per channel: phone and chat only (email never abandons). Absent = never gives up.
   * Use `{ meanSeconds: θ }` for exponential patience (the Erlang A assumption).
   */
  patience?: Partial<Record<'phone' | 'chat', DurationSpec>>;
  /** After-contact work per channel in seconds (constant); the slot stays occupied meanwhile. */
  wrapUpSeconds?: Partial<Record<Channel, number>>;
  /**
   * Over-dispersion d of the interval counts (gamma–Poisson): count variance = m + d·m².
   * 0 (default) = Poisson.
   */
  dispersion?: number;
  seed: number;
  /** Leading intervals simulated but left out of `totals` (to start from a typical state). Default 0. */
  warmupIntervals?: number;
  /** Passed to every routing decision. */
  routing?: {
    config?: Partial<RoutingConfig>;
    /** Business calendars by queue id, for business-time targets. */
    calendars?: Readonly<Record<string, BusinessClock>>;
  };
  /** Return one record per contact in `contacts`. Default false. */
  recordContacts?: boolean;
  /** Called synchronously on every state change (for checks and debugging). */
  trace?: (event: SimTraceEvent) => void;
}

export type ContactOutcome = 'answered' | 'abandoned' | 'waiting';

export interface ContactRecord {
  id: string;
  queueId: string;
  channel: Channel;
  /** Simulated seconds since `start`. */
  arrivedAt: number;
  outcome: ContactOutcome;
  answeredAt?: number;
  agentId?: string;
  /** Handle time drawn for the contact (known at arrival; used only if answered). */
  handleSeconds: number;
  /** When service ended (absent if still in service at the end of the window). */
  endedAt?: number;
  abandonedAt?: number;
  /** Patience drawn for the contact (Infinity = never gives up). */
  patienceSeconds: number;
}

export type SimTraceEvent =
  | { type: 'arrival'; time: number; contact: Contact }
  | { type: 'assign'; time: number; contactId: string; queueId: string; channel: Channel; agentId: string; agent: Agent; lent: boolean }
  | { type: 'service-end'; time: number; contactId: string; channel: Channel; agentId: string }
  | { type: 'release'; time: number; contactId: string; channel: Channel; agentId: string; agent: Agent }
  | { type: 'abandon'; time: number; contactId: string; queueId: string }
  | { type: 'agent-state'; time: number; agentId: string; change: 'shift-start' | 'shift-end' | 'break-start' | 'break-end' | 'loan-start' };

/** Counts and derived ratios of contacts, by arrival interval. */
export interface ContactStats {
  offered: number;
  answered: number;
  abandoned: number;
  /** Still waiting when the window ended. */
  waitingAtEnd: number;
  /** Answered within the queue's target seconds (reply within target for email, see README). */
  answeredWithinTarget: number;
  /** Sum of the waits of answered contacts, seconds. */
  answeredWaitSeconds: number;
  /** answeredWithinTarget / offered (the Erlang A definition; abandoned count as misses). Null if none offered. */
  serviceLevel: number | null;
  /** answeredWithinTarget / answered. Null if none answered. */
  serviceLevelOfAnswered: number | null;
  /** Mean wait of answered contacts, seconds. Null if none answered. */
  asa: number | null;
  /** abandoned / offered. Null if none offered. */
  abandonment: number | null;
}

/** Agent time of agents on shift (not on break), for occupancy. */
export interface OccupancyStats {
  /** Agent-seconds on shift and not on break (agents able to take the channel, for a channel). */
  staffedSeconds: number;
  /** Of those, agent-seconds with at least one contact (of the channel) in hand, wrap-up included. */
  occupiedSeconds: number;
  /** occupied / staffed; null when nobody was staffed. */
  occupancy: number | null;
}

export type ChannelStats = ContactStats & OccupancyStats;

export interface PeriodResult {
  byQueue: Record<string, ContactStats>;
  byChannel: Record<Channel, ChannelStats>;
  /** Every channel together; occupancy = share of staffed time with any contact in hand. */
  all: ChannelStats;
}

export interface IntervalResult extends PeriodResult {
  index: number;
  start: Date;
}

export interface SimulationResult {
  seed: number;
  intervals: IntervalResult[];
  /** Over the intervals after the warm-up. */
  totals: PeriodResult;
  /** Present when `recordContacts` was set. */
  contacts?: ContactRecord[];
  /** Events processed and routing-policy calls made. */
  eventsProcessed: number;
  routingCalls: number;
  contactsArrived: number;
}
