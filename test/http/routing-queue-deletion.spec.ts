/**
 * Deleting a queue, on both engines (the jest project `routing-memory` runs this again with
 * ROUTING_ENGINE=memory). Contacts are kept for the reports and reference their queue
 * (contacts_queue_fk, ON DELETE RESTRICT), so a queue that has had a contact is not deleted.
 * Found by an audit: DELETE /v1/queues/{id} of such a queue answered 500 (the RESTRICT violation,
 * SQLSTATE 23001, was not mapped to a 4xx), which a supervisor could only quote an error id for.
 */
import { bearer, type TestApp } from '../support/test-app.js';
import { startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

describe('routing: deleting a queue', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let sup: [string, string];
  let tel: [string, string];

  beforeAll(async () => {
    ({ t, w, sup, tel } = await startRoutingTestApp(1));
  });
  afterAll(() => t.close());

  it('refuses a queue that has had contacts with 409 queue.in_use, and the queue goes on routing', async () => {
    const chat = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: 'del-1', language: 'fi' }).expect(201);
    const res = await t.http.delete(`/v1/queues/${w.chatQueueId}`).set(...sup);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'queue.in_use', detail: expect.stringContaining('1 contact(s)') });
    await t.http.get(`/v1/queues/${w.chatQueueId}`).set(...sup).expect(200);
    expect((await t.http.get(`/v1/contacts/${chat.body.id}`).set(...sup).expect(200)).body.queueId).toBe(w.chatQueueId);
    await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: 'del-2', language: 'fi' }).expect(201);
  });

  it('deletes a queue that never had a contact, then answers 404', async () => {
    const admin = bearer(t.adminKey);
    const queue = await t.http
      .post('/v1/queues')
      .set(...admin)
      .send({ key: 'chat-unused', name: 'chat unused', departmentId: w.departmentId, channel: 'chat', language: 'fi', calendarId: w.calendarId, requiredSkills: [] })
      .expect(201);
    await t.http.delete(`/v1/queues/${queue.body.id}`).set(...sup).expect(204);
    expect((await t.http.delete(`/v1/queues/${queue.body.id}`).set(...sup).expect(404)).body.code).toBe('queue.not_found');
  });
});
