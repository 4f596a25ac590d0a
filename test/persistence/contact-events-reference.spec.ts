/**
 * contact_events.contact_id → contacts(id) ON DELETE CASCADE, enforced per statement
 * (SetBasedWriterChecks1795480000000) instead of per row: the same rule as the foreign key it
 * replaced — no event for a missing contact, deleting contacts deletes their timelines, and a
 * delete racing an insert of events waits for it, leaving no orphan.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { insertChatQueue } from '../support/fixtures.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';

describe('contact_events refer to contacts (statement-level check)', () => {
  let db: { name: string; url: string };
  let a: pg.Client;
  let b: pg.Client;
  let queueId: string;

  const newContact = async (): Promise<string> => {
    const id = randomUUID();
    await a.query(
      `INSERT INTO contacts (id, channel, kind, status, queue_id, decision_id, arrived_at, deadline, priority_boost_seconds, excluded_agent_ids, offer_attempts)
       VALUES ($1, 'chat', 'inbound', 'queued', $2, gen_random_uuid(), now(), now() + interval '1 hour', 0, '{}', 0)`,
      [id, queueId],
    );
    return id;
  };
  const eventsOf = async (ids: string[]): Promise<number> => (await a.query('SELECT count(*)::int AS n FROM contact_events WHERE contact_id = ANY($1::uuid[])', [ids])).rows[0].n;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = new pg.Client({ connectionString: db.url });
    b = new pg.Client({ connectionString: db.url });
    await a.connect();
    await b.connect();
    queueId = await insertChatQueue((sql, params) => a.query(sql, params));
  });

  afterAll(async () => {
    await a?.end();
    await b?.end();
    if (db) await dropTestDatabase(db.name);
  });

  it('refuses a statement with an event of a missing contact, whole, as a foreign key violation naming the contact', async () => {
    const known = await newContact();
    const missing = randomUUID();
    const err = (await a
      .query(`INSERT INTO contact_events (contact_id, at, type) VALUES ($1, now(), 'queued'), ($2, now(), 'queued')`, [known, missing])
      .catch((e: unknown) => e)) as pg.DatabaseError;
    expect(err.code).toBe('23503');
    expect(err.constraint).toBe('contact_events_contact_fk');
    expect(err.detail).toContain(missing);
    expect(await eventsOf([known])).toBe(0);
    // Moving an event to a missing contact is refused the same way.
    await a.query(`INSERT INTO contact_events (contact_id, at, type) VALUES ($1, now(), 'queued')`, [known]);
    await expect(a.query('UPDATE contact_events SET contact_id = $1 WHERE contact_id = $2', [missing, known])).rejects.toMatchObject({ code: '23503' });
    expect(await eventsOf([known])).toBe(1);
  });

  it('deletes the timelines of deleted contacts and keeps the others', async () => {
    const [gone1, gone2, kept] = [await newContact(), await newContact(), await newContact()];
    await a.query(`INSERT INTO contact_events (contact_id, at, type) SELECT unnest($1::uuid[]), now(), 'queued'`, [[gone1, gone2, kept, kept]]);
    await a.query('DELETE FROM contacts WHERE id = ANY($1::uuid[])', [[gone1, gone2]]);
    expect(await eventsOf([gone1, gone2])).toBe(0);
    expect(await eventsOf([kept])).toBe(2);
  });

  it('makes a delete racing an insert of events wait for it, so the late events are deleted too', async () => {
    const id = await newContact();
    await a.query('BEGIN');
    await a.query(`INSERT INTO contact_events (contact_id, at, type) VALUES ($1, now(), 'queued')`, [id]);
    let deleted = false;
    const deleting = b.query('DELETE FROM contacts WHERE id = $1', [id]).then(() => (deleted = true));
    await new Promise((r) => setTimeout(r, 300));
    // The inserting transaction holds the contact FOR KEY SHARE: the delete waits.
    expect(deleted).toBe(false);
    await a.query('COMMIT');
    await deleting;
    expect(await eventsOf([id])).toBe(0);
  });

  it('does not let a contact change its id', async () => {
    const id = await newContact();
    await expect(a.query('UPDATE contacts SET id = $1 WHERE id = $2', [randomUUID(), id])).rejects.toMatchObject({ code: '23503' });
  });
});
