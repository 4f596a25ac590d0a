import { Module } from '@nestjs/common';
import { ReportsModule } from '../reports/reports.module.js';
import { RollUpDemoHistory, SeedDemoData, SeedDemoDataOnFirstStart } from './seed-demo-data.use-case.js';

@Module({
  imports: [ReportsModule],
  providers: [SeedDemoData, RollUpDemoHistory, SeedDemoDataOnFirstStart],
  exports: [SeedDemoData, RollUpDemoHistory],
})
export class DemoDataModule {}
