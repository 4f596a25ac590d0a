import { WorkerPool, WorkerPoolBusyError, WorkerTimeoutError, WorkerWaitTimeoutError, workerEntry, type WorkerPoolOptions } from './worker-pool.js';

/** Tasks of test/support/sleeping.worker.ts: each blocks its thread for `ms` and answers `value`. */
interface Sleep {
  ms: number;
  value: string;
}
const entry = workerEntry('sleeping.worker', new URL('../../../../test/support/test-app.ts', import.meta.url).href);

describe('worker pool', () => {
  const pools: WorkerPool<Sleep>[] = [];
  const pool = (options: WorkerPoolOptions) => {
    const p = new WorkerPool<Sleep>(entry, options, undefined, 'test');
    pools.push(p);
    return p;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it('counts a task\'s time limit from when a thread takes it, not from when it was handed in', async () => {
    const p = pool({ workers: 1, maxQueued: 4, timeoutMs: 60_000 });
    const long = p.runTask({ ms: 1_500, value: 'long' });
    // waits ~1.5 s behind `long`, then runs 50 ms: well within its 1 s limit (counted from submission, it failed without running)
    const short = p.runTask({ ms: 50, value: 'short' }, 1_000);
    await expect(short).resolves.toBe('short');
    await expect(long).resolves.toBe('long');
  });

  it('stops a task that runs past its limit, and the next one runs on a fresh thread', async () => {
    const p = pool({ workers: 1, maxQueued: 4, timeoutMs: 60_000 });
    const stuck = p.runTask({ ms: 30_000, value: 'stuck' }, 200);
    const next = p.runTask({ ms: 10, value: 'next' });
    await expect(stuck).rejects.toEqual(new WorkerTimeoutError(200));
    await expect(next).resolves.toBe('next');
  });

  it('refuses a task beyond a full line with an estimate of when to retry from the runs so far', async () => {
    const p = pool({ workers: 1, maxQueued: 1, timeoutMs: 60_000 });
    expect(p.retryAfterMs()).toBe(1_000);
    await p.runTask({ ms: 400, value: 'measured' });
    const running = p.runTask({ ms: 2_000, value: 'a' });
    const waiting = p.runTask({ ms: 10, value: 'b' });
    const refused = await p.runTask({ ms: 10, value: 'c' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkerPoolBusyError);
    expect(refused).toMatchObject({ running: 1, queued: 1 });
    // two tasks ahead of a retry, one thread, ~400 ms a run
    expect((refused as WorkerPoolBusyError).retryAfterMs).toBeGreaterThanOrEqual(1_000);
    expect((refused as WorkerPoolBusyError).retryAfterMs).toBeLessThan(60_000);
    await expect(Promise.all([running, waiting])).resolves.toEqual(['a', 'b']);
  });

  it('runs an urgent task ahead of the normal ones waiting, and takes it even when the line is full', async () => {
    const p = pool({ workers: 1, maxQueued: 2, timeoutMs: 60_000 });
    const done: string[] = [];
    const track = (run: Promise<unknown>) => run.then((v) => done.push(String(v)));
    const all = [
      track(p.runTask({ ms: 500, value: 'running' })),
      track(p.runTask({ ms: 10, value: 'normal 1' })),
      track(p.runTask({ ms: 10, value: 'normal 2' })),
      track(p.runTask({ ms: 10, value: 'urgent 1' }, undefined, 'urgent')),
      track(p.runTask({ ms: 10, value: 'urgent 2' }, undefined, 'urgent')),
    ];
    await expect(p.runTask({ ms: 10, value: 'refused' })).rejects.toBeInstanceOf(WorkerPoolBusyError);
    await Promise.all(all);
    expect(done).toEqual(['running', 'urgent 1', 'urgent 2', 'normal 1', 'normal 2']);
  });

  it('drops a task that waited maxWaitMs without a thread', async () => {
    const p = pool({ workers: 1, maxQueued: 4, timeoutMs: 60_000, maxWaitMs: 300 });
    const running = p.runTask({ ms: 1_500, value: 'running' });
    const waiting = await p.runTask({ ms: 10, value: 'waiting' }).catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(WorkerWaitTimeoutError);
    expect(waiting).toMatchObject({ maxWaitMs: 300 });
    expect((waiting as WorkerWaitTimeoutError).retryAfterMs).toBeGreaterThanOrEqual(1_000);
    await expect(running).resolves.toBe('running');
  });
});
