import { EventQueue, simulate, stream, type SimulationInput } from './index.js';
import { START, at, phoneQueue, simAgent } from './spec-fixtures.js';

function meanVar(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

const noAgents = (volume: number, intervals: number, over: Partial<SimulationInput> = {}): SimulationInput => ({
  start: START,
  intervalSeconds: 900,
  intervals,
  queues: [{ queue: phoneQueue('q', { widening: [] }), volumes: new Array<number>(intervals).fill(volume) }],
  agents: [],
  handleTime: { phone: { meanSeconds: 300 } },
  seed: 3,
  ...over,
});

describe('arrivals', () => {
  it('are Poisson by default: interval counts have mean ≈ variance ≈ the volume', () => {
    const r = simulate(noAgents(40, 1500));
    const { mean, variance } = meanVar(r.intervals.map((i) => i.all.offered));
    expect(mean).toBeGreaterThan(39);
    expect(mean).toBeLessThan(41);
    expect(variance / mean).toBeGreaterThan(0.85);
    expect(variance / mean).toBeLessThan(1.15);
  });

  it('are over-dispersed with a dispersion d: variance ≈ m + d·m²', () => {
    const r = simulate(noAgents(40, 1500, { dispersion: 0.1 }));
    const { mean, variance } = meanVar(r.intervals.map((i) => i.all.offered));
    expect(mean).toBeGreaterThan(38);
    expect(mean).toBeLessThan(42);
    const expected = 40 + 0.1 * 40 * 40; // 200
    expect(variance / expected).toBeGreaterThan(0.8);
    expect(variance / expected).toBeLessThan(1.2);
  });

  it('follow the volume of each interval (none in an interval of volume 0)', () => {
    const r = simulate(noAgents(0, 3, { queues: [{ queue: phoneQueue('q', { widening: [] }), volumes: [0, 50, 0] }] }));
    expect(r.intervals.map((i) => i.all.offered)[0]).toBe(0);
    expect(r.intervals[1]!.all.offered).toBeGreaterThan(25);
    expect(r.intervals[2]!.all.offered).toBe(0);
  });
});

describe('handle times and patience', () => {
  const answered = (over: Partial<SimulationInput>) =>
    simulate({ ...noAgents(30, 400, over), agents: Array.from({ length: 30 }, (_, i) => simAgent(`a${i}`, 0, 400 * 900)), recordContacts: true })
      .contacts!;

  it('lognormal handle times have the given mean and coefficient of variation', () => {
    const h = answered({ handleTime: { phone: { meanSeconds: 300, distribution: 'lognormal', cv: 0.5 } } }).map((c) => c.handleSeconds);
    const { mean, variance } = meanVar(h);
    expect(Math.abs(mean / 300 - 1)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(variance) / mean - 0.5)).toBeLessThan(0.03);
  });

  it('exponential handle times by default (CV 1) and a queue can override its channel', () => {
    const h = answered({}).map((c) => c.handleSeconds);
    const { mean, variance } = meanVar(h);
    expect(Math.abs(mean / 300 - 1)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(variance) / mean - 1)).toBeLessThan(0.05);
  });

  it('email never abandons; chat patience is configurable', () => {
    const email = phoneQueue('mail', { channel: 'email', widening: [], serviceTarget: { percent: 90, seconds: 3600, basis: 'elapsed' } });
    const chat = phoneQueue('chat', { channel: 'chat', widening: [], serviceTarget: { percent: 90, seconds: 60, basis: 'elapsed' } });
    const r = simulate({
      ...noAgents(0, 8),
      queues: [
        { queue: email, volumes: new Array<number>(8).fill(20) },
        { queue: chat, volumes: new Array<number>(8).fill(20) },
      ],
      handleTime: { email: { meanSeconds: 600 }, chat: { meanSeconds: 600 } },
      patience: { chat: { meanSeconds: 120 } },
      recordContacts: true,
    });
    expect(r.totals.byQueue['mail']!.abandoned).toBe(0);
    expect(r.totals.byQueue['mail']!.waitingAtEnd).toBe(r.totals.byQueue['mail']!.offered);
    expect(r.totals.byQueue['chat']!.abandoned).toBeGreaterThan(100);
  });

  it('an email meets its target when the reply (end of handling) is within the target', () => {
    const email = phoneQueue('mail', { channel: 'email', widening: [], serviceTarget: { percent: 90, seconds: 500, basis: 'elapsed' } });
    const r = simulate({
      ...noAgents(0, 4),
      queues: [{ queue: email, volumes: [5, 5, 5, 5] }],
      agents: [simAgent('a', 0, 3600, { capacity: { phone: 0, chat: 0, email: 50 } })],
      handleTime: { email: { meanSeconds: 600, distribution: 'constant' } },
    });
    // Answered at once, but every reply takes 600 s > 500 s.
    expect(r.totals.all.answered).toBeGreaterThan(0);
    expect(r.totals.all.asa).toBe(0);
    expect(r.totals.all.answeredWithinTarget).toBe(0);
  });
});

describe('event queue', () => {
  it('pops in time order, ties in insertion order', () => {
    const q = new EventQueue<{ time: number; id: number }>();
    const random = stream(1, 1);
    const pushed: { time: number; id: number }[] = [];
    for (let i = 0; i < 2000; i++) {
      const e = { time: Math.floor(random() * 100), id: i };
      pushed.push(e);
      q.push(e);
    }
    const popped: number[] = [];
    while (q.size > 0) popped.push(q.pop()!.id);
    const expected = [...pushed].sort((a, b) => a.time - b.time || a.id - b.id).map((e) => e.id);
    expect(popped).toEqual(expected);
    expect(q.pop()).toBeUndefined();
  });

  it('rejects a non-finite time', () => {
    expect(() => new EventQueue<{ time: number }>().push({ time: NaN })).toThrow(RangeError);
  });
});

it('shift dates outside the window are clipped', () => {
  const r = simulate({ ...noAgents(10, 2), agents: [simAgent('a', -3600, 7200)] });
  expect(r.totals.all.staffedSeconds).toBe(1800);
  expect(at(0)).toEqual(START);
});
