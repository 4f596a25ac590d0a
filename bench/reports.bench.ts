/**
 * `npm run bench:reports`: reports over a year of contacts for ~100 agents, on the local PostgreSQL.
 *
 * 1. A bench database (name contains "bench") with the migrations; one department, an always-open
 *    calendar, nine queues (six phone, two chat, one email), 100 agents, 500,000 customers.
 * 2. BENCH_CONTACTS (default 1,500,000) contacts over 365 days with their timelines, generated in
 *    SQL (generate_series): phone answered (queued → offered → accepted → ended) or abandoned
 *    (1 in 17), chat and email completed; customers repeat (FCR).
 * 3. The roll-ups are built by the production job (RefreshReportRollups, the same code the API runs)
 *    from contact_events after the watermark, and the build is timed.
 * 4. Report use cases timed (median of 5 runs each): a year by month per queue, a quarter by agent, a year by month by agent,
 *    a day by 15-minute interval per queue, the year by month as CSV, first-contact resolution by
 *    month. Next to them, in the same run: `SELECT count(*) FROM contacts` and the year-by-month
 *    figures computed by scanning contacts (what the roll-ups avoid).
 * The database is dropped at the end (BENCH_KEEP_DATABASE=true keeps it).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { closeDataSource, createDataSource } from '../libs/persistence/src/data-source.js';
import { TypeOrmReportsRepository } from '../libs/persistence/src/repositories/reports.repository.js';
import { TypeOrmRoutingRepository } from '../libs/persistence/src/repositories/routing.repository.js';
import { toCsv } from '../libs/reports/src/csv.js';
import { RoutingCatalog } from '../apps/api/src/routing/routing-catalog.js';
import { RoutingClock } from '../apps/api/src/routing/routing-clock.js';
import { RefreshReportRollups } from '../apps/api/src/reports/report-rollup.job.js';
import { GetContactReport, GetResolutionReport, LoadReportRows } from '../apps/api/src/reports/reports.use-cases.js';

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.env.BENCH_CONTACTS ?? 1_500_000);
const KEEP = process.env.BENCH_KEEP_DATABASE === 'true';

function urlFor(db: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${db}`;
  return u.toString();
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

async function median(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(fn))[1]);
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

async function main(): Promise<void> {
  const name = `vuoro_bench_reports_${randomBytes(3).toString('hex')}`;
  if (!/bench/.test(name) || !/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  await admin(`CREATE DATABASE ${name}`);
  const target = { kind: 'postgres' as const, url: urlFor(name), poolSize: 4 };
  const ds = createDataSource(target);
  try {
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    console.log(`bench database ${name}; generating ${N.toLocaleString('en')} contacts over 365 days…`);

    const [, genMs] = await timed(async () => {
      await ds.query(`
        INSERT INTO departments (key, name, kind) VALUES ('bench-cs', 'Bench customer service', 'customer-service');
        INSERT INTO business_calendars (key, name, time_zone, holiday_region, opening_hours)
          VALUES ('bench-always', 'Always open', 'Europe/Helsinki', NULL,
            (SELECT jsonb_agg(jsonb_build_object('weekday', d, 'open', '00:00', 'close', '24:00')) FROM generate_series(1, 7) d));
        INSERT INTO queues (key, name, department_id, channel, language, calendar_id, target_percent, target_seconds, target_basis)
          SELECT 'bench-' || ch || '-' || n, 'Bench ' || ch || ' ' || n, (SELECT id FROM departments WHERE key = 'bench-cs'), ch, 'fi',
            (SELECT id FROM business_calendars WHERE key = 'bench-always'), 90, CASE ch WHEN 'phone' THEN 30 WHEN 'chat' THEN 60 ELSE 28800 END,
            CASE ch WHEN 'email' THEN 'business' ELSE 'elapsed' END
          FROM (VALUES ('phone', 1), ('phone', 2), ('phone', 3), ('phone', 4), ('phone', 5), ('phone', 6), ('chat', 1), ('chat', 2), ('email', 1)) v(ch, n);
        INSERT INTO agents (employee_number, display_name, department_id, phone_uri)
          SELECT 'B' || lpad(n::text, 3, '0'), 'Bench agent ' || n, (SELECT id FROM departments WHERE key = 'bench-cs'), 'sip:b' || n || '@pbx.example.com'
          FROM generate_series(1, 100) n;
        INSERT INTO customers (id, phone_number) SELECT md5('cust' || n)::uuid, '+35840' || lpad(n::text, 7, '0') FROM generate_series(0, 499999) n;
      `);
      await ds.query(`
        CREATE TEMP TABLE bench_gen AS
        WITH q AS (SELECT array_agg(id ORDER BY key) AS ids FROM queues WHERE key LIKE 'bench-%'),
             a AS (SELECT array_agg(id ORDER BY employee_number) AS ids FROM agents)
        SELECT i, md5('contact' || i)::uuid AS id,
          CASE WHEN i % 10 < 7 THEN 'phone' WHEN i % 10 < 9 THEN 'chat' ELSE 'email' END AS channel,
          q.ids[CASE WHEN i % 10 < 7 THEN 4 + (i % 6) WHEN i % 10 < 9 THEN 1 + (i % 2) ELSE 3 END] AS queue_id,
          a.ids[1 + (i * 31) % 100] AS agent_id,
          md5('cust' || ((i::bigint * 7919) % 500000))::uuid AS customer_id,
          timestamptz '2025-11-24 06:00:00+00' + make_interval(days => (i::bigint * 365 / ${N})::int)
            + make_interval(secs => ((i::bigint * 365) % ${N}) * 36000.0 / ${N}) AS arrived_at,
          CASE WHEN i % 10 = 9 THEN (i * 37) % 14400 ELSE (i * 37) % 60 END AS wait,
          120 + (i * 53) % 400 AS handle,
          (i % 10 < 7 AND i % 17 = 0) AS abandoned
        FROM generate_series(1, ${N}) i, q, a;
      `);
      // bench_gen's queue array is ordered by key: chat-1, chat-2, email-1, phone-1…6.
      await ds.query(`
        INSERT INTO contacts (id, channel, kind, status, queue_id, call_id, decision_id, customer_id, arrived_at, deadline, priority_boost_seconds,
          excluded_agent_ids, offer_attempts, agent_id, answered_at, ended_at, end_reason)
        SELECT id, channel, 'inbound', CASE WHEN abandoned THEN 'abandoned' ELSE 'ended' END, queue_id,
          CASE WHEN channel = 'phone' THEN 'bench-' || i END, gen_random_uuid(), customer_id, arrived_at,
          arrived_at + CASE channel WHEN 'phone' THEN interval '30 seconds' WHEN 'chat' THEN interval '60 seconds' ELSE interval '8 hours' END,
          0, '{}', 1, CASE WHEN NOT abandoned THEN agent_id END,
          CASE WHEN NOT abandoned THEN arrived_at + make_interval(secs => wait) END,
          arrived_at + make_interval(secs => wait + CASE WHEN abandoned THEN 0 ELSE handle END),
          CASE WHEN abandoned THEN 'abandoned' WHEN channel = 'phone' THEN 'ended' ELSE 'completed' END
        FROM bench_gen ORDER BY i;
      `);
      await ds.query(`
        INSERT INTO contact_events (contact_id, at, type, agent_id, detail)
        SELECT g.id, g.arrived_at + make_interval(secs => e.dt), e.type, e.agent, e.detail
        FROM bench_gen g CROSS JOIN LATERAL (VALUES
          (1, 0, 'queued', NULL::uuid, jsonb_build_object('queueId', g.queue_id)),
          (2, 0, 'offered', g.agent_id, NULL::jsonb),
          (3, g.wait, CASE WHEN g.abandoned THEN 'abandoned' ELSE 'accepted' END, g.agent_id, NULL::jsonb),
          (4, g.wait + g.handle, CASE WHEN g.channel = 'phone' THEN 'ended' ELSE 'completed' END, g.agent_id, jsonb_build_object('wrapUpSeconds', 30))
        ) AS e(n, dt, type, agent, detail)
        WHERE NOT (g.abandoned AND e.n = 4)
        ORDER BY g.i, e.n;
        ANALYZE;
      `);
    });
    const [[{ events }]] = await Promise.all([ds.query(`SELECT count(*)::int AS events FROM contact_events`)]);
    console.log(`generated ${N.toLocaleString('en')} contacts, ${Number(events).toLocaleString('en')} events in ${(genMs / 1000).toFixed(1)} s`);

    const repo = new TypeOrmReportsRepository(ds);
    const catalog = new RoutingCatalog(new TypeOrmRoutingRepository(ds));
    const refresh = new RefreshReportRollups(repo, catalog);
    refresh.batchSize = 20_000;
    const [built, buildMs] = await timed(() => refresh.execute());
    const [[{ qrows }], [{ arows }]] = await Promise.all([
      ds.query(`SELECT count(*)::int AS qrows FROM report_queue_rollups`),
      ds.query(`SELECT count(*)::int AS arows FROM report_agent_rollups`),
    ]);
    console.log(`roll-ups built from the events: ${built.facts.toLocaleString('en')} contacts counted in ${(buildMs / 1000).toFixed(1)} s ` +
      `(${Math.round(built.facts / (buildMs / 1000)).toLocaleString('en')} contacts/s); ${qrows} queue rows, ${arows} agent rows`);
    // An incremental run with nothing new: the cost every report pays before reading.
    const idleMs = await median(() => refresh.execute());

    const clock = new RoutingClock();
    clock.now = () => new Date('2026-11-24T12:00:00Z');
    const load = new LoadReportRows(repo, refresh);
    const contacts = new GetContactReport(load);
    const resolution = new GetResolutionReport(load, clock);
    const yearByMonth = () => contacts.execute({ from: '2025-11-24', to: '2026-11-23', period: 'month', groupBy: 'queue', thresholdSeconds: 30, shortAbandonSeconds: 5 });
    const quarterByAgent = () => contacts.execute({ from: '2026-07-01', to: '2026-09-30', period: 'quarter', groupBy: 'agent' });
    // Agents' months are added up from their day rows (AGENT_ROLLUP_GRAINS): a year of them is the most such a report reads.
    const yearByMonthByAgent = () => contacts.execute({ from: '2025-11-24', to: '2026-11-23', period: 'month', groupBy: 'agent' });
    const dayByInterval = () => contacts.execute({ from: '2026-03-16', to: '2026-03-16', period: 'interval', groupBy: 'queue' });
    const yearCsv = async () => {
      const r = await yearByMonth();
      return toCsv(Object.keys(r.rows[0]), r.rows as unknown as Record<string, unknown>[]);
    };
    const fcrByMonth = () => resolution.execute({ from: '2025-11-24', to: '2026-11-23', period: 'month', groupBy: 'channel' });

    const check = await yearByMonth();
    const offered = check.rows.reduce((s, r) => s + r.offered, 0);
    if (offered !== N) throw new Error(`the year by month adds up to ${offered} contacts, not ${N}`);
    const figures = {
      yearByMonth: await median(yearByMonth),
      quarterByAgent: await median(quarterByAgent),
      yearByMonthByAgent: await median(yearByMonthByAgent),
      dayByInterval: await median(dayByInterval),
      yearCsv: await median(yearCsv),
      fcrByMonth: await median(fcrByMonth),
    };
    const countMs = await median(() => ds.query(`SELECT count(*) FROM contacts`), 3);
    const scanMs = await median(
      () => ds.query(`SELECT queue_id, date_trunc('month', arrived_at, 'Europe/Helsinki') AS m, count(*), count(*) FILTER (WHERE status = 'abandoned'),
          avg(EXTRACT(EPOCH FROM answered_at - arrived_at)), count(*) FILTER (WHERE answered_at - arrived_at <= interval '30 seconds')
        FROM contacts GROUP BY 1, 2`),
      3,
    );
    const rowsOf = {
      yearByMonth: check.rows.length,
      quarterByAgent: (await quarterByAgent()).rows.length,
      yearByMonthByAgent: (await yearByMonthByAgent()).rows.length,
      dayByInterval: (await dayByInterval()).rows.length,
    };
    console.log('\nreport (use case, incl. the incremental catch-up)         median of 5');
    console.log(`  year by month per queue (${rowsOf.yearByMonth} rows)                     ${ms(figures.yearByMonth)}`);
    console.log(`  quarter by agent (${rowsOf.quarterByAgent} rows)                          ${ms(figures.quarterByAgent)}`);
    console.log(`  year by month by agent (${rowsOf.yearByMonthByAgent} rows)                   ${ms(figures.yearByMonthByAgent)}`);
    console.log(`  a day by 15-minute interval per queue (${rowsOf.dayByInterval} rows)       ${ms(figures.dayByInterval)}`);
    console.log(`  year by month per queue as CSV                            ${ms(figures.yearCsv)}`);
    console.log(`  first-contact resolution, year by month per channel       ${ms(figures.fcrByMonth)}`);
    console.log(`  incremental refresh with nothing new                      ${ms(idleMs)}`);
    console.log('reference, same run:');
    console.log(`  SELECT count(*) FROM contacts (${N.toLocaleString('en')} rows)           ${ms(countMs)}`);
    console.log(`  year by month per queue by scanning contacts              ${ms(scanMs)}`);
  } finally {
    if (ds.isInitialized) await closeDataSource(ds, target);
    if (!KEEP) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    else console.log(`kept ${name}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
