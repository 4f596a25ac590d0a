import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, dropTestDatabase } from '../../../../test/support/test-database.js';
import { closeDataSource, createDataSource, type DatabaseTarget } from '../data-source.js';
import { emptyChangeSet } from '../../../routing/src/core/types.js';
import type {
  AgentStateSpan,
  ChangeSet,
  ContactRecord,
  CustomerRecord,
  EventRecord,
  PresenceRecord,
  ReservationRecord,
} from '../../../routing/src/core/types.js';
import { fetchCustomerByPhone, fetchCustomerByRef, loadAgentStatics, loadRoutingSnapshot } from './routing-loader.js';
import { changeSetStatement, GroupCommitWriter, type GroupInfo, type SqlSession } from './routing-writer.js';
import { pgClientSession, typeormSession } from './sql-session.js';
import { planCustomerLink } from '../../../routing/src/core/customer-link.js';
import { RoutingState } from '../../../routing/src/core/routing-state.js';

/** The reference rows the routing tables point to, inserted with plain SQL. */
interface World {
  department: string;
  otherDepartment: string;
  phoneQueue: string;
  chatQueue: string;
  otherQueue: string;
  /** Logged in, available, skills lang:fi 5 and topic:billing 3. */
  aino: string;
  /** Logged in, available, lent to the other department (one active loan, one cancelled). */
  bertil: string;
  /** Inactive, never logged in. */
  carita: string;
  loggedInAt: Date;
}

async function buildWorld(q: (sql: string, params?: unknown[]) => Promise<unknown>): Promise<World> {
  const w: World = {
    department: randomUUID(),
    otherDepartment: randomUUID(),
    phoneQueue: randomUUID(),
    chatQueue: randomUUID(),
    otherQueue: randomUUID(),
    aino: randomUUID(),
    bertil: randomUUID(),
    carita: randomUUID(),
    loggedInAt: new Date(Date.now() - 3_600_000),
  };
  const calendar = randomUUID();
  await q(`INSERT INTO departments (id, key, name, kind) VALUES ($1, 'customer-service', 'Customer service', 'customer-service'), ($2, 'sales', 'Sales', 'other')`, [
    w.department,
    w.otherDepartment,
  ]);
  await q(`INSERT INTO business_calendars (id, key, name, time_zone, opening_hours) VALUES ($1, 'always', 'Always', 'Europe/Helsinki', '[]')`, [calendar]);
  await q(
    `INSERT INTO queues (id, key, name, department_id, channel, language, calendar_id, target_percent, target_seconds, target_basis) VALUES
      ($1, 'phone-fi', 'Phone, Finnish', $4, 'phone', 'fi', $6, 80, 30, 'elapsed'),
      ($2, 'chat', 'Chat', $4, 'chat', NULL, $6, 80, 60, 'elapsed'),
      ($3, 'sales-phone', 'Sales phone', $5, 'phone', NULL, $6, 80, 30, 'elapsed')`,
    [w.phoneQueue, w.chatQueue, w.otherQueue, w.department, w.otherDepartment, calendar],
  );
  await q(`INSERT INTO skills (key, kind, name) VALUES ('lang:fi', 'language', 'Finnish'), ('topic:billing', 'topic', 'Billing') ON CONFLICT DO NOTHING`);
  await q(
    `INSERT INTO agents (id, employee_number, display_name, department_id, phone_uri, phone_capacity, chat_capacity, email_capacity, active) VALUES
      ($1, 'E1', 'Aino', $4, 'sip:e1@pbx.example.com', 1, 3, 5, true),
      ($2, 'E2', 'Bertil', $4, NULL, 0, 2, 4, true),
      ($3, 'E3', 'Carita', $4, NULL, 1, 3, 5, false)`,
    [w.aino, w.bertil, w.carita, w.department],
  );
  await q(`INSERT INTO agent_skills (agent_id, skill_key, proficiency) VALUES ($1, 'lang:fi', 5), ($1, 'topic:billing', 3), ($2, 'lang:fi', 2)`, [w.aino, w.bertil]);
  await q(
    `INSERT INTO loans (agent_id, from_department_id, to_department_id, queue_id, starts_at, ends_at, status, created_by) VALUES
      ($1, $2, $3, $4, '2026-11-26T08:00:00Z', '2026-11-26T12:00:00Z', 'active', 'test'),
      ($1, $2, $3, NULL, '2026-11-27T08:00:00Z', '2026-11-27T12:00:00Z', 'cancelled', 'test')`,
    [w.bertil, w.department, w.otherDepartment, w.otherQueue],
  );
  await q(
    `INSERT INTO agent_presence (agent_id, state, phone_capacity, chat_capacity, email_capacity, phone_load, chat_load, email_load, state_since, idle_since)
     VALUES ($1, 'available', 1, 3, 5, 0, 0, 0, $3, $3), ($2, 'available', 0, 2, 4, 0, 0, 0, $3, $3)`,
    [w.aino, w.bertil, w.loggedInAt],
  );
  return w;
}

function contactRecord(over: Partial<ContactRecord> & Pick<ContactRecord, 'channel' | 'queueId'>): ContactRecord {
  const now = new Date();
  return {
    id: randomUUID(),
    kind: 'inbound',
    status: 'queued',
    callId: over.channel === 'phone' ? `call-${randomUUID()}` : null,
    decisionId: randomUUID(),
    decision: null,
    customerId: null,
    customerRef: null,
    callerName: null,
    calledNumber: null,
    language: null,
    subject: null,
    arrivedAt: now,
    deadline: new Date(now.getTime() + 30_000),
    priorityBoostSeconds: 0,
    previousAgentId: null,
    excludedAgentIds: [],
    offerAttempts: 0,
    agentId: null,
    answeredAt: null,
    endedAt: null,
    endReason: null,
    explanation: null,
    createdAt: now,
    ...over,
  };
}

function presenceRecord(agentId: string, over: Partial<PresenceRecord> = {}): PresenceRecord {
  const since = new Date(Date.now() - 3_600_000);
  return {
    agentId,
    state: 'available',
    breakReason: null,
    capacity: { phone: 1, chat: 3, email: 5 },
    load: { phone: 0, chat: 0, email: 0 },
    stateSince: since,
    idleSince: since,
    wrapUpUntil: null,
    pendingState: null,
    pendingReason: null,
    ...over,
  };
}

