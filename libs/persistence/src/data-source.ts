import { DataSource, type DataSourceOptions, type LoggerOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations/index.js';
import { ENTITIES } from './entities/index.js';
import { closePGlite, pgliteDriverModule } from './pglite-driver.js';

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'embedded'; dataDir: string };

/**
 * The one way to open Vuoro's database: a PostgreSQL server (`DATABASE_URL`) or the embedded
 * PGlite database in a data folder. The schema comes only from migrations (synchronize is off).
 */
export function createDataSource(target: DatabaseTarget, logging: LoggerOptions = false): DataSource {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    installExtensions: false,
    logging,
  };
  const options: DataSourceOptions =
    target.kind === 'postgres'
      ? { ...common, url: target.url, poolSize: target.poolSize ?? 10, applicationName: 'vuoro' }
      : { ...common, driver: pgliteDriverModule(target.dataDir), database: 'postgres', poolSize: 1 };
  return new DataSource(options);
}

export async function closeDataSource(dataSource: DataSource, target: DatabaseTarget): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
  if (target.kind === 'embedded') await closePGlite(target.dataDir);
}
