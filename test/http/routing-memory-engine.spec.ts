/**
 * ROUTING_ENGINE=memory against real PostgreSQL: what only the in-memory engine has to prove —
 * the state survives a restart (it is rebuilt from the tables), one instance owns the routing
 * state while another answers 503 and takes over when the owner stops, concurrent requests are
 * committed in groups with nothing lost, a failed group write leaves nothing half-written and
 * the engine working, and the catalog changes other instances make are read without holding
 * decisions up. The routing behaviour itself is the same specs as the database engine's
 * (the jest project `routing-memory` runs them on this engine).
 */
import { jest } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../apps/api/src/create-app.js';
import { MemoryRoutingEngine, ROUTING_OWNER_LOCK } from '../../apps/api/src/routing/memory-routing-engine.js';
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import type { RoutingCore } from '../../libs/routing/src/core/routing-core.js';
import { TypeOrmAgentRepository } from '../../libs/persistence/src/repositories/agent.repository.js';
import { RoutingRepository } from '../../libs/persistence/src/repositories/routing.repository.js';
import { buildRoutingWorld, callBody, CALLED_NUMBER, eventBody, type RoutingWorld } from '../routing/routing-world.js';
import { bearer, TEST_ADMIN_KEY, testConfig, type TestApp } from '../support/test-app.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';