/** A change set from lists of rows (`isNew` per row) and timeline rows. */
function changeSet(parts: {
  contacts?: [ContactRecord, boolean][];
  reservations?: [ReservationRecord, boolean][];
  presence?: [PresenceRecord, boolean][];
  customers?: [CustomerRecord, boolean][];
  events?: EventRecord[];
  agentStates?: AgentStateSpan[];
}): ChangeSet {
  const c = emptyChangeSet();
  for (const [row, isNew] of parts.contacts ?? []) c.contacts.set(row.id, { row: structuredClone(row), isNew });
  for (const [row, isNew] of parts.reservations ?? []) c.reservations.set(row.id, { row: structuredClone(row), isNew });
  for (const [row, isNew] of parts.presence ?? []) c.presence.set(row.agentId, { row: structuredClone(row), isNew });
  for (const [row, isNew] of parts.customers ?? []) c.customers.set(row.id, { row: structuredClone(row), isNew });
  c.events.push(...(parts.events ?? []));
  c.agentStates.push(...(parts.agentStates ?? []));
  return c;
}

/** A change set of one contact row, the record itself (not a clone, unlike changeSet()). */
function contactChange(row: ContactRecord, isNew: boolean): ChangeSet {
  const c = emptyChangeSet();
  c.contacts.set(row.id, { row, isNew });
  return c;
}

const event = (contactId: string, type: EventRecord['type'], over: Partial<EventRecord> = {}): EventRecord => ({
  contactId,
  at: new Date(),
  type,
  agentId: null,
  reservationId: null,
  detail: null,
  ...over,
});

/** A statement's parameters as text, binary arrays included (their text elements are UTF-8 inside). */
const paramText = (params: unknown[]): string => params.map((p) => (Buffer.isBuffer(p) ? p.toString('utf8') : String(p))).join('\n');

