/**
 * A worker-thread entry for the worker pool's specs (apps/api/src/common/worker-pool.spec.ts): a
 * task `{ ms, value }` blocks its thread for `ms` (as synchronous CPU work would, without using a
 * core) and answers `value`.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerRequest } from '../../apps/api/src/common/worker-pool.js';

const cell = new Int32Array(new SharedArrayBuffer(4));
parentPort?.on('message', (request: WorkerRequest<{ ms: number; value: unknown }>) => {
  Atomics.wait(cell, 0, 0, request.task.ms);
  parentPort?.postMessage({ id: request.id, ok: true, result: request.task.value });
});
