import type { DataSource } from 'typeorm';
import { RoutingInvalidations } from '../../apps/api/src/persistence/routing-invalidations.js';
import type { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { bearer, type TestApp } from '../support/test-app.js';
import { callBody, eventBody, startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

/**
 * Loans in routing: an agent of another department lent to the queue's department is eligible only
 * inside the loan window and only after the queue's "lent agents" widening step (default: after
 * 75 s of waiting). Loans are inserted directly (the loans API belongs to planning).
 */
describe('routing: agents lent from other departments', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let db: DataSource;
  let engine: RoutingEngine;
  let time: { offsetMs: number };
  let otherDepartmentId: string;
  let lent: string;
  let calls = 0;
  const HOUR = 3600_000;

  beforeAll(async () => {
    // The home department has one agent, never logged in: only a lent agent can answer.
    ({ t, w, tel, sup, db, engine, time } = await startRoutingTestApp(1, { available: false }));
    const admin = bearer(t.adminKey);
    otherDepartmentId = (await t.http.post('/v1/departments').set(...admin).send({ key: 'collections', name: 'Collections', kind: 'other' }).expect(201)).body.id;
    lent = (
      await t.http
        .post('/v1/agents')
        .set(...admin)
        .send({ employeeNumber: 'L001', displayName: 'Lent agent', departmentId: otherDepartmentId, phoneUri: 'sip:l001@pbx.example.com', capacity: { phone: 1, chat: 2, email: 3 }, skills: [{ skill: 'lang:fi', proficiency: 5 }] })
        .expect(201)
    ).body.id;
    await t.http.put(`/v1/agents/${lent}/state`).set(...sup).send({ state: 'available' }).expect(200);
  });
  afterAll(() => t.close());

  // Loans written here with SQL, as the loans API would write them, and announced as it does (the
  // in-memory engine re-reads the agent; the database engine reads loans on every decision).
  const loansChanged = () => t.app.get(RoutingInvalidations).agentsChanged([lent]);

  beforeEach(async () => {
    time.offsetMs = 0;
    await db.query('DELETE FROM loans');
    loansChanged();
  });

  async function loan(from: number, to: number, extra: { status?: string; queueId?: string | null } = {}): Promise<void> {
    const now = Date.now();
    await db.query(
      `INSERT INTO loans (agent_id, from_department_id, to_department_id, queue_id, starts_at, ends_at, status, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'test')`,
      [lent, otherDepartmentId, w.departmentId, extra.queueId ?? null, new Date(now + from), new Date(now + to), extra.status ?? 'active'],
    );
    loansChanged();
  }

  /** Places a call (queued: nobody at home), lets it wait `waitSeconds`, runs the sweep, returns the call's state. */
  async function callAndWait(waitSeconds: number) {
    const callId = `loan-call-${++calls}`;
    const decision = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId)).expect(200)).body;
    const atArrival = (await t.http.get(`/v1/contacts/${callId}/explanation`).set(...sup).expect(200)).body;
    time.offsetMs += waitSeconds * 1000;
    await engine.sweep();
    const contact = (await db.query(`SELECT id, status, agent_id AS "agentId" FROM contacts WHERE call_id = $1`, [callId]))[0];
    if (contact.status === 'queued') await engine.routeContact(contact.id, true);
    const afterWait = (await t.http.get(`/v1/contacts/${callId}/explanation`).set(...sup).expect(200)).body;
    return { callId, decision, atArrival, afterWait, contact };
  }

  const skipOf = (explanation: { skippedAgents: { agentId: string; reason: string }[] }) => explanation.skippedAgents.find((s) => s.agentId === lent)?.reason;

  async function hangUp(callId: string): Promise<void> {
    await t.http.post('/v1/routing/events').set(...tel).send(eventBody('abandoned', callId)).expect(200);
    const [p] = await db.query(`SELECT state, phone_load FROM agent_presence WHERE agent_id = $1`, [lent]);
    expect(p).toEqual({ state: 'available', phone_load: 0 });
  }

  it('offers a waiting call to the lent agent inside the window, after the lent widening step only', async () => {
    await loan(-HOUR, HOUR);
    const { callId, decision, atArrival, contact } = await callAndWait(80);
    expect(decision.decision).toBe('queue');
    expect(skipOf(atArrival)).toBe('lent-not-yet-widened');
    expect(contact).toMatchObject({ status: 'offered', agentId: lent });
    const why = (await t.http.get(`/v1/contacts/${callId}/explanation`).set(...sup).expect(200)).body;
    expect(why.step).toMatchObject({ name: 'agents lent from other departments' });
    const poll = await t.http.get(`/v1/routing/decisions/${callId}?waitSeconds=0`).set(...tel).expect(200);
    expect(poll.body).toMatchObject({ decision: 'agent', agentId: lent, target: 'sip:l001@pbx.example.com' });
    await hangUp(callId);
  });

  it('does not offer it before the window starts, nor once it has ended: routing reverts by itself', async () => {
    await loan(HOUR, 2 * HOUR);
    const early = await callAndWait(80);
    expect(skipOf(early.atArrival)).toBe('outside-loan-window');
    expect(skipOf(early.afterWait)).toBe('outside-loan-window');
    expect(early.contact.status).toBe('queued');
    await hangUp(early.callId);

    // The same loan, two and a half hours later: over.
    time.offsetMs = 2.5 * HOUR;
    const late = await callAndWait(80);
    expect(skipOf(late.afterWait)).toBe('outside-loan-window');
    expect(late.contact.status).toBe('queued');
    await hangUp(late.callId);

    // While the window is open the same setup routes to the lent agent.
    time.offsetMs = 1.5 * HOUR;
    const inside = await callAndWait(80);
    expect(inside.contact).toMatchObject({ status: 'offered', agentId: lent });
    await hangUp(inside.callId);
  });

  it('ignores a declined loan', async () => {
    await loan(-HOUR, HOUR, { status: 'declined' });
    const { callId, afterWait, contact } = await callAndWait(80);
    expect(contact.status).toBe('queued');
    expect(skipOf(afterWait)).toBeUndefined(); // not in the pool at all: only the department's agents and active loans are
    await hangUp(callId);
  });

  it('limits a loan to one queue: the lent agent gets that queue, not the department\'s others', async () => {
    await loan(-HOUR, HOUR, { queueId: w.chatQueueId });
    const { callId, afterWait, contact } = await callAndWait(80);
    expect(contact.status).toBe('queued');
    expect(skipOf(afterWait)).toBe('other-department');
    await hangUp(callId);
    await db.query('DELETE FROM loans');
    await loan(-HOUR, HOUR, { queueId: w.phoneQueueId });
    const own = await callAndWait(80);
    expect(own.contact).toMatchObject({ status: 'offered', agentId: lent });
    await hangUp(own.callId);
  });

  it('follows a loan made and declined through the loans API: routing starts inside its window and stops once declined', async () => {
    const startsAt = new Date(Date.now() + HOUR);
    const made = await t.http
      .post('/v1/loans')
      .set(...sup)
      .send({
        reason: 'Letter-batch spike',
        loans: [{ agentId: lent, fromDepartmentId: otherDepartmentId, queueId: w.phoneQueueId, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + HOUR).toISOString() }],
      })
      .expect(201);
    const loanId: string = (Array.isArray(made.body) ? made.body : made.body.loans)[0].id;

    time.offsetMs = 1.5 * HOUR;
    const inside = await callAndWait(80);
    expect(inside.contact).toMatchObject({ status: 'offered', agentId: lent });
    await hangUp(inside.callId);

    const manager = bearer(await t.keyFor('manager'));
    await t.http.post(`/v1/loans/${loanId}/decline`).set(...manager).send({ reason: 'Month-end closing' }).expect(200);
    time.offsetMs = 1.5 * HOUR;
    const declined = await callAndWait(80);
    expect(declined.contact.status).toBe('queued');
    await hangUp(declined.callId);
  });

  it('counts a lent agent on the wallboard of the queue it is lent to, and not an agent without the queue\'s language', async () => {
    const admin = bearer(t.adminKey);
    const swedish = (
      await t.http
        .post('/v1/agents')
        .set(...admin)
        .send({ employeeNumber: 'S001', displayName: 'Swedish only', departmentId: w.departmentId, phoneUri: 'sip:s001@pbx.example.com', capacity: { phone: 1, chat: 2, email: 3 }, skills: [{ skill: 'lang:sv', proficiency: 5 }] })
        .expect(201)
    ).body.id;
    await t.http.put(`/v1/agents/${swedish}/state`).set(...sup).send({ state: 'available' }).expect(200);
    const board = async (queueId: string) => (await t.http.get(`/v1/queues/${queueId}/stats`).set(...sup).expect(200)).body;
    try {
      // The home department's only Finnish agent never logged in; the Swedish one cannot serve a Finnish queue.
      expect((await board(w.phoneQueueId)).agentsByState.available).toBe(0);
      expect((await board(w.phoneQueueId)).estimatedWaitSeconds).toBeNull();
      await loan(-HOUR, HOUR, { queueId: w.phoneQueueId });
      const lentIn = await board(w.phoneQueueId);
      expect(lentIn.agentsByState.available).toBe(1);
      // Lent agents join a call at the default 75 s widening step: that is the wait a new call hears.
      expect(lentIn.estimatedWaitSeconds).toBe(75);
      // A loan to the phone queue only: the chat queue's wallboard does not count the agent.
      expect((await board(w.chatQueueId)).agentsByState.available).toBe(0);
      await t.http.put(`/v1/agents/${lent}/state`).set(...sup).send({ state: 'break', reason: 'lunch' }).expect(200);
      expect((await board(w.phoneQueueId)).agentsByState).toMatchObject({ available: 0, break: 1 });
    } finally {
      await t.http.put(`/v1/agents/${lent}/state`).set(...sup).send({ state: 'available' }).expect(200);
      await t.http.put(`/v1/agents/${swedish}/state`).set(...sup).send({ state: 'offline' }).expect(200);
    }
  });
});
