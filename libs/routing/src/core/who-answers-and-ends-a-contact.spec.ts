import { telephonyDecidesAnswerAndEnd } from './types.js';

describe('who answers and ends a contact', () => {
  it('the telephony system for an inbound call: it sees the line, the desk only the offer', () => {
    expect(telephonyDecidesAnswerAndEnd({ channel: 'phone', kind: 'inbound' })).toBe(true);
  });

  it('the desk for a callback (its caller hung up; the agent calls back), a chat and an email', () => {
    expect(telephonyDecidesAnswerAndEnd({ channel: 'phone', kind: 'callback' })).toBe(false);
    expect(telephonyDecidesAnswerAndEnd({ channel: 'chat', kind: 'inbound' })).toBe(false);
    expect(telephonyDecidesAnswerAndEnd({ channel: 'email', kind: 'inbound' })).toBe(false);
  });
});
