/**
 * Contacts produced by the routing engine through the API for the feedback and privacy tests:
 * phone calls (decision → answered → ended), chats and e-mails (handed in, accepted, completed),
 * on one moved clock shared by routing, feedback and privacy.
 */
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { FeedbackClock, FeedbackRandom } from '../../apps/api/src/feedback/feedback-clock.js';
import { PrivacyClock } from '../../apps/api/src/privacy/privacy.use-cases.js';
import { bearer, type TestApp } from '../support/test-app.js';
import { buildRoutingWorld, callBody, eventBody, type RoutingWorld } from '../routing/routing-world.js';

export interface FeedbackWorld extends RoutingWorld {
  /** Moves every clock of the app (routing, feedback, privacy). */
  setNow(at: Date): void;
  now(): Date;
  /** A phone call from `callerId` answered and ended by an agent; returns the contact id. */
  call(callId: string, callerId: string, callerName?: string): Promise<string>;
  /** A chat or an e-mail handed in, accepted and completed by an agent; returns the contact id. */
  message(channel: 'chat' | 'email', customerRef: string, subject?: string): Promise<string>;
}

export async function buildFeedbackWorld(t: TestApp, start: Date, seed = 1): Promise<FeedbackWorld> {
  const w = await buildRoutingWorld(t, 2, { capacity: { phone: 1, chat: 2, email: 2 } });
  const tel = bearer(await t.keyFor('telephony'));
  const sup = bearer(await t.keyFor('supervisor'));
  const agentKeys = new Map<string, [string, string]>();
  for (const id of w.agentIds) {
    agentKeys.set(id, bearer((await t.http.post(`/v1/agents/${id}/api-keys`).set(...bearer(t.adminKey)).send({ name: `desk ${id.slice(0, 4)}` }).expect(201)).body.key));
  }
  let now = start;
  for (const clock of [t.app.get(RoutingClock), t.app.get(FeedbackClock), t.app.get(PrivacyClock)]) clock.now = () => now;
  t.app.get(FeedbackRandom).useSeed(seed);
  const engine = t.app.get(RoutingEngine);
  for (const id of w.agentIds) await t.http.put(`/v1/agents/${id}/state`).set(...sup).send({ state: 'available' }).expect(200);

  const advance = async (seconds: number) => {
    now = new Date(now.getTime() + seconds * 1000);
    await engine.tick();
  };

  return {
    ...w,
    setNow: (at) => {
      now = at;
    },
    now: () => now,
    async call(callId, callerId, callerName = 'Matti Meikäläinen') {
      const d = (await t.http.post('/v1/routing/decisions').set(...tel).send(callBody(callId, { callerId, callerName })).expect(200)).body;
      if (d.decision !== 'agent') throw new Error(`call ${callId} was not routed to an agent: ${JSON.stringify(d)}`);
      await advance(5);
      await t.http.post('/v1/routing/events').set(...tel).send({ ...eventBody('answered', callId, { decisionId: d.decisionId, agentId: d.agentId }), ts: now.toISOString() }).expect(200);
      await advance(120);
      const ended = await t.http.post('/v1/routing/events').set(...tel).send({ ...eventBody('ended', callId, { hangupBy: 'caller' }), ts: now.toISOString() }).expect(200);
      if (!ended.body.applied) throw new Error(`call ${callId} did not end: ${JSON.stringify(ended.body)}`);
      await advance(60); // wrap-up over
      const c = (await t.http.get(`/v1/contacts/${callId}`).set(...sup).expect(200)).body;
      return c.id as string;
    },
    async message(channel, customerRef, subject) {
      const created = (
        await t.http
          .post('/v1/contacts')
          .set(...tel)
          .send({ channel, queueId: channel === 'chat' ? w.chatQueueId : w.emailQueueId, customerRef, language: 'fi', ...(subject ? { subject } : {}) })
          .expect(201)
      ).body;
      const agentId = created.agentId as string;
      if (!agentId) throw new Error(`${channel} ${customerRef} was not offered to an agent`);
      const key = agentKeys.get(agentId)!;
      const offer = ((await t.http.get(`/v1/agents/${agentId}/offers`).set(...key).expect(200)).body as { contactId: string; offerId: string }[]).find((o) => o.contactId === created.id)!;
      await advance(3);
      await t.http.post(`/v1/agents/${agentId}/offers/${offer.offerId}/accept`).set(...key).expect(200);
      await advance(240);
      await t.http.post(`/v1/agents/${agentId}/contacts/${created.id}/complete`).set(...key).send({ wrapUpSeconds: 0 }).expect(200);
      await advance(1);
      return created.id as string;
    },
  };
}
