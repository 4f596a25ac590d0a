/**
 * `npm run bench:routing`: the live routing engine on the local PostgreSQL server.
 *
 * 1. pgbench's default (tpcb-like) workload on a scratch database (`pgbench -i`, then
 *    `pgbench -T 10 -c 4 -j 2`) gives the server's reference rate in this run; it runs again at the
 *    end with the API stopped, and the ratio is also printed against the faster of the two readings.
 * 2. The API (dist/apps/api/src/main.js) runs as BENCH_INSTANCES child processes (default 2, as
 *    production runs several instances on one database; requests go round-robin, each instance
 *    with its own pool) on a fresh database whose name contains "bench", with 200 agents (phone 1,
 *    chat 3, email 5) in one department and phone, chat and email queues. Virtual clients loop over a mixed flow: 70 % phone (decision → answered →
 *    ended, or abandoned when queued), 20 % chat and 10 % email (hand in → accept → complete).
 *    The load generator is bench/lean-http-client.ts (kept-alive connections, about half node:http's CPU
 *    per request): it shares the two cores with the API and PostgreSQL.
 * 3. Closed loop at full speed: sustained POST /v1/routing/decisions per second and p50/p99.
 *    Open loop at half of that rate: p50/p99 of the same operation.
 * 4. CPU, which a shared machine's load does not skew as it skews rates: per decision, the API
 *    processes' and the bench database's PostgreSQL backends' (/proc); per pgbench transaction, its
 *    backends' and pgbench's own. Their ratio predicts decisions/s ÷ tps on an idle machine.
 * 5. The floor of one request with one durable write on this machine (bare node:http, node-postgres
 *    and its backend; floorPerRequest) times the requests per decision: the best CPU ratio any
 *    implementation without cross-request batching could reach.
 * Both databases are dropped at the end. Environment: BENCH_DATABASE_ADMIN_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_SECONDS (default 15), BENCH_CLIENTS (default 16),
 * BENCH_ROUTING_ENGINE (the API's ROUTING_ENGINE, default database; memory runs one instance unless BENCH_INSTANCES says more),
 * BENCH_INSTANCES (default 2 with the database engine, 1 with memory), BENCH_POOL_SIZE (connections per instance, default 10),
 * BENCH_API_NODE_ARGS (extra node flags for the API processes, e.g. `--cpu-prof`), BENCH_KEEP_DATABASE=true,
 * BENCH_QUICK=true (A/B runs: no pgbench reference, no floor, no second open loop; the closed loop with its CPU per decision, and the
 * open loop only when BENCH_OPEN_RATE is set),
 * BENCH_LATENCY_LOG=<file> (each open-loop decision's start and latency, one line each), BENCH_API_LOG=<file> (the API's JSON log),
 * BENCH_OPEN_RATE (decisions/s offered in the open loop instead of half the closed loop's rate, to compare builds at equal load),
 * BENCH_LOG_SLOW_MS (log_min_duration_statement of the bench database), BENCH_STATEMENT_STATS=true (log_statement_stats:
 * each statement's CPU in the server log), BENCH_DETAIL=true (latency per operation), BENCH_MIX="phone,chat" (flow shares, default "0.7,0.2"; the rest email), BENCH_WITHOUT_FEATURE_TRIGGERS=true
 * (disables the other features' triggers on agent_presence and contacts, to measure their share), BENCH_DATABASE_SETTINGS
 * (comma-separated name=value set on the bench database, for experiments such as synchronous_commit=off),
 * BENCH_TARGET=ceiling (measure routing-ceiling.server.ts instead of the API: the same flows against a server
 * that only makes each changing request durable, group-committed — the most any implementation could
 * reach here; BENCH_CEILING_FLUSHES = group writes in flight, default 1), BENCH_TARGET=batched (the same server
 * writing the rows Vuoro's engine writes — contact, reservation, timeline, presence, customer — into the
 * migrated schema in batches: the write path of an in-memory engine; BENCH_CEILING_LEAN=true: without reservation rows
 * and the contact update on answer), BENCH_WITHOUT_FOREIGN_KEYS=true (experiment: drops the routing tables' foreign keys),
 * BENCH_SQL (experiment: SQL run on the bench database once the world is built, e.g. a schema variant), BENCH_WAL_RANGE=true
 * (prints the closed loop's WAL positions, for `pg_waldump --stats=record -s … -e …`; keep the segments with wal_keep_size).
 * Every run prints the WAL written per decision (closed loop and the roll-ups' catch-up): a count of the rows and index
 * entries written, steady where CPU times move with the machine's load.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { LeanHttpClient } from './lean-http-client.js';

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const AGENTS = 200;
/** `api` (the product), or a measurement server (routing-ceiling.server.ts): `ceiling` (nothing but a group-committed durable append per request) or `batched` (in memory, today's rows written in groups). */
const TARGET = process.env.BENCH_TARGET ?? 'api';
if (TARGET !== 'api' && TARGET !== 'ceiling' && TARGET !== 'batched') throw new Error('BENCH_TARGET: "api", "ceiling" or "batched"');
/** The API's routing engine (ROUTING_ENGINE): `database` or `memory` (one owner instance; the others forward routing operations to it). */
const ENGINE = process.env.BENCH_ROUTING_ENGINE ?? 'database';
if (ENGINE !== 'database' && ENGINE !== 'memory') throw new Error('BENCH_ROUTING_ENGINE: "database" or "memory"');
// The measurement servers keep their state in memory: one process, so every request of a flow finds it. The memory
// engine runs one instance unless BENCH_INSTANCES asks for more (the others forward to the owner).
const INSTANCES = TARGET === 'api' ? Number(process.env.BENCH_INSTANCES ?? (ENGINE === 'database' ? 2 : 1)) : 1;
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 10);
const QUICK = process.env.BENCH_QUICK === 'true';
const OPEN_RATE = process.env.BENCH_OPEN_RATE ? Number(process.env.BENCH_OPEN_RATE) : undefined;
if (OPEN_RATE !== undefined && !(OPEN_RATE > 0)) throw new Error('BENCH_OPEN_RATE: decisions per second, > 0');
const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
/** Shares of phone and chat flows (the rest email); BENCH_MIX="phone,chat" e.g. "1,0" for calls only, to cost one channel's flow. */
const [PHONE_SHARE, CHAT_SHARE] = (process.env.BENCH_MIX ?? '0.7,0.2').split(',').map(Number);
if (!(PHONE_SHARE > 0 && CHAT_SHARE >= 0 && PHONE_SHARE + CHAT_SHARE <= 1)) throw new Error('BENCH_MIX: "phone,chat" shares with phone > 0 and a sum ≤ 1');

