/** Builders for the simulation specs. Not part of the public API. */
import type { Queue } from '../../routing/src/index.js';
import type { SimAgent, SimulationInput } from './model.js';

export const START = new Date('2025-03-10T00:00:00Z');

export function at(seconds: number): Date {
  return new Date(START.getTime() + seconds * 1000);
}

export function phoneQueue(id = 'q', over: Partial<Queue> = {}): Queue {
  return {
    id,
    departmentId: 'd',
    channel: 'phone',
    requiredSkills: [],
    language: 'fi',
    serviceTarget: { percent: 80, seconds: 20, basis: 'elapsed' },
    ...over,
  };
}

export function simAgent(id: string, from: number, to: number, over: Partial<SimAgent> = {}): SimAgent {
  return {
    id,
    departmentId: 'd',
    skills: { 'lang:fi': 5 },
    capacity: { phone: 1, chat: 0, email: 0 },
    shifts: [{ start: at(from), end: at(to) }],
    ...over,
  };
}

/**
 * One stationary phone queue: `callsPerHalfHour` Poisson calls per 30 minutes for `hours` hours,
 * exponential handle time, `agents` identical agents all the time, optional exponential patience.
 */
export function singleQueue(opts: {
  agents: number;
  callsPerHalfHour: number;
  ahtSeconds: number;
  thresholdSeconds: number;
  patienceSeconds?: number;
  hours: number;
  seed: number;
  warmupIntervals?: number;
}): SimulationInput {
  const intervals = opts.hours * 2;
  const end = intervals * 1800;
  return {
    start: START,
    intervalSeconds: 1800,
    intervals,
    queues: [
      {
        queue: phoneQueue('q', { serviceTarget: { percent: 80, seconds: opts.thresholdSeconds, basis: 'elapsed' } }),
        volumes: new Array<number>(intervals).fill(opts.callsPerHalfHour),
      },
    ],
    agents: Array.from({ length: opts.agents }, (_, i) => simAgent(`a${i}`, 0, end)),
    handleTime: { phone: { meanSeconds: opts.ahtSeconds } },
    ...(opts.patienceSeconds !== undefined ? { patience: { phone: { meanSeconds: opts.patienceSeconds } } } : {}),
    seed: opts.seed,
    warmupIntervals: opts.warmupIntervals ?? 2,
  };
}
