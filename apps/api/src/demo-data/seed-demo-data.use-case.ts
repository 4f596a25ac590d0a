import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { generateDemoData } from '../../../../libs/demo-data/src/generate-demo-data.js';
import { DemoDataRepository, type DemoDataSummary } from '../../../../libs/persistence/src/repositories/demo-data.repository.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RefreshReportRollups, type RefreshResult } from '../reports/report-rollup.job.js';

@Injectable()
export class SeedDemoData {
  constructor(private readonly demoData: DemoDataRepository) {}

  /** Loads the seeded demo agency into an empty database; does nothing (null) when data exists. */
  execute(options: { seed?: number; today?: string; contactHistoryDays?: number } = {}): Promise<DemoDataSummary | null> {
    return this.demoData.loadIntoEmptyDatabase(generateDemoData(options));
  }
}

/**
 * Builds the report roll-ups of the demo's contact history once, right after it was loaded and
 * before the scheduled jobs start, so that the first report answers at once (~3.5 s for the demo
 * week on PGlite). On the embedded database this is also the regression check that the roll-up reads
 * no queue outside its transaction (it would wait for its own transaction on the single session):
 * nothing has been routed yet at start-up, so the routing catalog is empty and every email queue is
 * read from the database.
 */
@Injectable()
export class RollUpDemoHistory {
  constructor(private readonly refresh: RefreshReportRollups) {}

  execute(): Promise<RefreshResult> {
    return this.refresh.execute();
  }
}

/**
 * With SEED_DEMO_DATA=auto (the embedded default) the first start loads the demo data; every start
 * then brings the report roll-ups up to date (RollUpDemoHistory: the history just loaded, or one
 * loaded by `npm run seed`; one query per feed when there is nothing to do). On module init: before
 * any scheduled job or request runs.
 */
@Injectable()
export class SeedDemoDataOnFirstStart implements OnModuleInit {
  private readonly logger = new Logger('DemoData');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly seedDemoData: SeedDemoData,
    private readonly rollUp: RollUpDemoHistory,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.seedDemoData !== 'auto') return;
    const summary = await this.seedDemoData.execute();
    const rollups = await this.rollUp.execute();
    if (summary) this.logger.log({ msg: 'demo data loaded', ...summary, reportFacts: rollups.facts, agentStateSpans: rollups.spans });
    else if (rollups.facts || rollups.spans) this.logger.log({ msg: 'report roll-ups brought up to date', facts: rollups.facts, agentStateSpans: rollups.spans });
  }
}
