import { uuidv7 } from './ids.js';

describe('uuidv7', () => {
  it('is a version-7, RFC 9562 variant UUID whose first 48 bits are the time in milliseconds', () => {
    const at = Date.UTC(2026, 10, 24, 9, 30, 0, 123);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('orders ids of different milliseconds by time as text (lower-case hex: the byte order PostgreSQL sorts uuids in)', () => {
    const inTimeOrder = [1, 2, 3, 4, 5].map((ms) => uuidv7(1_700_000_000_000 + ms));
    const shuffled = [inTimeOrder[4], inTimeOrder[0], inTimeOrder[3], inTimeOrder[1], inTimeOrder[2]];
    expect(shuffled.sort()).toEqual(inTimeOrder);
  });

  it('is random within a millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidv7(1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });
});
