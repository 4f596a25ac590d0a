/**
 * `npm run bench` / `npm run bench:<area>`: prints the figures that BENCHMARKS.md records, with the
 * machine they were measured on and a reference workload timed in the same run (absolute times on a
 * shared machine are noise; ratios to the reference are comparable across runs).
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

type Area = 'staffing' | 'forecast' | 'simulation' | 'planning' | 'routing-core' | 'phone-number';
const AREAS: Record<Area, () => Promise<unknown>> = {
  staffing: async () => {
    await (await import('../libs/staffing/bench/staffing.bench.js')).main();
    await (await import('../apps/api/src/staffing/staffing-workers.bench.js')).main();
  },
  forecast: async () => (await import('../libs/forecasting/bench/forecast.bench.js')).main(),
  simulation: async () => (await import('../libs/simulation/bench/simulation.bench.js')).main(),
  planning: async () => (await import('../libs/planning/bench/planning.bench.js')).main(),
  'routing-core': async () => (await import('../libs/routing/bench/routing-core.bench.js')).main(),
  'phone-number': async () => (await import('../libs/core/bench/phone-number.bench.js')).main(),
};

/** A fixed CPU workload: sort 1,000,000 seeded pseudo-random doubles. */
function referenceWorkloadMs(): number {
  let x = 12345;
  const values = new Float64Array(1_000_000).map(() => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648));
  const start = performance.now();
  values.sort();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const requested = process.argv.slice(2) as Area[];
  const unknown = requested.filter((a) => !(a in AREAS));
  if (unknown.length) {
    process.stderr.write(`unknown bench area(s): ${unknown.join(', ')}; known: ${Object.keys(AREAS).join(', ')}\n`);
    process.exit(64);
  }
  const areas = requested.length ? requested : (Object.keys(AREAS) as Area[]);
  const reference = [0, 1, 2].map(referenceWorkloadMs).sort((a, b) => a - b)[1];
  console.log(`# Vuoro benchmarks — ${new Date().toISOString()}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  console.log(`reference workload (sort 1e6 doubles, median of 3): ${reference.toFixed(1)} ms\n`);
  for (const area of areas) {
    console.log(`## ${area}`);
    await AREAS[area]();
    console.log('');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
