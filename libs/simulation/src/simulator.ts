/**
 * Discrete-event simulation of the contact centre. Every routing decision is made by the routing
 * policy of libs/routing (the same pure functions the live engine calls), event by event:
 *
 * - a contact arrives, or reaches one of its queue's widening steps while still waiting
 *   → `selectAgentForContact` over the agents who have room for its channel;
 * - an agent gets room (service or wrap-up ends, shift or break starts/ends, a loan window opens)
 *   → `selectContactForAgent` over the waiting contacts it might serve, repeated while it has room;
 * - a call or chat that held emails back (email blending) leaves the queue → agents with email
 *   room are asked again; a call that held new chats back (call draining) → agents with chat room.
 *
 * An assignment is a reservation (`makeOffer`) accepted at once (`resolveOffer(…, 'accepted')`):
 * the simulator models no offer timeouts or rejections.
 *
 * Events live in a binary heap ordered by (time, insertion order), so a run is fully determined by
 * its input and seed. Arrivals are Poisson with a rate constant within each interval (optionally
 * multiplied per interval by a Gamma(1/d, d) factor: gamma–Poisson over-dispersion), generated
 * lazily one per queue. Handle time and patience are drawn at arrival from per-queue streams.
 */
import {
  capacityReason,
  HELD_BACK_BY,
  makeOffer,
  queueSteps,
  resolveConfig,
  resolveOffer,
  selectAgentForContact,
  selectContactForAgent,
  takesCallsOnceChatsEnd,
  type Agent,
  type AgentState,
  type Channel,
  type Contact,
  type Queue,
  type RoutingContext,
} from '../../routing/src/index.js';
import { durationSampler, exponential, rateMultiplier, stream, validateDuration, type DurationSpec, type Random } from './distributions.js';
import { SimulationInputError, requireDate, requireFiniteAtLeast, requireInteger, requirePositive } from './errors.js';
import { EventQueue } from './event-queue.js';
import type {
  ChannelStats,
  ContactRecord,
  ContactStats,
  IntervalResult,
  PeriodResult,
  SimAgent,
  SimulationInput,
  SimulationResult,
  SimTraceEvent,
} from './model.js';

export const CHANNELS: readonly Channel[] = ['phone', 'chat', 'email'];

interface Counters {
  offered: number;
  answered: number;
  abandoned: number;
  waitingAtEnd: number;
  within: number;
  waitSum: number;
}

interface QState {
  idx: number;
  queue: Queue;
  channel: Channel;
  volumes: readonly number[];
  dispersion: number;
  handle: (r: Random) => number;
  patience: (r: Random) => number;
  arrivals: Random;
  attributes: Random;
  /** Interval of the pending arrival and its rate (contacts per second). */
  arrivalInterval: number;
  arrivalRate: number;
  waiting: Map<string, CState>;
  /** Seconds of waiting after which a widening step activates (> 0, ascending). */
  wideningAfter: number[];
  /** Seconds of waiting after which a call/chat holds emails back (and a call new chats: call draining). */
  blendingThreshold: number;
  counters: Counters[];
}

interface CState {
  contact: Contact;
  q: QState;
  arrivedAt: number;
  interval: number;
  handle: number;
  patience: number;
  status: 'waiting' | 'answered' | 'abandoned';
  answeredAt?: number;
  agentId?: string;
  endedAt?: number;
  abandonedAt?: number;
}

interface InHand {
  c: CState;
  wrapping: boolean;
}

interface AState {
  idx: number;
  spec: SimAgent;
  agent: Agent;
  onShift: boolean;
  onBreak: boolean;
  breakReason?: string;
  idleSince: number;
  inHand: Map<string, InHand>;
  /** Queues this agent can ever serve (home department, or a loan naming the queue's department). */
  servable: boolean[];
  lastAccrual: number;
}

type SimEvent =
  | { time: number; kind: 'arrival'; q: QState }
  | { time: number; kind: 'abandon'; c: CState }
  | { time: number; kind: 'widen'; c: CState }
  | { time: number; kind: 'service-end'; a: AState; c: CState }
  | { time: number; kind: 'wrap-end'; a: AState; c: CState }
  | { time: number; kind: 'shift-start'; a: AState }
  | { time: number; kind: 'shift-end'; a: AState }
  | { time: number; kind: 'break-start'; a: AState; reason?: string }
  | { time: number; kind: 'break-end'; a: AState }
  | { time: number; kind: 'loan-start'; a: AState };

