import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROLES, type Role } from '../../libs/core/src/role.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Who may call what. Admin may call everything. Every operation in the OpenAPI document must be
 * listed in a file of ./role-matrix/ (one per feature) or be public, so a new endpoint cannot ship
 * without a decision about its roles.
 */
async function loadMatrix(): Promise<Record<string, Role[]>> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'role-matrix');
  const matrix: Record<string, Role[]> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const entries = ((await import(join(dir, file))) as { ROLE_MATRIX: Record<string, Role[]> }).ROLE_MATRIX;
    for (const [operation, roles] of Object.entries(entries)) {
      if (operation in matrix) throw new Error(`${operation} is listed twice (again in ${file})`);
      matrix[operation] = roles;
    }
  }
  return matrix;
}

const PUBLIC = ['GET /health/live', 'GET /health/ready', 'GET /health', 'GET /metrics', 'GET /v1/surveys/{token}', 'POST /v1/surveys/{token}/response'];
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('role matrix', () => {
  let t: TestApp;
  let operations: { method: string; path: string; key: string }[];
  let MATRIX: Record<string, Role[]>;

  beforeAll(async () => {
    t = await startTestApp();
    MATRIX = await loadMatrix();
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
