import { ForecastingRepository } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { bearer } from '../support/test-app.js';
import { callBody, eventBody, startRoutingTestApp, type RoutingTestApp } from '../routing/routing-world.js';

/**
 * A lost `ended` (a dropped HTTP request, a crashed proxy) left the agent busy for ever. Safety
 * nets: each queue's maximum contact duration, after which the routing sweep ends the contact as
 * if its end had come, and a supervisor's POST /v1/contacts/{id}/end. The routing clock is moved
 * by hours here; the jobs are off, ticks are driven.
 */
describe('routing: contacts whose end never comes', () => {
  let r: RoutingTestApp;
  let desk: [string, string];
  let mgr: [string, string];
  const HOUR = 3600_000;
  const decide = async (callId: string, callerId: string) => (await r.t.http.post('/v1/routing/decisions').set(...r.tel).send(callBody(callId, { callerId })).expect(200)).body;
  const event = async (name: string, callId: string, extra: Record<string, unknown> = {}) =>
    (await r.t.http.post('/v1/routing/events').set(...r.tel).send(eventBody(name, callId, extra)).expect(200)).body as { applied: boolean; detail: string };
  const contact = async (id: string) => (await r.t.http.get(`/v1/contacts/${id}`).set(...r.sup).expect(200)).body;
  const presence = async (agentId: string) => (await r.t.http.get(`/v1/agents/${agentId}/state`).set(...r.sup).expect(200)).body;
  const settings = (queueId: string, body: Record<string, unknown>) =>
    r.t.http.put(`/v1/queues/${queueId}/routing-settings`).set(...r.sup).send({ wrapUpSeconds: 30, meanHandleSeconds: 300, ...body });
  const end = (id: string, key: [string, string] = r.sup) => r.t.http.post(`/v1/contacts/${id}/end`).set(...key);

  beforeAll(async () => {
    r = await startRoutingTestApp(2);
    desk = bearer((await r.t.http.post(`/v1/agents/${r.w.agentIds[0]}/api-keys`).set(...bearer(r.t.adminKey)).send({ name: 'desk' }).expect(201)).body.key);
    mgr = bearer(await r.t.keyFor('manager'));
  });
  afterAll(() => r.t.close());

  it('sets a queue\'s maximum contact duration within 5 minutes to 7 days (null: the channel default)', async () => {
    expect((await r.t.http.get(`/v1/queues/${r.w.phoneQueueId}/routing-settings`).set(...r.sup).expect(200)).body).toMatchObject({ maxContactSeconds: null });
    for (const [value, rule] of [[299, 'min'], [604801, 'max'], [1000.5, 'isInt']] as const) {
      const res = await settings(r.w.chatQueueId, { maxContactSeconds: value }).expect(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'maxContactSeconds', rule })]);
    }
    expect((await settings(r.w.chatQueueId, { maxContactSeconds: 600 }).expect(200)).body).toMatchObject({ maxContactSeconds: 600 });
    expect((await r.t.http.get(`/v1/queues/${r.w.chatQueueId}/routing-settings`).set(...r.sup).expect(200)).body).toMatchObject({ maxContactSeconds: 600, wrapUpSeconds: 30 });
  });

  it('ends a call whose ended was lost after the 4-hour default, as if ended, without wrap-up; the agent is free; the late ended is ignored', async () => {
    const d = await decide('lost-end', '+358402000001');
    expect(d.decision).toBe('agent');
    expect(await event('answered', 'lost-end', { decisionId: d.decisionId })).toEqual({ applied: true, detail: 'agent busy' });
    const answered = await contact('lost-end');

    r.time.offsetMs += 4 * HOUR - 60_000;
    expect(await r.engine.tick()).toMatchObject({ ran: true, overdue: 0 });
    expect(await presence(d.agentId)).toMatchObject({ state: 'busy' });
    r.time.offsetMs += 60_000;
    expect(await r.engine.tick()).toMatchObject({ ran: true, overdue: 1, wrapUps: 0 });

    const ended = await contact('lost-end');
    expect(ended).toMatchObject({ status: 'ended', endReason: 'max-duration', answeredAt: answered.answeredAt });
    expect(Date.parse(ended.endedAt) - Date.parse(answered.answeredAt)).toBeGreaterThanOrEqual(4 * HOUR);
    expect(ended.timeline.at(-1)).toMatchObject({
      type: 'ended',
      agentId: d.agentId,
      offerId: d.decisionId,
      detail: {
        wrapUpSeconds: 0,
        closedBy: 'max-duration',
        maxContactSeconds: 14400,
        note: "closed for exceeding the queue's maximum contact duration (14400 s) without an end reported; no wrap-up",
      },
    });
    expect(await presence(d.agentId)).toMatchObject({ state: 'available', load: { phone: 0, chat: 0, email: 0 }, wrapUpUntil: null });
    expect(await event('ended', 'lost-end', { decisionId: d.decisionId, hangupBy: 'caller' })).toEqual({ applied: false, detail: 'contact is ended' });
    expect((await contact('lost-end')).timeline).toHaveLength(ended.timeline.length);
    // The agent is routed again.
    const next = await decide('after-lost-end', '+358402000002');
    expect(next.decision).toBe('agent');
    await event('abandoned', 'after-lost-end');
  });

  it("ends a chat held past its queue's own maximum; a break asked for meanwhile begins then", async () => {
    const a = r.w.agentIds[0];
    await r.t.http.put(`/v1/agents/${r.w.agentIds[1]}/state`).set(...r.sup).send({ state: 'break', reason: 'lunch' }).expect(200);
    const chat = (await r.t.http.post('/v1/contacts').set(...r.tel).send({ channel: 'chat', queueId: r.w.chatQueueId, customerRef: 'held-chat', language: 'fi' }).expect(201)).body;
    expect(chat.agentId).toBe(a);
    const offer = (await r.t.http.get(`/v1/agents/${a}/offers`).set(...desk).expect(200)).body.find((o: { contactId: string }) => o.contactId === chat.id);
    await r.t.http.post(`/v1/agents/${a}/offers/${offer.offerId}/accept`).set(...desk).expect(200);
    await r.t.http.put(`/v1/agents/${a}/state`).set(...desk).send({ state: 'break', reason: 'coffee' }).expect(200);
    r.time.offsetMs += 590_000;
    expect(await r.engine.tick()).toMatchObject({ overdue: 0 });
    r.time.offsetMs += 15_000;
    expect(await r.engine.tick()).toMatchObject({ overdue: 1 });
    expect(await contact(chat.id)).toMatchObject({ status: 'ended', endReason: 'max-duration', timeline: expect.arrayContaining([expect.objectContaining({ type: 'ended', detail: expect.objectContaining({ maxContactSeconds: 600 }) })]) });
    expect(await presence(a)).toMatchObject({ state: 'break', breakReason: 'coffee', pendingState: null });
    for (const id of r.w.agentIds) await r.t.http.put(`/v1/agents/${id}/state`).set(...r.sup).send({ state: 'available' }).expect(200);
  });

  it('lets a supervisor end a stuck call: the agent is released at once, the timeline names who; 409 contact.finished after', async () => {
    const d = await decide('stuck', '+358402000003');
    await event('answered', 'stuck', { decisionId: d.decisionId });
    const stuck = await contact('stuck');

    for (const key of [r.tel, mgr, desk]) await end(stuck.id, key).expect(403);
    await end('00000000-0000-4000-8000-000000000000').expect(404);
    const res = await end('stuck').expect(200);
    expect(res.body).toMatchObject({ id: stuck.id, status: 'ended', endReason: 'ended-by-supervisor', agentId: d.agentId, answeredAt: stuck.answeredAt });
    const supervisorKey = (await r.t.http.get('/v1/api-keys').set(...bearer(r.t.adminKey)).expect(200)).body.find((k: { name: string }) => k.name === 'test supervisor');
    expect(res.body.timeline.at(-1)).toEqual({
      at: res.body.endedAt,
      type: 'ended',
      agentId: d.agentId,
      offerId: d.decisionId,
      detail: {
        wrapUpSeconds: 0,
        closedBy: 'supervisor',
        endedBy: { apiKeyId: supervisorKey.id, keyName: 'test supervisor', role: 'supervisor' },
        note: 'ended by hand (supervisor key test supervisor)',
      },
    });
    expect(await presence(d.agentId)).toMatchObject({ state: 'available', load: { phone: 0 }, wrapUpUntil: null });
    expect(await contact('stuck')).toMatchObject({ status: 'ended', timeline: res.body.timeline });

    const again = await end(stuck.id).expect(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({ status: 409, code: 'contact.finished', detail: `contact ${stuck.id} is ended already: there is nothing to end` });
    expect(await event('ended', 'stuck')).toEqual({ applied: false, detail: 'contact is ended' });
  });

  it('ends a call still waiting unanswered, and answers 409 for a contact that finished long ago', async () => {
    for (const id of r.w.agentIds) await r.t.http.put(`/v1/agents/${id}/state`).set(...r.sup).send({ state: 'break', reason: 'meeting' }).expect(200);
    expect((await decide('never-abandoned', '+358402000004')).decision).toBe('queue');
    const waiting = await contact('never-abandoned');
    const res = await end(waiting.id).expect(200);
    expect(res.body).toMatchObject({ status: 'ended', endReason: 'ended-by-supervisor', answeredAt: null, agentId: null });
    expect(res.body.timeline.at(-1)).toMatchObject({ type: 'ended', agentId: null, detail: { closedBy: 'supervisor', wasStatus: 'queued' } });
    expect((await r.t.http.get('/v1/routing/decisions/never-abandoned').set(...r.tel).expect(200)).body).toMatchObject({ decision: 'reject', sipCode: 487, reason: 'contact-ended' });

    // An hour later (the in-memory engine has forgotten the finished contacts by then), still 409.
    r.time.offsetMs += HOUR;
    await r.engine.tick();
    expect((await end('lost-end').expect(409)).body).toMatchObject({ code: 'contact.finished' });
    for (const id of r.w.agentIds) await r.t.http.put(`/v1/agents/${id}/state`).set(...r.sup).send({ state: 'available' }).expect(200);
  });

  it('keeps the time of calls whose end was never reported out of the handle-time history forecasting and staffing learn from', async () => {
    const ts = () => r.clock.now().toISOString();
    const stuck = await decide('stuck-for-hours', '+358402000005');
    await event('answered', 'stuck-for-hours', { decisionId: stuck.decisionId, ts: ts() });
    r.time.offsetMs += 2 * HOUR;
    await end('stuck-for-hours').expect(200);
    const normal = await decide('normal-call', '+358402000006');
    expect(normal.decision).toBe('agent');
    await event('answered', 'normal-call', { decisionId: normal.decisionId, ts: ts() });
    r.time.offsetMs += 100_000;
    await event('ended', 'normal-call', { decisionId: normal.decisionId, hangupBy: 'caller', ts: ts() });

    await r.t.app.get(ForecastingRepository).syncRoutedHistory(new Date(r.clock.now().getTime() + HOUR));
    const rows = (await r.db.query(
      `SELECT answered, aht_seconds::float8 AS aht FROM interval_statistics WHERE queue_id = $1 AND source = 'routing' AND aht_seconds IS NOT NULL`,
      [r.w.phoneQueueId],
    )) as { answered: number; aht: number }[];
    // Only the call that ended as reported: 100 s of talk and the queue's wrap-up. Neither the two hours
    // the supervisor ended nor the four hours the sweep ended (lost-end) are handle time.
    const { wrapUpSeconds } = (await r.t.http.get(`/v1/queues/${r.w.phoneQueueId}/routing-settings`).set(...r.sup).expect(200)).body;
    expect(rows).toEqual([{ answered: 1, aht: 100 + wrapUpSeconds }]);
  });
});
