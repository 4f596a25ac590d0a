import { emailRequirements } from './email-backlog.js';

/** Fluid EDF with the given agents per interval: does every email meet its deadline? */
function feasible(profile: number[], arrivals: number[], aht: number, window: number, open: boolean[], length: number): boolean {
  const openList = open.flatMap((o, i) => (o ? [i] : []));
  const chunks: Array<{ work: number; deadline: number }> = [];
  for (let t = 0; t < arrivals.length; t++) {
    if ((arrivals[t] as number) > 0) {
      const first = openList.findIndex((i) => i >= t);
      const d = first < 0 ? undefined : openList[first + window - 1];
      chunks.push({ work: (arrivals[t] as number) * aht, deadline: d ?? Infinity });
    }
    let capacity = open[t] ? (profile[t] as number) * length : 0;
    for (const c of chunks) {
      const done = Math.min(c.work, capacity);
      c.work -= done;
      capacity -= done;
    }
    if (chunks.some((c) => c.deadline === t && c.work > 1e-9)) return false;
  }
  return true;
}

function* profiles(length: number, max: number): Generator<number[]> {
  const p = new Array<number>(length).fill(0);
  for (;;) {
    yield [...p];
    let i = 0;
    while (i < length && p[i] === max) p[i++] = 0;
    if (i === length) return;
    p[i] = (p[i] as number) + 1;
  }
}

