import { DataSource } from 'typeorm';
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { RefreshReportRollups, REPORTS_JOB_LOCK } from '../../apps/api/src/reports/report-rollup.job.js';
import { periodEnd, periodLabel, periodStart } from '../../libs/reports/src/periods.js';
import { localDateOf } from '../../libs/calendar/src/time-zone.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, type RoutingWorld } from '../routing/routing-world.js';

/**
 * Occupancy from agent state changes written by the routing engine and the agent desk (the trigger
 * on agent_presence → report_agent_states → the agents' roll-up rows), through the API.
 *
 * One agent (chat capacity 2; the other agent stays offline), engine clock T + s seconds:
 *   −1200 available · −900 break · −600 available
 *   0     chat-1 arrives and is offered → reserved
 *   +15   accepts chat-1 → busy · +30 chat-2 arrives, offered while busy · +45 accepts it
 *   +200  completes chat-1 (no wrap-up; chat-2 still in hand: busy)
 *   +300  completes chat-2 with 30 s wrap-up → wrap-up · +330 the engine ends the wrap-up → available
 *   +600  offline
 * Staffed (logged in, not on a break): 300 + 600 + 15 + 285 + 30 + 270 = 1500 s;
 * occupied (reserved, busy, wrap-up): 15 + 285 + 30 = 330 s → occupancy 330 / 1500 = 0.22.
 *
 * Every state stamp, the reservation (available → reserved) included, comes from the engine clock.
 */
