/**
 * Worker-thread entry of the planning pool (common/worker-pool.ts): schedule generation with HiGHS
 * (libs/planning generateSchedule) off the API's event loop. Framework-free; one task at a time; the
 * pool terminates the thread when a task overruns its time limit.
 */
import { parentPort } from 'node:worker_threads';
import { generateSchedule } from '../../../../libs/planning/src/generate-schedule.js';
import { PlanningInputError } from '../../../../libs/planning/src/model.js';
import type { WorkerReply, WorkerRequest } from '../common/worker-pool.js';
import type { PlanningFailure, PlanningTask } from './planning-worker-protocol.js';

function reply(message: WorkerReply<PlanningFailure>): void {
  parentPort?.postMessage(message);
}

parentPort?.on('message', (request: WorkerRequest<PlanningTask>) => {
  generateSchedule(request.task.input).then(
    (result) => reply({ id: request.id, ok: true, result }),
    (error: unknown) => {
      if (error instanceof PlanningInputError) reply({ id: request.id, ok: false, error: { kind: 'planning-input', field: error.field, rule: error.rule } });
      else {
        const e = error instanceof Error ? error : new Error(String(error));
        reply({ id: request.id, ok: false, error: { kind: 'internal', name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } });
      }
    },
  );
});
