import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { addDays } from '../../libs/calendar/src/local-date.js';
import { SeedDemoData } from '../../apps/api/src/demo-data/seed-demo-data.use-case.js';
import { PlanningClock } from '../../apps/api/src/planning/planning-context.js';
import { PlanningWorkers } from '../../apps/api/src/planning/planning-workers.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** The demo's first day after its history: the planned letter batch goes out on Tuesday 2026-11-24. */
const TODAY = '2026-11-23';
const SPIKE_DAY = '2026-11-26';
const WEEK = '2026-11-23';

interface Loan {
  agentId: string;
  fromDepartmentId: string;
  startsAt: string;
  endsAt: string;
  serviceLevelWithout: number;
  serviceLevelWith: number;
  lender: { departmentId: string; basis: string; staffOnShiftMin: number; staffLeftMin: number; requiredStaffMax: number };
  accept: { agentId: string; fromDepartmentId: string; queueId: string; startsAt: string; endsAt: string };
}

/**
 * The demo flow of `npm start` on real PostgreSQL: the seeded agency with its published plan of the
 * spike day's week; a supervisor reads coverage and asks for suggestions for the spike day (+20 %
 * and more on phones after the letter batch), gets loans of phone-trained Finnish speakers of the
 * lending departments (which keep their minimum on-shift staffing), accepts them; the lending
 * manager sees and declines one; everything is in the audit log. Also: a department without queues
 * gets its week by contract fill, a loan outside or longer than the agent's shift is refused, and
 * a week generated with HiGHS runs in a worker thread while /health/live keeps answering.
 */
