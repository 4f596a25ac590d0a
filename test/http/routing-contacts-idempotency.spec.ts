/**
 * Idempotent hand-in of chats and emails: POST /v1/contacts with an `Idempotency-Key` header. A
 * gateway that retries after a timeout or a dropped connection gets the contact its first request
 * created (201, the contact as it is now) and creates nothing; the same key with another body is a
 * 422 idempotency.key_reused naming the first use; keys are per API key; concurrent requests with
 * one key create one contact; the key survives a restart and is seen by every instance. On either
 * engine (the jest project `routing-memory` runs this again with ROUTING_ENGINE=memory, where other
 * instances forward the hand-in to the owner).
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { RemoveExpiredIdempotencyKeys } from '../../apps/api/src/contacts/idempotency-keys.job.js';
import { ApplyPersonalDataRetention } from '../../apps/api/src/privacy/privacy.use-cases.js';
import { bearer, startListeningApp, TEST_ADMIN_KEY } from '../support/test-app.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';
import { buildRoutingWorld, startRoutingTestApp, testAppAt, type RoutingTestApp, type RoutingWorld } from '../routing/routing-world.js';

const DAY_MS = 24 * 3600_000;

/** Rows a hand-in writes: contacts, their timelines and offers, and the keys. */
async function rowCounts(db: DataSource): Promise<{ contacts: number; events: number; reservations: number; keys: number }> {
  const [row] = await db.query(
    `SELECT (SELECT count(*)::int FROM contacts) AS contacts, (SELECT count(*)::int FROM contact_events) AS events,
            (SELECT count(*)::int FROM reservations) AS reservations, (SELECT count(*)::int FROM contact_idempotency_keys) AS keys`,
  );
  return row;
}