function urlFor(db: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${db}`;
  return u.toString();
}

async function admin(sql: string, db?: string): Promise<void> {
  const c = new pg.Client({ connectionString: db ? urlFor(db) : ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** One statement on its own connection to the bench database `db`: its rows. */
async function rowsOf<T>(db: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: urlFor(db) });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

function benchName(kind: string): string {
  const name = `vuoro_bench_${kind}_${randomBytes(3).toString('hex')}`;
  if (!/bench/.test(name) || !/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  return name;
}

/** pgbench's rate and the CPU it took per transaction: its backends' (sampled from /proc while they run) and pgbench's own. */
async function pgbenchRun(db: string): Promise<{ tps: number; transactions: number; serverMs: number; clientMs: number }> {
  const u = new URL(urlFor(db));
  const args = ['-h', decodeURIComponent(u.hostname), '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
  execFileSync('pgbench', [...args, '-i', '-q', db], { stdio: 'pipe', env });
  const child = spawn('pgbench', [...args, '-T', '10', '-c', '4', '-j', '2', db], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', () => undefined);
  // Backends exit with pgbench, taking their CPU figures along: keep the last reading of each.
  const backends = new Map<number, number>();
  let clientSeconds = 0;
  const sample = (): void => {
    for (const pid of backendPids(db)) backends.set(pid, cpuSecondsOf(pid));
    const c = cpuSecondsOf(child.pid!);
    if (c > 0) clientSeconds = c;
  };
  const timer = setInterval(sample, 100);
  const code: number = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  clearInterval(timer);
  if (code !== 0) throw new Error(`pgbench exited with ${code}:\n${out}`);
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
  const n = /number of transactions actually processed: (\d+)/.exec(out);
  if (!m || !n) throw new Error(`could not read pgbench's tps from:\n${out}`);
  const transactions = Number(n[1]);
  const server = [...backends.values()].reduce((a, b) => a + b, 0);
  return { tps: Number(m[1]), transactions, serverMs: (server * 1000) / transactions, clientMs: (clientSeconds * 1000) / transactions };
}

let client = new LeanHttpClient();
/** New connections for the next phase: the API closes sockets idle for its keep-alive timeout (5 s) while the floor is measured. */
function freshConnections(): void {
  client.destroy();
  client = new LeanHttpClient();
}
const ports: number[] = [];
let nextPort = 0;

async function call(method: string, path: string, body?: unknown, key = ADMIN_KEY, retried = false): Promise<{ status: number; body: any }> {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const port = ports[nextPort++ % ports.length];
  try {
    const res = await client.request(port, method, path, { Authorization: `Bearer ${key}`, ...(data ? { 'Content-Type': 'application/json' } : {}) }, data);
    return { status: res.status, body: res.body ? JSON.parse(res.body) : null };
  } catch (err) {
    // A kept-alive socket the server closed as idle just as it was reused: the request never reached
    // the API (no byte of an answer came), send it again once.
    if (!retried && (err as { reusedSocket?: boolean }).reusedSocket) return call(method, path, body, key, true);
    throw err;
  }
}

/** Latencies per operation (method and path with ids removed), for BENCH_DETAIL=true. */
const perOperation = new Map<string, number[]>();
/** Accept calls (sent with `call`, not `ok`: a lost race answers 409), counted for the requests per decision. */
let acceptCalls = 0;

