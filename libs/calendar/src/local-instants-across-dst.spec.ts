import { localInstants, localToEpoch } from './time-zone.js';

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16);

describe('local wall times in Europe/Helsinki across daylight-saving changes', () => {
  const tz = 'Europe/Helsinki';

  it('an ordinary time is one instant', () => {
    expect(localInstants('2025-10-25', 3 * 60 + 30, tz).map(utc)).toEqual(['2025-10-25T00:30']);
  });

  it('a time in the spring-forward gap is none, and localToEpoch pushes it forward', () => {
    expect(localInstants('2025-03-30', 3 * 60 + 30, tz)).toEqual([]);
    expect(utc(localToEpoch('2025-03-30', 3 * 60 + 30, tz))).toBe('2025-03-30T01:30'); // 04:30 summer time
  });

  it('a time in the hour the clocks go back is two instants an hour apart, summer time first; localToEpoch takes the first', () => {
    // 2025-10-26: 04:00 summer time (UTC+3) becomes 03:00 winter time (UTC+2)
    expect(localInstants('2025-10-26', 3 * 60 + 30, tz).map(utc)).toEqual(['2025-10-26T00:30', '2025-10-26T01:30']);
    expect(localInstants('2025-10-26', 3 * 60, tz).map(utc)).toEqual(['2025-10-26T00:00', '2025-10-26T01:00']);
    expect(localInstants('2025-10-26', 4 * 60, tz).map(utc)).toEqual(['2025-10-26T02:00']);
    expect(localInstants('2025-10-26', 2 * 60 + 45, tz).map(utc)).toEqual(['2025-10-25T23:45']);
    expect(utc(localToEpoch('2025-10-26', 3 * 60 + 30, tz))).toBe('2025-10-26T00:30');
  });
});