interface Occupancy {
  staffed: Record<Channel, Float64Array>;
  occupied: Record<Channel, Float64Array>;
  staffedAll: Float64Array;
  occupiedAll: Float64Array;
}

/** Milliseconds of slack after a widening step's activation time (routing sees whole milliseconds). */
const WIDEN_SLACK = 0.002;

/** Runs one simulation. Deterministic: the same input and seed give the same result. */
export function simulate(input: SimulationInput): SimulationResult {
  return new Simulation(input).run();
}

class Simulation {
  private readonly startMs: number;
  private readonly intervalSeconds: number;
  private readonly intervalCount: number;
  private readonly endT: number;
  private readonly warmup: number;
  private readonly queues: QState[];
  private readonly queueList: Queue[];
  private readonly queueById = new Map<string, QState>();
  private readonly agents: AState[];
  private readonly ctx: RoutingContext;
  private readonly wrapUp: Record<Channel, number>;
  private readonly events = new EventQueue<SimEvent>();
  private readonly occ: Occupancy;
  private readonly records: CState[] | null;
  private readonly trace: ((e: SimTraceEvent) => void) | undefined;
  private contactSeq = 0;
  private eventsProcessed = 0;
  private routingCalls = 0;
  private emailRecheck = false;
  private chatRecheck = false;