async function ok(method: string, path: string, body?: unknown, key?: string): Promise<any> {
  const t0 = performance.now();
  const res = await call(method, path, body, key);
  const op = `${method} ${path.replace(/[0-9a-f-]{36}/g, '{id}')}${path === '/v1/routing/events' ? ` ${(body as { event: string }).event}` : ''}`;
  (perOperation.get(op) ?? perOperation.set(op, []).get(op)!).push(performance.now() - t0);
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function startApi(dbUrl: string, migrate: boolean): Promise<ChildProcess> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'apps/api/src/main.js')], {
    env: { ...process.env, DATABASE_URL: dbUrl, ADMIN_API_KEY: ADMIN_KEY, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'log', LOG_FORMAT: 'json', DATABASE_POOL_SIZE: String(POOL_SIZE), SEED_DEMO_DATA: 'never', MIGRATIONS_RUN: String(migrate), ROUTING_ENGINE: ENGINE },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // BENCH_API_LOG=<file>: the API's JSON log, to line up its jobs with the latency log.
  if (process.env.BENCH_API_LOG) child.stdout!.pipe(createWriteStream(process.env.BENCH_API_LOG, { flags: 'a' }));
  await listening(child, 'API');
  return child;
}

/** Waits for a started server to print its `"url"` (the API's JSON log line, or a measurement server's), and adds its port to `ports`. */
function listening(child: ChildProcess, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let started = false;
    child.stdout!.on('data', (c: Buffer) => {
      if (started) return;
      buf += c.toString('utf8');
      const m = /"url":"http:\/\/[^:]+:(\d+)"/.exec(buf);
      if (m) {
        started = true;
        ports.push(Number(m[1]));
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    setTimeout(() => reject(new Error(`${name} did not start in 60 s`)), 60_000).unref();
  });
}

/** Stops a server process: SIGTERM (graceful shutdown), SIGKILL if it has not exited after 10 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Starts a measurement server (routing-ceiling.server.ts) on the bench database: `log` writes with a
 * synthetic world; `rows` on a world built through the API (the rows it writes need its agents and queues).
 */
async function startCeiling(dbUrl: string, writes: 'log' | 'rows', built?: World): Promise<{ child: ChildProcess; world: World }> {
  const root = dirname(fileURLToPath(import.meta.url));
  const world: World = built
    ? { ...built, telephonyKey: ADMIN_KEY }
    : { agents: Array.from({ length: AGENTS }, () => randomUUID()), phoneQueue: randomUUID(), chatQueue: randomUUID(), emailQueue: randomUUID(), telephonyKey: ADMIN_KEY };
  const child = spawn(process.execPath, [join(root, 'routing-ceiling.server.js')], {
    env: {
      ...process.env, DATABASE_URL: dbUrl, CEILING_KEY: ADMIN_KEY, CEILING_AGENTS: world.agents.join(','), CEILING_QUEUES: [world.phoneQueue, world.chatQueue, world.emailQueue].join(','),
      CEILING_WRITES: writes, CEILING_FLUSHES: process.env.BENCH_CEILING_FLUSHES ?? '1', CEILING_LEAN: process.env.BENCH_CEILING_LEAN ?? 'false',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await listening(child, 'measurement server');
  return { child, world };
}

interface World {
  agents: string[];
  phoneQueue: string;
  chatQueue: string;
  emailQueue: string;
  telephonyKey: string;
}

async function buildWorld(): Promise<World> {
  await ok('PUT', '/v1/skills', { key: 'lang:fi', kind: 'language', name: 'Finnish' });
  const dep = await ok('POST', '/v1/departments', { key: 'bench', name: 'Bench', kind: 'customer-service' });
  const cal = await ok('POST', '/v1/calendars', { key: 'always', name: 'Always', timeZone: 'Europe/Helsinki', holidayRegion: null, openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, open: '00:00', close: '24:00' })) });
  const queue = async (channel: string, target?: unknown) =>
    (await ok('POST', '/v1/queues', { key: `${channel}-fi`, name: channel, departmentId: dep.id, channel, language: 'fi', calendarId: cal.id, requiredSkills: [{ skill: 'lang:fi', minProficiency: 3 }], ...(target ? { target } : {}) })).id as string;
  const phoneQueue = await queue('phone');
  const chatQueue = await queue('chat');
  const emailQueue = await queue('email', { percent: 90, seconds: 28800, basis: 'business' });
  // Callbacks are offered to waiting callers only (a chat or email queue refuses the threshold: 422 phoneOnly).
  for (const q of [phoneQueue, chatQueue, emailQueue]) {
    await ok('PUT', `/v1/queues/${q}/routing-settings`, { wrapUpSeconds: 0, meanHandleSeconds: 180, ...(q === phoneQueue ? { callbackThresholdSeconds: 120 } : {}) });
  }
  await ok('POST', '/v1/entry-points', { calledNumber: '+358201000000', name: 'Bench line', queueId: phoneQueue });
  const agents: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const a = await ok('POST', '/v1/agents', {
      employeeNumber: `B${i}`, displayName: `Bench ${i}`, departmentId: dep.id, phoneUri: `sip:b${i}@pbx.example.com`,
      capacity: { phone: 1, chat: 3, email: 5 }, skills: [{ skill: 'lang:fi', proficiency: 3 + (i % 3) }],
    });
    agents.push(a.id);
  }
  for (const id of agents) await ok('PUT', `/v1/agents/${id}/state`, { state: 'available' });
  const telephonyKey = (await ok('POST', '/v1/api-keys', { name: 'bench telephony', role: 'telephony' })).key as string;
  return { agents, phoneQueue, chatQueue, emailQueue, telephonyKey };
}

