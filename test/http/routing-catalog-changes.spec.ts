/**
 * Queue and calendar changes apply to routing at once, on both engines: the database engine's
 * catalog cache (RoutingCatalog, 5 s) and the in-memory engine's catalog (refreshed every 5 s)
 * are told of them before the change is answered. Found by an audit: on the in-memory engine a
 * chat handed in to a queue created a moment before got 404 "queue does not exist" for ~5 s.
 * A second audit: concurrent requests right after a change ran on the catalog read before it
 * (only the first of a burst waited for the re-read), and the calls were rejected with a lasting
 * SIP 404 (the reject is the call id's idempotent answer).
 */
import { bearer, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, CALLED_NUMBER, startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

describe('routing: queue and calendar changes apply at once', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let admin: [string, string];
  let tel: [string, string];

  beforeAll(async () => {
    ({ t, w, tel } = await startRoutingTestApp(1));
    admin = bearer(t.adminKey);
  });
  afterAll(() => t.close());

  it('routes a chat to a queue created a moment before', async () => {
    // The catalog is loaded (and cached) by a first contact.
    await t.http.post('/v1/contacts').set(...admin).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: 'cat-1', language: 'fi' }).expect(201);
    const queue = await t.http
      .post('/v1/queues')
      .set(...admin)
      .send({ key: 'chat-new', name: 'chat new', departmentId: w.departmentId, channel: 'chat', language: 'fi', calendarId: w.calendarId, requiredSkills: [] })
      .expect(201);
    const res = await t.http.post('/v1/contacts').set(...admin).send({ channel: 'chat', queueId: queue.body.id, customerRef: 'cat-2', language: 'fi' });
    expect(res.status).toBe(201);
    expect(res.body.queueId).toBe(queue.body.id);
  });

  it('routes a burst of calls and chats sent right after a new department is set up, every one on the new catalog', async () => {
    // Calendar, department, queues, entry point and agent, each answered 201, then at once and in parallel:
    const fresh = await buildRoutingWorld(t, 1, { suffix: '-b7' });
    const calledNumber = `${CALLED_NUMBER}7`;
    const [calls, chats] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, (_, i) => t.http.post('/v1/routing/decisions').set(...tel).send(callBody(`cat-burst-${i}`, { calledNumber, callerId: `+35840777${String(i).padStart(4, '0')}` })))),
      Promise.all(Array.from({ length: 20 }, (_, i) => t.http.post('/v1/contacts').set(...admin).send({ channel: 'chat', queueId: fresh.chatQueueId, customerRef: `cat-burst-${i}`, language: 'fi' }))),
    ]);
    expect(calls.map((r) => [r.status, r.body.decision, r.body.reason])).toEqual(calls.map(() => [200, 'queue', undefined]));
    expect(chats.map((r) => [r.status, r.body.queueId])).toEqual(chats.map(() => [201, fresh.chatQueueId]));
    // The answer a call id keeps is the one it was given on the new catalog.
    const again = await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('cat-burst-0', { calledNumber, callerId: '+358407770000' })).expect(200);
    expect(again.body).toEqual(calls[0].body);
  });

  it('rejects calls as closed as soon as the calendar closes', async () => {
    const open = await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('cat-call-1')).expect(200);
    expect(open.body.decision).not.toBe('reject');
    const calendar = (await t.http.get(`/v1/calendars/${w.calendarId}`).set(...admin).expect(200)).body;
    await t.http
      .put(`/v1/calendars/${w.calendarId}`)
      .set(...admin)
      .send({ key: calendar.key, name: calendar.name, timeZone: calendar.timeZone, holidayRegion: calendar.holidayRegion, openingHours: [] })
      .expect(200);
    const closed = await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('cat-call-2')).expect(200);
    expect(closed.body).toMatchObject({ decision: 'reject', sipCode: 480 });
  });
});