  constructor(private readonly input: SimulationInput) {
    this.startMs = requireDate('start', input.start).getTime();
    this.intervalSeconds = requirePositive('intervalSeconds', input.intervalSeconds);
    this.intervalCount = requireInteger('intervals', input.intervals, 1);
    this.endT = this.intervalSeconds * this.intervalCount;
    this.warmup = requireInteger('warmupIntervals', input.warmupIntervals ?? 0, 0);
    if (this.warmup >= this.intervalCount) throw new SimulationInputError('warmupIntervals', 'must be < intervals');
    requireInteger('seed', input.seed, 0);
    const dispersion = requireFiniteAtLeast('dispersion', input.dispersion ?? 0, 0);
    this.wrapUp = { phone: 0, chat: 0, email: 0 };
    for (const ch of CHANNELS) {
      const w = input.wrapUpSeconds?.[ch];
      if (w !== undefined) this.wrapUp[ch] = requireFiniteAtLeast(`wrapUpSeconds.${ch}`, w, 0);
    }
    if (input.patience && 'email' in input.patience) throw new SimulationInputError('patience.email', 'is not allowed: email never abandons');
    const config = resolveConfig({ ...(input.routing?.config ? { config: input.routing.config } : {}) });
    if (!Array.isArray(input.queues as unknown) || input.queues.length === 0) throw new SimulationInputError('queues', 'must be a non-empty array');
    this.queues = input.queues.map((sq, idx) => {
      const f = `queues[${idx}]`;
      const queue = sq.queue;
      if (!queue || typeof queue.id !== 'string') throw new SimulationInputError(`${f}.queue`, 'must be a routing Queue with an id');
      if (this.queueById.has(queue.id)) throw new SimulationInputError(`${f}.queue.id`, `duplicates queue '${queue.id}'`);
      if (!CHANNELS.includes(queue.channel)) throw new SimulationInputError(`${f}.queue.channel`, "must be 'phone', 'chat' or 'email'");
      if (!Array.isArray(sq.volumes as unknown) || sq.volumes.length !== this.intervalCount) {
        throw new SimulationInputError(`${f}.volumes`, `must have one value per interval (${this.intervalCount})`);
      }
      sq.volumes.forEach((v, i) => requireFiniteAtLeast(`${f}.volumes[${i}]`, v, 0));
      const handleSpec = sq.handleTime ?? input.handleTime?.[queue.channel];
      if (!handleSpec) throw new SimulationInputError(`${f}.handleTime`, `or handleTime.${queue.channel} is required`);
      validateDuration(sq.handleTime ? `${f}.handleTime` : `handleTime.${queue.channel}`, handleSpec, false);
      let patienceSpec: DurationSpec = { meanSeconds: Infinity };
      if (queue.channel === 'email') {
        if (sq.patience && sq.patience.meanSeconds !== Infinity) throw new SimulationInputError(`${f}.patience`, 'is not allowed: email never abandons');
      } else {
        const p = sq.patience ?? input.patience?.[queue.channel];
        if (p) patienceSpec = validateDuration(sq.patience ? `${f}.patience` : `patience.${queue.channel}`, p, true);
      }
      const qd = sq.dispersion === undefined ? dispersion : requireFiniteAtLeast(`${f}.dispersion`, sq.dispersion, 0);
      const steps = queueSteps(queue, config);
      const wideningAfter = [...new Set(steps.map((s) => s.afterSeconds).filter((s) => s > 0))].sort((a, b) => a - b);
      const blendingThreshold = queue.emailBlendingThresholdSeconds ?? config.emailBlendingThresholdSeconds[queue.channel];
      const qs: QState = {
        idx,
        queue,
        channel: queue.channel,
        volumes: sq.volumes,
        dispersion: qd,
        handle: durationSampler(handleSpec),
        patience: durationSampler(patienceSpec),
        arrivals: stream(input.seed, 2 * idx),
        attributes: stream(input.seed, 2 * idx + 1),
        arrivalInterval: -1,
        arrivalRate: 0,
        waiting: new Map(),
        wideningAfter,
        blendingThreshold,
        counters: Array.from({ length: this.intervalCount }, () => ({ offered: 0, answered: 0, abandoned: 0, waitingAtEnd: 0, within: 0, waitSum: 0 })),
      };
      this.queueById.set(queue.id, qs);
      return qs;
    });
    this.queueList = this.queues.map((q) => q.queue);
    this.ctx = {
      queues: this.queueList,
      ...(input.routing?.config ? { config: input.routing.config } : {}),
      ...(input.routing?.calendars ? { calendars: input.routing.calendars } : {}),
    };
    for (const q of this.queues) {
      if (q.queue.serviceTarget.basis === 'business' && !input.routing?.calendars?.[q.queue.id]) {
        throw new SimulationInputError(`routing.calendars.${q.queue.id}`, 'is required: the queue has a business-time target');
      }
    }
    const seenAgents = new Set<string>();
    this.agents = input.agents.map((spec, idx) => this.agentState(spec, idx, seenAgents));
    const n = this.intervalCount;
    const arr = () => ({ phone: new Float64Array(n), chat: new Float64Array(n), email: new Float64Array(n) });
    this.occ = { staffed: arr(), occupied: arr(), staffedAll: new Float64Array(n), occupiedAll: new Float64Array(n) };
    this.records = input.recordContacts ? [] : null;
    this.trace = input.trace;
  }

  private agentState(spec: SimAgent, idx: number, seen: Set<string>): AState {
    const f = `agents[${idx}]`;
    if (typeof spec.id !== 'string' || spec.id === '') throw new SimulationInputError(`${f}.id`, 'must be a non-empty string');
    if (seen.has(spec.id)) throw new SimulationInputError(`${f}.id`, `duplicates agent '${spec.id}'`);
    seen.add(spec.id);
    for (const ch of CHANNELS) requireInteger(`${f}.capacity.${ch}`, spec.capacity?.[ch], 0);
    if (spec.capacity.phone > 1) throw new SimulationInputError(`${f}.capacity.phone`, 'must be 0 or 1');
    const shifts = [...(spec.shifts ?? [])].sort((a, b) => a.start.getTime() - b.start.getTime());
    let previousEnd = -Infinity;
    shifts.forEach((s, i) => {
      const sf = `${f}.shifts[${i}]`;
      const start = requireDate(`${sf}.start`, s.start).getTime();
      const end = requireDate(`${sf}.end`, s.end).getTime();
      if (end <= start) throw new SimulationInputError(`${sf}.end`, 'must be after start');
      if (start < previousEnd) throw new SimulationInputError(`${sf}.start`, 'overlaps the previous shift');
      previousEnd = end;
      (s.breaks ?? []).forEach((b, j) => {
        const bs = requireDate(`${sf}.breaks[${j}].start`, b.start).getTime();
        const be = requireDate(`${sf}.breaks[${j}].end`, b.end).getTime();
        if (be <= bs || bs < start || be > end) throw new SimulationInputError(`${sf}.breaks[${j}]`, 'must lie inside its shift and end after it starts');
      });
    });
    (spec.lentTo ?? []).forEach((l, i) => {
      requireDate(`${f}.lentTo[${i}].from`, l.from);
      requireDate(`${f}.lentTo[${i}].to`, l.to);
    });
    const servable = this.queues.map(
      (q) =>
        q.queue.departmentId === spec.departmentId ||
        (spec.lentTo ?? []).some((l) => l.departmentId === q.queue.departmentId && (!l.queueIds || l.queueIds.includes(q.queue.id))),
    );
    const a: AState = {
      idx,
      spec,
      agent: undefined as unknown as Agent,
      onShift: false,
      onBreak: false,
      idleSince: 0,
      inHand: new Map(),
      servable,
      lastAccrual: 0,
    };
    this.refresh(a);
    return a;
  }

