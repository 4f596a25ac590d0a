import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { generateDemoData } from '../../../../libs/demo-data/src/generate-demo-data.js';
import { DemoDataRepository, type DemoDataSummary } from '../../../../libs/persistence/src/repositories/demo-data.repository.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

@Injectable()
export class SeedDemoData {
  constructor(private readonly demoData: DemoDataRepository) {}

  /** Loads the seeded demo agency into an empty database; does nothing (null) when data exists. */
  execute(options: { seed?: number; today?: string } = {}): Promise<DemoDataSummary | null> {
    return this.demoData.loadIntoEmptyDatabase(generateDemoData(options));
  }
}

/** With SEED_DEMO_DATA=auto (the embedded default) the first start loads the demo data. */
@Injectable()
export class SeedDemoDataOnFirstStart implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoData');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly seedDemoData: SeedDemoData,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.seedDemoData !== 'auto') return;
    const summary = await this.seedDemoData.execute();
    if (summary) this.logger.log({ msg: 'demo data loaded', ...summary });
  }
}
