import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AgentsModule } from './agents/agents.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CalendarsModule } from './calendars/calendars.module.js';
import { PhoneNumbers } from './common/phone-numbers.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { DemoDataModule } from './demo-data/demo-data.module.js';
import { DepartmentsModule } from './departments/departments.module.js';
import { ForecastingModule } from './forecasting/forecasting.module.js';
import { HealthModule } from './health/health.module.js';
import { PersistenceModule } from './persistence/persistence.module.js';
import { PlanningModule } from './planning/planning.module.js';
import { QueuesModule } from './queues/queues.module.js';
import { SkillsModule } from './skills/skills.module.js';
import { AgentDeskModule } from './agent-desk/agent-desk.module.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { CustomersModule } from './customers/customers.module.js';
import { QueueStatsModule } from './queue-stats/queue-stats.module.js';
import { RoutingModule } from './routing/routing.module.js';
import { StaffingModule } from './staffing/staffing.module.js';
import { FeedbackModule } from './feedback/feedback.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { ReportsModule } from './reports/reports.module.js';

/** One module per feature; a new feature adds its module to FEATURES. */
const FEATURES = [
  HealthModule,
  AuthModule,
  DepartmentsModule,
  SkillsModule,
  AgentsModule,
  CalendarsModule,
  QueuesModule,
  DemoDataModule,
  ForecastingModule,
  StaffingModule,
  RoutingModule,
  AgentDeskModule,
  ContactsModule,
  CustomersModule,
  QueueStatsModule,
  ReportsModule,
  FeedbackModule,
  PrivacyModule,
  PlanningModule,
];

@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    const configModule: DynamicModule = {
      module: class ConfigModule {},
      global: true,
      // PhoneNumbers: the configured country of national numbers, for every feature that finds customers by number.
      providers: [{ provide: APP_CONFIG, useValue: config }, PhoneNumbers],
      exports: [APP_CONFIG, PhoneNumbers],
    };
    return {
      module: AppModule,
      // One scheduler for every feature's jobs (each job guards itself with an advisory lock).
      imports: [configModule, PersistenceModule, ScheduleModule.forRoot(), ...FEATURES],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