describe('reports: occupancy from agent states and handled contacts', () => {
  let t: TestApp;
  let w: RoutingWorld;
  let T = 0;
  let offset = 0;
  let agent = '';
  let agentKey: [string, string];
  let tel: [string, string];
  let mgr: [string, string];
  let reservedAt = 0;
  const at = (s: number) => {
    offset = s;
  };

  async function offerFor(contactId: string): Promise<string> {
    const list = (await t.http.get(`/v1/agents/${agent}/offers`).set(...agentKey).expect(200)).body as { contactId: string; offerId: string; status: string }[];
    const o = list.find((x) => x.contactId === contactId && x.status === 'offered');
    if (!o) throw new Error(`no offer of ${contactId} to the agent`);
    return o.offerId;
  }
  const chat = async (ref: string) =>
    (await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', queueId: w.chatQueueId, customerRef: ref, language: 'fi' }).expect(201)).body as { id: string };
  const state = (s: string, reason?: string) => t.http.put(`/v1/agents/${agent}/state`).set(...agentKey).send(reason ? { state: s, reason } : { state: s }).expect(200);

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, reportJobs: false });
    w = await buildRoutingWorld(t, 2);
    tel = bearer(await t.keyFor('telephony'));
    mgr = bearer(await t.keyFor('manager'));
    agent = w.agentIds[0];
    agentKey = bearer((await t.http.post(`/v1/agents/${agent}/api-keys`).set(...bearer(t.adminKey)).send({ name: 'desk' }).expect(201)).body.key);
    T = Math.floor(Date.now() / 1000) * 1000;
    t.app.get(RoutingClock).now = () => new Date(T + offset * 1000);

    at(-1200);
    await state('available');
    at(-900);
    await state('break', 'coffee');
    at(-600);
    await state('available');
    at(0);
    const c1 = await chat('occupancy-1');
    const [{ since }] = (await t.app.get(DataSource).query(`SELECT state, state_since AS since FROM agent_presence WHERE agent_id = $1 AND state = 'reserved'`, [agent])) as { since: Date }[];
    reservedAt = since.getTime();
    at(15);
    await t.http.post(`/v1/agents/${agent}/offers/${await offerFor(c1.id)}/accept`).set(...agentKey).expect(200);
    at(30);
    const c2 = await chat('occupancy-2');
    at(45);
    await t.http.post(`/v1/agents/${agent}/offers/${await offerFor(c2.id)}/accept`).set(...agentKey).expect(200);
    at(200);
    await t.http.post(`/v1/agents/${agent}/contacts/${c1.id}/complete`).set(...agentKey).send({ wrapUpSeconds: 0 }).expect(200);
    at(300);
    await t.http.post(`/v1/agents/${agent}/contacts/${c2.id}/complete`).set(...agentKey).send({ wrapUpSeconds: 30 }).expect(200);
    at(330);
    await t.app.get(RoutingEngine).tick();
    at(600);
    await state('offline');
    t.app.get(RefreshReportRollups).batchSize = 3;
  });
  afterAll(() => t.close());

  it('writes the state spans the agent went through, each ending where the next begins', async () => {
    const spans = (await t.app.get(DataSource).query(
      `SELECT state, started_at AS "from", ended_at AS "to" FROM report_agent_states WHERE agent_id = $1 ORDER BY started_at`,
      [agent],
    )) as { state: string; from: Date; to: Date }[];
    const rel = (d: Date) => (d.getTime() - T) / 1000;
    expect(spans.map((s) => [s.state, rel(s.from), rel(s.to)])).toEqual([
      ['available', -1200, -900],
      ['break', -900, -600],
      ['available', -600, (reservedAt - T) / 1000],
      ['reserved', (reservedAt - T) / 1000, 15],
      ['busy', 15, 300],
      ['wrap-up', 300, 330],
      ['available', 330, 600],
    ]);
  });

  it('gives the agent the hand-computed occupancy: (reserved + busy + wrap-up) / staffed time', async () => {
    const delta = (reservedAt - T) / 1000;
    expect(delta).toBe(0); // the reservation is stamped with the engine clock
    // The hand-computed spans; occupancy per day (the scenario crosses a local midnight only when run near one).
    const spans: [string, number, number][] = [
      ['available', -1200, -900], ['break', -900, -600], ['available', -600, delta], ['reserved', delta, 15],
      ['busy', 15, 300], ['wrap-up', 300, 330], ['available', 330, 600],
    ];
    const expected = new Map<string, { staffed: number; occupied: number }>();
    for (const [s, a, b] of spans) {
      for (let from = T + a * 1000; from < T + b * 1000; ) {
        const day = periodStart(from, 'day');
        const to = Math.min(periodEnd(day, 'day'), T + b * 1000);
        const e = expected.get(localDateOf(day, 'Europe/Helsinki')) ?? { staffed: 0, occupied: 0 };
        if (s !== 'break') e.staffed += (to - from) / 1000;
        if (['reserved', 'busy', 'wrap-up'].includes(s)) e.occupied += (to - from) / 1000;
        expected.set(localDateOf(day, 'Europe/Helsinki'), e);
        from = to;
      }
    }
    const total = [...expected.values()].reduce((x, e) => ({ staffed: x.staffed + e.staffed, occupied: x.occupied + e.occupied }), { staffed: 0, occupied: 0 });
    expect(total.staffed).toBeCloseTo(1500, 6);
    expect(total.occupied).toBeCloseTo(330 - delta, 6);

    const days = [...expected.keys()].sort();
    const res = await t.http.get('/v1/reports/contacts').query({ from: days[0], to: days[days.length - 1], period: 'day', groupBy: 'agent', agentId: agent }).set(...mgr).expect(200);
    const got = Object.fromEntries(res.body.rows.map((r: { period: string; occupancy: number | null }) => [r.period, r.occupancy]));
    const want = Object.fromEntries(days.map((d) => [d, Math.round((expected.get(d)!.occupied / expected.get(d)!.staffed) * 10_000) / 10_000]));
    expect(got).toEqual(want);
    if (days.length === 1) expect(got[days[0]]).toBe(0.22);
    // The agent handled both chats that day.
    expect(res.body.rows.reduce((n: number, r: { answered: number }) => n + r.answered, 0)).toBe(2);
  });

  it("gives the agent's weeks (added up from day rows), months and quarters (added up from month rows)", async () => {
    const first = localDateOf(T - 1200_000, 'Europe/Helsinki');
    const last = localDateOf(T + 600_000, 'Europe/Helsinki');
    for (const period of ['week', 'month', 'quarter'] as const) {
      const res = await t.http.get('/v1/reports/contacts').query({ from: first, to: last, period, groupBy: 'agent', agentId: agent }).set(...mgr).expect(200);
      const rows = res.body.rows as { periodStart: string; period: string; answered: number; occupancy: number | null }[];
      expect(rows.reduce((n, r) => n + r.answered, 0)).toBe(2);
      // 330 s occupied of 1,500 s staffed, in one period unless the scenario straddles its boundary
      if (periodStart(T - 1200_000, period) === periodStart(T + 600_000, period)) expect(rows).toEqual([expect.objectContaining({ periodStart: new Date(periodStart(T, period)).toISOString(), period: periodLabel(periodStart(T, period), period), answered: 2, occupancy: 0.22 })]);
    }
  });

  it('leaves the agent-state feed to a later run when asked (the scheduled job reads it every 10 s); the next full run counts it', async () => {
    const refresh = t.app.get(RefreshReportRollups);
    await refresh.execute();
    at(700);
    await state('available');
    at(800);
    await state('offline');
    const pending = async () =>
      (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM report_agent_states WHERE id > (SELECT watermark FROM report_feeds WHERE name = 'agent-states')`))[0].n as number;
    expect(await pending()).toBeGreaterThan(0);
    expect(await refresh.execute(Number.POSITIVE_INFINITY, { states: false })).toMatchObject({ ran: true, spans: 0 });
    expect(await pending()).toBeGreaterThan(0);
    expect((await refresh.execute(Number.POSITIVE_INFINITY, { states: { batchSize: 20_000 } })).spans).toBeGreaterThan(0);
    expect(await pending()).toBe(0);
  });

  it('waits for a roll-up run in flight (lock held elsewhere) before it reads, then catches up itself', async () => {
    const db = t.app.get(DataSource);
    const pending = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM report_agent_states WHERE id > (SELECT watermark FROM report_feeds WHERE name = 'agent-states')`))[0].n as number;
    at(900);
    await state('available');
    at(1000);
    await state('offline');
    expect(await pending()).toBeGreaterThan(0);
    const job = db.createQueryRunner(); // stands for the scheduled job of another instance, mid-run
    await job.connect();
    try {
      await job.query('SELECT pg_advisory_lock($1)', [REPORTS_JOB_LOCK]);
      const day = localDateOf(T, 'Europe/Helsinki');
      const report = t.http.get('/v1/reports/contacts').query({ from: day, to: day, period: 'day', groupBy: 'agent', agentId: agent }).set(...mgr).then((r) => r);
      await new Promise((r) => setTimeout(r, 300));
      expect(await pending()).toBeGreaterThan(0); // the report is waiting, not reading stale figures
      await job.query('SELECT pg_advisory_unlock($1)', [REPORTS_JOB_LOCK]);
      expect((await report).status).toBe(200);
      expect(await pending()).toBe(0);
    } finally {
      await job.release();
    }
  });

  it('leaves occupancy out when the agent rows are filtered by queue (state time belongs to no queue)', async () => {
    const day = localDateOf(T, 'Europe/Helsinki');
    const res = await t.http.get('/v1/reports/contacts').query({ from: day, to: day, period: 'day', groupBy: 'agent', queueId: w.chatQueueId }).set(...mgr).expect(200);
    expect(res.body.rows).toEqual([expect.objectContaining({ group: agent, answered: 2, occupancy: null })]);
  });
});
