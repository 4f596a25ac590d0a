/**
 * Test databases on the real PostgreSQL server. The global setup creates one template database with
 * all migrations applied; each test file clones it (`CREATE DATABASE … TEMPLATE`, a file copy) so
 * files run in parallel without seeing each other's rows. Every name contains "test", and the guard
 * below refuses to touch any database whose name does not.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { closeDataSource, createDataSource } from '../../libs/persistence/src/data-source.js';

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function assertTestDatabaseName(name: string): void {
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to use database "${name}" for tests: its name must contain "test".`);
  }
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`Unsafe test database name "${name}"`);
}

export function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function runId(): string {
  const id = process.env.VUORO_TEST_RUN_ID;
  if (!id) throw new Error('VUORO_TEST_RUN_ID is not set: database tests need the jest global setup');
  return id;
}

export const templateName = (id: string): string => `vuoro_test_${id}_template`;

/** Creates the migrated template once per run; workers wait on an advisory lock meanwhile. */
async function ensureTemplateDatabase(id: string): Promise<void> {
  const name = templateName(id);
  assertTestDatabaseName(name);
  await admin(async (c) => {
    await c.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount) return;
      await c.query(`CREATE DATABASE ${name}`);
      const target = { kind: 'postgres' as const, url: urlFor(name), poolSize: 2 };
      const dataSource = createDataSource(target);
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });
      await closeDataSource(dataSource, target);
    } finally {
      await c.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  });
}

/** A fresh database with the migrations applied, for one test file. */
export async function createTestDatabase(): Promise<{ name: string; url: string }> {
  const id = runId();
  await ensureTemplateDatabase(id);
  const name = `vuoro_test_${id}_${randomBytes(4).toString('hex')}`;
  assertTestDatabaseName(name);
  for (let attempt = 0; ; attempt++) {
    try {
      await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${templateName(id)}`));
      break;
    } catch (err) {
      // Two files cloning the template at the same instant may collide ("being accessed by other users").
      if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  // TypeORM keys a generated column's expression (typeorm_metadata) by the database's name: the clone's rows
  // still name the template, and the schema diff of the migrations spec would not find them.
  const clone = new pg.Client({ connectionString: urlFor(name) });
  await clone.connect();
  try {
    await clone.query(
      `DO $$ BEGIN IF to_regclass('typeorm_metadata') IS NOT NULL THEN UPDATE typeorm_metadata SET database = current_database(); END IF; END $$`,
    );
  } finally {
    await clone.end();
  }
  return { name, url: urlFor(name) };
}

export async function dropTestDatabase(name: string): Promise<void> {
  assertTestDatabaseName(name);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** A TypeORM data source on a fresh migrated test database (`url`: for other processes); `close()` also drops the database. */
export async function openTestDataSource(): Promise<{ dataSource: DataSource; url: string; close(): Promise<void> }> {
  const db = await createTestDatabase();
  const target = { kind: 'postgres' as const, url: db.url };
  const dataSource = createDataSource(target);
  await dataSource.initialize();
  return {
    dataSource,
    url: db.url,
    async close() {
      await closeDataSource(dataSource, target);
      await dropTestDatabase(db.name);
    },
  };
}

/**
 * Reverts the migrations applied after `name`, newest first, so that `name` is the last one applied:
 * a spec of one migration's up or down runs it against the schema it was written for.
 */
export async function revertMigrationsAfter(ds: DataSource, name: string): Promise<void> {
  const last = async () => ((await ds.query(`SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1`)) as { name: string }[])[0]?.name;
  while ((await last()) !== name) await ds.undoLastMigration({ transaction: 'each' });
}
