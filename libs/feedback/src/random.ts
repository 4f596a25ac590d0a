/** A source of uniform numbers in [0, 1). Injected wherever sampling happens, so tests can fix it. */
export type RandomSource = () => number;

/** mulberry32: a small, fast, seedable generator (32-bit state) — reproducible samples from a seed. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function randomIndex(random: RandomSource, n: number): number {
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`a random source must return numbers in [0, 1) (got ${r})`);
  return Math.floor(r * n);
}

/** The first `k` items of a uniformly random permutation (partial Fisher–Yates); the input is not changed. */
export function drawWithoutReplacement<T>(items: readonly T[], k: number, random: RandomSource): T[] {
  const a = items.slice();
  const m = Math.min(Math.max(0, Math.floor(k)), a.length);
  for (let i = 0; i < m; i++) {
    const j = i + randomIndex(random, a.length - i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, m);
}