  // ---- time helpers -------------------------------------------------------------------------

  private dateAt(t: number): Date {
    return new Date(this.startMs + Math.round(t * 1000));
  }

  private timeOf(d: Date): number {
    return (d.getTime() - this.startMs) / 1000;
  }

  private intervalOf(t: number): number {
    return Math.min(this.intervalCount - 1, Math.max(0, Math.floor(t / this.intervalSeconds)));
  }

  // ---- schedule -----------------------------------------------------------------------------

  private scheduleAgents(): void {
    for (const a of this.agents) {
      for (const s of a.spec.shifts) {
        const start = this.timeOf(s.start);
        const end = this.timeOf(s.end);
        if (end <= 0 || start >= this.endT) continue;
        this.events.push({ time: Math.max(0, start), kind: 'shift-start', a });
        if (end < this.endT) this.events.push({ time: end, kind: 'shift-end', a });
        for (const b of s.breaks ?? []) {
          const bs = this.timeOf(b.start);
          const be = this.timeOf(b.end);
          if (be <= 0 || bs >= this.endT) continue;
          this.events.push({ time: Math.max(0, bs), kind: 'break-start', a, ...(b.reason !== undefined ? { reason: b.reason } : {}) });
          if (be < this.endT) this.events.push({ time: be, kind: 'break-end', a });
        }
      }
      for (const l of a.spec.lentTo ?? []) {
        const from = this.timeOf(l.from);
        if (from > 0 && from < this.endT) this.events.push({ time: from, kind: 'loan-start', a });
      }
    }
  }

  /** Schedules the queue's next arrival after `from` (Poisson, piecewise-constant rate). */
  private scheduleArrival(q: QState, from: number): void {
    let t = from;
    for (;;) {
      if (q.arrivalInterval < 0 || t >= (q.arrivalInterval + 1) * this.intervalSeconds) {
        q.arrivalInterval = q.arrivalInterval < 0 ? 0 : q.arrivalInterval + 1;
        if (q.arrivalInterval >= this.intervalCount) return;
        t = Math.max(t, q.arrivalInterval * this.intervalSeconds);
        const volume = q.volumes[q.arrivalInterval] as number;
        q.arrivalRate = volume > 0 ? (volume * rateMultiplier(q.arrivals, q.dispersion)) / this.intervalSeconds : 0;
      }
      const intervalEnd = (q.arrivalInterval + 1) * this.intervalSeconds;
      if (q.arrivalRate > 0) {
        const next = t + exponential(q.arrivals, 1 / q.arrivalRate);
        if (next < intervalEnd) {
          this.events.push({ time: next, kind: 'arrival', q });
          return;
        }
      }
      // Memoryless: restart the clock at the interval boundary with the next interval's rate.
      t = intervalEnd;
    }
  }

  // ---- main loop ----------------------------------------------------------------------------

