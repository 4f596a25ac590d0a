import { bearer, type TestApp } from '../support/test-app.js';
import { startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';
import type { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';

/**
 * An agent who let a chat offer time out is not-responding and may still hold another chat offer.
 * It used to be able to go on a break at once but not offline (409 agent.has_contacts, though the
 * README only said contacts in hand block logging out). Offline now withdraws such offers without
 * blame and routes them again; only a contact in hand is refused. Chat offers time out after 20 s;
 * routing clock frozen at base + time.offsetMs, jobs driven here.
 */
describe('routing: going offline with offers out', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let engine: RoutingEngine;
  let time: { offsetMs: number };
  const base = Date.now();
  const at = (s: number) => {
    time.offsetMs = s * 1000;
  };
  const chat = async (ref: string) =>
    (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: ref, language: 'fi' }).expect(201)).body as { id: string; agentId: string | null };
  const setState = (agentId: string, state: string) => t.http.put(`/v1/agents/${agentId}/state`).set(...sup).send({ state });
  const contact = async (id: string) => (await t.http.get(`/v1/contacts/${id}`).set(...sup).expect(200)).body;
  const offers = async (agentId: string) => (await t.http.get(`/v1/agents/${agentId}/offers`).set(...sup).expect(200)).body as { offerId: string; contactId: string; status: string }[];

  beforeAll(async () => {
    let clock;
    ({ t, w, tel, sup, engine, time, clock } = await startRoutingTestApp(2, { available: false }));
    clock.now = () => new Date(base + time.offsetMs);
    await t.http.put(`/v1/queues/${w.chatQueueId}/routing-settings`).set(...sup).send({ wrapUpSeconds: 0, meanHandleSeconds: 300, offerTimeoutSeconds: 20 }).expect(200);
  });
  afterAll(() => t.close());

  it('withdraws the offer of a not-responding agent who logs out, and offers the chat to the next agent', async () => {
    const [a, b] = w.agentIds;
    at(0);
    await setState(a, 'available').expect(200);
    const first = await chat('web-off-1');
    at(5);
    const second = await chat('web-off-2');
    expect([first.agentId, second.agentId]).toEqual([a, a]);
    at(21);
    await engine.tick();
    const before = (await t.http.get(`/v1/agents/${a}/state`).set(...sup).expect(200)).body;
    expect(before).toMatchObject({ state: 'not-responding', load: { chat: 1 } });
    expect((await offers(a)).map((o) => o.contactId)).toEqual([second.id]);

    at(22);
    const off = await setState(a, 'offline').expect(200);
    expect(off.body).toMatchObject({ state: 'offline', load: { phone: 0, chat: 0, email: 0 } });
    const c = await contact(second.id);
    expect(c).toMatchObject({ status: 'queued', agentId: null });
    expect(c.timeline.at(-1)).toMatchObject({ type: 'requeued', agentId: a, detail: { why: `offer withdrawn: agent ${a} went offline` } });
    expect(await offers(a)).toEqual([]);

    // The next agent to log in is offered both chats.
    at(30);
    await setState(b, 'available').expect(200);
    expect((await offers(b)).map((o) => o.contactId).sort()).toEqual([first.id, second.id].sort());
  });

  it('refuses to log out an agent with a chat in hand, saying so, and changes nothing', async () => {
    const b = w.agentIds[1];
    const [held] = await offers(b);
    at(31);
    await t.http.post(`/v1/agents/${b}/offers/${held.offerId}/accept`).set(...bearer(t.adminKey)).send({}).expect(200);
    // The other chat's offer times out: not-responding with a chat in hand.
    at(51);
    await engine.tick();
    expect((await t.http.get(`/v1/agents/${b}/state`).set(...sup).expect(200)).body).toMatchObject({ state: 'not-responding', load: { chat: 1 } });
    const refused = await setState(b, 'offline').expect(409);
    expect(refused.body).toMatchObject({
      code: 'agent.has_contacts',
      detail: `agent ${b} still has 1 contact(s) in hand; finish them first (offers not yet accepted do not stop it going offline: they are withdrawn)`,
    });
    expect((await t.http.get(`/v1/agents/${b}/state`).set(...sup).expect(200)).body).toMatchObject({ state: 'not-responding', load: { chat: 1 } });
    expect(await contact(held.contactId)).toMatchObject({ status: 'connected', agentId: b });
  });
});
