import { DataSource } from 'typeorm';
import { openTestDataSource, revertMigrationsAfter } from '../support/test-database.js';

/**
 * Agent roll-ups are stored for intervals, days and months (migration AgentRollupsFewerGrains); its
 * down migration rebuilds the week and quarter rows of the earlier schema from the day rows.
 */
describe('migration AgentRollupsFewerGrains', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  const agent = '00000000-0000-4000-8000-0000000000a1';
  const queue = '00000000-0000-4000-8000-0000000000b1';

  beforeAll(async () => {
    ({ dataSource: ds, close } = await openTestDataSource());
  });
  afterAll(() => close());

  const insertRow = (grain: string, start: string, m: { offered: number; longest: number; answered: number[]; reply: number[]; staffed: number }) =>
    ds.query(
      `INSERT INTO report_agent_rollups (grain, agent_id, queue_id, period_start, offered, answered, abandoned, failed, callbacks, transfers, answered_wait_seconds,
         longest_wait_seconds, answered_wait_histogram, abandoned_wait_histogram, handled, handle_seconds, wrap_ups, wrap_up_seconds, replied, reply_seconds,
         reply_histogram, replied_within_deadline, fcr_handled, fcr_repeated, repeat_contacts, staffed_seconds, occupied_seconds)
       VALUES ($9, $1, $2, $3, $4, $4, 0, 0, 0, 0, 1.5, $5, $6, '{}', 1, 60, 0, 0, 0, 0, $7, 0, 0, 0, 0, $8, 0)`,
      [agent, queue, start, m.offered, m.longest, m.answered, m.reply, m.staffed, grain],
    );

  it('keeps interval, day and month rows only, and its down migration adds the weeks and quarters up from the days', async () => {
    // The migrations after it first (none of them touches these rows: ReportSwitchesAndMaxDuration adds two columns, default 0), so that this one is the last.
    await revertMigrationsAfter(ds, 'AgentRollupsFewerGrains1795510000000');
    await expect(insertRow('week', '2026-03-22T22:00:00Z', { offered: 1, longest: 1, answered: [], reply: [], staffed: 0 })).rejects.toThrow(/report_agent_rollups_grain_valid/);

    // Sunday 29 and Monday 30 March 2026 (Helsinki): two ISO weeks, one month; 1 April: the next quarter.
    await insertRow('day', '2026-03-28T22:00:00Z', { offered: 2, longest: 40, answered: [1, 0, 2], reply: [], staffed: 100 });
    await insertRow('day', '2026-03-29T21:00:00Z', { offered: 3, longest: 12, answered: [0, 5], reply: [1], staffed: 200 });
    await insertRow('day', '2026-03-30T21:00:00Z', { offered: 4, longest: 7, answered: [], reply: [0, 0, 3], staffed: 300 });
    await insertRow('day', '2026-03-31T21:00:00Z', { offered: 5, longest: 9, answered: [1], reply: [], staffed: 400 });

    await ds.undoLastMigration({ transaction: 'each' });
    const rows = (await ds.query(
      `SELECT grain, to_char(period_start AT TIME ZONE 'Europe/Helsinki', 'YYYY-MM-DD HH24:MI') AS start, offered, answered, longest_wait_seconds AS longest,
         answered_wait_seconds AS wait, answered_wait_histogram AS hist, reply_histogram AS reply, staffed_seconds AS staffed
       FROM report_agent_rollups WHERE grain IN ('week', 'quarter') ORDER BY grain, period_start`,
    )) as unknown[];
    expect(rows).toEqual([
      { grain: 'quarter', start: '2026-01-01 00:00', offered: 9, answered: 9, longest: 40, wait: 4.5, hist: [1, 5, 2], reply: [1, 0, 3], staffed: 600 },
      { grain: 'quarter', start: '2026-04-01 00:00', offered: 5, answered: 5, longest: 9, wait: 1.5, hist: [1], reply: [], staffed: 400 },
      { grain: 'week', start: '2026-03-23 00:00', offered: 2, answered: 2, longest: 40, wait: 1.5, hist: [1, 0, 2], reply: [], staffed: 100 },
      { grain: 'week', start: '2026-03-30 00:00', offered: 12, answered: 12, longest: 12, wait: 4.5, hist: [1, 5], reply: [1, 0, 3], staffed: 900 },
    ]);

    await ds.runMigrations({ transaction: 'each' });
    expect(await ds.query(`SELECT grain, count(*)::int AS n FROM report_agent_rollups GROUP BY grain`)).toEqual([{ grain: 'day', n: 4 }]);
    await insertRow('month', '2026-02-28T22:00:00Z', { offered: 9, longest: 40, answered: [1, 5, 2], reply: [1, 0, 3], staffed: 600 }); // allowed
  });
});