describe('routing: the in-memory engine (ROUTING_ENGINE=memory)', () => {
  let db: { name: string; url: string };
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  const open: NestExpressApplication[] = [];

  const start = async (): Promise<NestExpressApplication> => {
    const app = await createApp(testConfig({ database: { kind: 'postgres', url: db.url, poolSize: 5 }, routingJobs: false, routingEngine: 'memory' }));
    open.push(app);
    return app;
  };
  const stop = async (app: NestExpressApplication): Promise<void> => {
    open.splice(open.indexOf(app), 1);
    await app.close();
  };
  const http = (app: NestExpressApplication) => request(app.getHttpServer());
  const tables = (app: NestExpressApplication) => app.get(DataSource);

  beforeAll(async () => {
    db = await createTestDatabase();
    const app = await start();
    const keys = new Map<string, string>();
    const t = {
      http: http(app),
      adminKey: TEST_ADMIN_KEY,
      async keyFor(role: string): Promise<string> {
        if (!keys.has(role)) keys.set(role, (await http(app).post('/v1/api-keys').set(...bearer(TEST_ADMIN_KEY)).send({ name: `test ${role}`, role }).expect(201)).body.key);
        return keys.get(role)!;
      },
    } as unknown as TestApp;
    w = await buildRoutingWorld(t, 3, { capacity: { phone: 1, chat: 2, email: 2 } });
    tel = bearer(await t.keyFor('telephony'));
    sup = bearer(await t.keyFor('supervisor'));
  });

  afterAll(async () => {
    for (const app of [...open]) await app.close();
    await dropTestDatabase(db.name);
  });

  it('forgets callers no contact in memory refers to, and reads them back with their last agent at their next call', async () => {
    const app = open[0];
    const engine = app.get(RoutingEngine) as MemoryRoutingEngine;
    const state = async () => (await (engine as unknown as { owner: Promise<{ core: RoutingCore }> }).owner).core.state;
    const number = '+358409990002';
    const agent = w.agentIds[0];
    await http(app).put(`/v1/agents/${agent}/state`).set(...sup).send({ state: 'available' }).expect(200);
    expect((await http(app).post('/v1/routing/decisions').set(...tel).send(callBody('forget-1', { callerId: number })).expect(200)).body).toMatchObject({ decision: 'agent', agentId: agent });
    await http(app).post('/v1/routing/events').set(...tel).send(eventBody('answered', 'forget-1')).expect(200);
    await http(app).post('/v1/routing/events').set(...tel).send(eventBody('ended', 'forget-1')).expect(200);
    const customer = (await state()).customerByPhone(number);
    expect(customer).toMatchObject({ lastAgentId: agent });

    // Past the finished call's time in memory, and then one pruning interval more: the caller is forgotten.
    const minute = 60_000;
    await engine.tick(new Date(Date.now() + 11 * minute));
    expect((await state()).customerByPhone(number)).toBe(customer);
    await engine.tick(new Date(Date.now() + 22 * minute));
    expect((await state()).customerByPhone(number)).toBeUndefined();
    expect((await state()).customer(customer!.id)).toBeUndefined();

    // The next call reads the caller back: the same customer, its last agent preferred, no second row.
    await http(app).post('/v1/routing/decisions').set(...tel).send(callBody('forget-2', { callerId: number })).expect(200);
    await http(app).post('/v1/routing/events').set(...tel).send(eventBody('abandoned', 'forget-2')).expect(200);
    const rows = (await tables(app).query(
      `SELECT c.customer_id AS "customerId", c.previous_agent_id AS "previousAgentId" FROM contacts c WHERE c.call_id = 'forget-2'`,
    )) as { customerId: string; previousAgentId: string }[];
    expect(rows).toEqual([{ customerId: customer!.id, previousAgentId: agent }]);
    expect(await tables(app).query(`SELECT count(*)::int AS n FROM customers WHERE phone_number = $1`, [number])).toEqual([{ n: 1 }]);
    expect((await state()).customerByPhone(number)).toMatchObject({ id: customer!.id, lastAgentId: agent });
  });

  it('forgets finished contacts past the window, and a desk operation on one is answered as the tables would: not in hand (409)', async () => {
    const app = open[0];
    const engine = app.get(RoutingEngine) as MemoryRoutingEngine;
    const state = async () => (await (engine as unknown as { owner: Promise<{ core: RoutingCore }> }).owner).core.state;
    const agent = w.agentIds[0];
    const admin = bearer(TEST_ADMIN_KEY);
    await http(app).put(`/v1/agents/${agent}/state`).set(...sup).send({ state: 'available' }).expect(200);
    const c = (await http(app).post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: 'forget-chat-1', language: 'fi' }).expect(201)).body as { id: string; agentId: string };
    expect(c.agentId).toBe(agent);
    const offer = ((await http(app).get(`/v1/agents/${agent}/offers`).set(...sup).expect(200)).body as { offerId: string; contactId: string }[]).find((o) => o.contactId === c.id)!;
    await http(app).post(`/v1/agents/${agent}/offers/${offer.offerId}/accept`).set(...admin).expect(200);
    await http(app).post(`/v1/agents/${agent}/contacts/${c.id}/complete`).set(...admin).send({ wrapUpSeconds: 0 }).expect(200);
    expect((await http(app).post(`/v1/agents/${agent}/contacts/${c.id}/complete`).set(...admin).send({ wrapUpSeconds: 0 }).expect(409)).body).toMatchObject({ code: 'contact.not_in_hand' });

    await engine.tick(new Date(Date.now() + 11 * 60_000));
    expect((await state()).contact(c.id)).toBeUndefined();
    expect((await http(app).post(`/v1/agents/${agent}/contacts/${c.id}/complete`).set(...admin).send({ wrapUpSeconds: 0 }).expect(409)).body).toMatchObject({ code: 'contact.not_in_hand' });
    expect((await http(app).post(`/v1/agents/${agent}/contacts/${c.id}/transfer`).set(...admin).send({ queueId: w.chatQueueId }).expect(409)).body).toMatchObject({ code: 'contact.not_in_hand' });
    // A contact no table holds is still unknown.
    expect((await http(app).post(`/v1/agents/${agent}/contacts/00000000-0000-4000-8000-000000000001/complete`).set(...admin).send({ wrapUpSeconds: 0 }).expect(404)).body).toMatchObject({ code: 'contact.not_found' });
  });

  it('rebuilds its state from the tables after a restart: a waiting call keeps its place and is routed', async () => {
    let app = open[0];
    await http(app).put(`/v1/agents/${w.agentIds[0]}/state`).set(...sup).send({ state: 'available' }).expect(200);
    const first = (await http(app).post('/v1/routing/decisions').set(...tel).send(callBody('restart-1')).expect(200)).body;
    expect(first).toMatchObject({ decision: 'agent', agentId: w.agentIds[0] });
    const waiting = (await http(app).post('/v1/routing/decisions').set(...tel).send(callBody('restart-2')).expect(200)).body;
    expect(waiting).toMatchObject({ decision: 'queue', position: 1 });

    await stop(app);
    app = await start();
    // The reserved agent, the offered call and the waiting call are as they were.
    expect((await http(app).post('/v1/routing/decisions').set(...tel).send(callBody('restart-1')).expect(200)).body).toEqual(first);
    expect((await http(app).get('/v1/routing/decisions/restart-2?waitSeconds=0').set(...tel).expect(200)).body).toMatchObject({ decision: 'queue', position: 1 });
    expect((await http(app).get(`/v1/agents/${w.agentIds[0]}/state`).set(...sup).expect(200)).body.state).toBe('reserved');

    await http(app).post('/v1/routing/events').set(...tel).send(eventBody('answered', 'restart-1')).expect(200);
    await http(app).post('/v1/routing/events').set(...tel).send(eventBody('ended', 'restart-1')).expect(200);
    await http(app).put(`/v1/agents/${w.agentIds[1]}/state`).set(...sup).send({ state: 'available' }).expect(200);
    const routed = (await http(app).get('/v1/routing/decisions/restart-2?waitSeconds=1').set(...tel).expect(200)).body;
    expect(routed).toMatchObject({ decision: 'agent', agentId: w.agentIds[1] });
    const [row] = await tables(app).query(`SELECT status, agent_id AS "agentId" FROM contacts WHERE call_id = 'restart-2'`);
    expect(row).toEqual({ status: 'offered', agentId: w.agentIds[1] });
  });

  it('lets one instance own the routing state: another answers 503 and takes over when the owner stops', async () => {
    const owner = open[0];
    const other = await start();
    const refused = await http(other).post('/v1/routing/decisions').set(...tel).send(callBody('owner-1')).expect(503);
    expect(refused.body.code).toBe('routing.not_owner');
    // Nothing of the refused request was stored.
    expect(await tables(owner).query(`SELECT id FROM contacts WHERE call_id = 'owner-1'`)).toEqual([]);

    await stop(owner);
    // A stopped owner's lock is freed a moment after its connection closes (the server process
    // exits in its own time): hold it 700 ms longer from elsewhere, and the request still waits
    // for it instead of answering 503.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [ROUTING_OWNER_LOCK]);
    const release = new Promise((r) => setTimeout(r, 700)).then(() => holder.end());
    const taken = (await http(other).post('/v1/routing/decisions').set(...tel).send(callBody('owner-1')).expect(200)).body;
    await release;
    expect(['agent', 'queue']).toContain(taken.decision);
    const [{ n }] = await tables(other).query(`SELECT count(*)::int AS n FROM contacts WHERE call_id = 'owner-1'`);
    expect(n).toBe(1);
  });

  it('commits concurrent requests in groups: every acknowledged decision and event is in the tables', async () => {
    const app = open[0];
    const loads = `SELECT agent_id, phone_load, state FROM agent_presence ORDER BY agent_id`;
    const before = await tables(app).query(loads);
    const calls = Array.from({ length: 40 }, (_, i) => `group-${i}`);
    const answers = await Promise.all(calls.map((id) => http(app).post('/v1/routing/decisions').set(...tel).send(callBody(id, { callerId: `+3584000${id.slice(6)}` }))));
    for (const a of answers) expect(a.status).toBe(200);
    await Promise.all(calls.map((id) => http(app).post('/v1/routing/events').set(...tel).send(eventBody('abandoned', id)).expect(200)));
    const rows = (await tables(app).query(
      `SELECT c.call_id AS "callId", c.status, array_agg(e.type ORDER BY e.id) AS events FROM contacts c JOIN contact_events e ON e.contact_id = c.id
       WHERE c.call_id LIKE 'group-%' GROUP BY c.call_id, c.status`,
    )) as { callId: string; status: string; events: string[] }[];
    expect(rows).toHaveLength(40);
    for (const r of rows) {
      expect(r.status).toBe('abandoned');
      expect(r.events[0]).toBe('queued');
      expect(r.events[r.events.length - 1]).toBe('abandoned');
    }
    // Every agent that was offered one of them has its capacity back.
    expect((await tables(app).query(loads)).map((r: { phone_load: number }) => r.phone_load)).toEqual(before.map((r: { phone_load: number }) => r.phone_load));
  });

  it('leaves nothing half-written when a group write fails, and works again once the tables accept writes', async () => {
    const app = open[0];
    const ds = tables(app);
    // Make every timeline insert fail, as a full disk or a broken constraint would.
    await ds.query(`ALTER TABLE contact_events ADD CONSTRAINT test_refuse_events CHECK (type = 'none') NOT VALID`);
    try {
      const failed = await http(app).post('/v1/routing/decisions').set(...tel).send(callBody('broken-1'));
      expect(failed.status).toBeGreaterThanOrEqual(500);
    } finally {
      await ds.query(`ALTER TABLE contact_events DROP CONSTRAINT test_refuse_events`);
    }
    expect(await ds.query(`SELECT id FROM contacts WHERE call_id = 'broken-1'`)).toEqual([]);
    // The retried call is decided afresh on the reloaded state and stored whole.
    const retried = (await http(app).post('/v1/routing/decisions').set(...tel).send(callBody('broken-1')).expect(200)).body;
    expect(['agent', 'queue']).toContain(retried.decision);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM contact_events e JOIN contacts c ON c.id = e.contact_id WHERE c.call_id = 'broken-1'`);
    expect(n).toBeGreaterThanOrEqual(1);
  });

  it('reads what other instances changed in the background: decisions do not wait for that read', async () => {
    const app = open[0];
    const ds = tables(app);
    const refreshMs = MemoryRoutingEngine.REFRESH_MS;
    // Another instance adds an entry point; its transaction holds the table while the owner's
    // periodic read of the catalog comes due and waits for it.
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      (MemoryRoutingEngine as unknown as { REFRESH_MS: number }).REFRESH_MS = 100;
      await other.query('BEGIN');
      await other.query('LOCK TABLE entry_points IN ACCESS EXCLUSIVE MODE');
      await other.query(`INSERT INTO entry_points (called_number, name, queue_id) VALUES ('+358209999999', 'New number', $1)`, [w.phoneQueueId]);
      await new Promise((r) => setTimeout(r, 200));
      // The first decision starts the read (which now waits for the lock), the second comes while it waits.
      for (const id of ['background-1', 'background-2']) {
        const res = await http(app).post('/v1/routing/decisions').set(...tel).send(callBody(id)).timeout(3000);
        expect(res.status).toBe(200);
      }
      // The read reaches the entry points after the queues (several statements): on a loaded machine
      // that takes a while, so look until it waits (a decision below then comes while it does).
      let waiting = 0;
      for (let i = 0; i < 100 && waiting === 0; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 50));
        [{ waiting }] = (await ds.query(`SELECT count(*)::int AS waiting FROM pg_locks WHERE relation = 'entry_points'::regclass AND NOT granted`)) as { waiting: number }[];
      }
      expect(waiting).toBeGreaterThan(0);
      const before = (await http(app).post('/v1/routing/decisions').set(...tel).send(callBody('background-3', { calledNumber: '+358209999999' })).expect(200)).body;
      expect(before.decision).toBe('reject');
      await other.query('COMMIT');
      // Once the read has the new number, a call to it reaches the queue.
      let after: { decision: string } = before;
      for (let i = 0; i < 50 && after.decision === 'reject'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = (await http(app).post('/v1/routing/decisions').set(...tel).send(callBody(`background-4-${i}`, { calledNumber: '+358209999999' })).expect(200)).body;
      }
      expect(['agent', 'queue']).toContain(after.decision);
    } finally {
      (MemoryRoutingEngine as unknown as { REFRESH_MS: number }).REFRESH_MS = refreshMs;
      await other.end();
    }
  });

  it('answers every request begun after a catalog change from a catalog read after it, also those that come while that read is in flight', async () => {
    const app = open[0];
    const admin = bearer(TEST_ADMIN_KEY);
    const decide = (callId: string, calledNumber: string) => http(app).post('/v1/routing/decisions').set(...tel).send(callBody(callId, { calledNumber, callerId: '+358407770001' })).then((r) => r);
    const entryPoint = (calledNumber: string) => http(app).post('/v1/entry-points').set(...admin).send({ calledNumber, name: calledNumber, queueId: w.phoneQueueId }).expect(201);
    await decide('reread-0', CALLED_NUMBER);
    // The owner's catalog read stops at the entry points until the test lets it go on.
    const repo = app.get(RoutingRepository, { strict: false });
    let letGo!: () => void;
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    const list = repo.listEntryPoints.bind(repo);
    let reads = 0;
    const spy = jest.spyOn(repo, 'listEntryPoints').mockImplementation(async () => {
      reads++;
      await gate;
      return list();
    });
    try {
      await entryPoint('+358208880001');
      // The first call starts the read; the second comes while it is held; a third number is added
      // meanwhile (that read may have passed it already), and a call to it comes after.
      const first = decide('reread-1', '+358208880001');
      for (let i = 0; i < 200 && reads === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(reads).toBe(1);
      const second = decide('reread-2', '+358208880001');
      await entryPoint('+358208880002');
      const third = decide('reread-3', '+358208880002');
      await new Promise((r) => setTimeout(r, 100));
      letGo();
      for (const res of await Promise.all([first, second, third])) {
        expect(res.status).toBe(200);
        expect(['agent', 'queue']).toContain(res.body.decision);
      }
    } finally {
      letGo();
      spy.mockRestore();
    }
  });

  it('forgets a customer erased while a new owner was loading its state', async () => {
    let app = open[0];
    const number = '+358409990001';
    const customerOf = async (callId: string) =>
      ((await tables(app).query(`SELECT customer_id AS "customerId" FROM contacts WHERE call_id = $1`, [callId])) as { customerId: string }[])[0]?.customerId;
    await http(app).post('/v1/routing/decisions').set(...tel).send(callBody('erase-load-1', { callerId: number })).expect(200);
    await http(app).post('/v1/routing/events').set(...tel).send(eventBody('abandoned', 'erase-load-1')).expect(200);
    const erased = await customerOf('erase-load-1');
    expect(erased).toEqual(expect.any(String));

    // The next owner loads the finished call and its customer; the erasure commits after that read
    // and before the owner has published its address (so nobody could tell it).
    const proto = MemoryRoutingEngine.prototype as unknown as { publish(owner: unknown): Promise<void> };
    const publish = proto.publish;
    const spy = jest.spyOn(proto, 'publish').mockImplementationOnce(async function (this: unknown, owner: unknown) {
      await tables(app).query(`UPDATE customers SET phone_number = NULL, external_ref = 'erased:' || id::text WHERE id = $1`, [erased]);
      return publish.call(this, owner);
    });
    try {
      await stop(app);
      app = await start();
      await http(app).post('/v1/routing/decisions').set(...tel).send(callBody('erase-load-2', { callerId: number })).expect(200);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    await http(app).post('/v1/routing/events').set(...tel).send(eventBody('abandoned', 'erase-load-2')).expect(200);
    // The caller is a new customer; the erased one keeps no number.
    const fresh = await customerOf('erase-load-2');
    expect(fresh).toEqual(expect.any(String));
    expect(fresh).not.toBe(erased);
    expect(await tables(app).query(`SELECT phone_number AS "phoneNumber" FROM customers WHERE id = $1`, [erased])).toEqual([{ phoneNumber: null }]);
  });

  it('deletes an agent whose state is changed meanwhile: that change is refused, the requests beside it stored, the state not reloaded', async () => {
    const app = open[0];
    const admin = bearer(TEST_ADMIN_KEY);
    const { departmentId } = (await http(app).get(`/v1/agents/${w.agentIds[0]}`).set(...admin).expect(200)).body as { departmentId: string };
    const leaving = (
      await http(app)
        .post('/v1/agents')
        .set(...admin)
        .send({ employeeNumber: 'R-LEAVE', displayName: 'Leaving agent', departmentId, phoneUri: 'sip:leave@pbx.example.com', capacity: { phone: 1, chat: 2, email: 2 }, skills: [{ skill: 'lang:fi', proficiency: 5 }] })
        .expect(201)
    ).body.id as string;
    const stayer = w.agentIds[1];
    // On break, so that no call still waiting from the tests before reaches it.
    await http(app).put(`/v1/agents/${leaving}/state`).set(...sup).send({ state: 'break', reason: 'training' }).expect(200);
    await http(app).put(`/v1/agents/${stayer}/state`).set(...sup).send({ state: 'break', reason: 'lunch' }).expect(200);

    // Right after the agent's row is deleted, and before the delete has told routing, the agent is
    // logged in again and another agent comes back from break: both reach the owner in one burst.
    const beside: { leaving?: number; stayer?: number } = {};
    const proto = TypeOrmAgentRepository.prototype;
    const remove = proto.delete;
    const spy = jest.spyOn(proto, 'delete').mockImplementationOnce(async function (this: TypeOrmAgentRepository, id: string) {
      const outcome = await remove.call(this, id);
      const [a, b] = await Promise.all([
        http(app).put(`/v1/agents/${leaving}/state`).set(...sup).send({ state: 'available' }),
        http(app).put(`/v1/agents/${stayer}/state`).set(...sup).send({ state: 'available' }),
      ]);
      beside.leaving = a.status;
      beside.stayer = b.status;
      return outcome;
    });
    const reload = jest.spyOn(MemoryRoutingEngine.prototype as unknown as { reload(o: unknown): Promise<unknown> }, 'reload');
    try {
      await http(app).delete(`/v1/agents/${leaving}`).set(...sup).expect(204);
    } finally {
      spy.mockRestore();
      reload.mockRestore();
    }
    expect(beside).toEqual({ leaving: 404, stayer: 200 });
    expect(reload).not.toHaveBeenCalled();
    const ds = tables(app);
    // Stored: back from break (and given one of the calls still waiting, if any).
    const [{ state }] = (await ds.query(`SELECT state FROM agent_presence WHERE agent_id = $1`, [stayer])) as { state: string }[];
    expect(['available', 'reserved']).toContain(state);
    expect(await ds.query(`SELECT count(*)::int AS n FROM agents WHERE id = $1`, [leaving])).toEqual([{ n: 0 }]);
    await http(app).put(`/v1/agents/${leaving}/state`).set(...sup).send({ state: 'available' }).expect(404);
  });

  it('lets an agent log in again when its delete did not happen', async () => {
    const app = open[0];
    const agent = w.agentIds[2];
    await http(app).put(`/v1/agents/${agent}/state`).set(...sup).send({ state: 'break', reason: 'training' }).expect(200);
    const spy = jest.spyOn(TypeOrmAgentRepository.prototype, 'delete').mockResolvedValueOnce('has-contacts');
    try {
      expect((await http(app).delete(`/v1/agents/${agent}`).set(...sup).expect(409)).body).toMatchObject({ code: 'agent.has_contacts' });
    } finally {
      spy.mockRestore();
    }
    expect((await http(app).put(`/v1/agents/${agent}/state`).set(...sup).send({ state: 'break', reason: 'training' }).expect(200)).body).toMatchObject({ state: 'break' });
    await http(app).put(`/v1/agents/${agent}/state`).set(...sup).send({ state: 'offline' }).expect(200);
  });

  it('brings the presence of an agent changed while nobody could tell the owner in step with its configuration at the next operation', async () => {
    let app = open[0];
    const agent = w.agentIds[2];
    const capacityOf = async () => ((await tables(app).query(`SELECT chat_capacity AS chat FROM agent_presence WHERE agent_id = $1`, [agent])) as { chat: number }[])[0].chat;
    expect(await capacityOf()).toBe(2);
    // Written behind every instance's back (no invalidation), then a new owner loads the state.
    await tables(app).query(`UPDATE agents SET chat_capacity = 1 WHERE id = $1`, [agent]);
    await stop(app);
    app = await start();
    await http(app).post('/v1/routing/decisions').set(...tel).send(callBody('drift-1', { callerId: '+358407770002' })).expect(200);
    expect(await capacityOf()).toBe(1);
  });

  it('takes the late answer of an offer that timed out before a new owner loaded the state', async () => {
    let app = open[0];
    // The calls earlier tests left in line or ringing end first, so the new call goes to an agent.
    for (const { callId } of (await tables(app).query(`SELECT call_id AS "callId" FROM contacts WHERE call_id IS NOT NULL AND status IN ('queued', 'offered', 'connected')`)) as { callId: string }[]) {
      await http(app).post('/v1/routing/events').set(...tel).send(eventBody('ended', callId)).expect(200);
    }
    await http(app).put(`/v1/agents/${w.agentIds[0]}/state`).set(...sup).send({ state: 'available' }).expect(200);
    const d = (await http(app).post('/v1/routing/decisions').set(...tel).send(callBody('late-takeover', { callerId: '+358407770003' })).expect(200)).body;
    expect(d).toMatchObject({ decision: 'agent' });
    const agent = d.agentId as string;
    expect(await (app.get(RoutingEngine) as MemoryRoutingEngine).tick(new Date(Date.now() + 11_000))).toMatchObject({ expired: 1 });
    await stop(app);
    app = await start();
    app.get(RoutingClock).now = () => new Date(Date.now() + 12_000);
    // The PBX kept ringing; the agent picks up after the takeover.
    expect((await http(app).post('/v1/routing/events').set(...tel).send(eventBody('answered', 'late-takeover', { decisionId: d.decisionId, agentId: agent })).expect(200)).body).toEqual({
      applied: true,
      detail: 'answered after its offer timed out: agent busy',
    });
    const [row] = await tables(app).query(`SELECT status, agent_id AS "agentId" FROM contacts WHERE call_id = 'late-takeover'`);
    expect(row).toEqual({ status: 'connected', agentId: agent });
    await http(app).post('/v1/routing/events').set(...tel).send(eventBody('ended', 'late-takeover', { leg: 'agent', durationSec: 1 })).expect(200);
  });
});