  run(): SimulationResult {
    this.scheduleAgents();
    for (const q of this.queues) this.scheduleArrival(q, 0);
    for (;;) {
      const next = this.events.peek();
      if (!next || next.time >= this.endT) break;
      this.events.pop();
      this.handle(next);
      this.eventsProcessed++;
      if (this.chatRecheck) {
        this.chatRecheck = false;
        for (const a of this.agents) {
          if (a.onShift && !a.onBreak && capacityReason(a.agent, 'chat') === null) this.offerWork(a, next.time);
        }
      }
      if (this.emailRecheck) {
        this.emailRecheck = false;
        for (const a of this.agents) {
          if (a.onShift && !a.onBreak && capacityReason(a.agent, 'email') === null) this.offerWork(a, next.time);
        }
      }
    }
    for (const a of this.agents) this.accrue(a, this.endT);
    for (const q of this.queues) for (const c of q.waiting.values()) (q.counters[c.interval] as Counters).waitingAtEnd++;
    return this.result();
  }

  private handle(e: SimEvent): void {
    const t = e.time;
    switch (e.kind) {
      case 'arrival':
        this.arrive(e.q, t);
        this.scheduleArrival(e.q, t);
        return;
      case 'abandon':
        if (e.c.status === 'waiting') this.abandon(e.c, t);
        return;
      case 'widen':
        if (e.c.status === 'waiting') this.routeContact(e.c, t);
        return;
      case 'service-end':
        this.serviceEnd(e.a, e.c, t);
        return;
      case 'wrap-end':
        this.release(e.a, e.c, t);
        return;
      case 'shift-start':
        this.accrue(e.a, t);
        e.a.onShift = true;
        e.a.onBreak = false;
        if (e.a.inHand.size === 0) e.a.idleSince = t;
        this.refresh(e.a);
        this.emit({ type: 'agent-state', time: t, agentId: e.a.spec.id, change: 'shift-start' });
        this.offerWork(e.a, t);
        return;
      case 'shift-end':
        this.accrue(e.a, t);
        e.a.onShift = false;
        e.a.onBreak = false;
        this.refresh(e.a);
        this.emit({ type: 'agent-state', time: t, agentId: e.a.spec.id, change: 'shift-end' });
        return;
      case 'break-start':
        this.accrue(e.a, t);
        e.a.onBreak = true;
        if (e.reason !== undefined) e.a.breakReason = e.reason;
        else delete e.a.breakReason;
        this.refresh(e.a);
        this.emit({ type: 'agent-state', time: t, agentId: e.a.spec.id, change: 'break-start' });
        return;
      case 'break-end':
        this.accrue(e.a, t);
        e.a.onBreak = false;
        delete e.a.breakReason;
        if (e.a.inHand.size === 0) e.a.idleSince = t;
        this.refresh(e.a);
        this.emit({ type: 'agent-state', time: t, agentId: e.a.spec.id, change: 'break-end' });
        this.offerWork(e.a, t);
        return;
      case 'loan-start':
        this.emit({ type: 'agent-state', time: t, agentId: e.a.spec.id, change: 'loan-start' });
        this.offerWork(e.a, t);
        return;
    }
  }

  private emit(e: SimTraceEvent): void {
    this.trace?.(e);
  }

  // ---- contacts -----------------------------------------------------------------------------

  private arrive(q: QState, t: number): void {
    const n = this.contactSeq++;
    const contact: Contact = {
      id: `c${n}`,
      channel: q.channel,
      queueId: q.queue.id,
      arrivedAt: this.dateAt(t),
      customerRef: `sim-${n}`,
    };
    const handle = q.handle(q.attributes);
    const patience = q.patience(q.attributes);
    const c: CState = { contact, q, arrivedAt: t, interval: this.intervalOf(t), handle, patience, status: 'waiting' };
    (q.counters[c.interval] as Counters).offered++;
    q.waiting.set(contact.id, c);
    this.records?.push(c);
    this.emit({ type: 'arrival', time: t, contact });
    if (this.routeContact(c, t)) return;
    if (patience !== Infinity) this.events.push({ time: t + patience, kind: 'abandon', c });
    for (const after of q.wideningAfter) {
      if (after < patience) this.events.push({ time: t + after + WIDEN_SLACK, kind: 'widen', c });
    }
  }

