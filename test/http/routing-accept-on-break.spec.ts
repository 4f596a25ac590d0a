import { bearer } from '../support/test-app.js';
import { startRoutingTestApp, type RoutingTestApp } from '../routing/routing-world.js';

/**
 * An agent marked not-responding (an offer timed out) may go on break at once while another offer is
 * still out; accepting that offer afterwards used to leave it holding a contact in state `break`, so
 * the time counted as break, not work. Taking an offer makes the agent busy, and the break it was on
 * begins again once nothing is left in hand (kept as pending). The jest project `routing-memory` runs
 * this again with ROUTING_ENGINE=memory.
 */
describe('routing: taking an offer while on break or not responding', () => {
  let r: RoutingTestApp;
  let desk: [string, string];
  let a: string;
  const presence = async () => (await r.t.http.get(`/v1/agents/${a}/state`).set(...r.sup).expect(200)).body;
  const chat = async (ref: string) =>
    (await r.t.http.post('/v1/contacts').set(...r.tel).send({ channel: 'chat', queueId: r.w.chatQueueId, customerRef: ref, language: 'fi' }).expect(201)).body;

  beforeAll(async () => {
    r = await startRoutingTestApp(1);
    a = r.w.agentIds[0];
    desk = bearer((await r.t.http.post(`/v1/agents/${a}/api-keys`).set(...bearer(r.t.adminKey)).send({ name: 'desk' }).expect(201)).body.key);
  });
  afterAll(() => r.t.close());

  it('makes the agent busy, keeps the break as pending, and begins it once the contact is done', async () => {
    const first = await chat('break-1');
    expect(first).toMatchObject({ status: 'offered', agentId: a });
    r.time.offsetMs += 10_000;
    const second = await chat('break-2');
    expect(second).toMatchObject({ status: 'offered', agentId: a });
    // The first offer times out (chat default 20 s): not-responding, the second still out.
    r.time.offsetMs += 11_000;
    expect(await r.engine.tick()).toMatchObject({ expired: 1 });
    expect(await presence()).toMatchObject({ state: 'not-responding', load: { chat: 1 } });
    await r.t.http.put(`/v1/agents/${a}/state`).set(...desk).send({ state: 'break', reason: 'lunch' }).expect(200);
    expect(await presence()).toMatchObject({ state: 'break', breakReason: 'lunch', load: { chat: 1 } });

    const offer = ((await r.t.http.get(`/v1/agents/${a}/offers`).set(...desk).expect(200)).body as { offerId: string; contactId: string }[]).find((o) => o.contactId === second.id)!;
    await r.t.http.post(`/v1/agents/${a}/offers/${offer.offerId}/accept`).set(...desk).expect(200);
    expect(await presence()).toMatchObject({ state: 'busy', breakReason: null, pendingState: 'break', pendingReason: 'lunch', load: { chat: 1 } });

    await r.t.http.post(`/v1/agents/${a}/contacts/${second.id}/complete`).set(...desk).send({ wrapUpSeconds: 0 }).expect(200);
    expect(await presence()).toMatchObject({ state: 'break', breakReason: 'lunch', pendingState: null, load: { chat: 0 } });
  });
});