describe('email staffing from a business-time deadline', () => {
  const length = 3600;

  it('latest: answers a burst within its deadline, deferring the work to the deadline interval', () => {
    // 20 emails of 6 min (2 agent-hours) arrive in the first hour; the deadline is 3 business hours.
    const r = emailRequirements({ intervalSeconds: length, arrivals: [20, 0, 0, 0], ahtSeconds: 360, deadlineSeconds: 3 * 3600, policy: 'latest' });
    expect(r.policy).toBe('latest');
    expect(r.windowIntervals).toBe(3);
    expect(r.intervals.map((i) => i.agents)).toEqual([0, 0, 2, 0]);
    expect(r.intervals[2]?.emailsHandled).toBeCloseTo(20, 9);
    expect(r.backlogAtEnd.emails).toBe(0);
  });

  it('needs 0 agents in closed intervals and stops the business clock while closed', () => {
    const open = [true, false, false, true, true];
    const r = emailRequirements({ intervalSeconds: length, arrivals: [10, 5, 0, 0, 0], ahtSeconds: 360, deadlineSeconds: 2 * 3600, open, policy: 'latest' });
    expect(r.intervals[1]?.agents).toBe(0);
    expect(r.intervals[2]?.agents).toBe(0);
    // The 10 from interval 0 are due at the end of the 2nd open interval (index 3); the 5 from the
    // closed interval 1 arrive, in business time, at the start of interval 3 and are due at 4.
    expect(r.intervals[3]?.emailsDue).toBeCloseTo(10, 9);
    expect(r.intervals[3]?.agents).toBe(1);
    expect(r.intervals[4]?.emailsDue).toBeCloseTo(5, 9);
    expect(r.intervals.reduce((s, i) => s + i.emailsHandled, 0)).toBeCloseTo(15, 9);
  });

  it('uses the capacity left over by rounding for the next emails due, FIFO by deadline', () => {
    // Interval 0: 5 emails (0.5 agent-hours) due at 1; interval 1: 15 emails due at 2.
    const r = emailRequirements({ intervalSeconds: length, arrivals: [5, 15, 0], ahtSeconds: 360, deadlineSeconds: 2 * 3600, policy: 'latest' });
    expect(r.intervals[1]?.agents).toBe(1); // 0.5 forced, 0.5 spare works 5 of the later 15
    expect(r.intervals[1]?.emailsHandled).toBeCloseTo(10, 9);
    expect(r.intervals[2]?.agents).toBe(1); // only 10 left: 1 agent instead of 2
  });

  it('carries emails due after the horizon into backlogAtEnd without staffing for them', () => {
    const r = emailRequirements({ intervalSeconds: length, arrivals: [0, 0, 8], ahtSeconds: 450, deadlineSeconds: 8 * 3600 });
    expect(r.agentIntervals).toBe(0);
    expect(r.backlogAtEnd).toEqual({ emails: 8, workSeconds: 3600 });
  });

  it('latest: gives the cheapest feasible profile, cumulatively minimal at every interval, against brute force', () => {
    const cases = [
      { arrivals: [3, 7, 0, 12, 4], open: [true, true, true, true, true], window: 2 },
      { arrivals: [9, 0, 6, 2, 11], open: [true, false, true, true, true], window: 2 },
      { arrivals: [5, 5, 5, 5, 5], open: [true, true, false, true, true], window: 3 },
      { arrivals: [14, 1, 0, 3, 8], open: [true, true, true, false, true], window: 1 },
    ];
    const aht = 600; // 6 emails per agent-hour
    for (const c of cases) {
      const r = emailRequirements({ intervalSeconds: length, arrivals: c.arrivals, ahtSeconds: aht, deadlineSeconds: c.window * length, open: c.open, policy: 'latest' });
      const lazy = r.intervals.map((i) => i.agents);
      expect(feasible(lazy, c.arrivals, aht, c.window, c.open, length)).toBe(true);
      for (const p of profiles(5, 3)) {
        if (!feasible(p, c.arrivals, aht, c.window, c.open, length)) continue;
        let lazySum = 0;
        let otherSum = 0;
        for (let t = 0; t < 5; t++) {
          lazySum += lazy[t] as number;
          otherSum += c.open[t] ? (p[t] as number) : 0;
          expect(lazySum).toBeLessThanOrEqual(otherSum);
        }
      }
    }
  });

  it('level (the default): the same burst is worked steadily from the first hour by a constant desk', () => {
    const r = emailRequirements({ intervalSeconds: length, arrivals: [20, 0, 0, 0], ahtSeconds: 360, deadlineSeconds: 3 * 3600 });
    expect(r.policy).toBe('level');
    // One agent every hour: 10 emails in hour 1, 10 in hour 2 — done a full hour before the deadline.
    expect(r.intervals.map((i) => i.agents)).toEqual([1, 1, 1, 1]);
    expect(r.intervals.map((i) => i.emailsHandled)).toEqual([10, 10, 0, 0]);
    const latest = emailRequirements({ intervalSeconds: length, arrivals: [20, 0, 0, 0], ahtSeconds: 360, deadlineSeconds: 3 * 3600, policy: 'latest' });
    const meanResponse = (x: typeof r) => x.intervals.reduce((s, i) => s + i.emailsHandled * i.meanResponseSeconds, 0) / 20;
    expect(meanResponse(r)).toBeLessThan(meanResponse(latest));
    expect(Math.max(...r.intervals.map((i) => i.agents))).toBeLessThan(Math.max(...latest.intervals.map((i) => i.agents)));
  });

  it('level: a morning of mail with an end-of-day deadline gets a steady desk, not a pile at the deadline', () => {
    // 8 open hours of 15 minutes; 120 emails of 6 min at 08:00 (overnight mail) and 10 per quarter-hour after; due within the day.
    const arrivals = [120, ...new Array<number>(31).fill(10)];
    const input = { intervalSeconds: 900, arrivals, ahtSeconds: 360, deadlineSeconds: 8 * 3600 };
    const level = emailRequirements(input);
    const latest = emailRequirements({ ...input, policy: 'latest' });
    const levelAgents = level.intervals.map((i) => i.agents);
    expect(new Set(levelAgents).size).toBe(1);
    expect(Math.max(...latest.intervals.map((i) => i.agents))).toBeGreaterThan(2 * (levelAgents[0] as number));
    // Only the 08:00 mail is due inside the day (12 agent-hours over 8 hours: a desk of 2); mail
    // after 08:00 is due tomorrow, and the steady desk has already answered part of it.
    expect(levelAgents[0]).toBe(2);
    expect(level.backlogAtEnd.emails).toBeLessThan(latest.backlogAtEnd.emails);
  });

  it('level: the constant is the smallest one meeting every deadline, against brute force', () => {
    const cases = [
      { arrivals: [3, 7, 0, 12, 4], open: [true, true, true, true, true], window: 2 },
      { arrivals: [9, 0, 6, 2, 11], open: [true, false, true, true, true], window: 2 },
      { arrivals: [5, 5, 5, 5, 5], open: [true, true, false, true, true], window: 3 },
      { arrivals: [14, 1, 0, 3, 8], open: [true, true, true, false, true], window: 1 },
      { arrivals: [30, 0, 0, 0, 0, 0], open: [true, true, true, true, true, true], window: 6 },
    ];
    const aht = 600;
    for (const c of cases) {
      const r = emailRequirements({ intervalSeconds: length, arrivals: c.arrivals, ahtSeconds: aht, deadlineSeconds: c.window * length, open: c.open });
      const agents = r.intervals.map((i) => i.agents);
      const n = Math.max(...agents);
      expect(agents).toEqual(c.open.map((o) => (o ? n : 0)));
      const constant = (k: number) => c.open.map((o) => (o ? k : 0));
      expect(feasible(constant(n), c.arrivals, aht, c.window, c.open, length)).toBe(true);
      if (n > 0) expect(feasible(constant(n - 1), c.arrivals, aht, c.window, c.open, length)).toBe(false);
    }
  });

  it('rejects an unknown policy, naming it', () => {
    expect(() => emailRequirements({ intervalSeconds: 900, arrivals: [1], ahtSeconds: 300, deadlineSeconds: 900, policy: 'asap' as 'level' })).toThrow('policy must be one of level, latest');
  });

  it('rejects a deadline that is not positive and an open-flag array of the wrong length', () => {
    expect(() => emailRequirements({ intervalSeconds: 900, arrivals: [1], ahtSeconds: 300, deadlineSeconds: 0 })).toThrow('deadlineSeconds must be a finite number > 0');
    expect(() => emailRequirements({ intervalSeconds: 900, arrivals: [1, 2], ahtSeconds: 300, deadlineSeconds: 900, open: [true] })).toThrow('open must be');
    expect(() => emailRequirements({ intervalSeconds: 900, arrivals: [1, -2], ahtSeconds: 300, deadlineSeconds: 900 })).toThrow('arrivals[1]');
  });
});
