import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError, tooManyRequests, unprocessable, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import { SimulationInputError, type ChannelStats, type ContactStats, type SimAgent, type SimQueue, type SimShift, type SimulationResult } from '../../../../libs/simulation/src/index.js';
import { StaffingInputError, computeRequirements, type BlendedPool, type HorizonRequirements, type QueueSpec } from '../../../../libs/staffing/src/index.js';
import type { Channel } from '../../../../libs/core/src/channel.js';
import type { HorizonPoolRequirementsDto, HorizonQueueDto, HorizonQueueRequirementsDto, HorizonRequestDto, HorizonRequirementsDto, RequirementDto, RequirementRequestDto, StaffingModel, StaffingTargetDto } from './requirement.dto.js';
import type { SimChannelStatsDto, SimChannelsDto, SimStatsDto, SimulationRequestDto, SimulationResultDto } from './simulation.dto.js';
import { STAFFING_LIMITS as L } from './staffing-limits.js';
import { StaffingPoolBusyError, StaffingTimeoutError, StaffingWorkerPool } from './staffing-worker-pool.js';

/** The worker threads of the staffing endpoints (sized from STAFFING_LIMITS), closed on shutdown. */
@Injectable()
export class StaffingWorkers extends StaffingWorkerPool implements OnApplicationShutdown {
  constructor() {
    super({ workers: StaffingWorkerPool.defaultWorkers(L.maxWorkerThreads), maxQueued: L.maxQueuedTasks, timeoutMs: L.taskTimeoutSeconds * 1000 });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/**
 * Pool failures as HTTP answers: an overrun is a 422 naming the limit (its time counts from the
 * task's start, so the task itself is too big); a full line is 429 `staffing.busy` with Retry-After,
 * the pool's estimate of when its line clears.
 */
function fromPool(error: unknown, what: string, field: string): unknown {
  if (error instanceof StaffingTimeoutError) {
    const seconds = error.timeoutMs / 1000;
    return new DomainError('unprocessable', 'staffing.timeout', `The ${what} did not finish within ${seconds} s and was stopped; make it smaller (fewer intervals, queues, contacts or agents)`, [
      { field, rule: 'exceeded', message: `${what} took longer than ${seconds} s` },
    ]);
  }
  if (error instanceof StaffingPoolBusyError) {
    const retryAfter = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    return tooManyRequests('staffing.busy', `The server is busy with other staffing calculations (${error.running} running, ${error.queued} waiting); retry after ${retryAfter} s`, retryAfter);
  }
  return error;
}

/** At most this many violations are listed in one 422 (the first ones found). */
const MAX_VIOLATIONS = 50;

function invalid(violations: FieldViolation[]): DomainError {
  const listed = violations.slice(0, MAX_VIOLATIONS);
  return unprocessable('validation.failed', `The request is invalid: ${listed.map((v) => `${v.field} (${v.rule})`).join(', ')}`, listed);
}

const round = (x: number, digits = 6): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** A StaffingInputError of libs/staffing as a 422 naming the field; `prefix` maps the lib's path to the request's. */
function fromStaffingError(error: StaffingInputError, rename: (parameter: string) => string): DomainError {
  const rule = error.rule.startsWith('cannot be met') ? 'unreachable' : error.rule.includes('too long') ? 'tooLong' : 'invalid';
  const field = rename(error.parameter);
  return invalid([{ field, rule, message: `${field} ${error.rule}` }]);
}

interface ChannelFields {
  channel: Channel;
  target: { basis?: string };
  patienceSeconds?: number;
  concurrency?: number;
  concurrencySlowdown?: number;
}

/** The per-channel rules shared by both forms: patience is for phone, concurrency is for (and required by) chat. */
function channelViolations(q: ChannelFields, at: string): FieldViolation[] {
  const out: FieldViolation[] = [];
  if (q.patienceSeconds !== undefined && q.channel !== 'phone') {
    out.push({ field: `${at}patienceSeconds`, rule: 'onlyForPhone', message: `${at}patienceSeconds applies to phone only (chat is planned as patient, email never abandons)` });
  }
  if (q.target.basis !== undefined && q.channel !== 'email') {
    out.push({ field: `${at}target.basis`, rule: 'onlyForEmail', message: `${at}target.basis applies to email deadlines only (phone and chat targets are wall-clock times)` });
  }
  if (q.channel === 'chat' && q.concurrency === undefined) {
    out.push({ field: `${at}concurrency`, rule: 'requiredForChat', message: `${at}concurrency is required for chat: chats one agent handles at once` });
  }
  for (const name of ['concurrency', 'concurrencySlowdown'] as const) {
    if (q[name] !== undefined && q.channel !== 'chat') out.push({ field: `${at}${name}`, rule: 'onlyForChat', message: `${at}${name} applies to chat only` });
  }
  return out;
}

function modelOf(channel: Channel, patienceSeconds: number | undefined): StaffingModel {
  if (channel === 'chat') return 'chat-concurrency';
  if (channel === 'email') return 'email-backlog';
  return patienceSeconds === undefined ? 'erlang-c' : 'erlang-a';
}

/** AHT of the channel's model: chat stretches with concurrency. */
function effectiveAht(aht: number, q: ChannelFields): number {
  return q.channel === 'chat' ? aht * (1 + (q.concurrencySlowdown ?? 0) * ((q.concurrency ?? 1) - 1)) : aht;
}

const fraction = (target: StaffingTargetDto) => ({ serviceLevel: target.percent / 100, thresholdSeconds: target.seconds });

/** One interval: Erlang C, Erlang A or chat concurrency. */
@Injectable()
export class ComputeRequirement {
  execute(input: RequirementRequestDto): RequirementDto {
    const violations: FieldViolation[] = [];
    if (input.channel === 'email') {
      violations.push({
        field: 'channel',
        rule: 'horizonRequired',
        message: 'email staffing depends on when the backlog falls due, so it needs a series of intervals: use POST /v1/staffing/requirements/horizon with the email volumes per interval and target.seconds as the reply deadline',
      });
    }
    violations.push(...channelViolations(input, ''));
    const intervalSeconds = input.intervalMinutes * 60;
    const load = (input.volume * effectiveAht(input.ahtSeconds, input)) / intervalSeconds;
    if (violations.length === 0 && load > L.maxOfferedLoad) {
      violations.push({ field: 'volume', rule: 'maxOfferedLoad', message: `volume × ahtSeconds / interval seconds is ${round(load, 1)} Erlangs; at most ${L.maxOfferedLoad} are allowed` });
    }
    if (violations.length) throw invalid(violations);

    const common = { id: 'q', volumes: [input.volume], ahtSeconds: input.ahtSeconds, ...(input.shrinkage !== undefined ? { shrinkage: input.shrinkage } : {}) };
    const occupancy = input.maxOccupancy !== undefined ? { maxOccupancy: input.maxOccupancy } : {};
    const spec: QueueSpec =
      input.channel === 'chat'
        ? { ...common, ...occupancy, channel: 'chat', target: fraction(input.target), concurrency: input.concurrency as number, concurrencySlowdown: input.concurrencySlowdown ?? 0 }
        : { ...common, ...occupancy, channel: 'phone', target: fraction(input.target), ...(input.patienceSeconds !== undefined ? { patienceSeconds: input.patienceSeconds } : {}) };
    let r;
    try {
      r = computeRequirements({ intervalSeconds, queues: [spec] }).queues[0]?.intervals[0];
    } catch (error) {
      if (error instanceof StaffingInputError) throw fromStaffingError(error, (p) => p.replace(/^queues\[0\]\./, '').replace(/\.serviceLevel$/, '.percent').replace(/\.thresholdSeconds$/, '.seconds').replace(/^volumes\[0\]$/, 'volume'));
      throw error;
    }
    if (!r) throw new Error('computeRequirements answered no interval');
    return {
      agents: r.agents,
      ...(r.agentsWithShrinkage !== undefined ? { agentsWithShrinkage: r.agentsWithShrinkage } : {}),
      serviceLevel: round(r.serviceLevel),
      asa: round(r.asa, 3),
      occupancy: round(r.occupancy),
      abandonment: round(r.abandonment),
      offeredLoad: round(load),
      model: modelOf(input.channel, input.patienceSeconds),
    };
  }
}

/** Many queues × intervals (and blended pools) in one call: libs/staffing computeRequirements, in a worker thread. */
@Injectable()
export class ComputeHorizonRequirements {
  constructor(private readonly workers: StaffingWorkers) {}

  async execute(input: HorizonRequestDto): Promise<HorizonRequirementsDto> {
    const intervalSeconds = input.intervalMinutes * 60;
    const violations = horizonViolations(input, intervalSeconds);
    if (violations.length) throw invalid(violations);
    const specs = input.queues.map((q) => toQueueSpec(q));
    const pools = input.pools?.map(
      (p): BlendedPool => ({
        id: p.id,
        queueIds: p.queueIds,
        ...(p.shrinkage !== undefined ? { shrinkage: p.shrinkage } : {}),
        ...(p.idleUsableShare !== undefined ? { idleUsableShare: p.idleUsableShare } : {}),
        ...(p.emailPolicy !== undefined ? { emailPolicy: p.emailPolicy } : {}),
      }),
    );
    let result: HorizonRequirements;
    try {
      result = await this.workers.run({ kind: 'horizon', input: { intervalSeconds, queues: specs, ...(pools ? { pools } : {}) } });
    } catch (error) {
      if (error instanceof StaffingInputError) throw fromStaffingError(error, (p) => p.replace(/\.serviceLevel$/, '.percent').replace(/\.thresholdSeconds$/, '.seconds').replace(/\.deadlineSeconds$/, '.target.seconds').replace(/\.deadlineBasis$/, '.target.basis').replace(/^(queues\[\d+\])\.policy$/, '$1.emailPolicy'));
      throw fromPool(error, 'horizon', 'queues');
    }
    const hours = (xs: readonly number[]) => round((xs.reduce((a, b) => a + b, 0) * input.intervalMinutes) / 60, 4);
    return {
      intervalMinutes: input.intervalMinutes,
      queues: result.queues.map((q, i): HorizonQueueRequirementsDto => {
        const request = input.queues[i] as HorizonQueueDto;
        const agents = q.intervals.map((r) => r.agents);
        return {
          id: q.id,
          channel: q.channel,
          model: modelOf(q.channel, request.patienceSeconds),
          agents,
          ...(request.shrinkage !== undefined ? { agentsWithShrinkage: q.intervals.map((r) => r.agentsWithShrinkage ?? r.agents) } : {}),
          serviceLevel: q.intervals.map((r) => round(r.serviceLevel)),
          asa: q.intervals.map((r) => round(r.asa, 3)),
          occupancy: q.intervals.map((r) => round(r.occupancy)),
          abandonment: q.intervals.map((r) => round(r.abandonment)),
          peakAgents: agents.reduce((a, b) => Math.max(a, b), 0),
          agentHours: hours(agents),
          ...(q.backlogAtEnd ? { backlogEmailsAtEnd: round(q.backlogAtEnd.emails, 4) } : {}),
        };
      }),
      ...(result.pools
        ? {
            pools: result.pools.map((p, i): HorizonPoolRequirementsDto => {
              const agents = p.intervals.map((r) => r.agents);
              const separate = p.intervals.map((r) => r.separateAgents);
              return {
                id: p.id,
                queueIds: p.queueIds,
                agents,
                ...(input.pools?.[i]?.shrinkage !== undefined ? { agentsWithShrinkage: p.intervals.map((r) => r.agentsWithShrinkage ?? r.agents) } : {}),
                interactiveAgents: p.intervals.map((r) => r.interactiveAgents),
                emailAgents: p.intervals.map((r) => r.emailAgents),
                separateAgents: separate,
                emailShareInIdleTime: p.intervals.map((r) => (r.emailWorkSeconds > 0 ? round(r.emailWorkInIdleSeconds / r.emailWorkSeconds) : 0)),
                peakAgents: agents.reduce((a, b) => Math.max(a, b), 0),
                agentHours: hours(agents),
                separateAgentHours: hours(separate),
                backlogEmailsAtEnd: round(p.emailBacklogAtEnd.emails, 4),
              };
            }),
          }
        : {}),
    };
  }
}

function horizonViolations(input: HorizonRequestDto, intervalSeconds: number): FieldViolation[] {
  const out: FieldViolation[] = [];
  const length = input.queues[0]?.volumes.length ?? 0;
  const total = input.queues.reduce((sum, q) => sum + q.volumes.length, 0);
  if (total > L.maxHorizonItems) out.push({ field: 'queues', rule: 'maxItems', message: `queues × intervals is ${total}; at most ${L.maxHorizonItems} are allowed in one request` });
  const ids = new Set<string>();
  let erlangAWork = 0;
  input.queues.forEach((q, i) => {
    const at = `queues[${i}].`;
    if (ids.has(q.id)) out.push({ field: `${at}id`, rule: 'unique', message: `${at}id "${q.id}" is used by an earlier queue` });
    ids.add(q.id);
    const n = q.volumes.length;
    if (n !== length) out.push({ field: `${at}volumes`, rule: 'sameLength', message: `${at}volumes has ${n} intervals; queues[0].volumes has ${length} — every queue needs the same count` });
    for (const name of ['ahtSeconds', 'shrinkage', 'open'] as const) {
      const v = q[name];
      if (Array.isArray(v) && v.length !== n) out.push({ field: `${at}${name}`, rule: 'sameLength', message: `${at}${name} has ${v.length} elements; volumes has ${n}` });
    }
    out.push(...channelViolations(q, at));
    if (q.emailPolicy !== undefined && q.channel !== 'email') out.push({ field: `${at}emailPolicy`, rule: 'onlyForEmail', message: `${at}emailPolicy applies to email queues only` });
    if (q.channel === 'phone' && q.patienceSeconds !== undefined) erlangAWork += erlangAWorkOf(q, intervalSeconds);
    if (q.channel !== 'email') {
      const aht = q.ahtSeconds;
      const bad = q.volumes.findIndex((v, j) => (v * effectiveAht(typeof aht === 'number' ? aht : (aht[j] ?? 0), q)) / intervalSeconds > L.maxOfferedLoad);
      if (bad >= 0) out.push({ field: `${at}volumes[${bad}]`, rule: 'maxOfferedLoad', message: `${at}volumes[${bad}] × ahtSeconds / interval seconds exceeds ${L.maxOfferedLoad} Erlangs` });
    }
  });
  const poolIds = new Set<string>();
  const pooled = new Map<string, string>();
  (input.pools ?? []).forEach((p, i) => {
    const at = `pools[${i}].`;
    if (poolIds.has(p.id)) out.push({ field: `${at}id`, rule: 'unique', message: `${at}id "${p.id}" is used by an earlier pool` });
    poolIds.add(p.id);
    p.queueIds.forEach((id, k) => {
      if (!ids.has(id)) out.push({ field: `${at}queueIds[${k}]`, rule: 'exists', message: `${at}queueIds[${k}] "${id}" is not a queue of the request` });
      const other = pooled.get(id);
      if (other !== undefined) out.push({ field: `${at}queueIds[${k}]`, rule: 'onePool', message: `${at}queueIds[${k}] "${id}" is already in pool "${other}"` });
      else pooled.set(id, p.id);
    });
    if (Array.isArray(p.shrinkage) && p.shrinkage.length !== length) out.push({ field: `${at}shrinkage`, rule: 'sameLength', message: `${at}shrinkage has ${p.shrinkage.length} elements; the volumes have ${length}` });
  });
  if (erlangAWork > L.maxErlangAWork) {
    out.push({ field: 'queues', rule: 'maxErlangAWork', message: `the Erlang A queues (phone with patienceSeconds) weigh ${Math.round(erlangAWork)} work units (Σ over distinct intervals of max(1, Erlangs)^0.75 / 20); at most ${L.maxErlangAWork} are allowed in one request` });
  }
  return out;
}

/** The cost estimate of an Erlang A queue: libs/staffing solves each distinct (volume, AHT) once. */
function erlangAWorkOf(q: HorizonQueueDto, intervalSeconds: number): number {
  const seen = new Set<string>();
  let work = 0;
  q.volumes.forEach((v, i) => {
    const aht = typeof q.ahtSeconds === 'number' ? q.ahtSeconds : (q.ahtSeconds[i] ?? 0);
    const key = `${v}|${aht}`;
    if (v === 0 || q.open?.[i] === false || seen.has(key)) return;
    seen.add(key);
    work += Math.max(1, (v * aht) / intervalSeconds) ** 0.75 / 20;
  });
  return work;
}

function toQueueSpec(q: HorizonQueueDto): QueueSpec {
  const common = {
    id: q.id,
    volumes: q.volumes,
    ahtSeconds: q.ahtSeconds,
    ...(q.open !== undefined ? { open: q.open } : {}),
    ...(q.shrinkage !== undefined ? { shrinkage: q.shrinkage } : {}),
    ...(q.maxOccupancy !== undefined ? { maxOccupancy: q.maxOccupancy } : {}),
  };
  switch (q.channel) {
    case 'phone':
      return { ...common, channel: 'phone', target: fraction(q.target), ...(q.patienceSeconds !== undefined ? { patienceSeconds: q.patienceSeconds } : {}) };
    case 'chat':
      return { ...common, channel: 'chat', target: fraction(q.target), concurrency: q.concurrency as number, concurrencySlowdown: q.concurrencySlowdown ?? 0 };
    case 'email':
      return { ...common, channel: 'email', deadlineSeconds: q.target.seconds, deadlineBasis: q.target.basis ?? 'business', ...(q.emailPolicy !== undefined ? { policy: q.emailPolicy } : {}) };
  }
}

/** The department every simulated queue and agent belongs to (the API simulates one centre). */
const DEPARTMENT = 'simulation';

/** A day (or any window of equal intervals) through the discrete-event simulator of libs/simulation, in a worker thread. */
@Injectable()
export class RunSimulation {
  constructor(private readonly workers: StaffingWorkers) {}

  async execute(input: SimulationRequestDto): Promise<SimulationResultDto> {
    const violations = simulationViolations(input);
    if (violations.length) throw invalid(violations);
    const start = new Date(input.start);
    const intervalSeconds = input.intervalMinutes * 60;
    const intervals = input.queues[0]?.volumes.length ?? 0;
    const queues: SimQueue[] = input.queues.map((q) => ({
      queue: {
        id: q.id,
        departmentId: DEPARTMENT,
        channel: q.channel,
        requiredSkills: (q.requiredSkills ?? []).map((s) => ({ skill: s.skill, minProficiency: s.minProficiency })),
        language: q.language ?? 'fi',
        serviceTarget: { percent: q.target.percent, seconds: q.target.seconds, basis: 'elapsed' },
      },
      volumes: q.volumes,
      handleTime: { meanSeconds: q.ahtSeconds, distribution: q.handleTimeDistribution ?? 'exponential', ...(q.handleTimeCv !== undefined ? { cv: q.handleTimeCv } : {}) },
      ...(q.patienceSeconds !== undefined ? { patience: { meanSeconds: q.patienceSeconds } } : {}),
      ...(q.dispersion !== undefined ? { dispersion: q.dispersion } : {}),
    }));
    const agents: SimAgent[] = (input.agents ?? []).map((a) => ({
      id: a.id,
      departmentId: DEPARTMENT,
      skills: Object.fromEntries(a.skills.map((s) => [s.skill, s.proficiency])),
      capacity: { phone: a.capacity.phone, chat: a.capacity.chat, email: a.capacity.email },
      shifts: a.shifts.map((s) => ({ start: new Date(s.start), end: new Date(s.end), ...(s.breaks ? { breaks: s.breaks.map((b) => ({ start: new Date(b.start), end: new Date(b.end) })) } : {}) })),
    }));
    const taken = new Set(agents.map((a) => a.id));
    for (const s of input.staffing ?? []) {
      const q = input.queues.find((x) => x.id === s.queueId);
      if (!q) continue; // reported by simulationViolations
      agents.push(...expandCounts(s.agents, q, s.concurrency ?? 1, start, intervalSeconds, taken));
    }
    let result: SimulationResult;
    try {
      const timeoutMs = (input.timeoutSeconds ?? L.taskTimeoutSeconds) * 1000;
      result = await this.workers.run({ kind: 'simulate', input: { start, intervalSeconds, intervals, queues, agents, seed: input.seed, warmupIntervals: input.warmupIntervals ?? 0 } }, timeoutMs);
    } catch (error) {
      if (error instanceof SimulationInputError) throw invalid([{ field: error.field.replace(/^queues\[(\d+)\]\.queue\./, 'queues[$1].'), rule: 'invalid', message: error.message }]);
      throw fromPool(error, 'simulation', 'timeoutSeconds');
    }
    const channels = [...new Set(input.queues.map((q) => q.channel))];
    const byChannel = (stats: Record<Channel, ChannelStats>): SimChannelsDto => Object.fromEntries(channels.map((c) => [c, channelStats(stats[c])]));
    return {
      seed: result.seed,
      intervalMinutes: input.intervalMinutes,
      agents: agents.length,
      contactsArrived: result.contactsArrived,
      intervals: result.intervals.map((r) => ({ index: r.index, start: r.start.toISOString(), byChannel: byChannel(r.byChannel) })),
      totals: {
        byChannel: byChannel(result.totals.byChannel),
        all: channelStats(result.totals.all),
        byQueue: input.queues.map((q) => ({ queueId: q.id, ...contactStats(result.totals.byQueue[q.id] as ContactStats) })),
      },
    };
  }
}

function simulationViolations(input: SimulationRequestDto): FieldViolation[] {
  const out: FieldViolation[] = [];
  const length = input.queues[0]?.volumes.length ?? 0;
  const ids = new Set<string>();
  let contacts = 0;
  input.queues.forEach((q, i) => {
    const at = `queues[${i}].`;
    if (ids.has(q.id)) out.push({ field: `${at}id`, rule: 'unique', message: `${at}id "${q.id}" is used by an earlier queue` });
    ids.add(q.id);
    if (q.volumes.length !== length) out.push({ field: `${at}volumes`, rule: 'sameLength', message: `${at}volumes has ${q.volumes.length} intervals; queues[0].volumes has ${length}` });
    contacts += q.volumes.reduce((a, b) => a + b, 0);
    if (q.patienceSeconds !== undefined && q.channel === 'email') out.push({ field: `${at}patienceSeconds`, rule: 'notForEmail', message: `${at}patienceSeconds is not allowed: email never abandons` });
    if (q.handleTimeDistribution === 'lognormal' && q.handleTimeCv === undefined) out.push({ field: `${at}handleTimeCv`, rule: 'requiredForLognormal', message: `${at}handleTimeCv is required with handleTimeDistribution lognormal` });
    if (q.handleTimeCv !== undefined && q.handleTimeDistribution !== 'lognormal') out.push({ field: `${at}handleTimeCv`, rule: 'onlyForLognormal', message: `${at}handleTimeCv applies to the lognormal distribution only` });
  });
  if ((input.warmupIntervals ?? 0) >= length) out.push({ field: 'warmupIntervals', rule: 'lessThanIntervals', message: `warmupIntervals must be fewer than the ${length} intervals` });
  if (contacts > L.maxSimulationContacts) out.push({ field: 'queues', rule: 'maxContacts', message: `the volumes add up to ${Math.round(contacts)} expected contacts; at most ${L.maxSimulationContacts} are allowed` });
  let agents = input.agents?.length ?? 0;
  const agentIds = new Set<string>();
  (input.agents ?? []).forEach((a, i) => {
    if (agentIds.has(a.id)) out.push({ field: `agents[${i}].id`, rule: 'unique', message: `agents[${i}].id "${a.id}" is used by an earlier agent` });
    agentIds.add(a.id);
  });
  const staffed = new Set<string>();
  (input.staffing ?? []).forEach((s, i) => {
    const at = `staffing[${i}].`;
    const q = input.queues.find((x) => x.id === s.queueId);
    if (!q) out.push({ field: `${at}queueId`, rule: 'exists', message: `${at}queueId "${s.queueId}" is not a queue of the request` });
    if (staffed.has(s.queueId)) out.push({ field: `${at}queueId`, rule: 'unique', message: `${at}queueId "${s.queueId}" is staffed by an earlier entry` });
    staffed.add(s.queueId);
    if (s.agents.length !== length) out.push({ field: `${at}agents`, rule: 'sameLength', message: `${at}agents has ${s.agents.length} intervals; the volumes have ${length}` });
    if (s.concurrency !== undefined && q?.channel === 'phone' && s.concurrency !== 1) out.push({ field: `${at}concurrency`, rule: 'phoneIsOne', message: `${at}concurrency must be 1 for a phone queue` });
    agents += s.agents.reduce((a, b) => Math.max(a, b), 0);
  });
  if (agents === 0) out.push({ field: 'agents', rule: 'required', message: 'give agents, staffing counts, or both: at least one agent' });
  if (agents > L.maxSimulationAgents) out.push({ field: 'agents', rule: 'maxAgents', message: `${agents} agents (explicit plus the peak count of each staffing entry); at most ${L.maxSimulationAgents} are allowed` });
  else if (contacts * agents > L.maxSimulationWork) out.push({ field: 'queues', rule: 'maxWork', message: `expected contacts × agents is ${Math.round(contacts * agents)}; at most ${L.maxSimulationWork} are allowed` });
  return out;
}

/**
 * Counts per interval → agents: agent k is logged in during the intervals whose count exceeds k
 * (one shift per run of such intervals), with exactly the queue's skills and capacity for its channel.
 */
function expandCounts(counts: readonly number[], q: SimulationRequestDto['queues'][number], concurrency: number, start: Date, intervalSeconds: number, taken: Set<string>): SimAgent[] {
  const peak = counts.reduce((a, b) => Math.max(a, b), 0);
  const at = (i: number) => new Date(start.getTime() + i * intervalSeconds * 1000);
  const skills: Record<string, number> = { [`lang:${q.language ?? 'fi'}`]: 5 };
  for (const s of q.requiredSkills ?? []) skills[s.skill] = Math.max(skills[s.skill] ?? 0, s.minProficiency);
  const capacity = { phone: 0, chat: 0, email: 0, [q.channel]: q.channel === 'phone' ? 1 : concurrency };
  const out: SimAgent[] = [];
  for (let k = 0; k < peak; k++) {
    const shifts: SimShift[] = [];
    let from = -1;
    for (let i = 0; i <= counts.length; i++) {
      const on = i < counts.length && (counts[i] as number) > k;
      if (on && from < 0) from = i;
      if (!on && from >= 0) {
        shifts.push({ start: at(from), end: at(i) });
        from = -1;
      }
    }
    let id = `${q.id}#${k + 1}`;
    while (taken.has(id)) id += '_';
    taken.add(id);
    out.push({ id, departmentId: DEPARTMENT, skills, capacity, shifts });
  }
  return out;
}

function contactStats(s: ContactStats): SimStatsDto {
  return {
    offered: s.offered,
    answered: s.answered,
    abandoned: s.abandoned,
    waitingAtEnd: s.waitingAtEnd,
    answeredWithinTarget: s.answeredWithinTarget,
    serviceLevel: s.serviceLevel === null ? null : round(s.serviceLevel),
    asa: s.asa === null ? null : round(s.asa, 3),
    abandonment: s.abandonment === null ? null : round(s.abandonment),
  };
}

function channelStats(s: ChannelStats): SimChannelStatsDto {
  return { ...contactStats(s), occupancy: s.occupancy === null ? null : round(s.occupancy) };
}
