import { agentBody, createReferenceData } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

describe('departments, calendars, skills and queues', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lets a new user build a department, calendar, queue and agents, with per-channel default targets', async () => {
    const { departmentId, calendarId, queueId } = await createReferenceData(t);
    const admin = bearer(t.adminKey);
    const queue = await t.http.get(`/v1/queues/${queueId}`).set(...admin).expect(200);
    expect(queue.body).toMatchObject({ channel: 'phone', language: 'fi', departmentId, calendarId, target: { percent: 90, seconds: 30, basis: 'elapsed' }, requiredSkills: [{ skill: 'lang:fi', minProficiency: 3 }] });

    const email = await t.http.post('/v1/queues').set(...admin).send({ key: 'email-fi', name: 'Email, Finnish', departmentId, channel: 'email', language: 'fi', calendarId, requiredSkills: [] }).expect(201);
    expect(email.body.target).toEqual({ percent: 90, seconds: 28800, basis: 'business' });
    const chat = await t.http.post('/v1/queues').set(...admin).send({ key: 'chat-fi', name: 'Chat', departmentId, channel: 'chat', calendarId, requiredSkills: [], target: { percent: 85, seconds: 45, basis: 'elapsed' } }).expect(201);
    expect(chat.body.target).toEqual({ percent: 85, seconds: 45, basis: 'elapsed' });

    const list = await t.http.get('/v1/queues?channel=email').set(...admin).expect(200);
    expect(list.body.map((q: { key: string }) => q.key)).toEqual(['email-fi']);
  });

  it('refuses to delete a department or calendar still in use (409) and deletes them once free', async () => {
    const admin = bearer(t.adminKey);
    const department = await t.http.post('/v1/departments').set(...admin).send({ key: 'legal', name: 'Legal', kind: 'other' }).expect(201);
    const agent = await t.http.post('/v1/agents').set(...admin).send(agentBody(department.body.id, { employeeNumber: 'L1' })).expect(201);
    const inUse = await t.http.delete(`/v1/departments/${department.body.id}`).set(...admin).expect(409);
    expect(inUse.body.code).toBe('department.in_use');
    await t.http.delete(`/v1/agents/${agent.body.id}`).set(...admin).expect(204);
    await t.http.delete(`/v1/departments/${department.body.id}`).set(...admin).expect(204);
    await t.http.delete(`/v1/departments/${department.body.id}`).set(...admin).expect(404);

    const calendars = await t.http.get('/v1/calendars').set(...admin).expect(200);
    const used = calendars.body.find((c: { key: string }) => c.key === 'fi-contact-centre');
    expect((await t.http.delete(`/v1/calendars/${used.id}`).set(...admin).expect(409)).body.code).toBe('calendar.in_use');
  });

  it('validates calendars: time zone, HH:MM, close after open, unique closure dates', async () => {
    const admin = bearer(t.adminKey);
    const res = await t.http
      .post('/v1/calendars')
      .set(...admin)
      .send({ key: 'bad', name: 'Bad', timeZone: 'Europe/Atlantis', openingHours: [{ weekday: 8, open: '8:00', close: '18:00' }] })
      .expect(422);
    const pairs = res.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`);
    expect(pairs).toEqual(expect.arrayContaining(['timeZone:isTimeZone', 'openingHours[0].weekday:max', 'openingHours[0].open:matches']));

    const inverted = await t.http
      .post('/v1/calendars')
      .set(...admin)
      .send({ key: 'inverted', name: 'Inverted', timeZone: 'Europe/Helsinki', openingHours: [{ weekday: 1, open: '18:00', close: '08:00' }], closures: [{ date: '2026-12-23', name: 'a' }, { date: '2026-12-23', name: 'b' }] })
      .expect(422);
    expect(inverted.body.errors.map((e: { field: string }) => e.field)).toEqual(['openingHours[0].close', 'closures[1].date']);
  });

  it('validates skills and queues, naming the field and rule', async () => {
    const admin = bearer(t.adminKey);
    const skill = await t.http.put('/v1/skills').set(...admin).send({ key: 'topic:estates', kind: 'language', name: 'Estates' }).expect(422);
    expect(skill.body.errors).toEqual([expect.objectContaining({ field: 'key', rule: 'matchesKind' })]);
    const queue = await t.http
      .post('/v1/queues')
      .set(...admin)
      .send({ key: 'Phone FI', name: 'x', departmentId: 'x', channel: 'fax', calendarId: '00000000-0000-4000-8000-000000000000', target: { percent: 120, seconds: 0, basis: 'wall' }, requiredSkills: [] })
      .expect(422);
    const pairs = queue.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`);
    expect(pairs).toEqual(expect.arrayContaining(['key:matches', 'departmentId:isUuid', 'channel:isIn', 'target.percent:max', 'target.seconds:min', 'target.basis:isIn']));
  });

  it('lists Finnish public holidays and own closures of a calendar, with its open hours', async () => {
    const admin = bearer(t.adminKey);
    const created = await t.http
      .post('/v1/calendars')
      .set(...admin)
      .send({ key: 'fi-office-2026', name: 'Office', timeZone: 'Europe/Helsinki', holidayRegion: 'FI', openingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:00', close: '16:00' })), closures: [{ date: '2026-12-23', name: 'Staff day' }] })
      .expect(201);
    const year = await t.http.get(`/v1/calendars/${created.body.id}/closed-dates?year=2026`).set(...admin).expect(200);
    const dates = year.body.closedDates.map((d: { date: string; kind: string }) => `${d.date}:${d.kind}`);
    expect(dates).toEqual(expect.arrayContaining(['2026-01-01:public-holiday', '2026-04-03:public-holiday', '2026-06-19:public-holiday', '2026-12-06:public-holiday', '2026-12-23:closure', '2026-12-24:public-holiday']));
    // 261 weekdays in 2026, minus the 9 holidays on weekdays (1.1, 6.1, Good Friday 3.4, Easter Monday
    // 6.4, 1.5, Ascension 14.5, Midsummer Eve 19.6, 24.12, 25.12) and the closure, at 8 hours each.
    expect(year.body.openHours).toBe((261 - 9 - 1) * 8);
    await t.http.get(`/v1/calendars/${created.body.id}/closed-dates?year=nineteen`).set(...admin).expect(422);
    // Any year a date in the API may have (1900–2999), not a narrower cap of its own.
    const far = await t.http.get(`/v1/calendars/${created.body.id}/closed-dates?year=2500`).set(...admin).expect(200);
    expect(far.body.closedDates.length).toBeGreaterThan(5);
    expect((await t.http.get(`/v1/calendars/${created.body.id}/closed-dates?year=3000`).set(...admin).expect(422)).body.errors).toEqual([expect.objectContaining({ field: 'year', rule: 'max' })]);
  });

  it('lists Swedish public holidays for holidayRegion SE (an audit got 422 "must be one of FI")', async () => {
    const admin = bearer(t.adminKey);
    const created = await t.http
      .post('/v1/calendars')
      .set(...admin)
      .send({ key: 'se-office-2026', name: 'Kontor', timeZone: 'Europe/Stockholm', holidayRegion: 'SE', openingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:00', close: '16:00' })) })
      .expect(201);
    expect(created.body.holidayRegion).toBe('SE');
    const year = await t.http.get(`/v1/calendars/${created.body.id}/closed-dates?year=2026`).set(...admin).expect(200);
    const byDate = Object.fromEntries(year.body.closedDates.map((d: { date: string; name: string; kind: string }) => [d.date, `${d.name}:${d.kind}`]));
    expect(byDate).toMatchObject({ '2026-06-06': 'National Day of Sweden:public-holiday', '2026-06-19': 'Midsummer Eve:public-holiday', '2026-10-31': "All Saints' Day:public-holiday", '2026-12-31': "New Year's Eve:public-holiday" });
    expect(byDate['2026-12-06']).toBeUndefined(); // Finland's Independence Day
    // 261 weekdays in 2026, minus the 10 holidays on weekdays (1.1, 6.1, Good Friday 3.4, Easter Monday
    // 6.4, 1.5, Ascension 14.5, Midsummer Eve 19.6, 24.12, 25.12, 31.12), at 8 hours each.
    expect(year.body.openHours).toBe((261 - 10) * 8);
    const unknown = await t.http.post('/v1/calendars').set(...admin).send({ key: 'no-office', name: 'Kontor', timeZone: 'Europe/Oslo', holidayRegion: 'NO', openingHours: [] }).expect(422);
    expect(JSON.stringify(unknown.body)).toContain('FI, SE');
  });
});
