import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { EventStreams, sleep } from './event-stream.js';

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

describe('event streams', () => {
  /** Serves `payloads` one per wake-up, then the client leaves; returns the events written. */
  async function written(payloads: unknown[], changeOf?: (payload: { at: number; waiting: number }) => unknown): Promise<string[]> {
    const req = new EventEmitter();
    const out: string[] = [];
    const res = { status: () => res, setHeader: () => res, flushHeaders: () => undefined, write: (chunk: string) => out.push(chunk), end: () => undefined };
    let i = 0;
    const next = async () => payloads[i++] as { at: number; waiting: number };
    const wait = async () => {
      if (i === payloads.length) req.emit('close');
    };
    await new EventStreams().serve(req as unknown as Request, res as unknown as Response, 'stats', next, wait, changeOf);
    return out;
  }

  const ticks = [{ at: 1, waiting: 0 }, { at: 2, waiting: 0 }, { at: 3, waiting: 1 }, { at: 4, waiting: 1 }];

  it('sends an event when the payload changed', async () => {
    expect(await written([{ waiting: 0 }, { waiting: 0 }, { waiting: 1 }])).toEqual(['event: stats\ndata: {"waiting":0}\n\n', 'event: stats\ndata: {"waiting":1}\n\n']);
  });

  it('sends the whole payload, time stamp included, when the part changeOf picks changed', async () => {
    expect(await written(ticks, ({ at: _at, ...figures }) => figures)).toEqual(['event: stats\ndata: {"at":1,"waiting":0}\n\n', 'event: stats\ndata: {"at":3,"waiting":1}\n\n']);
    expect(await written(ticks)).toHaveLength(4);
  });
});
