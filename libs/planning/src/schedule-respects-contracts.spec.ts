/** Property checks: on seeded random instances every generated schedule keeps every contract. */
import { SeededRandom } from '../../demo-data/src/random.js';
import { computeCoverage } from './coverage.js';
import { contractViolations } from './contracts.js';
import { generateSchedule } from './generate-schedule.js';
import { type Employee, workingIntervals } from './model.js';
import { EIGHT_HOURS, FOUR_HOURS, hourlyDay } from './spec-fixtures.js';

describe('generated schedules respect contracts (seeded random instances)', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: no contract violation, coverage matches the shifts, shortfall only where reported', async (seed) => {
    const random = new SeededRandom(seed);
    const days = 7;
    const horizon = hourlyDay(days);
    const employees: Employee[] = Array.from({ length: 8 }, (_, i) => ({
      id: `e${i}`,
      departmentId: 'cs',
      skills: {},
      activities: random.chance(0.7) ? ['phone', 'email'] : ['email'],
      contract: {
        maxWeeklyHours: random.pick([16, 24, 40]),
        minShiftMinutes: 240,
        maxShiftMinutes: random.pick([240, 480]),
        minDaysOffPerWeek: random.int(2, 4),
        ...(random.chance(0.4) ? { availability: [1, 2, 3, 4, 5, 6, 7].filter(() => random.chance(0.7)).map((weekday) => ({ weekday, fromMinutes: random.pick([6, 8]) * 60, toMinutes: random.pick([14, 20]) * 60 })) } : {}),
        ...(random.chance(0.3) ? { timeOff: [{ from: new Date(horizon.start.getTime() + random.int(0, 6) * 86400_000), to: new Date(horizon.start.getTime() + random.int(7, 8) * 86400_000) }] } : {}),
      },
    }));
    const demands = ['phone', 'email'].map((activity) => ({
      activity,
      required: Array.from({ length: 24 * days }, (_, t) => (t % 24 >= 8 && t % 24 < 18 ? random.int(0, activity === 'phone' ? 3 : 1) : 0)),
    }));
    const r = await generateSchedule({ horizon, templates: [FOUR_HOURS, EIGHT_HOURS], employees, demands });
    expect(contractViolations(r.schedule, employees)).toEqual([]);
    const coverage = computeCoverage(r.schedule, demands);
    for (const d of demands) {
      const counts = new Array<number>(24 * days).fill(0);
      for (const s of r.schedule.shifts.filter((x) => x.activity === d.activity)) for (const t of workingIntervals(s)) counts[t] = (counts[t] as number) + 1;
      expect(coverage.byActivity[d.activity]?.intervals.map((i) => i.scheduled)).toEqual(counts);
      for (const i of coverage.byActivity[d.activity]?.intervals ?? []) {
        const reported = r.uncovered.find((u) => u.activity === d.activity && u.interval === i.interval);
        expect(reported?.shortfall ?? 0).toBe(Math.max(0, (d.required[i.interval] as number) - i.scheduled));
      }
    }
    // The MIP's staff-hours never undercut the LP bound.
    expect(r.figures.mipObjective).toBeGreaterThanOrEqual(r.figures.lpObjective - 1e-6);
  });
});
