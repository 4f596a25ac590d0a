import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, type RoutingWorld } from '../routing/routing-world.js';

/** Reads a server-sent-event stream until the first event and returns its parsed data. */
async function firstEvent(t: TestApp, path: string, key: string): Promise<{ event: string; data: unknown }> {
  await t.app.listen(0, '127.0.0.1').catch(() => undefined);
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${key}` } }, (res) => {
      expect(res.headers['content-type']).toMatch(/text\/event-stream/);
      let buf = '';
      res.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        const m = /event: (\S+)\ndata: (.*)\n\n/.exec(buf);
        if (m) {
          req.destroy();
          resolve({ event: m[1], data: JSON.parse(m[2]) });
        }
      });
    });
    req.on('error', reject);
  });
}

describe('routing: agents, chats and emails', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let keyA: string;
  let keyB: string;
  let a: string;
  let b: string;

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false });
    w = await buildRoutingWorld(t, 2, { capacity: { phone: 1, chat: 2, email: 2 } });
    [a, b] = w.agentIds;
    tel = bearer(await t.keyFor('telephony'));
    sup = bearer(await t.keyFor('supervisor'));
    keyA = (await t.http.post(`/v1/agents/${a}/api-keys`).set(...bearer(t.adminKey)).send({ name: 'desk A' }).expect(201)).body.key;
    keyB = (await t.http.post(`/v1/agents/${b}/api-keys`).set(...bearer(t.adminKey)).send({ name: 'desk B' }).expect(201)).body.key;
  });
  afterAll(() => t.close());

  const chat = (ref: string, extra: Record<string, unknown> = {}) =>
    t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: ref, language: 'fi', ...extra });
  const offers = async (agent: string, key: string) => (await t.http.get(`/v1/agents/${agent}/offers`).set(...bearer(key)).expect(200)).body;

  it('binds an agent key to its agent: it may act for itself only', async () => {
    await t.http.put(`/v1/agents/${a}/state`).set(...bearer(keyA)).send({ state: 'available' }).expect(200);
    const other = await t.http.put(`/v1/agents/${b}/state`).set(...bearer(keyA)).send({ state: 'available' }).expect(403);
    expect(other.body.code).toBe('auth.not_own_agent');
    // Any other agent's key (POST /v1/api-keys makes no agent keys: each is bound to its agent).
    const anotherAgents = await t.keyFor('agent');
    await t.http.put(`/v1/agents/${a}/state`).set(...bearer(anotherAgents)).send({ state: 'available' }).expect(403);
  });

  it('requires a reason for a break and refuses system states', async () => {
    const res = await t.http.put(`/v1/agents/${b}/state`).set(...bearer(keyB)).send({ state: 'break' }).expect(422);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ field: 'reason', rule: 'required' }));
    await t.http.put(`/v1/agents/${b}/state`).set(...bearer(keyB)).send({ state: 'busy' }).expect(422);
    const brk = await t.http.put(`/v1/agents/${b}/state`).set(...bearer(keyB)).send({ state: 'break', reason: 'lunch' }).expect(200);
    expect(brk.body).toMatchObject({ state: 'break', breakReason: 'lunch' });
  });

  it('offers a chat to the available agent; the agent sees it (list and event stream) and accepts', async () => {
    const created = await chat('web-1', { subject: 'Payment plan' }).expect(201);
    expect(created.body).toMatchObject({ channel: 'chat', status: 'offered', agentId: a, queueId: w.chatQueueId });
    const list = await offers(a, keyA);
    expect(list).toEqual([expect.objectContaining({ contactId: created.body.id, channel: 'chat', status: 'offered', subject: 'Payment plan' })]);
    const ev = await firstEvent(t, `/v1/agents/${a}/offers/stream`, keyA);
    expect(ev.event).toBe('offers');
    expect(ev.data).toEqual(list);
    const accepted = await t.http.post(`/v1/agents/${a}/offers/${list[0].offerId}/accept`).set(...bearer(keyA)).expect(200);
    expect(accepted.body).toMatchObject({ contactId: created.body.id, status: 'connected', agentId: a });
    const again = await t.http.post(`/v1/agents/${a}/offers/${list[0].offerId}/accept`).set(...bearer(keyA)).expect(409);
    expect(again.body.code).toBe('offer.not_open');
    const st = (await t.http.get(`/v1/agents/${a}/state`).set(...bearer(keyA)).expect(200)).body;
    expect(st).toMatchObject({ state: 'busy', load: { phone: 0, chat: 1, email: 0 } });
  });

  it('a busy chat agent gets a second chat; rejecting it makes the agent not-responding and the chat goes to the next agent', async () => {
    const second = await chat('web-2').expect(201);
    expect(second.body).toMatchObject({ status: 'offered', agentId: a });
    const offer = (await offers(a, keyA)).find((o: { contactId: string }) => o.contactId === second.body.id);
    await t.http.post(`/v1/agents/${a}/offers/${offer.offerId}/reject`).set(...bearer(keyA)).expect(204);
    expect((await t.http.get(`/v1/agents/${a}/state`).set(...sup).expect(200)).body.state).toBe('not-responding');
    const waiting = (await t.http.get(`/v1/contacts/${second.body.id}`).set(...sup).expect(200)).body;
    expect(waiting).toMatchObject({ status: 'queued', agentId: null });
    await t.http.put(`/v1/agents/${b}/state`).set(...bearer(keyB)).send({ state: 'available' }).expect(200);
    const routed = (await t.http.get(`/v1/contacts/${second.body.id}`).set(...sup).expect(200)).body;
    expect(routed).toMatchObject({ status: 'offered', agentId: b });
    expect(routed.timeline.map((e: { type: string }) => e.type)).toEqual(['queued', 'reserved', 'offered', 'rejected', 'requeued', 'reserved', 'offered']);
  });

  it('completes a contact with wrap-up, refuses going offline with work in hand, and transfers to a queue', async () => {
    const mine = (await offers(a, keyA)).find((o: { status: string }) => o.status === 'accepted');
    await t.http.put(`/v1/agents/${a}/state`).set(...bearer(keyA)).send({ state: 'offline' }).expect(409);
    const done = await t.http.post(`/v1/agents/${a}/contacts/${mine.contactId}/complete`).set(...bearer(keyA)).send({ wrapUpSeconds: 0 }).expect(200);
    expect(done.body).toMatchObject({ status: 'ended' });
    await t.http.put(`/v1/agents/${a}/state`).set(...bearer(keyA)).send({ state: 'offline' }).expect(200);

    const offerB = (await offers(b, keyB))[0];
    await t.http.post(`/v1/agents/${b}/offers/${offerB.offerId}/accept`).set(...bearer(keyB)).expect(200);
    const moved = await t.http.post(`/v1/agents/${b}/contacts/${offerB.contactId}/transfer`).set(...bearer(keyB)).send({ queueId: w.emailQueueId }).expect(422);
    expect(moved.body.errors[0]).toMatchObject({ field: 'queueId', rule: 'channel' });
    const toSelfQueue = await t.http.post(`/v1/agents/${b}/contacts/${offerB.contactId}/transfer`).set(...bearer(keyB)).send({ queueId: w.chatQueueId }).expect(200);
    // B has room again and is the only agent, but it sent the chat away: it waits for another agent.
    expect(toSelfQueue.body).toMatchObject({ status: 'queued', agentId: null });
    expect((await offers(b, keyB)).filter((o: { contactId: string }) => o.contactId === offerB.contactId)).toEqual([]);
  });

  it('routes an email like a chat (never claimed by hand) with a business-time deadline', async () => {
    const mail = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'email', queueId: w.emailQueueId, customerRef: 'mail-1', language: 'fi', subject: 'Invoice' }).expect(201);
    expect(mail.body).toMatchObject({ channel: 'email', status: 'offered', agentId: b });
    const wrong = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.emailQueueId, customerRef: 'x', language: 'fi' }).expect(422);
    expect(wrong.body.errors[0]).toMatchObject({ field: 'queueId', rule: 'channel' });
  });

  it('prefers the previous agent of a returning customer', async () => {
    await t.http.put(`/v1/agents/${a}/state`).set(...bearer(keyA)).send({ state: 'available' }).expect(200);
    // web-1 was served by A; both A and B could take a new chat.
    const again = await chat('web-1').expect(201);
    expect(again.body.agentId).toBe(a);
    const why = (await t.http.get(`/v1/contacts/${again.body.id}/explanation`).set(...sup).expect(200)).body;
    expect(why.rule).toBe('previous-agent');
    expect(why.previousAgent).toMatchObject({ agentId: a, applied: true });
  });

  it('shows live queue statistics and streams them', async () => {
    const stats = (await t.http.get(`/v1/queues/${w.chatQueueId}/stats`).set(...sup).expect(200)).body;
    expect(stats).toMatchObject({ queueId: w.chatQueueId, channel: 'chat', waiting: 0, longestWaitSeconds: 0, targetPercent: 80 });
    expect(stats.agentsByState.reserved + stats.agentsByState.busy + stats.agentsByState.available).toBe(2);
    expect(stats.offeredToday).toBeGreaterThanOrEqual(3);
    const ev = await firstEvent(t, `/v1/queues/${w.chatQueueId}/stats/stream`, await t.keyFor('manager'));
    expect(ev.event).toBe('stats');
    expect(ev.data).toMatchObject({ queueId: w.chatQueueId, waiting: 0 });
    // Each event is the QueueStatsDto the document says it is: `at` included, as GET …/stats has it.
    const schema = (await t.http.get('/docs-json').expect(200)).body.components.schemas.QueueStatsDto as { required: string[] };
    expect(schema.required).toContain('at');
    expect(schema.required.filter((property) => !(property in (ev.data as object)))).toEqual([]);
    expect(Date.parse((ev.data as { at: string }).at)).toBeGreaterThanOrEqual(Date.parse(stats.at));
    await t.http.get(`/v1/queues/${w.chatQueueId}/stats`).set(...tel).expect(403);
  });

  it('takes a chat or an email by routing attributes (channel, language, department) instead of a queue id', async () => {
    const byAttributes = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', departmentId: w.departmentId, customerRef: 'web-attr', language: 'fi' }).expect(201);
    expect(byAttributes.body).toMatchObject({ channel: 'chat', queueId: w.chatQueueId });
    const mail = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'email', departmentId: w.departmentId, customerRef: 'mail-attr', language: 'fi' }).expect(201);
    expect(mail.body.queueId).toBe(w.emailQueueId);
    // The department has Finnish queues only, none without a language: nothing serves Swedish.
    const swedish = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', departmentId: w.departmentId, customerRef: 'web-sv', language: 'sv' }).expect(422);
    expect(swedish.body).toMatchObject({ code: 'validation.failed' });
    expect(swedish.body.errors[0]).toMatchObject({ field: 'departmentId', rule: 'queueExists' });
    const both = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, departmentId: w.departmentId, customerRef: 'x', language: 'fi' }).expect(422);
    expect(both.body.errors[0]).toMatchObject({ field: 'departmentId', rule: 'exactlyOne' });
    const neither = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', customerRef: 'x', language: 'fi' }).expect(422);
    expect(neither.body.errors[0]).toMatchObject({ field: 'queueId', rule: 'exactlyOne' });
    const badId = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', departmentId: 'not-a-uuid', customerRef: 'x', language: 'fi' }).expect(422);
    expect(badId.body.errors[0]).toMatchObject({ field: 'departmentId', rule: 'isUuid' });
    const unknown = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', departmentId: '00000000-0000-4000-8000-000000000000', customerRef: 'x', language: 'fi' }).expect(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'departmentId', rule: 'exists' })]);
  });
});