let seq = 0;
const ts = () => new Date().toISOString();

/** One flow of the mix; returns the latency (ms) of its routing decision when it was a call. */
async function flow(w: World, pick: number): Promise<number | null> {
  const n = ++seq;
  if (pick < PHONE_SHARE) {
    const callId = `bench-${n}-${randomBytes(4).toString('hex')}`;
    const t0 = performance.now();
    const d = await ok('POST', '/v1/routing/decisions', { channel: 'phone', callId, callerId: `+3584${n % 5000}`, callerName: '', calledNumber: '+358201000000', language: 'fi' }, w.telephonyKey);
    const ms = performance.now() - t0;
    if (d.decision === 'agent') {
      await ok('POST', '/v1/routing/events', { event: 'answered', channel: 'phone', callId, decisionId: d.decisionId, ts: ts() }, w.telephonyKey);
      await ok('POST', '/v1/routing/events', { event: 'ended', channel: 'phone', callId, ts: ts() }, w.telephonyKey);
    } else {
      await ok('POST', '/v1/routing/events', { event: 'abandoned', channel: 'phone', callId, ts: ts() }, w.telephonyKey);
    }
    return ms;
  }
  const channel = pick < PHONE_SHARE + CHAT_SHARE ? 'chat' : 'email';
  const c = await ok('POST', '/v1/contacts', { channel, queueId: channel === 'chat' ? w.chatQueue : w.emailQueue, customerRef: `${channel}-${n % 3000}`, language: 'fi' }, w.telephonyKey);
  if (c.status === 'offered' && c.agentId) {
    const offers = (await ok('GET', `/v1/agents/${c.agentId}/offers`)) as { offerId: string; contactId: string; status: string }[];
    const offer = offers.find((o) => o.contactId === c.id && o.status === 'offered');
    if (offer) {
      acceptCalls++;
      const res = await call('POST', `/v1/agents/${c.agentId}/offers/${offer.offerId}/accept`);
      if (res.status === 200) await ok('POST', `/v1/agents/${c.agentId}/contacts/${c.id}/complete`, { wrapUpSeconds: 0 });
    }
  }
  return null;
}

/**
 * The floor of this machine for one HTTP request that makes one durable write, measured in the same
 * run: (1) a bare node:http server (no framework) answering a small JSON body — its CPU per request;
 * (2) the node-postgres client on one connection running `UPDATE … WHERE id = $1` (a prepared,
 * autocommitted one-row write, the least a request that must not lose data can do) — the client's
 * and its backend's CPU per statement. Whatever the routing code does, a request costs at least the
 * sum; times the requests per decision, it bounds decisions/s ÷ tps without batching requests together.
 */
async function floorPerRequest(db: string): Promise<{ httpMs: number; pgClientMs: number; pgServerMs: number }> {
  const n = 3000;
  const server = spawn(process.execPath, ['-e', `require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => { const b = JSON.stringify({ ok: true, id: 'x'.repeat(36) }); r.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) }); r.end(b); }); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port: number = await new Promise((resolve) => server.stdout!.once('data', (c: Buffer) => resolve(Number(c.toString().trim()))));
  const floorAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const body = Buffer.from(JSON.stringify({ event: 'answered', channel: 'phone', callId: 'x', ts: new Date().toISOString() }));
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: floorAgent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end(body);
    });
  for (let i = 0; i < 200; i++) await one();
  const s0 = cpuSecondsOf(server.pid!);
  for (let i = 0; i < n; i++) await one();
  const httpMs = ((cpuSecondsOf(server.pid!) - s0) * 1000) / n;
  floorAgent.destroy();
  server.kill();

  const c = new pg.Client({ connectionString: urlFor(db) });
  await c.connect();
  try {
    await c.query('CREATE TABLE IF NOT EXISTS bench_floor (id int PRIMARY KEY, n bigint NOT NULL)');
    await c.query('INSERT INTO bench_floor SELECT g, 0 FROM generate_series(1, 100) g ON CONFLICT DO NOTHING');
    const pid = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const write = (i: number) => c.query({ name: 'bench_floor_write', text: 'UPDATE bench_floor SET n = n + 1 WHERE id = $1', values: [1 + (i % 100)] });
    for (let i = 0; i < 200; i++) await write(i);
    const b0 = cpuSecondsOf(pid);
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await write(i);
    const cu = process.cpuUsage(c0);
    const pgServerMs = ((cpuSecondsOf(pid) - b0) * 1000) / n;
    await c.query('DROP TABLE bench_floor');
    return { httpMs, pgClientMs: (cu.user + cu.system) / 1000 / n, pgServerMs };
  } finally {
    await c.end();
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by the process `pid` (Linux /proc), 0 when unreadable. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return 0;
  }
}

/** The PostgreSQL backends serving database `db` (their process title names it). */
function backendPids(db: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(` ${db} `)) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

/** CPU seconds used so far by each PostgreSQL backend serving database `db`. */
function postgresCpuByPid(db: string): Map<number, number> {
  return new Map(backendPids(db).map((pid) => [pid, cpuSecondsOf(pid)]));
}

/** CPU seconds the backends in `now` used since `before`, in all or only `pids` (a backend that exited meanwhile is left out, one that started meanwhile counts from 0, never negative). */
function postgresCpuBetween(before: Map<number, number>, now: Map<number, number>, pids?: number[]): number {
  let sum = 0;
  for (const pid of pids ?? now.keys()) if (now.has(pid)) sum += now.get(pid)! - (before.get(pid) ?? 0);
  return sum;
}

/** CPU used by the API processes, PostgreSQL's backends of `db` and this load generator, robust to a shared machine's load. */
function cpuMeter(apis: ChildProcess[], db: string): () => { apiMs: number; pgMs: number; clientMs: number; apiCores: number; pgMsOf: (pids: number[]) => number } {
  const wall0 = performance.now();
  const api0 = apis.reduce((sum, a) => sum + cpuSecondsOf(a.pid!), 0);
  const pg0 = postgresCpuByPid(db);
  const client0 = process.cpuUsage();
  return () => {
    const seconds = (performance.now() - wall0) / 1000;
    const api = apis.reduce((sum, a) => sum + cpuSecondsOf(a.pid!), 0) - api0;
    const client = process.cpuUsage(client0);
    const pgNow = postgresCpuByPid(db);
    return {
      apiMs: api * 1000, pgMs: postgresCpuBetween(pg0, pgNow) * 1000, clientMs: (client.user + client.system) / 1000, apiCores: api / seconds,
      /** The part of pgMs that these backends used (those that lived through the whole measurement). */
      pgMsOf: (pids) => postgresCpuBetween(pg0, pgNow, pids.filter((pid) => pg0.has(pid))) * 1000,
    };
  };
}

/** The backends of the report roll-up thread (their application_name), whose CPU the closed loop's figures show apart. */
async function rollupBackends(db: string): Promise<number[]> {
  return (await rowsOf<{ pid: number }>(db, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'vuoro-report-rollups'`)).map((r) => r.pid);
}

