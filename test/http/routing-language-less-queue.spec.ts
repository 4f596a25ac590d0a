/**
 * A queue without a language takes each contact's language; a contact without one (language "")
 * asks for no language, so agents of any language serve it — and the queue's wallboard counts them
 * (libs/routing queueRequirements). Here the only logged-in agent speaks Swedish alone.
 */
import { bearer, type TestApp } from '../support/test-app.js';
import { startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

describe('routing: a queue without a language', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let sup: [string, string];
  let swede: string;
  let queueId: string;

  beforeAll(async () => {
    // The world's Finnish agent never logs in.
    ({ t, w, sup } = await startRoutingTestApp(1, { available: false }));
    const admin = bearer(t.adminKey);
    swede = (
      await t.http
        .post('/v1/agents')
        .set(...admin)
        .send({ employeeNumber: 'SV001', displayName: 'Svensk', departmentId: w.departmentId, phoneUri: 'sip:sv001@pbx.example.com', capacity: { phone: 1, chat: 2, email: 3 }, skills: [{ skill: 'lang:sv', proficiency: 5 }] })
        .expect(201)
    ).body.id;
    queueId = (
      await t.http
        .post('/v1/queues')
        .set(...admin)
        .send({ key: 'chat-any', name: 'chat, any language', departmentId: w.departmentId, channel: 'chat', language: null, calendarId: w.calendarId, requiredSkills: [] })
        .expect(201)
    ).body.id;
    await t.http.put(`/v1/agents/${swede}/state`).set(...sup).send({ state: 'available' }).expect(200);
  });
  afterAll(() => t.close());

  const chat = async (customerRef: string, language: string) =>
    (await t.http.post('/v1/contacts').set(...bearer(await t.keyFor('telephony'))).send({ channel: 'chat', queueId, customerRef, language }).expect(201)).body;

  it('counts an agent of any language on its wallboard', async () => {
    const stats = (await t.http.get(`/v1/queues/${queueId}/stats`).set(...sup).expect(200)).body;
    expect(stats.agentsByState).toMatchObject({ available: 1 });
    expect(stats.estimatedWaitSeconds).toBe(0);
  });

  it('offers a contact without a language to an agent of any language; one in Finnish still needs Finnish', async () => {
    expect(await chat('web-any-1', '')).toMatchObject({ status: 'offered', agentId: swede });
    const fi = await chat('web-any-2', 'fi');
    expect(fi).toMatchObject({ status: 'queued', agentId: null });
    const why = (await t.http.get(`/v1/contacts/${fi.id}/explanation`).set(...sup).expect(200)).body;
    expect(JSON.stringify(why)).toContain("lang:fi");
    expect(await chat('web-any-3', 'sv')).toMatchObject({ status: 'offered', agentId: swede });
  });
});
