import { DataSource } from 'typeorm';
import { uuidv7 } from '../../libs/core/src/ids.js';
import { RoutingTx } from '../../libs/persistence/src/repositories/routing.repository.js';
import { insertChatQueue } from '../support/fixtures.js';
import { seqScansOf } from '../support/seq-scans.js';
import { openTestDataSource } from '../support/test-database.js';

/**
 * The database engine's routing tick asks every second whether a waiting call's polls have stopped
 * (dueWork), and claims those that have (unpolledCalls); every instance stores the poll deadlines
 * of the long polls it answered once a second (storePollDeadlines). None of them may read every
 * contact: the waiting calls are read through the partial index of waiting contacts, the stored
 * deadlines by primary key.
 *
 * History: 20,000 calls ended a day ago, some of them with a poll deadline long past. Around them,
 * waiting, ringing and callback contacts, named below, some past their poll deadline and some not.
 */
describe('routing tick: waiting calls whose polls stopped, found by index', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  const NOW = new Date();
  const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
  const named = {
    silentCall: uuidv7(ago(300).getTime()),
    longerSilentCall: uuidv7(ago(600).getTime()),
    pollingCall: uuidv7(ago(300).getTime()),
    neverPolledCall: uuidv7(ago(3600).getTime()),
    ringingCall: uuidv7(ago(300).getTime()),
    callback: uuidv7(ago(300).getTime()),
    waitingChat: uuidv7(ago(300).getTime()),
  };
  const tx = (m: DataSource['manager']) => new RoutingTx(m);

  beforeAll(async () => {
    ({ dataSource: ds, close } = await openTestDataSource());
    const q = (sql: string, params: unknown[] = []) => ds.query(sql, params);
    const chatQueue = await insertChatQueue(q);
    const [{ department_id: department, calendar_id: calendar }] = await q(`SELECT department_id, calendar_id FROM queues WHERE id = $1`, [chatQueue]);
    const [{ id: phoneQueue }] = await q(
      `INSERT INTO queues (key, name, department_id, channel, language, calendar_id, target_percent, target_seconds, target_basis)
       VALUES ('phone', 'Phone', $1, 'phone', NULL, $2, 90, 30, 'elapsed') RETURNING id`,
      [department, calendar],
    );
    await q(
      `INSERT INTO contacts (id, channel, kind, status, queue_id, call_id, decision_id, arrived_at, deadline, priority_boost_seconds, excluded_agent_ids, offer_attempts, ended_at, end_reason, poll_due_by)
       SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(j), 12, '0'))::uuid, 'phone', 'inbound', 'abandoned', $1::uuid, 'history-' || j, gen_random_uuid(),
         $2::timestamptz - interval '1 day' - make_interval(mins => 2 * j), $2::timestamptz - interval '1 day' - make_interval(mins => 2 * j) + interval '30 seconds',
         0, '{}', 0, $2::timestamptz - interval '1 day' - make_interval(mins => 2 * j) + interval '3 minutes', 'abandoned',
         CASE WHEN j % 10 = 0 THEN $2::timestamptz - interval '1 day' - make_interval(mins => 2 * j) + interval '1 minute' END
       FROM generate_series(1, 20000) j`,
      [phoneQueue, NOW],
    );
    // [id, channel, kind, status, queue, arrived (s ago), poll deadline (s from now; null: never polled)]
    const live: [string, string, string, string, string, number, number | null][] = [
      [named.silentCall, 'phone', 'inbound', 'queued', phoneQueue, 300, -5],
      [named.longerSilentCall, 'phone', 'inbound', 'queued', phoneQueue, 600, -240],
      [named.pollingCall, 'phone', 'inbound', 'queued', phoneQueue, 300, 50],
      [named.neverPolledCall, 'phone', 'inbound', 'queued', phoneQueue, 3600, null],
      [named.ringingCall, 'phone', 'inbound', 'offered', phoneQueue, 300, -30],
      [named.callback, 'phone', 'callback', 'queued', phoneQueue, 300, -200],
      [named.waitingChat, 'chat', 'inbound', 'queued', chatQueue, 300, -100],
    ];
    for (const [id, channel, kind, status, queue, arrived, due] of live) {
      await q(
        `INSERT INTO contacts (id, channel, kind, status, queue_id, call_id, decision_id, arrived_at, deadline, priority_boost_seconds, excluded_agent_ids, offer_attempts, poll_due_by)
         VALUES ($1::uuid, $2::text, $3, $4, $5, CASE WHEN $2::text = 'phone' THEN 'live-' || $1::text END, gen_random_uuid(), $6, $6, 0, '{}', 0, $7)`,
        [id, channel, kind, status, queue, ago(arrived), due === null ? null : ago(-due)],
      );
    }
    await q(`ANALYZE contacts`);
  });
  afterAll(() => close());

  it('claims exactly the waiting inbound calls past their poll deadline, longest past first, with that deadline', async () => {
    const { result, scans } = await seqScansOf(ds, ['contacts'], (m) => tx(m).unpolledCalls(NOW, 200));
    expect(result).toEqual([
      { contactId: named.longerSilentCall, dueBy: ago(240) },
      { contactId: named.silentCall, dueBy: ago(5) },
    ]);
    expect(scans).toEqual({ contacts: 0 });
  });

  it("the tick's check says so without reading every contact, and says no when none is due", async () => {
    const due = await seqScansOf(ds, ['contacts'], (m) => tx(m).dueWork(NOW));
    expect(due.result).toMatchObject({ unpolledCalls: true });
    expect(due.scans).toEqual({ contacts: 0 });
    const earlier = await seqScansOf(ds, ['contacts'], (m) => tx(m).dueWork(ago(250)));
    expect(earlier.result).toMatchObject({ unpolledCalls: false });
    expect(earlier.scans).toEqual({ contacts: 0 });
  });

  it("stores an instance's poll deadlines by key: moved on, never back, and only of calls waiting or ringing", async () => {
    const deadlines = new Map([
      [named.pollingCall, new Date(NOW.getTime() + 90_000)],
      [named.neverPolledCall, new Date(NOW.getTime() + 60_000)],
      [named.silentCall, ago(60)],
      ['00000000-0000-4000-9000-000000000001', new Date(NOW.getTime() + 60_000)],
    ]);
    const { scans } = await seqScansOf(ds, ['contacts'], (m) => tx(m).storePollDeadlines(deadlines));
    expect(scans).toEqual({ contacts: 0 });
    const due = async (id: string) => ((await ds.query(`SELECT poll_due_by AS due FROM contacts WHERE id = $1`, [id])) as { due: Date | null }[])[0].due;
    expect(await due(named.pollingCall)).toEqual(new Date(NOW.getTime() + 90_000));
    expect(await due(named.neverPolledCall)).toEqual(new Date(NOW.getTime() + 60_000));
    expect(await due(named.silentCall)).toEqual(ago(5));
    expect(await due('00000000-0000-4000-9000-000000000001')).toBeNull();
  });
});
