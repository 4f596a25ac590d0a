import { isChannel } from './channel.js';

describe('isChannel', () => {
  it('accepts the three routed channels and nothing else', () => {
    expect(['phone', 'chat', 'email'].every(isChannel)).toBe(true);
    expect(isChannel('fax')).toBe(false);
    expect(isChannel(3)).toBe(false);
  });
});
