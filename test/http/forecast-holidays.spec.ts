import { DataSource } from 'typeorm';
import { startDemoApp } from '../support/demo-app.js';
import type { TestApp } from '../support/test-app.js';

/**
 * Holidays close the business calendar, not the customers' mailboxes. The demo agency on Monday
 * 2026-11-23: 13 weeks of history with email every day (All Saints' Day, Saturday 2026-10-31,
 * included), calls and chats on open days only. An audit got 0 for the email queues on Independence
 * Day and Christmas against ~160 on ordinary weekends.
 */
const TODAY = '2026-11-23';

interface Point { localStart: string; volume: number }
const dayTotal = (points: Point[], date: string) => points.filter((p) => p.localStart.startsWith(date)).reduce((a, p) => a + p.volume, 0);

describe('forecasts of holidays per channel', () => {
  let t: TestApp;
  let queue: Record<string, string>;
  let supervisor: [string, string];

  beforeAll(async () => {
    ({ t, queue, supervisor } = await startDemoApp(TODAY));
  }, 120_000);
  afterAll(() => t.close());

  const forecast = async (key: string, from: string, to: string): Promise<Point[]> =>
    (await t.http.get(`/v1/queues/${queue[key]}/forecast?from=${from}&to=${to}&intervalMinutes=60`).set(...supervisor).expect(200)).body.points;

  it('forecasts email on holidays like a Sunday of the same queue', async () => {
    const db = t.app.get(DataSource);
    const [saints] = await db.query(`SELECT sum(offered)::int AS n FROM interval_statistics s JOIN queues q ON q.id = s.queue_id WHERE q.key = 'email-fi' AND (s.interval_start AT TIME ZONE 'Europe/Helsinki')::date = '2026-10-31'`);
    expect(saints.n).toBeGreaterThan(100); // emails did arrive on All Saints' Day

    const points = await forecast('email-fi', '2026-12-05', '2026-12-27');
    const weekend = ['2026-12-05', '2026-12-12', '2026-12-13', '2026-12-19', '2026-12-20', '2026-12-27'].map((d) => dayTotal(points, d));
    const low = Math.min(...weekend);
    const high = Math.max(...weekend);
    for (const holiday of ['2026-12-06', '2026-12-24', '2026-12-25', '2026-12-26']) {
      expect(dayTotal(points, holiday)).toBeGreaterThan(0.9 * low);
      expect(dayTotal(points, holiday)).toBeLessThan(1.1 * high);
    }
    const sv = await forecast('email-sv', '2026-12-24', '2026-12-26');
    expect(dayTotal(sv, '2026-12-25')).toBeGreaterThan(15);
  }, 120_000);

  it('keeps calls and chats at 0 on holidays: nothing arrives while the queue is closed', async () => {
    for (const key of ['phone-fi', 'chat-fi']) {
      const points = await forecast(key, '2026-12-21', '2026-12-25');
      expect(dayTotal(points, '2026-12-23')).toBeGreaterThan(0);
      expect(dayTotal(points, '2026-12-24')).toBe(0);
      expect(dayTotal(points, '2026-12-25')).toBe(0);
    }
  }, 120_000);
});
