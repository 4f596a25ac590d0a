/**
 * Measurement servers for `npm run bench:routing` — not the product. They answer the benchmark's
 * telephony, contact and agent requests with the shapes its flows need, from state held in memory in
 * one process (bare node:http, no framework), and answer a request that changes something only after
 * its change is durable. The changes of all requests that arrive while a write is in flight go into
 * the next write: one statement and one commit for the group (group commit; no added wait when idle).
 *
 * - `CEILING_WRITES=log` (`BENCH_TARGET=ceiling`): the least any service can do — one row per request
 *   appended to an index-free table; no routing work at all. Any engine that makes each request durable
 *   before answering does at least this, so its rate bounds every implementation on this machine.
 * - `CEILING_WRITES=rows` (`BENCH_TARGET=batched`): the write path of the planned in-memory engine —
 *   the agent is chosen in memory (longest idle among those with room on the channel), and every
 *   request writes the rows Vuoro's engine writes today, into the real migrated schema with its
 *   indexes, constraints and triggers: customer, contact, reservation, timeline events and agent
 *   presence, as one statement of data-modifying CTEs over `unnest` arrays per group.
 *
 * Environment: DATABASE_URL, CEILING_KEY (bearer key clients send), CEILING_AGENTS (comma-separated agent
 * ids), CEILING_QUEUES ("phone,chat,email" queue ids; rows mode), CEILING_WRITES (log | rows),
 * CEILING_FLUSHES (group writes in flight at once, default 1). Prints `{"url": …}` on stdout.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';

const key = `Bearer ${process.env.CEILING_KEY ?? ''}`;
const agentIds = (process.env.CEILING_AGENTS ?? '').split(',').filter(Boolean);
const [phoneQueue, chatQueue, emailQueue] = (process.env.CEILING_QUEUES ?? '').split(',');
const mode = process.env.CEILING_WRITES ?? 'log';
const maxFlushes = Number(process.env.CEILING_FLUSHES ?? 1);
/** rows mode, leaner data model (experiment): no reservation rows (the timeline carries the reservation id), contacts written on arrival and end only. */
const lean = process.env.CEILING_LEAN === 'true';
if (!process.env.DATABASE_URL || !agentIds.length || !(maxFlushes >= 1) || (mode !== 'log' && mode !== 'rows') || (mode === 'rows' && !emailQueue))
  throw new Error('DATABASE_URL, CEILING_AGENTS, CEILING_WRITES log|rows (rows: CEILING_QUEUES) and CEILING_FLUSHES ≥ 1 are required');

// ------------------------------------------------------------------ in-memory state

type Channel = 'phone' | 'chat' | 'email';
interface Agent {
  id: string;
  state: string;
  load: Record<Channel, number>;
  capacity: Record<Channel, number>;
  stateSince: Date;
  idleSince: Date;
}
interface Contact {
  id: string;
  channel: Channel;
  status: string;
  queueId: string;
  callId: string | null;
  decisionId: string;
  decision: unknown;
  customerId: string | null;
  customerRef: string | null;
  callerName: string | null;
  calledNumber: string | null;
  language: string | null;
  arrivedAt: Date;
  deadline: Date;
  agentId: string | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  explanation: unknown;
  reservation: Reservation | null;
}
interface Reservation {
  id: string;
  contactId: string;
  agentId: string;
  channel: Channel;
  status: string;
  offeredAt: Date;
  expiresAt: Date;
  resolvedAt: Date | null;
}
interface TimelineEvent {
  contactId: string;
  at: Date;
  type: string;
  agentId: string | null;
  reservationId: string | null;
  detail: unknown;
}

const start = new Date();
const agents = new Map<string, Agent>(
  agentIds.map((id) => [id, { id, state: 'available', load: { phone: 0, chat: 0, email: 0 }, capacity: { phone: 1, chat: 3, email: 5 }, stateSince: start, idleSince: start }]),
);
const contacts = new Map<string, Contact>();
const byCallId = new Map<string, Contact>();
const customers = new Map<string, string>();

// ------------------------------------------------------------------ group commit

