/**
 * Call draining: a call never shares an agent with a chat, so a call that only agents holding chats
 * could take waited for as long as new chats kept coming. Once a call has waited past its queue's
 * blending threshold (phone default 10 s), the agents who could take it once their chats end get no
 * new chat; their chats end, and the call is offered to the first of them who comes free.
 */
import { assignBatch, selectAgentForContact, selectContactForAgent, type Agent } from './index.js';
import { NOW, agent, contact, queue } from './spec-fixtures.js';

const phone = queue('q-phone', { channel: 'phone' });
const chat = queue('q-chat', { channel: 'chat' });
const email = queue('q-email', { channel: 'email' });
const swedishPhone = queue('q-phone-sv', { channel: 'phone', language: 'sv' });
const queues = [phone, chat, email, swedishPhone];

/** An agent with `chats` chats in hand (of 3) and room for a call once they end. */
const chatting = (id: string, chats = 1, over: Partial<Agent> = {}): Agent => agent(id, { state: 'busy', load: { phone: 0, chat: chats, email: 0 }, ...over });

function skipOf(sel: ReturnType<typeof selectAgentForContact>, agentId: string) {
  return sel.explanation.skippedAgents.find((s) => s.agentId === agentId);
}

describe('call draining: a new chat', () => {
  it('goes to no agent who could take a call waiting past its threshold once its chats end', () => {
    const late = contact('call-15s', phone, 15);
    const sel = selectAgentForContact(contact('chat-new', chat, 0), chat, [chatting('a1'), chatting('a2', 2)], NOW, { waitingContacts: [late], queues });
    expect(sel.agentId).toBeNull();
    expect(sel.explanation.rule).toBe('no-eligible-agent');
    expect(sel.explanation.skippedByReason).toEqual({ 'call-draining': 2 });
    expect(skipOf(sel, 'a1')).toEqual({ agentId: 'a1', reason: 'call-draining', detail: 'kept free for phone contact call-15s waiting 15 s (1 chat in hand to finish first)' });
    expect(skipOf(sel, 'a2')?.detail).toBe('kept free for phone contact call-15s waiting 15 s (2 chats in hand to finish first)');
  });

  it('still goes to an agent who could not take the call: another language, no phone capacity, another department', () => {
    const lateSwedish = contact('call-sv-40s', swedishPhone, 40);
    const finnishOnly = chatting('fi-only');
    const bilingual = chatting('bilingual', 1, { skills: { 'lang:fi': 5, 'lang:sv': 5, 'topic:payments': 4 } });
    const chatOnly = chatting('chat-only', 1, { skills: { 'lang:fi': 5, 'lang:sv': 5, 'topic:payments': 4 }, capacity: { phone: 0, chat: 3, email: 0 } });
    const ctx = { waitingContacts: [lateSwedish], queues };
    const sel = selectAgentForContact(contact('chat-new', chat, 0), chat, [bilingual, finnishOnly, chatOnly], NOW, ctx);
    expect(sel.agentId).not.toBeNull();
    expect(sel.explanation.eligibleAgentIds).toEqual(expect.arrayContaining(['fi-only', 'chat-only']));
    expect(sel.explanation.eligibleAgentIds).not.toContain('bilingual');
    expect(skipOf(sel, 'bilingual')).toMatchObject({ reason: 'call-draining', detail: expect.stringContaining('phone contact call-sv-40s waiting 40 s') });

    const otherDepartment = queue('q-phone-billing', { channel: 'phone', departmentId: 'billing' });
    const billingCall = contact('call-billing', otherDepartment, 40);
    const other = selectAgentForContact(contact('chat-2', chat, 0), chat, [finnishOnly], NOW, { waitingContacts: [billingCall], queues: [...queues, otherDepartment] });
    expect(other.agentId).toBe('fi-only');
  });

  it('flows as before while the call has waited less than the threshold', () => {
    const sel = selectAgentForContact(contact('chat-new', chat, 0), chat, [chatting('a1')], NOW, { waitingContacts: [contact('call-5s', phone, 5)], queues });
    expect(sel.agentId).toBe('a1');
    expect(sel.explanation.skippedByReason).toEqual({});
  });

  it('is not held back by waiting chats, however late (only calls drain)', () => {
    const sel = selectAgentForContact(contact('chat-new', chat, 0), chat, [chatting('a1')], NOW, {
      waitingContacts: [contact('chat-old', chat, 120), contact('email-old', email, 8 * 3600)],
      queues,
    });
    expect(sel.agentId).toBe('a1');
  });

  it('takes the phone queue’s own blending threshold', () => {
    const patient = queue('q-phone-patient', { channel: 'phone', emailBlendingThresholdSeconds: 25 });
    const ctx = (waited: number) => ({ waitingContacts: [contact(`call-${waited}s`, patient, waited)], queues: [...queues, patient] });
    expect(selectAgentForContact(contact('chat-new', chat, 0), chat, [chatting('a1')], NOW, ctx(20)).agentId).toBe('a1');
    expect(selectAgentForContact(contact('chat-new', chat, 0), chat, [chatting('a1')], NOW, ctx(26)).agentId).toBeNull();
  });

  it('follows the widening step in force for the call: a proficiency-2 agent drains only once the call has widened to it', () => {
    // Default widening: after 15 s proficiency 2 is enough for the queue's topic.
    const junior = chatting('junior', 1, { skills: { 'lang:fi': 5, 'topic:payments': 2 } });
    const anyChat = queue('q-chat-any', { channel: 'chat', requiredSkills: [] });
    const at = (waited: number) => selectAgentForContact(contact('chat-new', anyChat, 0), anyChat, [junior], NOW, { waitingContacts: [contact('call', phone, waited)], queues });
    expect(at(12).agentId).toBe('junior');
    expect(at(16).agentId).toBeNull();
    expect(skipOf(at(16), 'junior')?.reason).toBe('call-draining');
  });

  it('does not hold back an agent the call excluded (it turned the call down)', () => {
    const declined = contact('call-declined', phone, 40, { excludedAgentIds: ['a1'] });
    expect(selectAgentForContact(contact('chat-new', chat, 0), chat, [chatting('a1')], NOW, { waitingContacts: [declined], queues }).agentId).toBe('a1');
  });

  it('holds back an agent without chats too: the call, not the chat, is the agent’s next contact', () => {
    const sel = selectAgentForContact(contact('chat-new', chat, 0), chat, [agent('idle')], NOW, { waitingContacts: [contact('call-12s', phone, 12)], queues });
    expect(sel.agentId).toBeNull();
    expect(skipOf(sel, 'idle')).toEqual({ agentId: 'idle', reason: 'call-draining', detail: 'kept free for phone contact call-12s waiting 12 s' });
  });

  it('names the waiting call for a previous agent kept free for it', () => {
    const sel = selectAgentForContact(contact('chat-new', chat, 0, { previousAgentId: 'a1' }), chat, [chatting('a1'), chatting('a2', 1, { capacity: { phone: 0, chat: 3, email: 0 } })], NOW, {
      waitingContacts: [contact('call-15s', phone, 15)],
      queues,
    });
    expect(sel.agentId).toBe('a2');
    expect(sel.explanation.previousAgent).toEqual({ agentId: 'a1', applied: false, detail: 'previous agent is kept free for a waiting call' });
  });
});

