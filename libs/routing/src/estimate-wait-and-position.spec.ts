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

describe('estimated wait over the widening steps (default 15 / 45 / 75 s)', () => {
  // The queue asks for Finnish at 3; step 1 (15 s) takes 2; step 2 (45 s) any department agent with
  // the language; step 3 (75 s) lent agents too.
  const fi = queue('q-fi', { channel: 'phone', requiredSkills: [{ skill: 'lang:fi', minProficiency: 3 }, { skill: 'topic:billing', minProficiency: 3 }] });
  const aht = { meanHandleSeconds: 300 };
  const skilled = { 'lang:fi': 5, 'topic:billing': 4 };
  const loan = [{ departmentId: 'collections', from: new Date(NOW.getTime() - 3600_000), to: new Date(NOW.getTime() + 3600_000) }];

  it('a free agent who qualifies only at proficiency 2 serves a new call from the 15 s step', () => {
    const d = estimateWaitDetails(fi, 1, [agent('fi2', { skills: { 'lang:fi': 2, 'topic:billing': 4 } })], aht, NOW);
    expect(d).toMatchObject({ seconds: 15, servedFromSeconds: 15, freeSlots: 1 });
  });

  it('a free same-language colleague without the topic serves from 45 s, a lent agent from 75 s', () => {
    expect(estimateWait(fi, 1, [agent('lang-only', { skills: { 'lang:fi': 4 } })], aht, NOW)).toBe(45);
    expect(estimateWait(fi, 1, [agent('lent', { departmentId: 'sales', skills: skilled, lentTo: loan })], aht, NOW)).toBe(75);
  });

  it('counts the steps from the contact’s arrival: after 20 s the 15 s agent serves at once, the 45 s one in 25 s', () => {
    const fi2 = agent('fi2', { skills: { 'lang:fi': 2, 'topic:billing': 4 } });
    expect(estimateWait(fi, 1, [fi2], aht, NOW, undefined, { waitedSeconds: 20 })).toBe(0);
    expect(estimateWait(fi, 1, [agent('lang-only', { skills: { 'lang:fi': 4 } })], aht, NOW, undefined, { waitedSeconds: 20 })).toBe(25);
  });

  it('takes the earlier of a busy step-0 agent freeing up and a later step’s free agent', () => {
    const busySkilled = (id: string) => agent(id, { state: 'busy', skills: skilled, load: { phone: 1, chat: 0, email: 0 } });
    const langOnly = agent('lang-only', { skills: { 'lang:fi': 4 } });
    // Four busy step-0 agents: the first slot frees in 300 / 4 = 75 s; the free agent serves from 45 s.
    const four = [busySkilled('b1'), busySkilled('b2'), busySkilled('b3'), busySkilled('b4'), langOnly];
    expect(estimateWaitDetails(fi, 1, four, aht, NOW)).toMatchObject({ seconds: 45, servedFromSeconds: 45, servingAgents: 5, slots: 5, freeSlots: 1 });
    // Ten busy step-0 agents: a slot frees in 30 s, before the 45 s step.
    const ten = [...Array.from({ length: 10 }, (_, i) => busySkilled(`b${i}`)), langOnly];
    expect(estimateWaitDetails(fi, 1, ten, aht, NOW)).toMatchObject({ seconds: 30, servedFromSeconds: 0 });
  });

  it('with no widening ([]) an agent below the queue’s requirements does not count at all', () => {
    const narrow = { ...fi, widening: [] };
    expect(estimateWait(narrow, 1, [agent('fi2', { skills: { 'lang:fi': 2, 'topic:billing': 4 } })], aht, NOW)).toBeNull();
  });
});

