import { estimateWait, estimateWaitDetails, positionInLine } from './index.js';
import { NOW, agent, contact, queue } from './spec-fixtures.js';

const phone = queue('q-phone', { channel: 'phone' });
const chat = queue('q-chat', { channel: 'chat' });
const busy = (id: string) => agent(id, { state: 'busy', load: { phone: 1, chat: 0, email: 0 } });

describe('position in line', () => {
  it('counts only the contact’s own queue, in priority order', () => {
    const waiting = [contact('old', phone, 20), contact('new', phone, 5), contact('chat', chat, 50)];
    expect(positionInLine(waiting[1]!, waiting, [phone, chat], NOW)).toBe(2);
    expect(positionInLine(waiting[0]!, waiting, [phone, chat], NOW)).toBe(1);
    expect(positionInLine(waiting[2]!, waiting, [phone, chat], NOW)).toBe(1);
  });

  it('a boosted contact can be ahead of an earlier one', () => {
    const vip = contact('vip', phone, 1, { priorityBoostSeconds: 60 });
    expect(positionInLine(vip, [contact('old', phone, 20), vip], [phone], NOW)).toBe(1);
  });
});

describe('estimated wait', () => {
  it('is zero when a free agent can take the contact', () => {
    expect(estimateWait(phone, 1, [agent('free'), busy('b1')], { meanHandleSeconds: 300 }, NOW)).toBe(0);
  });

  it('is (position − free slots) × handle time / serving slots', () => {
    const agents = [busy('b1'), busy('b2'), busy('b3'), agent('w', { state: 'wrap-up' })];
    const d = estimateWaitDetails(phone, 3, agents, { meanHandleSeconds: 240 }, NOW);
    expect(d).toMatchObject({ servingAgents: 4, slots: 4, freeSlots: 0, seconds: (3 * 240) / 4 });
  });

  it('ignores agents on break, offline, or without the skills even after widening', () => {
    const agents = [
      busy('b1'),
      agent('lunch', { state: 'break', breakReason: 'lunch' }),
      agent('off', { state: 'offline' }),
      agent('swede', { state: 'busy', load: { phone: 1, chat: 0, email: 0 }, skills: { 'lang:sv': 5 } }),
    ];
    expect(estimateWaitDetails(phone, 2, agents, { meanHandleSeconds: 200 }, NOW)).toMatchObject({ servingAgents: 1, seconds: 400 });
  });

  it('counts chat concurrency as serving slots', () => {
    const agents = [agent('c1', { state: 'busy', load: { phone: 0, chat: 3, email: 0 } }), agent('c2', { state: 'busy', load: { phone: 0, chat: 2, email: 0 } })];
    const d = estimateWaitDetails(chat, 3, agents, { meanHandleSeconds: 600 }, NOW);
    expect(d).toMatchObject({ slots: 6, freeSlots: 1, seconds: (2 * 600) / 6 });
  });

  it('is null when nobody can serve the queue', () => {
    expect(estimateWait(phone, 1, [agent('off', { state: 'offline' })], { meanHandleSeconds: 300 }, NOW)).toBeNull();
  });

  it('rejects a bad position or handle time', () => {
    expect(() => estimateWait(phone, 0, [], { meanHandleSeconds: 300 }, NOW)).toThrow(/position/);
    expect(() => estimateWait(phone, 1, [], { meanHandleSeconds: 0 }, NOW)).toThrow(/meanHandleSeconds/);
  });
});
