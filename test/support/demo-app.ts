import { DataSource } from 'typeorm';
import { generateDemoData } from '../../libs/demo-data/src/generate-demo-data.js';
import { TypeOrmDemoDataRepository } from '../../libs/persistence/src/repositories/demo-data.repository.js';
import { bearer, startTestApp, type TestApp } from './test-app.js';

export interface DemoApp {
  t: TestApp;
  db: DataSource;
  /** queue id by key (`phone-fi`, `email-sv`, …). */
  queue: Record<string, string>;
  supervisor: [string, string];
}

/** A test app on real PostgreSQL with the demo agency loaded as of `today`, a supervisor key and its queues by key. */
export async function startDemoApp(today: string): Promise<DemoApp> {
  const t = await startTestApp();
  const db = t.app.get(DataSource);
  await new TypeOrmDemoDataRepository(db).loadIntoEmptyDatabase(generateDemoData({ today }));
  const supervisor = bearer(await t.keyFor('supervisor'));
  const body = (await t.http.get('/v1/queues').set(...supervisor).expect(200)).body;
  const queue = Object.fromEntries(((body.items ?? body) as { id: string; key: string }[]).map((q) => [q.key, q.id]));
  return { t, db, queue, supervisor };
}
