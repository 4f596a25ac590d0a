import { ForecastingRepository } from '../../libs/persistence/src/repositories/forecasting.repository.js';
import { addDays, isoWeekday } from '../../libs/calendar/src/local-date.js';
import { localDateOf, localToEpoch, wallTime } from '../../libs/calendar/src/time-zone.js';
import { createReferenceData } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

const TZ = 'Europe/Helsinki';
/** Christmas week: Christmas Eve (Thursday) and Christmas Day (Friday) are Finnish public holidays. */
const WEEK = '2026-12-21';

interface CoverageInterval { start: string; required: number }

/**
 * An email queue is staffed within its calendar's opening hours: email arrives round the clock (2
 * every quarter-hour, every day) but the office desk works Monday–Friday 08:00–16:00, closed on
 * public holidays, and answers within one business day. The plan used to ask for email agents at
 * night and at the weekend.
 */
describe('planning email within its opening hours', () => {
  let t: TestApp;
  let sup: [string, string];
  let departmentId: string;
  let emailQueueId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = bearer(t.adminKey);
    sup = bearer(await t.keyFor('supervisor'));
    ({ departmentId } = await createReferenceData(t));
    const office = await t.http.post('/v1/calendars').set(...admin).send({ key: 'fi-office', name: 'Office', timeZone: TZ, holidayRegion: 'FI', openingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:00', close: '16:00' })) }).expect(201);
    emailQueueId = (await t.http.post('/v1/queues').set(...admin).send({ key: 'email-fi', name: 'Email, Finnish', departmentId, channel: 'email', language: 'fi', calendarId: office.body.id, requiredSkills: [{ skill: 'lang:fi', minProficiency: 3 }] }).expect(201)).body.id;
    const rows = [];
    for (let d = 0; d < 28; d++) {
      const date = addDays('2026-10-26', d);
      for (let k = 0; k < 96; k++) rows.push({ queueId: emailQueueId, intervalMinutes: 15, intervalStart: new Date(localToEpoch(date, 15 * k, TZ)), volume: 2, ahtSeconds: 300 });
    }
    await t.app.get(ForecastingRepository).importHistory(rows);
    await t.http.post('/v1/shift-templates').set(...sup).send({ departmentId, name: 'Day 8 h', earliestStart: '08:00', latestStart: '08:00', lengthMinutes: 480, breaks: [], weekdays: [1, 2, 3, 4, 5] }).expect(201);
  }, 120_000);
  afterAll(() => t.close());

  it('asks for email agents only while the desk is open, the night and weekend email worked in the next opening', async () => {
    const res = await t.http.post('/v1/schedules').set(...sup).send({ departmentId, weekStart: WEEK, queueIds: [emailQueueId], timeLimitSeconds: 10 }).expect(201);
    const coverage = (await t.http.get(`/v1/schedules/${res.body.id}/coverage`).set(...sup).expect(200)).body;
    const intervals = coverage.queues[0].intervals as CoverageInterval[];
    expect(intervals).toHaveLength(7 * 96);
    const open = (i: CoverageInterval) => {
      const at = Date.parse(i.start);
      const date = localDateOf(at, TZ);
      const w = wallTime(at, TZ);
      return isoWeekday(date) <= 3 && w.hour >= 8 && w.hour < 16; // Thursday and Friday are holidays
    };
    const closedAsked = intervals.filter((i) => !open(i) && i.required > 0).map((i) => i.start);
    expect(closedAsked).toEqual([]);
    const openRequired = intervals.filter(open).map((i) => i.required);
    expect(openRequired).toHaveLength(3 * 32);
    // A level email desk: the same number in every open interval, enough for the email that waited
    // since the desk closed on Friday 16:00 (64 hours: 512 emails at 300 s, all due on Monday 16:00):
    // 153,600 s of work in 32 quarter-hours is 5.3 agents.
    expect(new Set(openRequired).size).toBe(1);
    expect(openRequired[0]).toBe(6);
  }, 120_000);
});
