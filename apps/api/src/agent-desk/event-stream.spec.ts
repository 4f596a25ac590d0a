import { sleep } from './event-stream.js';

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('event stream waits', () => {
  it('a wait ends with its stream: aborting clears the timer at once instead of leaving it to run out', async () => {
    const before = timers();
    const left = new AbortController();
    let ended = false;
    const waiting = sleep(60_000, left.signal).then(() => (ended = true));
    expect(timers()).toBe(before + 1);
    left.abort();
    await waiting;
    expect(ended).toBe(true);
    expect(timers()).toBe(before);
  });

  it('a wait asked for after the client left does not start a timer', async () => {
    const left = new AbortController();
    left.abort();
    const before = timers();
    await sleep(60_000, left.signal);
    expect(timers()).toBe(before);
  });
});
