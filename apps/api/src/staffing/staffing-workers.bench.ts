/**
 * What the worker threads buy the API: the event loop's longest stall while a large simulation
 * (busy day × 10, about 50,000 contacts) runs in-process versus in a staffing worker thread, and
 * the cost of the round trip for a small task. `main()` prints the figures.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { busyDayScenario, simulate } from '../../../../libs/simulation/src/index.js';
import { StaffingWorkerPool } from './staffing-worker-pool.js';

async function stall<T>(work: () => Promise<T> | T): Promise<{ ms: number; maxStallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20));
  h.disable();
  return { ms, maxStallMs: h.max / 1e6 };
}

export async function main(): Promise<void> {
  const pool = new StaffingWorkerPool({ workers: 1, maxQueued: 1, timeoutMs: 120_000 });
  try {
    const input = busyDayScenario({ seed: 4, volumeScale: 10 });
    const inProcess = await stall(() => simulate(input));
    const inWorker = await stall(() => pool.run({ kind: 'simulate', input }));
    const small = busyDayScenario({ seed: 4, volumeScale: 0.1 });
    await pool.run({ kind: 'simulate', input: small });
    const t0 = performance.now();
    await pool.run({ kind: 'simulate', input: small });
    const roundTrip = performance.now() - t0;
    const t1 = performance.now();
    simulate(small);
    const direct = performance.now() - t1;
    console.log(
      `staffing worker thread: large simulation (busy day × 10) ${inProcess.ms.toFixed(0)} ms in-process → event loop stalled up to ${inProcess.maxStallMs.toFixed(0)} ms; ` +
        `in a worker ${inWorker.ms.toFixed(0)} ms → longest stall ${inWorker.maxStallMs.toFixed(1)} ms; small task ${roundTrip.toFixed(1)} ms via the worker vs ${direct.toFixed(1)} ms in-process`,
    );
  } finally {
    await pool.close();
  }
}
