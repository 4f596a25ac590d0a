import { ROLES, type Role } from '../../libs/core/src/role.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Who may call what. Admin may call everything. Every operation in the OpenAPI document must be
 * listed here (or be public), so a new endpoint cannot ship without a decision about its roles.
 */
const MATRIX: Record<string, Role[]> = {
  'POST /v1/api-keys': ['admin'],
  'GET /v1/api-keys': ['admin'],
  'DELETE /v1/api-keys/{id}': ['admin'],
  'GET /v1/departments': ['admin', 'supervisor', 'manager'],
  'GET /v1/departments/{id}': ['admin', 'supervisor', 'manager'],
  'POST /v1/departments': ['admin'],
  'PUT /v1/departments/{id}': ['admin'],
  'DELETE /v1/departments/{id}': ['admin'],
  'GET /v1/skills': ['admin', 'supervisor', 'manager'],
  'PUT /v1/skills': ['admin'],
  'GET /v1/agents': ['admin', 'supervisor', 'manager'],
  'GET /v1/agents/{id}': ['admin', 'supervisor', 'manager'],
  'POST /v1/agents': ['admin', 'supervisor'],
  'PUT /v1/agents/{id}': ['admin', 'supervisor'],
  'DELETE /v1/agents/{id}': ['admin', 'supervisor'],
  'GET /v1/calendars': ['admin', 'supervisor', 'manager'],
  'GET /v1/calendars/{id}': ['admin', 'supervisor', 'manager'],
  'POST /v1/calendars': ['admin', 'supervisor'],
  'PUT /v1/calendars/{id}': ['admin', 'supervisor'],
  'DELETE /v1/calendars/{id}': ['admin', 'supervisor'],
  'GET /v1/queues': ['admin', 'supervisor', 'manager'],
  'GET /v1/queues/{id}': ['admin', 'supervisor', 'manager'],
  'POST /v1/queues': ['admin', 'supervisor'],
  'PUT /v1/queues/{id}': ['admin', 'supervisor'],
  'DELETE /v1/queues/{id}': ['admin', 'supervisor'],
};

const PUBLIC = ['GET /health/live', 'GET /health/ready', 'GET /health', 'GET /metrics'];
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('role matrix', () => {
  let t: TestApp;
  let operations: { method: string; path: string; key: string }[];

  beforeAll(async () => {
    t = await startTestApp();
    const doc = (await t.http.get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path, key: `${method.toUpperCase()} ${path}` })),
    );
  });
  afterAll(() => t.close());

  it('lists every documented operation, so none ships without a role decision', () => {
    const documented = operations.map((o) => o.key).sort();
    expect(documented).toEqual([...Object.keys(MATRIX), ...PUBLIC].sort());
  });

  it('answers 401 problem+json to every protected operation called without a key or with a wrong key', async () => {
    for (const op of operations.filter((o) => !PUBLIC.includes(o.key))) {
      const url = op.path.replace('{id}', UNKNOWN_ID);
      const none = await t.http[op.method.toLowerCase() as 'get'](url).send({});
      expect({ op: op.key, status: none.status, code: none.body.code }).toEqual({ op: op.key, status: 401, code: 'auth.missing_key' });
      const wrong = await t.http[op.method.toLowerCase() as 'get'](url).set(...bearer('vuoro_not-a-real-key')).send({});
      expect({ op: op.key, status: wrong.status, code: wrong.body.code }).toEqual({ op: op.key, status: 401, code: 'auth.invalid_key' });
    }
  });

  it('lets each role reach exactly its operations (403 for the others)', async () => {
    for (const role of ROLES) {
      const key = await t.keyFor(role);
      for (const op of operations.filter((o) => !PUBLIC.includes(o.key))) {
        const url = op.path.replace('{id}', UNKNOWN_ID);
        const res = await t.http[op.method.toLowerCase() as 'get'](url).set(...bearer(key)).send({});
        const allowed = MATRIX[op.key].includes(role);
        // An allowed call may still fail on its input (404 unknown id, 422 empty body), never on the role.
        expect({ role, op: op.key, forbidden: res.status === 403, unauthenticated: res.status === 401 }).toEqual({ role, op: op.key, forbidden: !allowed, unauthenticated: false });
      }
    }
  });

  it('keeps health and metrics public', async () => {
    await t.http.get('/health').expect(200);
    await t.http.get('/health/live').expect(200);
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up' } });
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.text).toContain('vuoro_http_request_duration_seconds');
    await t.http.get('/docs').expect(200);
  });
});
