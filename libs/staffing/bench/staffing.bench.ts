/**
 * Timing of `computeRequirements` on a realistic horizon: one week of 15-minute intervals
 * (7 × 96 = 672) × 10 queues × 3 channels = 20,160 queue-intervals, with a daily arrival curve, opening
 * hours 08:00–20:00 on weekdays and 10:00–16:00 at weekends, shrinkage, Erlang A on half the phone
 * queues. Plain `performance.now()` loops; `main()` prints the figures and returns them.
 * Product target: ≤ 50 ms per call for this size.
 */
import { performance } from 'node:perf_hooks';
import { computeRequirements, type Horizon, type QueueSpec } from '../src/index.js';
import { createRandom } from '../src/random.js';

export interface BenchFigures {
  items: number;
  runs: number;
  coldMs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  totalAgentIntervals: number;
}

/** A reproducible week for `queues` queues per channel. */
export function weekHorizon(queuesPerChannel = 10, seed = 1): Horizon {
  const random = createRandom(seed);
  const intervalSeconds = 900;
  const days = 7;
  const perDay = 96;
  const open: boolean[] = [];
  const shape: number[] = [];
  for (let d = 0; d < days; d++) {
    const weekend = d >= 5;
    for (let i = 0; i < perDay; i++) {
      const hour = i / 4;
      const isOpen = weekend ? hour >= 10 && hour < 16 : hour >= 8 && hour < 20;
      open.push(isOpen);
      // Morning and early-afternoon peaks.
      const curve = Math.exp(-((hour - 10.5) ** 2) / 4) + 0.7 * Math.exp(-((hour - 14) ** 2) / 5) + 0.15;
      shape.push(isOpen ? curve * (weekend ? 0.4 : 1) : 0);
    }
  }
  const queues: QueueSpec[] = [];
  for (let q = 0; q < queuesPerChannel; q++) {
    const scale = 5 + 120 * random();
    const noisy = () => shape.map((s) => Math.round(s * scale * (0.85 + 0.3 * random())));
    queues.push({
      id: `phone-${q}`,
      channel: 'phone',
      volumes: noisy(),
      ahtSeconds: 150 + 150 * random(),
      open,
      shrinkage: 0.3,
      target: { serviceLevel: 0.9, thresholdSeconds: 30 },
      ...(q % 2 === 0 ? { patienceSeconds: 60 + 240 * random() } : {}),
    });
    queues.push({
      id: `chat-${q}`,
      channel: 'chat',
      volumes: noisy().map((v) => Math.round(v / 3)),
      ahtSeconds: 400,
      concurrency: 3,
      concurrencySlowdown: 0.25,
      open,
      shrinkage: 0.3,
      target: { serviceLevel: 0.8, thresholdSeconds: 60 },
    });
    queues.push({
      id: `email-${q}`,
      channel: 'email',
      volumes: noisy().map((v) => Math.round(v / 2)),
      ahtSeconds: 420,
      deadlineSeconds: 2 * 12 * 3600,
      open,
      shrinkage: 0.3,
    });
  }
  return { intervalSeconds, queues };
}

/** The same week with each phone/chat/email trio answered by one blended pool (10 pools). */
export function weekHorizonWithPools(queuesPerChannel = 10, seed = 1): Horizon {
  const horizon = weekHorizon(queuesPerChannel, seed);
  return {
    ...horizon,
    pools: Array.from({ length: queuesPerChannel }, (_, q) => ({ id: `pool-${q}`, queueIds: [`phone-${q}`, `chat-${q}`, `email-${q}`], shrinkage: 0.3 })),
  };
}

function timeRuns(horizon: Horizon, runs: number): { coldMs: number; times: number[] } {
  let start = performance.now();
  computeRequirements(horizon);
  const coldMs = performance.now() - start;
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    start = performance.now();
    computeRequirements(horizon);
    times.push(performance.now() - start);
  }
  return { coldMs, times: times.sort((a, b) => a - b) };
}

export async function main(runs = 20): Promise<BenchFigures> {
  const horizon = weekHorizon();
  const items = horizon.queues.reduce((s, q) => s + q.volumes.length, 0);
  let start = performance.now();
  const first = computeRequirements(horizon);
  const coldMs = performance.now() - start;
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    start = performance.now();
    computeRequirements(horizon);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const totalAgentIntervals = first.queues.reduce((s, q) => s + q.intervals.reduce((t, i) => t + i.agents, 0), 0);
  const figures: BenchFigures = {
    items,
    runs,
    coldMs,
    medianMs: times[Math.floor(times.length / 2)] as number,
    minMs: times[0] as number,
    maxMs: times[times.length - 1] as number,
    totalAgentIntervals,
  };
  console.log(
    `computeRequirements: ${items} queue-intervals; first call ${coldMs.toFixed(1)} ms; ` +
      `${runs} runs median ${figures.medianMs.toFixed(1)} ms (min ${figures.minMs.toFixed(1)}, max ${figures.maxMs.toFixed(1)}); ` +
      `target <= 50 ms; ${totalAgentIntervals} agent-intervals required`,
  );
  const pooled = weekHorizonWithPools();
  const p = timeRuns(pooled, runs);
  const result = computeRequirements(pooled);
  const poolHours = (key: 'agents' | 'separateAgents') => (result.pools ?? []).reduce((s, pool) => s + pool.intervals.reduce((t, i) => t + i[key], 0), 0) / 4;
  console.log(
    `computeRequirements with 10 blended pools (phone+chat+email each, email level): first call ${p.coldMs.toFixed(1)} ms; ` +
      `${runs} runs median ${(p.times[Math.floor(runs / 2)] as number).toFixed(1)} ms (min ${(p.times[0] as number).toFixed(1)}); ` +
      `pooled ${poolHours('agents').toFixed(0)} agent-hours vs ${poolHours('separateAgents').toFixed(0)} separately`,
  );
  return figures;
}
