/**
 * The most favourable server the routing benchmark's load could meet on this machine — an upper bound,
 * not a product. `BENCH_TARGET=ceiling npm run bench:routing` runs it in place of the API.
 *
 * It answers the same telephony, contact and agent requests of the benchmark's flows with the same
 * shapes, but does none of the routing work: no eligibility, no priorities, no locks, no timeline, no
 * explanation, no framework (bare node:http). Its state lives in memory (one process). The only thing
 * it keeps of a real service is that a request that changes something is answered after its change is
 * durable: every such request appends one row to an append-only, index-free table, and the rows of all
 * requests that arrive while a write is in flight go in the next write — one `INSERT … SELECT FROM
 * unnest(…)` and one commit for the whole group (group commit; no added wait when idle).
 *
 * Any implementation that answers the same requests only after their effect is durable does at least
 * this work, so the decisions/s this server sustains next to pgbench bounds the ratio any routing
 * engine could reach on this machine with this load generator.
 *
 * Environment: DATABASE_URL, CEILING_KEY (the bearer key clients must send), CEILING_AGENTS (comma-separated
 * agent ids), CEILING_FLUSHES (group writes in flight at once, default 1). Prints its port on stdout.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';

const key = `Bearer ${process.env.CEILING_KEY ?? ''}`;
const agents = (process.env.CEILING_AGENTS ?? '').split(',').filter(Boolean);
const maxFlushes = Number(process.env.CEILING_FLUSHES ?? 1);
if (!process.env.DATABASE_URL || !agents.length || !(maxFlushes >= 1)) throw new Error('DATABASE_URL, CEILING_AGENTS and CEILING_FLUSHES ≥ 1 are required');

interface Pending {
  kind: string;
  body: string;
  done: (err?: Error) => void;
}
const clients: pg.Client[] = [];
const idle: pg.Client[] = [];
let queue: Pending[] = [];

/** Writes the waiting rows in one statement and one commit, then answers their requests. */
function flush(): void {
  if (!queue.length || !idle.length) return;
  const client = idle.pop()!;
  const batch = queue;
  queue = [];
  client
    .query({ name: 'ceiling_append', text: 'INSERT INTO ceiling_log (kind, body) SELECT * FROM unnest($1::text[], $2::text[])', values: [batch.map((p) => p.kind), batch.map((p) => p.body)] })
    .then(
      () => batch.forEach((p) => p.done()),
      (err: Error) => batch.forEach((p) => p.done(err)),
    )
    .finally(() => {
      idle.push(client);
      flush();
    });
}

function durable(kind: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    queue.push({ kind, body, done: (err) => (err ? reject(err) : resolve()) });
    flush();
  });
}

// In-memory state: decisions by callId (idempotency), open offers by agent.
const decisions = new Map<string, unknown>();
const offers = new Map<string, { offerId: string; contactId: string; status: string }[]>();
let nextAgent = 0;

function send(res: http.ServerResponse, status: number, value: unknown): void {
  const b = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) });
  res.end(b);
}

async function handle(method: string, url: string, text: string): Promise<[number, unknown]> {
  const body = text ? (JSON.parse(text) as Record<string, string>) : {};
  if (method === 'POST' && url === '/v1/routing/decisions') {
    const known = decisions.get(body.callId);
    if (known) return [200, known];
    const agentId = agents[nextAgent++ % agents.length];
    const d = { decisionId: randomUUID(), decision: 'agent', agentId, target: `sip:${agentId}@pbx.example.com` };
    decisions.set(body.callId, d);
    await durable('decision', text);
    return [200, d];
  }
  if (method === 'POST' && url === '/v1/routing/events') {
    await durable('event', text);
    return [202, { accepted: true }];
  }
  if (method === 'POST' && url === '/v1/contacts') {
    const agentId = agents[nextAgent++ % agents.length];
    const c = { id: randomUUID(), channel: body.channel, status: 'offered', agentId };
    const list = offers.get(agentId) ?? [];
    list.push({ offerId: randomUUID(), contactId: c.id, status: 'offered' });
    offers.set(agentId, list);
    await durable('contact', text);
    return [201, c];
  }
  const m = /^\/v1\/agents\/([^/]+)\/(offers|contacts)(?:\/([^/]+)\/(accept|complete))?$/.exec(url);
  if (m && method === 'GET' && m[2] === 'offers' && !m[3]) return [200, offers.get(m[1]) ?? []];
  if (m && method === 'POST' && m[4] === 'accept') {
    const list = offers.get(m[1]) ?? [];
    const offer = list.find((o) => o.offerId === m[3]);
    if (!offer) return [409, { message: 'no such offer' }];
    offers.set(
      m[1],
      list.filter((o) => o !== offer),
    );
    await durable('accept', m[3]);
    return [200, { contactId: offer.contactId, status: 'accepted' }];
  }
  if (m && method === 'POST' && m[4] === 'complete') {
    await durable('complete', text || m[3]);
    return [200, { id: m[3], status: 'completed' }];
  }
  return [404, { message: `no route ${method} ${url}` }];
}

async function main(): Promise<void> {
  for (let i = 0; i < maxFlushes; i++) {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    clients.push(c);
    idle.push(c);
  }
  await clients[0].query('CREATE TABLE IF NOT EXISTS ceiling_log (kind text NOT NULL, body text NOT NULL)');
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== key) {
      req.resume();
      send(res, 401, { message: 'unauthorised' });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req.method ?? 'GET', req.url ?? '/', Buffer.concat(chunks).toString('utf8')).then(
        ([status, value]) => send(res, status, value),
        (err: Error) => send(res, 500, { message: err.message }),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(JSON.stringify({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` }));
  });
  process.on('SIGTERM', () => {
    server.close();
    void Promise.all(clients.map((c) => c.end())).then(() => process.exit(0));
  });
}

void main();
