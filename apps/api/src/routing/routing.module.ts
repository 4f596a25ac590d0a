import { Module } from '@nestjs/common';
import { RoutingCatalog } from './routing-catalog.js';
import { RoutingClock } from './routing-clock.js';
import { RoutingEngine } from './routing-engine.js';
import { RoutingJobs } from './routing-jobs.js';
import { EntryPointsController, RoutingController, RoutingSettingsController } from './routing.controller.js';
import {
  DecideCallRoute,
  DeleteEntryPoint,
  GetEntryPoint,
  GetRoutingSettings,
  ListEntryPoints,
  PollCallDecision,
  PutRoutingSettings,
  RecordTelephonyEvent,
  RequestCallback,
  SaveEntryPoint,
} from './routing.use-cases.js';

/** The live routing engine and the telephony contract. */
@Module({
  controllers: [RoutingController, EntryPointsController, RoutingSettingsController],
  providers: [
    RoutingClock,
    RoutingCatalog,
    RoutingEngine,
    RoutingJobs,
    DecideCallRoute,
    PollCallDecision,
    RecordTelephonyEvent,
    RequestCallback,
    ListEntryPoints,
    GetEntryPoint,
    SaveEntryPoint,
    DeleteEntryPoint,
    GetRoutingSettings,
    PutRoutingSettings,
  ],
  exports: [RoutingClock, RoutingCatalog, RoutingEngine],
})
export class RoutingModule {}
