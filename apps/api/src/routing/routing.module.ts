import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RoutingInvalidations } from '../persistence/routing-invalidations.js';
import { MemoryRoutingEngine } from './memory-routing-engine.js';
import { RoutingCatalog } from './routing-catalog.js';
import { RoutingClock } from './routing-clock.js';
import { RoutingRepository } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { RoutingEngine } from './routing-engine.js';
import { RoutingInternalController } from './routing-internal.controller.js';
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
  controllers: [RoutingController, EntryPointsController, RoutingSettingsController, RoutingInternalController],
  providers: [
    RoutingClock,
    RoutingCatalog,
    // ROUTING_ENGINE picks the implementation; both answer through RoutingEngine's methods.
    {
      provide: RoutingEngine,
      inject: [APP_CONFIG, RoutingRepository, RoutingCatalog, RoutingClock, DataSource, RoutingInvalidations, HttpAdapterHost],
      useFactory: (config: AppConfig, repo: RoutingRepository, catalog: RoutingCatalog, clock: RoutingClock, dataSource: DataSource, invalidations: RoutingInvalidations, adapterHost: HttpAdapterHost) =>
        config.routingEngine === 'memory' ? new MemoryRoutingEngine(repo, catalog, clock, dataSource, invalidations, config, adapterHost) : new RoutingEngine(repo, catalog, clock, invalidations),
    },
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
