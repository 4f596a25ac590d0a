/**
 * CPU of normalisePhoneNumber alone, per call, for the spellings it meets: the SIP caller ID in
 * international form (every call's decision: the hot path), a national number keyed in to the IVR,
 * a CRM's spaced and "(0)" spellings, and a withheld marker; and callerNumber (what a decision runs)
 * on the SIP caller ID. Each figure is the median of `runs` timed loops of `calls` calls over 1,000
 * distinct numbers (so no single string stays hot), parsed from JSON as a request's are, in ns per
 * call; the results are summed so the loop cannot be optimised away.
 */
import { performance } from 'node:perf_hooks';
import { callerNumber } from '../../routing/src/core/customer-link.js';
import { normalisePhoneNumber } from '../src/phone-number.js';

export interface PhoneNumberBenchFigures {
  calls: number;
  runs: number;
  /** ns per call, by spelling. */
  nsPerCall: Record<string, number>;
}

const SPELLINGS: Record<string, (i: number) => string> = {
  'international +358401234567 (kept as it came)': (i) => `+35840${String(1_000_000 + i)}`,
  'national 0401234567': (i) => `040${String(1_000_000 + i)}`,
  'spaced 040 123 4567': (i) => `040 ${String(100 + (i % 900))} ${String(1000 + i)}`,
  "CRM's +358 (0)40 123 4567": (i) => `+358 (0)40 ${String(100 + (i % 900))} ${String(1000 + i)}`,
  'withheld "anonymous"': () => 'anonymous',
};

/** The strings as a request body's JSON.parse makes them (flat), not the ropes a template literal makes. */
function asParsed(strings: string[]): string[] {
  return JSON.parse(JSON.stringify(strings)) as string[];
}

function timeLoop(inputs: string[], calls: number, fn: (s: string) => string | null): number {
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < calls; i++) sink += fn(inputs[i % inputs.length])?.length ?? 1;
  const ns = ((performance.now() - start) * 1e6) / calls;
  if (sink === 0) throw new Error('unreachable');
  return ns;
}

export function main(calls = 2_000_000, runs = 7): PhoneNumberBenchFigures {
  const nsPerCall: Record<string, number> = {};
  const measure = (name: string, inputs: string[], fn: (s: string) => string | null) => {
    timeLoop(inputs, calls, fn); // warm-up: optimised before it is timed
    const times = Array.from({ length: runs }, () => timeLoop(inputs, calls, fn)).sort((a, b) => a - b);
    nsPerCall[name] = Math.round(times[Math.floor(runs / 2)] * 10) / 10;
  };
  for (const [name, spell] of Object.entries(SPELLINGS)) {
    const inputs = asParsed(Array.from({ length: 1000 }, (_, i) => spell(i)));
    measure(`normalisePhoneNumber, ${name}`, inputs, (s) => normalisePhoneNumber(s, '358'));
  }
  const sip = asParsed(Array.from({ length: 1000 }, (_, i) => SPELLINGS['international +358401234567 (kept as it came)'](i)));
  measure('callerNumber (a decision), international', sip, (s) => callerNumber(s, '358'));
  // The loop itself: an identity function over the same inputs.
  measure('empty loop (identity), for reference', sip, (s) => s);
  for (const [name, ns] of Object.entries(nsPerCall)) console.log(`${name}: ${ns} ns/call`);
  return { calls, runs, nsPerCall };
}
