/**
 * Worker-thread entry of the staffing pool (see `staffing-worker-pool.ts`): runs the CPU-heavy
 * staffing tasks — a simulated day, a whole requirements horizon — off the API's event loop.
 * Framework-free: it loads only libs/simulation and libs/staffing. One task at a time; the pool
 * terminates the thread when a task overruns its time limit.
 */
import { parentPort } from 'node:worker_threads';
import { SimulationInputError, simulate } from '../../../../libs/simulation/src/index.js';
import { StaffingInputError, computeRequirements } from '../../../../libs/staffing/src/index.js';
import type { WorkerReply, WorkerRequest } from './staffing-worker-protocol.js';

function reply(message: WorkerReply): void {
  parentPort?.postMessage(message);
}

parentPort?.on('message', (request: WorkerRequest) => {
  try {
    if (request.task.kind === 'simulate') reply({ id: request.id, ok: true, kind: 'simulate', result: simulate(request.task.input) });
    else reply({ id: request.id, ok: true, kind: 'horizon', result: computeRequirements(request.task.input) });
  } catch (error) {
    if (error instanceof SimulationInputError) reply({ id: request.id, ok: false, error: { kind: 'simulation-input', field: error.field, rule: error.rule } });
    else if (error instanceof StaffingInputError) reply({ id: request.id, ok: false, error: { kind: 'staffing-input', field: error.parameter, rule: error.rule } });
    else {
      const e = error instanceof Error ? error : new Error(String(error));
      reply({ id: request.id, ok: false, error: { kind: 'internal', name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } });
    }
  }
});
