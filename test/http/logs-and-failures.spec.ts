import { DataSource } from 'typeorm';
import { agentBody, createReferenceData } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

describe('logs and failures', () => {
  let t: TestApp;
  let captured = '';
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

  beforeAll(async () => {
    t = await startTestApp({ logLevel: 'verbose' });
    const capture = (chunk: string | Uint8Array): boolean => {
      captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
  });
  afterAll(async () => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    await t.close().catch(() => undefined);
  });

  it('keeps names and SIP addresses out of the log, and answers a 500 with only an error id that the log holds', async () => {
    const admin = bearer(t.adminKey);
    const { departmentId } = await createReferenceData(t);
    const person = { displayName: 'Zyxwvu Privatperson', phoneUri: 'sip:zyxwvu.privatperson@pbx.example.com', employeeNumber: 'P-777' };
    await t.http.post('/v1/agents').set(...admin).send(agentBody(departmentId, person)).expect(201);
    await t.http.post('/v1/agents').set(...admin).send(agentBody(departmentId, person)).expect(409);
    await t.http.post('/v1/agents').set(...admin).send(agentBody(departmentId, { ...person, employeeNumber: 'P-778', timeZone: 'Nowhere/Else' })).expect(422);

    // Take the database away: the guard's key lookup fails unexpectedly.
    await t.app.get(DataSource).destroy();
    const failed = await t.http.get('/v1/departments').set(...admin).expect(500);
    expect(failed.headers['content-type']).toMatch(/problem\+json/);
    expect(Object.keys(failed.body).sort()).toEqual(['code', 'detail', 'errorId', 'instance', 'status', 'title', 'type']);
    expect(failed.body.detail).not.toMatch(/DataSource|Error|at /);
    const ready = await t.http.get('/health/ready').expect(503);
    expect(ready.body).toEqual({ status: 'unavailable', checks: { database: 'down' } });

    // A customer reference in the path (personal data) is logged by its parameter's name; the number in the body not at all.
    const linking = await t.http.put('/v1/customers/web-zyxwvu-77/phone-number').set(...admin).send({ phoneNumber: '+358405557777' }).expect(500);
    expect(linking.body.instance).toBe('/v1/customers/web-zyxwvu-77/phone-number');

    expect(captured).toContain(failed.body.errorId);
    expect(captured).toContain(linking.body.errorId);
    expect(captured).toContain('"path":"/v1/customers/{customerRef}/phone-number"');
    expect(captured).toContain('"level":"error"');
    for (const secret of [person.displayName, 'Privatperson', person.phoneUri, 'zyxwvu.privatperson', t.adminKey, 'web-zyxwvu-77', '+358405557777']) expect(captured).not.toContain(secret);
  });
});
