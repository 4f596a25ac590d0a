import { chatAgents } from '../../libs/staffing/src/index.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** The published reference case: 100 calls per 30 minutes, AHT 180 s, 80 % answered within 20 s. */
const REFERENCE = { channel: 'phone', intervalMinutes: 30, volume: 100, ahtSeconds: 180, target: { percent: 80, seconds: 20 } };

type Violation = { field: string; rule: string };
const pairs = (body: { errors: Violation[] }) => body.errors.map((e) => `${e.field}:${e.rule}`);

describe('staffing requirements API', () => {
  let t: TestApp;
  let supervisor: [string, string];

  beforeAll(async () => {
    t = await startTestApp();
    supervisor = bearer(await t.keyFor('supervisor'));
  });
  afterAll(() => t.close());

  const post = (body: object, path = '/v1/staffing/requirements') => t.http.post(path).set(...supervisor).send(body);

  it('Erlang C: the reference case needs 14 agents with service level 0.8884', async () => {
    const res = await post(REFERENCE).expect(200);
    expect(res.body).toEqual({
      agents: 14,
      serviceLevel: expect.any(Number),
      asa: expect.any(Number),
      occupancy: expect.any(Number),
      abandonment: 0,
      offeredLoad: 10,
      model: 'erlang-c',
    });
    expect(res.body.serviceLevel).toBeCloseTo(0.8884, 4);
    expect(res.body.occupancy).toBeCloseTo(10 / 14, 5);
    expect(res.body.asa).toBeCloseTo(7.836, 2);
    expect(res.body.agentsWithShrinkage).toBeUndefined();
  });

  it('Erlang A: with patience 300 s the same traffic needs 13 agents, SL ≈ 0.858, abandonment ≈ 0.025', async () => {
    const res = await post({ ...REFERENCE, patienceSeconds: 300 }).expect(200);
    expect(res.body).toMatchObject({ agents: 13, model: 'erlang-a' });
    expect(res.body.serviceLevel).toBeCloseTo(0.858, 3);
    expect(res.body.abandonment).toBeCloseTo(0.025, 3);
    expect(res.body.serviceLevel).toBeGreaterThanOrEqual(0.8);
    // Occupancy counts only the callers who stay: 10 Erlangs × (1 − abandonment) / 13.
    expect(res.body.occupancy).toBeCloseTo((10 * (1 - res.body.abandonment)) / 13, 5);
  });

  it('shrinkage 30 % schedules 20 agents for the 14 needed', async () => {
    const res = await post({ ...REFERENCE, shrinkage: 0.3 }).expect(200);
    expect(res.body).toMatchObject({ agents: 14, agentsWithShrinkage: 20 });
  });

  it('an occupancy cap raises the count above what the target alone needs', async () => {
    const res = await post({ ...REFERENCE, maxOccupancy: 0.65 }).expect(200);
    expect(res.body.agents).toBe(Math.ceil(10 / 0.65));
    expect(res.body.occupancy).toBeLessThanOrEqual(0.65);
  });

  it('chat: agents × concurrency slots, and higher concurrency needs fewer agents', async () => {
    const chat = { channel: 'chat', intervalMinutes: 30, volume: 60, ahtSeconds: 600, target: { percent: 80, seconds: 60 } };
    const one = await post({ ...chat, concurrency: 1 }).expect(200);
    const three = await post({ ...chat, concurrency: 3 }).expect(200);
    expect(three.body.model).toBe('chat-concurrency');
    expect(three.body.agents).toBe(chatAgents({ contactsPerInterval: 60, intervalSeconds: 1800, ahtSeconds: 600, concurrency: 3, target: { serviceLevel: 0.8, thresholdSeconds: 60 } }).agents);
    expect(one.body.agents).toBe(chatAgents({ contactsPerInterval: 60, intervalSeconds: 1800, ahtSeconds: 600, concurrency: 1, target: { serviceLevel: 0.8, thresholdSeconds: 60 } }).agents);
    expect(three.body.agents).toBeLessThan(one.body.agents);
    expect(three.body.agents * 3).toBeGreaterThan(three.body.offeredLoad); // 20 slot-Erlangs
    expect(three.body.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(three.body.occupancy).toBeCloseTo(20 / (three.body.agents * 3), 5);
    // A slowdown per extra chat stretches the handle time and the load.
    const slowed = await post({ ...chat, concurrency: 3, concurrencySlowdown: 0.5 }).expect(200);
    expect(slowed.body.offeredLoad).toBeCloseTo(40, 6);
    expect(slowed.body.agents).toBeGreaterThan(three.body.agents);
  });

  it('zero volume needs nobody', async () => {
    const res = await post({ ...REFERENCE, volume: 0 }).expect(200);
    expect(res.body).toMatchObject({ agents: 0, serviceLevel: 1, asa: 0, occupancy: 0, abandonment: 0 });
  });

  it('answers a single email interval with 422 pointing to the horizon form', async () => {
    const res = await post({ ...REFERENCE, channel: 'email', target: { percent: 90, seconds: 28800 } }).expect(422);
    expect(res.body.code).toBe('validation.failed');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'channel', rule: 'horizonRequired', message: expect.stringContaining('/v1/staffing/requirements/horizon') })]);
  });

  it('names every bad field and rule: ranges, per-channel fields, unknown fields', async () => {
    const res = await post({ channel: 'fax', intervalMinutes: 0, volume: -1, ahtSeconds: 0, target: { percent: 100, seconds: 0 }, shrinkage: 1, maxOccupancy: 0, salary: 1 }).expect(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(pairs(res.body)).toEqual(
      expect.arrayContaining([
        'channel:isIn',
        'intervalMinutes:min',
        'volume:min',
        'ahtSeconds:isPositive',
        'target.percent:max',
        'target.seconds:isPositive',
        'shrinkage:max',
        'maxOccupancy:isPositive',
        'salary:forbidden',
      ]),
    );
    const missing = await post({ channel: 'phone' }).expect(422);
    expect(pairs(missing.body)).toEqual(expect.arrayContaining(['intervalMinutes:required', 'volume:required', 'ahtSeconds:required', 'target:required']));
    const zeroPercent = await post({ ...REFERENCE, target: { percent: 0, seconds: 20 } }).expect(422);
    expect(pairs(zeroPercent.body)).toEqual(['target.percent:isPositive']);

    const chat = await post({ ...REFERENCE, channel: 'chat', patienceSeconds: 120 }).expect(422);
    expect(pairs(chat.body)).toEqual(expect.arrayContaining(['patienceSeconds:onlyForPhone', 'concurrency:requiredForChat']));
    const phone = await post({ ...REFERENCE, concurrency: 2 }).expect(422);
    expect(pairs(phone.body)).toEqual(['concurrency:onlyForChat']);
  });

  it('caps the offered load of one interval (the maths must stay cheap)', async () => {
    const res = await post({ ...REFERENCE, intervalMinutes: 1, volume: 100_000, ahtSeconds: 600 }).expect(422);
    expect(pairs(res.body)).toEqual(['volume:maxOfferedLoad']);
    expect(res.body.errors[0].message).toContain('5000');
  });

  it('lets supervisor, manager and admin call it; not telephony or agent', async () => {
    await t.http.post('/v1/staffing/requirements').set(...bearer(await t.keyFor('manager'))).send(REFERENCE).expect(200);
    await t.http.post('/v1/staffing/requirements').set(...bearer(t.adminKey)).send(REFERENCE).expect(200);
    for (const role of ['telephony', 'agent'] as const) {
      const res = await t.http.post('/v1/staffing/requirements').set(...bearer(await t.keyFor(role))).send(REFERENCE).expect(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    await t.http.post('/v1/staffing/requirements').send(REFERENCE).expect(401);
  });
});

describe('staffing horizon API', () => {
  let t: TestApp;
  let manager: [string, string];
  const WEEK = 7 * 96; // 15-minute intervals

  beforeAll(async () => {
    t = await startTestApp();
    manager = bearer(await t.keyFor('manager'));
  });
  afterAll(() => t.close());

  const post = (body: object) => t.http.post('/v1/staffing/requirements/horizon').set(...manager).send(body);

  /** Volume shape of a week: open 08:00–18:00 on weekdays, a morning peak. */
  function week(scale: number): { volumes: number[]; open: boolean[] } {
    const volumes: number[] = [];
    const open: boolean[] = [];
    for (let i = 0; i < WEEK; i++) {
      const day = Math.floor(i / 96);
      const hour = (i % 96) / 4;
      const isOpen = day < 5 && hour >= 8 && hour < 18;
      open.push(isOpen);
      volumes.push(isOpen ? Math.round(scale * (1 + Math.exp(-((hour - 10.5) ** 2) / 2)) * 100) / 100 : 0);
    }
    return { volumes, open };
  }

  it('a week of 15-minute intervals × 3 channels × 10 queues in one call', async () => {
    const queues = [];
    for (let k = 0; k < 10; k++) {
      const phone = week(20 + k);
      queues.push({ id: `phone-${k}`, channel: 'phone', volumes: phone.volumes, open: phone.open, ahtSeconds: 240, target: { percent: 90, seconds: 30 }, patienceSeconds: 120, shrinkage: 0.3 });
      const chat = week(8 + k);
      queues.push({ id: `chat-${k}`, channel: 'chat', volumes: chat.volumes, open: chat.open, ahtSeconds: 600, target: { percent: 80, seconds: 60 }, concurrency: 3 });
      const email = week(5 + k);
      queues.push({ id: `email-${k}`, channel: 'email', volumes: email.volumes, open: email.open, ahtSeconds: 480, target: { percent: 90, seconds: 8 * 3600 } });
    }
    const res = await post({ intervalMinutes: 15, queues }).expect(200);
    expect(res.body.intervalMinutes).toBe(15);
    expect(res.body.queues).toHaveLength(30);
    for (const q of res.body.queues) {
      for (const series of ['agents', 'serviceLevel', 'asa', 'occupancy', 'abandonment']) expect(q[series]).toHaveLength(WEEK);
    }
    const phone0 = res.body.queues[0];
    expect(phone0).toMatchObject({ id: 'phone-0', channel: 'phone', model: 'erlang-a' });
    expect(phone0.agentsWithShrinkage).toHaveLength(WEEK);
    const open = week(20).open;
    phone0.agents.forEach((a: number, i: number) => {
      if (!open[i]) expect(a).toBe(0);
      else {
        expect(a).toBeGreaterThan(0);
        expect(phone0.serviceLevel[i]).toBeGreaterThanOrEqual(0.9);
        expect(phone0.agentsWithShrinkage[i]).toBe(Math.ceil(a / 0.7 - 1e-9));
      }
    });
    expect(phone0.peakAgents).toBe(Math.max(...phone0.agents));
    expect(phone0.agentHours).toBeCloseTo(phone0.agents.reduce((x: number, y: number) => x + y, 0) / 4, 4);

    const chat0 = res.body.queues[1];
    expect(chat0).toMatchObject({ id: 'chat-0', channel: 'chat', model: 'chat-concurrency' });
    expect(chat0.agentsWithShrinkage).toBeUndefined();

    // Email: every deadline met, and the agents' capacity covers the work that fell due.
    const email0 = res.body.queues[2];
    expect(email0).toMatchObject({ id: 'email-0', channel: 'email', model: 'email-backlog' });
    expect(email0.serviceLevel.every((s: number) => s === 1)).toBe(true);
    const work = week(5).volumes.reduce((x, y) => x + y, 0) * 480;
    const capacity = email0.agents.reduce((x: number, y: number) => x + y, 0) * 900;
    expect(capacity + email0.backlogEmailsAtEnd * 480).toBeGreaterThanOrEqual(work - 1e-6);
  });

  it('agrees interval by interval with the single-interval form', async () => {
    const res = await post({ intervalMinutes: 30, queues: [{ id: 'p', channel: 'phone', volumes: [100, 0, 100], ahtSeconds: [180, 180, 120], target: { percent: 80, seconds: 20 } }] }).expect(200);
    expect(res.body.queues[0].agents).toEqual([14, 0, expect.any(Number)]);
    expect(res.body.queues[0].serviceLevel[0]).toBeCloseTo(0.8884, 4);
    const single = await t.http
      .post('/v1/staffing/requirements')
      .set(...manager)
      .send({ ...REFERENCE, ahtSeconds: 120 })
      .expect(200);
    expect(res.body.queues[0].agents[2]).toBe(single.body.agents);
    expect(res.body.queues[0].serviceLevel[2]).toBe(single.body.serviceLevel);
  });

  it('email: a level desk by default, or staff only when deadlines force it with emailPolicy latest', async () => {
    // One day of 15-minute intervals 08:00–16:00: the overnight mail at 08:00, then a steady trickle; due within 4 open hours.
    const volumes = [80, ...new Array<number>(31).fill(4)];
    const email = { id: 'mail', channel: 'email', volumes, ahtSeconds: 420, target: { percent: 90, seconds: 4 * 3600 } };
    const res = await post({ intervalMinutes: 15, queues: [email, { ...email, id: 'mail-latest', emailPolicy: 'latest' }] }).expect(200);
    const [level, latest] = res.body.queues;
    expect(new Set(level.agents).size).toBe(1); // the same desk all day
    expect(level.agents[0]).toBeGreaterThan(0);
    expect(latest.peakAgents).toBeGreaterThan(level.peakAgents);
    expect(latest.agents.slice(0, 15).every((a: number) => a === 0)).toBe(true); // nothing is due in the first hours
    expect(level.agentHours).toBeGreaterThanOrEqual(latest.agentHours);
    // Level answers earlier: the mean response of the 08:00 mail (finished in the first intervals) is shorter.
    expect(level.asa[0]).toBeGreaterThan(0);
    expect(latest.asa[0]).toBe(0);
    for (const q of [level, latest]) expect(q.serviceLevel.every((x: number) => x === 1)).toBe(true);
  });

  it('email: an elapsed deadline counts the night; the basis is for email only', async () => {
    // Two days of hours 08:00–16:00 (8 open, 16 closed): 40 emails at 14:00 on the first day, due within 6 hours.
    const open = [...new Array<boolean>(8).fill(true), ...new Array<boolean>(16).fill(false), ...new Array<boolean>(8).fill(true)];
    const volumes = open.map((_, i) => (i === 6 ? 40 : 0));
    const mail = { id: 'mail', channel: 'email', volumes, open, ahtSeconds: 360, emailPolicy: 'latest', target: { percent: 90, seconds: 6 * 3600 } };
    const res = await post({ intervalMinutes: 60, queues: [mail, { ...mail, id: 'mail-6h', target: { ...mail.target, basis: 'elapsed' } }] }).expect(200);
    const [business, elapsed] = res.body.queues;
    // 6 business hours: 2 on the first day, due in the second day's 4th open hour; 6 wall hours end at 20:00, closed: due at 15:00, the last open hour.
    expect(business.agents.findIndex((a: number) => a > 0)).toBe(24 + 3);
    expect(elapsed.agents.findIndex((a: number) => a > 0)).toBe(7);
    expect(elapsed.agents[7]).toBe(4); // 40 × 6 min = 4 agent-hours in the hour they are due
    const unknown = await post({ intervalMinutes: 60, queues: [{ ...mail, target: { ...mail.target, basis: 'wall' } }] }).expect(422);
    expect(pairs(unknown.body)).toEqual(['queues[0].target.basis:isIn']);
    const phone = await post({ intervalMinutes: 60, queues: [{ id: 'p', channel: 'phone', volumes: [10], ahtSeconds: 180, target: { percent: 80, seconds: 20, basis: 'elapsed' } }] }).expect(422);
    expect(pairs(phone.body)).toEqual(['queues[0].target.basis:onlyForEmail']);
    const single = await t.http.post('/v1/staffing/requirements').set(...manager).send({ ...REFERENCE, target: { ...REFERENCE.target, basis: 'business' } }).expect(422);
    expect(pairs(single.body)).toEqual(['target.basis:onlyForEmail']);
  });

  it('blended pool: phone, chat and email answered by the same agents need fewer agents than separately', async () => {
    const phone = week(20);
    const body = {
      intervalMinutes: 15,
      queues: [
        { id: 'phone-fi', channel: 'phone', volumes: phone.volumes, open: phone.open, ahtSeconds: 240, patienceSeconds: 120, target: { percent: 90, seconds: 30 } },
        { id: 'chat-fi', channel: 'chat', volumes: week(6).volumes, open: phone.open, ahtSeconds: 600, concurrency: 2, target: { percent: 80, seconds: 60 } },
        { id: 'email-fi', channel: 'email', volumes: week(4).volumes, open: phone.open, ahtSeconds: 480, target: { percent: 90, seconds: 8 * 3600 } },
      ],
      pools: [{ id: 'frontline', queueIds: ['phone-fi', 'chat-fi', 'email-fi'], shrinkage: phone.open.map((o) => (o ? 0.25 : 0.35)) }],
    };
    const res = await post(body).expect(200);
    const [p, c, e] = res.body.queues;
    const pool = res.body.pools[0];
    expect(pool).toMatchObject({ id: 'frontline', queueIds: ['phone-fi', 'chat-fi', 'email-fi'] });
    for (const series of ['agents', 'agentsWithShrinkage', 'interactiveAgents', 'emailAgents', 'separateAgents', 'emailShareInIdleTime']) expect(pool[series]).toHaveLength(WEEK);
    pool.agents.forEach((a: number, i: number) => {
      expect(pool.interactiveAgents[i]).toBe(p.agents[i] + c.agents[i]);
      expect(a).toBe(pool.interactiveAgents[i] + pool.emailAgents[i]);
      expect(pool.separateAgents[i]).toBe(p.agents[i] + c.agents[i] + e.agents[i]);
      expect(a).toBeLessThanOrEqual(pool.separateAgents[i]);
      expect(pool.agentsWithShrinkage[i]).toBe(a === 0 ? 0 : Math.ceil(a / (phone.open[i] ? 0.75 : 0.65) - 1e-9));
    });
    expect(pool.agentHours).toBeLessThan(pool.separateAgentHours);
    expect(Math.max(...pool.emailShareInIdleTime)).toBeGreaterThan(0);
    // Without usable idle time the pool is the separate sum.
    const none = await post({ ...body, pools: [{ id: 'frontline', queueIds: ['phone-fi', 'chat-fi', 'email-fi'], idleUsableShare: 0 }] }).expect(200);
    expect(none.body.pools[0].agents).toEqual(none.body.pools[0].separateAgents);
    expect(none.body.pools[0].agentsWithShrinkage).toBeUndefined();
  });

  it('422 on pools that name unknown queues, share a queue or have a wrong-length shrinkage, and on emailPolicy outside email', async () => {
    const phone = { id: 'p', channel: 'phone', volumes: [1, 2, 3], ahtSeconds: 180, target: { percent: 80, seconds: 20 } };
    const email = { id: 'e', channel: 'email', volumes: [1, 2, 3], ahtSeconds: 180, target: { percent: 80, seconds: 3600 } };
    const res = await post({
      intervalMinutes: 15,
      queues: [{ ...phone, emailPolicy: 'level' }, email],
      pools: [
        { id: 'a', queueIds: ['p', 'x'], shrinkage: [0.1, 0.2] },
        { id: 'a', queueIds: ['e', 'p'], emailPolicy: 'soon', idleUsableShare: 2 },
      ],
    }).expect(422);
    expect(pairs(res.body)).toEqual(
      expect.arrayContaining(['pools[1].emailPolicy:isIn', 'pools[1].idleUsableShare:max']),
    );
    const cross = await post({
      intervalMinutes: 15,
      queues: [{ ...phone, emailPolicy: 'level' }, email],
      pools: [
        { id: 'a', queueIds: ['p', 'x'], shrinkage: [0.1, 0.2] },
        { id: 'a', queueIds: ['e', 'p'] },
      ],
    }).expect(422);
    expect(pairs(cross.body)).toEqual(
      expect.arrayContaining(['queues[0].emailPolicy:onlyForEmail', 'pools[0].queueIds[1]:exists', 'pools[0].shrinkage:sameLength', 'pools[1].id:unique', 'pools[1].queueIds[1]:onePool']),
    );
  });

  it('422 on unequal arrays, repeated ids, per-channel fields, element ranges and the size cap', async () => {
    const phone = { id: 'p', channel: 'phone', volumes: [1, 2, 3], ahtSeconds: 180, target: { percent: 80, seconds: 20 } };
    const res = await post({
      intervalMinutes: 15,
      queues: [
        { ...phone, ahtSeconds: [180, 180], shrinkage: [0.1], open: [true] },
        { ...phone, volumes: [1, 2] },
        { ...phone, id: 'c', channel: 'chat' },
        { ...phone, id: 'e', channel: 'email', patienceSeconds: 60 },
      ],
    }).expect(422);
    expect(pairs(res.body)).toEqual(
      expect.arrayContaining([
        'queues[0].ahtSeconds:sameLength',
        'queues[0].shrinkage:sameLength',
        'queues[0].open:sameLength',
        'queues[1].id:unique',
        'queues[1].volumes:sameLength',
        'queues[2].concurrency:requiredForChat',
        'queues[3].patienceSeconds:onlyForPhone',
      ]),
    );
    const ranges = await post({ intervalMinutes: 15, queues: [{ ...phone, volumes: [1, -2, 3], ahtSeconds: [180, 0, 180], target: { percent: 80, seconds: -1 } }] }).expect(422);
    expect(pairs(ranges.body)).toEqual(expect.arrayContaining(['queues[0].volumes:min', 'queues[0].ahtSeconds:isNumberOrArray', 'queues[0].target.seconds:isPositive']));
    expect(ranges.body.errors.find((e: Violation) => e.field === 'queues[0].ahtSeconds').message).toContain('ahtSeconds[1]');

    const many = Array.from({ length: 16 }, (_, k) => ({ ...phone, id: `q${k}`, volumes: new Array(2688).fill(0) }));
    const tooBig = await post({ intervalMinutes: 15, queues: many }).expect(422);
    expect(pairs(tooBig.body)).toEqual(['queues:maxItems']);
    // Erlang A is the expensive model: thousands of distinct high-load intervals are refused up front.
    const heavy = await post({ intervalMinutes: 15, queues: [{ ...phone, volumes: Array.from({ length: 2000 }, (_, i) => 20_000 + i), patienceSeconds: 300 }] }).expect(422);
    expect(pairs(heavy.body)).toEqual(['queues:maxErlangAWork']);
    const tooLong = await post({ intervalMinutes: 15, queues: [{ ...phone, volumes: new Array(2689).fill(0) }] }).expect(422);
    expect(pairs(tooLong.body)).toEqual(['queues[0].volumes:arrayMaxSize']);
  });
});