describe('routing store on PostgreSQL', () => {
  let dbName: string;
  let dbUrl: string;
  let writerClient: pg.Client;
  let rawClient: pg.Client;
  let session: SqlSession;
  let w: World;
  const raw = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => (await rawClient.query(sql, params)).rows as T[];

  beforeAll(async () => {
    const db = await createTestDatabase();
    dbName = db.name;
    dbUrl = db.url;
    writerClient = new pg.Client({ connectionString: db.url });
    rawClient = new pg.Client({ connectionString: db.url });
    await writerClient.connect();
    await rawClient.connect();
    session = pgClientSession(writerClient);
    w = await buildWorld((sql, params) => rawClient.query(sql, params));
  });

  afterAll(async () => {
    await writerClient?.end();
    await rawClient?.end();
    if (dbName) await dropTestDatabase(dbName);
  });

  it('stores a new contact with its customer, reservation, presence, timeline and spans, then its updates, and loads them back field by field', async () => {
    const groups: GroupInfo[] = [];
    const writer = new GroupCommitWriter(session, { onGroup: (g) => groups.push(g), dedicatedSession: true });
    await writer.prepare();
    const t0 = new Date(Date.now() - 5_000);
    const t1 = new Date(t0.getTime() + 1_000);
    const t2 = new Date(t0.getTime() + 2_000);

    const customer: CustomerRecord = { id: randomUUID(), phoneNumber: '+358401234567', externalRef: null, lastAgentId: null, lastContactAt: null };
    const contact = contactRecord({
      channel: 'phone',
      queueId: w.phoneQueue,
      status: 'offered',
      customerId: customer.id,
      callerName: 'Maija Meikäläinen',
      calledNumber: '+35820000',
      language: 'fi',
      subject: 'Lasku "kesäkuu" \\ erä',
      arrivedAt: t0,
      deadline: new Date(t0.getTime() + 30_000),
      createdAt: t0,
      decision: { decision: 'agent', agentId: w.aino, nested: { list: [1, 'two', null] } },
      explanation: { summary: 'longest idle', skippedAgents: [w.bertil] },
      excludedAgentIds: [w.bertil, w.carita],
      previousAgentId: w.bertil,
      priorityBoostSeconds: 15,
      offerAttempts: 1,
      agentId: w.aino,
    });
    const reservation: ReservationRecord = {
      id: randomUUID(),
      contactId: contact.id,
      agentId: w.aino,
      channel: 'phone',
      status: 'offered',
      offeredAt: t0,
      expiresAt: new Date(t0.getTime() + 15_000),
      resolvedAt: null,
    };
    const reserved = presenceRecord(w.aino, { state: 'reserved', load: { phone: 1, chat: 0, email: 0 }, stateSince: t0, idleSince: w.loggedInAt });
    await writer.write(
      changeSet({
        customers: [[customer, true]],
        contacts: [[contact, true]],
        reservations: [[reservation, true]],
        presence: [[reserved, false]],
        events: [
          event(contact.id, 'queued', { at: t0, detail: { queueId: w.phoneQueue } }),
          event(contact.id, 'reserved', { at: t0, agentId: w.aino, reservationId: reservation.id, detail: { rule: 'longest-idle' } }),
          event(contact.id, 'offered', { at: t0, agentId: w.aino, reservationId: reservation.id }),
        ],
        agentStates: [{ agentId: w.aino, state: 'available', startedAt: w.loggedInAt, endedAt: t0 }],
      }),
    );
    // customer, contact, survey candidate (none), reservation, presence, 3 events, 1 span
    expect(groups).toEqual([{ changeSets: 1, rows: 8, ms: expect.any(Number) }]);

    let snapshot = await loadRoutingSnapshot(session, new Date());
    expect(snapshot.contacts.find((c) => c.id === contact.id)).toEqual(contact);
    expect(snapshot.reservations.find((r) => r.id === reservation.id)).toEqual(reservation);
    expect(snapshot.customers).toContainEqual(customer);
    expect(snapshot.agents.find((a) => a.agentId === w.aino)?.presence).toEqual(reserved);
    const events = await raw<{ id: string; type: string; agent_id: string | null; reservation_id: string | null; detail: unknown; at: Date }>(
      'SELECT id, type, agent_id, reservation_id, detail, at FROM contact_events WHERE contact_id = $1 ORDER BY id',
      [contact.id],
    );
    expect(events.map((e) => [e.type, e.agent_id, e.reservation_id, e.detail, e.at.getTime()])).toEqual([
      ['queued', null, null, { queueId: w.phoneQueue }, t0.getTime()],
      ['reserved', w.aino, reservation.id, { rule: 'longest-idle' }, t0.getTime()],
      ['offered', w.aino, reservation.id, null, t0.getTime()],
    ]);
    // The core's span only: the trigger stays quiet for the writer's session.
    expect(await raw('SELECT state, started_at, ended_at FROM report_agent_states WHERE agent_id = $1', [w.aino])).toEqual([
      { state: 'available', started_at: w.loggedInAt, ended_at: t0 },
    ]);

    // The call is answered, then ends: updates of the same rows.
    const answered = { ...contact, status: 'connected' as const, answeredAt: t1, explanation: null, excludedAgentIds: [] };
    const accepted = { ...reservation, status: 'accepted' as const };
    const busy = { ...reserved, state: 'busy' as const, stateSince: t1 };
    await writer.write(
      changeSet({
        contacts: [[answered, false]],
        reservations: [[accepted, false]],
        presence: [[busy, false]],
        events: [event(contact.id, 'answered', { at: t1, agentId: w.aino, reservationId: reservation.id })],
        agentStates: [{ agentId: w.aino, state: 'reserved', startedAt: t0, endedAt: t1 }],
      }),
    );
    snapshot = await loadRoutingSnapshot(session, new Date());
    expect(snapshot.contacts.find((c) => c.id === contact.id)).toEqual(answered);
    expect(snapshot.reservations.find((r) => r.id === reservation.id)).toEqual(accepted);
    expect(snapshot.agents.find((a) => a.agentId === w.aino)?.presence).toEqual(busy);
    const [stored] = await raw<{ created_at: Date; updated_at: Date }>('SELECT created_at, updated_at FROM contacts WHERE id = $1', [contact.id]);
    expect(stored.created_at).toEqual(t0);
    expect(stored.updated_at.getTime()).toBeGreaterThan(t0.getTime());

    const ended = { ...answered, status: 'ended' as const, endedAt: t2, endReason: 'ended', agentId: w.aino };
    const completed = { ...accepted, status: 'completed' as const, resolvedAt: t2 };
    const lastAgent = { ...customer, lastAgentId: w.aino, lastContactAt: t2 };
    await writer.write(
      changeSet({
        contacts: [[ended, false]],
        reservations: [[completed, false]],
        customers: [[lastAgent, false]],
        presence: [[{ ...busy, state: 'wrap-up', load: { phone: 0, chat: 0, email: 0 }, stateSince: t2, wrapUpUntil: new Date(t2.getTime() + 30_000) }, false]],
        events: [event(contact.id, 'ended', { at: t2, agentId: w.aino, reservationId: reservation.id }), event(contact.id, 'completed', { at: t2 })],
        agentStates: [{ agentId: w.aino, state: 'busy', startedAt: t1, endedAt: t2 }],
      }),
    );
    snapshot = await loadRoutingSnapshot(session, new Date());
    // A finished call stays in the snapshot for a while (call-id idempotency); its reservation is no longer live.
    expect(snapshot.contacts.find((c) => c.id === contact.id)).toEqual(ended);
    expect(snapshot.reservations.find((r) => r.id === reservation.id)).toBeUndefined();
    expect(snapshot.customers).toContainEqual(lastAgent);
    expect(await fetchCustomerByPhone(session, '+358401234567')).toEqual(lastAgent);
    // The update to 'ended' is captured by the writer's own statement (the trigger is off for its session).
    expect(await raw('SELECT ended_at FROM survey_candidates WHERE contact_id = $1', [contact.id])).toEqual([{ ended_at: t2 }]);
    expect(await raw('SELECT type FROM contact_events WHERE contact_id = $1 ORDER BY id', [contact.id])).toEqual(
      ['queued', 'reserved', 'offered', 'answered', 'ended', 'completed'].map((type) => ({ type })),
    );
    expect((await raw('SELECT state FROM report_agent_states WHERE agent_id = $1 ORDER BY id', [w.aino])).map((r) => r.state)).toEqual(['available', 'reserved', 'busy']);
    await writer.drain();
  });

  it('never writes personal data back on an update (privacy erasure may have cleared it since the owner loaded the row)', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const customer: CustomerRecord = { id: randomUUID(), phoneNumber: '+358409999999', externalRef: 'crm-77', lastAgentId: null, lastContactAt: null };
    const contact = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerId: customer.id, customerRef: 'crm-77', subject: 'Velka', callerName: null });
    await writer.write(changeSet({ customers: [[customer, true]], contacts: [[contact, true]] }));
    await raw(`UPDATE customers SET phone_number = NULL, external_ref = 'erased:' || id::text WHERE id = $1`, [customer.id]);
    await raw(`UPDATE contacts SET customer_ref = NULL, subject = NULL WHERE id = $1`, [contact.id]);
    // The owner still holds the old values in memory and updates both rows.
    await writer.write(
      changeSet({
        customers: [[{ ...customer, lastAgentId: w.aino, lastContactAt: new Date() }, false]],
        contacts: [[{ ...contact, status: 'ended', endedAt: new Date(), endReason: 'completed' }, false]],
      }),
    );
    expect(await raw('SELECT phone_number, external_ref, last_agent_id FROM customers WHERE id = $1', [customer.id])).toEqual([
      { phone_number: null, external_ref: `erased:${customer.id}`, last_agent_id: w.aino },
    ]);
    expect(await raw('SELECT customer_ref, subject, status FROM contacts WHERE id = $1', [contact.id])).toEqual([{ customer_ref: null, subject: null, status: 'ended' }]);
  });

  it('applies customer links before the group: merged callers\' contacts and surveys move, numbers are freed before they are given, a caller merged before its insert is never inserted', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const [P1, P2] = ['+358405550001', '+358405550002'];
    const mail: CustomerRecord = { id: randomUUID(), phoneNumber: null, externalRef: 'mail-link-1', lastAgentId: w.bertil, lastContactAt: new Date(Date.now() - 3 * 86_400_000) };
    const caller: CustomerRecord = { id: randomUUID(), phoneNumber: P1, externalRef: null, lastAgentId: w.aino, lastContactAt: new Date(Date.now() - 86_400_000) };
    const call = contactRecord({ channel: 'phone', queueId: w.phoneQueue, customerId: caller.id, status: 'ended', endedAt: new Date(), agentId: w.aino });
    await writer.write(changeSet({ customers: [[mail, true], [caller, true]], contacts: [[call, true]] }));
    await raw(
      `INSERT INTO surveys (id, contact_id, customer_id, channel, queue_id, agent_id, contact_ended_at, token_hash, invited_at, expires_at)
       VALUES ($1, $2, $3, 'phone', $4, $5, now(), 'hash-link-1', now(), now() + interval '1 day')`,
      [randomUUID(), call.id, caller.id, w.phoneQueue, w.aino],
    );

    // One group of three operations, as the core records them: a new caller (P2) with a call; the
    // email's reference linked to P1 (the first caller merged in); then to P2 (P1 replaced, the new caller merged in).
    const newcomer: CustomerRecord = { id: randomUUID(), phoneNumber: P2, externalRef: null, lastAgentId: null, lastContactAt: null };
    const second = contactRecord({ channel: 'phone', queueId: w.phoneQueue, customerId: newcomer.id });
    const first = planCustomerLink(mail, caller, 'mail-link-1', P1, randomUUID);
    const then = planCustomerLink(first.customer, newcomer, 'mail-link-1', P2, randomUUID);
    expect([first.outcome, then.outcome, then.numberReplaced]).toEqual(['merged', 'merged', true]);
    const linked = (plan: typeof first, contacts: [ContactRecord, boolean][]): ChangeSet => {
      const c = changeSet({ customers: [[plan.customer, false]], contacts });
      c.customerLinks.push(plan);
      return c;
    };
    await Promise.all([
      writer.write(changeSet({ customers: [[newcomer, true]], contacts: [[second, true]] })),
      writer.write(linked(first, [[{ ...call, customerId: mail.id }, false]])),
      writer.write(linked(then, [[{ ...second, customerId: mail.id }, false]])),
    ]);
    expect(await raw('SELECT id, phone_number, external_ref, last_agent_id FROM customers WHERE id = ANY($1::uuid[]) ORDER BY external_ref', [[mail.id, caller.id, newcomer.id]])).toEqual([
      { id: mail.id, phone_number: P2, external_ref: 'mail-link-1', last_agent_id: w.aino },
    ]);
    expect(await raw('SELECT id, customer_id FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id', [[call.id, second.id]])).toEqual(
      [call.id, second.id].sort().map((id) => ({ id, customer_id: mail.id })),
    );
    expect(await raw(`SELECT customer_id FROM surveys WHERE token_hash = 'hash-link-1'`)).toEqual([{ customer_id: mail.id }]);
    expect(await raw('SELECT count(*)::int AS n FROM customers WHERE phone_number = $1', [P1])).toEqual([{ n: 0 }]);
  });

  it('leaves a customer erased after the link was planned as the erasure left it: no number or reference written back, nothing merged into it', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const P = '+358405550003';
    const mail: CustomerRecord = { id: randomUUID(), phoneNumber: null, externalRef: 'mail-erased-1', lastAgentId: null, lastContactAt: null };
    const caller: CustomerRecord = { id: randomUUID(), phoneNumber: P, externalRef: null, lastAgentId: w.aino, lastContactAt: new Date() };
    await writer.write(changeSet({ customers: [[mail, true], [caller, true]] }));
    const plan = planCustomerLink(mail, caller, 'mail-erased-1', P, randomUUID);
    await raw(`UPDATE customers SET phone_number = NULL, external_ref = 'erased:' || id::text WHERE id = $1`, [mail.id]);
    const c = changeSet({ customers: [[plan.customer, false]] });
    c.customerLinks.push(plan);
    await writer.write(c);
    expect(await raw('SELECT id, phone_number, external_ref FROM customers WHERE id = ANY($1::uuid[]) ORDER BY phone_number NULLS FIRST', [[mail.id, caller.id]])).toEqual([
      { id: mail.id, phone_number: null, external_ref: `erased:${mail.id}` },
      { id: caller.id, phone_number: P, external_ref: null },
    ]);
  });

  it('records a survey candidate for a contact inserted already ended, and none for other finished ones', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const endedAt = new Date(Date.now() - 1_000);
    const endedChat = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'chat-ref-1', status: 'ended', agentId: w.bertil, answeredAt: endedAt, endedAt, endReason: 'ended' });
    const abandoned = contactRecord({ channel: 'phone', queueId: w.phoneQueue, status: 'abandoned', endedAt, endReason: 'abandoned' });
    const rejected = contactRecord({ channel: 'phone', queueId: null, status: 'rejected', endedAt, endReason: 'closed' });
    await writer.write(
      changeSet({
        contacts: [
          [endedChat, true],
          [abandoned, true],
          [rejected, true],
        ],
      }),
    );
    const ids = [endedChat.id, abandoned.id, rejected.id];
    expect(await raw('SELECT contact_id, ended_at FROM survey_candidates WHERE contact_id = ANY($1::uuid[])', [ids])).toEqual([{ contact_id: endedChat.id, ended_at: endedAt }]);
  });

  it('records the survey candidate of a contact a group ended once: not again when a later group updates it still ended', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const endedAt = new Date(Date.now() - 1_000);
    const chat = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'chat-ref-2', status: 'connected', agentId: w.aino, answeredAt: endedAt });
    const other = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'chat-ref-3', status: 'connected', agentId: w.aino, answeredAt: endedAt });
    await writer.write(changeSet({ contacts: [[chat, true], [other, true]] }));
    const ended = { ...chat, status: 'ended' as const, endedAt, endReason: 'ended' };
    await writer.write(changeSet({ contacts: [[ended, false], [{ ...other, status: 'abandoned' as const, endedAt, endReason: 'abandoned' }, false]] }));
    const candidates = () => raw('SELECT contact_id, ended_at FROM survey_candidates WHERE contact_id = ANY($1::uuid[])', [[chat.id, other.id]]);
    expect(await candidates()).toEqual([{ contact_id: chat.id, ended_at: endedAt }]);
    // Once the candidate has been handled (deleted), a later update of the ended contact adds none.
    await raw('DELETE FROM survey_candidates WHERE contact_id = $1', [chat.id]);
    await writer.write(changeSet({ contacts: [[{ ...ended, offerAttempts: 2 }, false]] }));
    expect(await candidates()).toEqual([]);
  });

  it('refuses a group with an event of a contact that does not exist, whole', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const good = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'ev-good' });
    const missing = randomUUID();
    const err = await writer.write(changeSet({ contacts: [[good, true]], events: [event(good.id, 'queued'), event(missing, 'queued')] })).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/contact_events_contact_fk/);
    expect(await raw('SELECT id FROM contacts WHERE id = $1', [good.id])).toEqual([]);
    writer.reset();
  });

  it("stores an Idempotency-Key's first use in its contact's statement; a key the table holds live fails the whole group", async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const [{ id: apiKeyId }] = await raw<{ id: string }>(`INSERT INTO api_keys (name, role, key_hash, key_prefix) VALUES ('gw', 'telephony', repeat('a', 64), 'gw') RETURNING id`);
    const at = new Date(Date.now() - 1_000);
    const first = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'ik-1' });
    const withKey = changeSet({ contacts: [[first, true]], events: [event(first.id, 'queued')] });
    withKey.idempotencyKeys.push({ apiKeyId, key: 'gw-msg-1', requestHash: 'a'.repeat(64), contactId: first.id, createdAt: at });
    const { sql } = changeSetStatement(withKey);
    expect(sql).toMatch(/ik AS \(INSERT INTO contact_idempotency_keys/);
    // Without keys the statement has no such part (the shape of every other group is unchanged).
    expect(changeSetStatement(changeSet({ contacts: [[first, true]] })).sql).not.toMatch(/contact_idempotency_keys/);
    await writer.write(withKey);
    expect(await raw('SELECT api_key_id, idempotency_key, request_hash, contact_id, created_at FROM contact_idempotency_keys WHERE contact_id = $1', [first.id])).toEqual([
      { api_key_id: apiKeyId, idempotency_key: 'gw-msg-1', request_hash: 'a'.repeat(64), contact_id: first.id, created_at: at },
    ]);

    const second = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'ik-2' });
    const again = changeSet({ contacts: [[second, true]], events: [event(second.id, 'queued')] });
    again.idempotencyKeys.push({ apiKeyId, key: 'gw-msg-1', requestHash: 'b'.repeat(64), contactId: second.id, createdAt: new Date() });
    const err = await writer.write(again).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/contact_idempotency_keys_pkey/);
    expect(await raw('SELECT id FROM contacts WHERE id = $1', [second.id])).toEqual([]);
    writer.reset();
    // A key without its contact is refused too (the foreign key).
    const orphan = emptyChangeSet();
    orphan.idempotencyKeys.push({ apiKeyId, key: 'gw-msg-2', requestHash: 'c'.repeat(64), contactId: randomUUID(), createdAt: new Date() });
    expect(String(((await writer.write(orphan).catch((e: unknown) => e)) as Error).message)).toMatch(/contact_idempotency_keys_contact_fk/);
    writer.reset();
  });

  it('leaves the span to the core while the writer setting is on, and to the trigger when it is off', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const before = (await raw<{ n: number }>('SELECT count(*)::int AS n FROM report_agent_states WHERE agent_id = $1', [w.bertil]))[0].n;
    const t1 = new Date(Date.now() - 2_000);
    await writer.write(changeSet({ presence: [[presenceRecord(w.bertil, { state: 'break', breakReason: 'lunch', capacity: { phone: 0, chat: 2, email: 4 }, stateSince: t1 }), false]] }));
    expect((await raw<{ n: number }>('SELECT count(*)::int AS n FROM report_agent_states WHERE agent_id = $1', [w.bertil]))[0].n).toBe(before);

    // Another session (no prepare): the trigger logs the state that ended.
    const other = new pg.Client({ connectionString: dbUrl });
    await other.connect();
    try {
      const plain = new GroupCommitWriter(pgClientSession(other));
      const t2 = new Date(Date.now() - 1_000);
      await plain.write(changeSet({ presence: [[presenceRecord(w.bertil, { state: 'available', capacity: { phone: 0, chat: 2, email: 4 }, stateSince: t2, idleSince: t2 }), false]] }));
      expect(await raw('SELECT state, started_at, ended_at FROM report_agent_states WHERE agent_id = $1 AND started_at = $2', [w.bertil, t1])).toEqual([
        { state: 'break', started_at: t1, ended_at: t2 },
      ]);
    } finally {
      await other.end();
    }
    // And off again on the writer's own session.
    await session.query(`SET vuoro.routing_writer = 'off'`);
    try {
      const t3 = new Date();
      await new GroupCommitWriter(session, { dedicatedSession: true }).write(changeSet({ presence: [[presenceRecord(w.bertil, { state: 'offline', capacity: { phone: 0, chat: 2, email: 4 }, stateSince: t3, idleSince: t3 }), false]] }));
      expect((await raw('SELECT state FROM report_agent_states WHERE agent_id = $1 AND ended_at = $2', [w.bertil, t3])).map((r) => r.state)).toEqual(['available']);
    } finally {
      await writer.prepare();
    }
  });

  it('skips zero-length spans instead of failing the group', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const at = new Date();
    await writer.write(changeSet({ agentStates: [{ agentId: w.carita, state: 'reserved', startedAt: at, endedAt: at }, { agentId: w.carita, state: 'busy', startedAt: new Date(at.getTime() - 1_000), endedAt: at }] }));
    expect((await raw('SELECT state FROM report_agent_states WHERE agent_id = $1', [w.carita])).map((r) => r.state)).toEqual(['busy']);
  });

  it('expires an offer and offers the contact again within one group (the live-reservation index holds)', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const now = new Date();
    const chat = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'chat-ref-2', status: 'offered', agentId: w.aino });
    const first: ReservationRecord = { id: randomUUID(), contactId: chat.id, agentId: w.aino, channel: 'chat', status: 'offered', offeredAt: now, expiresAt: new Date(now.getTime() + 10_000), resolvedAt: null };
    await writer.write(changeSet({ contacts: [[chat, true]], reservations: [[first, true]] }));
    const expired = { ...first, status: 'expired' as const, resolvedAt: new Date(now.getTime() + 10_000) };
    const second: ReservationRecord = { ...first, id: randomUUID(), agentId: w.bertil, offeredAt: expired.resolvedAt, expiresAt: new Date(now.getTime() + 20_000) };
    const reoffered = { ...chat, agentId: w.bertil, offerAttempts: 2, excludedAgentIds: [w.aino] };
    await writer.write(changeSet({ contacts: [[reoffered, false]], reservations: [[second, true], [expired, false]] }));
    const snapshot = await loadRoutingSnapshot(session, new Date());
    expect(snapshot.reservations.filter((r) => r.contactId === chat.id)).toEqual([second]);
    expect(snapshot.contacts.find((c) => c.id === chat.id)).toEqual(reoffered);
  });


  it("sends a contact's explanation and decision again only when they changed, and keeps the stored ones otherwise", async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    // The core's records as they are (changeSet() clones them): the writer recognises the very objects it stored.
    const of = contactChange;
    const explanation = { summary: 'longest idle', skippedAgents: [w.bertil] };
    const chat = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'keep-ref', status: 'offered', agentId: w.aino, explanation, decision: { d: 1 } });
    await writer.write(of(chat, true));
    // Its live reservation, as the core keeps one with every offered or connected contact (the snapshot finds those contacts through it).
    const now = new Date();
    await writer.write(
      changeSet({ reservations: [[{ id: randomUUID(), contactId: chat.id, agentId: w.aino, channel: 'chat', status: 'offered', offeredAt: now, expiresAt: new Date(now.getTime() + 10_000), resolvedAt: null }, true]] }),
    );
    const stored = async () => (await raw<{ explanation: unknown; decision: unknown }>('SELECT explanation, decision FROM contacts WHERE id = $1', [chat.id]))[0];

    // Same objects: the update carries flags, not the documents, and the row keeps them.
    const accepted = { ...chat, status: 'connected' as const };
    expect(paramText(changeSetStatement(of(accepted, false)).params)).not.toContain('longest idle');
    await writer.write(of(accepted, false));
    expect(await stored()).toEqual({ explanation, decision: { d: 1 } });

    // A new object (even one with the same content) is sent; null is written as null.
    const rerouted = { ...accepted, explanation: { summary: 'rerouted' }, decision: null };
    expect(paramText(changeSetStatement(of(rerouted, false)).params)).toContain('rerouted');
    await writer.write(of(rerouted, false));
    expect(await stored()).toEqual({ explanation: { summary: 'rerouted' }, decision: null });
    expect((await loadRoutingSnapshot(session, new Date())).contacts.find((c) => c.id === chat.id)).toEqual(rerouted);
  });

  it('answers and ends a contact with heap-only updates: no new index entries (only entering or leaving the queue changes an indexed column)', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const of = contactChange;
    const t0 = new Date(Date.now() - 5_000);
    const queued = contactRecord({ channel: 'phone', queueId: w.phoneQueue, status: 'queued', callId: `hot-${randomUUID()}` });
    const hotUpdates = async () =>
      ((await writerClient.query(`SELECT pg_stat_get_xact_tuples_hot_updated('contacts'::regclass)::int AS n`)).rows[0] as { n: number }).n;
    // One transaction around the writer's statements: this session's counters (which also hold its earlier,
    // not yet reported, transactions) are not reported while it is open, so their differences tell which updates were HOT.
    await writerClient.query('BEGIN');
    try {
      await writer.write(of(queued, true));
      const before = await hotUpdates();
      const offered = { ...queued, status: 'offered' as const, agentId: w.aino, offerAttempts: 1 };
      await writer.write(of(offered, false)); // leaves the queue: a new entry in the waiting index
      expect((await hotUpdates()) - before).toBe(0);
      const connected = { ...offered, status: 'connected' as const, answeredAt: new Date(t0.getTime() + 1_000) };
      await writer.write(of(connected, false));
      const ended = { ...connected, status: 'ended' as const, endedAt: new Date(t0.getTime() + 2_000), endReason: 'ended' };
      await writer.write(of(ended, false));
      expect((await hotUpdates()) - before).toBe(2);
      expect(await raw('SELECT 1 FROM contacts WHERE id = $1', [queued.id])).toEqual([]); // not committed yet
    } finally {
      await writerClient.query('ROLLBACK');
    }
  });

  it("stores waiting calls' poll deadlines after the group's statement (the same contact changed in the group too), moved on and never back, HOT, and loads them back; finished calls keep none", async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const t0 = new Date(Date.now() - 60_000);
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const waiting = contactRecord({ channel: 'phone', queueId: w.phoneQueue, arrivedAt: t0 });
    const ringing = contactRecord({ channel: 'phone', queueId: w.phoneQueue, arrivedAt: t0 });
    const ended = contactRecord({ channel: 'phone', queueId: w.phoneQueue, arrivedAt: t0 });
    await writer.write(changeSet({ contacts: [[waiting, true], [ringing, true], [ended, true]] }));
    const hotUpdates = async () =>
      ((await writerClient.query(`SELECT pg_stat_get_xact_tuples_hot_updated('contacts'::regclass)::int AS n`)).rows[0] as { n: number }).n;
    const dueOf = async (id: string) => ((await raw<{ due: Date | null }>('SELECT poll_due_by AS due FROM contacts WHERE id = $1', [id]))[0]).due;
    const polls = (...deadlines: [string, Date][]) => {
      const c = emptyChangeSet();
      for (const [id, dueBy] of deadlines) c.pollDeadlines.set(id, dueBy);
      return c;
    };

    const reservation: ReservationRecord = { id: randomUUID(), contactId: ringing.id, agentId: w.aino, channel: 'phone', status: 'offered', offeredAt: at(1), expiresAt: at(21), resolvedAt: null };
    const group = changeSet({
      contacts: [[{ ...ringing, status: 'offered', agentId: w.aino, offerAttempts: 1 }, false], [{ ...ended, status: 'abandoned', endedAt: at(1), endReason: 'abandoned' }, false]],
      reservations: [[reservation, true]],
    });
    group.pollDeadlines.set(waiting.id, at(60)).set(ringing.id, at(61)).set(ended.id, at(62));
    await writer.write(group);
    expect([await dueOf(waiting.id), await dueOf(ringing.id), await dueOf(ended.id)]).toEqual([at(60), at(61), null]);
    expect(await raw('SELECT status FROM contacts WHERE id = $1', [ringing.id])).toEqual([{ status: 'offered' }]);

    // A deadline never moves back (two polls' deadlines out of order).
    await writer.write(polls([waiting.id, at(30)]));
    expect(await dueOf(waiting.id)).toEqual(at(60));
    // Moving one on is a heap-only update (poll_due_by is in no index). In one transaction of the
    // writer's session, whose counters are not reported while it is open (see the test above).
    await writerClient.query('BEGIN');
    try {
      const before = await hotUpdates();
      await writer.write(polls([waiting.id, at(90)], [ringing.id, at(91)]));
      expect((await hotUpdates()) - before).toBe(2);
    } finally {
      await writerClient.query('ROLLBACK');
    }
    await writer.write(polls([waiting.id, at(90)]));
    const snapshot = await loadRoutingSnapshot(session, new Date());
    expect(snapshot.pollDeadlines).toEqual(expect.arrayContaining([{ contactId: waiting.id, dueBy: at(90) }, { contactId: ringing.id, dueBy: at(61) }]));
    expect(RoutingState.from(snapshot).pollDueOf(waiting.id)).toBe(at(90).getTime());
    expect(snapshot.pollDeadlines!.find((p) => p.contactId === ended.id)).toBeUndefined();
  });

  it('groups concurrent writes: fewer statements than writes, all resolved, events in arrival order', async () => {
    const groups: GroupInfo[] = [];
    const writer = new GroupCommitWriter(session, { onGroup: (g) => groups.push(g), dedicatedSession: true });
    await writer.prepare();
    const contacts = Array.from({ length: 50 }, (_, i) =>
      contactRecord({ channel: 'email', queueId: w.chatQueue, customerRef: `mail-${i}-${randomUUID()}`, arrivedAt: new Date(Date.now() + i) }),
    );
    // Half of the writes come one event-loop turn later, while the first group is in flight.
    const writes: Promise<void>[] = [];
    for (const [i, c] of contacts.entries()) {
      if (i === 25) await new Promise((r) => setImmediate(r));
      writes.push(writer.write(changeSet({ contacts: [[c, true]], events: [event(c.id, 'queued', { detail: { i } })] })));
    }
    await Promise.all(writes);
    await writer.drain();
    expect(groups.reduce((n, g) => n + g.changeSets, 0)).toBe(50);
    expect(groups.length).toBeGreaterThan(1);
    expect(groups.length).toBeLessThan(50);
    expect(groups.reduce((n, g) => n + g.rows, 0)).toBe(100);
    const stored = await raw<{ contact_id: string }>('SELECT contact_id FROM contact_events WHERE contact_id = ANY($1::uuid[]) ORDER BY id', [contacts.map((c) => c.id)]);
    expect(stored.map((e) => e.contact_id)).toEqual(contacts.map((c) => c.id));
  });

  it('fails a whole group atomically and refuses every later write until reset', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const good = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'good' });
    const customer: CustomerRecord = { id: randomUUID(), phoneNumber: null, externalRef: `ref-${randomUUID()}`, lastAgentId: null, lastContactAt: null };
    const bad = contactRecord({ channel: 'chat', queueId: randomUUID(), customerRef: customer.externalRef, customerId: customer.id });
    // Same synchronous run: one group.
    const a = writer.write(changeSet({ contacts: [[good, true]], events: [event(good.id, 'queued')] }));
    const b = writer.write(changeSet({ customers: [[customer, true]], contacts: [[bad, true]] }));
    const err = await b.catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/contacts_queue_fk/);
    await expect(a).rejects.toBe(err);
    // Nothing of the group was stored.
    expect(await raw('SELECT id FROM contacts WHERE id = ANY($1::uuid[])', [[good.id, bad.id]])).toEqual([]);
    expect(await raw('SELECT id FROM customers WHERE id = $1', [customer.id])).toEqual([]);
    expect(await fetchCustomerByRef(session, customer.externalRef!)).toBeNull();

    // Later writes, and drain, fail with the same error without touching the database.
    const later = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'later' });
    await expect(writer.write(changeSet({ contacts: [[later, true]] }))).rejects.toBe(err);
    await expect(writer.drain()).rejects.toBe(err);
    expect(await raw('SELECT id FROM contacts WHERE id = $1', [later.id])).toEqual([]);

    // A write queued while a failing group is in flight is refused too.
    writer.reset();
    const failing = writer.write(changeSet({ contacts: [[bad, true]] }));
    await Promise.resolve();
    const queued = writer.write(changeSet({ contacts: [[later, true]] }));
    const second = await failing.catch((e: unknown) => e);
    await expect(queued).rejects.toBe(second);
    expect(await raw('SELECT id FROM contacts WHERE id = $1', [later.id])).toEqual([]);

    writer.reset();
    await writer.write(changeSet({ contacts: [[later, true]] }));
    await writer.drain();
    expect(await raw('SELECT id FROM contacts WHERE id = $1', [later.id])).toEqual([{ id: later.id }]);
  });

  it('loads all agents with skills, active loans and presence, and recent finished calls only', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const now = new Date();
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
    const recentCall = contactRecord({ channel: 'phone', queueId: w.phoneQueue, status: 'abandoned', arrivedAt: minutesAgo(3), endedAt: minutesAgo(2), endReason: 'abandoned' });
    const oldCall = contactRecord({ channel: 'phone', queueId: w.phoneQueue, status: 'abandoned', arrivedAt: minutesAgo(21), endedAt: minutesAgo(20), endReason: 'abandoned' });
    const recentChat = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'recent-chat', status: 'abandoned', arrivedAt: minutesAgo(2), endedAt: minutesAgo(1), endReason: 'abandoned' });
    const waiting = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'waiting-chat', arrivedAt: minutesAgo(30) });
    await writer.write(changeSet({ contacts: [recentCall, oldCall, recentChat, waiting].map((c) => [c, true]) }));

    const snapshot = await loadRoutingSnapshot(session, now);
    const ids = snapshot.contacts.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining([recentCall.id, waiting.id]));
    expect(ids).not.toContain(oldCall.id);
    expect(ids).not.toContain(recentChat.id);
    expect(snapshot.contacts.find((c) => c.id === recentCall.id)).toEqual(recentCall);
    // A wider window takes the older call too.
    expect((await loadRoutingSnapshot(session, now, { recentFinishedMs: 30 * 60_000 })).contacts.map((c) => c.id)).toContain(oldCall.id);

    const aino = snapshot.agents.find((a) => a.agentId === w.aino)!;
    expect(aino).toMatchObject({ departmentId: w.department, phoneUri: 'sip:e1@pbx.example.com', active: true, configuredCapacity: { phone: 1, chat: 3, email: 5 }, skills: { 'lang:fi': 5, 'topic:billing': 3 }, loans: [] });
    const bertil = snapshot.agents.find((a) => a.agentId === w.bertil)!;
    expect(bertil.configuredCapacity).toEqual({ phone: 0, chat: 2, email: 4 });
    expect(bertil.skills).toEqual({ 'lang:fi': 2 });
    expect(bertil.loans).toEqual([{ departmentId: w.otherDepartment, queueId: w.otherQueue, from: new Date('2026-11-26T08:00:00Z'), to: new Date('2026-11-26T12:00:00Z') }]);
    expect(bertil.presence?.capacity).toEqual({ phone: 0, chat: 2, email: 4 });
    const carita = snapshot.agents.find((a) => a.agentId === w.carita)!;
    expect(carita).toEqual({ agentId: w.carita, departmentId: w.department, phoneUri: null, active: false, configuredCapacity: { phone: 1, chat: 3, email: 5 }, skills: {}, loans: [], presence: null });

    const statics = await loadAgentStatics(session, [w.bertil, randomUUID()]);
    const { presence: _presence, ...bertilStatics } = bertil;
    expect(statics).toEqual([bertilStatics]);
    expect(await loadAgentStatics(session, [])).toEqual([]);
    expect(await fetchCustomerByPhone(session, '+358000000000')).toBeNull();
  });

  it('plans its statements once per shape, as nested loops over the keys, on its own connection only', async () => {
    const writer = new GroupCommitWriter(session, { dedicatedSession: true });
    await writer.prepare();
    const show = async (c: pg.Client, name: string) => (await c.query(`SHOW ${name}`)).rows[0][name];
    expect([await show(writerClient, 'plan_cache_mode'), await show(writerClient, 'enable_hashjoin'), await show(writerClient, 'enable_seqscan')]).toEqual(['force_generic_plan', 'off', 'off']);
    // A group's contact update, planned generically, finds the rows by the primary key.
    const c = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'plan-ref' });
    await writer.write(changeSet({ contacts: [[c, true]] }));
    const { sql, params } = changeSetStatement(changeSet({ contacts: [[{ ...c, status: 'offered' }, false]] }));
    // The binary arrays as parameters of the EXPLAIN itself (extended protocol), as the writer sends them.
    const plan = (await writerClient.query({ text: `EXPLAIN (FORMAT JSON) ${sql}`, values: params })).rows[0]['QUERY PLAN'];
    const text = JSON.stringify(plan);
    expect(text).toContain('contacts_pkey');
    expect(text).not.toContain('Hash Join');
    expect(text).not.toContain('"Seq Scan"');
    // Another session (the service's pool) keeps PostgreSQL's defaults.
    expect(await show(rawClient, 'enable_hashjoin')).toBe('on');
  });

  it('keeps one statement text per shape', () => {
    const c = contactRecord({ channel: 'chat', queueId: w.chatQueue });
    const a = changeSetStatement(changeSet({ contacts: [[c, true]], events: [event(c.id, 'queued')] }));
    const b = changeSetStatement(changeSet({ contacts: [[contactRecord({ channel: 'chat', queueId: w.chatQueue }), true], [c, true]], events: [] }));
    const d = changeSetStatement(changeSet({ contacts: [[c, true]], events: [event(c.id, 'queued'), event(c.id, 'offered')] }));
    expect(d.sql).toBe(a.sql);
    expect(b.sql).not.toBe(a.sql);
    // Binary: one array per field (26 contact columns, 6 event columns); JSON (PGlite): one array per part.
    expect(a.params).toHaveLength(26 + 6);
    expect(a.params.every((p) => Buffer.isBuffer(p))).toBe(true);
    const json = changeSetStatement(changeSet({ contacts: [[c, true]], events: [event(c.id, 'queued')] }), 'json');
    expect(json.params).toHaveLength(2);
    expect(json.sql).not.toBe(a.sql);
    expect(changeSetStatement(emptyChangeSet()).params).toEqual([]);
  });
});

