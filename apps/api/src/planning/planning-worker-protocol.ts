/** Messages between the API thread and the planning worker threads (structured-clone safe: Dates survive). */
import type { GenerateScheduleInput } from '../../../../libs/planning/src/generate-schedule.js';
import type { InternalFailure } from '../common/worker-pool.js';

export type PlanningTask = { kind: 'generate-schedule'; input: GenerateScheduleInput };

export type PlanningFailure = { kind: 'planning-input'; field: string; rule: string } | InternalFailure;
