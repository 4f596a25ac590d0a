import { randomUUID } from 'node:crypto';
import { AgentDeskController } from '../../apps/api/src/agent-desk/agent-desk.controller.js';
import { compileHotRoute } from '../../apps/api/src/http/hot-path.js';
import { RoutingController } from '../../apps/api/src/routing/routing.controller.js';
import { bearer, type TestApp } from '../support/test-app.js';
import { callBody, eventBody, startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

/**
 * The hot path (apps/api/src/http/hot-path.ts) serves the per-contact operations ahead of Express and
 * Nest. What it must keep: the same answers, and every case it does not serve (uncached or wrong
 * key, invalid input) passed on to the Nest pipeline with the same errors as before.
 */
describe('HTTP hot path', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];

  beforeAll(async () => {
    ({ t, w, tel, sup } = await startRoutingTestApp(2));
  });
  afterAll(() => t.close());

  /** The hot-path counter of a route and outcome, read from /metrics. */
  async function counted(route: string, outcome: 'served' | 'passed_on'): Promise<number> {
    const text = (await t.http.get('/metrics').expect(200)).text;
    const line = text.split('\n').find((l) => l.startsWith('vuoro_hot_path_requests_total{') && l.includes(`route="${route}"`) && l.includes(`outcome="${outcome}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('passes a key it has not seen to Nest, which caches it; later requests are served on the hot path with the same answer shape', async () => {
    const fresh = bearer((await t.http.post('/v1/api-keys').set(...bearer(t.adminKey)).send({ name: 'fresh telephony', role: 'telephony' }).expect(201)).body.key);
    const passedBefore = await counted('POST /v1/routing/decisions', 'passed_on');
    const servedBefore = await counted('POST /v1/routing/decisions', 'served');
    const first = await t.http.post('/v1/routing/decisions').set(...fresh).send(callBody('hot-1')).expect(200);
    expect(await counted('POST /v1/routing/decisions', 'passed_on')).toBe(passedBefore + 1);
    const retry = await t.http.post('/v1/routing/decisions').set(...fresh).send(callBody('hot-1')).expect(200);
    expect(await counted('POST /v1/routing/decisions', 'served')).toBe(servedBefore + 1);
    expect(retry.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(retry.body).toEqual(first.body);
    expect(first.body).toEqual({ decisionId: expect.any(String), decision: 'agent', agentId: expect.any(String), target: expect.stringMatching(/^sip:/) });
    const ev = await t.http.post('/v1/routing/events').set(...fresh).send(eventBody('abandoned', 'hot-1')).expect(200);
    expect(ev.body).toEqual({ applied: true, detail: expect.any(String) });
  });

  it('passes invalid bodies on to Nest: 422 validation.failed naming the field and the rule', async () => {
    const before = await counted('POST /v1/routing/decisions', 'passed_on');
    const res = await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('hot-2', { callId: 42 })).expect(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('validation.failed');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'callId', rule: 'isString' })]));
    const extra = await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('hot-2', { surprise: true })).expect(422);
    expect(extra.body.errors).toEqual([expect.objectContaining({ field: 'surprise', rule: 'forbidden' })]);
    expect(await counted('POST /v1/routing/decisions', 'passed_on')).toBe(before + 2);
  });

  it('answers malformed JSON with 400 request.malformed as problem+json', async () => {
    const res = await t.http.post('/v1/routing/events').set(...tel).set('Content-Type', 'application/json').send('{"event":').expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'request.malformed', instance: '/v1/routing/events' });
  });

  it('leaves authentication and role errors to the guard: 401 for an unknown key, 403 for a role not allowed', async () => {
    const unknown = await t.http.post('/v1/routing/decisions').set('Authorization', 'Bearer vuoro_not-a-key').send(callBody('hot-3')).expect(401);
    expect(unknown.body.code).toBe('auth.invalid_key');
    expect((await t.http.post('/v1/routing/decisions').send(callBody('hot-3')).expect(401)).body.code).toBe('auth.missing_key');
    const forbidden = await t.http.post('/v1/routing/decisions').set(...sup).send(callBody('hot-3')).expect(403);
    expect(forbidden.body.code).toBe('auth.forbidden');
  });

  it('serves the chat flow (hand in, offers, accept, complete) and answers domain errors as the filter does', async () => {
    const keys = new Map<string, [string, string]>();
    for (const id of w.agentIds) {
      const key = bearer((await t.http.post(`/v1/agents/${id}/api-keys`).set(...bearer(t.adminKey)).send({ name: 'desk' }).expect(201)).body.key);
      await t.http.get(`/v1/agents/${id}/offers`).set(...key).expect(200); // caches the key
      keys.set(id, key);
    }
    const servedBefore = await counted('POST /v1/agents/:id/offers/:offerId/accept', 'served');
    const contact = (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: 'hot-chat-1', language: 'fi' }).expect(201)).body;
    expect(contact).toMatchObject({ channel: 'chat', status: 'offered' });
    const agentId = contact.agentId as string;
    const agentKey = keys.get(agentId)!;
    const offers = (await t.http.get(`/v1/agents/${agentId}/offers`).set(...agentKey).expect(200)).body as { offerId: string; contactId: string }[];
    const offer = offers.find((o) => o.contactId === contact.id)!;
    expect(offer).toBeDefined();
    const accepted = await t.http.post(`/v1/agents/${agentId}/offers/${offer.offerId}/accept`).set(...agentKey).expect(200);
    expect(accepted.body).toEqual({ contactId: contact.id, status: 'connected', agentId, queueId: w.chatQueueId });
    expect(await counted('POST /v1/agents/:id/offers/:offerId/accept', 'served')).toBe(servedBefore + 1);
    const done = await t.http.post(`/v1/agents/${agentId}/contacts/${contact.id}/complete`).set(...agentKey).send({ wrapUpSeconds: 0 }).expect(200);
    expect(done.body).toMatchObject({ contactId: contact.id, status: 'ended' });
    // An offer that does not exist: the operation's own error, as problem+json from the hot path.
    const missing = await t.http.post(`/v1/agents/${w.agentIds[0]}/offers/${randomUUID()}/accept`).set(...keys.get(w.agentIds[0])!).expect(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(missing.body).toMatchObject({ status: 404, code: expect.any(String), instance: expect.stringContaining('/accept') });
    // A malformed id is the UUID pipe's 422 from Nest, naming the parameter.
    const badId = await t.http.post(`/v1/agents/${w.agentIds[0]}/offers/not-a-uuid/accept`).set(...keys.get(w.agentIds[0])!).expect(422);
    expect(badId.body.errors).toEqual([expect.objectContaining({ field: 'offerId', rule: 'isUuid' })]);
  });

  it('refuses fields in the body of accept and reject (422 forbidden, as Nest answers them) and serves no body or {} on the hot path', async () => {
    const [a, b] = w.agentIds;
    const key = bearer((await t.http.post(`/v1/agents/${a}/api-keys`).set(...bearer(t.adminKey)).send({ name: 'desk a' }).expect(201)).body.key);
    await t.http.get(`/v1/agents/${a}/offers`).set(...key).expect(200); // caches the key
    await t.http.put(`/v1/agents/${b}/state`).set(...sup).send({ state: 'break', reason: 'coffee' }).expect(200);
    const offerOf = async (ref: string) => {
      const contact = (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: ref, language: 'fi' }).expect(201)).body;
      expect(contact).toMatchObject({ status: 'offered', agentId: a });
      return ((await t.http.get(`/v1/agents/${a}/offers`).set(...key).expect(200)).body as { offerId: string; contactId: string }[]).find((o) => o.contactId === contact.id)!;
    };
    const route = (op: string) => `POST /v1/agents/:id/offers/:offerId/${op}`;
    const first = await offerOf('hot-body-1');
    for (const op of ['accept', 'reject']) {
      const passedBefore = await counted(route(op), 'passed_on');
      const res = await t.http.post(`/v1/agents/${a}/offers/${first.offerId}/${op}`).set(...key).send({ foo: 1, reason: 5 }).expect(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'foo', rule: 'forbidden' }), expect.objectContaining({ field: 'reason', rule: 'forbidden' })]);
      expect(await counted(route(op), 'passed_on')).toBe(passedBefore + 1);
    }
    // Nothing happened to the offer; an empty object and no body are served on the hot path.
    const servedBefore = await counted(route('reject'), 'served');
    await t.http.post(`/v1/agents/${a}/offers/${first.offerId}/reject`).set(...key).send({}).expect(204);
    expect(await counted(route('reject'), 'served')).toBe(servedBefore + 1);
    await t.http.put(`/v1/agents/${a}/state`).set(...key).send({ state: 'available' }).expect(200);
    const second = await offerOf('hot-body-2');
    const acceptedBefore = await counted(route('accept'), 'served');
    expect((await t.http.post(`/v1/agents/${a}/offers/${second.offerId}/accept`).set(...key).expect(200)).body).toMatchObject({ status: 'connected' });
    expect(await counted(route('accept'), 'served')).toBe(acceptedBefore + 1);
    await t.http.post(`/v1/agents/${a}/contacts/${second.contactId}/complete`).set(...key).send({ wrapUpSeconds: 0 }).expect(200);
    await t.http.put(`/v1/agents/${b}/state`).set(...sup).send({ state: 'available' }).expect(200);
  });

  it('refuses at start-up to serve a route whose arguments it cannot reproduce', () => {
    expect(() => compileHotRoute({}, { controller: RoutingController, method: 'current' })).toThrow(/does not serve/);
    expect(() => compileHotRoute({}, { controller: AgentDeskController, method: 'state' })).toThrow(/no registered quick check/);
    expect(() => compileHotRoute({}, { controller: AgentDeskController, method: 'createAgentKey' })).toThrow(/admin-only|no registered quick check/);
  });
});