/** The changes one request makes (rows mode) or its one log row (log mode). */
interface Change {
  log?: [string, string];
  newCustomer?: [string, string];
  lastAgent?: [string, string, Date];
  contacts: Contact[];
  events: TimelineEvent[];
  agents: Agent[];
}
interface Pending {
  change: Change;
  done: (err?: Error) => void;
}
const clients: pg.Client[] = [];
const idle: pg.Client[] = [];
let queue: Pending[] = [];

const LOG_SQL = 'INSERT INTO ceiling_log (kind, body) SELECT * FROM unnest($1::text[], $2::text[])';
const ROWS_SQL = `WITH
  cu AS (INSERT INTO customers (id, phone_number) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT (phone_number) DO NOTHING RETURNING 1),
  co AS (
    INSERT INTO contacts (id, channel, kind, status, queue_id, call_id, decision_id, decision, customer_id, customer_ref, caller_name, called_number,
      language, arrived_at, deadline, priority_boost_seconds, excluded_agent_ids, offer_attempts, agent_id, answered_at, ended_at, end_reason, explanation)
    SELECT x.id, x.channel, 'inbound', x.status, x.queue_id, x.call_id, x.decision_id, x.decision::jsonb, x.customer_id, x.customer_ref, x.caller_name,
      x.called_number, x.language, x.arrived_at, x.deadline, 0, '{}', 1, x.agent_id, x.answered_at, x.ended_at, x.end_reason, x.explanation::jsonb
    FROM unnest($3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::uuid[], $9::text[], $10::uuid[], $11::text[], $12::text[], $13::text[],
      $14::text[], $15::timestamptz[], $16::timestamptz[], $17::uuid[], $18::timestamptz[], $19::timestamptz[], $20::text[], $21::text[])
      AS x(id, channel, status, queue_id, call_id, decision_id, decision, customer_id, customer_ref, caller_name, called_number, language, arrived_at,
        deadline, agent_id, answered_at, ended_at, end_reason, explanation)
    ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, agent_id = EXCLUDED.agent_id, answered_at = EXCLUDED.answered_at,
      ended_at = EXCLUDED.ended_at, end_reason = EXCLUDED.end_reason, updated_at = now()
    RETURNING 1),
  re AS (
    INSERT INTO reservations (id, contact_id, agent_id, channel, status, offered_at, expires_at, resolved_at)
    SELECT * FROM unnest($22::uuid[], $23::uuid[], $24::uuid[], $25::text[], $26::text[], $27::timestamptz[], $28::timestamptz[], $29::timestamptz[])
    ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, resolved_at = EXCLUDED.resolved_at
    RETURNING 1),
  ev AS (
    INSERT INTO contact_events (contact_id, at, type, agent_id, reservation_id, detail)
    SELECT x.c, x.a, x.t, x.ag, x.r, x.d::jsonb FROM unnest($30::uuid[], $31::timestamptz[], $32::text[], $33::uuid[], $34::uuid[], $35::text[]) AS x(c, a, t, ag, r, d)
    RETURNING 1),
  pr AS (
    UPDATE agent_presence p SET state = u.state, phone_load = u.pl, chat_load = u.cl, email_load = u.el, state_since = u.ss, idle_since = u.isn, updated_at = now()
    FROM unnest($36::uuid[], $37::text[], $38::int[], $39::int[], $40::int[], $41::timestamptz[], $42::timestamptz[]) AS u(id, state, pl, cl, el, ss, isn)
    WHERE p.agent_id = u.id
    RETURNING 1),
  la AS (
    UPDATE customers c SET last_agent_id = u.agent, last_contact_at = u.at FROM unnest($43::uuid[], $44::uuid[], $45::timestamptz[]) AS u(id, agent, at)
    WHERE c.id = u.id
    RETURNING 1)
  SELECT (SELECT count(*) FROM cu) + (SELECT count(*) FROM co) + (SELECT count(*) FROM re) + (SELECT count(*) FROM ev) + (SELECT count(*) FROM pr) + (SELECT count(*) FROM la) AS n`;

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

