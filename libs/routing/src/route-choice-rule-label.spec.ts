import { selectAgentForContact } from './index.js';
import { NOW, agent, contact, queue, secondsBefore } from './spec-fixtures.js';

/** The explanation names the criterion that actually put the chosen agent ahead of the runner-up. */
describe('the rule named in an agent choice', () => {
  const phone = queue('q-phone', { channel: 'phone', requiredSkills: [{ skill: 'topic:debt', minProficiency: 4 }] });
  const chat = queue('q-chat', { channel: 'chat' });
  const same = secondsBefore(NOW, 60);

  it('only-eligible when nobody else could take the contact', () => {
    const sel = selectAgentForContact(contact('c', chat, 0), chat, [agent('a'), agent('off', { state: 'offline' })], NOW);
    expect(sel.agentId && sel.rule).toBe('only-eligible');
  });

  it('fewest-in-hand when the runner-up has more contacts', () => {
    const busy = agent('busy', { state: 'busy', idleSince: secondsBefore(NOW, 900), load: { phone: 0, chat: 1, email: 0 } });
    const free = agent('free', { idleSince: same });
    const sel = selectAgentForContact(contact('c', chat, 0), chat, [busy, free], NOW);
    expect(sel.agentId).toBe('free');
    expect(sel.agentId && sel.rule).toBe('fewest-in-hand');
  });

  it('longest-idle only when idle time decided', () => {
    const sel = selectAgentForContact(contact('c', chat, 0), chat, [agent('a', { idleSince: secondsBefore(NOW, 10) }), agent('b', { idleSince: secondsBefore(NOW, 99) })], NOW);
    expect(sel.agentId).toBe('b');
    expect(sel.agentId && sel.rule).toBe('longest-idle');
  });

  it('narrowest-step when a fully skilled agent beats a widened one', () => {
    const expert = agent('expert', { idleSince: same, skills: { 'lang:fi': 5, 'topic:debt': 5 } });
    const learner = agent('learner', { idleSince: secondsBefore(NOW, 900), skills: { 'lang:fi': 5, 'topic:debt': 2 } });
    const sel = selectAgentForContact(contact('c', phone, 20), phone, [learner, expert], NOW);
    expect(sel.agentId).toBe('expert');
    expect(sel.agentId && sel.rule).toBe('narrowest-step');
  });

  it('agent-id when everything else is equal', () => {
    const sel = selectAgentForContact(contact('c', chat, 0), chat, [agent('b', { idleSince: same }), agent('a', { idleSince: same })], NOW);
    expect(sel.agentId).toBe('a');
    expect(sel.agentId && sel.rule).toBe('agent-id');
  });
});
