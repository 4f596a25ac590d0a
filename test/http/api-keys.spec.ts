import { bearer, startTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';

describe('API keys', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('creates a key whose secret is shown once and stored only as a hash, then revokes it at once', async () => {
    const admin = bearer(t.adminKey);
    const created = await t.http.post('/v1/api-keys').set(...admin).send({ name: 'wallboard', role: 'manager' }).expect(201);
    expect(created.body.key).toMatch(/^vuoro_[A-Za-z0-9_-]{40,}$/);
    expect(created.body.keyPrefix).toBe(created.body.key.slice(0, 10));

    const listed = await t.http.get('/v1/api-keys').set(...admin).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    const rows = await t.app.get((await import('typeorm')).DataSource).query('SELECT key_hash FROM api_keys WHERE id = $1', [created.body.id]);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].key_hash).not.toContain(created.body.key);

    await t.http.get('/v1/departments').set(...bearer(created.body.key)).expect(200);
    const revoked = await t.http.delete(`/v1/api-keys/${created.body.id}`).set(...admin).expect(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const refused = await t.http.get('/v1/departments').set(...bearer(created.body.key)).expect(401);
    expect(refused.body.code).toBe('auth.invalid_key');
  });

  it('bootstraps ADMIN_API_KEY as an admin key and names a bad role in a 422', async () => {
    const listed = await t.http.get('/v1/api-keys').set(...bearer(TEST_ADMIN_KEY)).expect(200);
    expect(listed.body).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'admin', name: 'bootstrap-admin (ADMIN_API_KEY)', revokedAt: null })]));
    const bad = await t.http.post('/v1/api-keys').set(...bearer(TEST_ADMIN_KEY)).send({ name: 'x', role: 'root' }).expect(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'role', rule: 'isIn' })]);
  });

  it('refuses role agent, saying where agent keys are made (a key bound to no agent could not act for any), and makes nothing', async () => {
    const admin = bearer(TEST_ADMIN_KEY);
    const before = (await t.http.get('/v1/api-keys').set(...admin).expect(200)).body.length;
    const res = await t.http.post('/v1/api-keys').set(...admin).send({ name: 'desk', role: 'agent' }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'role', rule: 'isIn', message: 'role agent: an agent key is bound to its agent; make it with POST /v1/agents/{id}/api-keys' }]);
    expect((await t.http.get('/v1/api-keys').set(...admin).expect(200)).body).toHaveLength(before);
    const other = await t.http.post('/v1/api-keys').set(...admin).send({ name: 'x', role: 'root' }).expect(422);
    expect(other.body.errors[0].message).toBe('role must be one of admin, supervisor, manager, telephony (agent keys: POST /v1/agents/{id}/api-keys)');
    // The Swagger contract lists the roles this endpoint makes keys for.
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    expect(doc.components.schemas.CreateApiKeyDto.properties.role.enum).toEqual(['admin', 'supervisor', 'manager', 'telephony']);
    // The agent key made where the message says acts for its agent.
    const agentKey = await t.keyFor('agent');
    const listed = (await t.http.get('/v1/api-keys').set(...admin).expect(200)).body as { role: string; name: string }[];
    expect(listed.filter((k) => k.role === 'agent')).toEqual([expect.objectContaining({ name: 'test agent' })]);
    expect(agentKey).toMatch(/^vuoro_/);
  });
});
