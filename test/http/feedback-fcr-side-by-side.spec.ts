import { DataSource } from 'typeorm';
import { SampleEndedContacts } from '../../apps/api/src/feedback/feedback.use-cases.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildFeedbackWorld, type FeedbackWorld } from './feedback-world.js';

interface DataRow {
  periodStart: string;
  group: string;
  handled: number;
  repeated: number;
  firstContactResolution: number | null;
  windowComplete: boolean;
}
interface FeedbackRow {
  period: string | null;
  group: string | null;
  fcrRate: number | null;
  dataFcrHandled: number;
  dataFcrRepeated: number;
  dataFcrRate: number | null;
  dataFcrWindowComplete: boolean | null;
}

const localDate = (iso: string) => new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });

describe('feedback report: surveyed first-contact resolution next to the figure from data', () => {
  let t: TestApp;
  let w: FeedbackWorld;
  let db: DataSource;
  let man: [string, string];
  const T0 = new Date('2026-11-02T08:00:00Z'); // Monday 10:00 in Helsinki

  const feedback = async (q: Record<string, string>) => (await t.http.get('/v1/feedback/reports').query(q).set(...man).expect(200)).body as { rows: FeedbackRow[]; totals: FeedbackRow[] };
  const data = async (q: Record<string, string>) => (await t.http.get('/v1/reports/first-contact-resolution').query(q).set(...man).expect(200)).body.rows as DataRow[];
  const answerAll = async (resolved: (i: number) => boolean) => {
    const tokens = (await db.query(`SELECT i.token FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id WHERE i.token IS NOT NULL AND s.responded_at IS NULL ORDER BY i.created_at, i.id`)).map((r: { token: string }) => r.token);
    for (const [i, token] of tokens.entries()) await t.http.post(`/v1/surveys/${token}/response`).send({ npsScore: 9, resolvedFirstContact: resolved(i) }).expect(201);
  };

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, feedbackJobs: false });
    w = await buildFeedbackWorld(t, T0, 7);
    db = t.app.get(DataSource);
    man = bearer(await t.keyFor('manager'));
    const sup = bearer(await t.keyFor('supervisor'));
    await t.http.put('/v1/feedback/settings').set(...sup).send({ rates: { phone: 1, chat: 1, email: 1 }, cooldownDays: 0 }).expect(200);
    const sample = t.app.get(SampleEndedContacts);
    // week 45: a caller calls twice (the first call is repeated), another once; a chat customer twice
    await w.call('sbs-1', '+358401220001');
    await w.call('sbs-2', '+358401220002');
    await w.call('sbs-3', '+358401220001');
    await w.message('chat', 'sbs-web-1');
    await w.message('chat', 'sbs-web-1');
    await w.message('email', 'sbs-mail-1', 'Laskusta');
    await sample.execute(w.now());
    await answerAll((i) => i % 2 === 0);
    // week 46 (Tuesday): one more call from the first caller, 8 days later — not a repeat of week 45
    w.setNow(new Date('2026-11-10T09:00:00Z'));
    await w.call('sbs-4', '+358401220001');
    await w.call('sbs-5', '+358401220003');
    await sample.execute(w.now());
    await answerAll(() => true);
  });
  afterAll(() => t.close());

  it.each([
    ['day', 'channel'],
    ['week', 'queue'],
    ['month', 'agent'],
    ['week', 'channel'],
  ])('by %s and %s: each row carries the figure GET /v1/reports/first-contact-resolution gives for the same period and group', async (period, groupBy) => {
    const fb = await feedback({ from: '2026-11-01', to: '2026-11-30', period, groupBy });
    const dr = await data({ from: '2026-11-01', to: '2026-11-30', period, groupBy });
    expect(fb.rows.length).toBeGreaterThan(0);
    for (const row of fb.rows) {
      const d = dr.find((r) => localDate(r.periodStart) === row.period && r.group === row.group);
      expect(d).toBeDefined();
      expect({ period: row.period, group: row.group, handled: row.dataFcrHandled, repeated: row.dataFcrRepeated, rate: row.dataFcrRate, complete: row.dataFcrWindowComplete }).toEqual({
        period: row.period,
        group: row.group,
        handled: d!.handled,
        repeated: d!.repeated,
        rate: d!.firstContactResolution,
        complete: d!.windowComplete,
      });
    }
    // the figure is really there: some handled contacts in every row with surveys of answered contacts
    expect(fb.rows.some((r) => r.dataFcrHandled > 0 && r.dataFcrRate !== null)).toBe(true);
  });

  it('shows the repeat contacts of the data next to the survey answers (phone, week 45: 3 handled, 1 repeated)', async () => {
    const fb = await feedback({ from: '2026-11-02', to: '2026-11-08', period: 'week', groupBy: 'channel' });
    const phone = fb.rows.find((r) => r.group === 'phone')!;
    expect(phone).toMatchObject({ period: '2026-11-02', dataFcrHandled: 3, dataFcrRepeated: 1, dataFcrRate: 0.6667, dataFcrWindowComplete: false });
    expect(phone.fcrRate).not.toBeNull();
    const chat = fb.rows.find((r) => r.group === 'chat')!;
    expect(chat).toMatchObject({ dataFcrHandled: 2, dataFcrRepeated: 1, dataFcrRate: 0.5 });
  });

  it('groupBy=none sums the data report over its channels; a period cut by the range counts only the days inside it', async () => {
    const none = await feedback({ from: '2026-11-01', to: '2026-11-30', period: 'week', groupBy: 'none' });
    const byChannel = await data({ from: '2026-11-01', to: '2026-11-30', period: 'week', groupBy: 'channel' });
    expect(none.rows.length).toBeGreaterThan(1);
    for (const row of none.rows) {
      const of = byChannel.filter((r) => localDate(r.periodStart) === row.period);
      expect([row.dataFcrHandled, row.dataFcrRepeated]).toEqual([of.reduce((s, r) => s + r.handled, 0), of.reduce((s, r) => s + r.repeated, 0)]);
    }
    // November cut after the 9th: the month row holds the data of 1–9 November only (the second week's calls left out)
    const cut = await feedback({ from: '2026-11-01', to: '2026-11-09', period: 'month', groupBy: 'channel' });
    const days = await data({ from: '2026-11-01', to: '2026-11-09', period: 'day', groupBy: 'channel' });
    const whole = await data({ from: '2026-11-01', to: '2026-11-30', period: 'month', groupBy: 'channel' });
    const phone = cut.rows.find((r) => r.group === 'phone')!;
    const phoneDays = days.filter((r) => r.group === 'phone');
    expect(phone.dataFcrHandled).toBe(phoneDays.reduce((s, r) => s + r.handled, 0));
    expect(phone.dataFcrHandled).toBe(3);
    expect(whole.find((r) => r.group === 'phone')!.handled).toBe(5);
    // totals: the group's data figure over the whole range
    const totals = (await feedback({ from: '2026-11-01', to: '2026-11-30', period: 'week', groupBy: 'channel' })).totals.find((r) => r.group === 'phone')!;
    expect(totals).toMatchObject({ period: null, dataFcrHandled: 5, dataFcrRepeated: 1, dataFcrRate: 0.8 });
  });

  it('takes to as the last local date, inclusive, as GET /v1/reports/* do: one day is from=to', async () => {
    // Tuesday 10 November: the two calls of week 46, both answered "solved"
    const day = await feedback({ from: '2026-11-10', to: '2026-11-10', period: 'day', groupBy: 'channel' });
    expect(day.rows.map((r) => ({ period: r.period, group: r.group }))).toEqual([{ period: '2026-11-10', group: 'phone' }]);
    expect(day.rows[0]).toMatchObject({ fcrRate: 1, dataFcrHandled: 2 });
    const sameDay = (await data({ from: '2026-11-10', to: '2026-11-10', period: 'day', groupBy: 'channel' })).find((r) => r.group === 'phone')!;
    expect(day.rows[0].dataFcrHandled).toBe(sameDay.handled);
    // the week of 2 November ends on Sunday the 8th: to=2026-11-08 holds all of it, and nothing of the 10th
    const week45 = await feedback({ from: '2026-11-02', to: '2026-11-08', period: 'week', groupBy: 'none' });
    expect(week45.rows.map((r) => r.period)).toEqual(['2026-11-02']);
    const both = await feedback({ from: '2026-11-02', to: '2026-11-10', period: 'week', groupBy: 'none' });
    expect(both.rows.map((r) => r.period)).toEqual(['2026-11-02', '2026-11-09']);
    // before from is refused, naming the field and the rule
    const refused = await t.http.get('/v1/feedback/reports').query({ from: '2026-11-10', to: '2026-11-09' }).set(...man).expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'to', rule: 'afterFrom' })]);
  });

  it('marks the data figure final once 7 days have passed after the period, as the data report does, and writes it in the CSV', async () => {
    const before = w.now();
    w.setNow(new Date('2026-12-20T10:00:00Z'));
    try {
      const fb = await feedback({ from: '2026-11-01', to: '2026-11-30', period: 'month', groupBy: 'channel' });
      const dr = await data({ from: '2026-11-01', to: '2026-11-30', period: 'month', groupBy: 'channel' });
      const phone = fb.rows.find((r) => r.group === 'phone')!;
      expect(phone.dataFcrWindowComplete).toBe(true);
      expect(phone.dataFcrRate).toBe(dr.find((r) => r.group === 'phone')!.firstContactResolution);
      const csv = await t.http.get('/v1/feedback/reports').query({ from: '2026-11-01', to: '2026-11-30', period: 'month', groupBy: 'channel', format: 'csv' }).set(...man).expect(200);
      const [header, ...lines] = csv.text.trim().split('\r\n');
      expect(header.split(',').slice(-4)).toEqual(['dataFcrHandled', 'dataFcrRepeated', 'dataFcrRate', 'dataFcrWindowComplete']);
      expect(lines.find((l) => l.startsWith('2026-11-01,phone,'))!.split(',').slice(-4)).toEqual(['5', '1', '0.8', 'true']);
      expect(csv.text).not.toMatch(/\+3584|sbs-web|sbs-mail|Laskusta/);
    } finally {
      w.setNow(before);
    }
  });
});
