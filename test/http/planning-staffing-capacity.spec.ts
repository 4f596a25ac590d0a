import { jest } from '@jest/globals';
import { WorkerPoolBusyError, WorkerTimeoutError, WorkerWaitTimeoutError } from '../../apps/api/src/common/worker-pool.js';
import { ForecastingWorkers } from '../../apps/api/src/forecasting/forecasting-workers.js';
import { PlanningWorkers } from '../../apps/api/src/planning/planning-workers.js';
import { StaffingWorkers } from '../../apps/api/src/staffing/staffing.use-cases.js';
import { addDays } from '../../libs/calendar/src/local-date.js';
import { localToEpoch } from '../../libs/calendar/src/time-zone.js';
import { ForecastingRepository } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { createReferenceData } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

const TZ = 'Europe/Helsinki';
const WEEK = '2026-11-30';

/**
 * The staffing and planning worker threads' full lines answer with codes of their own and
 * Retry-After, as forecasting's do (they answered a generic `http.429` without Retry-After); and the
 * planning operations, which forecast first, pass the forecasting thread's refusals on. Each answer
 * is documented in OpenAPI.
 */
describe('staffing and planning capacity', () => {
  let t: TestApp;
  let sup: [string, string];
  let cs: { departmentId: string; queueId: string };

  beforeAll(async () => {
    t = await startTestApp();
    sup = bearer(await t.keyFor('supervisor'));
    cs = await createReferenceData(t);
    const rows = [];
    for (let d = 0; d < 28; d++) {
      const date = addDays('2026-11-02', d);
      if (new Date(`${date}T12:00:00Z`).getUTCDay() % 6 === 0) continue;
      for (let k = 0; k < 40; k++) rows.push({ queueId: cs.queueId, intervalMinutes: 15, intervalStart: new Date(localToEpoch(date, 480 + 15 * k, TZ)), volume: 4, ahtSeconds: 180 });
    }
    await t.app.get(ForecastingRepository).importHistory(rows);
    await t.http.post('/v1/shift-templates').set(...sup).send({ departmentId: cs.departmentId, name: 'Day 8 h', earliestStart: '08:00', latestStart: '10:00', lengthMinutes: 480, breaks: [], weekdays: [1, 2, 3, 4, 5] }).expect(201);
  }, 120_000);
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const horizon = () => t.http.post('/v1/staffing/requirements/horizon').set(...sup).send({ intervalMinutes: 15, queues: [{ id: 'phone', channel: 'phone', volumes: [10, 20], ahtSeconds: 180, target: { percent: 80, seconds: 20 } }] });
  const simulation = () =>
    t.http.post('/v1/staffing/simulations').set(...sup).send({ start: '2026-03-09T08:00:00Z', intervalMinutes: 30, seed: 1, queues: [{ id: 'phone', channel: 'phone', volumes: [10, 10], ahtSeconds: 180, target: { percent: 80, seconds: 20 } }], staffing: [{ queueId: 'phone', agents: [3, 3] }] });
  const generate = () => t.http.post('/v1/schedules').set(...sup).send({ departmentId: cs.departmentId, weekStart: WEEK, timeLimitSeconds: 5 });
  const suggestions = () => t.http.get(`/v1/queues/${cs.queueId}/borrowing-suggestions`).query({ date: '2026-12-02' }).set(...sup);

  it('answers a full staffing line 429 staffing.busy with Retry-After', async () => {
    for (const request of [horizon, simulation]) {
      jest.spyOn(t.app.get(StaffingWorkers), 'runTask').mockRejectedValueOnce(new WorkerPoolBusyError(2, 8, 'staffing', 7_200));
      const res = await request().expect(429);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('8');
      expect(res.body).toMatchObject({ status: 429, code: 'staffing.busy' });
      expect(res.body.detail).toContain('2 running, 8 waiting');
    }
    // an overrun is still the request's size: 422 naming the limit
    jest.spyOn(t.app.get(StaffingWorkers), 'runTask').mockRejectedValueOnce(new WorkerTimeoutError(30_000));
    expect((await horizon().expect(422)).body).toMatchObject({ code: 'staffing.timeout' });
  });

  it('answers a full schedule-generation line 429 schedule.busy with Retry-After', async () => {
    jest.spyOn(t.app.get(PlanningWorkers), 'runTask').mockRejectedValueOnce(new WorkerPoolBusyError(1, 4, 'planning', 40_000));
    const res = await generate().expect(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('40');
    expect(res.body).toMatchObject({ status: 429, code: 'schedule.busy' });
    expect(res.body.detail).toContain('1 running, 4 waiting');
  });

  it("passes the forecasting thread's refusals on from the planning operations that forecast first, with Retry-After", async () => {
    const forecasting = t.app.get(ForecastingWorkers);
    for (const request of [generate, suggestions]) {
      jest.spyOn(forecasting, 'runTask').mockRejectedValueOnce(new WorkerPoolBusyError(1, 256, 'forecasting', 12_300));
      const busy = await request().expect(429);
      expect(busy.headers['retry-after']).toBe('13');
      expect(busy.body).toMatchObject({ status: 429, code: 'forecast.busy' });
      jest.spyOn(forecasting, 'runTask').mockRejectedValueOnce(new WorkerTimeoutError(120_000));
      const timeout = await request().expect(503);
      expect(Number(timeout.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(timeout.body).toMatchObject({ status: 503, code: 'forecast.timeout' });
      jest.spyOn(forecasting, 'runTask').mockRejectedValueOnce(new WorkerWaitTimeoutError(120_000, 4_000));
      const waited = await request().expect(503);
      expect(waited.headers['retry-after']).toBe('4');
      expect(waited.body).toMatchObject({ status: 503, code: 'forecast.busy' });
    }
    // and with the threads free, both answer
    await generate().expect(201);
    await suggestions().expect(200);
  }, 120_000);

  it('documents those answers in OpenAPI: each code, Retry-After, problem+json', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const expected: [string, string, Record<string, string[]>][] = [
      ['post', '/v1/staffing/requirements/horizon', { '422': ['staffing.timeout'], '429': ['staffing.busy'] }],
      ['post', '/v1/staffing/simulations', { '422': ['staffing.timeout'], '429': ['staffing.busy'] }],
      ['post', '/v1/schedules', { '409': ['schedule.published'], '422': ['schedule.timeout', 'schedule.no_solution_in_time'], '429': ['schedule.busy', 'forecast.busy'], '503': ['forecast.busy', 'forecast.timeout', 'database.busy'] }],
      ['get', '/v1/queues/{id}/borrowing-suggestions', { '429': ['forecast.busy'], '503': ['forecast.busy', 'forecast.timeout', 'database.busy'] }],
    ];
    for (const [method, path, codes] of expected) {
      const responses = doc.paths[path][method].responses;
      for (const [status, names] of Object.entries(codes)) {
        const r = responses[status];
        expect({ path, status, codes: names.filter((c) => r?.description.includes(`\`${c}\``)) }).toEqual({ path, status, codes: names });
        expect(r.content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/ProblemDto' });
        if (status === '429' || status === '503') expect({ path, status, retryAfter: r.headers?.['Retry-After']?.schema?.type }).toEqual({ path, status, retryAfter: 'integer' });
      }
    }
  });
});
