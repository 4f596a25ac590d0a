/**
 * The database routing engine with its connection pool nearly used up: a transaction must never wait
 * for a second pooled connection. Under load every connection can be inside such a transaction, and
 * then none is left for the read they all wait for (bench:routing with 64 clients: all 20
 * connections of two instances stood "idle in transaction" for good once the catalog's queue entries
 * expired). Here the test holds all but one connection of the pool and empties the catalog, so a
 * transaction that reads a queue definition through the pool waits until the pool gives up;
 * and when no connection is free at all, a request is answered 503 `database.busy` once
 * DATABASE_POOL_WAIT_MS has passed, and the service goes on when connections are free again.
 */
import { DataSource, type QueryRunner } from 'typeorm';
import { RoutingCatalog } from '../../apps/api/src/routing/routing-catalog.js';
import { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, type RoutingWorld } from './routing-world.js';

const POOL_SIZE = 4;
const POOL_WAIT_MS = 1500;

describe('routing (database engine) with one pooled connection left', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let held: QueryRunner[] = [];

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, routingEngine: 'database', reportJobs: false, feedbackJobs: false }, { poolSize: POOL_SIZE, poolWaitMs: POOL_WAIT_MS });
    w = await buildRoutingWorld(t, 1, { capacity: { phone: 1, chat: 1, email: 1 } });
    tel = bearer(await t.keyFor('telephony'));
    sup = bearer(await t.keyFor('supervisor'));
  });
  afterEach(async () => {
    for (const r of held) await r.release();
    held = [];
  });
  afterAll(() => t.close());

  /** Takes `n` of the pool's connections away from the API, and empties the routing catalog. */
  const squeeze = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const runner = t.app.get(DataSource).createQueryRunner();
      await runner.connect();
      held.push(runner);
    }
    t.app.get(RoutingCatalog).invalidate();
  };
  const within = async <T>(p: PromiseLike<T>, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${POOL_WAIT_MS * 2} ms`)), POOL_WAIT_MS * 2);
    });
    try {
      return await Promise.race([p, late]);
    } finally {
      clearTimeout(timer);
    }
  };

  it('offers a waiting chat to an agent who becomes available, and re-queues the offer when it expires', async () => {
    const [agent] = w.agentIds;
    const chat = (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: 'pool-1', language: 'fi' }).expect(201)).body;
    expect(chat.status).toBe('queued');

    await squeeze(POOL_SIZE - 1);
    // The agent's release offers the waiting chat: one transaction that reads the chat queue's definition.
    await within(t.http.put(`/v1/agents/${agent}/state`).set(...sup).send({ state: 'available' }).expect(200), 'state change');
    const offered = (await t.http.get(`/v1/contacts/${chat.id}`).set(...sup).expect(200)).body;
    expect([offered.status, offered.agentId]).toEqual(['offered', agent]);

    for (const r of held.splice(0)) await r.release();
    await squeeze(POOL_SIZE - 1);
    // The offer's timeout: the expiry re-queues the chat in a transaction that reads its queue again.
    const requeued = await within(t.app.get(RoutingEngine).expireOffers(new Date(Date.now() + 3_600_000)), 'offer expiry');
    expect(requeued).toBe(1);
    for (const r of held.splice(0)) await r.release();
    const after = (await t.http.get(`/v1/contacts/${chat.id}`).set(...sup).expect(200)).body;
    expect(after.status).toBe('queued');
  });

  it('answers 503 database.busy when no connection becomes free in time, and serves again once one is', async () => {
    await squeeze(POOL_SIZE);
    const started = performance.now();
    const busy = await within(t.http.get(`/v1/queues/${w.chatQueueId}/stats`).set(...sup), 'stats while the pool is taken');
    expect(busy.status).toBe(503);
    expect(busy.body).toMatchObject({ status: 503, code: 'database.busy' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(POOL_WAIT_MS - 50);
    for (const r of held.splice(0)) await r.release();
    await t.http.get(`/v1/queues/${w.chatQueueId}/stats`).set(...sup).expect(200);
  });
});