/** The parameters of ROWS_SQL for a group: each contact, reservation and agent once, in its latest state. */
function rowParams(batch: Pending[]): unknown[] {
  const cs = new Map<string, Contact>();
  const as = new Map<string, Agent>();
  const events: TimelineEvent[] = [];
  const newCustomers: [string, string][] = [];
  const lastAgents = new Map<string, [string, Date]>();
  for (const { change } of batch) {
    for (const c of change.contacts) cs.set(c.id, c);
    for (const a of change.agents) as.set(a.id, a);
    events.push(...change.events);
    if (change.newCustomer) newCustomers.push(change.newCustomer);
    if (change.lastAgent) lastAgents.set(change.lastAgent[0], [change.lastAgent[1], change.lastAgent[2]]);
  }
  const c = [...cs.values()];
  const r = lean ? [] : c.flatMap((x) => (x.reservation ? [x.reservation] : []));
  const a = [...as.values()];
  return [
    newCustomers.map((x) => x[0]), newCustomers.map((x) => x[1]),
    c.map((x) => x.id), c.map((x) => x.channel), c.map((x) => x.status), c.map((x) => x.queueId), c.map((x) => x.callId), c.map((x) => x.decisionId),
    c.map((x) => json(x.decision)), c.map((x) => x.customerId), c.map((x) => x.customerRef), c.map((x) => x.callerName), c.map((x) => x.calledNumber),
    c.map((x) => x.language), c.map((x) => x.arrivedAt), c.map((x) => x.deadline), c.map((x) => x.agentId), c.map((x) => x.answeredAt), c.map((x) => x.endedAt),
    c.map((x) => x.endReason), c.map((x) => json(x.explanation)),
    r.map((x) => x.id), r.map((x) => x.contactId), r.map((x) => x.agentId), r.map((x) => x.channel), r.map((x) => x.status), r.map((x) => x.offeredAt),
    r.map((x) => x.expiresAt), r.map((x) => x.resolvedAt),
    events.map((x) => x.contactId), events.map((x) => x.at), events.map((x) => x.type), events.map((x) => x.agentId), events.map((x) => x.reservationId),
    events.map((x) => json(x.detail)),
    a.map((x) => x.id), a.map((x) => x.state), a.map((x) => x.load.phone), a.map((x) => x.load.chat), a.map((x) => x.load.email), a.map((x) => x.stateSince),
    a.map((x) => x.idleSince),
    [...lastAgents.keys()], [...lastAgents.values()].map((x) => x[0]), [...lastAgents.values()].map((x) => x[1]),
  ];
}

/** Writes the waiting changes in one statement and one commit, then answers their requests. */
function flush(): void {
  if (!queue.length || !idle.length) return;
  const client = idle.pop()!;
  const batch = queue;
  queue = [];
  const query =
    mode === 'log'
      ? { name: 'ceiling_log', text: LOG_SQL, values: [batch.map((p) => p.change.log![0]), batch.map((p) => p.change.log![1])] }
      : { name: 'ceiling_rows', text: ROWS_SQL, values: rowParams(batch) };
  client
    .query(query)
    .then(
      () => batch.forEach((p) => p.done()),
      (err: Error) => batch.forEach((p) => p.done(err)),
    )
    .finally(() => {
      idle.push(client);
      flush();
    });
}

function durable(change: Change): Promise<void> {
  return new Promise((resolve, reject) => {
    queue.push({ change, done: (err) => (err ? reject(err) : resolve()) });
    flush();
  });
}

// ------------------------------------------------------------------ the requests

/** Longest-idle agent with room on the channel (a call excludes chats and vice versa). */
function pick(channel: Channel): Agent | null {
  let best: Agent | null = null;
  for (const a of agents.values()) {
    if (a.state === 'offline' || a.state === 'break' || a.load[channel] >= a.capacity[channel]) continue;
    if ((channel === 'phone' && a.load.chat > 0) || (channel === 'chat' && a.load.phone > 0) || (channel === 'email' && a.load.phone > 0)) continue;
    if (!best || a.idleSince < best.idleSince) best = a;
  }
  return best;
}

function setState(a: Agent, now: Date): void {
  const busy = a.load.phone + a.load.chat + a.load.email > 0;
  const next = !busy ? 'available' : a.state === 'available' ? 'reserved' : a.state;
  if (next !== a.state) {
    a.state = next;
    a.stateSince = now;
  }
  if (!busy) a.idleSince = now;
}

