/**
 * Wait-time histograms with fixed bucket edges, the storage form of every roll-up row.
 *
 * Bucket 0 holds waits in [0, EDGES[0]]; bucket i (1 ≤ i < EDGES.length) holds waits in
 * (EDGES[i-1], EDGES[i]]; the last bucket holds everything above the last edge. A wait of exactly
 * 30 s therefore falls in the bucket ending at 30, so "within 30 s" (wait ≤ 30 s) is exact for every
 * threshold that is one of the edges. Between edges the count is interpolated linearly inside the
 * bucket and marked as not exact. The edges are part of the schema (the roll-up arrays have
 * at most `HISTOGRAM_BUCKETS` elements): changing them needs a migration that rebuilds the roll-ups.
 * Stored histograms drop their trailing empty buckets, so every reader treats a missing bucket as 0.
 */

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let x = from; x <= to; x += step) out.push(x);
  return out;
}

const H = 3600;

/** Upper edges in seconds: 5 s steps to 2 min, 15 s to 5 min, 1 min to 30 min, then coarser up to 30 days. */
export const HISTOGRAM_EDGES: readonly number[] = Object.freeze([
  ...range(5, 120, 5),
  ...range(135, 300, 15),
  ...range(360, 1800, 60),
  2400, 3000, 3600,
  2 * H, 3 * H, 4 * H, 6 * H, 8 * H, 12 * H, 16 * H, 20 * H, 24 * H,
  32 * H, 40 * H, 48 * H, 56 * H, 64 * H, 72 * H, 80 * H, 96 * H, 120 * H, 144 * H, 168 * H, 240 * H, 336 * H, 480 * H, 720 * H,
]);

/** Buckets per histogram: one per edge plus the overflow bucket. */
export const HISTOGRAM_BUCKETS = HISTOGRAM_EDGES.length + 1;

/**
 * Counts per bucket. A histogram holds at most HISTOGRAM_BUCKETS elements and may be shorter: the
 * buckets past its end are empty (a roll-up row of a few short waits stays small in memory, on the
 * wire and on disk).
 */
export type Histogram = number[];

export function emptyHistogram(): Histogram {
  return [];
}

/** The bucket of a wait of `seconds` (negative waits count as 0). */
export function bucketOf(seconds: number): number {
  const s = Math.max(0, seconds);
  let lo = 0;
  let hi = HISTOGRAM_EDGES.length; // answer in [0, EDGES.length]
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s <= HISTOGRAM_EDGES[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function addToHistogram(h: Histogram, seconds: number, n = 1): void {
  const b = bucketOf(seconds);
  while (h.length <= b) h.push(0);
  h[b] += n;
}

/** Element-wise sum into `into` (which it returns); `into` grows to the length of `other`. */
export function mergeHistogram(into: Histogram, other: readonly number[]): Histogram {
  const n = Math.min(other.length, HISTOGRAM_BUCKETS);
  while (into.length < n) into.push(0);
  for (let i = 0; i < n; i++) into[i] += other[i] ?? 0;
  return into;
}

export function histogramTotal(h: readonly number[]): number {
  let n = 0;
  for (const x of h) n += x;
  return n;
}

function lowerEdge(i: number): number {
  return i === 0 ? 0 : HISTOGRAM_EDGES[i - 1];
}

export interface CountWithin {
  /** Waits ≤ threshold (interpolated inside a bucket when the threshold is not an edge). */
  count: number;
  /** True when the threshold is an edge or its bucket is empty, so `count` is exact. */
  exact: boolean;
}

/** How many waits are ≤ `thresholdSeconds`. Exact when the threshold is one of HISTOGRAM_EDGES. */
export function countWithin(h: readonly number[], thresholdSeconds: number): CountWithin {
  const t = Math.max(0, thresholdSeconds);
  let count = 0;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
    const n = h[i] ?? 0;
    const lo = lowerEdge(i);
    const hi = i < HISTOGRAM_EDGES.length ? HISTOGRAM_EDGES[i] : Number.POSITIVE_INFINITY;
    if (t >= hi) {
      count += n;
      continue;
    }
    // lo ≤ t < hi: the threshold lies in this bucket (on its lower edge: nothing of it counts).
    if (n === 0 || (t === lo && i > 0)) return { count, exact: true };
    if (!Number.isFinite(hi)) return { count, exact: false };
    return { count: count + (n * (t - lo)) / (hi - lo), exact: false };
  }
  return { count, exact: true };
}

/**
 * The p-quantile (0 < p ≤ 1) of the waits, interpolated linearly inside its bucket (accurate to the
 * bucket's width: 5 s up to two minutes). Null without waits. A quantile in the overflow bucket
 * answers the last edge (a lower bound).
 *
 * `sumSeconds`, the sum of the waits (every roll-up row stores it beside the histogram), pins down
 * where in its bucket the waits lie: the bucket's waits add up to at least the sum less the most the
 * other buckets can hold, and at most the sum less the least they can. The waits of the bucket are
 * then read as spread evenly around the middle of that range, as widely as the bucket allows. A
 * single wait is therefore exact (one reply after 0 s has a median of 0 s, not the 2.5 s of the
 * middle of its bucket), as are waits that all lie in one bucket when they are equal, and waits
 * spread over many buckets come out as without the sum.
 */
export function histogramPercentile(h: readonly number[], p: number, sumSeconds?: number): number | null {
  const total = histogramTotal(h);
  if (total === 0) return null;
  const rank = p * total;
  let seen = 0;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
    const n = h[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      if (i >= HISTOGRAM_EDGES.length) return HISTOGRAM_EDGES[HISTOGRAM_EDGES.length - 1];
      const [lo, hi] = sumSeconds === undefined ? [lowerEdge(i), HISTOGRAM_EDGES[i]] : spanOfBucket(h, i, sumSeconds);
      return lo + ((hi - lo) * (rank - seen)) / n;
    }
    seen += n;
  }
  return HISTOGRAM_EDGES[HISTOGRAM_EDGES.length - 1];
}

/**
 * Where the waits of bucket `i` lie, given the sum of all waits: centred on their mean as far as the
 * sum pins it down (the middle of the range their sum can have), within the bucket's edges. The
 * bucket's own edges when the sum says nothing (it does not fit the histogram, say).
 */
function spanOfBucket(h: readonly number[], i: number, sumSeconds: number): [number, number] {
  const lo = lowerEdge(i);
  const hi = HISTOGRAM_EDGES[i];
  const n = h[i];
  let othersMin = 0;
  let othersMax = 0;
  for (let j = 0; j < HISTOGRAM_BUCKETS; j++) {
    const m = h[j] ?? 0;
    if (j === i || m === 0) continue;
    othersMin += m * lowerEdge(j);
    othersMax += m * (j < HISTOGRAM_EDGES.length ? HISTOGRAM_EDGES[j] : Number.POSITIVE_INFINITY);
  }
  const least = Math.max(n * lo, sumSeconds - othersMax);
  const most = Math.min(n * hi, sumSeconds - othersMin);
  if (!(least <= most)) return [lo, hi];
  const mean = (least + most) / 2 / n;
  return [Math.max(lo, 2 * mean - hi), Math.min(hi, 2 * mean - lo)];
}
