import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { closeDataSource, createDataSource } from '../../../../libs/persistence/src/data-source.js';
import {
  AgentRepository,
  ApiKeyRepository,
  BusinessCalendarRepository,
  DemoDataRepository,
  DepartmentRepository,
  QueueRepository,
  SkillRepository,
  TypeOrmAgentRepository,
  TypeOrmApiKeyRepository,
  TypeOrmBusinessCalendarRepository,
  TypeOrmDemoDataRepository,
  TypeOrmDepartmentRepository,
  TypeOrmQueueRepository,
  TypeOrmSkillRepository,
} from '../../../../libs/persistence/src/repositories/index.js';
import { RoutingRepository, TypeOrmRoutingRepository } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { ForecastingRepository, TypeOrmForecastingRepository } from '../../../../libs/persistence/src/repositories/forecasting.repository.js';
import { LetterBatchRepository, TypeOrmLetterBatchRepository } from '../../../../libs/persistence/src/repositories/letter-batch.repository.js';
import { PlanningRepository, TypeOrmPlanningRepository } from '../../../../libs/persistence/src/repositories/planning.repository.js';
import { LoanRepository, TypeOrmLoanRepository } from '../../../../libs/persistence/src/repositories/loan.repository.js';
import { FeedbackRepository, TypeOrmFeedbackRepository } from '../../../../libs/persistence/src/repositories/feedback.repository.js';
import { PrivacyRepository, TypeOrmPrivacyRepository } from '../../../../libs/persistence/src/repositories/privacy.repository.js';
import { ReportsRepository, TypeOrmReportsRepository } from '../../../../libs/persistence/src/repositories/reports.repository.js';
import { DeskDirectoryRepository, TypeOrmDeskDirectoryRepository } from '../../../../libs/persistence/src/repositories/desk-directory.repository.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RoutingInvalidations } from './routing-invalidations.js';

const repositories = [
  [AgentRepository, TypeOrmAgentRepository],
  [ApiKeyRepository, TypeOrmApiKeyRepository],
  [BusinessCalendarRepository, TypeOrmBusinessCalendarRepository],
  [DemoDataRepository, TypeOrmDemoDataRepository],
  [DepartmentRepository, TypeOrmDepartmentRepository],
  [DeskDirectoryRepository, TypeOrmDeskDirectoryRepository],
  [FeedbackRepository, TypeOrmFeedbackRepository],
  [ForecastingRepository, TypeOrmForecastingRepository],
  [LetterBatchRepository, TypeOrmLetterBatchRepository],
  [LoanRepository, TypeOrmLoanRepository],
  [PlanningRepository, TypeOrmPlanningRepository],
  [PrivacyRepository, TypeOrmPrivacyRepository],
  [QueueRepository, TypeOrmQueueRepository],
  [ReportsRepository, TypeOrmReportsRepository],
  [RoutingRepository, TypeOrmRoutingRepository],
  [SkillRepository, TypeOrmSkillRepository],
] as const;

/** Opens the database (server or embedded), applies pending migrations, provides the repositories. */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<DataSource> => {
        const logger = new Logger('Database');
        const dataSource = createDataSource(config.database);
        await dataSource.initialize();
        logger.log({ msg: 'database opened', mode: config.database.kind, ...(config.database.kind === 'embedded' ? { dataDir: config.database.dataDir } : {}) });
        if (config.runMigrations) {
          const applied = await dataSource.runMigrations({ transaction: 'each' });
          logger.log({ msg: 'migrations applied', count: applied.length, names: applied.map((m) => m.name) });
        }
        return dataSource;
      },
    },
    ...repositories.map(([token, implementation]) => ({
      provide: token,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new implementation(dataSource),
    })),
    RoutingInvalidations,
  ],
  exports: [DataSource, RoutingInvalidations, ...repositories.map(([token]) => token)],
})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await closeDataSource(this.dataSource, this.config.database);
  }
}
