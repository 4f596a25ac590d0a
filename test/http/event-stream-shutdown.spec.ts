/**
 * A shutdown ends the open server-sent-event streams (wallboards, agent desktops) instead of
 * waiting for their clients: the HTTP server's close waits for every open response, so one
 * connected wallboard kept a stopping process alive — serving its stream, its jobs running — until
 * it was killed (found by an audit: SIGTERM, still alive after 46 s).
 */
import http from 'node:http';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startListeningApp, TEST_ADMIN_KEY } from '../support/test-app.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';
import { buildRoutingWorld, testAppAt } from '../routing/routing-world.js';

/** Opens a stream and resolves once its first event arrived; `ended` resolves when the server ends it. */
function openStream(url: string): Promise<{ ended: Promise<void>; req: http.ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}`, Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      const ended = new Promise<void>((done) => res.on('end', done));
      res.once('data', () => resolve({ ended, req }));
    });
    req.on('error', reject);
  });
}

describe('event streams at shutdown', () => {
  let db: { name: string; url: string };
  let app: NestExpressApplication | null = null;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await dropTestDatabase(db.name);
  });

  it('ends open wallboard and offer streams so that the application closes', async () => {
    const started = await startListeningApp(db.url, { routingJobs: false });
    app = started.app;
    const w = await buildRoutingWorld(testAppAt(started.url), 1);
    await request(started.url).put(`/v1/agents/${w.agentIds[0]}/state`).set('Authorization', `Bearer ${TEST_ADMIN_KEY}`).send({ state: 'available' }).expect(200);
    const stats = await openStream(`${started.url}/v1/queues/${w.chatQueueId}/stats/stream`);
    const offers = await openStream(`${started.url}/v1/agents/${w.agentIds[0]}/offers/stream`);

    const closing = app.close();
    // The watchdog is cleared once the race is decided: left pending, it kept the jest worker alive
    // for 10 s after this file ended ("A worker process has failed to exit gracefully").
    let watchdog: NodeJS.Timeout | undefined;
    const stillOpen = new Promise<string>((r) => (watchdog = setTimeout(() => r('still open after 10 s'), 10_000)));
    const outcome = await Promise.race([closing.then(() => 'closed'), stillOpen]).finally(() => clearTimeout(watchdog));
    expect(outcome).toBe('closed');
    app = null;
    await expect(Promise.all([stats.ended, offers.ended])).resolves.toBeDefined();
    stats.req.destroy();
    offers.req.destroy();
  }, 30_000);
});