/** A new contact offered to the best agent (or queued), with the rows and events that records. */
function arrive(c: Contact, now: Date, change: Change): void {
  change.events.push({ contactId: c.id, at: now, type: 'queued', agentId: null, reservationId: null, detail: { queueId: c.queueId } });
  const a = pick(c.channel);
  if (a) {
    a.load[c.channel]++;
    setState(a, now);
    c.status = 'offered';
    c.agentId = a.id;
    c.reservation = { id: c.decisionId, contactId: c.id, agentId: a.id, channel: c.channel, status: 'offered', offeredAt: now, expiresAt: new Date(now.getTime() + 10_000), resolvedAt: null };
    c.explanation = { rule: 'longest-idle', step: 0, chosen: a.id, at: now };
    change.events.push({ contactId: c.id, at: now, type: 'reserved', agentId: a.id, reservationId: c.reservation.id, detail: { rule: 'longest-idle', step: 0 } });
    change.events.push({ contactId: c.id, at: now, type: 'offered', agentId: a.id, reservationId: c.reservation.id, detail: { expiresAt: c.reservation.expiresAt } });
    change.agents.push(a);
  }
  change.contacts.push(c);
}

/** Ends a contact (ended, completed, abandoned) and releases its agent. */
function end(c: Contact, now: Date, status: string, reason: string, change: Change): void {
  c.status = status;
  c.endedAt = now;
  c.endReason = reason;
  change.events.push({ contactId: c.id, at: now, type: status === 'abandoned' ? 'abandoned' : reason, agentId: c.agentId, reservationId: c.reservation?.id ?? null, detail: null });
  if (c.reservation) {
    c.reservation.status = status === 'abandoned' ? 'cancelled' : 'completed';
    c.reservation.resolvedAt = now;
    const a = agents.get(c.reservation.agentId)!;
    a.load[c.channel]--;
    setState(a, now);
    change.agents.push(a);
    if (c.customerId) change.lastAgent = [c.customerId, a.id, now];
  }
  change.contacts.push(c);
  contacts.delete(c.id);
}

function connect(c: Contact, now: Date, type: string, change: Change): void {
  c.status = 'connected';
  c.answeredAt = now;
  const a = agents.get(c.agentId!)!;
  c.reservation!.status = 'accepted';
  if (a.state !== 'busy') {
    a.state = 'busy';
    a.stateSince = now;
  }
  change.events.push({ contactId: c.id, at: now, type, agentId: a.id, reservationId: c.reservation!.id, detail: null });
  if (!lean) change.contacts.push(c);
  change.agents.push(a);
}

const newChange = (): Change => ({ contacts: [], events: [], agents: [] });
const logChange = (kind: string, body: string): Change => ({ ...newChange(), log: [kind, body] });

function newContact(channel: Channel, queueId: string, now: Date, over: Partial<Contact>): Contact {
  const c: Contact = {
    id: randomUUID(), channel, status: 'queued', queueId, callId: null, decisionId: randomUUID(), decision: null, customerId: null, customerRef: null,
    callerName: null, calledNumber: null, language: null, arrivedAt: now, deadline: new Date(now.getTime() + 30_000), agentId: null, answeredAt: null,
    endedAt: null, endReason: null, explanation: null, reservation: null, ...over,
  };
  contacts.set(c.id, c);
  return c;
}

