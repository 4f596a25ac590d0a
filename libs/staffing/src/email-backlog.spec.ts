import { emailDeadlines, emailRequirements } from './email-backlog.js';

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

describe('email staffing from an elapsed (wall-clock) deadline', () => {
  const length = 3600;
  // Open 2 hours, closed 2 (a night), open 2: a business deadline stops over the night, an elapsed one does not.
  const open = [true, true, false, false, true, true];

  it('the night counts: mail of the evening due in 3 wall hours must be answered the same evening', () => {
    const arrivals = [10, 0, 0, 0, 0, 0];
    const business = emailRequirements({ intervalSeconds: length, arrivals, ahtSeconds: 360, deadlineSeconds: 3 * 3600, open, policy: 'latest' });
    // 3 business hours: due in the 3rd open interval (index 4), after the night.
    expect(business.intervals.map((i) => i.emailsDue)).toEqual([0, 0, 0, 0, 10, 0]);
    const elapsed = emailRequirements({ intervalSeconds: length, arrivals, ahtSeconds: 360, deadlineSeconds: 3 * 3600, deadlineBasis: 'elapsed', open, policy: 'latest' });
    // 3 wall hours end in interval 2, closed: the last open interval before it (1) is the deadline.
    expect(elapsed.intervals.map((i) => i.emailsDue)).toEqual([0, 10, 0, 0, 0, 0]);
    expect(elapsed.intervals.map((i) => i.agents)).toEqual([0, 1, 0, 0, 0, 0]);
    expect(elapsed.intervals[1]?.meanResponseSeconds).toBe(1.5 * 3600);
  });

  it('mail that cannot meet its target (it arrives at night) is planned as arriving at the opening; response times are wall-clock', () => {
    const elapsed = emailRequirements({ intervalSeconds: length, arrivals: [0, 0, 6, 0, 0, 0], ahtSeconds: 600, deadlineSeconds: 3600, deadlineBasis: 'elapsed', open, policy: 'latest' });
    expect(elapsed.intervals.map((i) => i.emailsDue)).toEqual([0, 0, 0, 0, 6, 0]);
    expect(elapsed.intervals[4]?.agents).toBe(1);
    // arrived at the start of interval 2, answered mid-interval 4: 2.5 hours on the wall clock
    expect(elapsed.intervals[4]?.meanResponseSeconds).toBe(2.5 * 3600);
    const business = emailRequirements({ intervalSeconds: length, arrivals: [0, 0, 6, 0, 0, 0], ahtSeconds: 600, deadlineSeconds: 3600, open, policy: 'latest' });
    expect(business.intervals[4]?.meanResponseSeconds).toBe(0.5 * 3600);
  });

  it('a weekend of mail with a 24-hour target: Sunday\'s mail keeps its promise on Monday morning, the older mail answered before it', () => {
    // Hours from Friday 08:00: 8 open, 64 closed, Monday 8 open, 16 closed, Tuesday 8 open (104 intervals); 2 emails an hour round the clock.
    const closed = (n: number) => new Array<boolean>(n).fill(false);
    const day = new Array<boolean>(8).fill(true);
    const hours = [...day, ...closed(64), ...day, ...closed(16), ...day];
    const r = emailRequirements({ intervalSeconds: length, arrivals: hours.map(() => 2), ahtSeconds: 600, deadlineSeconds: 24 * 3600, deadlineBasis: 'elapsed', open: hours, policy: 'latest' });
    // Friday's mail is due by Friday's last hour (its 24 hours end while closed). Sunday 08:00's is due by Monday 08:00–09:00,
    // and so is everything that came before it since Friday 16:00 (42 hours: 84 emails, 14 agent-hours); the mail from
    // Sunday 09:00 on one hour after another, and Sunday 15:00–Monday 08:00's by Monday's last hour.
    expect(r.intervals[7]?.emailsDue).toBe(16);
    expect(r.intervals[72]?.emailsDue).toBe(84);
    expect(r.intervals[72]?.agents).toBe(14);
    const business = emailRequirements({ intervalSeconds: length, arrivals: hours.map(() => 2), ahtSeconds: 600, deadlineSeconds: 24 * 3600, open: hours, policy: 'latest' });
    // 24 business hours: Friday 08:00's mail is the first due, in Tuesday's last open hour
    expect(business.intervals.slice(0, 103).every((i) => i.emailsDue === 0)).toBe(true);
    expect(business.intervals[103]?.emailsDue).toBe(2);
  });

  it('level: the constant desk meets every elapsed deadline, against brute force', () => {
    const arrivals = [4, 9, 3, 0, 7, 2];
    const r = emailRequirements({ intervalSeconds: length, arrivals, ahtSeconds: 900, deadlineSeconds: 2 * 3600, deadlineBasis: 'elapsed', open });
    const n = r.intervals[0]!.agents;
    const constant = (k: number) => open.map((o) => (o ? k : 0));
    // The elapsed deadlines written out: 4 (from 0) and 9 (from 1) due at 1; 3 (night: as if arriving at 4, and not after the 7 from 4) and 7 at 5; 2 after the horizon.
    // Hall's condition for one pool of fluid capacity: the work released in a window and due in it fits the window's capacity.
    const meets = (k: number) => {
      const p = constant(k).map((a) => a * 3600);
      return p[1]! >= 9 * 900 && p[0]! + p[1]! >= 13 * 900 && p[4]! + p[5]! >= 10 * 900;
    };
    expect(meets(n)).toBe(true);
    expect(meets(n - 1)).toBe(false);
    expect(r.backlogAtEnd.emails).toBeCloseTo(0, 9);
    const latest = emailRequirements({ intervalSeconds: length, arrivals, ahtSeconds: 900, deadlineSeconds: 2 * 3600, deadlineBasis: 'elapsed', open, policy: 'latest' });
    expect(latest.intervals.map((i) => i.emailsDue)).toEqual([0, 13, 0, 0, 0, 10]);
  });

  it('rejects an unknown basis, naming the field', () => {
    expect(() => emailRequirements({ intervalSeconds: 900, arrivals: [1], ahtSeconds: 300, deadlineSeconds: 900, deadlineBasis: 'wall' as 'elapsed' })).toThrow('deadlineBasis must be one of business, elapsed');
  });
});

describe('emailDeadlines: the deadline interval of mail arriving in each interval', () => {
  const open = [true, true, false, false, true, true];
  const isOpen = (i: number) => open[i] === true;
  const every = () => true;

  it('business: the k-th open interval from arrival on; after the horizon Infinity', () => {
    expect(Array.from(emailDeadlines(6, isOpen, every, 2, 'business'))).toEqual([1, 4, 5, 5, 5, Infinity]);
  });

  it('elapsed: the last open interval by the wall-clock end; night mail as if it came at the opening, not after later mail', () => {
    // 2 wall hours: 0 → 1; 1 → 1 (ends in closed 2); 2 and 3 → nothing open by their end: as if at 4 → 5, but not
    // after mail from 3 … which is due 4 (its end, 4, is open); 4 → 5; 5 → after the horizon.
    expect(Array.from(emailDeadlines(6, isOpen, every, 2, 'elapsed'))).toEqual([1, 1, 4, 4, 5, Infinity]);
    // With no mail arriving at 3, mail from 2 is not held to 3's deadline.
    expect(Array.from(emailDeadlines(6, isOpen, (i) => i !== 3, 2, 'elapsed')).slice(0, 3)).toEqual([1, 1, 5]);
  });
});
