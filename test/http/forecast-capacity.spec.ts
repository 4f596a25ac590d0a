import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { WorkerPoolBusyError, WorkerTimeoutError, WorkerWaitTimeoutError } from '../../apps/api/src/common/worker-pool.js';
import { ForecastingWorkers } from '../../apps/api/src/forecasting/forecasting-workers.js';
import { generateDemoData } from '../../libs/demo-data/src/generate-demo-data.js';
import { TypeOrmDemoDataRepository } from '../../libs/persistence/src/repositories/demo-data.repository.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Forecasting's capacity: the answers when its worker thread's line is full or a task overruns
 * (429 / 503 problem+json with their own codes and Retry-After; an audit got a 500 `internal`).
 */
describe('forecasting capacity', () => {
  let t: TestApp;
  let queue: Record<string, string>;
  let supervisor: [string, string];

  beforeAll(async () => {
    t = await startTestApp();
    await new TypeOrmDemoDataRepository(t.app.get(DataSource)).loadIntoEmptyDatabase(generateDemoData({ today: '2026-03-02' }));
    supervisor = bearer(await t.keyFor('supervisor'));
    const list = (await t.http.get('/v1/queues').set(...supervisor).expect(200)).body as { id: string; key: string }[];
    queue = Object.fromEntries(list.map((q) => [q.key, q.id]));
  }, 120_000);
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const forecast = () => t.http.get(`/v1/queues/${queue['phone-fi']}/forecast?from=2026-03-02&to=2026-03-06`).set(...supervisor);

  it('answers a full forecasting line 429 forecast.busy with Retry-After', async () => {
    jest.spyOn(t.app.get(ForecastingWorkers), 'runTask').mockRejectedValueOnce(new WorkerPoolBusyError(1, 256, 'forecasting', 12_300));
    const res = await forecast().expect(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('13');
    expect(res.body).toMatchObject({ status: 429, code: 'forecast.busy' });
    expect(res.body.detail).toContain('1 running, 256 waiting');
  });

  it('answers a forecast stopped at its time limit 503 forecast.timeout with Retry-After, not 500', async () => {
    jest.spyOn(t.app.get(ForecastingWorkers), 'runTask').mockRejectedValueOnce(new WorkerTimeoutError(120_000));
    const res = await forecast().expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.body).toMatchObject({ status: 503, code: 'forecast.timeout' });
    expect(res.body.detail).toContain('120 s');
    expect(res.body.errorId).toBeUndefined();
  });

  it('answers a forecast that waited too long for the thread 503 forecast.busy with Retry-After', async () => {
    jest.spyOn(t.app.get(ForecastingWorkers), 'runTask').mockRejectedValueOnce(new WorkerWaitTimeoutError(120_000, 4_000));
    const res = await forecast().expect(503);
    expect(res.headers['retry-after']).toBe('4');
    expect(res.body).toMatchObject({ status: 503, code: 'forecast.busy' });
  });

  it('documents 429 and 503 with Retry-After on the forecast in OpenAPI', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const responses = doc.paths['/v1/queues/{id}/forecast'].get.responses;
    for (const status of ['429', '503']) {
      expect(responses[status].description).toContain('forecast.');
      expect(responses[status].headers['Retry-After'].schema).toMatchObject({ type: 'integer' });
      expect(responses[status].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/ProblemDto' });
    }
  });
});
