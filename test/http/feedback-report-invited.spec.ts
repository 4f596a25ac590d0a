import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { DeliverSurveyInvitations, SampleEndedContacts } from '../../apps/api/src/feedback/feedback.use-cases.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { buildFeedbackWorld, type FeedbackWorld } from './feedback-world.js';

/**
 * The feedback report's `invited` is the surveys sent out (its Swagger description), so that
 * `responseRate` is answers per invitation received: a survey whose invitation the gateway refused,
 * or that still waits in the outbox, asked no one.
 */
describe('feedback report: invited counts the invitations that went out', () => {
  let t: TestApp;
  let w: FeedbackWorld;
  let db: DataSource;
  const received: string[] = [];
  const statuses: number[] = [];
  const gateway = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(body);
      res.statusCode = statuses.shift() ?? 202;
      res.end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    const { port } = gateway.address() as AddressInfo;
    t = await startTestApp({ routingJobs: false, feedbackJobs: false, surveyWebhook: { url: `http://127.0.0.1:${port}/invitations`, secret: 'webhook-secret-0123456789abcdef-0123' } });
    w = await buildFeedbackWorld(t, new Date('2026-11-02T08:00:00Z'), 9);
    db = t.app.get(DataSource);
    await t.http.put('/v1/feedback/settings').set(...bearer(await t.keyFor('supervisor'))).send({ rates: { phone: 1, chat: 1, email: 1 }, cooldownDays: 0 }).expect(200);
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => gateway.close(r));
  });

  it('leaves out invitations refused by the gateway or not yet sent, and counts the answered ones', async () => {
    await w.call('invited-1', '+358401115551');
    await w.call('invited-2', '+358401115552');
    await w.call('invited-3', '+358401115553');
    expect((await t.app.get(SampleEndedContacts).execute(w.now())).invited).toBe(3);
    statuses.push(202, 202, 400); // the gateway refuses the third number
    expect(await t.app.get(DeliverSurveyInvitations).execute(w.now())).toMatchObject({ sent: 2, closed: 1 });
    const token = (JSON.parse(received[0]) as { surveyUrl: string }).surveyUrl.split('/').pop();
    await t.http.post(`/v1/surveys/${token}/response`).send({ npsScore: 10, resolvedFirstContact: true }).expect(201);
    await w.call('invited-4', '+358401115554'); // drawn, still in the outbox
    expect((await t.app.get(SampleEndedContacts).execute(w.now())).invited).toBe(1);
    expect(await db.query(`SELECT status, count(*)::int AS n FROM survey_invitations GROUP BY status ORDER BY status`)).toEqual([
      { status: 'pending', n: 1 },
      { status: 'rejected', n: 1 },
      { status: 'sent', n: 2 },
    ]);

    const report = (await t.http.get('/v1/feedback/reports?from=2026-11-01&to=2026-11-30&period=month&groupBy=channel').set(...bearer(await t.keyFor('manager'))).expect(200)).body;
    expect(report.rows).toEqual([expect.objectContaining({ period: '2026-11-01', group: 'phone', invited: 2, responses: 1, responseRate: 0.5, nps: 100 })]);
    expect(report.totals).toEqual([expect.objectContaining({ group: 'phone', invited: 2, responses: 1, responseRate: 0.5 })]);
  });
});