  /** Asks the policy for an agent for a waiting contact; assigns it if one is chosen. */
  private routeContact(c: CState, t: number): boolean {
    const channel = c.q.channel;
    const candidates: Agent[] = [];
    for (const a of this.agents) {
      if (a.onShift && !a.onBreak && a.servable[c.q.idx] && capacityReason(a.agent, channel) === null) candidates.push(a.agent);
    }
    if (candidates.length === 0) return false;
    let ctx = this.ctx;
    const heldBy = HELD_BACK_BY[channel];
    if (heldBy.length > 0) {
      // Email blending (late calls and chats hold an email back) and call draining (late calls hold a new chat back).
      const waiting: Contact[] = [];
      for (const q of this.queues) {
        if (!heldBy.includes(q.channel)) continue;
        for (const w of q.waiting.values()) if (t - w.arrivedAt >= q.blendingThreshold) waiting.push(w.contact);
      }
      if (waiting.length > 0) ctx = { ...this.ctx, waitingContacts: waiting };
    }
    this.routingCalls++;
    const sel = selectAgentForContact(c.contact, c.q.queue, candidates, this.dateAt(t), ctx);
    if (sel.agentId === null) return false;
    const a = this.agents.find((x) => x.spec.id === sel.agentId);
    if (!a) throw new Error(`routing chose unknown agent ${sel.agentId}`);
    this.assign(c, a, t);
    return true;
  }

  /**
   * Fills the agent's free capacity with the contacts the policy picks for it. An agent with chats in
   * hand and room for more is shown the late calls it could take once they end (call draining).
   */
  private offerWork(a: AState, t: number): void {
    while (a.onShift && !a.onBreak) {
      const list: Contact[] = [];
      const draining = a.agent.load.chat > 0 && capacityReason(a.agent, 'chat') === null && takesCallsOnceChatsEnd(a.agent);
      for (const ch of CHANNELS) {
        const drainsFor = draining && ch === 'phone';
        if (capacityReason(a.agent, ch) !== null && !drainsFor) continue;
        for (const q of this.queues) {
          if (q.channel !== ch || !a.servable[q.idx] || q.waiting.size === 0) continue;
          for (const w of q.waiting.values()) if (!drainsFor || t - w.arrivedAt >= q.blendingThreshold) list.push(w.contact);
        }
      }
      if (list.length === 0) return;
      this.routingCalls++;
      const sel = selectContactForAgent(a.agent, list, this.queueList, this.dateAt(t), this.ctx);
      if (sel.contactId === null) return;
      const q = this.queueById.get(sel.queueId);
      const c = q?.waiting.get(sel.contactId);
      if (!c) throw new Error(`routing chose contact ${sel.contactId}, which is not waiting`);
      this.assign(c, a, t);
    }
  }

  private assign(c: CState, a: AState, t: number): void {
    if (c.status !== 'waiting') throw new Error(`contact ${c.contact.id} assigned twice`);
    const now = this.dateAt(t);
    // A reservation accepted at once: the simulator models no offer timeouts or rejections.
    const offer = makeOffer(c.contact, a.agent, now, this.ctx);
    const outcome = resolveOffer(offer.offer, 'accepted', offer.agent, offer.contact, now);
    this.accrue(a, t);
    c.q.waiting.delete(c.contact.id);
    c.status = 'answered';
    c.answeredAt = t;
    c.agentId = a.spec.id;
    c.contact = outcome.contact;
    a.inHand.set(c.contact.id, { c, wrapping: false });
    this.refresh(a);
    const expected = outcome.agent.load;
    const load = a.agent.load;
    if (expected.phone !== load.phone || expected.chat !== load.chat || expected.email !== load.email) {
      throw new Error(`load of agent ${a.spec.id} disagrees with the routing reservation`);
    }
    const counters = c.q.counters[c.interval] as Counters;
    const wait = t - c.arrivedAt;
    counters.answered++;
    counters.waitSum += wait;
    if (this.withinTarget(c, t)) counters.within++;
    const lent = a.spec.departmentId !== c.q.queue.departmentId;
    this.emit({ type: 'assign', time: t, contactId: c.contact.id, queueId: c.q.queue.id, channel: c.q.channel, agentId: a.spec.id, agent: a.agent, lent });
    this.events.push({ time: t + c.handle, kind: 'service-end', a, c });
    this.afterLeaving(c, t);
  }

