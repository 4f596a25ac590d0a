import { weekHorizon } from '../bench/staffing.bench.js';
import { chatAgents } from './chat.js';
import { erlangAAgents } from './erlang-a.js';
import { erlangCAgents } from './erlang-c.js';
import { emailRequirements } from './email-backlog.js';
import { StaffingInputError } from './errors.js';
import { computeRequirements } from './requirements.js';

const phoneTarget = { serviceLevel: 0.8, thresholdSeconds: 20 };

describe('requirements for a whole horizon in one call', () => {
  it('gives each phone interval the same answer as Erlang C / Erlang A on its own, with shrinkage', () => {
    const volumes = [100, 0, 40, 100, 250];
    const r = computeRequirements({
      intervalSeconds: 1800,
      queues: [
        { id: 'c', channel: 'phone', volumes, ahtSeconds: 180, target: phoneTarget, shrinkage: 0.3 },
        { id: 'a', channel: 'phone', volumes, ahtSeconds: 180, target: phoneTarget, patienceSeconds: 300 },
      ],
    });
    const [c, a] = r.queues;
    expect(c?.intervals[0]).toMatchObject({ agents: 14, agentsWithShrinkage: 20, abandonment: 0 });
    expect(c?.intervals[0]?.serviceLevel.toFixed(4)).toBe('0.8884');
    expect(a?.intervals[0]?.agents).toBe(13);
    expect(a?.intervals[0]?.abandonment).toBeCloseTo(0.025, 3);
    expect(c?.intervals[1]).toMatchObject({ agents: 0, agentsWithShrinkage: 0 });
    volumes.forEach((v, i) => {
      if (v === 0) return;
      expect(c?.intervals[i]?.agents).toBe(erlangCAgents({ contactsPerInterval: v, intervalSeconds: 1800, ahtSeconds: 180, target: phoneTarget }).agents);
      expect(a?.intervals[i]?.agents).toBe(
        erlangAAgents({ contactsPerInterval: v, intervalSeconds: 1800, ahtSeconds: 180, patienceSeconds: 300, target: phoneTarget }).agents,
      );
    });
  });

  it('staffs chat by concurrency and email by deadline, with 0 agents in closed intervals', () => {
    const open = [true, true, false, true];
    const r = computeRequirements({
      intervalSeconds: 3600,
      queues: [
        { id: 'chat', channel: 'chat', volumes: [30, 60, 10, 45], ahtSeconds: 400, concurrency: 3, concurrencySlowdown: 0.25, open, target: { serviceLevel: 0.8, thresholdSeconds: 60 } },
        { id: 'mail', channel: 'email', volumes: [20, 0, 12, 0], ahtSeconds: 360, deadlineSeconds: 7200, open },
      ],
    });
    const chat = r.queues[0];
    expect(chat?.intervals[2]?.agents).toBe(0);
    expect(chat?.intervals[1]?.agents).toBe(
      chatAgents({ contactsPerInterval: 60, intervalSeconds: 3600, ahtSeconds: 400, concurrency: 3, concurrencySlowdown: 0.25, target: { serviceLevel: 0.8, thresholdSeconds: 60 } }).agents,
    );
    const mail = r.queues[1];
    const direct = emailRequirements({ intervalSeconds: 3600, arrivals: [20, 0, 12, 0], ahtSeconds: 360, deadlineSeconds: 7200, open });
    expect(mail?.intervals.map((i) => i.agents)).toEqual(direct.intervals.map((i) => i.agents));
    expect(mail?.intervals[2]?.agents).toBe(0);
    expect(mail?.backlogAtEnd).toEqual(direct.backlogAtEnd);
  });

  it('handles a week of 15-minute intervals × 3 channels × 10 queues with sane numbers everywhere', () => {
    const horizon = weekHorizon();
    const r = computeRequirements(horizon);
    expect(r.queues).toHaveLength(30);
    let items = 0;
    const problems: string[] = [];
    for (const q of r.queues) {
      const minSl = q.channel === 'phone' ? 0.9 : q.channel === 'chat' ? 0.8 : 1;
      q.intervals.forEach((i, t) => {
        items++;
        const fractions = [i.serviceLevel, i.occupancy, i.abandonment].every((v) => v >= 0 && v <= 1);
        const ok =
          Number.isInteger(i.agents) && i.agents >= 0 && (i.agentsWithShrinkage ?? -1) >= i.agents && fractions && Number.isFinite(i.asa) &&
          (i.agents === 0 || i.serviceLevel >= minSl - 1e-12);
        if (!ok) problems.push(`${q.id}[${t}]: ${JSON.stringify(i)}`);
      });
    }
    expect(problems).toEqual([]);
    expect(items).toBe(20_160);
  });

  it('names the queue, field and interval of bad input', () => {
    const bad = () =>
      computeRequirements({ intervalSeconds: 900, queues: [{ id: 'p', channel: 'phone', volumes: [1, -3], ahtSeconds: 180, target: phoneTarget }] });
    expect(bad).toThrow(StaffingInputError);
    expect(bad).toThrow('queues[0].volumes[1] must be a finite number >= 0');
    expect(() =>
      computeRequirements({
        intervalSeconds: 900,
        queues: [
          { id: 'p', channel: 'phone', volumes: [1], ahtSeconds: 180, target: phoneTarget },
          { id: 'p', channel: 'phone', volumes: [1], ahtSeconds: 180, target: phoneTarget },
        ],
      }),
    ).toThrow('queues[1].id must be unique');
    expect(() =>
      computeRequirements({ intervalSeconds: 900, queues: [{ id: 'c', channel: 'chat', volumes: [1], ahtSeconds: 180, concurrency: 0, target: phoneTarget }] }),
    ).toThrow('queues[0].concurrency must be an integer >= 1');
  });
});
