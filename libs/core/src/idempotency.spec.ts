import { DomainError } from './domain-error.js';
import {
  canonicalJson,
  idempotencyKeyOf,
  idempotencyKeyViolation,
  IDEMPOTENCY_RETENTION_MS,
  isLiveIdempotencyKey,
  replayOf,
  requestFingerprint,
  type IdempotencyKeyRecord,
} from './idempotency.js';

const NOW = new Date('2026-11-24T09:30:00.000Z');

describe('Idempotency-Key header values', () => {
  it('takes 1–255 printable ASCII characters, and no header at all', () => {
    expect(idempotencyKeyViolation(undefined)).toBeNull();
    expect(idempotencyKeyViolation('a')).toBeNull();
    expect(idempotencyKeyViolation('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBeNull();
    expect(idempotencyKeyViolation('chat gw #7: ~retry/1')).toBeNull();
    expect(idempotencyKeyViolation('x'.repeat(255))).toBeNull();
  });

  it('names the header and the rule for an empty or too long key', () => {
    expect(idempotencyKeyViolation('')).toMatchObject({ field: 'Idempotency-Key', rule: 'length' });
    expect(idempotencyKeyViolation('x'.repeat(256))).toMatchObject({ field: 'Idempotency-Key', rule: 'length', message: expect.stringContaining('256') });
  });

  it('refuses control characters and anything beyond ASCII', () => {
    expect(idempotencyKeyViolation('tab\there')).toMatchObject({ rule: 'printableAscii' });
    expect(idempotencyKeyViolation('avain-ä')).toMatchObject({ rule: 'printableAscii' });
    expect(idempotencyKeyViolation('del\x7f')).toMatchObject({ rule: 'printableAscii' });
  });

  it('answers an invalid key with a 422 validation error', () => {
    expect(idempotencyKeyOf('k-1')).toBe('k-1');
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    let err: unknown;
    try {
      idempotencyKeyOf('');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ kind: 'unprocessable', code: 'validation.failed', violations: [{ field: 'Idempotency-Key', rule: 'length' }] });
  });
});

describe('the canonical form of a request body', () => {
  it('does not depend on member order or on optional members sent as null', () => {
    const a = { channel: 'chat', queueId: 'q1', customerRef: 'web-1', language: 'fi' };
    const b = { language: 'fi', customerRef: 'web-1', subject: null, queueId: 'q1', channel: 'chat', phoneNumber: undefined };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(requestFingerprint(a)).toBe(requestFingerprint(b));
    expect(canonicalJson(a)).toBe('{"channel":"chat","customerRef":"web-1","language":"fi","queueId":"q1"}');
  });

  it('tells apart bodies that differ in any value, nested or not', () => {
    const base = { channel: 'chat', queueId: 'q1', customerRef: 'web-1', language: 'fi', subject: 'Payment plan' };
    expect(requestFingerprint({ ...base, subject: 'Payment plan ' })).not.toBe(requestFingerprint(base));
    expect(requestFingerprint({ ...base, language: '' })).not.toBe(requestFingerprint(base));
    expect(requestFingerprint({ a: { x: 1, y: [1, 2] } })).toBe(requestFingerprint({ a: { y: [1, 2], x: 1 } }));
    expect(requestFingerprint({ a: { y: [2, 1] } })).not.toBe(requestFingerprint({ a: { y: [1, 2] } }));
    expect(requestFingerprint({ n: 1 })).not.toBe(requestFingerprint({ n: '1' }));
  });

  it('is a SHA-256 in hex', () => {
    expect(requestFingerprint({})).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('a key used again', () => {
  const first: IdempotencyKeyRecord = { apiKeyId: 'k', key: 'order-1', requestHash: requestFingerprint({ a: 1 }), contactId: 'c-1', createdAt: new Date(NOW.getTime() - 3600_000) };
  const claim = { apiKeyId: 'k', key: 'order-1', requestHash: requestFingerprint({ a: 1 }) };

  it('is a retry of the first use: its contact', () => {
    expect(replayOf(first, claim, NOW)).toBe('c-1');
  });

  it('is carried out when no first use is remembered', () => {
    expect(replayOf(null, claim, NOW)).toBeNull();
  });

  it('is a new request once the first use is older than the retention (24 h)', () => {
    const old = { ...first, createdAt: new Date(NOW.getTime() - IDEMPOTENCY_RETENTION_MS - 1) };
    expect(isLiveIdempotencyKey(old, NOW)).toBe(false);
    expect(replayOf(old, claim, NOW)).toBeNull();
    const justInside = { ...first, createdAt: new Date(NOW.getTime() - IDEMPOTENCY_RETENTION_MS) };
    expect(replayOf(justInside, claim, NOW)).toBe('c-1');
  });

  it('with another body is refused with idempotency.key_reused naming the first use', () => {
    let err: unknown;
    try {
      replayOf(first, { ...claim, requestHash: requestFingerprint({ a: 2 }) }, NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      kind: 'unprocessable',
      code: 'idempotency.key_reused',
      extensions: { firstUsedAt: '2026-11-24T08:30:00.000Z', contactId: 'c-1' },
      violations: [{ field: 'Idempotency-Key', rule: 'sameRequest', message: expect.stringContaining('2026-11-24T08:30:00.000Z') }],
    });
  });
});