  /** Phone/chat: answered within T of arrival; email: reply (end of handling) within T. */
  private withinTarget(c: CState, answeredAt: number): boolean {
    const target = c.q.queue.serviceTarget;
    const doneAt = c.q.channel === 'email' ? answeredAt + c.handle : answeredAt;
    if (target.basis === 'business') {
      const cal = this.input.routing?.calendars?.[c.q.queue.id];
      if (!cal) return false;
      return cal.businessSecondsBetween(c.contact.arrivedAt, this.dateAt(doneAt)) <= target.seconds;
    }
    return doneAt - c.arrivedAt <= target.seconds + 1e-9;
  }

  private abandon(c: CState, t: number): void {
    c.q.waiting.delete(c.contact.id);
    c.status = 'abandoned';
    c.abandonedAt = t;
    (c.q.counters[c.interval] as Counters).abandoned++;
    this.emit({ type: 'abandon', time: t, contactId: c.contact.id, queueId: c.q.queue.id });
    this.afterLeaving(c, t);
  }

  /** A call/chat past its blending threshold leaving the queue may free agents for emails, and a call agents for chats. */
  private afterLeaving(c: CState, t: number): void {
    if (c.q.channel === 'email' || t - c.arrivedAt < c.q.blendingThreshold) return;
    if (this.queues.some((q) => q.channel === 'email' && q.waiting.size > 0)) this.emailRecheck = true;
    if (c.q.channel === 'phone' && this.queues.some((q) => q.channel === 'chat' && q.waiting.size > 0)) this.chatRecheck = true;
  }

  private serviceEnd(a: AState, c: CState, t: number): void {
    c.endedAt = t;
    this.emit({ type: 'service-end', time: t, contactId: c.contact.id, channel: c.q.channel, agentId: a.spec.id });
    const wrap = this.wrapUp[c.q.channel];
    if (wrap > 0) {
      const h = a.inHand.get(c.contact.id) as InHand;
      h.wrapping = true;
      this.refresh(a);
      this.events.push({ time: t + wrap, kind: 'wrap-end', a, c });
      return;
    }
    this.release(a, c, t);
  }

  private release(a: AState, c: CState, t: number): void {
    this.accrue(a, t);
    a.inHand.delete(c.contact.id);
    if (a.inHand.size === 0) a.idleSince = t;
    this.refresh(a);
    this.emit({ type: 'release', time: t, contactId: c.contact.id, channel: c.q.channel, agentId: a.spec.id, agent: a.agent });
    this.offerWork(a, t);
  }

  // ---- agents -------------------------------------------------------------------------------

  /** Rebuilds the routing view of the agent from the simulator's state. */
  private refresh(a: AState): void {
    const load = { phone: 0, chat: 0, email: 0 };
    let wrapping = 0;
    for (const h of a.inHand.values()) {
      load[h.c.q.channel]++;
      if (h.wrapping) wrapping++;
    }
    let state: AgentState;
    if (!a.onShift) state = 'offline';
    else if (a.onBreak) state = 'break';
    else if (a.inHand.size === 0) state = 'available';
    else if (wrapping === a.inHand.size) state = 'wrap-up';
    else state = 'busy';
    const s = a.spec;
    a.agent = {
      id: s.id,
      departmentId: s.departmentId,
      state,
      ...(state === 'break' && a.breakReason !== undefined ? { breakReason: a.breakReason } : {}),
      skills: s.skills,
      capacity: s.capacity,
      load,
      idleSince: this.dateAt(a.idleSince),
      ...(s.lentTo ? { lentTo: s.lentTo } : {}),
    };
  }

