import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AgentsController } from './agents/agents.controller.js';
import { CreateAgent, DeleteAgent, GetAgent, ListAgents, PrepareAgentData, UpdateAgent } from './agents/agents.use-cases.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { ApiKeysController } from './auth/api-keys.controller.js';
import { BootstrapAdminKey, CreateApiKey, ListApiKeys, RevokeApiKey } from './auth/api-keys.use-cases.js';
import { CalendarsController } from './calendars/calendars.controller.js';
import { CreateCalendar, DeleteCalendar, GetCalendar, ListCalendars, UpdateCalendar } from './calendars/calendars.use-cases.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { SeedDemoData, SeedDemoDataOnFirstStart } from './demo-data/seed-demo-data.use-case.js';
import { DepartmentsController } from './departments/departments.controller.js';
import { CreateDepartment, DeleteDepartment, GetDepartment, ListDepartments, UpdateDepartment } from './departments/departments.use-cases.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './health/metrics.controller.js';
import { HttpMetricsMiddleware, MetricsRegistry } from './health/metrics.js';
import { PersistenceModule } from './persistence/persistence.module.js';
import { QueuesController } from './queues/queues.controller.js';
import { CreateQueue, DeleteQueue, GetQueue, ListQueues, PrepareQueueData, UpdateQueue } from './queues/queues.use-cases.js';
import { SkillsController } from './skills/skills.controller.js';
import { CheckSkillsExist, ListSkills, SaveSkill } from './skills/skills.use-cases.js';
import { BootstrapAdminKeyOnStart } from './auth/bootstrap-admin-key.js';

@Module({})
export class AppModule implements NestModule {
  static forConfig(config: AppConfig): DynamicModule {
    const configModule: DynamicModule = {
      module: class ConfigModule {},
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
    return {
      module: AppModule,
      imports: [configModule, PersistenceModule],
      controllers: [
        HealthController,
        MetricsController,
        ApiKeysController,
        DepartmentsController,
        SkillsController,
        AgentsController,
        CalendarsController,
        QueuesController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        MetricsRegistry,
        BootstrapAdminKey,
        BootstrapAdminKeyOnStart,
        CreateApiKey,
        ListApiKeys,
        RevokeApiKey,
        ListDepartments,
        GetDepartment,
        CreateDepartment,
        UpdateDepartment,
        DeleteDepartment,
        ListSkills,
        SaveSkill,
        CheckSkillsExist,
        PrepareAgentData,
        ListAgents,
        GetAgent,
        CreateAgent,
        UpdateAgent,
        DeleteAgent,
        ListCalendars,
        GetCalendar,
        CreateCalendar,
        UpdateCalendar,
        DeleteCalendar,
        PrepareQueueData,
        ListQueues,
        GetQueue,
        CreateQueue,
        UpdateQueue,
        DeleteQueue,
        SeedDemoData,
        SeedDemoDataOnFirstStart,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
