import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, type RoutingWorld } from '../routing/routing-world.js';

describe('routing: the desk lists where a contact can be transferred', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let keyA: string;
  let a: string;
  let b: string;
  let c: string;

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false });
    w = await buildRoutingWorld(t, 3, { capacity: { phone: 1, chat: 2, email: 2 } });
    [a, b, c] = w.agentIds;
    keyA = (await t.http.post(`/v1/agents/${a}/api-keys`).set(...bearer(t.adminKey)).send({ name: 'desk A' }).expect(201)).body.key;
    const keyB = (await t.http.post(`/v1/agents/${b}/api-keys`).set(...bearer(t.adminKey)).send({ name: 'desk B' }).expect(201)).body.key;
    await t.http.put(`/v1/agents/${b}/state`).set(...bearer(keyB)).send({ state: 'available' }).expect(200);
    const tel = bearer(await t.keyFor('telephony'));
    const chat = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: 'tt-1', language: 'fi' }).expect(201);
    expect(chat.body).toMatchObject({ status: 'offered', agentId: b });
  });
  afterAll(() => t.close());

  it("gives an agent's desk the queues and its colleagues, with who could take a contact now", async () => {
    const res = await t.http.get(`/v1/agents/${a}/transfer-targets`).set(...bearer(keyA)).expect(200);
    expect(res.body.queues.map((q: { id: string }) => q.id).sort()).toEqual([w.phoneQueueId, w.chatQueueId, w.emailQueueId].sort());
    expect(res.body.queues).toContainEqual(expect.objectContaining({ id: w.chatQueueId, channel: 'chat', language: 'fi', departmentId: w.departmentId, departmentName: 'Customer service' }));
    // The agent itself is not a target; B holds a chat (room for one more, no call while a chat is in hand); C never logged in.
    expect(res.body.agents.map((x: { id: string }) => x.id).sort()).toEqual([b, c].sort());
    expect(res.body.agents).toContainEqual({ id: b, displayName: expect.any(String), departmentId: w.departmentId, departmentName: 'Customer service', state: 'reserved', pendingState: null, canTakeNow: { phone: false, chat: true, email: true } });
    expect(res.body.agents).toContainEqual(expect.objectContaining({ id: c, state: 'offline', canTakeNow: { phone: false, chat: false, email: false } }));
  });

  it('counts a colleague with a break asked for next as taking nothing new', async () => {
    const sup = bearer(await t.keyFor('supervisor'));
    await t.http.put(`/v1/agents/${b}/state`).set(...sup).send({ state: 'break', reason: 'lunch' }).expect(200);
    try {
      const res = await t.http.get(`/v1/agents/${a}/transfer-targets`).set(...bearer(keyA)).expect(200);
      expect(res.body.agents).toContainEqual(expect.objectContaining({ id: b, state: 'reserved', pendingState: 'break', canTakeNow: { phone: false, chat: false, email: false } }));
    } finally {
      await t.http.put(`/v1/agents/${b}/state`).set(...sup).send({ state: 'available' }).expect(200);
    }
  });

  it('filters the queues by channel', async () => {
    const res = await t.http.get(`/v1/agents/${a}/transfer-targets?channel=email`).set(...bearer(keyA)).expect(200);
    expect(res.body.queues.map((q: { id: string }) => q.id)).toEqual([w.emailQueueId]);
  });

  it('names the field of a bad channel, refuses another agent and an unknown one', async () => {
    const bad = await t.http.get(`/v1/agents/${a}/transfer-targets?channel=fax`).set(...bearer(keyA)).expect(422);
    expect(bad.body.errors).toContainEqual(expect.objectContaining({ field: 'channel' }));
    const other = await t.http.get(`/v1/agents/${b}/transfer-targets`).set(...bearer(keyA)).expect(403);
    expect(other.body.code).toBe('auth.not_own_agent');
    await t.http.get('/v1/agents/00000000-0000-4000-8000-000000000000/transfer-targets').set(...bearer(await t.keyFor('supervisor'))).expect(404);
  });
});
