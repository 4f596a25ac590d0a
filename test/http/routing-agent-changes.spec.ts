import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

/**
 * The engine keeps the agents' static data (department, SIP URI, skills) in-process between
 * decisions: a change through the agents API must reach the very next decision.
 */
describe('routing: agent changes reach the next decision', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let admin: [string, string];

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false });
    w = await buildRoutingWorld(t, 2, { suffix: 'chg' });
    tel = bearer(await t.keyFor('telephony'));
    admin = bearer(t.adminKey);
    for (const id of w.agentIds) await t.http.put(`/v1/agents/${id}/state`).set(...admin).send({ state: 'available' }).expect(200);
  });
  afterAll(() => t.close());

  const replaceAgent = async (id: string, change: Record<string, unknown>) => {
    const a = (await t.http.get(`/v1/agents/${id}`).set(...admin).expect(200)).body;
    const body = { employeeNumber: a.employeeNumber, displayName: a.displayName, departmentId: a.departmentId, phoneUri: a.phoneUri, capacity: a.capacity, skills: a.skills, ...change };
    await t.http.put(`/v1/agents/${id}`).set(...admin).send(body).expect(200);
  };

  it('a new SIP URI and new skills apply to the next call', async () => {
    const [a, b] = w.agentIds;
    // A first decision reads (and keeps) both agents' static data.
    const first = await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('chg-1')).expect(200);
    expect(first.body.decision).toBe('agent');
    await t.http.post('/v1/routing/events').set(...tel).send(eventBody('abandoned', 'chg-1')).expect(200);

    await replaceAgent(a, { phoneUri: 'sip:moved-a@pbx.example.com' });
    await replaceAgent(b, { skills: [{ skill: 'lang:sv', proficiency: 5 }] });

    const second = await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('chg-2')).expect(200);
    expect(second.body).toMatchObject({ decision: 'agent', agentId: a, target: 'sip:moved-a@pbx.example.com' });
    const why = (await t.http.get('/v1/contacts/chg-2/explanation').set(...admin).expect(200)).body;
    expect(why.skippedAgents).toContainEqual(expect.objectContaining({ agentId: b }));
  });
});