describe('routing store on the embedded PGlite database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vuoro-routing-store-'));
  const target: DatabaseTarget = { kind: 'embedded', dataDir };

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes a group through TypeORM and loads it back', async () => {
    const ds = createDataSource(target);
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
      const session = typeormSession(ds);
      const w = await buildWorld((sql, params) => ds.query(sql, params));
      const writer = new GroupCommitWriter(session);
      await writer.prepare();
      const t0 = new Date(Date.now() - 1_000);
      const customer: CustomerRecord = { id: randomUUID(), phoneNumber: null, externalRef: 'chat-customer', lastAgentId: w.aino, lastContactAt: t0 };
      const chat = contactRecord({ channel: 'chat', queueId: w.chatQueue, status: 'offered', customerId: customer.id, customerRef: 'chat-customer', agentId: w.aino, decision: { a: 1 }, excludedAgentIds: [w.bertil], arrivedAt: t0, createdAt: t0 });
      const reservation: ReservationRecord = { id: randomUUID(), contactId: chat.id, agentId: w.aino, channel: 'chat', status: 'offered', offeredAt: t0, expiresAt: new Date(t0.getTime() + 10_000), resolvedAt: null };
      const presence = presenceRecord(w.aino, { state: 'reserved', load: { phone: 0, chat: 1, email: 0 }, stateSince: t0, idleSince: w.loggedInAt });
      const ended = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'other', status: 'ended', endedAt: t0, agentId: w.aino });
      await Promise.all([
        writer.write(changeSet({ customers: [[customer, true]], contacts: [[chat, true]], reservations: [[reservation, true]], events: [event(chat.id, 'queued'), event(chat.id, 'offered', { detail: { x: 'y' } })] })),
        writer.write(changeSet({ presence: [[presence, false]], agentStates: [{ agentId: w.aino, state: 'available', startedAt: w.loggedInAt, endedAt: t0 }], contacts: [[ended, true]] })),
      ]);
      const snapshot = await loadRoutingSnapshot(session, new Date());
      expect(snapshot.contacts.find((c) => c.id === chat.id)).toEqual(chat);
      expect(snapshot.reservations).toEqual([reservation]);
      expect(snapshot.customers).toEqual([customer]);
      expect(snapshot.agents.find((a) => a.agentId === w.aino)?.presence).toEqual(presence);
      expect(snapshot.agents.find((a) => a.agentId === w.bertil)?.loans).toHaveLength(1);
      expect(await ds.query('SELECT state FROM report_agent_states')).toEqual([{ state: 'available' }]);
      expect(await ds.query('SELECT contact_id FROM survey_candidates')).toEqual([{ contact_id: ended.id }]);
      expect((await ds.query('SELECT type FROM contact_events ORDER BY id')).map((r: { type: string }) => r.type)).toEqual(['queued', 'offered']);
      expect(await fetchCustomerByRef(session, 'chat-customer')).toEqual(customer);
      // Poll deadlines travel as one JSON array too.
      const polls = emptyChangeSet();
      polls.pollDeadlines.set(chat.id, new Date(t0.getTime() + 60_000));
      await writer.write(polls);
      expect((await loadRoutingSnapshot(session, new Date())).pollDeadlines).toEqual([{ contactId: chat.id, dueBy: new Date(t0.getTime() + 60_000) }]);

      // A customer link: one transaction of the embedded database's session.
      const caller: CustomerRecord = { id: randomUUID(), phoneNumber: '+358405550009', externalRef: null, lastAgentId: w.aino, lastContactAt: new Date() };
      await writer.write(changeSet({ customers: [[caller, true]] }));
      const plan = planCustomerLink(customer, caller, 'chat-customer', '+358405550009', randomUUID);
      const linked = changeSet({ customers: [[plan.customer, false]], contacts: [[{ ...chat, customerId: customer.id }, false]] });
      linked.customerLinks.push(plan);
      await writer.write(linked);
      expect(await fetchCustomerByPhone(session, '+358405550009')).toEqual({ ...customer, phoneNumber: '+358405550009', lastAgentId: w.aino, lastContactAt: caller.lastContactAt });
      expect(await ds.query('SELECT count(*)::int AS n FROM customers WHERE id = $1', [caller.id])).toEqual([{ n: 0 }]);

      // An Idempotency-Key's first use travels as one JSON array too.
      const [{ id: apiKeyId }] = await ds.query(`INSERT INTO api_keys (name, role, key_hash, key_prefix) VALUES ('gw', 'telephony', repeat('b', 64), 'gw') RETURNING id`);
      const keyed = contactRecord({ channel: 'chat', queueId: w.chatQueue, customerRef: 'ik-embedded' });
      const withKey = changeSet({ contacts: [[keyed, true]] });
      withKey.idempotencyKeys.push({ apiKeyId, key: 'gw "quoted" \\ key', requestHash: 'd'.repeat(64), contactId: keyed.id, createdAt: t0 });
      await writer.write(withKey);
      expect(await ds.query('SELECT idempotency_key, contact_id, created_at FROM contact_idempotency_keys')).toEqual([{ idempotency_key: 'gw "quoted" \\ key', contact_id: keyed.id, created_at: t0 }]);
    } finally {
      await closeDataSource(ds, target);
    }
  });
});