/** The server's current write-ahead log position (server-wide: nothing else writes during a bench). */
async function walPosition(db: string): Promise<string> {
  return (await rowsOf<{ lsn: string }>(db, 'SELECT pg_current_wal_lsn()::text AS lsn'))[0].lsn;
}

async function walBytesSince(db: string, from: string): Promise<number> {
  return Number((await rowsOf<{ bytes: string }>(db, 'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn) AS bytes', [from]))[0].bytes);
}

/** The report roll-up job runs in the API unless REPORT_JOBS=false (it is passed on to the API processes). */
const REPORT_JOBS = process.env.REPORT_JOBS !== 'false';

/**
 * Whether the report roll-up job has timeline events or agent-state spans left to read (beyond its
 * feeds' watermarks). EXISTS, not count(*): this connection is one of the bench database's backends,
 * so its CPU is counted with the service's while it polls (count(*) over a backlog took ~15 ms a call).
 */
async function reportBacklog(db: string): Promise<boolean> {
  const rows = await rowsOf<{ left: boolean }>(
    db,
    `SELECT EXISTS (SELECT 1 FROM contact_events WHERE id > COALESCE((SELECT watermark FROM report_feeds WHERE name = 'contact-events'), 0))
         OR EXISTS (SELECT 1 FROM report_agent_states WHERE id > COALESCE((SELECT watermark FROM report_feeds WHERE name = 'agent-states'), 0)) AS left`,
  );
  return rows[0].left === true;
}

