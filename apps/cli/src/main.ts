/**
 * The `vuoro` command line: database maintenance and demo data, with the same configuration as the
 * service (DATABASE_URL or the embedded database in DATA_DIR).
 *
 *   npm run migration:run                 apply pending migrations
 *   npm run migration:revert              revert the newest migration
 *   npm run migration:generate -- <name>  write a migration for the difference between entities and schema
 *   npm run seed                          load the demo data into an empty database
 *   npm run vuoro -- import-history <file.csv> [--interval 15|30|60] [--time-zone <zone>]
 *                                         upsert interval history (queue,timestamp,volume[,aht]); see import-history-command.ts
 *   npm run vuoro -- forecast --history <in.csv> --horizon <intervals> --out <out.csv|->
 *                                         forecast a CSV series without a database; see forecast-command.ts
 *
 * Data goes to stdout, messages and progress to stderr.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateDemoData } from '../../../libs/demo-data/src/generate-demo-data.js';
import { closeDataSource, createDataSource, type DatabaseTarget } from '../../../libs/persistence/src/data-source.js';
import { TypeOrmDemoDataRepository } from '../../../libs/persistence/src/repositories/demo-data.repository.js';
import { CsvError } from '../../../libs/forecasting/src/csv.js';
import { UsageError } from './args.js';
import { runForecastCommand } from './forecast-command.js';
import { runImportHistoryCommand } from './import-history-command.js';

function databaseTarget(): DatabaseTarget {
  const url = process.env.DATABASE_URL?.trim();
  return url ? { kind: 'postgres', url, poolSize: 2 } : { kind: 'embedded', dataDir: resolve(process.env.DATA_DIR || '.data') };
}

function migrationSource(name: string, timestamp: number, up: string[], down: string[]): string {
  const className = `${name.replace(/(^|[-_\s]+)(\w)/g, (_, __, c: string) => c.toUpperCase()).replace(/\W/g, '')}${timestamp}`;
  const lines = (queries: string[]) => queries.map((q) => `    await q.query(${JSON.stringify(q)});`).join('\n');
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(q: QueryRunner): Promise<void> {
${lines(up)}
  }

  async down(q: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'forecast') return runForecastCommand(args, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  const target = databaseTarget();
  const dataSource = createDataSource(target);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  await dataSource.initialize();
  try {
    switch (command) {
      case 'migration:run': {
        const applied = await dataSource.runMigrations({ transaction: 'each' });
        out(applied.length ? applied.map((m) => `applied ${m.name}`).join('\n') : 'no pending migrations');
        return 0;
      }
      case 'migration:revert': {
        await dataSource.undoLastMigration({ transaction: 'each' });
        out('reverted the newest migration');
        return 0;
      }
      case 'migration:generate': {
        const name = args[0];
        if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
          process.stderr.write('usage: npm run migration:generate -- <kebab-case-name>\n');
          return 64;
        }
        await dataSource.runMigrations({ transaction: 'each' });
        const sql = await dataSource.driver.createSchemaBuilder().log();
        if (sql.upQueries.length === 0) {
          out('the entities match the schema: no migration needed');
          return 0;
        }
        const timestamp = Date.now();
        const file = join(process.cwd(), 'migrations', `${timestamp}-${name}.ts`);
        writeFileSync(file, migrationSource(name, timestamp, sql.upQueries.map((q) => q.query), sql.downQueries.reverse().map((q) => q.query)));
        out(`wrote ${file}\nadd it to migrations/index.ts, give its constraints names, and review it before committing`);
        return 0;
      }
      case 'seed': {
        await dataSource.runMigrations({ transaction: 'each' });
        const seed = args[0] ? Number(args[0]) : undefined;
        const summary = await new TypeOrmDemoDataRepository(dataSource).loadIntoEmptyDatabase(generateDemoData({ seed }));
        out(summary ? `loaded demo data: ${JSON.stringify(summary)}` : 'the database already holds data: demo data not loaded');
        return 0;
      }
      case 'import-history': {
        await dataSource.runMigrations({ transaction: 'each' });
        return await runImportHistoryCommand(args, dataSource, (t) => process.stdout.write(t));
      }
      default:
        process.stderr.write('usage: vuoro <migration:run | migration:revert | migration:generate <name> | seed [seed] | import-history <file.csv> | forecast --history <in.csv> --horizon <n> --out <out.csv>>\n');
        return 64;
    }
  } finally {
    await closeDataSource(dataSource, target);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof UsageError ? 64 : err instanceof CsvError ? 65 : 1);
  },
);
