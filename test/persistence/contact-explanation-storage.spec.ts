/**
 * A contact's explanation is stored out of line (ContactExplanationOutOfLine1795490000000): the row
 * holds a pointer, so the updates at each status change copy ~20 bytes instead of the ~1.5 KB
 * document; the document is read back whole, and replaced only when a new one is written.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { insertChatQueue } from '../support/fixtures.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';

describe('contact explanations are stored out of line', () => {
  let db: { name: string; url: string };
  let c: pg.Client;
  let queueId: string;
  let toast: string;

  /** An explanation of the size a phone decision stores (ranked and skipped agents named). */
  const explanation = (tag: string) => ({
    summary: `contact → agent by longest-idle (${tag})`,
    rule: 'longest-idle',
    eligibleAgentIds: Array.from({ length: 10 }, () => randomUUID()),
    skippedAgents: Array.from({ length: 15 }, () => ({ agentId: randomUUID(), reason: 'on-call', detail: 'on a call or reserved for one' })),
  });
  const toastChunks = async (): Promise<number> => (await c.query(`SELECT count(*)::int AS n FROM ${toast}`)).rows[0].n;

  beforeAll(async () => {
    db = await createTestDatabase();
    c = new pg.Client({ connectionString: db.url });
    await c.connect();
    queueId = await insertChatQueue((sql, params) => c.query(sql, params));
    toast = (await c.query(`SELECT reltoastrelid::regclass::text AS t FROM pg_class WHERE relname = 'contacts'`)).rows[0].t;
  });

  afterAll(async () => {
    await c?.end();
    if (db) await dropTestDatabase(db.name);
  });

  it('writes the document once, and status updates that keep it copy no part of it', async () => {
    const id = randomUUID();
    const doc = explanation('first');
    expect(JSON.stringify(doc).length).toBeGreaterThan(1400);
    const before = await toastChunks();
    await c.query(
      `INSERT INTO contacts (id, channel, kind, status, queue_id, decision_id, arrived_at, deadline, priority_boost_seconds, excluded_agent_ids, offer_attempts, explanation)
       VALUES ($1, 'chat', 'inbound', 'queued', $2, gen_random_uuid(), now(), now() + interval '1 hour', 0, '{}', 0, $3)`,
      [id, queueId, doc],
    );
    const written = await toastChunks();
    expect(written).toBeGreaterThan(before); // out of line (an inline value would add no chunk)
    // Each status change is a new row version (never HOT: status is in an index predicate); the
    // explanation travels as its pointer.
    for (const status of ['offered', 'connected', 'ended']) {
      await c.query(`UPDATE contacts SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
    }
    expect(await toastChunks()).toBe(written);
    expect((await c.query(`SELECT explanation FROM contacts WHERE id = $1`, [id])).rows[0].explanation).toEqual(doc);

    // A new explanation (the contact routed again) replaces the stored one.
    const again = explanation('second');
    await c.query(`UPDATE contacts SET explanation = $2 WHERE id = $1`, [id, again]);
    expect((await c.query(`SELECT explanation FROM contacts WHERE id = $1`, [id])).rows[0].explanation).toEqual(again);
  });
});