/** Waits until the report roll-up job has read everything written so far (or `limitSeconds` pass); the seconds it took, or null at the limit. */
async function reportsCaughtUp(db: string, limitSeconds: number): Promise<number | null> {
  const t0 = performance.now();
  while (await reportBacklog(db)) {
    if (performance.now() - t0 > limitSeconds * 1000) return null;
    await new Promise((r) => setTimeout(r, 250));
  }
  return (performance.now() - t0) / 1000;
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

async function closedLoop(w: World, seconds: number, clients: number): Promise<{ rate: number; lat: number[]; flows: number }> {
  const lat: number[] = [];
  let flows = 0;
  const until = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const ms = await flow(w, Math.random());
        flows++;
        if (ms !== null) lat.push(ms);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return { rate: lat.length / elapsed, lat: lat.sort((a, b) => a - b), flows };
}

/** Starts flows at a fixed rate of routing decisions per second (the mix scaled accordingly). */
async function openLoop(w: World, seconds: number, decisionsPerSecond: number): Promise<{ rate: number; lat: number[] }> {
  const flowsPerSecond = decisionsPerSecond / PHONE_SHARE;
  const lat: number[] = [];
  const timeline: [number, number][] = [];
  const pending: Promise<void>[] = [];
  let failure: unknown;
  const start = performance.now();
  const total = Math.floor(flowsPerSecond * seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / flowsPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Caught at once (an error while later flows are still being started would otherwise be an
    // unhandled rejection that ends the process before the databases and API processes are cleaned up).
    const startedAt = performance.now() - start;
    pending.push(
      flow(w, Math.random()).then(
        (ms) => {
          if (ms === null) return;
          lat.push(ms);
          timeline.push([startedAt, ms]);
        },
        (err: unknown) => void (failure ??= err),
      ),
    );
  }
  await Promise.all(pending);
  if (failure !== undefined) throw failure;
  // BENCH_LATENCY_LOG=<file>: each decision's start (ms into the open loop) and latency, to see whether the tail comes in bursts.
  if (process.env.BENCH_LATENCY_LOG) writeFileSync(process.env.BENCH_LATENCY_LOG, `# open loop started at ${new Date(Date.now() - (performance.now() - start)).toISOString()}\n` + timeline.map(([t, ms]) => `${t.toFixed(1)} ${ms.toFixed(2)}`).join('\n') + '\n');
  return { rate: lat.length / ((performance.now() - start) / 1000), lat: lat.sort((a, b) => a - b) };
}

export async function main(): Promise<void> {
  const scratch = benchName('pgbench');
  const appDb = benchName('routing');
  const apis: ChildProcess[] = [];
  try {
    await admin(`CREATE DATABASE ${scratch}`);
    const bench = QUICK ? { tps: NaN, transactions: 0, serverMs: NaN, clientMs: NaN } : await pgbenchRun(scratch);
    const tps = bench.tps;
    await admin(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    if (!QUICK) console.log(
      `pgbench (tpcb-like, -T 10 -c 4 -j 2) on the same server: ${tps.toFixed(0)} tps; CPU per transaction: PostgreSQL backends ${bench.serverMs.toFixed(3)} ms, ` +
        `pgbench client ${bench.clientMs.toFixed(3)} ms`,
    );

    await admin(`CREATE DATABASE ${appDb}`);
    if (process.env.BENCH_LOG_SLOW_MS) await admin(`ALTER DATABASE ${appDb} SET log_min_duration_statement = ${Number(process.env.BENCH_LOG_SLOW_MS)}`);
    // Per-statement CPU (user/system, getrusage) in the server log, to find what PostgreSQL spends its CPU on.
    if (process.env.BENCH_STATEMENT_STATS === 'true') await admin(`ALTER DATABASE ${appDb} SET log_statement_stats = on`);
    // Experiments only (the recorded runs use the server's settings), e.g. BENCH_DATABASE_SETTINGS="synchronous_commit=off".
    for (const setting of (process.env.BENCH_DATABASE_SETTINGS ?? '').split(',').filter(Boolean)) {
      const m = /^([a-z_.]+)=([A-Za-z0-9_.]+)$/.exec(setting.trim());
      if (!m) throw new Error(`BENCH_DATABASE_SETTINGS: cannot use "${setting}"`);
      await admin(`ALTER DATABASE ${appDb} SET ${m[1]} = '${m[2]}'`);
      console.log(`(bench database setting for this run: ${m[1]} = ${m[2]})`);
    }
    let w: World;
    if (TARGET === 'ceiling') {
      const ceiling = await startCeiling(urlFor(appDb), 'log');
      apis.push(ceiling.child);
      w = ceiling.world;
      console.log(
        `CEILING, not the product: routing-ceiling.server.js (bare node:http, state in memory, no routing work; each changing request answered ` +
          `after one row of an index-free table is committed, rows of concurrent requests grouped into one INSERT … unnest and one commit, ` +
          `${process.env.BENCH_CEILING_FLUSHES ?? '1'} group write(s) in flight) on port ${ports[0]}`,
      );
    } else if (TARGET === 'batched') {
      // The API migrates the database and builds the world (agents, queues, presence rows), then makes way.
      const api = await startApi(urlFor(appDb), true);
      const built = await buildWorld();
      freshConnections(); // the API's graceful shutdown waits for open keep-alive sockets
      await stop(api);
      ports.length = 0;
      const batched = await startCeiling(urlFor(appDb), 'rows', built);
      apis.push(batched.child);
      w = batched.world;
      console.log(
        `BATCHED WRITE PATH, not the product: routing-ceiling.server.js with CEILING_WRITES=rows (bare node:http, state in memory, longest-idle choice; ` +
          `each request's customer, contact, reservation, timeline and presence rows written into the migrated schema, requests grouped into one ` +
          `statement and one commit, ${process.env.BENCH_CEILING_FLUSHES ?? '1'} group write(s) in flight) on port ${ports[0]}`,
      );
    } else {
      // The first instance applies the migrations, the others start on the migrated schema.
      apis.push(await startApi(urlFor(appDb), true));
      for (let i = 1; i < INSTANCES; i++) apis.push(await startApi(urlFor(appDb), false));
      console.log(`API (ROUTING_ENGINE=${ENGINE}): ${INSTANCES} instance(s) on ports ${ports.join(', ')}, ${POOL_SIZE} database connections each; requests round-robin`);
      const built = performance.now();
      w = await buildWorld();
      console.log(`(world built through the API in ${((performance.now() - built) / 1000).toFixed(1)} s)`);
    }
    console.log(
      `world: ${AGENTS} agents (phone 1, chat 3, email 5), phone/chat/email queues; mix ${Math.round(PHONE_SHARE * 100)} % phone, ${Math.round(CHAT_SHARE * 100)} % chat, ` +
        `${Math.round((1 - PHONE_SHARE - CHAT_SHARE) * 100)} % email`,
    );

    // To measure what other features' triggers on the routing tables cost (report states, survey candidates): off only on request.
    if (process.env.BENCH_WITHOUT_FEATURE_TRIGGERS === 'true') {
      await admin(`ALTER TABLE agent_presence DISABLE TRIGGER USER; ALTER TABLE contacts DISABLE TRIGGER USER`, appDb);
      console.log('(triggers of other features on agent_presence and contacts disabled for this run)');
    }
    // Experiment: what the foreign-key checks of the routing tables cost (each checked row locks its parent rows FOR KEY SHARE).
    if (process.env.BENCH_WITHOUT_FOREIGN_KEYS === 'true') {
      await admin(
        `DO $$ DECLARE r record; BEGIN FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text IN ` +
          `('contacts', 'contact_events', 'reservations', 'agent_presence', 'customers', 'report_agent_states', 'survey_candidates') ` +
          `LOOP EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname); END LOOP; END $$`,
        appDb,
      );
      console.log('(foreign keys of the routing tables dropped for this run)');
    }
    // Experiment: SQL run on the bench database once the world is built (e.g. a schema variant).
    if (process.env.BENCH_SQL) {
      await admin(process.env.BENCH_SQL, appDb);
      console.log(`(experiment SQL on the bench database: ${process.env.BENCH_SQL})`);
    }
    // pgbench -i vacuums and analyzes its tables; this server runs without autovacuum, so do the same here.
    await admin(`VACUUM (ANALYZE)`, appDb);
    await closedLoop(w, 3, CLIENTS); // warm-up
    await admin(`VACUUM (ANALYZE)`, appDb);
    // The warm-up's timelines are rolled up before measuring, so the closed loop does not pay for them.
    if (TARGET === 'api' && REPORT_JOBS && (await reportsCaughtUp(appDb, 120)) === null) console.log('(the report roll-ups had not caught up with the warm-up after 120 s)');
    // The set-up (two CREATE DATABASE, migrations, the world, the warm-up) leaves ~100 MB of dirty
    // pages in the OS cache; the kernel writes pages back 30 s after they were dirtied, in one burst,
    // and PostgreSQL's WAL flushes wait behind it: a 150-300 ms stall of every decision in flight,
    // which had landed in the open loop of every run. Written out here, before anything is measured.
    await admin('CHECKPOINT');
    execFileSync('sync');
    // The CPU the system uses with no calls at all (scheduled jobs of every feature, metrics): a
    // fixed cost per second that weighs less per decision the faster decisions come.
    const idleMeter = cpuMeter(apis, appDb);
    await new Promise((r) => setTimeout(r, 5000));
    const idle = idleMeter();
    const idleSeconds = 5;
    perOperation.clear();
    acceptCalls = 0;
    const wal0 = await walPosition(appDb);
    const meter = cpuMeter(apis, appDb);
    const full = await closedLoop(w, SECONDS, CLIENTS);
    const cpu = meter();
    console.log(
      `closed loop, ${CLIENTS} clients, ${SECONDS} s: ${full.rate.toFixed(0)} decisions/s sustained (${full.flows} flows), ` +
        `POST /v1/routing/decisions p50 ${pct(full.lat, 50).toFixed(1)} ms, p99 ${pct(full.lat, 99).toFixed(1)} ms`,
    );
    if (process.env.BENCH_DETAIL === 'true') {
      for (const [op, l] of perOperation) {
        l.sort((a, b) => a - b);
        console.log(`  ${op}: n ${l.length}, p50 ${pct(l, 50).toFixed(1)} ms, p99 ${pct(l, 99).toFixed(1)} ms`);
      }
    }
    const decisions = full.lat.length;
    const perDecision = (ms: number) => (ms / decisions).toFixed(2);
    console.log(
      `CPU per decision (whole mix, per decision): API ${perDecision(cpu.apiMs)} ms, PostgreSQL backends ${perDecision(cpu.pgMs)} ms, ` +
        `load generator ${perDecision(cpu.clientMs)} ms; API processes used ${cpu.apiCores.toFixed(2)} cores; machine load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`,
    );
    const rollupPids = TARGET === 'api' ? await rollupBackends(appDb) : [];
    if (rollupPids.length) console.log(`  of the PostgreSQL backends' CPU, the report roll-up thread's ${rollupPids.length} connections: ${perDecision(cpu.pgMsOf(rollupPids))} ms per decision`);
    // On an idle machine both runs are CPU-bound on the same cores: the rates' ratio is the inverse of the CPU each unit takes.
    const serverRatio = (bench.serverMs + bench.clientMs) / ((cpu.apiMs + cpu.pgMs) / decisions);
    const allRatio = (bench.serverMs + bench.clientMs) / ((cpu.apiMs + cpu.pgMs + cpu.clientMs) / decisions);
    if (!QUICK) console.log(
      `CPU ratio (pgbench backends + client per transaction ÷ API + PostgreSQL per decision): ${serverRatio.toFixed(2)}; ` +
        `including the load generator: ${allRatio.toFixed(2)} (the decisions/s ÷ tps to expect on an idle machine)`,
    );
    const backgroundMs = ((idle.apiMs + idle.pgMs) / idleSeconds) * (SECONDS / decisions);
    const marginalRatio = (bench.serverMs + bench.clientMs) / Math.max((cpu.apiMs + cpu.pgMs) / decisions - backgroundMs, 0.001);
    console.log(
      `with no load the API used ${(idle.apiMs / idleSeconds).toFixed(0)} ms and PostgreSQL ${(idle.pgMs / idleSeconds).toFixed(0)} ms of CPU per second ` +
        `(${backgroundMs.toFixed(2)} ms per decision at this rate)` + (QUICK ? '' : `; CPU ratio without that fixed cost: ${marginalRatio.toFixed(2)}`),
    );
    if (TARGET === 'api' && REPORT_JOBS) {
      // The report roll-up job reads the timelines behind the load: its work for this loop's contacts
      // is only done when it has caught up, so the CPU per decision is given again including that.
      const drain = cpuMeter(apis, appDb);
      const seconds = await reportsCaughtUp(appDb, 300);
      const d = drain();
      console.log(
        seconds === null
          ? '(the report roll-ups had not caught up 300 s after the closed loop)'
          : `report roll-ups caught up ${seconds.toFixed(1)} s after the closed loop; CPU per decision including that catch-up: ` +
              `API ${perDecision(cpu.apiMs + d.apiMs)} ms, PostgreSQL backends ${perDecision(cpu.pgMs + d.pgMs)} ms`,
      );
    }
    // The write-ahead log the loop produced (with the roll-ups' catch-up): a count of the work written, steady where CPU times are not.
    if (process.env.BENCH_WAL_RANGE === 'true') console.log(`WAL range ${wal0} ${(await walPosition(appDb))}`);
    console.log(`WAL per decision: ${((await walBytesSince(appDb, wal0)) / decisions / 1024).toFixed(1)} KiB`);
    if (QUICK && OPEN_RATE === undefined) return;
    if (!QUICK) {
      console.log(`ratio decisions/s ÷ pgbench tps: ${(full.rate / tps).toFixed(2)} (target ≥ 0.5)`);
      const requests = [...perOperation.values()].reduce((sum, l) => sum + l.length, 0) + acceptCalls;
      const floor = await floorPerRequest(appDb);
      const floorPerDecision = (requests / decisions) * (floor.httpMs + floor.pgClientMs + floor.pgServerMs);
      console.log(
        `floor on this machine, per request with one durable write: bare node:http ${floor.httpMs.toFixed(3)} ms + node-postgres client ${floor.pgClientMs.toFixed(3)} ms + ` +
          `its backend ${floor.pgServerMs.toFixed(3)} ms; × ${(requests / decisions).toFixed(2)} requests per decision = ${floorPerDecision.toFixed(2)} ms of CPU per decision, ` +
          `so without batching requests together the CPU ratio cannot exceed ${((bench.serverMs + bench.clientMs) / floorPerDecision).toFixed(2)}`,
      );
    }
    freshConnections();
    const offered = OPEN_RATE ?? full.rate / 2;
    const half = await openLoop(w, SECONDS, offered);
    console.log(
      `open loop at ${OPEN_RATE ? 'BENCH_OPEN_RATE' : 'half of that'} (${offered.toFixed(0)} decisions/s offered, ${half.rate.toFixed(0)} achieved): ` +
        `p50 ${pct(half.lat, 50).toFixed(1)} ms, p99 ${pct(half.lat, 99).toFixed(1)} ms (target p99 ≤ 20 ms)`,
    );
    if (QUICK) return;
    if (tps / 4 > full.rate) {
      console.log(`open loop at half of the target rate (0.25 × pgbench = ${(tps / 4).toFixed(0)} decisions/s): not attempted, above the sustained rate`);
    } else {
      const quarter = await openLoop(w, SECONDS, tps / 4);
      console.log(
        `open loop at half of the target rate (0.25 × pgbench = ${(tps / 4).toFixed(0)} decisions/s offered, ${quarter.rate.toFixed(0)} achieved): ` +
          `p50 ${pct(quarter.lat, 50).toFixed(1)} ms, p99 ${pct(quarter.lat, 99).toFixed(1)} ms`,
      );
    }
    // pgbench again, with the API stopped: on a shared host one 10-second reading moved by 2× within an
    // hour (session 25: 816-1,759 tps), and a ratio against a slow moment flatters the product. The
    // ratio is also given against the faster of the two readings, the conservative figure.
    client.destroy();
    await Promise.all(apis.map(stop));
    apis.length = 0;
    await admin(`CREATE DATABASE ${scratch}`);
    const again = await pgbenchRun(scratch);
    await admin(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    const fastest = Math.max(tps, again.tps);
    console.log(
      `pgbench again after the loops (API stopped): ${again.tps.toFixed(0)} tps; ratio decisions/s ÷ the faster pgbench reading (${fastest.toFixed(0)} tps): ` +
        `${(full.rate / fastest).toFixed(2)} (target ≥ 0.5)`,
    );
  } finally {
    client.destroy(); // close keep-alive sockets first, or the API's graceful shutdown waits for them
    await Promise.all(apis.map(stop));
    if (process.env.BENCH_KEEP_DATABASE === 'true') console.log(`kept database ${appDb}`);
    else await admin(`DROP DATABASE IF EXISTS ${appDb} WITH (FORCE)`);
    await admin(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
