import { DataSource } from 'typeorm';
import { uuidv7 } from '../../libs/core/src/ids.js';
import { RoutingTx } from '../../libs/persistence/src/repositories/routing.repository.js';
import { insertChatQueue, insertPhoneAndEmailQueues } from '../support/fixtures.js';
import { seqScansOf } from '../support/seq-scans.js';
import { openTestDataSource } from '../support/test-database.js';

/**
 * The database engine's routing tick asks every second whether a contact has been held past its
 * queue's maximum duration (dueWork), and claims those that have (overdueContacts). Neither may read
 * every contact or reservation: they read the live reservations of contacts older than the
 * shortest maximum, by the time-ordered contact id, from the partial index of live reservations.
 *
 * History: 20,000 calls ended a day ago with their completed reservations. Around them, contacts in
 * hand, offered and waiting, named below, some past their maximum and some not.
 */
describe('routing tick: contacts held past their maximum duration, found by index', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  const NOW = new Date();
  const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
  /** A contact id made `minutes` ago (what the engines make: UUIDv7 of the arrival). */
  const madeAgo = (minutes: number) => uuidv7(ago(minutes).getTime());
  const named = {
    callOver4h: madeAgo(5 * 60),
    callUnder4h: madeAgo(60),
    emailOver4h: madeAgo(5 * 60),
    chatOverItsQueue: madeAgo(12),
    chatUnderItsQueue: madeAgo(8),
    offeredOldEmail: madeAgo(6 * 60),
    callTakenAgainRecently: madeAgo(6 * 60),
  };
  const tx = (m: DataSource['manager']) => new RoutingTx(m);

  beforeAll(async () => {
    ({ dataSource: ds, close } = await openTestDataSource());
    const q = (sql: string, params: unknown[] = []) => ds.query(sql, params);
    const chatQueue = await insertChatQueue(q);
    await q(`INSERT INTO queue_routing_settings (queue_id, wrap_up_seconds, mean_handle_seconds, max_contact_seconds) VALUES ($1, 30, 300, 600)`, [chatQueue]);
    const { department, phoneQueue, emailQueue } = await insertPhoneAndEmailQueues(q, chatQueue);
    const [{ id: agent }] = await q(`INSERT INTO agents (employee_number, display_name, department_id) VALUES ('e1', 'Aino', $1) RETURNING id`, [department]);
    await q(
      `INSERT INTO contacts (id, channel, kind, status, queue_id, call_id, decision_id, arrived_at, deadline, priority_boost_seconds, excluded_agent_ids, offer_attempts, ended_at)
       SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(j), 12, '0'))::uuid, 'phone', 'inbound', 'ended', $1::uuid, 'history-' || j, gen_random_uuid(),
         $2::timestamptz - interval '1 day' - make_interval(mins => 2 * j), $2::timestamptz - interval '1 day' - make_interval(mins => 2 * j) + interval '30 seconds',
         0, '{}', 0, $2::timestamptz - interval '1 day' - make_interval(mins => 2 * j) + interval '3 minutes'
       FROM generate_series(1, 20000) j`,
      [phoneQueue, NOW],
    );
    await q(
      `INSERT INTO reservations (id, contact_id, agent_id, channel, status, offered_at, expires_at, resolved_at)
       SELECT gen_random_uuid(), id, $1, channel, 'completed', arrived_at, arrived_at + interval '10 seconds', ended_at FROM contacts WHERE call_id LIKE 'history-%'`,
      [agent],
    );
    // [id, channel, queue, contact status, reservation status, arrived (minutes ago), taken by the agent (minutes ago)]
    const live: [string, string, string, string, string, number, number | null][] = [
      [named.callOver4h, 'phone', phoneQueue, 'connected', 'accepted', 5 * 60, 5 * 60 - 1],
      [named.callUnder4h, 'phone', phoneQueue, 'connected', 'accepted', 60, 59],
      [named.emailOver4h, 'email', emailQueue, 'connected', 'accepted', 5 * 60, 5 * 60 - 1],
      [named.chatOverItsQueue, 'chat', chatQueue, 'connected', 'accepted', 12, 11],
      [named.chatUnderItsQueue, 'chat', chatQueue, 'connected', 'accepted', 8, 7],
      [named.offeredOldEmail, 'email', emailQueue, 'offered', 'offered', 6 * 60, null],
      [named.callTakenAgainRecently, 'phone', phoneQueue, 'connected', 'accepted', 6 * 60, 10],
    ];
    for (const [id, channel, queue, status, rStatus, arrived, taken] of live) {
      await q(
        `INSERT INTO contacts (id, channel, kind, status, queue_id, call_id, decision_id, arrived_at, deadline, priority_boost_seconds, excluded_agent_ids, offer_attempts, answered_at)
         VALUES ($1::uuid, $2::text, 'inbound', $3, $4, CASE WHEN $2::text = 'phone' THEN 'live-' || $1::text END, gen_random_uuid(), $5, $5, 0, '{}', 1, $6)`,
        [id, channel, status, queue, ago(arrived), taken === null ? null : ago(taken)],
      );
      await q(
        `INSERT INTO reservations (id, contact_id, agent_id, channel, status, offered_at, expires_at, resolved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [uuidv7(), id, agent, channel, rStatus, ago(taken ?? 1), new Date(ago(taken ?? 1).getTime() + 10_000), taken === null ? null : ago(taken)],
      );
    }
    await q(`ANALYZE contacts; ANALYZE reservations`);
  });
  afterAll(() => close());

  it('claims exactly the contacts held past their queue\'s maximum (phone 4 h by default, this chat queue 10 min), longest held first, with that maximum', async () => {
    const { result, scans } = await seqScansOf(ds, ['contacts', 'reservations'], (m) => tx(m).overdueContacts(NOW, 200));
    expect(result).toEqual([
      { contactId: named.callOver4h, maxContactSeconds: 14400 },
      { contactId: named.chatOverItsQueue, maxContactSeconds: 600 },
    ]);
    expect(scans).toEqual({ contacts: 0, reservations: 0 });
  });

  it('the tick\'s check says so without reading every contact or reservation, and says no when none is due', async () => {
    const due = await seqScansOf(ds, ['contacts', 'reservations'], (m) => tx(m).dueWork(NOW));
    expect(due.result).toMatchObject({ overdueContacts: true });
    expect(due.scans).toEqual({ contacts: 0, reservations: 0 });
    const earlier = await seqScansOf(ds, ['contacts', 'reservations'], (m) => tx(m).dueWork(ago(60)));
    expect(earlier.result).toMatchObject({ overdueContacts: false });
    expect(earlier.scans).toEqual({ contacts: 0, reservations: 0 });
  });
});