describe('routing: idempotent hand-in of chats and emails (Idempotency-Key)', () => {
  let r: RoutingTestApp;
  let tel2: [string, string];

  beforeAll(async () => {
    r = await startRoutingTestApp(2);
    tel2 = bearer((await r.t.http.post('/v1/api-keys').set(...bearer(r.t.adminKey)).send({ name: 'email gateway', role: 'telephony' }).expect(201)).body.key);
  });
  afterAll(() => r.t.close());

  const chat = (customerRef: string, over: Record<string, unknown> = {}) => ({ channel: 'chat', queueId: r.w.chatQueueId, customerRef, language: 'fi', ...over });
  const handIn = (body: Record<string, unknown>, key?: string, who: [string, string] = r.tel) => {
    const req = r.t.http.post('/v1/contacts').set(...who);
    return key === undefined ? req.send(body) : req.set('Idempotency-Key', key).send(body);
  };

  it('answers a retry with the contact the first request created, as it is now, and creates nothing', async () => {
    const first = (await handIn(chat('web-retry-1', { subject: 'Maksuerä' }), 'gw-msg-0001').expect(201)).body;
    expect(first).toMatchObject({ status: 'offered', customerRef: 'web-retry-1' });
    const before = await rowCounts(r.db);
    // The same body, members in another order and an optional member as null: the same request.
    const retry = await handIn({ subject: 'Maksuerä', language: 'fi', customerRef: 'web-retry-1', queueId: r.w.chatQueueId, channel: 'chat', phoneNumber: null }, 'gw-msg-0001').expect(201);
    expect(retry.body).toEqual(first);
    expect(await rowCounts(r.db)).toEqual(before);
    const [{ n }] = await r.db.query(`SELECT count(*)::int AS n FROM contacts WHERE customer_ref = 'web-retry-1'`);
    expect(n).toBe(1);

    // The agent accepts: a later retry answers the contact as it is now, still without creating one.
    const offers = (await r.t.http.get(`/v1/agents/${first.agentId}/offers`).set(...r.sup).expect(200)).body as { contactId: string; offerId: string }[];
    const offer = offers.find((o) => o.contactId === first.id)!;
    await r.t.http.post(`/v1/agents/${first.agentId}/offers/${offer.offerId}/accept`).set(...bearer(r.t.adminKey)).expect(200);
    const later = (await handIn(chat('web-retry-1', { subject: 'Maksuerä' }), 'gw-msg-0001').expect(201)).body;
    expect(later).toMatchObject({ id: first.id, status: 'connected', agentId: first.agentId });
    const after = await rowCounts(r.db);
    expect(after.contacts).toBe(before.contacts);
    expect(after.keys).toBe(before.keys);
  });

  it('refuses the same key with a different body, naming its first use, and writes nothing', async () => {
    const first = (await handIn(chat('web-reuse-1'), 'gw-msg-0002').expect(201)).body;
    const before = await rowCounts(r.db);
    const reused = await handIn(chat('web-reuse-2'), 'gw-msg-0002').expect(422);
    expect(reused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(reused.body).toMatchObject({
      code: 'idempotency.key_reused',
      contactId: first.id,
      firstUsedAt: expect.any(String),
      errors: [{ field: 'Idempotency-Key', rule: 'sameRequest', message: expect.stringContaining(first.id) }],
    });
    expect(Math.abs(new Date(reused.body.firstUsedAt).getTime() - new Date(first.arrivedAt).getTime())).toBeLessThan(1000);
    // Another channel, another queue: still another request.
    await handIn({ channel: 'email', queueId: r.w.emailQueueId, customerRef: 'web-reuse-1', language: 'fi' }, 'gw-msg-0002').expect(422);
    expect(await rowCounts(r.db)).toEqual(before);
  });

  it('keeps the keys of different API keys apart', async () => {
    const a = (await handIn(chat('web-apikey-a'), 'shared-key-1').expect(201)).body;
    const b = (await handIn(chat('web-apikey-a'), 'shared-key-1', tel2).expect(201)).body;
    expect(b.id).not.toBe(a.id);
    // Each is a retry of its own first use only.
    expect((await handIn(chat('web-apikey-a'), 'shared-key-1', tel2).expect(201)).body.id).toBe(b.id);
    expect((await handIn(chat('web-apikey-a'), 'shared-key-1').expect(201)).body.id).toBe(a.id);
    const [{ n }] = await r.db.query(`SELECT count(*)::int AS n FROM contacts WHERE customer_ref = 'web-apikey-a'`);
    expect(n).toBe(2);
  });

  it('creates one contact for concurrent requests with the same key; all of them answer it', async () => {
    const body = { channel: 'email', queueId: r.w.emailQueueId, customerRef: 'mail-burst-1', language: 'fi', subject: 'Lasku' };
    const before = await rowCounts(r.db);
    const answers = await Promise.all(Array.from({ length: 8 }, () => handIn(body, 'gw-burst-0001')));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const [{ n }] = await r.db.query(`SELECT count(*)::int AS n FROM contacts WHERE customer_ref = 'mail-burst-1'`);
    expect(n).toBe(1);
    const after = await rowCounts(r.db);
    expect(after.contacts - before.contacts).toBe(1);
    expect(after.keys - before.keys).toBe(1);
  });

  it('still creates a contact for each request without the header', async () => {
    const a = (await handIn(chat('web-nokey-1')).expect(201)).body;
    const b = (await handIn(chat('web-nokey-1')).expect(201)).body;
    expect(a.id).not.toBe(b.id);
    const [{ n }] = await r.db.query(`SELECT count(*)::int AS n FROM contact_idempotency_keys WHERE contact_id = ANY($1::uuid[])`, [[a.id, b.id]]);
    expect(n).toBe(0);
  });

  it('records nothing for a refused request: its retry is carried out anew', async () => {
    const refused = await handIn(chat('web-refused-1', { switchedFrom: 'no-such-call' }), 'gw-msg-0003').expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'switchedFrom', rule: 'exists' })]);
    expect((await handIn(chat('web-refused-1'), 'gw-msg-0003').expect(201)).body).toMatchObject({ customerRef: 'web-refused-1' });
  });

  it('answers a retried channel switch with its contact, although the original has ended since', async () => {
    const waiting = (await handIn({ channel: 'email', queueId: r.w.emailQueueId, customerRef: 'web-switch-1', language: 'fi' }).expect(201)).body;
    const body = { channel: 'email', queueId: r.w.emailQueueId, customerRef: 'web-switch-1', language: 'fi', switchedFrom: waiting.id, subject: 'Jatkoa' };
    // Both agents busy with nothing that blocks an email: the switched contact may be offered; either way it is one contact.
    const first = (await handIn(body, 'gw-switch-0001').expect(201)).body;
    expect((await r.t.http.get(`/v1/contacts/${waiting.id}`).set(...r.sup).expect(200)).body.status).toBe('ended');
    const retry = (await handIn(body, 'gw-switch-0001').expect(201)).body;
    expect(retry.id).toBe(first.id);
    const [{ n }] = await r.db.query(`SELECT count(*)::int AS n FROM contacts WHERE customer_ref = 'web-switch-1'`);
    expect(n).toBe(2);
  });

  it('answers a retry with its first contact though the routing attributes find no queue now: the key before the configuration', async () => {
    const body = { channel: 'chat', departmentId: r.w.departmentId, customerRef: 'web-attr-1', language: 'fi' };
    const first = (await handIn(body, 'gw-attr-0001').expect(201)).body;
    expect(first.queueId).toBe(r.w.chatQueueId);
    // The supervisor turns the department's only chat queue to Swedish between the two tries.
    const queue = (await r.t.http.get(`/v1/queues/${r.w.chatQueueId}`).set(...r.sup).expect(200)).body;
    const put = (language: string) =>
      r.t.http.put(`/v1/queues/${r.w.chatQueueId}`).set(...r.sup).send({ key: queue.key, name: queue.name, departmentId: queue.departmentId, channel: 'chat', language, calendarId: queue.calendarId, requiredSkills: queue.requiredSkills }).expect(200);
    await put('sv');
    try {
      const before = await rowCounts(r.db);
      expect((await handIn(body, 'gw-attr-0001').expect(201)).body.id).toBe(first.id);
      // The same key with another body is still the key's first use refused, not the configuration.
      expect((await handIn({ ...body, subject: 'Toinen' }, 'gw-attr-0001').expect(422)).body).toMatchObject({ code: 'idempotency.key_reused', contactId: first.id });
      // A new request meets the configuration of the moment.
      for (const key of ['gw-attr-0002', undefined]) {
        expect((await handIn(body, key).expect(422)).body.errors).toEqual([expect.objectContaining({ field: 'departmentId', rule: 'queueExists' })]);
      }
      expect(await rowCounts(r.db)).toEqual(before);
    } finally {
      await put('fi');
    }
  });

  it("forgets an erased customer's keys with the erasure (request, by number, retention): their rows go in its transaction, a retry is then a new request", async () => {
    const keysOf = async (contactIds: string[]) =>
      (await r.db.query(`SELECT count(*)::int AS n FROM contact_idempotency_keys WHERE contact_id = ANY($1::uuid[])`, [contactIds]))[0].n as number;
    const admin = bearer(r.t.adminKey);
    // Erasure on request, by the reference: both of the customer's keyed hand-ins.
    const a1 = (await handIn(chat('web-erase-1', { subject: 'Osoitteenmuutos' }), 'gw-erase-0001').expect(201)).body;
    const a2 = (await handIn({ channel: 'email', queueId: r.w.emailQueueId, customerRef: 'web-erase-1', language: 'fi' }, 'gw-erase-0002').expect(201)).body;
    const kept = (await handIn(chat('web-erase-other'), 'gw-erase-0003').expect(201)).body;
    expect(await keysOf([a1.id, a2.id])).toBe(2);
    const erased = await r.t.http.post('/v1/customers/web-erase-1/erasure').set(...admin).expect(200);
    expect(erased.body).toMatchObject({ idempotencyKeys: 2 });
    expect(await keysOf([a1.id, a2.id])).toBe(0);
    expect(await keysOf([kept.id])).toBe(1);
    const [audit] = await r.db.query(`SELECT detail FROM audit_log WHERE action = 'customer.personal-data-erased' AND entity_id = $1`, [erased.body.customerId]);
    expect(audit.detail).toMatchObject({ idempotencyKeys: 2 });
    // Its retry is a new request now (on both engines: the in-memory owner forgot the key too), and another body with the key is no longer refused.
    const again = (await handIn(chat('web-erase-1', { subject: 'Osoitteenmuutos' }), 'gw-erase-0001').expect(201)).body;
    expect(again.id).not.toBe(a1.id);
    expect((await handIn(chat('web-erase-other'), 'gw-erase-0003').expect(201)).body.id).toBe(kept.id);

    // Erasure by number: the customer of a gateway's hand-in with a phone number.
    const b = (await handIn(chat('web-erase-2', { phoneNumber: '+358405550123' }), 'gw-erase-0004').expect(201)).body;
    expect((await r.t.http.post('/v1/customers/erasure').set(...admin).send({ phoneNumber: '040 555 0123' }).expect(200)).body).toMatchObject({ idempotencyKeys: 1 });
    expect(await keysOf([b.id])).toBe(0);

    // Retention: a customer not seen within the retention period is forgotten with its keys (once
    // their contacts have ended: a customer with a contact still open is a current customer).
    const c = (await handIn(chat('web-erase-3'), 'gw-erase-0005').expect(201)).body;
    for (const id of [c.id, again.id, kept.id]) await r.t.http.post(`/v1/contacts/${id}/abandon`).set(...r.tel).expect(200);
    const retention = await r.t.app.get(ApplyPersonalDataRetention).execute(new Date(Date.now() + 400 * DAY_MS));
    expect(retention).toMatchObject({ ran: true });
    expect((retention as { idempotencyKeys: number }).idempotencyKeys).toBeGreaterThanOrEqual(1);
    expect(await keysOf([c.id, again.id, kept.id])).toBe(0);
    expect((await handIn(chat('web-erase-3'), 'gw-erase-0005').expect(201)).body.id).not.toBe(c.id);
  });

  it('names the header and the rule of an invalid key, and writes nothing', async () => {
    const before = await rowCounts(r.db);
    for (const [key, rule] of [
      ['', 'length'],
      ['k'.repeat(256), 'length'],
      ['avain-ä', 'printableAscii'],
      ['tab\tinside', 'printableAscii'],
    ] as const) {
      const res = await handIn(chat('web-badkey-1'), key).expect(422);
      expect(res.body).toMatchObject({ code: 'validation.failed', errors: [expect.objectContaining({ field: 'Idempotency-Key', rule })] });
    }
    expect(await rowCounts(r.db)).toEqual(before);
    // The longest and any printable character are fine.
    await handIn(chat('web-badkey-1'), 'k'.repeat(255)).expect(201);
    await handIn(chat('web-badkey-2'), ' ~!"#$%&()*+,-./:;<=>?@[\\]^_`{|} x').expect(201);
  });

  it('documents the header on POST /v1/contacts in the OpenAPI document, with its rules, and the key_reused members', async () => {
    const doc = (await r.t.http.get('/docs-json').expect(200)).body;
    const op = doc.paths['/v1/contacts'].post;
    const header = (op.parameters as { name: string; in: string; required?: boolean; schema: Record<string, unknown>; description: string }[]).find((p) => p.name === 'Idempotency-Key');
    expect(header).toMatchObject({ in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 } });
    expect(header!.description).toMatch(/24 h/);
    expect(JSON.stringify(op.responses['422'])).toMatch(/idempotency\.key_reused/);
    expect(doc.components.schemas.ProblemDto.properties).toMatchObject({ firstUsedAt: expect.any(Object), contactId: expect.any(Object) });
  });

  it('forgets a key 24 h after its first use: then it is a new request, and the clean-up deletes the old record', async () => {
    const first = (await handIn(chat('web-old-1'), 'gw-msg-0004').expect(201)).body;
    r.time.offsetMs += DAY_MS + 60_000;
    try {
      const again = (await handIn(chat('web-old-2'), 'gw-msg-0004').expect(201)).body;
      expect(again.id).not.toBe(first.id);
      // The new first use is remembered: a retry of it answers it.
      expect((await handIn(chat('web-old-2'), 'gw-msg-0004').expect(201)).body.id).toBe(again.id);
      const older = await r.db.query(`SELECT count(*)::int AS n FROM contact_idempotency_keys WHERE created_at < $1`, [new Date(Date.now() + r.time.offsetMs - DAY_MS)]);
      expect(older[0].n).toBeGreaterThan(0);
      const out = await r.t.app.get(RemoveExpiredIdempotencyKeys).execute(new Date(Date.now() + r.time.offsetMs));
      expect(out?.deleted).toBe(older[0].n);
      const [{ n }] = await r.db.query(`SELECT count(*)::int AS n FROM contact_idempotency_keys`);
      expect(n).toBeGreaterThan(0); // the new first use stays
      expect((await r.db.query(`SELECT 1 FROM contact_idempotency_keys WHERE contact_id = $1`, [again.id])).length).toBe(1);
      // The contacts of deleted keys stay.
      expect((await r.t.http.get(`/v1/contacts/${first.id}`).set(...r.sup).expect(200)).body.id).toBe(first.id);
    } finally {
      r.time.offsetMs = 0;
    }
  });
});

