import { RunIntradayCheck } from '../../apps/api/src/forecasting/forecasting.use-cases.js';
import { localToEpoch } from '../../libs/calendar/src/time-zone.js';
import { ForecastingRepository } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { startDemoApp } from '../support/demo-app.js';
import type { TestApp } from '../support/test-app.js';

/**
 * The intraday job on a public holiday. The demo agency on Ascension Day, Thursday 2026-05-14: the
 * email queues keep receiving mail (forecast like the Sunday of the week, scaled by the learned
 * holiday factor), the phone and chat queues are closed. The job used to skip every queue on a
 * holiday, so a surge of email on one raised no alert.
 */
const TODAY = '2026-05-14';
const TZ = 'Europe/Helsinki';

interface Point { start: string; localStart: string; volume: number; method: string }
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('intraday job on a holiday', () => {
  let t: TestApp;
  let queue: Record<string, string>;
  let supervisor: [string, string];

  beforeAll(async () => {
    ({ t, queue, supervisor } = await startDemoApp(TODAY));
  }, 120_000);
  afterAll(() => t.close());

  const forecast = async (key: string): Promise<Point[]> => (await t.http.get(`/v1/queues/${queue[key]}/forecast?from=${TODAY}&to=${TODAY}`).set(...supervisor).expect(200)).body.points;

  it("raises a spike alert for an email queue's holiday surge and re-forecasts the rest of its day; a closed phone queue stays quiet", async () => {
    const repo = t.app.get(ForecastingRepository);
    // email-fi: 00:00–10:00 as forecast until 07:00, then at 3 × its holiday forecast
    const before = await forecast('email-fi');
    expect(before).toHaveLength(96);
    const emailRows = before.slice(0, 40).map((p, i) => ({ queueId: queue['email-fi'], intervalMinutes: 15, intervalStart: new Date(p.start), volume: Math.round(p.volume * (i < 28 ? 1 : 3)), ahtSeconds: 420 }));
    // email-sv: as forecast
    const sv = await forecast('email-sv');
    const svRows = sv.slice(0, 40).map((p) => ({ queueId: queue['email-sv'], intervalMinutes: 15, intervalStart: new Date(p.start), volume: Math.round(p.volume), ahtSeconds: 420 }));
    // phone-fi: closed, forecast 0; its intervals 08:00–10:00 are there with a stray call in one
    const phone = await forecast('phone-fi');
    expect(sum(phone.map((p) => p.volume))).toBe(0);
    const phoneRows = Array.from({ length: 8 }, (_, i) => ({ queueId: queue['phone-fi'], intervalMinutes: 15, intervalStart: new Date(localToEpoch(TODAY, 8 * 60 + 15 * i, TZ)), volume: i === 3 ? 1 : 0, ahtSeconds: 285 }));
    await repo.importHistory([...emailRows, ...svRows, ...phoneRows]);

    const now = new Date(localToEpoch(TODAY, 10 * 60 + 5, TZ));
    const r = await t.app.get(RunIntradayCheck).execute(now);
    expect(r.failed).toEqual([]);
    expect(r.queuesChecked).toBe(9);
    expect(r.alerts.map((a) => [a.queueId, a.kind])).toEqual([[queue['email-fi'], 'spike-high']]);

    const alert = (await t.http.get(`/v1/forecast-alerts?status=open&queueId=${queue['email-fi']}`).set(...supervisor).expect(200)).body.items[0];
    // the holiday's own arrivals against its holiday forecast, the surge dated from 07:00
    expect(alert).toMatchObject({ date: TODAY, kind: 'spike-high', startedAt: before[28].start });
    expect(alert.observed).toBeCloseTo(sum(emailRows.map((row) => row.volume)), 2);
    expect(alert.expected).toBeCloseTo(sum(before.slice(0, 40).map((p) => p.volume)), 0);
    expect(alert.dayForecast).toBeCloseTo(sum(before.map((p) => p.volume)), 0);

    // the rest of the holiday is re-forecast upward and served to planning
    const after = await forecast('email-fi');
    const rest = after.filter((p) => p.method === 'intraday re-forecast');
    expect(rest).toHaveLength(56);
    expect(rest[0].localStart).toBe(`${TODAY}T10:00`);
    expect(sum(rest.map((p) => p.volume))).toBeGreaterThan(1.2 * sum(before.slice(40).map((p) => p.volume)));

    // the phone queue's holiday is still 0, with no re-forecast
    const phoneAfter = await forecast('phone-fi');
    expect(phoneAfter.filter((p) => p.method === 'intraday re-forecast')).toEqual([]);
    expect(sum(phoneAfter.map((p) => p.volume))).toBe(0);
  }, 180_000);
});
