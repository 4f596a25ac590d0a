/**
 * Several API instances on one PostgreSQL database never assign a contact twice nor put an agent
 * over capacity: three applications (3 × createApp on the same test database, routing jobs on in
 * all three) receive concurrent decisions (each call retried on another instance), chats, emails,
 * telephony events and state changes; then the invariants are checked in the database.
 * The instances listen on ports of their own, so that with ROUTING_ENGINE=memory (jest project
 * routing-memory) the two that do not own the routing state forward to the one that does.
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, startListeningApp } from '../support/test-app.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';
import { buildRoutingWorld, callBody, eventBody, testAppAt, type RoutingWorld } from './routing-world.js';

const AGENTS = 12;
const CALLS = 45;
const CHATS = 24;
const EMAILS = 15;

describe('routing: three instances on one database', () => {
  let db: { name: string; url: string };
  const apps: NestExpressApplication[] = [];
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let ds: DataSource;

  const urls: string[] = [];
  const http = (i: number) => request(urls[i % urls.length]);

  beforeAll(async () => {
    db = await createTestDatabase();
    // One after the other: each start makes sure the bootstrap admin key exists.
    for (let i = 0; i < 3; i++) {
      const { app, url } = await startListeningApp(db.url, { routingJobs: true });
      apps.push(app);
      urls.push(url);
    }
    const t = testAppAt(urls[0]);
    w = await buildRoutingWorld(t, AGENTS, { capacity: { phone: 1, chat: 2, email: 2 } });
    tel = bearer(await t.keyFor('telephony'));
    sup = bearer(await t.keyFor('supervisor'));
    ds = apps[0].get(DataSource);
    await Promise.all(w.agentIds.map((id, i) => http(i).put(`/v1/agents/${id}/state`).set(...sup).send({ state: 'available' }).expect(200)));
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await dropTestDatabase(db.name);
  });

  it('keeps every invariant under concurrent decisions, retries, events and state changes', async () => {
    const decisions = new Map<string, unknown[]>();
    const call = async (n: number): Promise<void> => {
      const callId = `c3-${n}`;
      // The same call to two instances at once (a retry after a timeout): one contact, one decision.
      const [r1, r2] = await Promise.all([http(n).post('/v1/routing/decisions').set(...tel).send(callBody(callId, { callerId: `+35840${n % 7}` })), http(n + 1).post('/v1/routing/decisions').set(...tel).send(callBody(callId, { callerId: `+35840${n % 7}` }))]);
      expect([r1.status, r2.status]).toEqual([200, 200]);
      decisions.set(callId, [r1.body, r2.body]);
      if (r1.body.decision !== 'agent') {
        if (n % 3 === 0) await http(n + 2).post('/v1/routing/events').set(...tel).send(eventBody('abandoned', callId)).expect(200);
        return;
      }
      const ev = (name: string, i: number) => http(n + i).post('/v1/routing/events').set(...tel).send(eventBody(name, callId, { decisionId: r1.body.decisionId })).expect(200);
      if (n % 5 === 0) return void (await ev('agent_failed', 2));
      await ev('answered', 1);
      await Promise.all([ev('answered', 2), ev('answered', 0)]); // duplicates, on other instances
      if (n % 2 === 0) await ev('ended', 2);
    };
    const contact = (n: number, channel: 'chat' | 'email') =>
      http(n)
        .post('/v1/contacts')
        .set(...tel)
        .send({ channel, queueId: channel === 'chat' ? w.chatQueueId : w.emailQueueId, customerRef: `${channel}-${n}`, language: 'fi' })
        .expect(201);
    const flip = async (i: number): Promise<void> => {
      const id = w.agentIds[i];
      await http(i).put(`/v1/agents/${id}/state`).set(...sup).send({ state: 'break', reason: 'coffee' }).expect(200);
      await http(i + 1).put(`/v1/agents/${id}/state`).set(...sup).send({ state: 'available' }).expect(200);
    };
    await Promise.all([
      ...Array.from({ length: CALLS }, (_, n) => call(n)),
      ...Array.from({ length: CHATS }, (_, n) => contact(n, 'chat')),
      ...Array.from({ length: EMAILS }, (_, n) => contact(n, 'email')),
      ...Array.from({ length: 6 }, (_, i) => flip(i)),
    ]);
    // Let the three instances' jobs run a couple of ticks (wrap-ups, sweeps) concurrently with checks.
    await new Promise((r) => setTimeout(r, 2500));

    for (const [callId, [a, b]] of decisions) expect({ callId, same: b }).toEqual({ callId, same: a });

    const [{ contacts, calls }] = await ds.query(`SELECT count(*)::int AS contacts, count(DISTINCT call_id)::int AS calls FROM contacts WHERE channel = 'phone'`);
    expect({ contacts, calls }).toEqual({ contacts: CALLS, calls: CALLS });

    // No contact assigned twice: at most one live reservation per contact, and it matches the contact.
    const doubles = await ds.query(`SELECT contact_id FROM reservations WHERE status IN ('offered', 'accepted') GROUP BY contact_id HAVING count(*) > 1`);
    expect(doubles).toEqual([]);
    const mismatched = await ds.query(`
      SELECT c.id, c.status, c.agent_id, r.agent_id AS r_agent FROM contacts c
      LEFT JOIN reservations r ON r.contact_id = c.id AND r.status IN ('offered', 'accepted')
      WHERE (c.status IN ('offered', 'connected') AND (r.id IS NULL OR r.agent_id IS DISTINCT FROM c.agent_id))
         OR (c.status NOT IN ('offered', 'connected') AND r.id IS NOT NULL)`);
    expect(mismatched).toEqual([]);

    // No agent over capacity, and loads equal the live reservations per channel.
    const agents = await ds.query(`
      SELECT p.agent_id, p.state, p.phone_load, p.chat_load, p.email_load, p.phone_capacity, p.chat_capacity, p.email_capacity,
        count(r.id) FILTER (WHERE r.channel = 'phone')::int AS phone_live,
        count(r.id) FILTER (WHERE r.channel = 'chat')::int AS chat_live,
        count(r.id) FILTER (WHERE r.channel = 'email')::int AS email_live
      FROM agent_presence p LEFT JOIN reservations r ON r.agent_id = p.agent_id AND r.status IN ('offered', 'accepted')
      GROUP BY p.agent_id`);
    expect(agents).toHaveLength(AGENTS);
    for (const a of agents) {
      expect({ agent: a.agent_id, phone: a.phone_load, chat: a.chat_load, email: a.email_load }).toEqual({ agent: a.agent_id, phone: a.phone_live, chat: a.chat_live, email: a.email_live });
      expect(a.phone_load).toBeLessThanOrEqual(a.phone_capacity);
      expect(a.chat_load).toBeLessThanOrEqual(a.chat_capacity);
      expect(a.email_load).toBeLessThanOrEqual(a.email_capacity);
      expect(a.phone_load === 0 || a.chat_load === 0).toBe(true);
    }
    // Work was actually done, by several agents.
    const [{ served }] = await ds.query(`SELECT count(DISTINCT agent_id)::int AS served FROM reservations`);
    expect(served).toBeGreaterThan(AGENTS / 2);
    // Every contact has a timeline that starts with "queued" (or a rejection).
    const [{ bare }] = await ds.query(`SELECT count(*)::int AS bare FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM contact_events e WHERE e.contact_id = c.id AND e.type IN ('queued', 'decision-rejected'))`);
    expect(bare).toBe(0);
  });
});
