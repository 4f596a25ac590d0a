import { jest } from '@jest/globals';
import { ForecastClock, GetQueueForecast } from '../../apps/api/src/forecasting/forecasting.use-cases.js';
import { PlanningClock } from '../../apps/api/src/planning/planning-context.js';
import { addDays } from '../../libs/calendar/src/local-date.js';
import { localToEpoch } from '../../libs/calendar/src/time-zone.js';
import { FORECAST_REACH_DAYS } from '../../libs/forecasting/src/forecast-ahead.js';
import { ForecastingRepository } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { createReferenceData } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

const TZ = 'Europe/Helsinki';
/** Tuesday; the history runs to yesterday's last interval, so the forecast reaches from today. */
const TODAY = '2026-11-24';
const NOW = new Date(localToEpoch(TODAY, 8 * 60, TZ));
/** The last date the forecast (and so planning) reaches: Tuesday 2027-12-28. */
const LAST = addDays(TODAY, FORECAST_REACH_DAYS - 1);

/** Four weeks of weekday history, 08:00–18:00, 4 calls per quarter-hour, ending the day before `end`. */
function history(queueId: string, end: string) {
  const rows = [];
  for (let d = -28; d < 0; d++) {
    const date = addDays(end, d);
    if (new Date(`${date}T12:00:00Z`).getUTCDay() % 6 === 0) continue;
    for (let k = 0; k < 40; k++) rows.push({ queueId, intervalMinutes: 15, intervalStart: new Date(localToEpoch(date, 480 + 15 * k, TZ)), volume: 4, ahtSeconds: 180 });
  }
  return rows;
}

/**
 * Planning past the forecast's reach (FORECAST_REACH_DAYS days past a queue's history) on real
 * PostgreSQL: schedule generation and borrowing suggestions forecast their own week or day, and a
 * request past the reach is a 422 naming the planning request's field (weekStart, date) with rule
 * `horizon` and how far planning goes, not the forecast's own `from`/`to`, which the request has not.
 */
describe('planning past the forecast reach', () => {
  let t: TestApp;
  let sup: [string, string];
  let cs: { departmentId: string; calendarId: string; queueId: string };
  let staleQueueId: string;

  beforeAll(async () => {
    t = await startTestApp();
    t.app.get(ForecastClock).now = () => new Date(NOW);
    jest.spyOn(t.app.get(PlanningClock), 'now').mockReturnValue(new Date(NOW));
    const admin = bearer(t.adminKey);
    sup = bearer(await t.keyFor('supervisor'));
    cs = await createReferenceData(t);
    // A second queue of the department whose history stopped in June: its forecast reaches less far.
    staleQueueId = (
      await t.http
        .post('/v1/queues')
        .set(...admin)
        .send({ key: 'phone-sv', name: 'Phone, Swedish', departmentId: cs.departmentId, channel: 'phone', language: 'sv', calendarId: cs.calendarId, requiredSkills: [{ skill: 'lang:sv', minProficiency: 3 }] })
        .expect(201)
    ).body.id;
    await t.app.get(ForecastingRepository).importHistory([...history(cs.queueId, TODAY), ...history(staleQueueId, '2026-06-01')]);
    await t.http
      .post('/v1/shift-templates')
      .set(...sup)
      .send({ departmentId: cs.departmentId, name: 'Day 8 h', earliestStart: '08:00', latestStart: '10:00', lengthMinutes: 480, breaks: [], weekdays: [1, 2, 3, 4, 5] })
      .expect(201);
  }, 120_000);
  afterAll(() => t.close());

  const generate = (weekStart: string, queueIds = [cs.queueId]) => t.http.post('/v1/schedules').set(...sup).send({ departmentId: cs.departmentId, weekStart, queueIds, timeLimitSeconds: 1 });
  const suggestions = (date: string) => t.http.get(`/v1/queues/${cs.queueId}/borrowing-suggestions`).query({ date }).set(...sup);

  it('reaches to the last date the forecast reaches', () => {
    expect(LAST).toBe('2027-12-28');
  });

  it('refuses a week past the reach naming weekStart, with how far planning goes, before forecasting', async () => {
    const forecast = jest.spyOn(t.app.get(GetQueueForecast), 'execute');
    // the whole week past the reach, and a week that runs past it on Wednesday
    for (const [weekStart, weekEnd] of [['2028-01-03', '2028-01-09'], ['2027-12-27', '2028-01-02']]) {
      const res = await generate(weekStart).expect(422);
      expect(res.body).toMatchObject({ code: 'validation.failed' });
      expect(res.body.errors).toEqual([
        { field: 'weekStart', rule: 'horizon', message: `weekStart: planning reaches ${FORECAST_REACH_DAYS} days ahead (the forecast's reach), to ${LAST}; ${weekStart}–${weekEnd} runs past it` },
      ]);
    }
    expect(forecast).not.toHaveBeenCalled();
    forecast.mockRestore();
  });

  it('generates the last week inside the reach', async () => {
    const res = await generate('2027-12-20').expect(201);
    expect(res.body).toMatchObject({ weekStart: '2027-12-20', queueIds: [cs.queueId] });
  }, 60_000);

  it('names weekStart and date when a queue’s own history ends early and its forecast reaches less far', async () => {
    // Inside planning's reach, past the Swedish queue's: its history ends on Friday 2026-05-29.
    const res = await generate('2027-08-02', [cs.queueId, staleQueueId]).expect(422);
    expect(res.body.errors).toEqual([
      {
        field: 'weekStart',
        rule: 'horizon',
        message: `weekStart: the forecast of queue phone-sv does not reach the dates it needs: the forecast reaches ${FORECAST_REACH_DAYS} days past the history, to 2027-07-03; 2027-08-02 is beyond it`,
      },
    ]);
    const day = await t.http.get(`/v1/queues/${staleQueueId}/borrowing-suggestions`).query({ date: '2027-08-04' }).set(...sup).expect(422);
    expect(day.body.errors).toEqual([{ field: 'date', rule: 'horizon', message: expect.stringMatching(/^date: the forecast of queue phone-sv does not reach the dates it needs: .* to 2027-07-03; 2027-08-04 is beyond it$/) }]);
  });

  it('refuses suggestions for a day past the reach naming date', async () => {
    const res = await suggestions('2028-01-05').expect(422);
    expect(res.body.errors).toEqual([{ field: 'date', rule: 'horizon', message: `date: planning reaches ${FORECAST_REACH_DAYS} days ahead (the forecast's reach), to ${LAST}; 2028-01-05 is beyond it` }]);
    await suggestions(LAST).expect(200);
  });
});