describe('planning on the demo spike day', () => {
  let t: TestApp;
  let sup: [string, string];
  let ds: DataSource;
  const dept = new Map<string, string>();
  const queue = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp();
    jest.spyOn(t.app.get(PlanningClock), 'now').mockReturnValue(new Date('2026-11-23T06:00:00Z'));
    const summary = await t.app.get(SeedDemoData).execute({ today: TODAY });
    expect(summary).toMatchObject({ departments: 4, agents: 130 });
    ds = t.app.get(DataSource);
    for (const r of await ds.query('SELECT id, key FROM departments')) dept.set(r.key, r.id);
    for (const r of await ds.query('SELECT id, key FROM queues')) queue.set(r.key, r.id);
    sup = bearer(await t.keyFor('supervisor'));
  }, 120_000);
  afterAll(() => t.close());

  it('seeds a published schedule of the spike week for every department, with coverage', async () => {
    const list = await t.http.get('/v1/schedules').query({ weekStart: WEEK }).set(...sup).expect(200);
    expect(list.body.map((s: { departmentId: string }) => s.departmentId).sort()).toEqual([...dept.values()].sort());
    for (const s of list.body) {
      expect(s.status).toBe('published');
      expect(s.shiftCount).toBeGreaterThan(0);
      expect(s.contractViolations).toEqual([]);
      expect(s.agentsWithoutContract).toBe(0);
    }
    const cs = list.body.find((s: { departmentId: string }) => s.departmentId === dept.get('customer-service'));
    const phone = await t.http.get(`/v1/schedules/${cs.id}/coverage`).query({ date: SPIKE_DAY, queueId: queue.get('phone-fi') }).set(...sup).expect(200);
    const open = phone.body.queues[0].intervals.filter((i: { required: number }) => i.required > 0);
    expect(open.length).toBeGreaterThanOrEqual(36);
    // The plan is for a normal day: nearly every interval is covered.
    expect(open.filter((i: { shortfall: number }) => i.shortfall > 0).length).toBeLessThanOrEqual(4);
    // The totals: agent-intervals short (under its new name and, for existing clients, its first one) and intervals short.
    const intervals = phone.body.queues[0].intervals as { shortfall: number }[];
    expect(phone.body.queues[0]).toMatchObject({
      shortfallAgentIntervals: intervals.reduce((s, i) => s + i.shortfall, 0),
      shortfallIntervals: intervals.reduce((s, i) => s + i.shortfall, 0),
      uncoveredIntervals: intervals.filter((i) => i.shortfall > 0).length,
    });
    const payments = list.body.find((s: { departmentId: string }) => s.departmentId === dept.get('payments'));
    expect(payments.queueIds).toEqual([]);
    const own = await t.http.get(`/v1/schedules/${payments.id}/coverage`).query({ date: SPIKE_DAY }).set(...sup).expect(200);
    expect(own.body.queues).toHaveLength(1);
    expect(own.body.queues[0]).toMatchObject({ queueId: null, channel: 'own-work', shortfallAgentIntervals: 0, uncoveredIntervals: 0 });
    expect(Math.max(...own.body.queues[0].intervals.map((i: { required: number }) => i.required))).toBe(6);
    const settings = await t.http.get(`/v1/departments/${dept.get('payments')}/planning-settings`).set(...sup).expect(200);
    expect(settings.body.minStaffOnShift).toContainEqual({ weekday: 4, from: '08:00', to: '16:00', staff: 6 });
  });

  let loans: Loan[] = [];

  it('suggests loans of phone-trained Finnish speakers of other departments for the spike day, SL with ≥ without', async () => {
    const res = await t.http.get(`/v1/queues/${queue.get('phone-fi')}/borrowing-suggestions`).query({ date: SPIKE_DAY }).set(...sup).expect(200);
    loans = res.body.loans;
    expect(loans.length).toBeGreaterThan(0);
    const lenders = new Set([dept.get('payments'), dept.get('legal'), dept.get('back-office')]);
    for (const l of loans) {
      expect(lenders.has(l.fromDepartmentId)).toBe(true);
      const agent = (await t.http.get(`/v1/agents/${l.agentId}`).set(...sup).expect(200)).body;
      expect(agent.departmentId).toBe(l.fromDepartmentId);
      const skill = (key: string) => agent.skills.find((s: { skill: string }) => s.skill === key)?.proficiency ?? 0;
      expect(skill('lang:fi')).toBeGreaterThanOrEqual(3);
      expect(skill('training:phone-service')).toBeGreaterThanOrEqual(1);
      expect(l.serviceLevelWith).toBeGreaterThanOrEqual(l.serviceLevelWithout);
      expect(new Date(l.endsAt).getTime() - new Date(l.startsAt).getTime()).toBeGreaterThanOrEqual(3600_000);
      // The lender's cost comes from its own minimum on-shift staffing, which the loan never breaks.
      expect(l.lender).toMatchObject({ basis: 'minimum staffing' });
      expect(l.lender.staffLeftMin).toBe(l.lender.staffOnShiftMin - 1);
      expect(l.lender.staffLeftMin).toBeGreaterThanOrEqual(l.lender.requiredStaffMax);
    }
    for (const i of res.body.intervals) expect(i.serviceLevelWith).toBeGreaterThanOrEqual(i.serviceLevelWithout - 1e-9);
    const before = res.body.intervals.filter((i: { serviceLevelWithout: number; volume: number }) => i.volume > 0 && i.serviceLevelWithout < 0.9).length;
    const after = res.body.intervals.filter((i: { serviceLevelWith: number; volume: number }) => i.volume > 0 && i.serviceLevelWith < 0.9).length;
    expect(before).toBeGreaterThan(0);
    expect(after).toBeLessThan(before);
    // The alternatives the supervisor may prefer are listed; applied first, they leave fewer loans.
    expect(res.body.alternativesApplied).toBe(false);
    expect(res.body.emailDeferrals.length).toBeGreaterThan(0);
    for (const d of res.body.emailDeferrals) {
      expect(d.emailDeadlineMissesWith).toBe(0);
      expect(d.serviceLevelWith).toBeGreaterThanOrEqual(d.serviceLevelWithout);
    }
    const applied = await t.http.get(`/v1/queues/${queue.get('phone-fi')}/borrowing-suggestions`).query({ date: SPIKE_DAY, applyAlternatives: true }).set(...sup).expect(200);
    expect(applied.body.alternativesApplied).toBe(true);
    expect(applied.body.loans.length).toBeLessThan(loans.length);
  }, 60_000);

  it('accepts the loans, the lending manager sees and declines one, and everything is audited', async () => {
    const accepted = await t.http.post('/v1/loans').set(...sup).send({ loans: loans.map((l) => l.accept), reason: 'Letter-batch spike' }).expect(201);
    expect(accepted.body).toHaveLength(loans.length);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM loans WHERE status = 'active' AND queue_id = $1`, [queue.get('phone-fi')]);
    expect(n).toBe(loans.length);
    const first = accepted.body[0];
    const admin = bearer(t.adminKey);
    const manager = bearer((await t.http.post('/v1/api-keys').set(...admin).send({ name: 'lending manager', role: 'manager', departmentId: first.fromDepartmentId }).expect(201)).body.key);
    const seen = await t.http.get('/v1/loans').query({ fromDepartmentId: first.fromDepartmentId, status: 'active' }).set(...manager).expect(200);
    expect(seen.body.map((l: { id: string }) => l.id)).toContain(first.id);
    await t.http.post(`/v1/loans/${first.id}/decline`).set(...manager).send({ reason: 'Month-end closing' }).expect(200).expect((r) => expect(r.body.status).toBe('declined'));
    const trail = await t.http.get('/v1/audit-log').query({ entityType: 'loan', entityId: first.id }).set(...manager).expect(200);
    expect(trail.body.map((a: { action: string }) => a.action)).toEqual(['loan.created', 'loan.declined']);
    // Suggestions now count the remaining active loans: no suggestion overlaps one of them.
    const again = await t.http.get(`/v1/queues/${queue.get('phone-fi')}/borrowing-suggestions`).query({ date: SPIKE_DAY }).set(...sup).expect(200);
    const active: { agentId: string; startsAt: string; endsAt: string }[] = accepted.body.slice(1);
    for (const l of again.body.loans as Loan[]) {
      const overlapping = active.filter((a) => a.agentId === l.agentId && Date.parse(a.startsAt) < Date.parse(l.endsAt) && Date.parse(l.startsAt) < Date.parse(a.endsAt));
      expect(overlapping).toEqual([]);
    }
    expect(again.body.loans.length).toBeLessThan(loans.length);
  }, 60_000);

  it('refuses a loan outside the agent’s shift or longer than it, naming the rule', async () => {
    const [shift] = await ds.query(
      `SELECT sh.agent_id, sh.starts_at, sh.ends_at FROM schedule_shifts sh JOIN agents a ON a.id = sh.agent_id JOIN departments d ON d.id = a.department_id
        WHERE d.key = 'legal' AND sh.starts_at >= $1 ORDER BY sh.starts_at, a.employee_number LIMIT 1`,
      [`${addDays(SPIKE_DAY, 1)}T00:00:00+02:00`],
    );
    const start = new Date(shift.starts_at).getTime();
    const end = new Date(shift.ends_at).getTime();
    const item = (from: number, to: number) => ({ agentId: shift.agent_id, fromDepartmentId: dept.get('legal'), queueId: queue.get('phone-fi'), startsAt: new Date(from).toISOString(), endsAt: new Date(to).toISOString() });
    const outside = await t.http.post('/v1/loans').set(...sup).send({ loans: [item(end - 3600_000, end + 3600_000)], reason: 'spike' }).expect(422);
    expect(outside.body.errors).toEqual([expect.objectContaining({ field: 'loans[0].startsAt', rule: 'withinShift' })]);
    const longer = await t.http.post('/v1/loans').set(...sup).send({ loans: [item(start - 3600_000, end)], reason: 'spike' }).expect(422);
    expect(longer.body.errors).toEqual([expect.objectContaining({ field: 'loans[0].endsAt', rule: 'notLongerThanShift' })]);
    await t.http.post('/v1/loans').set(...sup).send({ loans: [item(start, start + 2 * 3600_000)], reason: 'spike' }).expect(201);
  });

  it('generates a week with HiGHS in a worker thread while the API keeps answering', async () => {
    const workers = t.app.get(PlanningWorkers);
    let done = false;
    const generation = t.http
      .post('/v1/schedules')
      .set(...sup)
      .send({ departmentId: dept.get('customer-service'), weekStart: addDays(WEEK, 7), queueIds: ['phone-fi', 'phone-sv', 'phone-en'].map((k) => queue.get(k)), timeLimitSeconds: 3 })
      .then((r) => ((done = true), r));
    // Answers of /health/live that arrive while the solver is running in the worker: impossible if it ran on the event loop.
    let answeredWhileSolving = 0;
    while (!done) {
      await t.http.get('/health/live').expect(200);
      if (workers.load.running === 1) answeredWhileSolving++;
      await new Promise((r) => setTimeout(r, 20));
    }
    const res = await generation;
    expect(res.status).toBe(201);
    expect(res.body.shiftCount).toBeGreaterThan(0);
    expect(res.body.figures.lpObjective).toBeLessThanOrEqual(res.body.figures.mipObjective + 1e-6);
    expect(answeredWhileSolving).toBeGreaterThan(0);
    expect(workers.load).toEqual({ running: 0, queued: 0 });
  }, 90_000);

  it('plans a department without queues by contract fill, its minimum staffing covered first', async () => {
    const next = addDays(WEEK, 7);
    await t.http.put(`/v1/departments/${dept.get('legal')}/planning-settings`).set(...sup).send({ minStaffOnShift: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, from: '09:00', to: '15:00', staff: 5 })) }).expect(200);
    await t.http.put(`/v1/departments/${dept.get('legal')}/planning-settings`).set(...sup).send({ minStaffOnShift: [{ weekday: 1, from: '09:10', to: '08:00', staff: 5 }] }).expect(422)
      .expect((r) => expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'minStaffOnShift[0].from', rule: 'intervalMultiple' }), expect.objectContaining({ field: 'minStaffOnShift[0].to', rule: 'afterFrom' })])));
    const res = await t.http.post('/v1/schedules').set(...sup).send({ departmentId: dept.get('legal'), weekStart: next }).expect(201);
    expect(res.body.figures.solverStatus).toBe('contract fill');
    expect(res.body.uncovered).toEqual([]);
    expect(res.body.contractViolations).toEqual([]);
    // Eight agents × 37.5 h.
    expect(res.body.staffHours).toBe(300);
    const cov = await t.http.get(`/v1/schedules/${res.body.id}/coverage`).query({ date: addDays(next, 2) }).set(...sup).expect(200);
    const at = cov.body.queues[0].intervals.filter((i: { required: number }) => i.required === 5);
    expect(at).toHaveLength(24);
    for (const i of at) expect(i.scheduled).toBeGreaterThanOrEqual(5);
    const trail = await t.http.get('/v1/audit-log').query({ entityType: 'department', entityId: dept.get('legal') }).set(...sup).expect(200);
    expect(trail.body.map((a: { action: string }) => a.action)).toEqual(['planning_settings.saved']);
  }, 60_000);
});
