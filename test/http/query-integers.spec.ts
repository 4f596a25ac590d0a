/**
 * Integer query parameters take plain decimal integer text only. An audit found the long poll's
 * `waitSeconds=%205`, `1e1` and `0x2` accepted (waits of 5, 10 and 2 s: `Number()` of the text), and
 * `waitSeconds=2&waitSeconds=3` answered with a 422 listing max, min and isInt at once; every integer
 * query parameter was read the same way.
 */
import { randomUUID } from 'node:crypto';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  example?: unknown;
  schema?: { type?: string; example?: unknown; enum?: unknown[] };
}

describe('integer query parameters', () => {
  let t: TestApp;
  let admin: [string, string];
  /** Every documented GET with an integer query parameter: the path (ids filled in), the other required parameters (their examples) and the integer ones. */
  let operations: { path: string; required: Record<string, string>; integers: { name: string; example: string }[] }[];

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false });
    admin = bearer(t.adminKey);
    const doc = (await t.http.get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, { parameters?: Parameter[] }>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => {
      const query = (ops.get?.parameters ?? []).filter((p) => p.in === 'query');
      const example = (p: Parameter) => String(p.example ?? p.schema?.example);
      const integers = query.filter((p) => p.schema?.type === 'integer').map((p) => ({ name: p.name, example: example(p) }));
      if (!integers.length) return [];
      const required = Object.fromEntries(query.filter((p) => p.required).map((p) => [p.name, example(p)]));
      return [{ path: path.replace(/\{callId\}/g, 'no-such-call').replace(/\{\w+\}/g, randomUUID()), required, integers }];
    });
  });
  afterAll(() => t.close());

  const get = (path: string, query: string) => t.http.get(`${path}?${query}`).set(...admin);
  const encode = (params: Record<string, string>) => new URLSearchParams(params).toString();

  it('refuses a long-poll wait that is not plain decimal text: one violation naming waitSeconds and the rule', async () => {
    for (const text of ['%205', '1e1', '0x2', '5.0', '+5', '']) {
      const res = await get('/v1/routing/decisions/no-such-call', `waitSeconds=${text}`).expect(422);
      expect({ text, errors: res.body.errors }).toEqual({
        text,
        errors: [{ field: 'waitSeconds', rule: 'decimalInteger', message: 'waitSeconds must be a whole number in decimal digits, such as 5' }],
      });
    }
    // Decimal text is read as its number: the range rules judge it, and a wait in range gets to the call.
    expect((await get('/v1/routing/decisions/no-such-call', 'waitSeconds=31').expect(422)).body.errors).toEqual([{ field: 'waitSeconds', rule: 'max', message: 'waitSeconds must not be greater than 30' }]);
    expect((await get('/v1/routing/decisions/no-such-call', 'waitSeconds=-1').expect(422)).body.errors).toEqual([{ field: 'waitSeconds', rule: 'min', message: 'waitSeconds must not be less than 0' }]);
    expect((await get('/v1/routing/decisions/no-such-call', 'waitSeconds=0').expect(404)).body.code).toBe('call.not_found');
  });

  it('answers a long-poll wait given twice with one violation: a single value is expected', async () => {
    const res = await get('/v1/routing/decisions/no-such-call', 'waitSeconds=2&waitSeconds=3').expect(422);
    expect(res.body.errors).toEqual([{ field: 'waitSeconds', rule: 'singleValue', message: 'waitSeconds must be given once, as a single value' }]);
    expect(res.body.detail).toBe('The request is invalid: waitSeconds (singleValue)');
  });

  it('reads every integer query parameter of the API the same way', async () => {
    expect(operations.flatMap((o) => o.integers).length).toBeGreaterThanOrEqual(13);
    for (const { path, required, integers } of operations) {
      for (const { name, example } of integers) {
        const at = `${path} ${name}`;
        for (const text of ['1e1', '0x2', ' 5', '']) {
          const res = await get(path, encode({ ...required, [name]: text }));
          expect({ at, text, status: res.status, errors: res.body.errors }).toEqual({ at, text, status: 422, errors: [expect.objectContaining({ field: name, rule: 'decimalInteger' })] });
        }
        const twice = await get(path, `${encode(required)}&${name}=${example}&${name}=${example}`);
        expect({ at, status: twice.status, errors: twice.body.errors }).toEqual({ at, status: 422, errors: [expect.objectContaining({ field: name, rule: 'singleValue' })] });
        // Plain digits are the number (whatever the operation answers then).
        const plain = await get(path, encode({ ...required, [name]: example }));
        expect({ at, errors: (plain.body.errors ?? []).filter((e: { field: string }) => e.field === name) }).toEqual({ at, errors: [] });
      }
    }
  });

  it('bounds the page offset to a number the database takes', async () => {
    expect((await get('/v1/agents', 'offset=2147483647').expect(200)).body.items).toEqual([]);
    const past = await get('/v1/agents', 'offset=99999999999999999999').expect(422);
    expect(past.body.errors).toEqual([{ field: 'offset', rule: 'max', message: 'offset must not be greater than 2147483647' }]);
  });
});
