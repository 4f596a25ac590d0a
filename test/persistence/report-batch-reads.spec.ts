import { DataSource } from 'typeorm';
import { ReportsTx } from '../../libs/persistence/src/repositories/reports.repository.js';
import { insertChatQueue } from '../support/fixtures.js';
import { seqScansOf } from '../support/seq-scans.js';
import { openTestDataSource } from '../support/test-database.js';

/**
 * The roll-up job reads each batch's contacts (with whether they are counted already) and their repeat
 * lookups once a second under load. Those reads must cost the same with a year of history as with a
 * day's: by key, never a scan of every fact or customer ever written (bench:routing, session 15: the
 * facts table was hashed whole for every batch, 4 ms at 40,000 facts and growing).
 *
 * 30,000 ended chats of 15,000 customers, contact j arriving j minutes ago: contacts j and
 * j + 15,000 share a customer but are 10.4 days apart (no repeat). The batch is the 300 newest; each
 * has one earlier contact of its customer a day before it (the 300 last of the series).
 */
describe('report roll-up batch reads on a large history', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  const N = 30_000;
  const CUSTOMERS = 15_000;
  let batch: string[];
  let peers: Map<string, string>;

  beforeAll(async () => {
    ({ dataSource: ds, close } = await openTestDataSource());
    const queueId = await insertChatQueue((sql, params) => ds.query(sql, params));
    await ds.query(
      `INSERT INTO customers (id, phone_number)
       SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, '+35840' || lpad(i::text, 7, '0') FROM generate_series(1, $1) i`,
      [CUSTOMERS],
    );
    // Contact j arrives j minutes before now, except j > N - 300: those arrive one day before contact j - (N - 300),
    // so each of the 300 newest contacts has exactly one earlier contact of the same customer within 7 days.
    await ds.query(
      `INSERT INTO contacts (id, channel, kind, status, queue_id, decision_id, customer_id, arrived_at, deadline, priority_boost_seconds, excluded_agent_ids, offer_attempts, ended_at)
       SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(j), 12, '0'))::uuid, 'chat', 'inbound', 'ended', $3::uuid, gen_random_uuid(),
         ('00000000-0000-4000-8000-' || lpad(to_hex(c), 12, '0'))::uuid, at, at + interval '30 seconds', 0, '{}', 0, at + interval '2 minutes'
       FROM (SELECT j,
               CASE WHEN j > $1 - 300 THEN j - ($1 - 300) ELSE (j - 1) % $2 + 1 END AS c,
               CASE WHEN j > $1 - 300 THEN now() - make_interval(mins => j - ($1 - 300)) - interval '1 day' ELSE now() - make_interval(mins => j) END AS at
             FROM generate_series(1, $1) j) s`,
      [N, CUSTOMERS, queueId],
    );
    // Everything older than the newest 1,000 is counted already; of the 300-contact batch below, the first 100 are too.
    await ds.query(
      `INSERT INTO report_contact_facts (contact_id, channel, queue_id, arrived_at, outcome, wait_seconds, is_repeat, has_repeat)
       SELECT id, 'chat', queue_id, arrived_at, 'answered', 5, false, false FROM contacts
       WHERE id NOT IN (SELECT id FROM contacts ORDER BY arrived_at DESC LIMIT 1000)
          OR id IN (SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(j), 12, '0'))::uuid FROM generate_series(1, 100) j)`,
    );
    await ds.query(`ANALYZE customers; ANALYZE contacts; ANALYZE report_contact_facts`);
    batch = Array.from({ length: 300 }, (_, i) => `00000000-0000-4000-9000-${(i + 1).toString(16).padStart(12, '0')}`);
    peers = new Map(batch.map((id, i) => [id, `00000000-0000-4000-9000-${(N - 300 + i + 1).toString(16).padStart(12, '0')}`]));
  });
  afterAll(() => close());

  it('tells counted contacts from new ones by key, without scanning the facts table', async () => {
    const { result, scans } = await seqScansOf(ds, ['report_contact_facts', 'contacts'], (m) => new ReportsTx(m).contacts(batch));
    expect(result).toHaveLength(300);
    const counted = new Map(result.map((c) => [c.id, c.counted]));
    expect(batch.slice(0, 100).every((id) => counted.get(id) === true)).toBe(true);
    expect(batch.slice(100).every((id) => counted.get(id) === false)).toBe(true);
    expect(scans).toEqual({ report_contact_facts: 0, contacts: 0 });
  });

  it('finds each contact\'s earlier contact of the same customer within 7 days, reading customers by key', async () => {
    const { result, scans } = await seqScansOf(ds, ['customers', 'contacts'], (m) => new ReportsTx(m).repeats(batch, 7));
    expect(result).toHaveLength(300);
    for (const r of result) {
      expect(r.isRepeat).toBe(true);
      expect(r.hasRepeat).toBe(false);
      expect(r.earlierContactIds).toEqual([peers.get(r.contactId)]);
    }
    expect(scans).toEqual({ customers: 0, contacts: 0 });
  });
});
