/**
 * Queue and calendar changes apply to routing at once, on both engines: the database engine's
 * catalog cache (RoutingCatalog, 5 s) and the in-memory engine's catalog (refreshed every 5 s)
 * are told of them before the change is answered. Found by an audit: on the in-memory engine a
 * chat handed in to a queue created a moment before got 404 "queue does not exist" for ~5 s.
 */
import { bearer, type TestApp } from '../support/test-app.js';
import { callBody, startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

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
