import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A query whose range is reversed (`to` before `from`) and which has another bad field is answered
 * with one 422 naming both — the range's rule used to come only after the per-field ones were put
 * right, a second round trip (the report queries: reports-contacts.spec.ts).
 */
describe('query ranges: the reversed range in the same 422 as the other fields', () => {
  let t: TestApp;
  let admin: [string, string];
  const rules = (body: { errors: { field: string; rule: string }[] }) => body.errors.map((e) => `${e.field}:${e.rule}`).sort();

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false, reportJobs: false });
    admin = bearer(t.adminKey);
  });
  afterAll(() => t.close());

  it('names the reversed range and the bad field together on every list that takes a date range', async () => {
    const cases: [string, Record<string, string>, string][] = [
      ['/v1/contacts', { queueId: 'not-a-uuid', from: '2026-11-20', to: '2026-11-10' }, 'queueId'],
      ['/v1/feedback/reports', { from: '2026-11-20', to: '2026-11-10', groupBy: 'caller' }, 'groupBy'],
      ['/v1/feedback/comments', { from: '2026-11-20', to: '2026-11-10', channel: 'fax' }, 'channel'],
      ['/v1/letter-batches', { departmentId: 'not-a-uuid', from: '2026-11-20', to: '2026-11-10' }, 'departmentId'],
      ['/v1/audit-log/retention-runs', { from: '2026-11-20', to: '2026-11-10', limit: '0' }, 'limit'],
    ];
    for (const [path, query, other] of cases) {
      const res = await t.http.get(path).query(query).set(...admin).expect(422);
      const got = rules(res.body);
      expect({ path, afterFrom: got.includes('to:afterFrom'), other: got.some((r) => r.startsWith(`${other}:`)) }).toEqual({ path, afterFrom: true, other: true });
    }
    // The same day at both ends is a range; a bad date is its own rule's, not afterFrom's.
    await t.http.get('/v1/letter-batches').query({ from: '2026-11-20', to: '2026-11-20' }).set(...admin).expect(200);
    const bad = await t.http.get('/v1/letter-batches').query({ from: '2026-11-20', to: '2026-02-30' }).set(...admin).expect(422);
    expect(rules(bad.body)).toEqual(['to:localDate']);
  });
});
