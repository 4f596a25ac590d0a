import { DataSource } from 'typeorm';
import { RollUpDemoHistory, SeedDemoData } from '../../apps/api/src/demo-data/seed-demo-data.use-case.js';
import { localDateOf } from '../../libs/calendar/src/time-zone.js';
import { generateDemoData, type DemoData } from '../../libs/demo-data/src/generate-demo-data.js';
import type { DemoContact } from '../../libs/demo-data/src/contact-history.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** Friday 2026-11-20: "yesterday" is Thursday 2026-11-19, an ordinary open day of the demo's history. */
const TODAY = '2026-11-20';
const YESTERDAY = '2026-11-19';
const TZ = 'Europe/Helsinki';

interface Row {
  group: string;
  groupLabel: string;
  [key: string]: unknown;
}

/**
 * The demo as `npm start` loads it, on real PostgreSQL: the seeded agency with its week of routed
 * contacts, rolled up by the report code (as the first start does), read through the report
 * endpoints for yesterday. Every figure is checked against the generator's own contacts.
 */
describe('reports on the demo contact history', () => {
  let t: TestApp;
  let mgr: [string, string];
  let demo: DemoData;
  let yesterday: DemoContact[];
  const queueId = new Map<string, string>();
  const agentId = new Map<string, string>();
  const report = async (path: string, query: Record<string, string | number>) => (await t.http.get(`/v1/reports/${path}`).query(query).set(...mgr).expect(200)).body;
  const byLabel = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.groupLabel, r]));
  const wait = (c: DemoContact) => ((c.answeredAt as Date).getTime() - c.arrivedAt.getTime()) / 1000;

  beforeAll(async () => {
    t = await startTestApp({ reportJobs: false, routingJobs: false, feedbackJobs: false });
    mgr = bearer(await t.keyFor('manager'));
    demo = generateDemoData({ today: TODAY });
    yesterday = demo.contactHistory.contacts.filter((c) => localDateOf(c.arrivedAt.getTime(), TZ) === YESTERDAY);
    const summary = await t.app.get(SeedDemoData).execute({ today: TODAY });
    expect(summary).toMatchObject({ departments: 4, agents: 130, contacts: demo.contactHistory.contacts.length });
    const ds = t.app.get(DataSource);
    for (const r of await ds.query('SELECT id, key FROM queues')) queueId.set(r.key, r.id);
    for (const r of await ds.query('SELECT id, employee_number FROM agents')) agentId.set(r.employee_number, r.id);
  }, 180_000);
  afterAll(() => t.close());

  it('stores the history as the engine would: finished contacts with timelines, no survey candidates, the agent states', async () => {
    const ds = t.app.get(DataSource);
    const h = demo.contactHistory;
    const [counts] = await ds.query(`SELECT (SELECT count(*)::int FROM contacts) AS contacts, (SELECT count(*)::int FROM contact_events) AS events,
      (SELECT count(*)::int FROM reservations) AS reservations, (SELECT count(*)::int FROM customers) AS customers,
      (SELECT count(*)::int FROM report_agent_states) AS spans, (SELECT count(*)::int FROM survey_candidates) AS candidates,
      (SELECT count(*)::int FROM reservations WHERE status IN ('offered', 'accepted')) AS live`);
    expect(counts).toEqual({
      contacts: h.contacts.length, events: h.contacts.reduce((n, c) => n + c.events.length, 0), reservations: h.contacts.reduce((n, c) => n + c.reservations.length, 0),
      customers: h.customers.length, spans: h.agentStates.length, candidates: 0, live: 0,
    });
    // The timeline API shows a seeded call like a live one.
    const call = yesterday.find((c) => c.channel === 'phone' && c.decision?.decision === 'queue' && c.status === 'ended')!;
    const sup = bearer(await t.keyFor('supervisor'));
    const res = await t.http.get(`/v1/contacts/${call.id}`).set(...sup).expect(200);
    expect(JSON.stringify(res.body)).toContain(call.callId!);
    const queued = await ds.query(`SELECT detail FROM contact_events WHERE contact_id = $1 AND type = 'queued'`, [call.id]);
    expect(queued[0].detail).toMatchObject({ queueId: queueId.get(call.queueKey), position: expect.any(Number) });
  });

  it('rolls the whole history up with the report code, as the first start does', async () => {
    const finished = demo.contactHistory.contacts.filter((c) => c.status !== 'queued').length;
    const result = await t.app.get(RollUpDemoHistory).execute();
    expect(result).toMatchObject({ ran: true, facts: finished, spans: demo.contactHistory.agentStates.length });
    expect((await t.app.get(RollUpDemoHistory).execute()).facts).toBe(0);
  });

  it('reports yesterday\'s contacts per queue: offered, answered, abandoned and answered within 30 s as seeded', async () => {
    const body = await report('contacts', { from: YESTERDAY, to: YESTERDAY, period: 'day', thresholdSeconds: 30 });
    const rows = byLabel(body.rows);
    expect(Object.keys(rows).sort()).toEqual(['chat-en', 'chat-fi', 'chat-sv', 'email-en', 'email-fi', 'email-sv', 'phone-en', 'phone-fi', 'phone-sv']);
    for (const q of demo.queues) {
      const mine = yesterday.filter((c) => c.queueKey === q.key && c.status !== 'queued');
      const answered = mine.filter((c) => c.answeredAt);
      const open = yesterday.filter((c) => c.queueKey === q.key && c.status === 'queued').length;
      expect({ queue: q.key, ...rows[q.key] }).toMatchObject({
        queue: q.key,
        group: queueId.get(q.key),
        // Every contact that came in, the emails still open included (they were missing before arrivals were counted).
        arrived: mine.length + open,
        open,
        offered: mine.length,
        answered: answered.length,
        abandoned: mine.filter((c) => c.status === 'abandoned').length,
        ...(q.channel === 'phone' ? { answeredWithinThreshold: answered.filter((c) => wait(c) <= 30).length, exact: true } : {}),
      });
      expect(rows[q.key].offered).toBeGreaterThan(0);
    }
    expect((rows['email-fi'] as unknown as { open: number }).open).toBeGreaterThan(0);
    const fi = rows['phone-fi'] as unknown as { serviceLevel: number; averageHandleSeconds: number; averageWrapUpSeconds: number };
    expect(fi.serviceLevel).toBeGreaterThan(0.8);
    expect(fi.serviceLevel).toBeLessThan(0.95);
    expect(fi.averageWrapUpSeconds).toBe(30);
    expect(fi.averageHandleSeconds).toBeGreaterThan(200);
  });

  it('reports chat first responses and email replies of yesterday, and the open emails as the backlog', async () => {
    const chat = byLabel((await report('chat-first-response', { from: YESTERDAY, to: YESTERDAY, thresholdSeconds: 60 })).rows);
    for (const key of ['chat-fi', 'chat-sv', 'chat-en']) {
      const mine = yesterday.filter((c) => c.queueKey === key && c.answeredAt !== null);
      expect({ key, ...chat[key] }).toMatchObject({ key, answered: mine.length, withinThreshold: mine.filter((c) => wait(c) <= 60).length });
    }
    const mail = byLabel((await report('email-replies', { from: YESTERDAY, to: YESTERDAY })).rows);
    for (const key of ['email-fi', 'email-sv', 'email-en']) {
      const replied = yesterday.filter((c) => c.queueKey === key && c.status === 'ended');
      expect({ key, ...mail[key] }).toMatchObject({ key, replied: replied.length, repliedWithinDeadline: replied.filter((c) => c.endedAt!.getTime() <= c.deadline.getTime()).length });
    }
    const backlog = await t.http.get('/v1/reports/email-backlog').set(...mgr).expect(200);
    const open = Object.fromEntries(backlog.body.queues.map((q: { queueKey: string; open: number }) => [q.queueKey, q.open]));
    const expected = (key: string) => demo.contactHistory.contacts.filter((c) => c.queueKey === key && c.status === 'queued').length;
    expect(open).toEqual({ 'email-fi': expected('email-fi'), 'email-sv': expected('email-sv'), 'email-en': expected('email-en') });
    expect(open['email-fi']).toBeGreaterThan(0);
  });

  it('reports first-contact resolution from the customers who came back, on any channel', async () => {
    const later = new Map<number, number>();
    for (const c of demo.contactHistory.contacts) later.set(c.customer, Math.max(later.get(c.customer) ?? 0, c.arrivedAt.getTime()));
    const rows = byLabel((await report('first-contact-resolution', { from: YESTERDAY, to: YESTERDAY, groupBy: 'channel' })).rows);
    for (const channel of ['phone', 'chat', 'email'] as const) {
      const handled = yesterday.filter((c) => c.channel === channel && c.status === 'ended');
      const repeated = handled.filter((c) => later.get(c.customer)! > c.arrivedAt.getTime()).length;
      expect({ channel, ...rows[channel] }).toMatchObject({ channel, handled: handled.length, repeated });
    }
    expect(rows.phone.repeated).toBeGreaterThan(0);
    expect(rows.phone.firstContactResolution).toBeGreaterThan(0.5);
    expect(rows.phone.firstContactResolution).toBeLessThan(1);
  });

  it('reports each agent\'s occupancy yesterday from the seeded state spans', async () => {
    const rows = (await report('contacts', { from: YESTERDAY, to: YESTERDAY, groupBy: 'agent' })).rows as (Row & { occupancy: number | null; answered: number })[];
    const byAgent = new Map(rows.map((r) => [r.group, r]));
    const spans = demo.contactHistory.agentStates.filter((s) => localDateOf(s.from.getTime(), TZ) === YESTERDAY);
    const time = new Map<string, { staffed: number; occupied: number }>();
    for (const s of spans) {
      const x = time.get(s.agent) ?? { staffed: 0, occupied: 0 };
      const secs = (s.to.getTime() - s.from.getTime()) / 1000;
      if (s.state !== 'break') x.staffed += secs;
      if (s.state === 'reserved' || s.state === 'busy' || s.state === 'wrap-up') x.occupied += secs;
      time.set(s.agent, x);
    }
    expect(time.size).toBeGreaterThan(30);
    for (const [employee, x] of time) {
      const row = byAgent.get(agentId.get(employee)!)!;
      expect(row.occupancy).toBeCloseTo(x.occupied / x.staffed, 3);
      expect(row.answered).toBe(yesterday.filter((c) => c.agent === employee && c.answeredAt).length);
    }
    const total = [...time.values()].reduce((a, b) => ({ staffed: a.staffed + b.staffed, occupied: a.occupied + b.occupied }));
    expect(total.occupied / total.staffed).toBeGreaterThan(0.5);
  });
});
