import { DataSource } from 'typeorm';
import { SampleEndedContacts } from '../../apps/api/src/feedback/feedback.use-cases.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { callBody } from '../routing/routing-world.js';
import { buildFeedbackWorld, type FeedbackWorld } from './feedback-world.js';

/**
 * A call a supervisor ends while it still rings at an agent (POST /v1/contacts/{id}/end) ends with
 * status `ended` and names the agent it rang at, but nobody answered it: the caller is not asked
 * how the service was, and the agent gets no score for it.
 */
describe('feedback: only contacts an agent answered are surveyed', () => {
  let t: TestApp;
  let w: FeedbackWorld;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, feedbackJobs: false });
    w = await buildFeedbackWorld(t, new Date('2026-11-02T08:00:00Z'), 5);
    db = t.app.get(DataSource);
    await t.http.put('/v1/feedback/settings').set(...bearer(await t.keyFor('supervisor'))).send({ rates: { phone: 1, chat: 1, email: 1 }, cooldownDays: 0 }).expect(200);
  });
  afterAll(() => t.close());

  it('does not invite the caller of a call ended unanswered while it rang', async () => {
    const tel = bearer(await t.keyFor('telephony'));
    const sup = bearer(await t.keyFor('supervisor'));
    const ringing = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('unanswered-1', { callerId: '+358401117777' })).expect(200)).body;
    expect(ringing.decision).toBe('agent');
    const ended = (await t.http.post('/v1/contacts/unanswered-1/end').set(...sup).expect(200)).body;
    expect(ended).toMatchObject({ status: 'ended', endReason: 'ended-by-supervisor', answeredAt: null, agentId: ringing.agentId });
    const served = await w.call('answered-1', '+358401116666');

    expect(await t.app.get(SampleEndedContacts).execute(w.now())).toEqual({ ran: true, considered: 2, invited: 1 });
    expect(await db.query(`SELECT contact_id FROM surveys`)).toEqual([{ contact_id: served }]);
  });
});
