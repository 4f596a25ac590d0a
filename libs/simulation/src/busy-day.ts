/**
 * A reproducible busy day for demos, specs and the benchmark: one collections department with
 * nine queues (phone, chat and email × Finnish, Swedish and English), 100 agents on staggered
 * shifts with lunch breaks (phone-only, phone + chat blended, chat + email), five agents of another
 * department lent to the phone queues over the midday peak, 15-minute intervals 08:00–20:00.
 * Roughly 5,000 contacts in a day (about 3,300 calls, 1,100 chats, 600 emails).
 */
import type { Queue } from '../../routing/src/index.js';
import { stream } from './distributions.js';
import type { SimAgent, SimQueue, SimulationInput } from './model.js';

export interface BusyDayOptions {
  seed?: number;
  /** Multiplies every volume (1 = about 5,000 contacts). */
  volumeScale?: number;
  /** Number of agents (default 100). */
  agents?: number;
  /** Record every contact (default false). */
  recordContacts?: boolean;
}

const LANGUAGES = [
  { code: 'fi', share: 0.7 },
  { code: 'sv', share: 0.2 },
  { code: 'en', share: 0.1 },
] as const;

/** Shape of a weekday 08:00–20:00 in 15-minute steps (morning peak, afternoon shoulder). */
function dayShape(intervals: number): number[] {
  const shape: number[] = [];
  for (let i = 0; i < intervals; i++) {
    const hour = 8 + (i + 0.5) / 4;
    shape.push(Math.exp(-((hour - 10.5) ** 2) / 3) + 0.7 * Math.exp(-((hour - 14) ** 2) / 4) + 0.2);
  }
  const sum = shape.reduce((a, b) => a + b, 0);
  return shape.map((s) => s / sum);
}

export function busyDayScenario(options: BusyDayOptions = {}): SimulationInput {
  const seed = options.seed ?? 1;
  const scale = options.volumeScale ?? 1;
  const agentCount = options.agents ?? 100;
  const start = new Date('2025-03-12T08:00:00+02:00');
  const intervalSeconds = 900;
  const intervals = 48;
  const at = (hours: number) => new Date(start.getTime() + hours * 3600 * 1000);
  const shape = dayShape(intervals);
  const dailyByChannel = { phone: 3300, chat: 1100, email: 600 } as const;
  const targets = {
    phone: { percent: 90, seconds: 30, basis: 'elapsed' as const },
    chat: { percent: 90, seconds: 60, basis: 'elapsed' as const },
    email: { percent: 90, seconds: 8 * 3600, basis: 'elapsed' as const },
  };
  const queues: SimQueue[] = [];
  for (const channel of ['phone', 'chat', 'email'] as const) {
    for (const lang of LANGUAGES) {
      const queue: Queue = {
        id: `${channel}-${lang.code}`,
        departmentId: 'collections',
        channel,
        requiredSkills: [{ skill: 'topic:collections', minProficiency: 3 }],
        language: lang.code,
        serviceTarget: targets[channel],
      };
      const daily = dailyByChannel[channel] * lang.share * scale;
      queues.push({ queue, volumes: shape.map((s) => s * daily) });
    }
  }
  const random = stream(seed, 1_000_000);
  const agents: SimAgent[] = [];
  for (let i = 0; i < agentCount; i++) {
    const kind = i % 10 < 5 ? 'phone' : i % 10 < 8 ? 'blended' : 'written';
    const u = random();
    const skills: Record<string, number> = { 'lang:fi': 5, 'topic:collections': 2 + Math.floor(random() * 4) };
    if (u < 0.35) skills['lang:sv'] = 5;
    if (u > 0.5) skills['lang:en'] = 4;
    if (i % 20 === 0) skills['lang:sv'] = 4;
    const capacity =
      kind === 'phone' ? { phone: 1, chat: 0, email: 0 } : kind === 'blended' ? { phone: 1, chat: 2, email: 0 } : { phone: 0, chat: 3, email: 5 };
    const shiftStart = [0, 0, 1, 2, 3, 4][i % 6] as number; // hours after 08:00
    const lunch = shiftStart + 3.5 + (i % 3) * 0.5;
    agents.push({
      id: `agent-${String(i).padStart(3, '0')}`,
      departmentId: 'collections',
      skills,
      capacity,
      shifts: [{ start: at(shiftStart), end: at(shiftStart + 8), breaks: [{ start: at(lunch), end: at(lunch + 0.5), reason: 'lunch' }] }],
    });
  }
  for (let i = 0; i < 5; i++) {
    agents.push({
      id: `lent-${i}`,
      departmentId: 'billing',
      skills: { 'lang:fi': 5, 'lang:sv': i === 0 ? 4 : 0 },
      capacity: { phone: 1, chat: 0, email: 0 },
      shifts: [{ start: at(1), end: at(7) }],
      lentTo: [{ departmentId: 'collections', queueIds: ['phone-fi', 'phone-sv'], from: at(2), to: at(5) }],
    });
  }
  return {
    start,
    intervalSeconds,
    intervals,
    queues,
    agents,
    handleTime: {
      phone: { meanSeconds: 300, distribution: 'lognormal', cv: 0.8 },
      chat: { meanSeconds: 600, distribution: 'lognormal', cv: 0.7 },
      email: { meanSeconds: 480 },
    },
    patience: { phone: { meanSeconds: 120 }, chat: { meanSeconds: 300 } },
    wrapUpSeconds: { phone: 30, chat: 10, email: 0 },
    dispersion: 0.05,
    seed,
    ...(options.recordContacts ? { recordContacts: true } : {}),
  };
}
