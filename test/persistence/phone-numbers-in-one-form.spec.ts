/**
 * Migration PhoneNumbersInOneForm: the numbers stored before numbers were normalised (as the trunk,
 * the IVR or the CRM spelt them) take their one form, and the customers of one number in several
 * spellings become one customer by the rules of a link — callers merged (contacts and surveys
 * moved), two references never merged. Run here on rows written as the previous version wrote
 * them, then again to show it has nothing left to do.
 */
import { randomUUID } from 'node:crypto';
import { PhoneNumbersInOneForm1795660000000 } from '../../migrations/1795660000000-phone-numbers-in-one-form.js';
import { callBody, eventBody, startRoutingTestApp, type RoutingTestApp } from '../routing/routing-world.js';

describe("migration: customers' numbers in one form", () => {
  let r: RoutingTestApp;

  beforeAll(async () => {
    r = await startRoutingTestApp(2);
    await r.t.http.put(`/v1/queues/${r.w.phoneQueueId}/routing-settings`).set(...r.sup).send({ wrapUpSeconds: 0, meanHandleSeconds: 300 }).expect(200);
  });
  afterAll(() => r.t.close());

  const migrate = async (): Promise<void> => {
    const q = r.db.createQueryRunner();
    await q.startTransaction();
    try {
      await new PhoneNumbersInOneForm1795660000000().up(q);
      await q.commitTransaction();
    } catch (err) {
      await q.rollbackTransaction();
      throw err;
    } finally {
      await q.release();
    }
  };
  /** A call from `callerId` answered and ended by the agent it was offered to: its contact id, customer id and agent. */
  const servedCall = async (callId: string, callerId: string): Promise<{ contactId: string; customerId: string; agentId: string }> => {
    const d = (await r.t.http.post('/v1/routing/decisions').set(...r.tel).send(callBody(callId, { callerId })).expect(200)).body;
    await r.t.http.post('/v1/routing/events').set(...r.tel).send(eventBody('answered', callId, { decisionId: d.decisionId, agentId: d.agentId })).expect(200);
    await r.t.http.post('/v1/routing/events').set(...r.tel).send(eventBody('ended', callId, { decisionId: d.decisionId, agentId: d.agentId, leg: 'agent', durationSec: 20 })).expect(200);
    const [row] = await r.db.query(`SELECT id, customer_id AS "customerId" FROM contacts WHERE call_id = $1`, [callId]);
    return { contactId: row.id, customerId: row.customerId, agentId: d.agentId };
  };
  /** A customer as the previous version stored it: its number spelt as it came. */
  const respell = (customerId: string, spelling: string, lastContactAt: Date, externalRef: string | null = null) =>
    r.db.query(`UPDATE customers SET phone_number = $2, last_contact_at = $3, external_ref = $4 WHERE id = $1`, [customerId, spelling, lastContactAt, externalRef]);
  const survey = (customerId: string) =>
    r.db.query(`INSERT INTO surveys (customer_id, channel, contact_ended_at, token_hash, invited_at, expires_at) VALUES ($1, 'phone', now(), $2, now(), now() + interval '1 day')`, [customerId, randomUUID()]);
  const customer = async (id: string) => (await r.db.query(`SELECT phone_number AS phone, external_ref AS ref, last_agent_id AS "lastAgentId" FROM customers WHERE id = $1`, [id]))[0] ?? null;
  const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);

  it('rewrites lone numbers, merges the callers of one number into one customer and moves a number between references without merging them', async () => {
    // One number, three spellings, three customers of calls alone: the SIP caller ID's, the IVR's (most recent, another agent) and one with 00.
    const sip = await servedCall('mig-1', '+358401111111');
    const ivr = await servedCall('mig-2', '+358401111112');
    const intl = await servedCall('mig-3', '+358401111113');
    await respell(sip.customerId, '+358401111111', daysAgo(5));
    await respell(ivr.customerId, '0401111111', daysAgo(1));
    await respell(intl.customerId, '00358401111111', daysAgo(9));
    await survey(ivr.customerId);
    // A reference's customer and a caller of one number: the caller is merged into the reference's.
    const crm = await servedCall('mig-4', '+358402222221');
    const caller = await servedCall('mig-5', '+358402222222');
    await respell(crm.customerId, '040 222 2222', daysAgo(3), 'web-mig-1');
    await respell(caller.customerId, '+358402222222', daysAgo(2));
    // Two references with one number: the more recently active keeps it.
    const older = await servedCall('mig-6', '+358403333331');
    const newer = await servedCall('mig-7', '+358403333332');
    await respell(older.customerId, '+358403333333', daysAgo(30), 'web-mig-2');
    await respell(newer.customerId, '0403333333', daysAgo(1), 'web-mig-3');
    // A lone national number, and a caller identity that is no number.
    const lone = await servedCall('mig-8', '+358404444441');
    const sipUri = await servedCall('mig-9', '+358404444442');
    await respell(lone.customerId, '0404444444', daysAgo(1));
    await respell(sipUri.customerId, 'sip:4444@pbx.example.com', daysAgo(1));

    await migrate();

    // The SIP caller's row holds the number; the others' contacts and survey moved to it and their rows went; the most recent agent is its last agent.
    expect(await customer(sip.customerId)).toEqual({ phone: '+358401111111', ref: null, lastAgentId: ivr.agentId });
    expect(await customer(ivr.customerId)).toBeNull();
    expect(await customer(intl.customerId)).toBeNull();
    expect(await r.db.query(`SELECT DISTINCT customer_id AS id FROM contacts WHERE call_id IN ('mig-1', 'mig-2', 'mig-3')`)).toEqual([{ id: sip.customerId }]);
    expect(await r.db.query(`SELECT customer_id AS id FROM surveys WHERE customer_id IS NOT NULL`)).toEqual([{ id: sip.customerId }]);

    expect(await customer(crm.customerId)).toEqual({ phone: '+358402222222', ref: 'web-mig-1', lastAgentId: caller.agentId });
    expect(await customer(caller.customerId)).toBeNull();
    expect(await r.db.query(`SELECT DISTINCT customer_id AS id FROM contacts WHERE call_id IN ('mig-4', 'mig-5')`)).toEqual([{ id: crm.customerId }]);

    expect(await customer(newer.customerId)).toMatchObject({ phone: '+358403333333', ref: 'web-mig-3' });
    expect(await customer(older.customerId)).toMatchObject({ phone: null, ref: 'web-mig-2' });
    expect(await r.db.query(`SELECT customer_id AS id FROM contacts WHERE call_id = 'mig-6'`)).toEqual([{ id: older.customerId }]);

    expect(await customer(lone.customerId)).toMatchObject({ phone: '+358404444444' });
    expect(await customer(sipUri.customerId)).toMatchObject({ phone: 'sip:4444@pbx.example.com' });

    const audit = await r.db.query(`SELECT actor, action, detail FROM audit_log WHERE action = 'customer.phone-numbers-normalised'`);
    expect(audit).toEqual([{ actor: 'system:migration', action: 'customer.phone-numbers-normalised', detail: { rewritten: 3, merged: 3, numbersTakenFrom: 1, countryCode: '358' } }]);
    expect(JSON.stringify(audit)).not.toMatch(/40[1-4]/);

    // The merged customer is the one every spelling finds now: a call from the IVR's spelling prefers its last agent.
    const d = (await r.t.http.post('/v1/routing/decisions').set(...r.tel).send(callBody('mig-after', { callerId: '0401111111' })).expect(200)).body;
    expect((await r.db.query(`SELECT customer_id AS id, previous_agent_id AS prev FROM contacts WHERE call_id = 'mig-after'`))[0]).toEqual({ id: sip.customerId, prev: ivr.agentId });
    if (d.decision === 'agent') await r.t.http.post('/v1/routing/events').set(...r.tel).send(eventBody('abandoned', 'mig-after')).expect(200);

    // Run again: nothing left to do, nothing audited.
    const before = await r.db.query(`SELECT id, phone_number, external_ref FROM customers ORDER BY id`);
    await migrate();
    expect(await r.db.query(`SELECT id, phone_number, external_ref FROM customers ORDER BY id`)).toEqual(before);
    expect(await r.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'customer.phone-numbers-normalised'`)).toEqual([{ n: 1 }]);
  });
});
