/**
 * An agent's offers list answers what the tables hold, field by field, on either engine (the jest
 * project `routing-memory` runs this again with ROUTING_ENGINE=memory, which answers from memory):
 * offered and accepted reservations in offer order, the contact's queue, kind, subject and
 * reference, and after an erasure the customer's data blanked as in the tables.
 */
import { OfferDto } from '../../apps/api/src/agent-desk/agent-desk.dto.js';
import { MemoryRoutingEngine } from '../../apps/api/src/routing/memory-routing-engine.js';
import { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { RoutingRepository } from '../../libs/persistence/src/repositories/routing.repository.js';
import { buildRoutingWorld, callBody, type RoutingWorld } from '../routing/routing-world.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

describe('routing: an agent\'s offers', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let repo: RoutingRepository;
  let engine: RoutingEngine;
  /** How many times the offers were read from the tables. */
  let tableReads = 0;

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false });
    w = await buildRoutingWorld(t, 2, { capacity: { phone: 1, chat: 2, email: 2 } });
    tel = bearer(await t.keyFor('telephony'));
    sup = bearer(await t.keyFor('supervisor'));
    repo = t.app.get(RoutingRepository);
    engine = t.app.get(RoutingEngine);
    const read = repo.reservationsOfAgent.bind(repo);
    repo.reservationsOfAgent = (agentId: string) => {
      tableReads++;
      return read(agentId);
    };
  });
  afterAll(() => t.close());

  const listed = async (agentId: string) => (await t.http.get(`/v1/agents/${agentId}/offers`).set(...sup).expect(200)).body as OfferDto[];
  /** The offers as the tables have them (counted apart from the list's own reads). */
  const inTables = async (agentId: string) => {
    const rows = await repo.reservationsOfAgent(agentId);
    tableReads--;
    return rows;
  };

  it('lists offered and accepted chats and a call as the tables hold them', async () => {
    const [a, b] = w.agentIds;
    await t.http.put(`/v1/agents/${a}/state`).set(...sup).send({ state: 'available' }).expect(200);
    const first = (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: 'web-offers-1', language: 'fi', subject: 'Payment plan' }).expect(201)).body;
    const second = (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: 'web-offers-2', language: 'fi' }).expect(201)).body;
    expect([first.agentId, second.agentId]).toEqual([a, a]);
    const before = await listed(a);
    expect(before.map((o) => [o.contactId, o.status])).toEqual([
      [first.id, 'offered'],
      [second.id, 'offered'],
    ]);
    const keyA = (await t.http.post(`/v1/agents/${a}/api-keys`).set(...bearer(t.adminKey)).send({ name: 'desk A' }).expect(201)).body.key as string;
    await t.http.post(`/v1/agents/${a}/offers/${before[0].offerId}/accept`).set(...bearer(keyA)).expect(200);

    await t.http.put(`/v1/agents/${b}/state`).set(...sup).send({ state: 'available' }).expect(200);
    const call = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('offers-call-1', { callerId: '+358407770001' })).expect(200)).body;
    expect(call).toMatchObject({ decision: 'agent', agentId: b });

    tableReads = 0;
    const ofA = await listed(a);
    const ofB = await listed(b);
    // The in-memory engine answers from its state; the database engine reads the tables each time.
    expect(tableReads).toBe(engine instanceof MemoryRoutingEngine ? 0 : 2);

    expect(ofA).toEqual((await inTables(a)).map(OfferDto.from));
    expect(ofA).toEqual([
      expect.objectContaining({ contactId: first.id, status: 'accepted', channel: 'chat', kind: 'inbound', queueId: w.chatQueueId, subject: 'Payment plan', customerRef: 'web-offers-1' }),
      expect.objectContaining({ contactId: second.id, status: 'offered', subject: null, customerRef: 'web-offers-2' }),
    ]);
    expect(ofB).toEqual((await inTables(b)).map(OfferDto.from));
    expect(ofB).toEqual([expect.objectContaining({ offerId: call.decisionId, channel: 'phone', status: 'offered', queueId: w.phoneQueueId })]);
    // The engine's rows themselves (caller name and dates as Date objects included) are the tables' rows.
    expect(await engine.offersOfAgent(b)).toEqual(await inTables(b));
    expect(await engine.offersOfAgent(a)).toEqual(await inTables(a));
    expect((await engine.offersOfAgent(b))[0].callerName).toBe('Matti Meikäläinen');
  });

  it("shows an erased customer's contact without the caller's data, as the tables do", async () => {
    const [a, b] = w.agentIds;
    await t.http.post('/v1/customers/web-offers-1/erasure').set(...bearer(t.adminKey)).expect(200);
    const ofA = await listed(a);
    expect(ofA).toEqual((await inTables(a)).map(OfferDto.from));
    expect(ofA[0]).toMatchObject({ status: 'accepted', subject: null, customerRef: null });
    expect(ofA[1]).toMatchObject({ customerRef: 'web-offers-2' });
    expect(await engine.offersOfAgent(a)).toEqual(await inTables(a));
    // Agent b's call is another customer's: untouched.
    expect((await engine.offersOfAgent(b))[0].callerName).toBe('Matti Meikäläinen');
  });

  it('lists nothing for an agent without offers', async () => {
    const idle = (await t.http.post('/v1/agents').set(...bearer(t.adminKey)).send({
      employeeNumber: 'R-offers-idle', displayName: 'Idle', departmentId: w.departmentId, phoneUri: null, capacity: { phone: 1, chat: 2, email: 2 }, skills: [{ skill: 'lang:fi', proficiency: 5 }],
    }).expect(201)).body.id as string;
    expect(await listed(idle)).toEqual([]);
  });
});
