/**
 * Monte-Carlo simulation of a single M/M/n+M queue (Erlang A; infinite patience gives Erlang C),
 * used to check the exact formulas and, later, to check plans. Event-driven on the continuous-time
 * Markov chain: next event after Exp(λ + busy·μ + waiting·θ); an abandonment removes a uniformly
 * chosen waiting caller (exact, because patience is exponential and memoryless). Callers are served
 * first-come first-served and each one's outcome (answered and when, or abandoned) is recorded.
 */
import { requireInteger, requireNonNegative, requirePositive } from './errors.js';
import { createRandom } from './random.js';

export interface QueueSimulationInput {
  arrivalRatePerSecond: number;
  ahtSeconds: number;
  agents: number;
  /** Mean patience in seconds; Infinity for callers who never hang up. */
  patienceSeconds: number;
  thresholdSeconds: number;
  /** Callers whose outcome is counted. */
  arrivals: number;
  /** Callers simulated first and not counted (to start from a typical state); default arrivals/10. */
  warmupArrivals?: number;
  seed: number;
}

export interface QueueSimulationResult {
  counted: number;
  serviceLevel: number;
  abandonment: number;
  /** Mean wait of answered callers. */
  asa: number;
  /** Mean time in queue of all callers. */
  meanWait: number;
}

export function simulateQueue(input: QueueSimulationInput): QueueSimulationResult {
  const lambda = requirePositive('arrivalRatePerSecond', input.arrivalRatePerSecond);
  const mu = 1 / requirePositive('ahtSeconds', input.ahtSeconds);
  const agents = requireInteger('agents', input.agents, 1);
  const theta = input.patienceSeconds === Infinity ? 0 : 1 / requirePositive('patienceSeconds', input.patienceSeconds);
  const threshold = requireNonNegative('thresholdSeconds', input.thresholdSeconds);
  const counted = requireInteger('arrivals', input.arrivals, 1);
  const warmup = requireInteger('warmupArrivals', input.warmupArrivals ?? Math.floor(counted / 10), 0);
  const random = createRandom(input.seed);

  const total = warmup + counted;
  const queueArrival: number[] = []; // arrival times of waiting callers, FIFO
  const queueId: number[] = [];
  let busy = 0;
  let now = 0;
  let arrived = 0;
  let inTime = 0;
  let abandoned = 0;
  let answered = 0;
  let answeredWait = 0;
  let totalWait = 0;

  const record = (id: number, wait: number, wasAnswered: boolean) => {
    if (id < warmup) return;
    totalWait += wait;
    if (wasAnswered) {
      answered++;
      answeredWait += wait;
      if (wait <= threshold) inTime++;
    } else {
      abandoned++;
    }
  };

  while (arrived < total || queueArrival.length > 0) {
    const arrivalRate = arrived < total ? lambda : 0;
    const serviceRate = busy * mu;
    const abandonRate = queueArrival.length * theta;
    const rate = arrivalRate + serviceRate + abandonRate;
    now += -Math.log(1 - random()) / rate;
    const u = random() * rate;
    if (u < arrivalRate) {
      const id = arrived++;
      if (busy < agents) {
        busy++;
        record(id, 0, true);
      } else {
        queueArrival.push(now);
        queueId.push(id);
      }
    } else if (u < arrivalRate + serviceRate) {
      if (queueArrival.length > 0) {
        const at = queueArrival.shift() as number;
        const id = queueId.shift() as number;
        record(id, now - at, true);
      } else {
        busy--;
      }
    } else {
      const index = Math.min(queueArrival.length - 1, Math.floor(random() * queueArrival.length));
      const at = queueArrival.splice(index, 1)[0] as number;
      const id = queueId.splice(index, 1)[0] as number;
      record(id, now - at, false);
    }
  }
  return {
    counted,
    serviceLevel: inTime / counted,
    abandonment: abandoned / counted,
    asa: answered > 0 ? answeredWait / answered : 0,
    meanWait: totalWait / counted,
  };
}
