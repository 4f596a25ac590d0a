import { agentBody, createReferenceData } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

describe('agents API', () => {
  let t: TestApp;
  let departmentId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ departmentId } = await createReferenceData(t));
  });
  afterAll(() => t.close());

  it('creates, reads, replaces, lists and deletes an agent with skills and capacities', async () => {
    const supervisor = bearer(await t.keyFor('supervisor'));
    const created = await t.http.post('/v1/agents').set(...supervisor).send(agentBody(departmentId)).expect(201);
    expect(created.body).toMatchObject({
      employeeNumber: 'E2001',
      departmentId,
      phoneUri: 'sip:e2001@pbx.example.com',
      timeZone: 'Europe/Helsinki',
      capacity: { phone: 1, chat: 3, email: 5 },
      active: true,
      skills: [
        { skill: 'lang:fi', proficiency: 5 },
        { skill: 'topic:payment-plans', proficiency: 3 },
      ],
    });
    const id = created.body.id;

    await t.http.get(`/v1/agents/${id}`).set(...supervisor).expect(200);
    const replaced = await t.http
      .put(`/v1/agents/${id}`)
      .set(...supervisor)
      .send(agentBody(departmentId, { skills: [{ skill: 'lang:sv', proficiency: 4 }], capacity: { phone: 0, chat: 2, email: 3 } }))
      .expect(200);
    expect(replaced.body.skills).toEqual([{ skill: 'lang:sv', proficiency: 4 }]);
    expect(replaced.body.capacity).toEqual({ phone: 0, chat: 2, email: 3 });

    const bySkill = await t.http.get('/v1/agents?skill=lang:sv').set(...supervisor).expect(200);
    expect(bySkill.body.items.map((a: { id: string }) => a.id)).toEqual([id]);
    const none = await t.http.get('/v1/agents?skill=lang:fi').set(...supervisor).expect(200);
    expect(none.body.total).toBe(0);

    await t.http.delete(`/v1/agents/${id}`).set(...supervisor).expect(204);
    await t.http.get(`/v1/agents/${id}`).set(...supervisor).expect(404);
  });

  it('answers a bad body with 422 problem+json naming every field and rule', async () => {
    const res = await t.http
      .post('/v1/agents')
      .set(...bearer(t.adminKey))
      .send(agentBody(departmentId, { employeeNumber: '', phoneUri: 'tel:+358401234567', timeZone: 'Mars/Olympus', skills: [{ skill: 'lang:fi', proficiency: 9 }], salary: 1 }))
      .expect(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 422, code: 'validation.failed', instance: '/v1/agents' });
    const pairs = res.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`);
    expect(pairs).toEqual(expect.arrayContaining(['employeeNumber:isLength', 'phoneUri:matches', 'timeZone:isTimeZone', 'skills[0].proficiency:max', 'salary:forbidden']));
  });

  it('rejects references to a missing department or skill, naming the field', async () => {
    const admin = bearer(t.adminKey);
    const missingDepartment = await t.http.post('/v1/agents').set(...admin).send(agentBody('00000000-0000-4000-8000-000000000000')).expect(422);
    expect(missingDepartment.body.errors).toEqual([expect.objectContaining({ field: 'departmentId', rule: 'exists' })]);
    const missingSkill = await t.http.post('/v1/agents').set(...admin).send(agentBody(departmentId, { skills: [{ skill: 'lang:de', proficiency: 3 }] })).expect(422);
    expect(missingSkill.body.errors).toEqual([expect.objectContaining({ field: 'skills[0].skill', rule: 'exists' })]);
  });

  it('refuses a second agent with the same employee number with 409, leaving the first intact', async () => {
    const admin = bearer(t.adminKey);
    const first = await t.http.post('/v1/agents').set(...admin).send(agentBody(departmentId, { employeeNumber: 'E3001' })).expect(201);
    const second = await t.http.post('/v1/agents').set(...admin).send(agentBody(departmentId, { employeeNumber: 'E3001', displayName: 'Someone Else' })).expect(409);
    expect(second.body).toMatchObject({ code: 'resource.conflict', errors: [expect.objectContaining({ field: 'agents_employee_number_unique', rule: 'unique' })] });
    const still = await t.http.get(`/v1/agents/${first.body.id}`).set(...admin).expect(200);
    expect(still.body.displayName).toBe('Aino Virtanen');
  });

  it('replacing an agent with an unknown skill changes nothing (no half-written update)', async () => {
    const admin = bearer(t.adminKey);
    const created = await t.http.post('/v1/agents').set(...admin).send(agentBody(departmentId, { employeeNumber: 'E4001' })).expect(201);
    await t.http.put(`/v1/agents/${created.body.id}`).set(...admin).send(agentBody(departmentId, { employeeNumber: 'E4001', displayName: 'Changed', skills: [{ skill: 'lang:zz', proficiency: 2 }] })).expect(422);
    const after = await t.http.get(`/v1/agents/${created.body.id}`).set(...admin).expect(200);
    expect(after.body.displayName).toBe('Aino Virtanen');
    expect(after.body.skills).toHaveLength(2);
  });

  it('gives 400 for malformed JSON and 422 for a malformed id, both as problem+json', async () => {
    const admin = bearer(t.adminKey);
    const malformed = await t.http.post('/v1/agents').set(...admin).set('Content-Type', 'application/json').send('{"employeeNumber":').expect(400);
    expect(malformed.headers['content-type']).toMatch(/problem\+json/);
    const badId = await t.http.get('/v1/agents/not-a-uuid').set(...admin).expect(422);
    expect(badId.body.errors).toEqual([expect.objectContaining({ field: 'id', rule: 'isUuid' })]);
  });
});
