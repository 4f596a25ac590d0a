import { busyDayScenario, simulate, SimulationInputError } from '../../../../libs/simulation/src/index.js';
import { StaffingInputError, computeRequirements } from '../../../../libs/staffing/src/index.js';
import { weekHorizon } from '../../../../libs/staffing/bench/staffing.bench.js';
import { StaffingPoolBusyError, StaffingTimeoutError, StaffingWorkerPool, workerEntry } from './staffing-worker-pool.js';

/** The worker threads run the same library code as the API thread would, from the TS sources here. */
describe('staffing worker pool', () => {
  let pool: StaffingWorkerPool;
  beforeEach(() => {
    pool = new StaffingWorkerPool({ workers: 1, maxQueued: 1, timeoutMs: 60_000 });
  });
  afterEach(() => pool.close());

  it('starts the compiled worker when built and the TypeScript one (with compile hooks) from the sources', () => {
    expect(workerEntry('file:///app/dist/apps/api/src/staffing/staffing-worker-pool.js')).toEqual({ url: new URL('file:///app/dist/apps/api/src/staffing/staffing.worker.js'), options: {} });
    const source = workerEntry(import.meta.url.replace(/\.spec\.ts$/, '.ts'));
    expect(source.url.pathname).toMatch(/apps\/api\/src\/staffing\/staffing\.worker\.ts$/);
    expect(source.options.execArgv?.[0]).toBe('--import');
  });

  it('returns exactly what the simulator and the horizon maths return in-process', async () => {
    const input = busyDayScenario({ seed: 5, volumeScale: 0.3 });
    const [simulated, horizon] = await Promise.all([pool.run({ kind: 'simulate', input }), pool.run({ kind: 'horizon', input: weekHorizon(2) })]);
    expect(simulated).toEqual(simulate(input));
    expect(horizon).toEqual(computeRequirements(weekHorizon(2)));
  });

  it('hands input errors back as the libraries\' own error classes', async () => {
    const input = { ...busyDayScenario({ seed: 1, volumeScale: 0.1 }), intervals: 0 };
    await expect(pool.run({ kind: 'simulate', input })).rejects.toEqual(new SimulationInputError('intervals', 'must be an integer >= 1'));
    await expect(pool.run({ kind: 'simulate', input })).rejects.toBeInstanceOf(SimulationInputError);
    const bad = { intervalSeconds: 900, queues: [{ id: 'p', channel: 'phone' as const, volumes: [1, -1], ahtSeconds: 180, target: { serviceLevel: 0.8, thresholdSeconds: 20 } }] };
    const error = await pool.run({ kind: 'horizon', input: bad }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaffingInputError);
    expect((error as StaffingInputError).parameter).toBe('queues[0].volumes[1]');
  });

  it('stops a task at its time limit, refuses work beyond the queue, and carries on with a fresh thread', async () => {
    const heavy = busyDayScenario({ seed: 2, volumeScale: 20 }); // ≈ 100,000 contacts: seconds of work
    const running = pool.run({ kind: 'simulate', input: heavy }, 50);
    const queued = pool.run({ kind: 'simulate', input: heavy }, 100);
    await expect(pool.run({ kind: 'simulate', input: heavy })).rejects.toBeInstanceOf(StaffingPoolBusyError);
    await expect(running).rejects.toEqual(new StaffingTimeoutError(50));
    await expect(queued).rejects.toBeInstanceOf(StaffingTimeoutError);
    const small = busyDayScenario({ seed: 3, volumeScale: 0.1 });
    expect(await pool.run({ kind: 'simulate', input: small })).toEqual(simulate(small));
  });
});