describe('routing: an Idempotency-Key across instances and restarts', () => {
  let db: { name: string; url: string };
  const apps: (NestExpressApplication | null)[] = [];
  const urls: string[] = [];
  let w: RoutingWorld;
  let tel: [string, string];

  beforeAll(async () => {
    db = await createTestDatabase();
    for (let i = 0; i < 2; i++) {
      const { app, url } = await startListeningApp(db.url, { routingJobs: false });
      apps.push(app);
      urls.push(url);
    }
    const t = testAppAt(urls[0]);
    w = await buildRoutingWorld(t, 1);
    tel = bearer(await t.keyFor('telephony'));
    await request(urls[0]).put(`/v1/agents/${w.agentIds[0]}/state`).set(...bearer(TEST_ADMIN_KEY)).send({ state: 'available' }).expect(200);
  });

  afterAll(async () => {
    for (const app of apps) await app?.close();
    await dropTestDatabase(db.name);
  });

  const body = (customerRef: string) => ({ channel: 'chat', queueId: w.chatQueueId, customerRef, language: 'fi' });
  const handIn = (i: number, customerRef: string, key: string) => request(urls[i]).post('/v1/contacts').set(...tel).set('Idempotency-Key', key).send(body(customerRef));
  const count = async (customerRef: string): Promise<number> => {
    const [{ n }] = await apps.find((a) => a)!.get(DataSource).query(`SELECT count(*)::int AS n FROM contacts WHERE customer_ref = $1`, [customerRef]);
    return n;
  };

  it('creates one contact when the same key arrives at two instances at once', async () => {
    const answers = await Promise.all([0, 1, 0, 1, 0, 1].map((i) => handIn(i, 'web-two-1', 'gw-two-0001')));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await count('web-two-1')).toBe(1);
  });

  it('answers a retry refused on the configuration of the moment with its first contact, on an instance that is not the owner too', async () => {
    const admin = bearer(TEST_ADMIN_KEY);
    // With ROUTING_ENGINE=memory the instance that does not own the routing state asks the owner for the key's first use (retriedHandIn forwarded).
    const [owner] = (await apps[0]!.get(DataSource).query(`SELECT url FROM routing_owner`)) as { url: string }[];
    const i = owner && urls[0] === owner.url ? 1 : 0;
    const byAttributes = { channel: 'chat', departmentId: w.departmentId, customerRef: 'web-two-attr', language: 'fi' };
    const handInAt = (at: number, key?: string) => {
      const req = request(urls[at]).post('/v1/contacts').set(...tel);
      return (key ? req.set('Idempotency-Key', key) : req).send(byAttributes);
    };
    const first = (await handInAt(1 - i, 'gw-two-attr').expect(201)).body;
    const queue = (await request(urls[i]).get(`/v1/queues/${w.chatQueueId}`).set(...admin).expect(200)).body;
    const put = (language: string) =>
      request(urls[i]).put(`/v1/queues/${w.chatQueueId}`).set(...admin).send({ key: queue.key, name: queue.name, departmentId: queue.departmentId, channel: 'chat', language, calendarId: queue.calendarId, requiredSkills: queue.requiredSkills }).expect(200);
    await put('sv');
    try {
      // Instance i, where the queue changed, no longer finds a queue for these attributes.
      expect((await handInAt(i).expect(422)).body.errors).toEqual([expect.objectContaining({ field: 'departmentId', rule: 'queueExists' })]);
      expect((await handInAt(i, 'gw-two-attr').expect(201)).body.id).toBe(first.id);
      expect(await count('web-two-attr')).toBe(1);
    } finally {
      await put('fi');
    }
  });

  it('answers a retry after the instance that took the first request stopped, and on a freshly started instance', async () => {
    const first = (await handIn(0, 'web-restart-1', 'gw-restart-0001').expect(201)).body;
    // The first instance stops (with ROUTING_ENGINE=memory it owned the routing state: the other takes over and loads it).
    await apps[0]!.close();
    apps[0] = null;
    const retry = (await handIn(1, 'web-restart-1', 'gw-restart-0001').expect(201)).body;
    expect(retry.id).toBe(first.id);
    // A new instance on the same database, which has never seen the key.
    const { app, url } = await startListeningApp(db.url, { routingJobs: false });
    apps.push(app);
    urls.push(url);
    const fresh = (await handIn(urls.length - 1, 'web-restart-1', 'gw-restart-0001').expect(201)).body;
    expect(fresh.id).toBe(first.id);
    const reused = await handIn(urls.length - 1, 'web-restart-other', 'gw-restart-0001').expect(422);
    expect(reused.body).toMatchObject({ code: 'idempotency.key_reused', contactId: first.id });
    expect(await count('web-restart-1')).toBe(1);
  });
});
