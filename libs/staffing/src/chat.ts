/**
 * Chat staffing with concurrency.
 *
 * Model: an agent who handles up to c chats at once is c "slots". Working on several chats at once
 * makes each one last longer: aht(c) = aht₁ · (1 + g·(c − 1)), where aht₁ is the handle time of a
 * chat handled alone and g ≥ 0 the slowdown per extra concurrent chat (g = 0: no slowdown; g = 1:
 * no gain from concurrency at all). The router gives a new chat to any agent with a free slot, so
 * the slots form one pool of servers with exponential handle time aht(c): an M/M/s queue, solved by
 * Erlang C on slots for the chat service-level target (e.g. 80 % answered within 60 s). Then
 * agents = ⌈slots / c⌉, and the reported service level, ASA and occupancy are those of the
 * agents·c slots actually provided. Occupancy is per slot (how full the agents' chat capacity is).
 *
 * Simplifications (documented, deliberate): all agents run at the same concurrency c, every slot
 * slows equally whether or not the agent's other slots are busy (pessimistic at low occupancy), and
 * chat customers are treated as patient (Erlang C). `bestChatConcurrency` tries c = 1..max and
 * returns the concurrency needing the fewest agents.
 */
import { checkMaxAgents, erlangBUnchecked } from './erlang-b.js';
import { type ErlangCResult, type ServiceTarget, erlangCFromB, searchErlangC, validateTarget } from './erlang-c.js';
import { type ArrivalInput, requireFraction, requireInteger, requireNonNegative, requirePositive, resolveArrivalRate } from './errors.js';

export interface ChatRequirementInput extends ArrivalInput {
  /** Handle time of one chat when the agent handles only that chat, seconds. */
  ahtSeconds: number;
  /** Chats one agent handles at once (integer ≥ 1). */
  concurrency: number;
  /** g in aht(c) = aht₁·(1 + g·(c − 1)); default 0. */
  concurrencySlowdown?: number;
  target: ServiceTarget;
  /** Optional cap on slot occupancy. */
  maxOccupancy?: number;
  maxAgents?: number;
}

export interface ChatPerformanceInput extends ArrivalInput {
  ahtSeconds: number;
  concurrency: number;
  concurrencySlowdown?: number;
  agents: number;
  thresholdSeconds?: number;
}

export interface ChatResult {
  agents: number;
  concurrency: number;
  /** agents × concurrency. */
  slots: number;
  /** aht(c), seconds. */
  stretchedAhtSeconds: number;
  /** λ·aht(c): the load in slot-Erlangs. */
  offeredLoad: number;
  /** The offered load expressed in agents: λ·aht(c)/c (fractional FTE, before any queueing margin). */
  workloadAgents: number;
  probabilityOfWaiting: number;
  serviceLevel: number;
  asa: number;
  /** Share of slots busy. */
  occupancy: number;
  stable: boolean;
}

/** aht(c) = aht₁ · (1 + g·(c − 1)). */
export function stretchedChatAht(ahtSeconds: number, concurrency: number, slowdown = 0): number {
  requirePositive('ahtSeconds', ahtSeconds);
  requireInteger('concurrency', concurrency, 1);
  requireNonNegative('concurrencySlowdown', slowdown);
  return ahtSeconds * (1 + slowdown * (concurrency - 1));
}

function toChatResult(agents: number, concurrency: number, aht: number, c: ErlangCResult): ChatResult {
  return {
    agents,
    concurrency,
    slots: agents * concurrency,
    stretchedAhtSeconds: aht,
    offeredLoad: c.offeredLoad,
    workloadAgents: c.offeredLoad / concurrency,
    probabilityOfWaiting: c.probabilityOfWaiting,
    serviceLevel: c.serviceLevel,
    asa: c.asa,
    occupancy: c.occupancy,
    stable: c.stable,
  };
}

/** Chat performance of a given number of agents at a given concurrency. */
export function chatPerformance(input: ChatPerformanceInput): ChatResult {
  const rate = resolveArrivalRate(input);
  const aht = stretchedChatAht(input.ahtSeconds, input.concurrency, input.concurrencySlowdown ?? 0);
  const agents = requireInteger('agents', input.agents, 0);
  const threshold = requireNonNegative('thresholdSeconds', input.thresholdSeconds ?? 0);
  const load = rate * aht;
  const slots = agents * input.concurrency;
  return toChatResult(agents, input.concurrency, aht, erlangCFromB(slots, load, erlangBUnchecked(slots, load), aht, threshold));
}

/** Internal, unvalidated: agents for a chat queue. */
export function solveChat(rate: number, aht1: number, concurrency: number, slowdown: number, target: ServiceTarget, maxOccupancy: number, maxAgents: number): ChatResult {
  const aht = aht1 * (1 + slowdown * (concurrency - 1));
  const load = rate * aht;
  const slotsNeeded = searchErlangC(load, aht, target, maxOccupancy, maxAgents * concurrency).agents;
  const agents = Math.ceil(slotsNeeded / concurrency);
  const slots = agents * concurrency;
  const metrics = erlangCAt(slots, load, aht, target.thresholdSeconds);
  return toChatResult(agents, concurrency, aht, metrics);
}

function erlangCAt(slots: number, load: number, aht: number, threshold: number): ErlangCResult {
  return erlangCFromB(slots, load, erlangBUnchecked(slots, load), aht, threshold);
}

function validateChat(input: ChatRequirementInput) {
  const rate = resolveArrivalRate(input);
  const aht1 = requirePositive('ahtSeconds', input.ahtSeconds);
  const slowdown = requireNonNegative('concurrencySlowdown', input.concurrencySlowdown ?? 0);
  const target = validateTarget(input.target);
  const maxOccupancy = input.maxOccupancy === undefined ? 1 : requireFraction('maxOccupancy', input.maxOccupancy);
  return { rate, aht1, slowdown, target, maxOccupancy, maxAgents: checkMaxAgents(input.maxAgents) };
}

/** The smallest number of chat agents meeting the target at the given concurrency. */
export function chatAgents(input: ChatRequirementInput): ChatResult {
  const v = validateChat(input);
  const concurrency = requireInteger('concurrency', input.concurrency, 1);
  return solveChat(v.rate, v.aht1, concurrency, v.slowdown, v.target, v.maxOccupancy, v.maxAgents);
}

/** Tries concurrency 1..maxConcurrency and returns the one needing the fewest agents (lowest c on ties). */
export function bestChatConcurrency(input: Omit<ChatRequirementInput, 'concurrency'> & { maxConcurrency: number }): ChatResult {
  const v = validateChat({ ...input, concurrency: 1 });
  const max = requireInteger('maxConcurrency', input.maxConcurrency, 1);
  let best: ChatResult | undefined;
  for (let c = 1; c <= max; c++) {
    const r = solveChat(v.rate, v.aht1, c, v.slowdown, v.target, v.maxOccupancy, v.maxAgents);
    if (best === undefined || r.agents < best.agents) best = r;
  }
  return best as ChatResult;
}
