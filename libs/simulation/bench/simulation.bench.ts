/**
 * Throughput of the simulator on a busy day (`busyDayScenario`: 100 agents + 5 lent, 9 queues,
 * about 5,000 contacts, every routing decision by libs/routing). Plain `performance.now()` timing;
 * `main()` prints simulated contacts per second and returns the figures.
 */
import { performance } from 'node:perf_hooks';
import { busyDayScenario, simulate } from '../src/index.js';

export interface SimulationBenchFigures {
  runs: number;
  contactsPerRun: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  contactsPerSecond: number;
  routingCallsPerRun: number;
  eventsPerRun: number;
}

export async function main(runs = 7): Promise<SimulationBenchFigures> {
  simulate(busyDayScenario({ seed: 0 })); // warm-up (JIT)
  const times: number[] = [];
  let contacts = 0;
  let routingCalls = 0;
  let events = 0;
  for (let i = 1; i <= runs; i++) {
    const input = busyDayScenario({ seed: i });
    const t0 = performance.now();
    const r = simulate(input);
    times.push(performance.now() - t0);
    contacts += r.contactsArrived;
    routingCalls += r.routingCalls;
    events += r.eventsProcessed;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const total = times.reduce((a, b) => a + b, 0);
  const figures: SimulationBenchFigures = {
    runs,
    contactsPerRun: Math.round(contacts / runs),
    medianMs: sorted[Math.floor(runs / 2)] as number,
    minMs: sorted[0] as number,
    maxMs: sorted[runs - 1] as number,
    contactsPerSecond: Math.round((contacts / total) * 1000),
    routingCallsPerRun: Math.round(routingCalls / runs),
    eventsPerRun: Math.round(events / runs),
  };
  console.log(
    `simulation: busy day (${figures.contactsPerRun} contacts, 105 agents, 9 queues) ` +
      `median ${figures.medianMs.toFixed(0)} ms (min ${figures.minMs.toFixed(0)}, max ${figures.maxMs.toFixed(0)}) over ${runs} runs; ` +
      `${figures.contactsPerSecond} simulated contacts/s; ${figures.routingCallsPerRun} routing calls and ${figures.eventsPerRun} events per day`,
  );
  return figures;
}
