import { Module } from '@nestjs/common';
import { StaffingController } from './staffing.controller.js';
import { ComputeHorizonRequirements, ComputeRequirement, RunSimulation } from './staffing.use-cases.js';

/** Staffing maths and the simulator as stateless what-if operations (no persistence). */
@Module({
  controllers: [StaffingController],
  providers: [ComputeRequirement, ComputeHorizonRequirements, RunSimulation],
})
export class StaffingModule {}
