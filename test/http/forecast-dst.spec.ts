import { RunIntradayCheck } from '../../apps/api/src/forecasting/forecasting.use-cases.js';
import { localToEpoch } from '../../libs/calendar/src/time-zone.js';
import { ForecastingRepository } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { startDemoApp } from '../support/demo-app.js';
import type { TestApp } from '../support/test-app.js';

/**
 * Forecasts on the days Europe/Helsinki changes its clocks, for the demo's email queues (emails
 * arrive around the clock): "today" is Sunday 2026-10-25, the day the clocks go back. An audit got
 * 24 hourly points on the 25-hour day (01:00Z–02:00Z missing) and on the 23-hour day two points at
 * the same instant (the non-existent 03:00 and 04:00 both at 01:00Z).
 */
const TODAY = '2026-10-25';
const TZ = 'Europe/Helsinki';

interface Point { start: string; localStart: string; volume: number; method: string }

describe('forecasting API across daylight-saving changes', () => {
  let t: TestApp;
  let queue: Record<string, string>;
  let supervisor: [string, string];

  beforeAll(async () => {
    ({ t, queue, supervisor } = await startDemoApp(TODAY));
  }, 120_000);
  afterAll(() => t.close());

  const forecast = async (key: string, date: string, intervalMinutes: number): Promise<Point[]> =>
    (await t.http.get(`/v1/queues/${queue[key]}/forecast?from=${date}&to=${date}&intervalMinutes=${intervalMinutes}`).set(...supervisor).expect(200)).body.points;
  const hoursFrom = (isoUtc: string, n: number, minutes = 60) => Array.from({ length: n }, (_, i) => new Date(Date.parse(isoUtc) + i * minutes * 60_000).toISOString());

  it('gives every real hour of the 25-hour day once: the repeated 03:00 twice, each with the 03:00 forecast', async () => {
    for (const date of [TODAY, '2027-10-31']) {
      const points = await forecast('email-fi', date, 60);
      const midnight = new Date(localToEpoch(date, 0, TZ)).toISOString();
      expect(points.map((p) => p.start)).toEqual(hoursFrom(midnight, 25));
      const three = points.filter((p) => p.localStart === `${date}T03:00`);
      expect(three.map((p) => p.start.slice(11, 16))).toEqual(['00:00', '01:00']);
      expect(three[1].volume).toBe(three[0].volume);
      expect(points.filter((p) => p.localStart === `${date}T04:00`).map((p) => p.start.slice(11, 16))).toEqual(['02:00']);
    }
  }, 120_000);

  it('gives the 23 real hours of the spring day: no 03:00, no instant twice', async () => {
    const points = await forecast('email-fi', '2027-03-28', 60);
    expect(points.map((p) => p.start)).toEqual(hoursFrom('2027-03-27T22:00:00.000Z', 23));
    expect(points.some((p) => p.localStart === '2027-03-28T03:00')).toBe(false);
    expect(points.find((p) => p.localStart === '2027-03-28T04:00')!.start).toBe('2027-03-28T01:00:00.000Z');
  }, 120_000);

  it('in quarter-hours: 100 intervals on the autumn day and 92 on the spring day, 15 minutes apart (email-sv)', async () => {
    for (const [date, n] of [[TODAY, 100], ['2027-03-28', 92]] as const) {
      const points = await forecast('email-sv', date, 15);
      expect(points.map((p) => p.start)).toEqual(hoursFrom(new Date(localToEpoch(date, 0, TZ)).toISOString(), n, 15));
    }
  }, 120_000);

  it('stores the intraday re-forecast of the 25-hour day for both occurrences of the repeated hour', async () => {
    // a flood of emails since midnight: 40 a quarter-hour against well under one expected
    const rows = hoursFrom(new Date(localToEpoch(TODAY, 0, TZ)).toISOString(), 8, 15).map((start) => ({ queueId: queue['email-sv'], intervalMinutes: 15, intervalStart: new Date(start), volume: 40, ahtSeconds: 420 }));
    await t.app.get(ForecastingRepository).importHistory(rows);
    const r = await t.app.get(RunIntradayCheck).execute(new Date(localToEpoch(TODAY, 2 * 60 + 5, TZ))); // 02:05, before the clocks go back
    expect(r.alerts.map((a) => [a.queueId, a.kind])).toContainEqual([queue['email-sv'], 'spike-high']);
    const points = await forecast('email-sv', TODAY, 15);
    expect(points).toHaveLength(100);
    const rest = points.filter((p) => p.method === 'intraday re-forecast');
    // every real quarter-hour from 02:00 to midnight: 22 wall-clock hours and the repeated one
    expect(rest.map((p) => p.start)).toEqual(hoursFrom(new Date(localToEpoch(TODAY, 2 * 60, TZ)).toISOString(), 92, 15));
    expect(rest.filter((p) => p.localStart === `${TODAY}T03:15`)).toHaveLength(2);
  }, 120_000);
});
