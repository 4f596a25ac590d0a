/**
 * A queue's opening hours on chats and emails, on either engine (the jest project `routing-memory`
 * runs this again with ROUTING_ENGINE=memory): a chat to a closed queue is refused (409 queue.closed,
 * with when it opens) and leaves nothing behind, as a call gets SIP 480; an email is accepted at any
 * hour but is offered only once its queue is open, not to an agent who happens to be logged in at night.
 */
import { DataSource } from 'typeorm';
import { buildRoutingWorld, type RoutingWorld } from '../routing/routing-world.js';
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** Monday 23 November 2026, 21:00 in Helsinki (UTC+2): the office closed at 16:00 and opens on Tuesday at 08:00 (06:00 UTC). */
const MONDAY_NIGHT = new Date('2026-11-23T19:00:00.000Z');
const TUESDAY_OPENING = new Date('2026-11-24T06:00:00.000Z');

describe('routing: chats and emails to a closed queue', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let db: DataSource;
  let engine: RoutingEngine;
  let now = MONDAY_NIGHT;
  let chatQueueId: string;
  let emailQueueId: string;

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false });
    t.app.get(RoutingClock).now = () => now;
    w = await buildRoutingWorld(t, 1);
    tel = bearer(await t.keyFor('telephony'));
    sup = bearer(await t.keyFor('supervisor'));
    db = t.app.get(DataSource);
    engine = t.app.get(RoutingEngine);
    const admin = bearer(t.adminKey);
    const office = await t.http
      .post('/v1/calendars')
      .set(...admin)
      .send({ key: 'office', name: 'Office hours', timeZone: 'Europe/Helsinki', holidayRegion: null, openingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:00', close: '16:00' })) })
      .expect(201);
    const queue = async (channel: string) =>
      (
        await t.http
          .post('/v1/queues')
          .set(...admin)
          .send({ key: `${channel}-office`, name: `${channel} office`, departmentId: w.departmentId, channel, language: 'fi', calendarId: office.body.id, requiredSkills: [{ skill: 'lang:fi', minProficiency: 3 }] })
          .expect(201)
      ).body.id as string;
    chatQueueId = await queue('chat');
    emailQueueId = await queue('email');
    // An agent logged in at night, with room for chats and emails.
    await t.http.put(`/v1/agents/${w.agentIds[0]}/state`).set(...sup).send({ state: 'available' }).expect(200);
  });
  afterAll(() => t.close());

  it('refuses a chat while its queue is closed, naming the queue and when it opens, and records nothing', async () => {
    const res = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: chatQueueId, customerRef: 'web-night-1', language: 'fi' }).expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'queue.closed', queueId: chatQueueId, opensAt: TUESDAY_OPENING.toISOString(), errors: [{ field: 'queueId', rule: 'open', message: expect.any(String) }] });
    expect(res.body.detail).toContain(TUESDAY_OPENING.toISOString());
    const [{ contacts }] = await db.query(`SELECT count(*)::int AS contacts FROM contacts WHERE queue_id = $1`, [chatQueueId]);
    const [{ customers }] = await db.query(`SELECT count(*)::int AS customers FROM customers WHERE external_ref = 'web-night-1'`);
    expect({ contacts, customers }).toEqual({ contacts: 0, customers: 0 });
  });

  it('accepts an email at night but offers it only when its queue opens, not to the agent logged in at night', async () => {
    const res = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'email', queueId: emailQueueId, customerRef: 'mail-night-1', language: 'fi', subject: 'Instalment' }).expect(201);
    expect(res.body).toMatchObject({ status: 'queued', agentId: null });
    const explanation = (await t.http.get(`/v1/contacts/${res.body.id}/explanation`).set(...sup).expect(200)).body;
    expect(explanation).toMatchObject({ rule: 'queue-closed', summary: expect.stringContaining(TUESDAY_OPENING.toISOString()) });

    // The night goes on: the sweep and the agent's own state changes offer it nothing.
    now = new Date(MONDAY_NIGHT.getTime() + 3600_000);
    await engine.tick(now);
    await t.http.put(`/v1/agents/${w.agentIds[0]}/state`).set(...sup).send({ state: 'break', reason: 'coffee' }).expect(200);
    await t.http.put(`/v1/agents/${w.agentIds[0]}/state`).set(...sup).send({ state: 'available' }).expect(200);
    expect((await t.http.get(`/v1/contacts/${res.body.id}`).set(...sup).expect(200)).body).toMatchObject({ status: 'queued', agentId: null });
    const offers = (await t.http.get(`/v1/agents/${w.agentIds[0]}/offers`).set(...sup).expect(200)).body as { contactId: string }[];
    expect(offers).toEqual([]);

    // The office opens: the next sweep offers it.
    now = new Date(TUESDAY_OPENING.getTime() + 1000);
    await engine.tick(now);
    expect((await t.http.get(`/v1/contacts/${res.body.id}`).set(...sup).expect(200)).body).toMatchObject({ status: 'offered', agentId: w.agentIds[0] });
  });

  it('does not count a call refused at the closed door (SIP 480) as offered on the wallboard, as the reports do not', async () => {
    // Found by an audit: offeredToday counted every call refused before the opening.
    const admin = bearer(t.adminKey);
    const officeCalendarId = (await t.http.get(`/v1/queues/${chatQueueId}`).set(...admin).expect(200)).body.calendarId as string;
    const phoneQueueId = (
      await t.http
        .post('/v1/queues')
        .set(...admin)
        .send({ key: 'phone-office', name: 'phone office', departmentId: w.departmentId, channel: 'phone', language: 'fi', calendarId: officeCalendarId, requiredSkills: [{ skill: 'lang:fi', minProficiency: 3 }] })
        .expect(201)
    ).body.id as string;
    await t.http.post('/v1/entry-points').set(...admin).send({ calledNumber: '+358201239999', name: 'Office line', queueId: phoneQueueId }).expect(201);
    const call = (callId: string) => ({ channel: 'phone', callId, callerId: '+358401112233', callerName: '', calledNumber: '+358201239999', language: 'fi' });
    // Tuesday 07:30 in Helsinki: closed; 08:10: open.
    now = new Date('2026-11-24T05:30:00.000Z');
    expect((await t.http.post('/v1/routing/decisions').set(...tel).send(call('closed-door-1')).expect(200)).body).toMatchObject({ decision: 'reject', sipCode: 480 });
    now = new Date('2026-11-24T06:10:00.000Z');
    expect((await t.http.post('/v1/routing/decisions').set(...tel).send(call('open-door-1')).expect(200)).body.decision).not.toBe('reject');
    // The caller hangs up (the agent is free for the next test's chat).
    await t.http.post('/v1/routing/events').set(...tel).send({ event: 'abandoned', channel: 'phone', callId: 'open-door-1', leg: 'caller', ts: now.toISOString() }).expect(200);
    const stats = (await t.http.get(`/v1/queues/${phoneQueueId}/stats`).set(...sup).expect(200)).body;
    expect(stats).toMatchObject({ offeredToday: 1, abandonedToday: 1 });
  });

  it('refuses to transfer a chat to a chat queue its calendar has closed (409 queue.closed), and the agent keeps it', async () => {
    // Found by an audit: the transfer was accepted and the customer waited in a closed queue.
    // Tuesday 17:00 in Helsinki: the office queue closed at 16:00; the world's queue is always open.
    now = new Date('2026-11-24T15:00:00.000Z');
    const agentId = w.agentIds[0];
    const chat = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: 'web-evening-1', language: 'fi' }).expect(201);
    expect(chat.body).toMatchObject({ status: 'offered', agentId });
    const offers = (await t.http.get(`/v1/agents/${agentId}/offers`).set(...sup).expect(200)).body as { offerId: string; contactId: string }[];
    const offer = offers.find((o) => o.contactId === chat.body.id)!;
    const admin = bearer(t.adminKey);
    await t.http.post(`/v1/agents/${agentId}/offers/${offer.offerId}/accept`).set(...admin).expect(200);
    const res = await t.http.post(`/v1/agents/${agentId}/contacts/${chat.body.id}/transfer`).set(...admin).send({ queueId: chatQueueId }).expect(409);
    expect(res.body).toMatchObject({ code: 'queue.closed', queueId: chatQueueId, opensAt: '2026-11-25T06:00:00.000Z', errors: [{ field: 'queueId', rule: 'open' }] });
    expect((await t.http.get(`/v1/contacts/${chat.body.id}`).set(...sup).expect(200)).body).toMatchObject({ status: 'connected', agentId, queueId: w.chatQueueId });
  });
});
