import pg from 'pg';

/** Drops every database this run created (all are named vuoro_test_<run>_…). */
export default async function globalTeardown(): Promise<void> {
  const id = process.env.VUORO_TEST_RUN_ID;
  if (!id) return;
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`vuoro_test_${id}_%`]);
    for (const { datname } of rows) {
      if (!/^vuoro_test_[a-z0-9_]+$/.test(datname)) continue;
      await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
