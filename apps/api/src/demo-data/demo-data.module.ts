import { Module } from '@nestjs/common';
import { SeedDemoData, SeedDemoDataOnFirstStart } from './seed-demo-data.use-case.js';

@Module({
  providers: [SeedDemoData, SeedDemoDataOnFirstStart],
  exports: [SeedDemoData],
})
export class DemoDataModule {}
