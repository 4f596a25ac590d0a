import { DataSource } from 'typeorm';
import { SampleEndedContacts } from '../../apps/api/src/feedback/feedback.use-cases.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildFeedbackWorld, type FeedbackWorld } from './feedback-world.js';

interface Row {
  period: string | null;
  group: string | null;
  groupLabel: string | null;
  responses: number;
  dataFcrHandled: number;
}

/**
 * Feedback report rows are labelled as the reports label theirs: an agent by name and employee
 * number, a queue by its key, a channel by itself; an agent since deleted by its id (the survey keeps
 * the id, as the report roll-ups do).
 */
describe('feedback report: rows labelled as the reports label theirs', () => {
  let t: TestApp;
  let w: FeedbackWorld;
  let db: DataSource;
  let man: [string, string];
  let sup: [string, string];
  const range = { from: '2026-11-01', to: '2026-11-30', period: 'month' };
  const feedback = async (groupBy: string) => (await t.http.get('/v1/feedback/reports').query({ ...range, groupBy }).set(...man).expect(200)).body as { rows: Row[]; totals: Row[] };

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, feedbackJobs: false });
    w = await buildFeedbackWorld(t, new Date('2026-11-02T08:00:00Z'), 11);
    db = t.app.get(DataSource);
    man = bearer(await t.keyFor('manager'));
    sup = bearer(await t.keyFor('supervisor'));
    await t.http.put('/v1/feedback/settings').set(...sup).send({ rates: { phone: 1, chat: 1, email: 1 }, cooldownDays: 0 }).expect(200);
    await w.call('lbl-1', '+358401330001', 'Liisa Laine');
    await w.call('lbl-2', '+358401330002', 'Olli Ojala');
    await w.message('chat', 'web-lbl-3', 'Maksuaika');
    await t.app.get(SampleEndedContacts).execute(w.now());
    for (const { token } of await db.query(`SELECT token FROM survey_invitations WHERE token IS NOT NULL ORDER BY created_at, id`)) {
      await t.http.post(`/v1/surveys/${token}/response`).send({ npsScore: 9, resolvedFirstContact: true }).expect(201);
    }
  });
  afterAll(() => t.close());

  it('labels agent rows "Name (employee number)" as GET /v1/reports/contacts does, queues by key, channels by themselves', async () => {
    const byAgent = await feedback('agent');
    const served = [...new Set((await db.query(`SELECT agent_id FROM surveys`)).map((r: { agent_id: string }) => r.agent_id))] as string[];
    expect(byAgent.rows.map((r) => r.group).sort()).toEqual([...served].sort());
    const reportLabels = new Map<string, string>(
      (await t.http.get('/v1/reports/contacts').query({ ...range, groupBy: 'agent' }).set(...man).expect(200)).body.rows.map((r: { group: string; groupLabel: string }) => [r.group, r.groupLabel]),
    );
    for (const row of [...byAgent.rows, ...byAgent.totals]) {
      expect(row.groupLabel).toMatch(/^Agent \d{3} \(R\d{3}\)$/);
      expect(row.groupLabel).toBe(reportLabels.get(row.group!));
    }
    expect((await feedback('queue')).rows.map((r) => r.groupLabel).sort()).toEqual(['chat-fi', 'phone-fi']);
    expect((await feedback('channel')).rows.map((r) => [r.group, r.groupLabel]).sort()).toEqual([['chat', 'chat'], ['phone', 'phone']]);
    expect((await feedback('none')).rows.map((r) => [r.group, r.groupLabel])).toEqual([[null, null]]);

    const csv = (await t.http.get('/v1/feedback/reports').query({ ...range, groupBy: 'agent', format: 'csv' }).set(...man).expect(200)).text;
    const [header, ...lines] = csv.trim().split('\r\n');
    expect(header.split(',').slice(0, 4)).toEqual(['period', 'group', 'groupLabel', 'invited']);
    for (const line of lines) expect(line.split(',')[2]).toMatch(/^Agent \d{3} \(R\d{3}\)$/);
    expect(csv).not.toMatch(/Liisa|Olli|Laine|Ojala|web-lbl|Maksuaika|\+35840133/);
  });

  it('keeps a deleted agent on a row of its own, labelled by its id', async () => {
    const [gone] = (await db.query(`SELECT agent_id FROM surveys ORDER BY contact_ended_at LIMIT 1`)).map((r: { agent_id: string }) => r.agent_id) as string[];
    const before = (await feedback('agent')).rows.find((r) => r.group === gone)!;
    await t.http.delete(`/v1/agents/${gone}`).set(...sup).expect(204);
    const after = await feedback('agent');
    expect(after.rows.find((r) => r.group === gone)).toEqual({ ...before, groupLabel: gone });
    expect(after.rows.some((r) => r.group === null)).toBe(false);
    expect(after.totals.find((r) => r.group === gone)).toMatchObject({ groupLabel: gone, responses: before.responses });
  });
});
