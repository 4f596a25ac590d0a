/**
 * Request bodies are JSON, and a 4xx names the field and the rule it broke. An audit found a
 * text/plain body answered with a 422 listing every field, a form-encoded body parsed as if it
 * were JSON, and a missing callerId reported as breaking `maxLength`. A later one found call events
 * taken with a `ts` without a time zone or on 30 February, and with a durationSec of 10^12, and a
 * language refused as not "one of the following values: , fi, sv, en".
 */
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { callBody, eventBody } from '../routing/routing-world.js';

describe('request bodies', () => {
  let t: TestApp;
  let tel: [string, string];
  let admin: [string, string];

  beforeAll(async () => {
    t = await startTestApp({ routingJobs: false });
    tel = bearer(await t.keyFor('telephony'));
    admin = bearer(t.adminKey);
  });
  afterAll(() => t.close());

  it('answers a body that is not JSON with 415, on the telephony hot path and elsewhere', async () => {
    const text = await t.http.post('/v1/routing/decisions').set(...tel).set('Content-Type', 'text/plain').send(JSON.stringify(callBody('bodies-1'))).expect(415);
    expect(text.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(text.body).toMatchObject({ status: 415, code: 'request.unsupported_media_type', detail: 'The request body must be application/json (got text/plain)' });
    const form = await t.http.post('/v1/departments').set(...admin).type('form').send({ key: 'form-dept', name: 'Form', kind: 'other' }).expect(415);
    expect(form.body.code).toBe('request.unsupported_media_type');
    await t.http.get('/v1/departments').set(...admin).expect(200).expect((res) => expect((res.body.items ?? res.body).map((d: { key: string }) => d.key)).not.toContain('form-dept'));
    // A JSON body with a charset, and a vendor +json type, are JSON.
    await t.http.post('/v1/departments').set(...admin).set('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify({ key: 'json-dept', name: 'JSON', kind: 'other' })).expect(201);
    await t.http.post('/v1/departments').set(...admin).set('Content-Type', 'application/vnd.vuoro+json').send(JSON.stringify({ key: 'json-dept-2', name: 'JSON 2', kind: 'other' })).expect(201);
  });

  it('lets a request without a body through whatever its Content-Type', async () => {
    const res = await t.http.post('/v1/agents/00000000-0000-4000-8000-000000000000/offers/00000000-0000-4000-8000-000000000001/accept').set(...admin).set('Content-Type', 'text/plain').expect(404);
    expect(res.body.code).toBe('agent.not_found');
  });

  it('reports an absent field as required, once, and a present one by the rule it broke', async () => {
    const { callerId: _omitted, ...withoutCaller } = callBody('bodies-2');
    const missing = await t.http.post('/v1/routing/decisions').set(...tel).send(withoutCaller).expect(422);
    expect(missing.body.errors).toEqual([{ field: 'callerId', rule: 'required', message: 'callerId is required' }]);
    const tooLong = await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('bodies-3', { callerId: '9'.repeat(65) })).expect(422);
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ field: 'callerId', rule: 'maxLength' })]);
    const nested = await t.http.post('/v1/queues').set(...admin).send({ key: 'q', name: 'Q', channel: 'chat', language: 'fi', requiredSkills: [{ minProficiency: 3 }] }).expect(422);
    expect(nested.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'departmentId', rule: 'required' }),
        expect.objectContaining({ field: 'calendarId', rule: 'required' }),
        expect.objectContaining({ field: 'requiredSkills[0].skill', rule: 'required' }),
      ]),
    );
  });

  it('takes a call event time only as a date-time with Z or an offset, on a date that exists', async () => {
    const send = (ts: unknown) => t.http.post('/v1/routing/events').set(...tel).send(eventBody('ended', 'bodies-ts', { ts }));
    for (const ts of ['2026-11-22T10:00:05.123Z', '2026-11-22T12:00:05+02:00', '2026-11-22T05:00:05-05:00', '2028-02-29T10:00:00Z']) {
      expect({ ts, status: (await send(ts)).status }).toEqual({ ts, status: 200 });
    }
    for (const ts of ['2026-11-22T10:00:05', '2026-02-30T10:00:00Z', '2026-11-22', '2026-W47-7T10:00:00Z', '2026-11-22T24:00:00Z', '2026-11-22T10:00:05+25:00', 'yesterday', 1795358479855]) {
      const res = await send(ts);
      expect({ ts, status: res.status, errors: res.body.errors }).toEqual({ ts, status: 422, errors: [expect.objectContaining({ field: 'ts', rule: 'instant' })] });
    }
    expect((await send('2026-02-30T10:00:00Z')).body.errors[0].message).toBe(
      'ts must be a date-time with Z or a UTC offset (2026-11-22T10:00:05.123Z, 2026-11-22T12:00:05+02:00) on a date that exists, in 1900–2999',
    );
  });

  it('takes a call duration of at most a week', async () => {
    const send = (durationSec: number) => t.http.post('/v1/routing/events').set(...tel).send(eventBody('ended', 'bodies-duration', { durationSec }));
    await send(604_800).expect(200);
    for (const durationSec of [604_801, 1e12]) {
      expect((await send(durationSec).expect(422)).body.errors).toEqual([{ field: 'durationSec', rule: 'max', message: 'durationSec must not be greater than 604800' }]);
    }
  });

  it('names the unknown language "" in the message of a contact language the API does not serve', async () => {
    const message = 'language must be "" (unknown) or one of fi, sv, en';
    const call = await t.http.post('/v1/routing/decisions').set(...tel).send(callBody('bodies-language', { language: 'de' })).expect(422);
    expect(call.body.errors).toEqual([{ field: 'language', rule: 'isIn', message }]);
    const chat = await t.http.post('/v1/contacts').set(...tel).send({ channel: 'chat', departmentId: '00000000-0000-4000-8000-000000000000', customerRef: 'web-1', language: 'xx' }).expect(422);
    expect(chat.body.errors).toEqual([{ field: 'language', rule: 'isIn', message }]);
  });
});
