import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { localDateOf } from '../../libs/calendar/src/time-zone.js';
import { periodEnd, periodStart } from '../../libs/reports/src/periods.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

/**
 * A break (or offline) asked for while the agent has an offer out, is on a contact or in wrap-up
 * is its next state (pendingState): the agent keeps its real state, is offered nothing new, and
 * takes the break when its last contact has ended and its wrap-up is over. What is served (the
 * agent's state, the wallboard's counts, the desk stream) shows both, and the state history — what
 * the occupancy report counts — has the agent busy until the call ended and in wrap-up until it
 * was over. Engine clock: T + s seconds; routing jobs off (ticks driven here).
 */
describe('routing: a break asked for while working is the next state', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let sup: [string, string];
  let tel: [string, string];
  let mgr: [string, string];
  let db: DataSource;
  let T = 0;
  let offset = 0;
  let a = '';
  let b = '';
  let c = '';
  const keys = new Map<string, [string, string]>();
  const at = (s: number): void => {
    offset = s;
  };
  const tick = () => t.app.get(RoutingEngine).tick();
  const setState = (agentId: string, state: string, reason?: string) =>
    t.http.put(`/v1/agents/${agentId}/state`).set(...keys.get(agentId)!).send(reason ? { state, reason } : { state });
  const presence = async (agentId: string) => (await t.http.get(`/v1/agents/${agentId}/state`).set(...sup).expect(200)).body;
  const decide = async (callId: string, callerId: string) => (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId, { callerId })).expect(200)).body;
  const event = async (name: string, callId: string) => (await t.http.post('/v1/routing/events').set(...tel).send(eventBody(name, callId)).expect(200)).body;
  const contact = async (id: string) => (await t.http.get(`/v1/contacts/${id}`).set(...sup).expect(200)).body;
  const offers = async (agentId: string) => (await t.http.get(`/v1/agents/${agentId}/offers`).set(...keys.get(agentId)!).expect(200)).body as { offerId: string; contactId: string; status: string }[];
  const chat = async (ref: string) =>
    (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: ref, language: 'fi' }).expect(201)).body as { id: string; agentId: string | null; status: string };

  /** The first `n` events of a server-sent event stream. */
  async function firstEvents(path: string, key: [string, string], n: number): Promise<{ event: string; data: Record<string, unknown> }[]> {
    await t.app.listen(0, '127.0.0.1').catch(() => undefined);
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, headers: { [key[0].toLowerCase()]: key[1] } }, (res) => {
        let buf = '';
        res.on('data', (chunk: Buffer) => {
          buf += chunk.toString('utf8');
          const events = [...buf.matchAll(/event: (\S+)\ndata: (.*)\n\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]) as Record<string, unknown> }));
          if (events.length >= n) {
            req.destroy();
            resolve(events.slice(0, n));
          }
        });
      });
      req.on('error', reject);
    });
  }

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, reportJobs: false });
    w = await buildRoutingWorld(t, 3);
    [a, b, c] = w.agentIds;
    sup = bearer(await t.keyFor('supervisor'));
    tel = bearer(await t.keyFor('telephony'));
    mgr = bearer(await t.keyFor('manager'));
    db = t.app.get(DataSource);
    for (const id of w.agentIds) keys.set(id, bearer((await t.http.post(`/v1/agents/${id}/api-keys`).set(...bearer(t.adminKey)).send({ name: 'desk' }).expect(201)).body.key));
    T = Math.floor(Date.now() / 1000) * 1000;
    t.app.get(RoutingClock).now = () => new Date(T + offset * 1000);
  });
  afterAll(() => t.close());

  it('on a call: the agent stays busy with the break pending, gets no new call, and goes on the break when its wrap-up is over', async () => {
    at(-60);
    await setState(a, 'available').expect(200);
    at(-30);
    await setState(b, 'available').expect(200);
    at(0);
    expect(await decide('next-1', '+358401000001')).toMatchObject({ decision: 'agent', agentId: a });
    at(5);
    await event('answered', 'next-1');

    at(60);
    const asked = (await setState(a, 'break', 'lunch').expect(200)).body;
    expect(asked).toMatchObject({ state: 'busy', breakReason: null, pendingState: 'break', pendingReason: 'lunch', stateSince: new Date(T + 5000).toISOString() });
    expect(await presence(a)).toEqual(asked);
    const board = (await t.http.get(`/v1/queues/${w.phoneQueueId}/stats`).set(...sup).expect(200)).body;
    expect(board.agentsByState).toMatchObject({ busy: 1, available: 1, break: 0 });
    expect(board.agentsPendingState).toEqual({ break: 1, offline: 0 });

    // The next call goes to the other agent; the one after waits rather than go to the agent leaving.
    at(70);
    const second = await decide('next-2', '+358401000002');
    expect(second).toMatchObject({ decision: 'agent', agentId: b });
    const why = (await t.http.get(`/v1/contacts/${(await contact('next-2')).id}/explanation`).set(...sup).expect(200)).body;
    expect(why.skippedAgents).toContainEqual({ agentId: a, reason: 'wrong-state', detail: 'state busy, break next: finishing its contacts' });
    at(75);
    await event('answered', 'next-2');
    at(80);
    expect((await decide('next-3', '+358401000003')).decision).toBe('queue');

    at(300);
    expect(await event('ended', 'next-1')).toEqual({ applied: true, detail: 'agent in wrap-up' });
    expect(await presence(a)).toMatchObject({ state: 'wrap-up', pendingState: 'break', pendingReason: 'lunch', wrapUpUntil: new Date(T + 330_000).toISOString() });
    at(330);
    await tick();
    expect(await presence(a)).toMatchObject({ state: 'break', breakReason: 'lunch', stateSince: new Date(T + 330_000).toISOString(), pendingState: null, pendingReason: null, wrapUpUntil: null });
    expect(await contact('next-3')).toMatchObject({ status: 'queued', agentId: null });

    at(900);
    await setState(a, 'available').expect(200);
    expect(await contact('next-3')).toMatchObject({ status: 'offered', agentId: a });

    // The state history: busy until the call ended, wrap-up until it was over, the break from there.
    const spans = (await db.query(`SELECT state, started_at AS "from", ended_at AS "to" FROM report_agent_states WHERE agent_id = $1 ORDER BY started_at`, [a])) as { state: string; from: Date; to: Date }[];
    expect(spans.map((s) => [s.state, (s.from.getTime() - T) / 1000, (s.to.getTime() - T) / 1000])).toEqual([
      ['available', -60, 0],
      ['reserved', 0, 5],
      ['busy', 5, 300],
      ['wrap-up', 300, 330],
      ['break', 330, 900],
    ]);
  });

  it('the occupancy report counts the call and its wrap-up as occupied, staffed time, and the break from when it began', async () => {
    // Hand-computed from the spans above, per local day (the scenario crosses a midnight only when run near one).
    const spans: [string, number, number][] = [['available', -60, 0], ['reserved', 0, 5], ['busy', 5, 300], ['wrap-up', 300, 330], ['break', 330, 900]];
    const expected = new Map<string, { staffed: number; occupied: number }>();
    for (const [s, from0, to0] of spans) {
      for (let from = T + from0 * 1000; from < T + to0 * 1000; ) {
        const day = periodStart(from, 'day');
        const to = Math.min(periodEnd(day, 'day'), T + to0 * 1000);
        const e = expected.get(localDateOf(day, 'Europe/Helsinki')) ?? { staffed: 0, occupied: 0 };
        if (s !== 'break') e.staffed += (to - from) / 1000;
        if (['reserved', 'busy', 'wrap-up'].includes(s)) e.occupied += (to - from) / 1000;
        expected.set(localDateOf(day, 'Europe/Helsinki'), e);
        from = to;
      }
    }
    const days = [...expected.keys()].sort();
    const res = await t.http.get('/v1/reports/contacts').query({ from: days[0], to: days[days.length - 1], period: 'day', groupBy: 'agent', agentId: a }).set(...mgr).expect(200);
    const got = Object.fromEntries(res.body.rows.map((r: { period: string; occupancy: number | null }) => [r.period, r.occupancy]));
    // A day of nothing but the break (run just before a Helsinki midnight) has no row: the agent report lists no
    // agent without contacts or staffed time.
    const listed = days.filter((d) => expected.get(d)!.staffed > 0);
    expect(got).toEqual(Object.fromEntries(listed.map((d) => [d, Math.round((expected.get(d)!.occupied / expected.get(d)!.staffed) * 10_000) / 10_000])));
    // 330 s occupied of 390 s staffed; a break taken at once (at 60 s) would have made it 60 of 120.
    if (days.length === 1) expect(got[days[0]]).toBe(0.8462);
  });

  it('with a chat offered: the offer stays the agent\'s to accept; the desk stream shows the pending break; the break begins when the chat is completed', async () => {
    at(1000);
    await setState(c, 'available').expect(200);
    at(1001);
    const x = await chat('next-chat-1');
    expect(x).toMatchObject({ status: 'offered', agentId: c });
    at(1002);
    expect((await setState(c, 'break', 'training').expect(200)).body).toMatchObject({ state: 'reserved', pendingState: 'break', pendingReason: 'training' });
    const [offersEvent, presenceEvent] = await firstEvents(`/v1/agents/${c}/offers/stream`, keys.get(c)!, 2);
    expect(offersEvent).toMatchObject({ event: 'offers', data: [expect.objectContaining({ contactId: x.id, status: 'offered' })] });
    expect(presenceEvent).toEqual({ event: 'presence', data: await presence(c) });
    expect(presenceEvent.data).toMatchObject({ state: 'reserved', pendingState: 'break', pendingReason: 'training' });

    at(1005);
    const offer = (await offers(c)).find((o) => o.contactId === x.id)!;
    await t.http.post(`/v1/agents/${c}/offers/${offer.offerId}/accept`).set(...keys.get(c)!).expect(200);
    expect(await presence(c)).toMatchObject({ state: 'busy', pendingState: 'break' });
    at(1010);
    expect(await chat('next-chat-2')).toMatchObject({ status: 'queued', agentId: null });
    at(1020);
    await t.http.post(`/v1/agents/${c}/contacts/${x.id}/complete`).set(...keys.get(c)!).send({ wrapUpSeconds: 0 }).expect(200);
    expect(await presence(c)).toMatchObject({ state: 'break', breakReason: 'training', stateSince: new Date(T + 1_020_000).toISOString(), pendingState: null });
  });

  it('an offer let go while a break is pending sends the agent on its break, not to not-responding; offline asked for on a call waits for the wrap-up', async () => {
    // a holds next-3 (offered at 900): it asks for a break and lets the call ring out.
    at(901);
    expect((await setState(a, 'break', 'meeting').expect(200)).body).toMatchObject({ state: 'reserved', pendingState: 'break' });
    at(911);
    await tick();
    expect(await presence(a)).toMatchObject({ state: 'break', breakReason: 'meeting', stateSince: new Date(T + 911_000).toISOString(), pendingState: null, load: { phone: 0 } });
    expect(await contact('next-3')).toMatchObject({ status: 'queued' });

    // b, on next-2 since 75 s, logs off: after the call and its wrap-up.
    at(1100);
    expect((await setState(b, 'offline').expect(200)).body).toMatchObject({ state: 'busy', pendingState: 'offline', pendingReason: null });
    at(1200);
    await event('ended', 'next-2');
    expect(await presence(b)).toMatchObject({ state: 'wrap-up', pendingState: 'offline' });
    at(1230);
    await tick();
    expect(await presence(b)).toMatchObject({ state: 'offline', stateSince: new Date(T + 1_230_000).toISOString(), pendingState: null, load: { phone: 0, chat: 0, email: 0 } });
    // Back, the agent cancels nothing: available works as ever.
    at(1300);
    expect((await setState(b, 'available').expect(200)).body).toMatchObject({ pendingState: null });
  });
});
