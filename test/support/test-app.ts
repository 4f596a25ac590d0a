import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { Role } from '../../libs/core/src/role.js';
import type { AppConfig } from '../../apps/api/src/config/app-config.js';
import { createApp } from '../../apps/api/src/create-app.js';
import { createTestDatabase, dropTestDatabase } from './test-database.js';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestApp {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  adminKey: string;
  /** Creates an API key of the role through the API and returns its secret. */
  keyFor(role: Role): Promise<string>;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    nodeEnv: 'test',
    host: '127.0.0.1',
    port: 0,
    database: { kind: 'postgres', url: 'postgres://invalid', poolSize: 5 },
    runMigrations: true,
    seedDemoData: 'never',
    adminApiKey: TEST_ADMIN_KEY,
    adminApiKeyIsDemoDefault: false,
    logLevel: 'error',
    logFormat: 'json',
    // Tests call scheduled use cases directly with a fixed clock.
    forecastJobEnabled: false,
    // The report roll-ups run in the API's thread, as on the embedded database (starting a worker
    // thread from the TypeScript sources compiles its imports again); report-rollup-thread.spec.ts
    // covers the thread.
    reportJobsThread: false,
    // The jest project `routing-memory` runs the routing specs again on the in-memory engine.
    routingEngine: process.env.TEST_ROUTING_ENGINE === 'memory' ? 'memory' : 'database',
    ...overrides,
  };
}

/** The real application module on a fresh PostgreSQL database with the migrations applied (`pool`: its connection pool's size and wait). */
export async function startTestApp(overrides: Partial<AppConfig> = {}, pool: { poolSize?: number; poolWaitMs?: number } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const app = await createApp(testConfig({ database: { kind: 'postgres', url: db.url, poolSize: 5, ...pool }, ...overrides }));
  const server = app.getHttpServer();
  const keys = new Map<Role, string>();
  return {
    app,
    http: request(server),
    adminKey: TEST_ADMIN_KEY,
    async keyFor(role: Role): Promise<string> {
      if (role === 'admin') return TEST_ADMIN_KEY;
      const known = keys.get(role);
      if (known) return known;
      const admin = ['Authorization', `Bearer ${TEST_ADMIN_KEY}`] as const;
      if (role === 'agent') {
        // An agent key is bound to its agent: one of a department of its own, never logged in.
        const dept = await request(server).post('/v1/departments').set(...admin).send({ key: 'test-agent-keys', name: 'Agent keys (tests)', kind: 'other' });
        if (dept.status !== 201) throw new Error(`could not create the agent key's department: ${dept.status} ${JSON.stringify(dept.body)}`);
        const agent = await request(server)
          .post('/v1/agents')
          .set(...admin)
          .send({ employeeNumber: 'TEST-AGENT-KEY', displayName: 'Agent key holder', departmentId: dept.body.id, capacity: { phone: 0, chat: 1, email: 1 }, skills: [] });
        if (agent.status !== 201) throw new Error(`could not create the agent key's agent: ${agent.status} ${JSON.stringify(agent.body)}`);
        const res = await request(server).post(`/v1/agents/${agent.body.id}/api-keys`).set(...admin).send({ name: 'test agent' });
        if (res.status !== 201) throw new Error(`could not create an agent key: ${res.status} ${JSON.stringify(res.body)}`);
        keys.set(role, res.body.key);
        return res.body.key;
      }
      const res = await request(server).post('/v1/api-keys').set(...admin).send({ name: `test ${role}`, role });
      if (res.status !== 201) throw new Error(`could not create a ${role} key: ${res.status} ${JSON.stringify(res.body)}`);
      keys.set(role, res.body.key);
      return res.body.key;
    },
    async close(): Promise<void> {
      await app.close();
      await dropTestDatabase(db.name);
    },
  };
}

/** One more API instance on an existing test database, listening on a port of its own (several instances: forwarding needs real addresses). */
export async function startListeningApp(databaseUrl: string, overrides: Partial<AppConfig> = {}): Promise<{ app: NestExpressApplication; url: string }> {
  const app = await createApp(testConfig({ database: { kind: 'postgres', url: databaseUrl, poolSize: 6 }, ...overrides }));
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

export const bearer = (key: string): [string, string] => ['Authorization', `Bearer ${key}`];