describe('estimated wait of a contact with excluded agents', () => {
  const aht = { meanHandleSeconds: 600 };

  it('does not count an agent who transferred or turned down the contact', () => {
    const sender = agent('sender');
    expect(estimateWait(chat, 1, [sender], aht, NOW, undefined, { excludedAgentIds: ['sender'] })).toBeNull();
    const busyOther = agent('other', { state: 'busy', load: { phone: 0, chat: 3, email: 0 } });
    expect(estimateWaitDetails(chat, 1, [sender, busyOther], aht, NOW, undefined, { excludedAgentIds: ['sender'] })).toMatchObject({ seconds: 200, servingAgents: 1, freeSlots: 0 });
  });

  it('counts the same agent for a contact that did not exclude it (a new contact: the wallboard figure)', () => {
    expect(estimateWait(chat, 1, [agent('sender')], aht, NOW)).toBe(0);
  });
});

describe('estimated wait with an agent in wrap-up', () => {
  const aht = { meanHandleSeconds: 300 };
  const wrapping = (id: string, secondsLeft: number) => agent(id, { state: 'wrap-up', wrapUpUntil: new Date(NOW.getTime() + secondsLeft * 1000) });

  it('the only agent 5 s from the end of its wrap-up answers a new call in 5 s, not after a handle time', () => {
    expect(estimateWaitDetails(phone, 1, [wrapping('w', 5)], aht, NOW)).toMatchObject({ seconds: 5, servedFromSeconds: 5, servingAgents: 1, slots: 1 });
  });

  it('a wrap-up already past its end (the sweep has not run yet) frees the agent at once', () => {
    expect(estimateWait(phone, 1, [wrapping('w', -3)], aht, NOW)).toBe(0);
  });

  it('a wrap-up whose end is not known counts as a busy slot, as before', () => {
    expect(estimateWait(phone, 1, [agent('w', { state: 'wrap-up' })], aht, NOW)).toBe(300);
  });

  it('the second caller waits for a slot of the agents that are then on the line, from the wrap-up’s end', () => {
    // One agent on a call, one 20 s from the end of its wrap-up: caller 1 gets the wrap-up agent at
    // 20 s; caller 2 needs one of the two slots to free up after that: (2 − 1) × 300 / 2 = 150 s.
    const agents = [busy('b1'), wrapping('w', 20)];
    expect(estimateWait(phone, 1, agents, aht, NOW)).toBe(20);
    expect(estimateWait(phone, 2, agents, aht, NOW)).toBe(150);
  });

  it('a busy agent finishing sooner on average than a long wrap-up wins', () => {
    // Ten agents on calls free a slot every 30 s on average; the wrap-up ends in 200 s.
    const agents = [...Array.from({ length: 10 }, (_, i) => busy(`b${i}`)), wrapping('w', 200)];
    expect(estimateWaitDetails(phone, 1, agents, aht, NOW)).toMatchObject({ seconds: 30, servedFromSeconds: 0 });
  });

  it('a wrap-up agent who qualifies only at a widening step serves from the later of the step and the wrap-up’s end', () => {
    const fi = queue('q-fi', { channel: 'phone', requiredSkills: [{ skill: 'lang:fi', minProficiency: 3 }] });
    const junior = (left: number) => agent('fi2', { state: 'wrap-up', skills: { 'lang:fi': 2 }, wrapUpUntil: new Date(NOW.getTime() + left * 1000) });
    expect(estimateWait(fi, 1, [junior(5)], aht, NOW)).toBe(15);
    expect(estimateWait(fi, 1, [junior(40)], aht, NOW)).toBe(40);
  });

  it('a chat agent in wrap-up has its whole chat capacity free at the end', () => {
    const agents = [agent('c', { state: 'wrap-up', wrapUpUntil: new Date(NOW.getTime() + 12_000) })];
    expect(estimateWait(chat, 3, agents, { meanHandleSeconds: 600 }, NOW)).toBe(12);
    expect(estimateWait(chat, 4, agents, { meanHandleSeconds: 600 }, NOW)).toBe(200);
  });

  it('an agent going on a break after its wrap-up does not count', () => {
    expect(estimateWait(phone, 1, [agent('w', { state: 'wrap-up', wrapUpUntil: new Date(NOW.getTime() + 5000), pendingState: 'break' })], aht, NOW)).toBeNull();
  });
});
