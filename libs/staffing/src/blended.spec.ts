import { blendedAgents } from './blended.js';

describe('one pool of agents for phone, chat and email', () => {
  it('keeps the phone requirement and adds chat and email workload as occupancy-adjusted FTE, rounded up once', () => {
    const r = blendedAgents({ intervalSeconds: 900, phoneAgents: 14, chatWorkloadAgents: 1.7, emailWorkSeconds: 1350 });
    expect(r.chatAgents).toBeCloseTo(2, 12); // 1.7 / 0.85
    expect(r.emailAgents).toBeCloseTo(1.5, 12);
    expect(r.agents).toBe(18); // ⌈14 + 2 + 1.5⌉
  });

  it('needs nobody when no channel has work', () => {
    expect(blendedAgents({ intervalSeconds: 900 }).agents).toBe(0);
  });

  it('rejects an occupancy of 0', () => {
    expect(() => blendedAgents({ intervalSeconds: 900, chatOccupancy: 0 })).toThrow('chatOccupancy must be a fraction > 0 and <= 1');
  });
});
