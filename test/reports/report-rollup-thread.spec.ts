import { readdirSync, readFileSync } from 'node:fs';
import { Logger, type LoggerService } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { ReportRollupThread } from '../../apps/api/src/reports/report-rollup-thread.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { ADMIN_URL, dropTestDatabase } from '../support/test-database.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

/**
 * The report roll-up job in its own worker thread (the default on a PostgreSQL server; the other
 * specs run it in the API's thread or call it themselves): finished contacts reach the roll-ups with
 * no help from the test, under a connection name of its own and at the lowest CPU priority, the job survives its connections being cut, shutdown ends the thread and
 * closes its connections, and a thread that cannot start is started again.
 */
describe('reports: the roll-up job in a worker thread', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let tel: [string, string];
  let db: DataSource;
  let calls = 0;
  /** Set once the app is closed by a test: then only its database is left to drop. */
  let closedDatabase: string | null = null;

  /** One call answered and ended through the telephony API (each call finds an agent not yet in wrap-up). */
  async function finishedCall(): Promise<string> {
    const callId = `thread-call-${++calls}`;
    const decision = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId, { callerId: `+35840100000${calls}` })).expect(200)).body;
    expect(decision.decision).toBe('agent');
    await t.http.post('/v1/routing/events').set(...tel).send(eventBody('answered', callId)).expect(200);
    await t.http.post('/v1/routing/events').set(...tel).send(eventBody('ended', callId, { durationSec: 30 })).expect(200);
    return callId;
  }

  /** Waits until `n` contacts have their facts, without running the roll-ups itself. */
  async function factsReach(n: number, withinMs = 20_000): Promise<number> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const [{ count }] = (await db.query('SELECT count(*)::int AS count FROM report_contact_facts')) as { count: number }[];
      if (count >= n || Date.now() > deadline) return count;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, reportJobs: true, reportJobsThread: true });
    w = await buildRoutingWorld(t, 2);
    tel = bearer(await t.keyFor('telephony'));
    db = t.app.get(DataSource);
    const sup = bearer(await t.keyFor('supervisor'));
    for (const a of w.agentIds) await t.http.put(`/v1/agents/${a}/state`).set(...sup).send({ state: 'available' }).expect(200);
  });

  afterAll(async () => {
    if (closedDatabase) await dropTestDatabase(closedDatabase);
    else await t?.close();
  });

  it('rolls finished contacts up by itself, and the API thread runs no roll-up interval', async () => {
    expect(t.app.get(SchedulerRegistry).doesExist('interval', 'report-rollups')).toBe(false);
    await finishedCall();
    expect(await factsReach(1)).toBe(1);
    const [queueRow] = (await db.query(`SELECT answered FROM report_queue_rollups WHERE grain = 'day' AND queue_id = $1`, [w.phoneQueueId])) as { answered: number }[];
    expect(queueRow?.answered).toBe(1);
  });

  it('connects under an application name of its own, and runs at the lowest CPU priority (Linux)', async () => {
    const apps = (await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'vuoro-report-rollups'`)) as { n: number }[];
    expect(apps[0].n).toBeGreaterThan(0);
    if (process.platform !== 'linux') return;
    // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value: only the roll-up thread has 19.
    const nice = readdirSync(`/proc/${process.pid}/task`).map((tid) => {
      const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
    expect(nice.filter((n) => n === 19)).toHaveLength(1);
    expect(nice.filter((n) => n === 0).length).toBeGreaterThan(1);
  });

  it('goes on after its database connections are cut', async () => {
    const [{ name }] = (await db.query('SELECT current_database() AS name')) as { name: string }[];
    // Every other connection to this database: the API's pool and the thread's two.
    const cut = (await db.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name])) as { ok: boolean }[];
    expect(cut.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    await finishedCall().catch(async () => finishedCall()); // the API's pool may hand out one cut connection first
    expect(await factsReach(2)).toBe(2);
  });

  it('ends with the app: no connection of the thread is left', async () => {
    const [{ name }] = (await db.query('SELECT current_database() AS name')) as { name: string }[];
    const admin = new DataSource({ type: 'postgres', url: ADMIN_URL });
    await admin.initialize();
    try {
      await t.app.close();
      closedDatabase = name;
      // A backend leaves pg_stat_activity a moment after its client has closed the socket (it exits in
      // its own time): look for up to 2 s; a connection the thread left open would stay.
      let left = -1;
      for (let i = 0; i < 40 && left !== 0; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 50));
        [{ left }] = (await admin.query('SELECT count(*)::int AS left FROM pg_stat_activity WHERE datname = $1', [name])) as { left: number }[];
      }
      expect(left).toBe(0);
    } finally {
      await admin.destroy();
    }
  });
});

describe('reports: a roll-up thread that cannot start', () => {
  const lines: { level: string; message: unknown }[] = [];
  const capture: LoggerService = {
    log: (message) => lines.push({ level: 'log', message }),
    error: (message) => lines.push({ level: 'error', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    debug: (message) => lines.push({ level: 'debug', message }),
    verbose: (message) => lines.push({ level: 'verbose', message }),
  };

  afterAll(() => Logger.overrideLogger(false));

  it('logs why, is started again, and stop() ends it', async () => {
    Logger.overrideLogger(capture);
    // Nothing listens on port 1: the thread's connection fails, the thread ends with the error.
    const thread = new ReportRollupThread('postgres://postgres@127.0.0.1:1/none', 1_000, 100);
    thread.start();
    const restarts = () => lines.filter((l) => l.level === 'error' && JSON.stringify(l.message).includes('starting it again')).length;
    const deadline = Date.now() + 30_000;
    while (restarts() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(restarts()).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => l.level === 'error' && /ECONNREFUSED|connect/.test(JSON.stringify(l.message)))).toBe(true);
    await thread.stop();
    expect(thread.running).toBe(false);
    const after = restarts();
    await new Promise((r) => setTimeout(r, 300));
    expect(restarts()).toBe(after);
  });
});
