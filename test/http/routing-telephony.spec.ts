import type { DataSource } from 'typeorm';
import type { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { bearer, type TestApp } from '../support/test-app.js';
import { callBody, CALLED_NUMBER, eventBody, startRoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

/** The telephony contract of POST/GET /v1/routing/decisions and POST /v1/routing/events. */
/** What the process wrote to stdout and stderr (the log) while `fn` ran. */
async function outputOf(fn: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  return lines.join('');
}

describe('routing: telephony contract', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let sup: [string, string];
  let db: DataSource;
  let engine: RoutingEngine;
  let time: { offsetMs: number };

  beforeAll(async () => {
    ({ t, w, tel, sup, db, engine, time } = await startRoutingTestApp(2));
  });
  afterAll(() => t.close());

  const decide = (callId: string, extra: Record<string, unknown> = {}) => t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId, extra));
  const event = (name: string, callId: string, extra: Record<string, unknown> = {}) => t.http.post('/v1/routing/events').set(...tel).send(eventBody(name, callId, extra)).expect(200);
  const state = async (agentId: string) => (await t.http.get(`/v1/agents/${agentId}/state`).set(...sup).expect(200)).body;

  it('answers an agent decision with the SIP URI, idempotently on callId (no second contact)', async () => {
    const first = await decide('call-1').expect(200);
    expect(Object.keys(first.body).sort()).toEqual(['agentId', 'decision', 'decisionId', 'target']);
    expect(first.body.decision).toBe('agent');
    expect(w.agentIds).toContain(first.body.agentId);
    expect(first.body.target).toMatch(/^sip:r\d{3}@pbx\.example\.com$/);
    const retry = await decide('call-1').expect(200);
    expect(retry.body).toEqual(first.body);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM contacts WHERE call_id = 'call-1'`);
    expect(n).toBe(1);
    expect((await state(first.body.agentId)).state).toBe('reserved');
  });

  it('gives the second call the other agent, and queues the third with position and estimated wait', async () => {
    const c1 = (await decide('call-1').expect(200)).body;
    const c2 = (await decide('call-2').expect(200)).body;
    expect(c2.decision).toBe('agent');
    expect(c2.agentId).not.toBe(c1.agentId);
    const c3 = (await decide('call-3').expect(200)).body;
    expect(c3).toEqual({ decisionId: expect.any(String), decision: 'queue', queueId: w.phoneQueueId, position: 1, estimatedWaitSeconds: expect.any(Number) });
    const poll = await t.http.get('/v1/routing/decisions/call-3?waitSeconds=0').set(...tel).expect(200);
    expect(poll.body).toMatchObject({ decision: 'queue', queueId: w.phoneQueueId, position: 1 });
  });

  it('explains a decision by callId: rule, step and the agents skipped with the reason', async () => {
    const c2 = (await decide('call-2').expect(200)).body;
    const res = await t.http.get('/v1/contacts/call-2/explanation').set(...sup).expect(200);
    expect(res.body.rule).toMatch(/longest-idle|fewest-in-hand|only-eligible|narrowest-step|agent-id|lowest-occupancy/);
    expect(res.body.step).toMatchObject({ index: 0, name: 'queue requirements' });
    expect(res.body.eligibleAgentIds[0]).toBe(c2.agentId);
    expect(res.body.skippedAgents).toEqual([expect.objectContaining({ reason: 'on-call' })]);
    const queued = await t.http.get('/v1/contacts/call-3/explanation').set(...sup).expect(200);
    expect(queued.body.rule).toBe('no-eligible-agent');
    expect(queued.body.skippedByReason).toEqual({ 'on-call': 2 });
  });

  it('answered → busy; ended → wrap-up, then available after the configured seconds, which routes the waiting call', async () => {
    const c1 = (await decide('call-1').expect(200)).body;
    const c2 = (await decide('call-2').expect(200)).body;
    expect((await event('answered', 'call-1', { decisionId: c1.decisionId, agentId: c1.agentId })).body).toEqual({ applied: true, detail: 'agent busy' });
    await event('answered', 'call-2', { decisionId: c2.decisionId });
    expect((await state(c1.agentId)).state).toBe('busy');
    expect((await event('answered', 'call-1')).body.applied).toBe(false);
    await event('ended', 'call-1', { hangupBy: 'caller', durationSec: 95 });
    const wrap = await state(c1.agentId);
    expect(wrap.state).toBe('wrap-up');
    expect(wrap.load).toEqual({ phone: 0, chat: 0, email: 0 });
    expect((await event('ended', 'call-1')).body.applied).toBe(false);
    time.offsetMs = 29_000;
    expect(await engine.tick()).toMatchObject({ ran: true, wrapUps: 0 });
    time.offsetMs = 31_000;
    expect(await engine.tick()).toMatchObject({ ran: true, expired: 0, wrapUps: 1 });
    time.offsetMs = 0;
    const poll = await t.http.get('/v1/routing/decisions/call-3').set(...tel).expect(200);
    expect(poll.body).toEqual({ decisionId: expect.any(String), decision: 'agent', agentId: c1.agentId, target: expect.stringMatching(/^sip:/) });
    const timeline = (await t.http.get('/v1/contacts/call-1').set(...sup).expect(200)).body.timeline.map((e: { type: string }) => e.type);
    expect(timeline).toEqual(['queued', 'reserved', 'offered', 'accepted', 'answered', 'ended']);
  });

  it('long-polls a queued call and answers as soon as an agent is reserved (here: freed by an abandoned call)', async () => {
    const c4 = (await decide('call-4').expect(200)).body;
    expect(c4.decision).toBe('queue');
    const c3 = (await t.http.get('/v1/routing/decisions/call-3').set(...tel).expect(200)).body;
    const pending = t.http.get('/v1/routing/decisions/call-4?waitSeconds=10').set(...tel).then((r) => r);
    await new Promise((r) => setTimeout(r, 300));
    expect((await event('abandoned', 'call-3', { hangupBy: 'caller' })).body).toEqual({ applied: true, detail: 'contact abandoned, agent released' });
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ decision: 'agent', agentId: c3.agentId });
    const [{ status }] = await db.query(`SELECT status FROM contacts WHERE call_id = 'call-3'`);
    expect(status).toBe('abandoned');
  });

  it('agent_failed makes the agent not-responding and re-routes the call (here: back to the queue)', async () => {
    const now = (await t.http.get('/v1/routing/decisions/call-4').set(...tel).expect(200)).body;
    expect(now.decision).toBe('agent');
    await event('agent_failed', 'call-4', { decisionId: now.decisionId, agentId: now.agentId, sipCode: 408, leg: 'agent' });
    expect((await state(now.agentId)).state).toBe('not-responding');
    const after = (await t.http.get('/v1/routing/decisions/call-4').set(...tel).expect(200)).body;
    expect(after.decision).toBe('queue');
    const explanation = (await t.http.get('/v1/contacts/call-4/explanation').set(...sup).expect(200)).body;
    expect(explanation.skippedAgents).toContainEqual({ agentId: now.agentId, reason: 'excluded', detail: 'rejected or did not answer an earlier offer of this contact' });
    // The agent comes back: the call is never offered again to the agent who failed it.
    await t.http.put(`/v1/agents/${now.agentId}/state`).set(...sup).send({ state: 'available' }).expect(200);
    expect((await t.http.get('/v1/routing/decisions/call-4').set(...tel).expect(200)).body.decision).toBe('queue');
  });

  it('releases a reservation nobody answered after its timeout (phone 10 s): agent not-responding, call back in line', async () => {
    const offered = (await decide('call-6').expect(200)).body;
    expect(offered.decision).toBe('agent');
    time.offsetMs = 9_000;
    expect((await engine.tick()).expired).toBe(0);
    time.offsetMs = 10_500;
    expect((await engine.tick()).expired).toBe(1);
    time.offsetMs = 0;
    expect((await state(offered.agentId)).state).toBe('not-responding');
    const types = (await t.http.get('/v1/contacts/call-6').set(...sup).expect(200)).body.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(['queued', 'reserved', 'offered', 'timeout', 'requeued']);
  });

  it('accepts and ignores events of unknown calls and malformed-free duplicates', async () => {
    expect((await event('ended', 'no-such-call')).body).toEqual({ applied: false, detail: 'unknown call id' });
    expect((await event('abandoned', 'call-3')).body.applied).toBe(false);
    // Ids that cannot be ours are accepted and ignored too (the database engine once answered 422).
    expect((await event('answered', 'no-such-call', { decisionId: 'nope' })).body).toEqual({ applied: false, detail: 'unknown call id' });
    await decide('call-odd-ids').expect(200);
    expect((await event('answered', 'call-odd-ids', { decisionId: 'nope' })).body.applied).toBe(false);
    expect((await event('abandoned', 'call-odd-ids', { agentId: 'nope' })).body).toEqual({ applied: true, detail: expect.stringMatching(/^contact abandoned/) });
  });

  it('rejects calls to an unknown number (404) and to a closed queue (480), idempotently', async () => {
    const unknown = await decide('call-x', { calledNumber: '+358999' }).expect(200);
    expect(unknown.body).toEqual({ decisionId: expect.any(String), decision: 'reject', sipCode: 404, reason: 'unknown-called-number' });
    expect((await decide('call-x', { calledNumber: '+358999' }).expect(200)).body).toEqual(unknown.body);

    const admin = bearer(t.adminKey);
    const today = new Date();
    const day = (d: number) => new Date(today.getTime() + d * 86400_000).toISOString().slice(0, 10);
    const closed = await t.http
      .post('/v1/calendars')
      .set(...admin)
      .send({ key: 'closed', name: 'Closed', timeZone: 'Europe/Helsinki', holidayRegion: null, openingHours: [{ weekday: 1, open: '08:00', close: '16:00' }], closures: [-1, 0, 1].map((d) => ({ date: day(d), name: 'closed' })) })
      .expect(201);
    const q = await t.http
      .post('/v1/queues')
      .set(...admin)
      .send({ key: 'phone-closed', name: 'Closed line', departmentId: w.departmentId, channel: 'phone', language: 'fi', calendarId: closed.body.id, requiredSkills: [] })
      .expect(201);
    await t.http.post('/v1/entry-points').set(...sup).send({ calledNumber: '+358200000000', name: 'Closed line', queueId: q.body.id }).expect(201);
    const res = await decide('call-closed', { calledNumber: '+358200000000' }).expect(200);
    expect(res.body).toEqual({ decisionId: expect.any(String), decision: 'reject', sipCode: 480, reason: 'closed' });
  });

  it('offers a callback when the estimated wait exceeds the threshold; a requested callback keeps its place', async () => {
    await t.http.put(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...sup).send({ wrapUpSeconds: 0, callbackThresholdSeconds: 1, meanHandleSeconds: 300, fallbackTarget: 'sip:voicemail@pbx.example.com' }).expect(200);
    const res = (await decide('call-5').expect(200)).body;
    expect(res).toMatchObject({ decision: 'queue', callbackOffered: true, fallbackTarget: 'sip:voicemail@pbx.example.com' });
    const cb = await t.http.post('/v1/routing/callbacks').set(...tel).send({ callId: 'call-5' }).expect(200);
    expect(cb.body.status).toBe('queued');
    // The caller hangs up: the callback keeps waiting.
    expect((await event('ended', 'call-5')).body.applied).toBe(false);
    const contact = (await t.http.get('/v1/contacts/call-5').set(...sup).expect(200)).body;
    expect(contact).toMatchObject({ kind: 'callback', status: 'queued' });
  });

  it('a withheld number is nobody\'s customer: no shared history, no callback offered, none taken (409 callback.no_number)', async () => {
    await t.http.put(`/v1/queues/${w.phoneQueueId}/routing-settings`).set(...sup).send({ wrapUpSeconds: 0, callbackThresholdSeconds: 1, meanHandleSeconds: 300 }).expect(200);
    for (const a of w.agentIds) await t.http.put(`/v1/agents/${a}/state`).set(...sup).send({ state: 'break', reason: 'meeting' }).expect(200);
    const withheld = ['anonymous', 'unknown', '', 'sip:anonymous@anonymous.invalid'];
    for (const [i, callerId] of withheld.entries()) {
      const res = (await decide(`withheld-${i}`, { callerId }).expect(200)).body;
      expect(res).toMatchObject({ decision: 'queue', callbackOffered: false });
      const polled = (await t.http.get(`/v1/routing/decisions/withheld-${i}?waitSeconds=0`).set(...tel).expect(200)).body;
      expect(polled).toMatchObject({ decision: 'queue', callbackOffered: false });
    }
    const refused = await t.http.post('/v1/routing/callbacks').set(...tel).send({ callId: 'withheld-0' }).expect(409);
    expect(refused.body).toMatchObject({ code: 'callback.no_number' });
    expect((await t.http.get('/v1/contacts/withheld-0').set(...sup).expect(200)).body).toMatchObject({ kind: 'inbound', status: 'queued' });
    const rows = await db.query(`SELECT customer_id FROM contacts WHERE call_id LIKE 'withheld-%'`);
    expect(rows).toEqual(withheld.map(() => ({ customer_id: null })));
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM customers WHERE phone_number IN ('anonymous', 'unknown', '', 'sip:anonymous@anonymous.invalid')`);
    expect(n).toBe(0);
    // A caller with a number is still offered the callback in the same queue.
    expect((await decide('numbered', { callerId: '+358401110000' }).expect(200)).body).toMatchObject({ decision: 'queue', callbackOffered: true });
  });

  it('takes a callback for a withheld caller with the number keyed in to the IVR; a known caller keeps its own number', async () => {
    // The agents are still on their break: withheld-1 and numbered wait in line.
    const callback = (body: Record<string, unknown>) => t.http.post('/v1/routing/callbacks').set(...tel).send(body);
    const bad = await callback({ callId: 'withheld-1', callbackNumber: '040 12x' }).expect(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'callbackNumber', rule: 'phoneNumber' })]);
    const logged = await outputOf(async () => {
      const taken = await callback({ callId: 'withheld-1', callbackNumber: '0401234567' }).expect(200);
      expect(taken.body).toMatchObject({ status: 'queued' });
      expect((await callback({ callId: 'withheld-1', callbackNumber: '0401234567' }).expect(200)).body).toEqual(taken.body);
      // A caller whose number is known is called back on it: another number is refused, without either number in the answer.
      const other = await callback({ callId: 'numbered', callbackNumber: '0409999999' }).expect(409);
      expect(other.body).toMatchObject({ code: 'callback.number_known' });
      expect(JSON.stringify(other.body)).not.toMatch(/0409999999|358401110000/);
      expect((await t.http.get('/v1/contacts/numbered').set(...sup).expect(200)).body).toMatchObject({ kind: 'inbound', status: 'queued' });
      // Its own number in another spelling is its own number.
      await callback({ callId: 'numbered', callbackNumber: '040 111 0000' }).expect(200);
    });
    expect(logged).not.toMatch(/401234567|409999999|401110000/);
    const contact = (await t.http.get('/v1/contacts/withheld-1').set(...sup).expect(200)).body;
    // Stored in its one form: the IVR's national 0401234567 is the +358401234567 of a SIP caller ID.
    expect(contact).toMatchObject({ kind: 'callback', status: 'queued', callbackNumber: '+358401234567' });
    expect(contact.timeline.at(-1)).toMatchObject({ type: 'callback-requested', detail: { numberKeyedIn: true } });
    expect(JSON.stringify(contact.timeline)).not.toMatch(/401234567/);
    expect((await t.http.get('/v1/contacts/numbered').set(...sup).expect(200)).body).toMatchObject({ kind: 'callback', callbackNumber: '+358401110000' });
    // The number is that customer's from now on: a later call from it is the same customer.
    const [{ customers }] = await db.query(`SELECT count(*)::int AS customers FROM customers WHERE phone_number IN ('0401234567', '+358401234567')`);
    expect(customers).toBe(1);
    const [linked] = await db.query(`SELECT c.customer_id = cu.id AS same FROM contacts c, customers cu WHERE c.call_id = 'withheld-1' AND cu.phone_number = '+358401234567'`);
    expect(linked).toEqual({ same: true });
  });

  it('validates the request and names the field', async () => {
    const res = await t.http.post('/v1/routing/decisions').set(...tel).send({ channel: 'phone', callerId: '', callerName: '', calledNumber: CALLED_NUMBER, language: 'fi' }).expect(422);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ field: 'callId' }));
    const bad = await t.http.post('/v1/routing/events').set(...tel).send({ event: 'exploded', channel: 'phone', callId: 'x', ts: 'now' }).expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['event', 'ts']);
  });

  it('tells concurrent calls joining the line each their own position (an audit got 1, 2, 2, 2, 2, 3 …)', async () => {
    for (const a of w.agentIds) await t.http.put(`/v1/agents/${a}/state`).set(...sup).send({ state: 'break', reason: 'meeting' }).expect(200);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM contacts WHERE queue_id = $1 AND waiting`, [w.phoneQueueId]);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => decide(`line-${i}`).expect(200)));
    expect(answers.map((a) => a.body.decision)).toEqual(new Array(10).fill('queue'));
    expect(answers.map((a) => a.body.position).sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => n + i + 1));
  });

  it('never writes the caller number or name to the log', async () => {
    const logged = await outputOf(async () => {
      await decide('call-log', { callerId: '+358409998877', callerName: 'Salainen Soittaja' }).expect(200);
      await event('abandoned', 'call-log');
    });
    expect(logged).not.toMatch(/358409998877|Salainen/);
  });
});
