import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app.js';
import { bearer } from './test-app.js';

/** A department, an always-open calendar and a chat queue inserted with plain SQL (for specs of the tables themselves); the queue's id. */
export async function insertChatQueue(query: (sql: string, params: unknown[]) => Promise<unknown>): Promise<string> {
  const department = randomUUID();
  const calendar = randomUUID();
  const queueId = randomUUID();
  await query(`INSERT INTO departments (id, key, name, kind) VALUES ($1, 'cs', 'Customer service', 'customer-service')`, [department]);
  await query(`INSERT INTO business_calendars (id, key, name, time_zone, opening_hours) VALUES ($1, 'always', 'Always', 'Europe/Helsinki', '[]')`, [calendar]);
  await query(
    `INSERT INTO queues (id, key, name, department_id, channel, language, calendar_id, target_percent, target_seconds, target_basis)
     VALUES ($1, 'chat', 'Chat', $2, 'chat', NULL, $3, 80, 60, 'elapsed')`,
    [queueId, department, calendar],
  );
  return queueId;
}

/** A phone and an email queue (no language) beside `chatQueue`, in its department and calendar, with plain SQL; their ids and the department's. */
export async function insertPhoneAndEmailQueues(
  query: (sql: string, params: unknown[]) => Promise<unknown>,
  chatQueue: string,
): Promise<{ department: string; phoneQueue: string; emailQueue: string }> {
  const rows = (sql: string, params: unknown[]) => query(sql, params) as Promise<Record<string, string>[]>;
  const [{ department_id: department, calendar_id: calendar }] = await rows(`SELECT department_id, calendar_id FROM queues WHERE id = $1`, [chatQueue]);
  const [{ id: phoneQueue }] = await rows(
    `INSERT INTO queues (key, name, department_id, channel, language, calendar_id, target_percent, target_seconds, target_basis)
     VALUES ('phone', 'Phone', $1, 'phone', NULL, $2, 90, 30, 'elapsed') RETURNING id`,
    [department, calendar],
  );
  const [{ id: emailQueue }] = await rows(
    `INSERT INTO queues (key, name, department_id, channel, language, calendar_id, target_percent, target_seconds, target_basis)
     VALUES ('email', 'Email', $1, 'email', NULL, $2, 90, 28800, 'business') RETURNING id`,
    [department, calendar],
  );
  return { department: department!, phoneQueue: phoneQueue!, emailQueue: emailQueue! };
}

/** Reference data created through the API, as a new user would in Swagger UI. */
export async function createReferenceData(t: TestApp): Promise<{ departmentId: string; calendarId: string; queueId: string }> {
  const admin = bearer(t.adminKey);
  for (const skill of [
    { key: 'lang:fi', kind: 'language', name: 'Finnish' },
    { key: 'lang:sv', kind: 'language', name: 'Swedish' },
    { key: 'topic:payment-plans', kind: 'topic', name: 'Payment plans' },
  ]) {
    await t.http.put('/v1/skills').set(...admin).send(skill).expect(200);
  }
  const department = await t.http.post('/v1/departments').set(...admin).send({ key: 'customer-service', name: 'Customer service', kind: 'customer-service' }).expect(201);
  const calendar = await t.http
    .post('/v1/calendars')
    .set(...admin)
    .send({ key: 'fi-contact-centre', name: 'Contact centre', timeZone: 'Europe/Helsinki', holidayRegion: 'FI', openingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:00', close: '18:00' })) })
    .expect(201);
  const queue = await t.http
    .post('/v1/queues')
    .set(...admin)
    .send({ key: 'phone-fi', name: 'Phone, Finnish', departmentId: department.body.id, channel: 'phone', language: 'fi', calendarId: calendar.body.id, requiredSkills: [{ skill: 'lang:fi', minProficiency: 3 }] })
    .expect(201);
  return { departmentId: department.body.id, calendarId: calendar.body.id, queueId: queue.body.id };
}

export function agentBody(departmentId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    employeeNumber: 'E2001',
    displayName: 'Aino Virtanen',
    departmentId,
    phoneUri: 'sip:e2001@pbx.example.com',
    capacity: { phone: 1, chat: 3, email: 5 },
    skills: [
      { skill: 'lang:fi', proficiency: 5 },
      { skill: 'topic:payment-plans', proficiency: 3 },
    ],
    ...overrides,
  };
}
