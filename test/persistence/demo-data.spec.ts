import { DataSource } from 'typeorm';
import { localDateOf } from '../../libs/calendar/src/time-zone.js';
import { generateDemoData } from '../../libs/demo-data/src/generate-demo-data.js';
import { TypeOrmDemoDataRepository } from '../../libs/persistence/src/repositories/demo-data.repository.js';
import { openTestDataSource } from '../support/test-database.js';

const TODAY = '2026-11-23';

describe('demo data', () => {
  let ds: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ dataSource: ds, close } = await openTestDataSource());
  });
  afterAll(() => close());

  it('is reproducible from its seed', () => {
    const a = generateDemoData({ today: TODAY });
    const b = generateDemoData({ today: TODAY });
    expect(b.history.slice(0, 500)).toEqual(a.history.slice(0, 500));
    expect(b.agents).toEqual(a.agents);
    expect(generateDemoData({ today: TODAY, seed: 7 }).history.slice(0, 50)).not.toEqual(a.history.slice(0, 50));
  });

  it('has each interval once when its weeks span the spring clock change (npm start from April to June)', () => {
    // 2026-03-29 in Helsinki skips 03:00–03:59: those intervals used to be stored again on 04:00–04:59
    // (a duplicate key, so the demo did not load on a first start in spring)
    const { history } = generateDemoData({ today: '2026-05-14' });
    const keys = history.map((h) => `${h.queueKey} ${h.intervalStart.toISOString()}`);
    expect(new Set(keys).size).toBe(keys.length);
    const springDay = history.filter((h) => h.queueKey === 'email-fi' && localDateOf(h.intervalStart.getTime(), 'Europe/Helsinki') === '2026-03-29');
    expect(springDay).toHaveLength(92);
  });

  it('loads once into an empty database, in one transaction, under an advisory lock', async () => {
    const repo = new TypeOrmDemoDataRepository(ds);
    const data = generateDemoData({ today: TODAY });
    const [first, second] = await Promise.all([repo.loadIntoEmptyDatabase(data), repo.loadIntoEmptyDatabase(data)]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect(first ?? second).toMatchObject({ departments: 4, agents: 130, queues: 9 });
    const [{ count }] = await ds.query("SELECT count(*)::int AS count FROM agents a JOIN departments d ON d.id = a.department_id WHERE d.key = 'customer-service'");
    expect(count).toBe(100);
    const entryPoints = await ds.query(`SELECT e.called_number, q.key FROM entry_points e JOIN queues q ON q.id = e.queue_id ORDER BY 1`);
    expect(entryPoints).toEqual([
      { called_number: '+358925100100', key: 'phone-fi' },
      { called_number: '+358925100200', key: 'phone-sv' },
      { called_number: '+358925100300', key: 'phone-en' },
    ]);
  });

  it('has at least 12 weeks of 15-minute history for every queue, closed on Finnish holidays', async () => {
    const rows = await ds.query(`SELECT q.key, min(s.interval_start) AS first, max(s.interval_start) AS last FROM interval_statistics s JOIN queues q ON q.id = s.queue_id GROUP BY q.key`);
    expect(rows).toHaveLength(9);
    for (const row of rows) expect((new Date(row.last).getTime() - new Date(row.first).getTime()) / 86_400_000).toBeGreaterThanOrEqual(12 * 7 - 3);
  });

  it('closes the phone and chat queues on Finnish public holidays and weekends, but emails keep arriving', () => {
    const data = generateDemoData({ today: '2027-01-04', weeks: 3 });
    const localDay = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(d);
    const phoneDays = new Set(data.history.filter((h) => h.queueKey.startsWith('phone')).map((h) => localDay(h.intervalStart)));
    for (const closed of ['2026-12-24', '2026-12-25', '2026-12-26', '2026-12-27', '2027-01-01']) expect(phoneDays.has(closed)).toBe(false);
    expect(phoneDays.has('2026-12-28')).toBe(true);
    const emailOnChristmas = data.history.filter((h) => h.queueKey.startsWith('email') && localDay(h.intervalStart) === '2026-12-25');
    expect(emailOnChristmas.length).toBe(3 * 96);
  });

  it('shows weekly and daily seasonality, the +20 % level shift and letter-batch spikes', async () => {
    const data = generateDemoData({ today: TODAY });
    const daily = await ds.query(`
      SELECT (s.interval_start AT TIME ZONE 'Europe/Helsinki')::date::text AS day, extract(isodow FROM s.interval_start AT TIME ZONE 'Europe/Helsinki')::int AS dow, sum(s.offered)::int AS calls
      FROM interval_statistics s JOIN queues q ON q.id = s.queue_id WHERE q.channel = 'phone' GROUP BY 1, 2 ORDER BY 1`);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const byDow = (dow: number) => mean(daily.filter((d: { dow: number }) => d.dow === dow).map((d: { calls: number }) => d.calls));
    expect(byDow(1)).toBeGreaterThan(1.3 * byDow(5));

    const spikes = new Set(data.facts.spikeDays);
    const plain = daily.filter((d: { day: string }) => !spikes.has(d.day));
    const before = mean(plain.filter((d: { day: string }) => d.day < data.facts.levelShiftFrom).map((d: { calls: number }) => d.calls));
    const after = mean(plain.filter((d: { day: string }) => d.day >= data.facts.levelShiftFrom).map((d: { calls: number }) => d.calls));
    expect(after / before).toBeGreaterThan(1.12);
    expect(after / before).toBeLessThan(1.3);

    // A spike day has more calls than the same weekday a week earlier or later (when those are plain days).
    let higher = 0;
    let compared = 0;
    const callsOn = new Map(daily.map((d: { day: string; calls: number }) => [d.day, d.calls]));
    for (const day of spikes) {
      for (const offset of [-7, 7]) {
        const other = new Date(Date.parse(day) + offset * 86_400_000).toISOString().slice(0, 10);
        if (!callsOn.has(other) || !callsOn.has(day) || spikes.has(other)) continue;
        if ((other < data.facts.levelShiftFrom) !== (day < data.facts.levelShiftFrom)) continue;
        compared++;
        if ((callsOn.get(day) as number) > (callsOn.get(other) as number)) higher++;
      }
    }
    expect(compared).toBeGreaterThan(4);
    expect(higher / compared).toBeGreaterThan(0.8);

    const intraday = await ds.query(`
      SELECT to_char(s.interval_start AT TIME ZONE 'Europe/Helsinki', 'HH24:MI') AS slot, avg(s.offered)::float AS calls
      FROM interval_statistics s JOIN queues q ON q.id = s.queue_id WHERE q.key = 'phone-fi' GROUP BY 1`);
    const at = (slot: string) => intraday.find((r: { slot: string }) => r.slot === slot).calls;
    expect(at('10:00')).toBeGreaterThan(2 * at('08:00'));
    expect(at('10:00')).toBeGreaterThan(1.5 * at('17:45'));
  });
});
