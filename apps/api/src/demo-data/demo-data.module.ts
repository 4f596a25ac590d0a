import { Module } from '@nestjs/common';
import { RollUpDemoHistory, SeedDemoData, SeedDemoDataOnFirstStart } from './seed-demo-data.use-case.js';

@Module({
  providers: [SeedDemoData, RollUpDemoHistory, SeedDemoDataOnFirstStart],
  exports: [SeedDemoData, RollUpDemoHistory],
})
export class DemoDataModule {}
