import { randomBytes } from 'node:crypto';

/**
 * Names this run. Workers inherit the environment; the first database test creates the migrated
 * template `vuoro_test_<run>_template` (test/support/test-database.ts). Jest loads this file as
 * CommonJS, so it imports nothing of the project's own.
 */
export default async function globalSetup(): Promise<void> {
  // Each jest project that uses the database runs this: they share one run (and one template).
  process.env.VUORO_TEST_RUN_ID ??= `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}
