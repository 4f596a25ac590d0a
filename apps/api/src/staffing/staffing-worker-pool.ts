/**
 * The worker-thread pool of the CPU-heavy staffing operations (a simulated day, a requirements
 * horizon): the generic pool of `common/worker-pool.ts` with the staffing worker
 * (`staffing.worker.ts`) and its failures mapped back to the libraries' own error classes
 * (`SimulationInputError`, `StaffingInputError`), so callers map them as if run in-process.
 */
import { SimulationInputError } from '../../../../libs/simulation/src/index.js';
import { StaffingInputError } from '../../../../libs/staffing/src/index.js';
import { WorkerPool, WorkerPoolBusyError, WorkerTimeoutError, internalError, workerEntry as entryNextTo, type WorkerEntry, type WorkerPoolOptions } from '../common/worker-pool.js';
import type { StaffingTask, TaskResult, WorkerFailure } from './staffing-worker-protocol.js';

export type StaffingPoolOptions = WorkerPoolOptions;
export { WorkerTimeoutError as StaffingTimeoutError, WorkerPoolBusyError as StaffingPoolBusyError };

/** How to start a staffing worker thread from wherever this module was loaded. */
export function workerEntry(moduleUrl: string = import.meta.url): WorkerEntry {
  return entryNextTo('staffing.worker', moduleUrl);
}

export class StaffingWorkerPool extends WorkerPool<StaffingTask, WorkerFailure> {
  constructor(options: StaffingPoolOptions) {
    super(workerEntry(), options, failure, 'staffing');
  }

  /** Runs the task in a worker thread; rejects on input errors, time-out, a full pool or a crash. */
  run<T extends StaffingTask>(task: T, timeoutMs?: number): Promise<TaskResult<T>> {
    return this.runTask(task, timeoutMs) as Promise<TaskResult<T>>;
  }
}

function failure(error: WorkerFailure): Error {
  switch (error.kind) {
    case 'simulation-input':
      return new SimulationInputError(error.field, error.rule);
    case 'staffing-input':
      return new StaffingInputError(error.field, error.rule);
    case 'internal':
      return internalError(error, 'staffing');
  }
}