async function handle(method: string, url: string, text: string): Promise<[number, unknown]> {
  const body = text ? (JSON.parse(text) as Record<string, string>) : {};
  const now = new Date();
  if (method === 'POST' && url === '/v1/routing/decisions') {
    const known = byCallId.get(body.callId);
    if (known) return [200, known.decision];
    if (mode === 'log') {
      const agentId = agentIds[Math.floor(Math.random() * agentIds.length)];
      const d = { decisionId: randomUUID(), decision: 'agent', agentId, target: `sip:${agentId}@pbx.example.com` };
      byCallId.set(body.callId, { decision: d } as Contact);
      await durable(logChange('decision', text));
      return [200, d];
    }
    const change = newChange();
    let customerId = body.callerId ? (customers.get(body.callerId) ?? null) : null;
    if (body.callerId && !customerId) {
      customerId = randomUUID();
      customers.set(body.callerId, customerId);
      change.newCustomer = [customerId, body.callerId];
    }
    const c = newContact('phone', phoneQueue, now, { callId: body.callId, customerId, callerName: body.callerName || null, calledNumber: body.calledNumber, language: body.language || 'fi' });
    arrive(c, now, change);
    c.decision = c.agentId
      ? { decisionId: c.decisionId, decision: 'agent', agentId: c.agentId, target: `sip:${c.agentId}@pbx.example.com` }
      : { decisionId: c.decisionId, decision: 'queue', queueId: c.queueId, position: 1, estimatedWaitSeconds: 30 };
    byCallId.set(body.callId, c);
    await durable(change);
    return [200, c.decision];
  }
  if (method === 'POST' && url === '/v1/routing/events') {
    if (mode === 'log') {
      await durable(logChange('event', text));
      return [202, { accepted: true }];
    }
    const c = byCallId.get(body.callId);
    if (!c?.status) return [202, { accepted: true, applied: false }];
    const change = newChange();
    if (body.event === 'answered' && c.status === 'offered') connect(c, now, 'answered', change);
    else if (body.event === 'ended' && c.status === 'connected') end(c, now, 'ended', 'ended', change);
    else if ((body.event === 'abandoned' || body.event === 'ended') && (c.status === 'queued' || c.status === 'offered')) end(c, now, 'abandoned', 'abandoned', change);
    else return [202, { accepted: true, applied: false }];
    await durable(change);
    return [202, { accepted: true, applied: true }];
  }
  if (method === 'POST' && url === '/v1/contacts') {
    const channel = body.channel as Channel;
    const c = newContact(channel, channel === 'chat' ? chatQueue : emailQueue, now, { customerRef: body.customerRef, language: body.language, deadline: new Date(now.getTime() + (channel === 'chat' ? 60_000 : 28_800_000)) });
    if (mode === 'log') {
      c.agentId = agentIds[Math.floor(Math.random() * agentIds.length)];
      c.status = 'offered';
      c.reservation = { id: randomUUID() } as Reservation;
      await durable(logChange('contact', text));
    } else {
      const change = newChange();
      arrive(c, now, change);
      await durable(change);
    }
    return [201, { id: c.id, channel, status: c.status, agentId: c.agentId }];
  }
  const m = /^\/v1\/agents\/([^/]+)\/(offers|contacts)(?:\/([^/]+)\/(accept|complete))?$/.exec(url);
  if (m && method === 'GET' && m[2] === 'offers' && !m[3]) {
    const open = [...contacts.values()].filter((c) => c.agentId === m[1] && c.status === 'offered' && c.reservation);
    return [200, open.map((c) => ({ offerId: c.reservation!.id, contactId: c.id, status: 'offered' }))];
  }
  const target = m?.[3] ? (m[2] === 'offers' ? [...contacts.values()].find((c) => c.reservation?.id === m[3]) : contacts.get(m[3])) : undefined;
  if (m && method === 'POST' && m[4] === 'accept') {
    if (!target || target.status !== 'offered' || target.agentId !== m[1]) return [409, { message: 'no such offer' }];
    if (mode === 'log') {
      target.status = 'connected';
      await durable(logChange('accept', m[3]));
    } else {
      const change = newChange();
      connect(target, now, 'accepted', change);
      await durable(change);
    }
    return [200, { id: target.id, status: 'connected' }];
  }
  if (m && method === 'POST' && m[4] === 'complete') {
    if (!target || target.status !== 'connected' || target.agentId !== m[1]) return [409, { message: 'not in hand' }];
    if (mode === 'log') {
      target.status = 'ended';
      contacts.delete(target.id);
      await durable(logChange('complete', text || m[3]));
    } else {
      const change = newChange();
      end(target, now, 'ended', 'completed', change);
      await durable(change);
    }
    return [200, { id: target.id, status: 'ended' }];
  }
  return [404, { message: `no route ${method} ${url}` }];
}

function send(res: http.ServerResponse, status: number, value: unknown): void {
  const b = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) });
  res.end(b);
}

async function main(): Promise<void> {
  for (let i = 0; i < maxFlushes; i++) {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    clients.push(c);
    idle.push(c);
  }
  if (mode === 'log') await clients[0].query('CREATE TABLE IF NOT EXISTS ceiling_log (kind text NOT NULL, body text NOT NULL)');
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
