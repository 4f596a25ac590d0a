/**
 * A queue's routing policy set through its routing settings: the widening steps (per queue, as the
 * routing issue asks: "widening over waiting time in configurable steps per queue"), and the other
 * knobs of the policy that used to be fixed in code. The phone queue requires Finnish at 3; its
 * only logged-in agent speaks it at 2, so only a widening step lets the agent take a call.
 */
import type { DataSource } from 'typeorm';
import type { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { bearer, type TestApp } from '../support/test-app.js';
import { callBody, eventBody, startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

describe('routing: a queue’s widening steps and policy settings', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let db: DataSource;
  let engine: RoutingEngine;
  let time: { offsetMs: number };
  let junior: string;
  let calls = 0;

  beforeAll(async () => {
    // The world's own agents never log in.
    ({ t, w, tel, sup, db, engine, time } = await startRoutingTestApp(1, { available: false }));
    junior = (
      await t.http
        .post('/v1/agents')
        .set(...bearer(t.adminKey))
        .send({ employeeNumber: 'J001', displayName: 'Junior', departmentId: w.departmentId, phoneUri: 'sip:j001@pbx.example.com', capacity: { phone: 1, chat: 2, email: 3 }, skills: [{ skill: 'lang:fi', proficiency: 2 }] })
        .expect(201)
    ).body.id;
    await t.http.put(`/v1/agents/${junior}/state`).set(...sup).send({ state: 'available' }).expect(200);
  });
  afterAll(() => t.close());
  beforeEach(() => {
    time.offsetMs = 0;
  });

  const settings = (body: Record<string, unknown>) => t.http.put(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...sup).send({ wrapUpSeconds: 0, meanHandleSeconds: 180, ...body });

  /** A call that finds nobody eligible, then waits `seconds` and is routed again: who has it, and the explanation. */
  async function callAfter(seconds: number) {
    const callId = `policy-call-${++calls}`;
    const decision = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId)).expect(200)).body;
    expect(decision.decision).toBe('queue');
    time.offsetMs += seconds * 1000;
    await engine.sweep();
    const [contact] = await db.query(`SELECT id, status, agent_id AS "agentId" FROM contacts WHERE call_id = $1`, [callId]);
    if (contact.status === 'queued') await engine.routeContact(contact.id, true);
    const explanation = (await t.http.get(`/v1/contacts/${callId}/explanation`).set(...sup).expect(200)).body;
    await t.http.post('/v1/routing/events').set(...tel).send(eventBody('abandoned', callId)).expect(200);
    return { status: explanation.status as string, explanation };
  }

  it('without settings the default steps apply: after 15 s proficiency 2 is enough', async () => {
    expect((await callAfter(10)).status).toBe('queued');
    const later = await callAfter(20);
    expect(later.status).toBe('offered');
    expect(later.explanation.step).toMatchObject({ index: 1 });
  });

  it('announces the wait until the step that lets the agent answer, and offers a callback past the threshold', async () => {
    // The only agent qualifies at the 15 s step: a new call waits 15 s, not 0 s (callback threshold 10 s).
    await settings({ callbackThresholdSeconds: 10, wideningSteps: null }).expect(200);
    try {
      const callId = `policy-call-${++calls}`;
      const decision = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId)).expect(200)).body;
      expect(decision).toMatchObject({ decision: 'queue', position: 1, estimatedWaitSeconds: 15, callbackOffered: true });
      // Ten seconds on, the same call is 5 s from its agent.
      time.offsetMs += 10_000;
      const poll = (await t.http.get(`/v1/routing/decisions/${callId}?waitSeconds=0`).set(...tel).expect(200)).body;
      expect(poll).toMatchObject({ decision: 'queue', position: 1, estimatedWaitSeconds: 5, callbackOffered: false });
      await t.http.post('/v1/routing/events').set(...tel).send(eventBody('abandoned', callId)).expect(200);
      // The wallboard gives a new call's figure for the same state: the decision's 15 s.
      expect((await t.http.get(`/v1/queues/${w.phoneQueueId}/stats`).set(...sup).expect(200)).body.estimatedWaitSeconds).toBe(15);
      // Nobody logged in who could serve the queue: no figure, on the decision as on the wallboard, and a callback.
      await t.http.put(`/v1/agents/${junior}/state`).set(...sup).send({ state: 'break', reason: 'lunch' }).expect(200);
      const lunch = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody(`policy-call-${++calls}`)).expect(200)).body;
      expect(lunch).toMatchObject({ decision: 'queue', estimatedWaitSeconds: null, callbackOffered: true });
      expect((await t.http.get(`/v1/queues/${w.phoneQueueId}/stats`).set(...sup).expect(200)).body.estimatedWaitSeconds).toBeNull();
      await t.http.post('/v1/routing/events').set(...tel).send(eventBody('abandoned', `policy-call-${calls}`)).expect(200);
    } finally {
      await t.http.put(`/v1/agents/${junior}/state`).set(...sup).send({ state: 'available' }).expect(200);
      await settings({ callbackThresholdSeconds: null }).expect(200);
    }
  });

  it('the queue’s own steps replace the defaults, and [] turns widening off', async () => {
    const steps = [
      { afterSeconds: 60, skills: 'queue-skills', agents: 'department', minProficiency: 2, name: 'a minute: proficiency 2' },
      { afterSeconds: 120, skills: 'language-only', agents: 'department-and-lent', minProficiency: 1 },
    ];
    const saved = await settings({ wideningSteps: steps }).expect(200);
    expect(saved.body.wideningSteps).toEqual(steps);
    expect((await t.http.get(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...sup).expect(200)).body).toMatchObject({ wideningSteps: steps, previousAgentLookbackDays: null });

    expect((await callAfter(30)).status).toBe('queued');
    const widened = await callAfter(65);
    expect(widened.status).toBe('offered');
    expect(widened.explanation.step).toMatchObject({ index: 1, name: 'a minute: proficiency 2' });

    await settings({ wideningSteps: [] }).expect(200);
    expect((await callAfter(600)).status).toBe('queued');

    // Back to the defaults.
    await settings({ wideningSteps: null }).expect(200);
    expect((await callAfter(20)).status).toBe('offered');
  });

  it('refuses steps out of order or malformed, naming the field and the rule, and stores nothing', async () => {
    const before = (await t.http.get(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...sup).expect(200)).body;
    const unordered = await settings({
      wideningSteps: [
        { afterSeconds: 45, skills: 'language-only', agents: 'department' },
        { afterSeconds: 15, skills: 'queue-skills', agents: 'department', minProficiency: 2 },
      ],
    }).expect(422);
    expect(unordered.body.errors).toEqual([expect.objectContaining({ field: 'wideningSteps[1].afterSeconds', rule: 'ascending' })]);
    const malformed = await settings({ wideningSteps: [{ afterSeconds: -1, skills: 'everything', agents: 'department', minProficiency: 9, extra: true }] }).expect(422);
    expect(malformed.body.errors.map((e: { field: string; rule: string }) => `${e.field} ${e.rule}`).sort()).toEqual([
      'wideningSteps[0].afterSeconds min',
      'wideningSteps[0].extra forbidden',
      'wideningSteps[0].minProficiency max',
      'wideningSteps[0].skills isIn',
    ]);
    // Settings that would be stored and do nothing: a lent-agent delay beside the queue's own steps
    // (or none), a callback threshold on a queue that has no waiting callers.
    for (const wideningSteps of [[{ afterSeconds: 60, skills: 'language-only', agents: 'department-and-lent' }], []]) {
      const idle = await settings({ wideningSteps, lentAgentDelaySeconds: 60 }).expect(422);
      expect(idle.body.errors).toEqual([expect.objectContaining({ field: 'lentAgentDelaySeconds', rule: 'defaultStepsOnly' })]);
    }
    for (const queueId of [w.chatQueueId, w.emailQueueId]) {
      const idle = await t.http.put(`/v1/queues/${queueId}/routing-settings`).set(...sup).send({ wrapUpSeconds: 0, meanHandleSeconds: 180, callbackThresholdSeconds: 60 }).expect(422);
      expect(idle.body.errors).toEqual([expect.objectContaining({ field: 'callbackThresholdSeconds', rule: 'phoneOnly' })]);
      await t.http.put(`/v1/queues/${queueId}/routing-settings`).set(...sup).send({ wrapUpSeconds: 0, meanHandleSeconds: 180, callbackThresholdSeconds: null }).expect(200);
    }
    const range = await settings({ previousAgentLookbackDays: 0, emailBlendingThresholdSeconds: -5 }).expect(422);
    expect(range.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['emailBlendingThresholdSeconds', 'previousAgentLookbackDays']);
    expect((await t.http.get(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...sup).expect(200)).body).toEqual(before);
  });

  it('stores and answers the other policy knobs', async () => {
    const knobs = { lentAgentDelaySeconds: 90, previousAgentPreferenceSeconds: 0, previousAgentLookbackDays: 7, emailBlendingThresholdSeconds: 5 };
    expect((await settings(knobs).expect(200)).body).toMatchObject(knobs);
    expect((await t.http.get(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...sup).expect(200)).body).toMatchObject({ ...knobs, wideningSteps: null });
    await settings({}).expect(200);
  });
});
