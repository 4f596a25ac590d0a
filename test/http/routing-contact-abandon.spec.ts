/**
 * The chat and email gateway withdraws a contact whose customer left (POST /v1/contacts/{id}/abandon),
 * on either engine (the jest project `routing-memory` runs this again with ROUTING_ENGINE=memory): a
 * queued or offered contact ends abandoned, an outstanding offer is withdrawn and its agent released,
 * and it counts as abandoned on the wallboard and in the reports; a connected one is the agent's to
 * complete, a finished one and an inbound call are refused.
 */
import { RefreshReportRollups } from '../../apps/api/src/reports/report-rollup.job.js';
import { callBody, startRoutingTestApp, type RoutingTestApp } from '../routing/routing-world.js';
import { bearer } from '../support/test-app.js';

describe('routing: a chat or email whose customer left', () => {
  let r: RoutingTestApp;
  let agentKey: [string, string];

  beforeAll(async () => {
    r = await startRoutingTestApp(1);
    agentKey = bearer((await r.t.http.post(`/v1/agents/${r.w.agentIds[0]}/api-keys`).set(...bearer(r.t.adminKey)).send({ name: 'desk' }).expect(201)).body.key as string);
  });
  afterAll(() => r.t.close());

  const chat = async (customerRef: string) =>
    (await r.t.http.post('/v1/contacts').set(...r.tel).send({ channel: 'chat', queueId: r.w.chatQueueId, customerRef, language: 'fi' }).expect(201)).body;
  const abandon = (id: string) => r.t.http.post(`/v1/contacts/${id}/abandon`).set(...r.tel);
  const offers = async () => (await r.t.http.get(`/v1/agents/${r.w.agentIds[0]}/offers`).set(...r.sup).expect(200)).body as { contactId: string; offerId: string }[];
  const timeline = async (id: string) => (await r.t.http.get(`/v1/contacts/${id}`).set(...r.sup).expect(200)).body;

  it('ends an offered chat abandoned: the offer is withdrawn and the agent released', async () => {
    const c = await chat('web-left-1');
    expect(c).toMatchObject({ status: 'offered', agentId: r.w.agentIds[0] });
    const offerId = (await offers()).find((o) => o.contactId === c.id)!.offerId;

    const res = await abandon(c.id).expect(200);
    expect(res.body).toMatchObject({ id: c.id, status: 'abandoned', endedAt: expect.any(String) });
    expect(await offers()).toEqual([]);
    const presence = (await r.t.http.get(`/v1/agents/${r.w.agentIds[0]}/state`).set(...r.sup).expect(200)).body;
    expect(presence).toMatchObject({ state: 'available', load: { phone: 0, chat: 0, email: 0 } });
    expect((await timeline(c.id)).timeline.at(-1)).toMatchObject({ type: 'abandoned', agentId: r.w.agentIds[0], offerId, detail: { reportedBy: 'gateway' } });
    // The withdrawn offer is not the agent's to accept any more.
    await r.t.http.post(`/v1/agents/${r.w.agentIds[0]}/offers/${offerId}/accept`).set(...agentKey).expect(409);
    // Once is enough: a finished contact stays as it ended.
    expect((await abandon(c.id).expect(409)).body).toMatchObject({ code: 'contact.finished' });
  });

  it('ends a queued email abandoned, with no agent', async () => {
    await r.t.http.put(`/v1/agents/${r.w.agentIds[0]}/state`).set(...r.sup).send({ state: 'break', reason: 'lunch' }).expect(200);
    const mail = (await r.t.http.post('/v1/contacts').set(...r.tel).send({ channel: 'email', queueId: r.w.emailQueueId, customerRef: 'mail-left-1', language: 'fi' }).expect(201)).body;
    expect(mail.status).toBe('queued');
    expect((await abandon(mail.id).expect(200)).body).toMatchObject({ status: 'abandoned', agentId: null });
    expect((await timeline(mail.id)).timeline.at(-1)).toMatchObject({ type: 'abandoned', agentId: null, offerId: null });
    await r.t.http.put(`/v1/agents/${r.w.agentIds[0]}/state`).set(...r.sup).send({ state: 'available' }).expect(200);
    expect(await offers()).toEqual([]);
  });

  it('leaves a connected chat to its agent (409 contact.connected), who completes it', async () => {
    const c = await chat('web-left-2');
    const offerId = (await offers()).find((o) => o.contactId === c.id)!.offerId;
    await r.t.http.post(`/v1/agents/${r.w.agentIds[0]}/offers/${offerId}/accept`).set(...agentKey).expect(200);
    expect((await abandon(c.id).expect(409)).body).toMatchObject({ code: 'contact.connected' });
    expect((await timeline(c.id)).status).toBe('connected');
    await r.t.http.post(`/v1/agents/${r.w.agentIds[0]}/contacts/${c.id}/complete`).set(...agentKey).send({ wrapUpSeconds: 0 }).expect(200);
  });

  it('refuses an inbound call (the telephony reports it), an unknown contact, a malformed id and a role other than the gateway\'s', async () => {
    await r.t.http.post('/v1/routing/decisions').set(...r.tel).send(callBody('call-left-1')).expect(200);
    const call = await timeline('call-left-1');
    expect((await abandon(call.id).expect(409)).body).toMatchObject({ code: 'contact.reported_by_telephony' });
    expect((await abandon('01900000-0000-7000-8000-000000000000').expect(404)).body).toMatchObject({ code: 'contact.not_found' });
    expect((await abandon('nope').expect(422)).body.errors).toEqual([expect.objectContaining({ field: 'id', rule: 'isUuid' })]);
    const c = await chat('web-left-3');
    await r.t.http.post(`/v1/contacts/${c.id}/abandon`).set(...r.sup).expect(403);
    await abandon(c.id).expect(200);
  });

  it('counts the abandoned chats and email on the wallboard and in the contacts report', async () => {
    expect((await r.t.http.get(`/v1/queues/${r.w.chatQueueId}/stats`).set(...r.sup).expect(200)).body).toMatchObject({ abandonedToday: 2 });
    expect((await r.t.http.get(`/v1/queues/${r.w.emailQueueId}/stats`).set(...r.sup).expect(200)).body).toMatchObject({ abandonedToday: 1 });
    await r.t.app.get(RefreshReportRollups).execute();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(r.clock.now());
    const report = await r.t.http.get('/v1/reports/contacts').query({ from: today, to: today, period: 'day', groupBy: 'channel' }).set(...bearer(await r.t.keyFor('manager'))).expect(200);
    const by = Object.fromEntries(report.body.rows.map((row: { group: string; abandoned: number }) => [row.group, row.abandoned]));
    expect(by).toMatchObject({ chat: 2, email: 1 });
  });
});
