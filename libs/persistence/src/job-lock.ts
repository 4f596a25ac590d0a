import type { DataSource } from 'typeorm';

/** The embedded database (PGlite) has one session and serves one process. */
export function isEmbedded(dataSource: DataSource): boolean {
  return 'driver' in dataSource.options && Boolean(dataSource.options.driver);
}

/**
 * Runs `fn` only if no other instance holds the advisory lock `key`, held on its own connection for
 * the duration; returns null when another instance holds it. On the embedded database there is one
 * process and a single session: taking the lock on a second "connection" would wait for itself, so
 * `fn` simply runs.
 */
export async function runExclusively<T>(dataSource: DataSource, key: number, fn: () => Promise<T>): Promise<T | null> {
  if (isEmbedded(dataSource)) return fn();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key])) as { locked: boolean }[];
    if (!locked) return null;
    try {
      return await fn();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await runner.release();
  }
}
