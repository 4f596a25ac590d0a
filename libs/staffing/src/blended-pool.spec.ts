import { emailRequirements } from './email-backlog.js';
import { computeRequirements, type Horizon, type QueueSpec } from './requirements.js';

const L = 1800;
const phoneTarget = { serviceLevel: 0.8, thresholdSeconds: 20 };

/** A day of 30-minute intervals 08:00–16:00: phone with a morning peak, chat, and email. */
function day(): QueueSpec[] {
  const phone = [40, 90, 120, 100, 80, 60, 70, 90, 80, 60, 40, 30, 25, 20, 15, 10];
  return [
    { id: 'phone', channel: 'phone', volumes: phone, ahtSeconds: 180, target: phoneTarget },
    { id: 'chat', channel: 'chat', volumes: phone.map((v) => v / 4), ahtSeconds: 400, concurrency: 2, concurrencySlowdown: 0.2, target: { serviceLevel: 0.8, thresholdSeconds: 60 } },
    { id: 'email', channel: 'email', volumes: [60, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10], ahtSeconds: 420, deadlineSeconds: 4 * 3600 },
  ];
}

/** Independent check: fluid EDF with `capacity[t]` seconds; every email due in the horizon met? */
function meetsDeadlines(arrivals: readonly number[], aht: number, window: number, capacity: readonly number[]): boolean {
  const chunks: Array<{ work: number; deadline: number }> = [];
  for (let t = 0; t < arrivals.length; t++) {
    if ((arrivals[t] as number) > 0) chunks.push({ work: (arrivals[t] as number) * aht, deadline: t + window - 1 });
    let c = capacity[t] as number;
    for (const chunk of chunks) {
      const done = Math.min(chunk.work, c);
      chunk.work -= done;
      c -= done;
    }
    if (chunks.some((chunk) => chunk.deadline === t && chunk.work > 1e-6)) return false;
  }
  return true;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('a blended pool answering phone, chat and email with the same agents', () => {
  const queues = day();
  const horizon: Horizon = { intervalSeconds: L, queues, pools: [{ id: 'frontline', queueIds: ['phone', 'chat', 'email'] }] };
  const r = computeRequirements(horizon);
  const pool = r.pools?.[0];
  const [phone, chat, email] = r.queues;

  it('keeps the phone and chat requirements and adds email only beyond their usable idle time', () => {
    expect(pool?.id).toBe('frontline');
    pool?.intervals.forEach((p, t) => {
      expect(p.interactiveAgents).toBe((phone?.intervals[t]?.agents as number) + (chat?.intervals[t]?.agents as number));
      expect(p.agents).toBe(p.interactiveAgents + p.emailAgents);
      expect(p.separateAgents).toBe(p.interactiveAgents + (email?.intervals[t]?.agents as number));
      // Idle time: n·(1 − occupancy)·L of each phone/chat queue, 80 % of it usable.
      const idle = [phone, chat].reduce((s, q) => s + (q?.intervals[t]?.agents as number) * (1 - (q?.intervals[t]?.occupancy as number)) * L, 0);
      expect(p.usableIdleSeconds).toBeCloseTo(0.8 * idle, 6);
      expect(p.emailWorkInIdleSeconds).toBeLessThanOrEqual(p.usableIdleSeconds + 1e-6);
    });
  });

  it('needs fewer agents than the queues staffed separately, and still meets every email deadline', () => {
    const pooled = sum(pool?.intervals.map((p) => p.agents) ?? []);
    const separate = sum(pool?.intervals.map((p) => p.separateAgents) ?? []);
    expect(pooled).toBeLessThan(separate);
    pool?.intervals.forEach((p) => expect(p.agents).toBeLessThanOrEqual(p.separateAgents));
    // Email capacity = usable idle time + the added email agents' time; checked by an independent EDF.
    const capacity = pool?.intervals.map((p) => p.usableIdleSeconds + p.emailAgents * L) ?? [];
    const mail = queues[2] as QueueSpec;
    expect(meetsDeadlines(mail.volumes, 420, 8, capacity)).toBe(true);
    // One email agent fewer in every interval that has any would miss a deadline (level: constant).
    const fewer = pool?.intervals.map((p) => p.usableIdleSeconds + Math.max(0, p.emailAgents - 1) * L) ?? [];
    if (Math.max(...(pool?.intervals.map((p) => p.emailAgents) ?? [0])) > 0) expect(meetsDeadlines(mail.volumes, 420, 8, fewer)).toBe(false);
  });

  it('with no usable idle time the pool is exactly the separate sum (same email policy)', () => {
    const none = computeRequirements({ ...horizon, pools: [{ id: 'p', queueIds: ['phone', 'chat', 'email'], idleUsableShare: 0 }] });
    none.pools?.[0]?.intervals.forEach((p) => {
      expect(p.emailWorkInIdleSeconds).toBe(0);
      expect(p.agents).toBe(p.separateAgents);
    });
  });

  it('a phone-heavy pool can answer all email in the phone queue\'s idle time', () => {
    const mail = emailRequirements({ intervalSeconds: L, arrivals: [5, 5, 5, 5], ahtSeconds: 300, deadlineSeconds: 2 * L });
    expect(sum(mail.intervals.map((i) => i.agents))).toBeGreaterThan(0);
    const r2 = computeRequirements({
      intervalSeconds: L,
      queues: [
        { id: 'p', channel: 'phone', volumes: [100, 100, 100, 100], ahtSeconds: 180, target: phoneTarget },
        { id: 'e', channel: 'email', volumes: [5, 5, 5, 5], ahtSeconds: 300, deadlineSeconds: 2 * L },
      ],
      pools: [{ id: 'blend', queueIds: ['p', 'e'] }],
    });
    // 14 phone agents carry 10 Erlangs: 4 × 1800 s × 0.8 idle per interval, far above 5 × 300 s of email.
    expect(r2.pools?.[0]?.intervals.map((p) => p.agents)).toEqual([14, 14, 14, 14]);
    expect(r2.pools?.[0]?.intervals.map((p) => p.emailAgents)).toEqual([0, 0, 0, 0]);
  });

  it('applies the pool\'s own shrinkage per interval', () => {
    const r3 = computeRequirements({ ...horizon, pools: [{ id: 'p', queueIds: ['phone', 'email'], shrinkage: queues[0]?.volumes.map((_, t) => (t < 8 ? 0.2 : 0.4)) as number[] }] });
    r3.pools?.[0]?.intervals.forEach((p, t) => expect(p.agentsWithShrinkage).toBe(Math.ceil(p.agents / (t < 8 ? 0.8 : 0.6) - 1e-9)));
  });

  it('names the pool field that breaks a rule', () => {
    expect(() => computeRequirements({ ...horizon, pools: [{ id: 'p', queueIds: ['phone', 'nope'] }] })).toThrow('pools[0].queueIds[1] must be the id of a queue ("nope" is not)');
    expect(() =>
      computeRequirements({
        ...horizon,
        pools: [
          { id: 'a', queueIds: ['phone'] },
          { id: 'b', queueIds: ['chat', 'phone'] },
        ],
      }),
    ).toThrow('pools[1].queueIds[1] must not be in two pools ("phone" is in "a")');
    expect(() => computeRequirements({ ...horizon, pools: [{ id: 'p', queueIds: ['phone'], idleUsableShare: 1.5 }] })).toThrow('pools[0].idleUsableShare');
    expect(() => computeRequirements({ ...horizon, pools: [{ id: 'p', queueIds: ['phone'], shrinkage: [0.1] }] })).toThrow('pools[0].shrinkage must be a number or an array as long as the volumes');
  });
});
