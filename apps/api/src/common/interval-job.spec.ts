import { SchedulerRegistry } from '@nestjs/schedule';
import type { Logger } from '@nestjs/common';
import { IntervalJob } from './interval-job.js';

/** A promise with its resolve function, to hold a run in flight. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('IntervalJob', () => {
  const errors: unknown[] = [];
  const logger = { error: (m: unknown) => errors.push(m) } as unknown as Logger;
  beforeEach(() => (errors.length = 0));

  it('waits on stop for the run in flight, then runs no more and leaves no interval behind', async () => {
    const scheduler = new SchedulerRegistry();
    const held = gate();
    let started = 0;
    let finished = 0;
    let sawStopping = false;
    const job = new IntervalJob(scheduler, 'test-job', logger, async (j) => {
      started++;
      await held.promise;
      sawStopping = j.stopping;
      finished++;
    });
    job.start(60_000);
    expect(scheduler.doesExist('interval', 'test-job')).toBe(true);
    void job.tick();
    void job.tick(); // a run is in flight: no second one
    expect(started).toBe(1);

    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false); // still waiting for the run
    expect(job.stopping).toBe(true);
    held.open();
    await stopping;
    expect(finished).toBe(1);
    expect(sawStopping).toBe(true); // long work can end early
    expect(scheduler.doesExist('interval', 'test-job')).toBe(false);
    await job.tick();
    expect(started).toBe(1);
  });

  it('logs a failed run and runs again at the next tick', async () => {
    let runs = 0;
    const job = new IntervalJob(new SchedulerRegistry(), 'failing-job', logger, async () => {
      runs++;
      if (runs === 1) throw new Error('database gone');
    });
    await job.tick();
    expect(errors).toEqual([expect.objectContaining({ msg: 'failing-job failed', err: expect.objectContaining({ message: 'database gone' }) })]);
    await job.tick();
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
    await job.stop(); // never started: nothing to remove
  });
});
