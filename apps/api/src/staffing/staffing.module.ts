import { Module } from '@nestjs/common';
import { StaffingController } from './staffing.controller.js';
import { ComputeHorizonRequirements, ComputeRequirement, RunSimulation, StaffingWorkers } from './staffing.use-cases.js';

/**
 * Staffing maths and the simulator as stateless what-if operations (no persistence). Horizons and
 * simulations run in worker threads (StaffingWorkers), off the event loop that serves routing.
 */
@Module({
  controllers: [StaffingController],
  providers: [StaffingWorkers, ComputeRequirement, ComputeHorizonRequirements, RunSimulation],
})
export class StaffingModule {}
