/**
 * A gateway that retries POST /v1/contacts with the same Idempotency-Key (a timeout, a dropped
 * connection) gets the contact its first request created, on the in-memory engine's core: the key's
 * first use is recorded in the same change set as the contact, a retry changes nothing, and the same
 * key with another body is refused naming the first use.
 */
import { requestFingerprint, IDEMPOTENCY_RETENTION_MS, type IdempotencyKeyRecord } from '../../../core/src/idempotency.js';
import { agentRecord, at, NOW, thrown, world } from './core-fixtures.js';
import type { NewContactInput } from './types.js';

const body = { channel: 'chat' as const, queueId: 'q-chat', customerRef: 'web-1', language: 'fi' };
const claim = (key: string, b: unknown = body, apiKeyId = 'gw-1') => ({ apiKeyId, key, requestHash: requestFingerprint(b) });
const chat = (key: string, over: Partial<NewContactInput> = {}, apiKeyId = 'gw-1'): NewContactInput & { idempotency: ReturnType<typeof claim> } => {
  const b = { ...body, ...over };
  return { ...b, idempotency: claim(key, b, apiKeyId) };
};

describe('routing core: idempotent hand-in of chats and emails', () => {
  it('records the key with the contact it created, in the same change set', () => {
    const { core } = world({ agents: [agentRecord('a1')] });
    const out = core.createContactOnce(chat('k-1'), NOW, null);
    expect('created' in out).toBe(true);
    const created = (out as { created: { id: string; agentId: string | null } }).created;
    expect(created.agentId).toBe('a1');
    const { changes } = core.takeChanges();
    expect(changes.contacts.get(created.id)?.isNew).toBe(true);
    expect(changes.idempotencyKeys).toEqual([{ apiKeyId: 'gw-1', key: 'k-1', requestHash: requestFingerprint(body), contactId: created.id, createdAt: NOW }]);
  });

  it('answers a retry with the first contact and changes nothing (no contact, no offer, no load)', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    const first = (core.createContactOnce(chat('k-1'), NOW, null) as { created: { id: string } }).created;
    core.takeChanges();
    const retry = core.createContactOnce(chat('k-1'), at(5), null);
    expect(retry).toEqual({ replayOf: first.id });
    expect(core.takeChanges().changes.contacts.size).toBe(0);
    expect(state.agent('a1')!.presence!.load.chat).toBe(1);
  });

  it('refuses the same key with another body, naming the first use, and changes nothing', () => {
    const { core } = world({ agents: [agentRecord('a1')] });
    const first = (core.createContactOnce(chat('k-1'), NOW, null) as { created: { id: string } }).created;
    core.takeChanges();
    const err = thrown(() => core.createContactOnce(chat('k-1', { customerRef: 'web-2' }), at(5), null));
    expect(err).toMatchObject({ code: 'idempotency.key_reused', extensions: { contactId: first.id, firstUsedAt: NOW.toISOString() } });
    const { changes } = core.takeChanges();
    expect(changes.contacts.size + changes.idempotencyKeys.length).toBe(0);
  });

  it('keeps keys of different API keys apart', () => {
    const { core } = world({ agents: [agentRecord('a1')] });
    const a = core.createContactOnce(chat('k-1', {}, 'gw-1'), NOW, null);
    const b = core.createContactOnce(chat('k-1', {}, 'gw-2'), NOW, null);
    expect('created' in a && 'created' in b && a.created.id !== b.created.id).toBe(true);
  });

  it('answers from the first use the tables hold when memory has none (a key of an earlier owner)', () => {
    const { core } = world({ agents: [agentRecord('a1')] });
    const stored: IdempotencyKeyRecord = { ...claim('k-9'), contactId: 'c-earlier', createdAt: new Date(NOW.getTime() - 3600_000) };
    expect(core.createContactOnce(chat('k-9'), NOW, stored)).toEqual({ replayOf: 'c-earlier' });
    expect(core.takeChanges().changes.idempotencyKeys).toEqual([]);
  });

  it('creates a new contact for a key whose first use is older than the retention, recording the new first use', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    const first = (core.createContactOnce(chat('k-1'), NOW, null) as { created: { id: string } }).created;
    core.takeChanges();
    const later = new Date(NOW.getTime() + IDEMPOTENCY_RETENTION_MS + 1000);
    const again = core.createContactOnce(chat('k-1'), later, null);
    expect('created' in again && again.created.id !== first.id).toBe(true);
    expect(state.idempotencyKey({ apiKeyId: 'gw-1', key: 'k-1' })).toMatchObject({ createdAt: later });
  });

  it('forgets nothing of a refused hand-in: a key whose contact was refused is free for the retry', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    // A chat to a phone queue is refused (422) before anything is recorded.
    thrown(() => core.createContactOnce(chat('k-2', { queueId: 'q-phone' }), NOW, null));
    expect(state.idempotencyKey({ apiKeyId: 'gw-1', key: 'k-2' })).toBeUndefined();
    expect('created' in core.createContactOnce(chat('k-2'), NOW, null)).toBe(true);
  });

  it('prunes keys first used before a time, oldest first', () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    core.createContactOnce(chat('k-1'), NOW, null);
    core.createContactOnce(chat('k-2', { customerRef: 'web-2' }), at(60), null);
    expect(state.pruneIdempotencyKeys(at(30))).toBe(1);
    expect(state.idempotencyKey({ apiKeyId: 'gw-1', key: 'k-1' })).toBeUndefined();
    expect(state.idempotencyKey({ apiKeyId: 'gw-1', key: 'k-2' })).toBeDefined();
  });

  it('prunes the oldest keys beyond a maximum, whatever their age', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { configuredCapacity: { phone: 1, chat: 9, email: 5 } })] });
    for (let i = 1; i <= 5; i++) core.createContactOnce(chat(`k-${i}`, { customerRef: `web-${i}` }), at(i), null);
    expect(state.pruneIdempotencyKeys(NOW, 3)).toBe(2);
    expect(state.idempotencyKeyCount).toBe(3);
    expect(state.idempotencyKey({ apiKeyId: 'gw-1', key: 'k-2' })).toBeUndefined();
    expect(state.idempotencyKey({ apiKeyId: 'gw-1', key: 'k-3' })).toBeDefined();
  });

  it('tells a retry from a new request without creating anything (handInReplay: what a hand-in refused on the configuration asks)', () => {
    const { core } = world({ agents: [agentRecord('a1')] });
    const first = (core.createContactOnce(chat('k-1'), NOW, null) as { created: { id: string } }).created;
    core.takeChanges();
    expect(core.handInReplay(claim('k-1'), at(5), null)).toBe(first.id);
    expect(core.handInReplay(claim('k-2'), at(5), null)).toBeNull();
    expect(thrown(() => core.handInReplay(claim('k-1', { ...body, customerRef: 'web-2' }), at(5), null))).toMatchObject({ code: 'idempotency.key_reused' });
    const stored: IdempotencyKeyRecord = { ...claim('k-9'), contactId: 'c-earlier', createdAt: NOW };
    expect(core.handInReplay(claim('k-9'), at(5), stored)).toBe('c-earlier');
    const { changes } = core.takeChanges();
    expect(changes.contacts.size + changes.idempotencyKeys.length).toBe(0);
  });

  it("forgets the keys of an erased customer's contacts: by contact, or by the customer of a contact in memory", () => {
    const { core, state } = world({ agents: [agentRecord('a1')] });
    const mine = (core.createContactOnce(chat('k-1'), NOW, null) as { created: { id: string; customerId: string } }).created;
    const other = (core.createContactOnce(chat('k-2', { customerRef: 'web-2' }), NOW, null) as { created: { id: string } }).created;
    const third = (core.createContactOnce(chat('k-3', { customerRef: 'web-3' }), NOW, null) as { created: { id: string } }).created;
    core.takeChanges();
    expect(state.forgetIdempotencyKeysOf([], [mine.customerId])).toBe(1);
    expect(state.forgetIdempotencyKeysOf([third.id])).toBe(1);
    expect(state.idempotencyKey(claim('k-1'))).toBeUndefined();
    expect(state.idempotencyKey(claim('k-3', { ...body, customerRef: 'web-3' }))).toBeUndefined();
    expect(state.idempotencyKey(claim('k-2', { ...body, customerRef: 'web-2' }))).toMatchObject({ contactId: other.id });
    expect(state.forgetIdempotencyKeysOf([])).toBe(0);
  });
});
