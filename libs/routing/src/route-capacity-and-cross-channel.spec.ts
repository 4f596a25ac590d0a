import { selectAgentForContact, selectContactForAgent } from './index.js';
import { NOW, agent, contact, queue } from './spec-fixtures.js';

const phone = queue('q-phone', { channel: 'phone' });
const chat = queue('q-chat', { channel: 'chat' });
const email = queue('q-email', { channel: 'email' });
const queues = [phone, chat, email];

function skipOf(sel: ReturnType<typeof selectAgentForContact>, agentId: string) {
  return sel.explanation.skippedAgents.find((s) => s.agentId === agentId);
}

describe('capacity and cross-channel rules', () => {
  it('an agent on a call gets no new chat and no email', () => {
    const onCall = agent('on-call', { state: 'busy', load: { phone: 1, chat: 0, email: 0 } });
    for (const q of [chat, email]) {
      const sel = selectAgentForContact(contact('c1', q, 0), q, [onCall], NOW);
      expect(sel.agentId).toBeNull();
      expect(skipOf(sel, 'on-call')).toEqual({ agentId: 'on-call', reason: 'on-call', detail: 'on a call or reserved for one' });
    }
  });

  it('an agent reserved for a phone contact gets nothing else', () => {
    const reserved = agent('r', { state: 'reserved', load: { phone: 1, chat: 0, email: 0 } });
    expect(selectAgentForContact(contact('c1', chat, 0), chat, [reserved], NOW).agentId).toBeNull();
  });

  it('a busy agent with chats only takes more chats up to its chat capacity', () => {
    const twoChats = agent('two', { state: 'busy', load: { phone: 0, chat: 2, email: 0 } });
    const full = agent('full', { state: 'busy', load: { phone: 0, chat: 3, email: 0 } });
    const sel = selectAgentForContact(contact('c1', chat, 0), chat, [full, twoChats], NOW);
    expect(sel.agentId).toBe('two');
    expect(skipOf(sel, 'full')).toMatchObject({ reason: 'no-capacity', detail: 'chat load 3/3' });
  });

  it('an agent reserved for a chat can be offered another chat', () => {
    const r = agent('r', { state: 'reserved', load: { phone: 0, chat: 1, email: 0 } });
    expect(selectAgentForContact(contact('c1', chat, 0), chat, [r], NOW).agentId).toBe('r');
  });

  it('an agent with a chat in progress gets no call', () => {
    const chatting = agent('chatting', { state: 'busy', load: { phone: 0, chat: 1, email: 0 } });
    const sel = selectAgentForContact(contact('p1', phone, 0), phone, [chatting], NOW);
    expect(sel.agentId).toBeNull();
    expect(skipOf(sel, 'chatting')?.reason).toBe('chat-in-progress');
  });

  it('an agent writing an email can still take a call (the email is parked)', () => {
    const writing = agent('writing', { state: 'busy', load: { phone: 0, chat: 0, email: 1 } });
    expect(selectAgentForContact(contact('p1', phone, 0), phone, [writing], NOW).agentId).toBe('writing');
  });

  it('an agent without phone capacity gets no calls', () => {
    const chatOnly = agent('chat-only', { capacity: { phone: 0, chat: 4, email: 0 } });
    const sel = selectAgentForContact(contact('p1', phone, 0), phone, [chatOnly], NOW);
    expect(skipOf(sel, 'chat-only')).toMatchObject({ reason: 'no-capacity', detail: 'phone load 0/0' });
  });

  it.each([
    ['offline', undefined, 'state offline'],
    ['break', 'lunch', 'state break (lunch)'],
    ['not-responding', undefined, 'state not-responding'],
    ['wrap-up', undefined, 'state wrap-up'],
  ] as const)('an agent in %s gets nothing', (state, breakReason, detail) => {
    const a = agent('a', { state, ...(breakReason ? { breakReason } : {}) });
    for (const q of queues) {
      const sel = selectAgentForContact(contact('c1', q, 0), q, [a], NOW);
      expect(sel.agentId).toBeNull();
      expect(skipOf(sel, 'a')).toEqual({ agentId: 'a', reason: 'wrong-state', detail });
    }
  });
});

describe('email blending', () => {
  it('an agent who could take a chat waiting past its blending threshold gets no email', () => {
    const a = agent('a1');
    const waitingChat = contact('chat-25s', chat, 25); // chat threshold 20 s
    const sel = selectAgentForContact(contact('e1', email, 3600), email, [a], NOW, { waitingContacts: [waitingChat], queues });
    expect(sel.agentId).toBeNull();
    expect(skipOf(sel, 'a1')).toMatchObject({ reason: 'email-blending', detail: 'could take chat contact chat-25s waiting 25 s' });
  });

  it('a chat waiting less than the threshold does not block email', () => {
    const sel = selectAgentForContact(contact('e1', email, 3600), email, [agent('a1')], NOW, {
      waitingContacts: [contact('chat-5s', chat, 5)],
      queues,
    });
    expect(sel.agentId).toBe('a1');
  });

  it('a waiting call the agent cannot take (wrong language) does not block its emails', () => {
    const swedish = queue('q-phone-sv', { channel: 'phone', language: 'sv' });
    const sel = selectAgentForContact(contact('e1', email, 3600), email, [agent('a1')], NOW, {
      waitingContacts: [contact('call-sv', swedish, 40)],
      queues: [...queues, swedish],
    });
    expect(sel.agentId).toBe('a1');
  });

  it('the per-queue threshold overrides the channel default', () => {
    const patientChat = queue('q-chat-slow', { channel: 'chat', emailBlendingThresholdSeconds: 120 });
    const sel = selectAgentForContact(contact('e1', email, 3600), email, [agent('a1')], NOW, {
      waitingContacts: [contact('chat-60s', patientChat, 60)],
      queues: [...queues, patientChat],
    });
    expect(sel.agentId).toBe('a1');
  });

  it('a free agent offered work picks the late chat over a nearly-due email it is not allowed to take', () => {
    const sel = selectContactForAgent(agent('a1'), [contact('email-due', email, 8 * 3600 - 60), contact('chat-30s', chat, 30)], queues, NOW);
    expect(sel.contactId).toBe('chat-30s');
  });

  it('an agent whose chats are full may take an email even while chats wait', () => {
    const full = agent('full', { state: 'busy', load: { phone: 0, chat: 3, email: 0 } });
    const sel = selectContactForAgent(full, [contact('chat-30s', chat, 30), contact('e1', email, 100)], queues, NOW);
    expect(sel.contactId).toBe('e1');
    expect(sel.explanation.skippedContacts).toContainEqual({ contactId: 'chat-30s', reason: 'no-capacity', detail: 'chat load 3/3' });
  });
});
