import { bestChatConcurrency, chatAgents, chatPerformance, stretchedChatAht } from './chat.js';
import { erlangCAgents } from './erlang-c.js';

const chats = { contactsPerInterval: 120, intervalSeconds: 1800, ahtSeconds: 300 };
const target = { serviceLevel: 0.8, thresholdSeconds: 60 };

describe('chat agents with concurrency', () => {
  it('staffs one chat at a time exactly like a phone queue', () => {
    const chat = chatAgents({ ...chats, concurrency: 1, target });
    const phone = erlangCAgents({ ...chats, target });
    expect(chat.agents).toBe(phone.agents);
    expect(chat.serviceLevel).toBeCloseTo(phone.serviceLevel, 14);
  });

  it('stretches handle time by the slowdown factor per extra concurrent chat', () => {
    expect(stretchedChatAht(300, 3, 0.25)).toBeCloseTo(450, 12);
    expect(stretchedChatAht(300, 1, 0.9)).toBe(300);
  });

  it('solves Erlang C on slots of the stretched handle time and rounds slots up to whole agents', () => {
    const r = chatAgents({ ...chats, concurrency: 3, concurrencySlowdown: 0.25, target });
    const slots = erlangCAgents({ ...chats, ahtSeconds: 450, target }).agents;
    expect(r.agents).toBe(Math.ceil(slots / 3));
    expect(r.slots).toBe(r.agents * 3);
    expect(r.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(r.offeredLoad).toBeCloseTo((120 / 1800) * 450, 12);
  });

  it('needs fewer agents at concurrency 3 than 1 when the slowdown is moderate, and the same workload when g = 1', () => {
    const single = chatAgents({ ...chats, concurrency: 1, target });
    const triple = chatAgents({ ...chats, concurrency: 3, concurrencySlowdown: 0.25, target });
    expect(triple.agents).toBeLessThan(single.agents);
    const noGain = chatAgents({ ...chats, concurrency: 3, concurrencySlowdown: 1, target });
    // g = 1: three chats take three times as long, so the workload in agents is unchanged (only the
    // larger slot pool gives a little pooling gain).
    expect(noGain.workloadAgents).toBeCloseTo(single.workloadAgents, 12);
    expect(noGain.agents).toBeGreaterThanOrEqual(single.agents - 2);
  });

  it('picks the concurrency that needs the fewest agents', () => {
    const best = bestChatConcurrency({ ...chats, concurrencySlowdown: 0.3, target, maxConcurrency: 5 });
    for (let c = 1; c <= 5; c++) {
      expect(best.agents).toBeLessThanOrEqual(chatAgents({ ...chats, concurrency: c, concurrencySlowdown: 0.3, target }).agents);
    }
  });

  it('reports the service level of a given staffing', () => {
    const r = chatPerformance({ ...chats, concurrency: 2, concurrencySlowdown: 0.2, agents: 15, thresholdSeconds: 60 });
    expect(r.slots).toBe(30);
    expect(r.stable).toBe(true);
    expect(r.occupancy).toBeCloseTo(((120 / 1800) * 360) / 30, 12);
  });

  it('rejects a fractional concurrency', () => {
    expect(() => chatAgents({ ...chats, concurrency: 1.5, target })).toThrow('concurrency must be an integer >= 1');
  });
});
