import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';
import { buildCli, type BuiltCli } from './build-cli.js';

/** `vuoro import-history` as a real process against a real PostgreSQL test database with the demo data. */
describe('vuoro import-history (command line)', () => {
  let cli: BuiltCli;
  let db: { name: string; url: string };
  let client: pg.Client;
  const env = () => ({ DATABASE_URL: db.url });
  const imported = async () => (await client.query(`SELECT count(*)::int AS n FROM interval_statistics WHERE source = 'import'`)).rows[0].n as number;

  beforeAll(async () => {
    cli = buildCli();
    db = await createTestDatabase();
    const seed = cli.run(['seed'], env());
    expect(seed.stderr).toBe('');
    expect(seed.stdout).toContain('loaded demo data');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  }, 180_000);
  afterAll(async () => {
    await client?.end();
    if (db) await dropTestDatabase(db.name);
    cli?.remove();
  });

  it('upserts local-time rows in the queue calendar zone, with progress on stderr, idempotently', async () => {
    const rows = ['queue,timestamp,volume,aht'];
    // 2019-03-31 is the night Europe/Helsinki moves to summer time: 08:00 local = 05:00 UTC (it was 06:00 UTC the day before)
    for (const day of ['2019-03-29', '2019-03-31']) for (let s = 0; s < 8; s++) rows.push(`phone-fi,${day}T${String(8 + Math.floor(s / 4)).padStart(2, '0')}:${String((s % 4) * 15).padStart(2, '0')},${10 + s},${s ? 280 : ''}`);
    rows.push('chat-sv,2019-03-29T08:00,3,');
    const file = join(cli.dir, 'history.csv');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const first = cli.run(['import-history', file], env());
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('imported 17 intervals into 2 queue(s): 17 new, 0 updated\n');
    expect(first.stderr).toContain('import-history 100 % (17/17)');
    const { rows: stored } = await client.query(
      `SELECT to_char(s.interval_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS utc, s.offered, s.answered, s.aht_seconds::float AS aht, s.interval_minutes
         FROM interval_statistics s JOIN queues q ON q.id = s.queue_id WHERE q.key = 'phone-fi' AND s.source = 'import' ORDER BY s.interval_start`,
    );
    expect(stored).toHaveLength(16);
    expect(stored[0]).toEqual({ utc: '2019-03-29T06:00', offered: 10, answered: 10, aht: null, interval_minutes: 15 });
    expect(stored[8]).toEqual({ utc: '2019-03-31T05:00', offered: 10, answered: 10, aht: null, interval_minutes: 15 });
    expect(stored[9].aht).toBe(280);

    const again = cli.run(['import-history', file], env());
    expect(again.stdout).toBe('imported 17 intervals into 2 queue(s): 0 new, 17 updated\n');
    expect(await imported()).toBe(17);
  });

  it('writes nothing when any row is bad, naming every line and column', async () => {
    const before = await imported();
    const file = join(cli.dir, 'bad.csv');
    writeFileSync(file, 'queue,timestamp,volume\nphone-fi,2019-04-01T08:00,5\nphone-xx,2019-04-01T08:15,5\nphone-fi,2019-04-01T08:20,5\nphone-fi,2019-03-31T03:30,5\nphone-fi,2019-04-01T08:45,-1\n');
    const r = cli.run(['import-history', file], env());
    expect(r.status).toBe(65);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('line 4, column timestamp: 2019-04-01T08:20 is not the start of a 15-minute interval');
    expect(r.stderr).toContain('line 6, column volume');
    expect(await imported()).toBe(before);
    // the rows that parse are then checked against the database: unknown queue, daylight-saving gap
    writeFileSync(file, 'queue,timestamp,volume\nphone-fi,2019-04-01T08:00,5\nphone-xx,2019-04-01T08:15,5\nphone-fi,2019-03-31T03:30,5\n');
    const r2 = cli.run(['import-history', file], env());
    expect(r2.status).toBe(65);
    expect(r2.stderr).toContain('line 3, column queue: no queue has the key or id "phone-xx"');
    expect(r2.stderr).toContain('line 4, column timestamp: 2019-03-31T03:30 does not exist in Europe/Helsinki');
    expect(await imported()).toBe(before);
    // history is what has happened: a row dated in the future, a year the calendars do not handle
    // and a volume the column cannot hold are refused (an audit's imports broke the queue's forecasts)
    writeFileSync(file, 'queue,timestamp,volume\nphone-fi,2099-11-24T08:00,5\nphone-fi,1000-11-24T08:00,5\nphone-fi,2019-04-01T09:00,99999999999\nphone-fi,2019-04-01T09:15,0x1F\n');
    const r3 = cli.run(['import-history', file], env());
    expect(r3.status).toBe(65);
    expect(r3.stderr).toContain('line 3, column timestamp: "1000-11-24T08:00" is not a local time YYYY-MM-DDTHH:MM in 1900–2999');
    expect(r3.stderr).toContain('line 4, column volume: 99999999999 is more than 2147483647');
    expect(r3.stderr).toContain('line 5, column volume: "0x1F" is not a number');
    writeFileSync(file, 'queue,timestamp,volume\nphone-fi,2099-11-24T08:00,5\n');
    const r4 = cli.run(['import-history', file], env());
    expect(r4.status).toBe(65);
    expect(r4.stderr).toContain('line 2, column timestamp: 2099-11-24T08:00 has not begun yet');
    expect(await imported()).toBe(before);
  });

  it('asks for --interval when a file without it is on the half-hour grid throughout (30-minute data stored as quarter-hours)', async () => {
    const before = await imported();
    const file = join(cli.dir, 'half-hours.csv');
    writeFileSync(file, 'queue,timestamp,volume\nphone-sv,2019-04-01T08:00,5\nphone-sv,2019-04-01T08:30,6\nphone-sv,2019-04-01T09:00,7\nphone-sv,2019-04-01T09:30,8\n');
    const r = cli.run(['import-history', file], env());
    expect(r.status).toBe(64);
    expect(r.stderr).toContain('every timestamp is on the 30-minute grid: pass --interval 30');
    expect(await imported()).toBe(before);
  });

  it('takes both occurrences of the hour the clocks go back in file order, and refuses a lone row for it naming the line', async () => {
    // 2019-10-27 in Europe/Helsinki: 04:00 summer time (01:00 UTC) becomes 03:00 winter time, so 03:00–03:59 happens twice
    const file = join(cli.dir, 'fall-back.csv');
    const times = ['02:45', '03:00', '03:15', '03:30', '03:45', '03:00', '03:15', '03:30', '03:45', '04:00'];
    writeFileSync(file, ['queue,timestamp,volume', ...times.map((hm, i) => `phone-fi,2019-10-27T${hm},${i + 1}`)].join('\n') + '\n');
    const r = cli.run(['import-history', file], env());
    expect(r.stderr).not.toContain('line');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('imported 10 intervals into 1 queue(s): 10 new, 0 updated\n');
    const { rows } = await client.query(
      `SELECT to_char(s.interval_start AT TIME ZONE 'UTC', 'HH24:MI') AS utc, s.offered FROM interval_statistics s JOIN queues q ON q.id = s.queue_id
        WHERE q.key = 'phone-fi' AND s.source = 'import' AND s.interval_start >= '2019-10-26T23:00Z' AND s.interval_start < '2019-10-27T03:00Z' ORDER BY s.interval_start`,
    );
    expect(rows).toEqual(['23:45', '00:00', '00:15', '00:30', '00:45', '01:00', '01:15', '01:30', '01:45', '02:00'].map((utc, i) => ({ utc, offered: i + 1 })));
    expect(cli.run(['import-history', file], env()).stdout).toBe('imported 10 intervals into 1 queue(s): 0 new, 10 updated\n');

    // One row for such a time cannot be placed: it was an hour of summer time or an hour of winter time.
    const before = await imported();
    const lone = join(cli.dir, 'fall-back-lone.csv');
    writeFileSync(lone, 'queue,timestamp,volume\nphone-fi,2019-10-27T02:45,1\nphone-fi,2019-10-27T03:30,5\nphone-fi,2019-10-27T04:00,1\n');
    const refused = cli.run(['import-history', lone, '--interval', '15'], env());
    expect(refused.status).toBe(65);
    expect(refused.stderr).toContain('line 3, column timestamp: 2019-10-27T03:30 happens twice in Europe/Helsinki (the clocks go back an hour that night) and the file has one row for it');
    // a third row for it is the same interval as the second
    writeFileSync(lone, 'queue,timestamp,volume\nphone-fi,2019-10-27T03:30,5\nphone-fi,2019-10-27T03:30,6\nphone-fi,2019-10-27T03:30,7\n');
    const thrice = cli.run(['import-history', lone, '--interval', '15'], env());
    expect(thrice.status).toBe(65);
    expect(thrice.stderr).toContain('line 4, column timestamp: the same interval of queue phone-fi as line 3');
    expect(await imported()).toBe(before);
  });

  it('takes another time zone and interval length from the options', async () => {
    const file = join(cli.dir, 'utc.csv');
    writeFileSync(file, 'queue,timestamp,volume\nemail-en,2019-05-02T10:30,7\n');
    const r = cli.run(['import-history', file, '--interval', '30', '--time-zone', 'UTC'], env());
    expect(r.status).toBe(0);
    const { rows } = await client.query(`SELECT s.interval_start, s.interval_minutes FROM interval_statistics s JOIN queues q ON q.id = s.queue_id WHERE q.key = 'email-en' AND s.source = 'import'`);
    expect(rows).toEqual([{ interval_start: new Date('2019-05-02T10:30:00Z'), interval_minutes: 30 }]);
  });
});
