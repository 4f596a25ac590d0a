/** Messages between the API thread and the staffing worker threads (structured-clone safe). */
import type { SimulationInput, SimulationResult } from '../../../../libs/simulation/src/index.js';
import type { Horizon, HorizonRequirements } from '../../../../libs/staffing/src/index.js';

export type StaffingTask = { kind: 'simulate'; input: SimulationInput } | { kind: 'horizon'; input: Horizon };

export type TaskResult<T extends StaffingTask> = T extends { kind: 'simulate' } ? SimulationResult : HorizonRequirements;

export interface WorkerRequest {
  id: number;
  task: StaffingTask;
}

export type WorkerFailure =
  | { kind: 'simulation-input'; field: string; rule: string }
  | { kind: 'staffing-input'; field: string; rule: string }
  | { kind: 'internal'; name: string; message: string; stack?: string };

export type WorkerReply =
  | { id: number; ok: true; kind: 'simulate'; result: SimulationResult }
  | { id: number; ok: true; kind: 'horizon'; result: HorizonRequirements }
  | { id: number; ok: false; error: WorkerFailure };
