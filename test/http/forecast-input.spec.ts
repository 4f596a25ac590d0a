import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { ForecastingTask, QueueForecastResult } from '../../apps/api/src/forecasting/forecasting-worker-protocol.js';
import { ForecastingWorkers } from '../../apps/api/src/forecasting/forecasting-workers.js';
import { decodeIntervalColumns } from '../../libs/persistence/src/interval-columns.js';
import { ForecastingRepository } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { startDemoApp } from '../support/demo-app.js';
import type { TestApp } from '../support/test-app.js';

/**
 * The API thread also serves the telephony system's routing decisions, so a forecast must not make
 * it work through the history interval by interval (an audit: 3 years of quarter-hours stalled it
 * 0.5 s per forecast). It reads the history as one row of columns and hands that to the forecasting
 * worker, which answers with the points as the API shows them.
 */
describe('forecast input: the API thread hands the history on as read', () => {
  let t: TestApp;
  let queue: Record<string, string>;
  let supervisor: [string, string];

  beforeAll(async () => {
    ({ t, queue, supervisor } = await startDemoApp('2026-03-02'));
  }, 120_000);
  afterAll(() => t.close());

  it('reads a queue\'s history as one row of columns holding exactly the rows history() reads', async () => {
    const repo = t.app.get(ForecastingRepository);
    const db = t.app.get(DataSource);
    const id = queue['phone-fi'];
    // a row without handle time, and one at another length over the same quarter-hours
    await db.query(`UPDATE interval_statistics SET aht_seconds = NULL WHERE queue_id = $1 AND interval_start = '2026-02-24T07:00Z'`, [id]);
    await repo.importHistory([{ queueId: id, intervalMinutes: 30, intervalStart: new Date('2026-02-24T07:00Z'), volume: 9, ahtSeconds: 123.45 }]);
    const from = new Date('2025-01-01T00:00Z');
    const to = new Date('2026-03-02T00:00Z');
    const rows = await repo.history(id, from, to);
    const columns = await repo.historyColumns(id, from, to);
    expect(columns).toMatchObject({ count: rows.length, shortestMinutes: 15, firstStartMs: rows[0].intervalStart.getTime(), lastStartMs: rows[rows.length - 1].intervalStart.getTime() });
    const decoded = decodeIntervalColumns(columns);
    const asRows = Array.from(decoded.start, (start, i) => ({ intervalStart: new Date(start), intervalMinutes: decoded.minutes[i], offered: decoded.volume[i], ahtSeconds: Number.isNaN(decoded.aht[i]) ? null : decoded.aht[i] }));
    // by length, then oldest first
    const byLength = [...rows].sort((a, b) => a.intervalMinutes - b.intervalMinutes || a.intervalStart.getTime() - b.intervalStart.getTime());
    expect(asRows).toEqual(byLength);
    expect(asRows.find((r) => r.intervalMinutes === 30)).toEqual({ intervalStart: new Date('2026-02-24T07:00Z'), intervalMinutes: 30, offered: 9, ahtSeconds: 123.45 });
    expect(asRows.some((r) => r.intervalMinutes === 15 && r.ahtSeconds === null)).toBe(true);

    // only the intervals that ended by 07:10Z: not the quarter-hour and the half-hour that began at 07:00Z
    const ended = await repo.historyColumns(id, from, new Date('2026-02-24T07:10Z'), new Date('2026-02-24T07:10Z'));
    const upTo = await repo.history(id, from, new Date('2026-02-24T07:10Z'));
    expect(ended.count).toBe(upTo.filter((r) => r.intervalStart.getTime() + r.intervalMinutes * 60_000 <= Date.parse('2026-02-24T07:10Z')).length);
    expect(ended.count).toBe(upTo.length - 2);

    expect(await repo.historyColumns(id, new Date('2030-01-01T00:00Z'), new Date('2030-02-01T00:00Z'))).toEqual({ count: 0, shortestMinutes: 0, firstStartMs: null, lastStartMs: null, start: '', minutes: '', offered: '', aht: '' });
    await db.query(`DELETE FROM interval_statistics WHERE queue_id = $1 AND interval_minutes = 30`, [id]);
  });

  it('hands the forecasting worker no value per interval, and passes on the points it answers', async () => {
    const workers = t.app.get(ForecastingWorkers);
    const runTask = jest.spyOn(workers, 'runTask');
    try {
      const res = await t.http.get(`/v1/queues/${queue['email-fi']}/forecast?from=2026-03-02&to=2026-03-06`).set(...supervisor).expect(200);
      const tasks = runTask.mock.calls.map(([task]) => task as ForecastingTask);
      expect(tasks.map((task) => task.kind).sort()).toEqual(['choose-method', 'forecast-ahead']);
      for (const task of tasks) {
        if (task.kind === 'backtest') continue;
        expect(task.history.rows.count).toBeGreaterThan(5_000);
        // holidays and letter batches are short lists; the history is four strings, not an array per interval
        expect(longestArrayIn(task)).toBeLessThan(200);
      }
      const answered = (await runTask.mock.results.find((r, i) => tasks[i].kind === 'forecast-ahead')!.value) as QueueForecastResult;
      expect(res.body.points).toHaveLength(5 * 96);
      expect(res.body.points).toEqual(answered.points);
      expect(res.body.points[0]).toEqual({ start: '2026-03-01T22:00:00.000Z', localStart: '2026-03-02T00:00', volume: expect.any(Number), aht: expect.any(Number), lower: expect.any(Number), upper: expect.any(Number), method: res.body.method });
    } finally {
      runTask.mockRestore();
    }
  });
});

function longestArrayIn(value: unknown): number {
  if (Array.isArray(value)) return Math.max(value.length, ...value.map(longestArrayIn));
  if (ArrayBuffer.isView(value)) return (value as unknown as ArrayLike<number>).length;
  if (value && typeof value === 'object') return Math.max(0, ...Object.values(value).map(longestArrayIn));
  return 0;
}
