/**
 * `npm run bench:routing`: the live routing engine on the local PostgreSQL server.
 *
 * 1. pgbench's default (tpcb-like) workload on a scratch database (`pgbench -i`, then
 *    `pgbench -T 10 -c 4 -j 2`) gives the server's reference rate in this run.
 * 2. The API (dist/apps/api/src/main.js) runs as a child process on a fresh database whose name
 *    contains "bench", with 200 agents (phone 1, chat 3, email 5) in one department and phone, chat
 *    and email queues. Virtual clients loop over a mixed flow: 70 % phone (decision → answered →
 *    ended, or abandoned when queued), 20 % chat and 10 % email (hand in → accept → complete).
 * 3. Closed loop at full speed: sustained POST /v1/routing/decisions per second and p50/p99.
 *    Open loop at half of that rate: p50/p99 of the same operation.
 * Both databases are dropped at the end. Environment: BENCH_DATABASE_ADMIN_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_SECONDS (default 15), BENCH_CLIENTS (default 16),
 * BENCH_API_NODE_ARGS (extra node flags for the API process, e.g. `--cpu-prof`), BENCH_KEEP_DATABASE=true.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const AGENTS = 200;
const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;

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

function benchName(kind: string): string {
  const name = `vuoro_bench_${kind}_${randomBytes(3).toString('hex')}`;
  if (!/bench/.test(name) || !/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  return name;
}

function pgbenchTps(db: string): number {
  const u = new URL(urlFor(db));
  const args = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  execFileSync('pgbench', [...args, '-i', '-q', db], { stdio: 'pipe', env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } });
  const out = execFileSync('pgbench', [...args, '-T', '10', '-c', '4', '-j', '2', db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } });
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
  if (!m) throw new Error(`could not read pgbench's tps from:\n${out}`);
  return Number(m[1]);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let port = 0;

function call(method: string, path: string, body?: unknown, key = ADMIN_KEY): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: { authorization: `Bearer ${key}`, ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
        });
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/** Latencies per operation (method and path with ids removed), for BENCH_DETAIL=true. */
const perOperation = new Map<string, number[]>();

async function ok(method: string, path: string, body?: unknown, key?: string): Promise<any> {
  const t0 = performance.now();
  const res = await call(method, path, body, key);
  const op = `${method} ${path.replace(/[0-9a-f-]{36}/g, '{id}')}${path === '/v1/routing/events' ? ` ${(body as { event: string }).event}` : ''}`;
  (perOperation.get(op) ?? perOperation.set(op, []).get(op)!).push(performance.now() - t0);
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function startApi(dbUrl: string): Promise<ChildProcess> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'apps/api/src/main.js')], {
    env: { ...process.env, DATABASE_URL: dbUrl, ADMIN_API_KEY: ADMIN_KEY, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'log', LOG_FORMAT: 'json', DATABASE_POOL_SIZE: '20', SEED_DEMO_DATA: 'never' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      const m = /"url":"http:\/\/[^:]+:(\d+)"/.exec(buf);
      if (m && !port) {
        port = Number(m[1]);
        resolve(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`API exited with ${code}`)));
    setTimeout(() => reject(new Error('API did not start in 60 s')), 60_000).unref();
  });
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
  for (const q of [phoneQueue, chatQueue, emailQueue]) await ok('PUT', `/v1/queues/${q}/routing-settings`, { wrapUpSeconds: 0, meanHandleSeconds: 180, callbackThresholdSeconds: 120 });
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
  if (pick < 0.7) {
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
  const channel = pick < 0.9 ? 'chat' : 'email';
  const c = await ok('POST', '/v1/contacts', { channel, queueId: channel === 'chat' ? w.chatQueue : w.emailQueue, customerRef: `${channel}-${n % 3000}`, language: 'fi' }, w.telephonyKey);
  if (c.status === 'offered' && c.agentId) {
    const offers = (await ok('GET', `/v1/agents/${c.agentId}/offers`)) as { offerId: string; contactId: string; status: string }[];
    const offer = offers.find((o) => o.contactId === c.id && o.status === 'offered');
    if (offer) {
      const res = await call('POST', `/v1/agents/${c.agentId}/offers/${offer.offerId}/accept`);
      if (res.status === 200) await ok('POST', `/v1/agents/${c.agentId}/contacts/${c.id}/complete`, { wrapUpSeconds: 0 });
    }
  }
  return null;
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
  const flowsPerSecond = decisionsPerSecond / 0.7;
  const lat: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.floor(flowsPerSecond * seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / flowsPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(flow(w, Math.random()).then((ms) => void (ms !== null && lat.push(ms))));
  }
  await Promise.all(pending);
  return { rate: lat.length / ((performance.now() - start) / 1000), lat: lat.sort((a, b) => a - b) };
}

export async function main(): Promise<void> {
  const scratch = benchName('pgbench');
  const appDb = benchName('routing');
  let api: ChildProcess | null = null;
  try {
    await admin(`CREATE DATABASE ${scratch}`);
    const tps = pgbenchTps(scratch);
    await admin(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    console.log(`pgbench (tpcb-like, -T 10 -c 4 -j 2) on the same server: ${tps.toFixed(0)} tps`);

    await admin(`CREATE DATABASE ${appDb}`);
    if (process.env.BENCH_LOG_SLOW_MS) await admin(`ALTER DATABASE ${appDb} SET log_min_duration_statement = ${Number(process.env.BENCH_LOG_SLOW_MS)}`);
    api = await startApi(urlFor(appDb));
    const built = performance.now();
    const w = await buildWorld();
    console.log(`(world built through the API in ${((performance.now() - built) / 1000).toFixed(1)} s)`);
    console.log(`world: ${AGENTS} agents (phone 1, chat 3, email 5), phone/chat/email queues; mix 70 % phone, 20 % chat, 10 % email`);

    await closedLoop(w, 3, CLIENTS); // warm-up
    perOperation.clear();
    const full = await closedLoop(w, SECONDS, CLIENTS);
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
    console.log(`ratio decisions/s ÷ pgbench tps: ${(full.rate / tps).toFixed(2)} (target ≥ 0.5)`);
    const half = await openLoop(w, SECONDS, full.rate / 2);
    console.log(
      `open loop at half of that (${(full.rate / 2).toFixed(0)} decisions/s offered, ${half.rate.toFixed(0)} achieved): ` +
        `p50 ${pct(half.lat, 50).toFixed(1)} ms, p99 ${pct(half.lat, 99).toFixed(1)} ms (target p99 ≤ 20 ms)`,
    );
    if (tps / 4 > full.rate) {
      console.log(`open loop at half of the target rate (0.25 × pgbench = ${(tps / 4).toFixed(0)} decisions/s): not attempted, above the sustained rate`);
      return;
    }
    const quarter = await openLoop(w, SECONDS, tps / 4);
    console.log(
      `open loop at half of the target rate (0.25 × pgbench = ${(tps / 4).toFixed(0)} decisions/s offered, ${quarter.rate.toFixed(0)} achieved): ` +
        `p50 ${pct(quarter.lat, 50).toFixed(1)} ms, p99 ${pct(quarter.lat, 99).toFixed(1)} ms`,
    );
  } finally {
    agent.destroy(); // close keep-alive sockets first, or the API's graceful shutdown waits for them
    if (api && api.exitCode === null) {
      const exited = new Promise((r) => api!.once('exit', r));
      api.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (api.exitCode === null) api.kill('SIGKILL');
    }
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