describe('call draining: an agent who comes free', () => {
  const waiting = [contact('chat-50s', chat, 50), contact('call-15s', phone, 15)];

  it('with chats still in hand gets no new chat while a call it could take waits past the threshold', () => {
    const sel = selectContactForAgent(chatting('a1', 1), waiting, queues, NOW);
    expect(sel.contactId).toBeNull();
    expect(sel.explanation.skippedContacts).toEqual([
      { contactId: 'chat-50s', reason: 'call-draining', detail: 'kept free for phone contact call-15s waiting 15 s (1 chat in hand to finish first)' },
      { contactId: 'call-15s', reason: 'chat-in-progress', detail: 'has 1 chat(s) in progress; a call needs full attention' },
    ]);
  });

  it('once its chats have ended is offered the call, although the waiting chat is more urgent', () => {
    const sel = selectContactForAgent(agent('a1'), waiting, queues, NOW);
    expect(sel.contactId).toBe('call-15s');
    expect(sel.explanation.skippedContacts).toEqual([{ contactId: 'chat-50s', reason: 'call-draining', detail: 'kept free for phone contact call-15s waiting 15 s' }]);
  });

  it('takes the chat while the call has waited less than the threshold, or when it could not take the call', () => {
    expect(selectContactForAgent(chatting('a1', 1), [contact('chat-50s', chat, 50), contact('call-5s', phone, 5)], queues, NOW).contactId).toBe('chat-50s');
    const chatOnly = chatting('chat-only', 1, { capacity: { phone: 0, chat: 3, email: 2 } });
    expect(selectContactForAgent(chatOnly, waiting, queues, NOW).contactId).toBe('chat-50s');
  });

  it('may still take an email while it drains (an email in hand does not keep it from a call)', () => {
    const sel = selectContactForAgent(chatting('a1', 1), [contact('call-15s', phone, 15), contact('email-1', email, 600)], queues, NOW);
    expect(sel.contactId).toBe('email-1');
  });
});

describe('call draining in a batch assignment', () => {
  it('gives the new chats only to agents who could not take the late call', () => {
    const agents = [chatting('a1'), chatting('a2'), chatting('sv-only', 1, { skills: { 'lang:sv': 5, 'topic:payments': 4 } })];
    const swedishChat = queue('q-chat-sv', { channel: 'chat', language: 'sv' });
    const out = assignBatch([contact('call-20s', phone, 20), contact('chat-fi', chat, 5), contact('chat-sv', swedishChat, 5)], agents, [...queues, swedishChat], NOW);
    expect(out.map((a) => `${a.contactId}:${a.agentId}`)).toEqual(['chat-sv:sv-only']);
  });

  it('places the late call before a more urgent chat, then gives the chat to an agent the placed call no longer holds back', () => {
    const idle = agent('idle');
    const oneChat = chatting('one-chat', 1, { idleSince: NOW });
    const out = assignBatch([contact('chat-55s', chat, 55), contact('call-12s', phone, 12)], [idle, oneChat], queues, NOW);
    expect(out.map((a) => `${a.contactId}:${a.agentId}`)).toEqual(['call-12s:idle', 'chat-55s:one-chat']);
    expect(out[1]!.explanation.summary).toContain('deferred by call draining until the calls were placed');
  });

  it('leaves chats waiting while the call has no agent yet, and assigns as before below the threshold', () => {
    const agents = [chatting('a1'), chatting('a2')];
    expect(assignBatch([contact('call-30s', phone, 30), contact('chat-1', chat, 40)], agents, queues, NOW)).toEqual([]);
    expect(assignBatch([contact('call-3s', phone, 3), contact('chat-1', chat, 40)], agents, queues, NOW).map((a) => a.contactId)).toEqual(['chat-1']);
  });
});
