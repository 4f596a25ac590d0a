import { agentsNeeded, runBacklog, suggestLoans, type BorrowingInput } from './borrowing.js';

const start = new Date('2026-03-04T06:00:00Z');
const working = (from: number, to: number) => Array.from({ length: 8 }, (_, t) => t >= from && t < to);
/** 8 quarter-hours; 40 calls at AHT 180 s (8 Erlangs) in intervals 2–5 need 12 agents for 90 % in 30 s; the queue has 10. */
function input(overrides: Partial<BorrowingInput> = {}): BorrowingInput {
  const volumes = [10, 10, 40, 40, 40, 40, 10, 10];
  return {
    start,
    intervalSeconds: 900,
    queue: { id: 'phone-fi', departmentId: 'cs', language: 'fi', volumes, ahtSeconds: 180, target: { serviceLevel: 0.9, thresholdSeconds: 30 }, available: [10, 10, 10, 10, 10, 10, 10, 10] },
    candidates: [
      { id: 'p1', departmentId: 'payments', skills: { 'lang:fi': 5, 'training:phone-service': 3 }, working: working(0, 8) },
      { id: 'p2', departmentId: 'payments', skills: { 'lang:fi': 4, 'training:phone-service': 3 }, working: working(0, 8) },
      { id: 'l1', departmentId: 'legal', skills: { 'lang:fi': 5, 'training:phone-service': 3 }, working: working(0, 8) },
      { id: 'l2', departmentId: 'legal', skills: { 'lang:fi': 5, 'training:phone-service': 3 }, working: working(0, 8) },
      { id: 'untrained', departmentId: 'legal', skills: { 'lang:fi': 5 }, working: working(0, 8) },
      { id: 'swede', departmentId: 'legal', skills: { 'lang:sv': 5, 'training:phone-service': 3 }, working: working(0, 8) },
    ],
    departments: [
      { id: 'payments', staff: new Array(8).fill(5), work: { kind: 'backlog', arrivals: new Array(8).fill(6), ahtSeconds: 600, deadlineIntervals: 4, productiveShare: 1 } },
      { id: 'legal', staff: new Array(8).fill(5), work: { kind: 'backlog', arrivals: new Array(8).fill(3), ahtSeconds: 600, deadlineIntervals: 4, productiveShare: 1 } },
    ],
    ...overrides,
  };
}

describe('borrowing suggestions', () => {
  it('needs 12 agents for 40 calls of 180 s in a quarter-hour at 90 % in 30 s', () => {
    expect(agentsNeeded(40, 900, 180, 0.9, { thresholdSeconds: 30 })).toBe(12);
  });

  it('lends the fewest trained speakers of the language, one-hour blocks, from the least-loaded department', () => {
    const r = suggestLoans(input());
    expect(r.suggestions.map((s) => [s.employeeId, s.departmentId, s.fromInterval, s.toInterval])).toEqual([
      ['l1', 'legal', 2, 6],
      ['l2', 'legal', 2, 6],
    ]);
    expect(r.remainingDeficit).toBe(0);
    expect(r.intervalsStillShort).toEqual([]);
    const first = r.suggestions[0]!;
    expect(first.hours).toBe(1);
    expect(first.serviceLevelWith).toBeGreaterThan(first.serviceLevelWithout);
    expect(first.lender.deadlineMissesWith).toBe(0);
    expect(first.loanWindow).toEqual({ departmentId: 'cs', queueIds: ['phone-fi'], from: new Date('2026-03-04T06:30:00Z'), to: new Date('2026-03-04T07:30:00Z') });
    expect(r.perInterval[3]).toMatchObject({ needed: 12, available: 10, withLoans: 12 });
  });

  it('a queue without a language borrows trained people of any language; a Finnish queue does not borrow a Swedish speaker', () => {
    const few = input().candidates.filter((c) => c.id === 'swede' || c.id === 'untrained');
    expect(suggestLoans(input({ candidates: few })).suggestions).toEqual([]);
    const anyLanguage = input({ candidates: few });
    anyLanguage.queue = { ...anyLanguage.queue, id: 'phone-any', language: null };
    expect(suggestLoans(anyLanguage).suggestions.map((s) => s.employeeId)).toEqual(['swede']);
  });

  it('never lends from a department that would then miss its own backlog deadline', () => {
    // Legal now works at full capacity: 5 staff × 900 s = 7.5 items per interval.
    const busyLegal = input();
    busyLegal.departments = [busyLegal.departments[0]!, { id: 'legal', staff: new Array(8).fill(5), work: { kind: 'backlog', arrivals: new Array(8).fill(7.5), ahtSeconds: 600, deadlineIntervals: 1, productiveShare: 1 } }];
    const r = suggestLoans(busyLegal);
    expect(r.suggestions.every((s) => s.departmentId === 'payments')).toBe(true);
    expect(r.suggestions).toHaveLength(2);
  });

  it('reports the deficit it cannot cover instead of failing', () => {
    const r = suggestLoans(input({ candidates: [] }));
    expect(r.suggestions).toEqual([]);
    expect(r.remainingDeficit).toBe(8);
    expect(r.intervalsStillShort).toEqual([2, 3, 4, 5]);
  });

  it('never lends below a department\'s minimum staff, even when its work would allow it', () => {
    const base = input();
    const free = suggestLoans(base);
    expect(free.suggestions.some((s) => s.departmentId === 'legal')).toBe(true);
    const departments = base.departments.map((d) => (d.id === 'legal' ? { ...d, minStaff: new Array(8).fill(5) } : d));
    const kept = suggestLoans({ ...base, departments });
    expect(kept.suggestions.filter((s) => s.departmentId === 'legal')).toEqual([]);
    const one = suggestLoans({ ...base, departments: base.departments.map((d) => (d.id === 'legal' ? { ...d, minStaff: new Array(8).fill(4) } : d)) });
    const legalAt = (t: number) => one.suggestions.filter((s) => s.departmentId === 'legal' && s.fromInterval <= t && t < s.toInterval).length;
    for (let t = 0; t < 8; t++) expect(legalAt(t)).toBeLessThanOrEqual(1);
  });

  it('works a backlog earliest deadline first and counts misses', () => {
    expect(runBacklog({ kind: 'backlog', arrivals: [3, 0, 0], ahtSeconds: 900, deadlineIntervals: 2, productiveShare: 1 }, [1, 1, 1], 900)).toEqual({ backlogAtEnd: 0, deadlineMisses: 1 });
  });
});