  /** Adds the agent's time since its last accrual to the occupancy buckets. */
  private accrue(a: AState, t: number): void {
    const from = a.lastAccrual;
    const to = Math.min(t, this.endT);
    if (to <= from) return;
    a.lastAccrual = to;
    if (!a.onShift || a.onBreak) return;
    const I = this.intervalSeconds;
    const cap = a.spec.capacity;
    const load = a.agent.load;
    const busy = a.inHand.size > 0;
    let k = Math.floor(from / I);
    let s = from;
    while (s < to && k < this.intervalCount) {
      const e = Math.min(to, (k + 1) * I);
      const d = e - s;
      this.occ.staffedAll[k] += d;
      if (busy) this.occ.occupiedAll[k] += d;
      for (const ch of CHANNELS) {
        if (cap[ch] > 0) this.occ.staffed[ch][k] += d;
        if (load[ch] > 0) this.occ.occupied[ch][k] += d;
      }
      s = e;
      k++;
    }
  }

  // ---- results ------------------------------------------------------------------------------

  private result(): SimulationResult {
    const intervals: IntervalResult[] = [];
    for (let k = 0; k < this.intervalCount; k++) {
      intervals.push({ index: k, start: this.dateAt(k * this.intervalSeconds), ...this.period(k, k + 1) });
    }
    const out: SimulationResult = {
      seed: this.input.seed,
      intervals,
      totals: this.period(this.warmup, this.intervalCount),
      eventsProcessed: this.eventsProcessed,
      routingCalls: this.routingCalls,
      contactsArrived: this.contactSeq,
    };
    if (this.records) out.contacts = this.records.map((c) => this.record(c));
    return out;
  }

  private record(c: CState): ContactRecord {
    const outcome = c.status;
    return {
      id: c.contact.id,
      queueId: c.q.queue.id,
      channel: c.q.channel,
      arrivedAt: c.arrivedAt,
      outcome,
      handleSeconds: c.handle,
      patienceSeconds: c.patience,
      ...(c.answeredAt !== undefined ? { answeredAt: c.answeredAt } : {}),
      ...(c.agentId !== undefined ? { agentId: c.agentId } : {}),
      ...(c.endedAt !== undefined ? { endedAt: c.endedAt } : {}),
      ...(c.abandonedAt !== undefined ? { abandonedAt: c.abandonedAt } : {}),
    };
  }

  private period(from: number, to: number): PeriodResult {
    const byQueue: Record<string, ContactStats> = {};
    const sums: Record<Channel, Counters> = { phone: zero(), chat: zero(), email: zero() };
    const all = zero();
    for (const q of this.queues) {
      const c = zero();
      for (let k = from; k < to; k++) add(c, q.counters[k] as Counters);
      byQueue[q.queue.id] = contactStats(c);
      add(sums[q.channel], c);
      add(all, c);
    }
    const occ = (staffed: Float64Array, occupied: Float64Array) => {
      let s = 0;
      let o = 0;
      for (let k = from; k < to; k++) {
        s += staffed[k] as number;
        o += occupied[k] as number;
      }
      return { staffedSeconds: s, occupiedSeconds: o, occupancy: s > 0 ? o / s : null };
    };
    const byChannel = {} as Record<Channel, ChannelStats>;
    for (const ch of CHANNELS) byChannel[ch] = { ...contactStats(sums[ch]), ...occ(this.occ.staffed[ch], this.occ.occupied[ch]) };
    return { byQueue, byChannel, all: { ...contactStats(all), ...occ(this.occ.staffedAll, this.occ.occupiedAll) } };
  }
}

function zero(): Counters {
  return { offered: 0, answered: 0, abandoned: 0, waitingAtEnd: 0, within: 0, waitSum: 0 };
}

function add(into: Counters, c: Counters): void {
  into.offered += c.offered;
  into.answered += c.answered;
  into.abandoned += c.abandoned;
  into.waitingAtEnd += c.waitingAtEnd;
  into.within += c.within;
  into.waitSum += c.waitSum;
}

function contactStats(c: Counters): ContactStats {
  return {
    offered: c.offered,
    answered: c.answered,
    abandoned: c.abandoned,
    waitingAtEnd: c.waitingAtEnd,
    answeredWithinTarget: c.within,
    answeredWaitSeconds: c.waitSum,
    serviceLevel: c.offered > 0 ? c.within / c.offered : null,
    serviceLevelOfAnswered: c.answered > 0 ? c.within / c.answered : null,
    asa: c.answered > 0 ? c.waitSum / c.answered : null,
    abandonment: c.offered > 0 ? c.abandoned / c.offered : null,
  };
}
