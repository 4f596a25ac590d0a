import { simulate, SimulationInputError, type SimTraceEvent, type SimulationInput } from './index.js';
import { START, at, phoneQueue, simAgent } from './spec-fixtures.js';

function withTrace(input: SimulationInput) {
  const trace: SimTraceEvent[] = [];
  const result = simulate({ ...input, recordContacts: true, trace: (e) => trace.push(e) });
  return { result, trace, assigns: trace.filter((e): e is Extract<SimTraceEvent, { type: 'assign' }> => e.type === 'assign') };
}

const base = (over: Partial<SimulationInput> = {}): SimulationInput => ({
  start: START,
  intervalSeconds: 900,
  intervals: 4,
  queues: [{ queue: phoneQueue('q', { widening: [] }), volumes: [30, 30, 30, 30] }],
  agents: [simAgent('a', 0, 3600)],
  handleTime: { phone: { meanSeconds: 120, distribution: 'constant' } },
  seed: 1,
  ...over,
});

describe('shifts and breaks', () => {
  it('an agent on break takes no new contact; those waiting are answered when the break ends', () => {
    const input = base({ agents: [simAgent('a', 0, 3600, { shifts: [{ start: at(0), end: at(3600), breaks: [{ start: at(600), end: at(1200), reason: 'lunch' }] }] })] });
    const { result, assigns } = withTrace(input);
    expect(assigns.filter((e) => e.time >= 600 && e.time < 1200)).toEqual([]);
    const afterBreak = assigns.find((e) => e.time >= 1200)!;
    expect(afterBreak.time).toBe(1200);
    const duringBreak = result.contacts!.filter((c) => c.arrivedAt >= 600 && c.arrivedAt < 1200);
    expect(duringBreak.length).toBeGreaterThan(0);
    expect(duringBreak.every((c) => c.answeredAt === undefined || c.answeredAt >= 1200)).toBe(true);
    // The most urgent waiting contact (the longest waiting: same target) is the first one answered.
    const waitingAt1200 = result.contacts!.filter((c) => c.arrivedAt < 1200 && (c.answeredAt === undefined || c.answeredAt >= 1200));
    expect(afterBreak.contactId).toBe(waitingAt1200.sort((x, y) => x.arrivedAt - y.arrivedAt)[0]!.id);
    // Occupancy counts the staffed time only: 3,600 s on shift minus the 600 s break.
    expect(result.totals.all.staffedSeconds).toBeCloseTo(3000, 6);
    expect(result.totals.byChannel.phone.staffedSeconds).toBeCloseTo(3000, 6);
    expect(result.totals.byChannel.chat.staffedSeconds).toBe(0);
  });

  it('at shift end the agent finishes the call in hand and takes nothing new', () => {
    const input = base({ agents: [simAgent('a', 0, 1800)] });
    const { result, trace, assigns } = withTrace(input);
    expect(assigns.every((e) => e.time < 1800)).toBe(true);
    const last = assigns[assigns.length - 1]!;
    const end = trace.find((e) => e.type === 'service-end' && e.contactId === last.contactId)!;
    expect(end.time).toBeCloseTo(last.time + 120, 9);
    expect(result.totals.all.staffedSeconds).toBeCloseTo(1800, 6);
    expect(result.totals.all.waitingAtEnd).toBeGreaterThan(0);
    expect(result.intervals[3]!.all.occupancy).toBeNull();
  });

  it('an agent whose shift starts later waits for it', () => {
    const { assigns } = withTrace(base({ agents: [simAgent('late', 1800, 3600)] }));
    expect(assigns.length).toBeGreaterThan(0);
    expect(assigns[0]!.time).toBe(1800);
  });
});

describe('wrap-up', () => {
  it('keeps the agent from new work for the wrap-up seconds after each contact', () => {
    const { trace, assigns } = withTrace(base({ wrapUpSeconds: { phone: 30 } }));
    expect(assigns.length).toBeGreaterThan(5);
    for (let i = 1; i < assigns.length; i++) expect(assigns[i]!.time - assigns[i - 1]!.time).toBeGreaterThanOrEqual(150 - 1e-9);
    const releases = trace.filter((e) => e.type === 'release');
    for (const r of releases) {
      const end = trace.find((e) => e.type === 'service-end' && e.contactId === r.contactId)!;
      expect(r.time - end.time).toBeCloseTo(30, 9);
    }
  });

  it('counts wrap-up as occupied time', () => {
    const busy = simulate(base({ queues: [{ queue: phoneQueue('q'), volumes: [200, 200, 200, 200] }], wrapUpSeconds: { phone: 30 } }));
    // Saturated: always handling or wrapping up.
    expect(busy.totals.all.occupancy!).toBeGreaterThan(0.99);
  });
});

describe('widening over the wait', () => {
  it('a less proficient agent gets a contact only once the queue has widened to it (15 s by default)', () => {
    const queue = phoneQueue('q', { requiredSkills: [{ skill: 'topic:disputes', minProficiency: 4 }] });
    const junior = simAgent('junior', 0, 3600, { skills: { 'lang:fi': 5, 'topic:disputes': 2 } });
    const { result, assigns } = withTrace(base({ queues: [{ queue, volumes: [10, 10, 10, 10] }], agents: [junior] }));
    const arrivals = new Map(result.contacts!.map((c) => [c.id, c.arrivedAt]));
    expect(assigns.length).toBeGreaterThan(10);
    for (const a of assigns) expect(a.time - arrivals.get(a.contactId)!).toBeGreaterThanOrEqual(15);
    expect(assigns.some((a) => a.time - arrivals.get(a.contactId)! < 15.01)).toBe(true);
  });
});

describe('input errors name the field', () => {
  it.each([
    ['queues[0].volumes', base({ queues: [{ queue: phoneQueue('q'), volumes: [1, 2] }] })],
    ['queues[0].volumes[1]', base({ queues: [{ queue: phoneQueue('q'), volumes: [1, -2, 1, 1] }] })],
    ['patience.email', base({ patience: { email: { meanSeconds: 60 } } as never })],
    ['handleTime.phone.cv', base({ handleTime: { phone: { meanSeconds: 60, distribution: 'lognormal' } } })],
    ['agents[1].id', base({ agents: [simAgent('a', 0, 10), simAgent('a', 0, 10)] })],
    ['agents[0].shifts[0].breaks[0]', base({ agents: [simAgent('a', 0, 100, { shifts: [{ start: at(0), end: at(100), breaks: [{ start: at(50), end: at(200) }] }] })] })],
    ['warmupIntervals', base({ warmupIntervals: 4 })],
  ])('%s', (field, input) => {
    let error: unknown;
    try {
      simulate(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SimulationInputError);
    expect((error as SimulationInputError).field).toBe(field);
  });
});
