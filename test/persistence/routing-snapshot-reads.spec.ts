import { DataSource } from 'typeorm';
import { loadRoutingSnapshot } from '../../libs/persistence/src/routing-store/routing-loader.js';
import { typeormSession } from '../../libs/persistence/src/routing-store/sql-session.js';
import { RoutingState } from '../../libs/routing/src/core/routing-state.js';
import { insertChatQueue, insertPhoneAndEmailQueues } from '../support/fixtures.js';
import { seqScansOf } from '../support/seq-scans.js';
import { openTestDataSource } from '../support/test-database.js';

/**
 * The in-memory routing engine's owner loads its state at start and at every takeover, while calls
 * wait for it (the SIP proxy gives up after 2 s). Which contacts it loads must not depend on how many
 * contacts were ever handled: it read every contact (a sequential scan, ~1 s per million here).
 *
 * History: 20,000 calls that ended 1–30 days ago with their completed reservations. Around them, the
 * contacts a takeover must find and those it must not, named below; the reference is the plain
 * definition (open, or a call finished within the last 10 minutes), run as a scan.
 */
describe('routing snapshot: the contacts an owner loads, found by index', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  const NOW = new Date();
  const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
  const id = (n: number) => `00000000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`;
  const named = {
    oldQueuedEmail: id(900_001),
    offeredChat: id(900_002),
    connectedCall: id(900_003),
    callEndedRecently: id(900_004),
    rejectedWithoutQueue: id(900_005),
    callEndedLongAgo: id(900_006),
    chatEndedRecently: id(900_007),
    longCallEndedRecently: id(900_008),
  };

  beforeAll(async () => {
    ({ dataSource: ds, close } = await openTestDataSource());
    const q = (sql: string, params: unknown[] = []) => ds.query(sql, params);
    const chatQueue = await insertChatQueue(q);
    const { department, phoneQueue, emailQueue } = await insertPhoneAndEmailQueues(q, chatQueue);
    const [{ id: agent }] = await q(`INSERT INTO agents (employee_number, display_name, department_id) VALUES ('e1', 'Aino', $1) RETURNING id`, [department]);
    const insert = (rows: { id: string; channel: string; status: string; queue: string | null; callId: string | null; arrived: Date; ended: Date | null }[]) =>
      q(
        `INSERT INTO contacts (id, channel, kind, status, queue_id, call_id, decision_id, arrived_at, deadline, priority_boost_seconds, excluded_agent_ids, offer_attempts, ended_at)
         SELECT x.id, x.channel, 'inbound', x.status, x.queue, x.call_id, gen_random_uuid(), x.arrived, x.arrived + interval '30 seconds', 0, '{}', 0, x.ended
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, channel text, status text, queue uuid, call_id text, arrived timestamptz, ended timestamptz)`,
        [JSON.stringify(rows.map((r) => ({ id: r.id, channel: r.channel, status: r.status, queue: r.queue, call_id: r.callId, arrived: r.arrived, ended: r.ended })))],
      );
    // The history: call j arrived j × 2 minutes before a day ago and lasted 3 minutes.
    await q(
      `INSERT INTO contacts (id, channel, kind, status, queue_id, call_id, decision_id, arrived_at, deadline, priority_boost_seconds, excluded_agent_ids, offer_attempts, ended_at)
       SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(j), 12, '0'))::uuid, 'phone', 'inbound', 'ended', $1::uuid, 'history-' || j, gen_random_uuid(),
         $2::timestamptz - interval '1 day' - make_interval(mins => 2 * j), $2::timestamptz - interval '1 day' - make_interval(mins => 2 * j) + interval '30 seconds',
         0, '{}', 0, $2::timestamptz - interval '1 day' - make_interval(mins => 2 * j) + interval '3 minutes'
       FROM generate_series(1, 20000) j`,
      [phoneQueue, NOW],
    );
    await insert([
      { id: named.oldQueuedEmail, channel: 'email', status: 'queued', queue: emailQueue, callId: null, arrived: ago(20 * 1440), ended: null },
      { id: named.offeredChat, channel: 'chat', status: 'offered', queue: chatQueue, callId: null, arrived: ago(3 * 1440), ended: null },
      { id: named.connectedCall, channel: 'phone', status: 'connected', queue: phoneQueue, callId: 'connected-call', arrived: ago(2 * 1440), ended: null },
      { id: named.callEndedRecently, channel: 'phone', status: 'ended', queue: phoneQueue, callId: 'recent-call', arrived: ago(8), ended: ago(5) },
      { id: named.rejectedWithoutQueue, channel: 'phone', status: 'rejected', queue: null, callId: 'rejected-call', arrived: ago(2), ended: ago(2) },
      { id: named.callEndedLongAgo, channel: 'phone', status: 'abandoned', queue: phoneQueue, callId: 'old-call', arrived: ago(22), ended: ago(20) },
      { id: named.chatEndedRecently, channel: 'chat', status: 'ended', queue: chatQueue, callId: null, arrived: ago(6), ended: ago(1) },
      { id: named.longCallEndedRecently, channel: 'phone', status: 'ended', queue: phoneQueue, callId: 'long-call', arrived: ago(23 * 60), ended: ago(3) },
    ]);
    await q(
      `INSERT INTO reservations (contact_id, agent_id, channel, status, offered_at, expires_at, resolved_at)
       SELECT id, $1, channel, 'completed', arrived_at, arrived_at + interval '10 seconds', ended_at FROM contacts WHERE call_id LIKE 'history-%'`,
      [agent],
    );
    await q(
      `INSERT INTO reservations (contact_id, agent_id, channel, status, offered_at, expires_at)
       VALUES ($1, $3, 'chat', 'offered', $4, $5), ($2, $3, 'phone', 'accepted', $4, $5)`,
      [named.offeredChat, named.connectedCall, agent, ago(1), new Date(NOW.getTime() + 10_000)],
    );
    await q(`ANALYZE contacts; ANALYZE reservations`);
  });
  afterAll(() => close());

  /** The snapshot in one transaction, with the sequential scans it made of contacts and reservations. */
  const snapshotWithScans = async () => {
    const { result: snapshot, scans } = await seqScansOf(ds, ['contacts', 'reservations'], (m) => loadRoutingSnapshot(typeormSession(m), NOW));
    return { snapshot, scans };
  };

  it('loads exactly the open contacts and the calls finished in the last 10 minutes, however old the open ones are', async () => {
    const { snapshot } = await snapshotWithScans();
    const reference = ((await ds.query(
      `SELECT id FROM contacts
       WHERE status IN ('queued', 'offered', 'connected')
          OR (call_id IS NOT NULL AND status IN ('ended', 'abandoned', 'rejected', 'failed') AND ended_at >= $1::timestamptz)
       ORDER BY arrived_at, id`,
      [ago(10)],
    )) as { id: string }[]).map((r) => r.id);
    expect(snapshot.contacts.map((c) => c.id)).toEqual(reference);
    expect(new Set(reference)).toEqual(
      new Set([named.oldQueuedEmail, named.offeredChat, named.connectedCall, named.callEndedRecently, named.rejectedWithoutQueue, named.longCallEndedRecently]),
    );
    expect(snapshot.reservations.map((r) => r.contactId).sort()).toEqual([named.offeredChat, named.connectedCall].sort());
  });

  it('past maxRecentFinished loads the most recent finished calls in full and the older ones only as what answers their call id', async () => {
    const { result: snapshot, scans } = await seqScansOf(ds, ['contacts', 'reservations'], (m) => loadRoutingSnapshot(typeormSession(m), NOW, { maxRecentFinished: 1 }));
    expect(scans).toEqual({ contacts: 0, reservations: 0 });
    // Ended 2, 3 and 5 minutes ago: the last to end in full, the other two compact, oldest first.
    expect(new Set(snapshot.contacts.map((c) => c.id))).toEqual(new Set([named.oldQueuedEmail, named.offeredChat, named.connectedCall, named.rejectedWithoutQueue]));
    expect(snapshot.finishedCalls!.map((f) => [f.callId, f.contactId, f.status])).toEqual([
      ['recent-call', named.callEndedRecently, 'ended'],
      ['long-call', named.longCallEndedRecently, 'ended'],
    ]);
    const [{ decision_id: decisionId }] = await ds.query(`SELECT decision_id FROM contacts WHERE id = $1`, [named.callEndedRecently]);
    const state = RoutingState.from(snapshot);
    expect(state.contactByCallId('recent-call')).toBeUndefined();
    expect(state.finishedCall('recent-call')).toEqual({ contactId: named.callEndedRecently, decisionId, decision: null, status: 'ended', kind: 'inbound' });
    expect(state.contactByCallId('rejected-call')?.id).toBe(named.rejectedWithoutQueue);
  });

  it('reads neither contacts nor reservations from start to end', async () => {
    const { scans } = await snapshotWithScans();
    expect(scans).toEqual({ contacts: 0, reservations: 0 });
  });
});
