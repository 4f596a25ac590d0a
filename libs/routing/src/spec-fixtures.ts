/** Builders for the routing specs (frozen clock, plain data). Not part of the public API. */
import type { Agent, Contact, Queue } from './model.js';

export const NOW = new Date('2025-03-12T10:00:00+02:00'); // a Wednesday, office open

export function secondsBefore(now: Date, seconds: number): Date {
  return new Date(now.getTime() - seconds * 1000);
}

export function agent(id: string, over: Partial<Agent> = {}): Agent {
  return {
    id,
    departmentId: 'collections',
    state: 'available',
    skills: { 'lang:fi': 5, 'topic:payments': 4 },
    capacity: { phone: 1, chat: 3, email: 5 },
    load: { phone: 0, chat: 0, email: 0 },
    idleSince: secondsBefore(NOW, 60),
    ...over,
  };
}

export function queue(id: string, over: Partial<Queue> = {}): Queue {
  const channel = over.channel ?? 'phone';
  const target =
    channel === 'phone'
      ? { percent: 90, seconds: 30, basis: 'elapsed' as const }
      : channel === 'chat'
        ? { percent: 90, seconds: 60, basis: 'elapsed' as const }
        : { percent: 90, seconds: 8 * 3600, basis: 'elapsed' as const };
  return {
    id,
    departmentId: 'collections',
    channel,
    requiredSkills: [{ skill: 'topic:payments', minProficiency: 3 }],
    language: 'fi',
    serviceTarget: target,
    ...over,
  };
}

export function contact(id: string, q: Queue, waitedSeconds: number, over: Partial<Contact> = {}): Contact {
  return {
    id,
    channel: q.channel,
    queueId: q.id,
    arrivedAt: secondsBefore(NOW, waitedSeconds),
    customerRef: `cust-${id}`,
    ...over,
  };
}

/** Deterministic PRNG (mulberry32) for property-style specs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
