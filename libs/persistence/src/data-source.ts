import { DataSource, type DataSourceOptions, type LoggerOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations/index.js';
import { ENTITIES } from './entities/index.js';
import { closePGlite, pgliteDriverModule } from './pglite-driver.js';

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number; poolWaitMs?: number; applicationName?: string }
  | { kind: 'embedded'; dataDir: string };

/**
 * How long a query waits by default for a free pooled connection before it fails (pg's
 * connectionTimeoutMillis; DATABASE_POOL_WAIT_MS; the API answers 503 `database.busy`). Without it,
 * a pool whose connections all wait for one more would hang for ever; with it such a wait ends, is
 * logged, and the pool recovers.
 */
export const POOL_WAIT_MS = 10_000;

/** pg's error when no pooled connection became free within POOL_WAIT_MS (or a new one could not be opened in time). */
export function isPoolWaitTimeout(err: unknown): boolean {
  return err instanceof Error && /timeout exceeded when trying to connect/i.test(err.message);
}

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
      ? { ...common, url: target.url, poolSize: target.poolSize ?? 10, applicationName: target.applicationName ?? 'vuoro', connectTimeoutMS: target.poolWaitMs ?? POOL_WAIT_MS }
      : { ...common, driver: pgliteDriverModule(target.dataDir), database: 'postgres', poolSize: 1 };
  return new DataSource(options);
}

export async function closeDataSource(dataSource: DataSource, target: DatabaseTarget): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
  if (target.kind === 'embedded') await closePGlite(target.dataDir);
}
