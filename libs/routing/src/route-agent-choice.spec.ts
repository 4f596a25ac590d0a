import { RANKED_AGENTS_NAMED, selectAgentForContact } from './index.js';
import { NOW, agent, contact, queue, secondsBefore } from './spec-fixtures.js';

const phone = queue('q-phone', { channel: 'phone', previousAgentPreferenceSeconds: 20 });
const chat = queue('q-chat', { channel: 'chat' });

describe('choosing among eligible agents', () => {
  const longIdle = agent('long-idle', { idleSince: secondsBefore(NOW, 900) });
  const shortIdle = agent('short-idle', { idleSince: secondsBefore(NOW, 30) });

  it('picks the longest idle agent', () => {
    const sel = selectAgentForContact(contact('c', phone, 0), phone, [shortIdle, longIdle], NOW);
    expect(sel.agentId).toBe('long-idle');
    if (sel.agentId) expect(sel.rule).toBe('longest-idle');
    expect(sel.explanation.eligibleAgentIds).toEqual(['long-idle', 'short-idle']);
  });

  it('prefers the customer previous agent during the preference window', () => {
    const sel = selectAgentForContact(contact('c', phone, 5, { previousAgentId: 'short-idle' }), phone, [longIdle, shortIdle], NOW);
    expect(sel.agentId).toBe('short-idle');
    if (sel.agentId) expect(sel.rule).toBe('previous-agent');
    expect(sel.explanation.previousAgent).toEqual({ agentId: 'short-idle', applied: true, detail: 'preferred for the first 20 s of the wait' });
  });

  it('stops preferring the previous agent once the window is over', () => {
    const sel = selectAgentForContact(contact('c', phone, 25, { previousAgentId: 'short-idle' }), phone, [longIdle, shortIdle], NOW);
    expect(sel.agentId).toBe('long-idle');
    expect(sel.explanation.previousAgent?.applied).toBe(false);
    expect(sel.explanation.previousAgent?.detail).toMatch(/window of 20 s is over/);
  });

  it('falls back to longest idle when the previous agent has no capacity, saying why', () => {
    const onCall = agent('prev', { state: 'busy', load: { phone: 1, chat: 0, email: 0 } });
    const sel = selectAgentForContact(contact('c', phone, 0, { previousAgentId: 'prev' }), phone, [onCall, shortIdle], NOW);
    expect(sel.agentId).toBe('short-idle');
    expect(sel.explanation.previousAgent).toEqual({
      agentId: 'prev',
      applied: false,
      detail: 'previous agent not eligible: on a call or reserved for one',
    });
  });

  it('notes a previous agent who is not logged in', () => {
    const sel = selectAgentForContact(contact('c', phone, 0, { previousAgentId: 'gone' }), phone, [shortIdle], NOW);
    expect(sel.explanation.previousAgent?.detail).toBe('previous agent is not logged in');
  });

  it('the previous agent preference works across channels (chat customer, previous agent from a call)', () => {
    const sel = selectAgentForContact(contact('c', chat, 3, { previousAgentId: 'short-idle' }), chat, [longIdle, shortIdle], NOW);
    expect(sel.agentId).toBe('short-idle');
  });

  it('balances chats: an agent with fewer chats in hand first', () => {
    const twoChats = agent('two', { state: 'busy', load: { phone: 0, chat: 2, email: 0 }, idleSince: secondsBefore(NOW, 999) });
    const oneChat = agent('one', { state: 'busy', load: { phone: 0, chat: 1, email: 0 }, idleSince: secondsBefore(NOW, 10) });
    expect(selectAgentForContact(contact('c', chat, 0), chat, [twoChats, oneChat], NOW).agentId).toBe('one');
  });

  it('breaks an idle-time tie by lower occupancy, then by id', () => {
    const same = secondsBefore(NOW, 100);
    const busyDay = agent('a-busy-day', { idleSince: same, occupancy: 0.9 });
    const quietDay = agent('b-quiet-day', { idleSince: same, occupancy: 0.4 });
    expect(selectAgentForContact(contact('c', phone, 0), phone, [busyDay, quietDay], NOW).agentId).toBe('b-quiet-day');
    const twin = agent('a-twin', { idleSince: same, occupancy: 0.4 });
    expect(selectAgentForContact(contact('c', phone, 0), phone, [quietDay, twin], NOW).agentId).toBe('a-twin');
  });

  it('is deterministic and does not mutate its inputs', () => {
    const agents = [shortIdle, longIdle];
    const snapshot = JSON.stringify(agents);
    const c = contact('c', phone, 0);
    const a = selectAgentForContact(c, phone, agents, NOW);
    const b = selectAgentForContact(c, phone, agents, NOW);
    expect(a).toEqual(b);
    expect(JSON.stringify(agents)).toBe(snapshot);
  });
});

describe('naming the best-ranked of many eligible agents', () => {
  it('names the first RANKED_AGENTS_NAMED of the full ranking, best first, and counts them all', () => {
    // 60 agents in a scrambled order, with ties on load and idle time broken by occupancy and id.
    const agents = Array.from({ length: 60 }, (_, i) => {
      const k = (i * 37) % 60;
      return agent(`a-${String(k).padStart(2, '0')}`, {
        idleSince: secondsBefore(NOW, 600 - 10 * Math.floor(k / 4)),
        load: { phone: 0, chat: k % 3 === 0 ? 1 : 0, email: 0 },
        capacity: { phone: 0, chat: 3, email: k % 2 === 0 ? 5 : 2 },
      });
    });
    const sel = selectAgentForContact(contact('c', chat, 0), chat, agents, NOW);
    const fullRanking = [...agents]
      .sort((a, b) => {
        const load = (x: typeof a) => x.load.phone + x.load.chat + x.load.email;
        const occ = (x: typeof a) => load(x) / (x.capacity.phone + x.capacity.chat + x.capacity.email);
        return load(a) - load(b) || a.idleSince.getTime() - b.idleSince.getTime() || occ(a) - occ(b) || (a.id < b.id ? -1 : 1);
      })
      .map((a) => a.id);
    expect(sel.explanation.eligibleAgentIds).toEqual(fullRanking.slice(0, RANKED_AGENTS_NAMED));
    expect(sel.explanation.eligibleCount).toBe(60);
    expect(sel.agentId).toBe(fullRanking[0]);
  });
});
