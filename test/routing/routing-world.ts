/**
 * A small contact centre built through the API for routing tests: skills, one department, an
 * always-open calendar, phone/chat/email queues in Finnish, an entry point, and agents.
 */
import request from 'supertest';
import { DataSource } from 'typeorm';
import { RoutingClock } from '../../apps/api/src/routing/routing-clock.js';
import { RoutingEngine } from '../../apps/api/src/routing/routing-engine.js';
import { bearer, startTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';

export const CALLED_NUMBER = '+358201234567';

export interface RoutingWorld {
  departmentId: string;
  calendarId: string;
  phoneQueueId: string;
  chatQueueId: string;
  emailQueueId: string;
  agentIds: string[];
}

/**
 * The instance at `url` (a listening app, or an API process) as the TestApp the world is built
 * through: supertest on it, the test admin key, and one API key per role, made on first use.
 */
export function testAppAt(url: string): TestApp {
  const keys = new Map<string, string>();
  const http = request(url);
  return {
    http,
    adminKey: TEST_ADMIN_KEY,
    async keyFor(role: string): Promise<string> {
      if (!keys.has(role)) keys.set(role, (await http.post('/v1/api-keys').set(...bearer(TEST_ADMIN_KEY)).send({ name: `test ${role}`, role }).expect(201)).body.key);
      return keys.get(role)!;
    },
  } as unknown as TestApp;
}

export async function buildRoutingWorld(t: TestApp, agents: number, opts: { capacity?: { phone: number; chat: number; email: number }; suffix?: string } = {}): Promise<RoutingWorld> {
  const admin = bearer(t.adminKey);
  const s = opts.suffix ?? '';
  for (const skill of [
    { key: 'lang:fi', kind: 'language', name: 'Finnish' },
    { key: 'lang:sv', kind: 'language', name: 'Swedish' },
  ]) {
    await t.http.put('/v1/skills').set(...admin).send(skill).expect(200);
  }
  const department = await t.http.post('/v1/departments').set(...admin).send({ key: `cs${s}`, name: 'Customer service', kind: 'customer-service' }).expect(201);
  const calendar = await t.http
    .post('/v1/calendars')
    .set(...admin)
    .send({ key: `always${s}`, name: 'Always open', timeZone: 'Europe/Helsinki', holidayRegion: null, openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, open: '00:00', close: '24:00' })) })
    .expect(201);
  const queue = async (channel: string, extra: Record<string, unknown> = {}) =>
    (
      await t.http
        .post('/v1/queues')
        .set(...admin)
        .send({ key: `${channel}-fi${s}`, name: `${channel} fi`, departmentId: department.body.id, channel, language: 'fi', calendarId: calendar.body.id, requiredSkills: [{ skill: 'lang:fi', minProficiency: 3 }], ...extra })
        .expect(201)
    ).body.id as string;
  const phoneQueueId = await queue('phone');
  const chatQueueId = await queue('chat');
  const emailQueueId = await queue('email', { target: { percent: 90, seconds: 8 * 3600, basis: 'business' } });
  await t.http.post('/v1/entry-points').set(...admin).send({ calledNumber: `${CALLED_NUMBER}${s ? s.replace(/\D/g, '') : ''}`, name: 'Service number', queueId: phoneQueueId }).expect(201);
  const agentIds: string[] = [];
  for (let i = 0; i < agents; i++) {
    const n = `${s}${String(i + 1).padStart(3, '0')}`;
    const res = await t.http
      .post('/v1/agents')
      .set(...admin)
      .send({
        employeeNumber: `R${n}`,
        displayName: `Agent ${n}`,
        departmentId: department.body.id,
        phoneUri: `sip:r${n}@pbx.example.com`,
        capacity: opts.capacity ?? { phone: 1, chat: 2, email: 3 },
        skills: [{ skill: 'lang:fi', proficiency: 5 }],
      })
      .expect(201);
    agentIds.push(res.body.id);
  }
  return { departmentId: department.body.id, calendarId: calendar.body.id, phoneQueueId, chatQueueId, emailQueueId, agentIds };
}

/** A second Finnish chat queue in the world's department and calendar (a transfer target); its id. */
export async function addChatQueue(t: TestApp, w: RoutingWorld, key: string, name: string): Promise<string> {
  const admin = bearer(t.adminKey);
  const body = { key, name, departmentId: w.departmentId, channel: 'chat', language: 'fi', calendarId: w.calendarId, requiredSkills: [{ skill: 'lang:fi', minProficiency: 3 }] };
  return (await t.http.post('/v1/queues').set(...admin).send(body).expect(201)).body.id as string;
}

export interface RoutingTestApp {
  t: TestApp;
  w: RoutingWorld;
  tel: [string, string];
  sup: [string, string];
  db: DataSource;
  engine: RoutingEngine;
  clock: RoutingClock;
  /** Added to the real time on the routing clock; a test moves time by setting it. */
  time: { offsetMs: number };
}

/**
 * A test app (routing jobs off) with a routing world of `agents` agents — all available unless
 * `available` is false (then they never log in) — telephony and supervisor keys, and the routing
 * clock running `time.offsetMs` ahead of the real one.
 */
export async function startRoutingTestApp(agents: number, opts: { available?: boolean } = {}): Promise<RoutingTestApp> {
  const t = await startTestApp({ routingJobs: false });
  const w = await buildRoutingWorld(t, agents);
  const tel = bearer(await t.keyFor('telephony'));
  const sup = bearer(await t.keyFor('supervisor'));
  if (opts.available ?? true) for (const id of w.agentIds) await t.http.put(`/v1/agents/${id}/state`).set(...sup).send({ state: 'available' }).expect(200);
  const time = { offsetMs: 0 };
  const clock = t.app.get(RoutingClock);
  clock.now = () => new Date(Date.now() + time.offsetMs);
  return { t, w, tel, sup, db: t.app.get(DataSource), engine: t.app.get(RoutingEngine), clock, time };
}

export function callBody(callId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { channel: 'phone', callId, callerId: '+358401234567', callerName: 'Matti Meikäläinen', calledNumber: CALLED_NUMBER, language: 'fi', ...overrides };
}

export function eventBody(event: string, callId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { event, channel: 'phone', callId, ts: new Date().toISOString(), ...overrides };
}
